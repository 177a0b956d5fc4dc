// BuildBatches against the official XSDs: planning, validation, returned records, batch IDs.
#include "sevisflow/batching/build.h"

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "test_support.h"

namespace sevisflow::batching {
namespace {

using ::testing::HasSubstr;
using sevisflow::v1::Alert;

class BuildBatchesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<LoadedValidators> loaded = LoadValidators(sevisxml::testing::XsdDir());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    validators_ = new LoadedValidators(*std::move(loaded));
  }
  static void TearDownTestSuite() { delete validators_; }

  BuildOptions Options() const {
    BuildOptions options;
    options.org_id = "BOS214F00123000";
    options.user_id = "tpdso-4140";
    options.issue_date = "2026-11-20";
    return options;
  }

  // Batch IDs from a counter, as the builder does with Redis INCR.
  NextBatchId Counter() {
    return [this]() -> absl::StatusOr<std::string> { return FormatBatchId("SF", ++sequence_); };
  }
  DocumentSink Collect() {
    return [this](BuiltDocument document) {
      documents_.push_back(std::move(document));
      return absl::OkStatus();
    };
  }

  static LoadedValidators* validators_;
  int64_t sequence_ = 0;
  std::vector<BuiltDocument> documents_;
};

LoadedValidators* BuildBatchesTest::validators_ = nullptr;

std::vector<Alert> Creates(int count) {
  std::vector<Alert> alerts;
  for (int i = 0; i < count; ++i) alerts.push_back(sevisxml::testing::MakeCreateStudentAlert(i));
  return alerts;
}

TEST_F(BuildBatchesTest, SixHundredCreatesGiveThreeValidDocumentsWithUniqueIds) {
  std::vector<Alert> alerts = Creates(600);
  absl::StatusOr<BuildResult> result =
      BuildBatches(alerts, Options(), validators_->view(), Counter(), Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->documents, 3);
  EXPECT_EQ(result->records, 600);
  EXPECT_TRUE(result->returned.empty());
  ASSERT_EQ(documents_.size(), 3u);
  std::set<std::string> ids;
  std::set<std::string> alert_ids;
  for (const BuiltDocument& document : documents_) {
    EXPECT_EQ(document.batch_id.size(), kBatchIdLength);
    EXPECT_TRUE(ids.insert(document.batch_id).second);
    EXPECT_LE(document.alerts.size(), 250u);
    EXPECT_THAT(document.xml, HasSubstr(absl::StrCat("<BatchID>", document.batch_id)));
    EXPECT_TRUE(validators_->student->Validate(document.xml).empty());
    for (const Alert& alert : document.alerts) alert_ids.insert(alert.alert_id());
  }
  EXPECT_EQ(alert_ids.size(), 600u);
  EXPECT_EQ(documents_[0].alerts.size(), 250u);
  EXPECT_EQ(documents_[2].alerts.size(), 100u);
}

TEST_F(BuildBatchesTest, InvalidRecordIsReturnedWithPathAndTheRestGoesOut) {
  std::vector<Alert> alerts = Creates(3);
  alerts[1].mutable_create_student()->set_birth_country("ZZZ");  // not in the code list
  absl::StatusOr<BuildResult> result =
      BuildBatches(alerts, Options(), validators_->view(), Counter(), Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->returned.size(), 1u);
  EXPECT_EQ(result->returned[0].alert.alert_id(), alerts[1].alert_id());
  ASSERT_FALSE(result->returned[0].issues.empty());
  EXPECT_EQ(result->returned[0].issues[0].code(), "XSD_INVALID");
  EXPECT_THAT(result->returned[0].issues[0].field(), HasSubstr("BirthCountryCode"));
  ASSERT_EQ(documents_.size(), 1u);
  ASSERT_EQ(documents_[0].alerts.size(), 2u);
  EXPECT_EQ(documents_[0].alerts[0].alert_id(), alerts[0].alert_id());
  EXPECT_EQ(documents_[0].alerts[1].alert_id(), alerts[2].alert_id());
  EXPECT_TRUE(validators_->student->Validate(documents_[0].xml).empty());
}

TEST_F(BuildBatchesTest, AllRecordsInvalidPublishesNothing) {
  std::vector<Alert> alerts = Creates(2);
  for (Alert& alert : alerts) alert.mutable_create_student()->set_gender("X");
  absl::StatusOr<BuildResult> result =
      BuildBatches(alerts, Options(), validators_->view(), Counter(), Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->documents, 0);
  EXPECT_EQ(result->returned.size(), 2u);
  EXPECT_TRUE(documents_.empty());
}

TEST_F(BuildBatchesTest, UnbuildableAlertsAreUnplannedAndBadUserIsRefused) {
  std::vector<Alert> alerts = Creates(2);
  alerts[0].clear_create_student();
  absl::StatusOr<BuildResult> result =
      BuildBatches(alerts, Options(), validators_->view(), Counter(), Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->unplanned.size(), 1u);
  EXPECT_EQ(result->unplanned[0].alert_index, 0u);
  EXPECT_EQ(result->records, 1);

  BuildOptions bad = Options();
  bad.user_id = "short";
  EXPECT_EQ(BuildBatches(alerts, bad, validators_->view(), Counter(), Collect()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(BuildBatchesTest, SinkFailureStopsTheClose) {
  std::vector<Alert> alerts = Creates(300);
  int calls = 0;
  absl::StatusOr<BuildResult> result = BuildBatches(
      alerts, Options(), validators_->view(), Counter(), [&calls](BuiltDocument) {
        ++calls;
        return absl::UnavailableError("broker down");
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
}

TEST_F(BuildBatchesTest, MissingSchemaForAFamilyLeavesItsAlertsUnplanned) {
  Validators only_ev{nullptr, validators_->ev.get()};
  absl::StatusOr<BuildResult> result =
      BuildBatches(Creates(2), Options(), only_ev, Counter(), Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->unplanned.size(), 2u);
  EXPECT_THAT(result->unplanned[0].reason, HasSubstr("no schema"));
}

TEST(LoadValidatorsTest, MissingFolderNamesTheFile) {
  absl::StatusOr<LoadedValidators> loaded = LoadValidators("/nonexistent/xsd");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("Create-UpdateStudent.xsd"));
}

}  // namespace
}  // namespace sevisflow::batching
