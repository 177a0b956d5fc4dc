#include "sevisflow/batching/planner.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace sevisflow::batching {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using sevisflow::v1::Alert;

Alert CreateAlert(int n, std::string person) {
  Alert alert;
  alert.set_alert_id(absl::StrCat("a", std::string(15, '0'), 1000 + n));  // 20 hex-ish chars
  alert.set_org_id("BOS214F00123000");
  alert.set_person_id(std::move(person));
  alert.set_visa_family(sevisflow::v1::VISA_FAMILY_FM);
  alert.set_event_type(sevisflow::v1::EVENT_TYPE_CREATE_STUDENT);
  alert.mutable_create_student()->set_last_name("Synthetic");
  return alert;
}

std::vector<Alert> DistinctPersons(int count) {
  std::vector<Alert> alerts;
  for (int i = 0; i < count; ++i) alerts.push_back(CreateAlert(i, absl::StrCat("P", i)));
  return alerts;
}

Alert UpdateAlert(int n, std::string person, sevisflow::v1::VisaFamily family) {
  Alert alert;
  alert.set_alert_id(absl::StrCat("u", std::string(15, '0'), 1000 + n));
  alert.set_org_id("BOS214F00123000");
  alert.set_person_id(std::move(person));
  alert.set_visa_family(family);
  alert.set_sevis_id("N0000000001");
  if (family == sevisflow::v1::VISA_FAMILY_J) {
    alert.set_event_type(sevisflow::v1::EVENT_TYPE_EV_BIOGRAPHICAL);
    alert.mutable_biographical()->set_last_name("Synthetic");
  } else {
    alert.set_event_type(sevisflow::v1::EVENT_TYPE_PERSONAL_INFO);
    alert.mutable_personal_info()->set_last_name("Synthetic");
  }
  return alert;
}

TEST(PlanTest, OneVisaFamilyPerDocument) {
  std::vector<Alert> alerts = {UpdateAlert(0, "P1", sevisflow::v1::VISA_FAMILY_FM),
                               UpdateAlert(1, "P2", sevisflow::v1::VISA_FAMILY_J),
                               CreateAlert(2, "P3"),
                               UpdateAlert(3, "P4", sevisflow::v1::VISA_FAMILY_J)};
  Plan plan = PlanDocuments(alerts, 250);
  ASSERT_EQ(plan.documents.size(), 2u);
  EXPECT_EQ(plan.documents[0].family, sevisflow::v1::VISA_FAMILY_FM);
  EXPECT_THAT(plan.documents[0].alert_indexes, ElementsAre(0, 2));
  EXPECT_EQ(plan.documents[0].creates, 1);
  EXPECT_EQ(plan.documents[0].updates, 1);
  EXPECT_EQ(plan.documents[1].family, sevisflow::v1::VISA_FAMILY_J);
  EXPECT_THAT(plan.documents[1].alert_indexes, ElementsAre(1, 3));
}

TEST(PlanTest, CreatesAndUpdatesEachUpToTheLimitInOneDocument) {
  std::vector<Alert> alerts;
  for (int i = 0; i < 300; ++i) alerts.push_back(CreateAlert(i, absl::StrCat("C", i)));
  for (int i = 0; i < 300; ++i) {
    alerts.push_back(UpdateAlert(i, absl::StrCat("U", i), sevisflow::v1::VISA_FAMILY_FM));
  }
  Plan plan = PlanDocuments(alerts, 250);
  ASSERT_EQ(plan.documents.size(), 2u);
  EXPECT_EQ(plan.documents[0].creates, 250);
  EXPECT_EQ(plan.documents[0].updates, 250);
  EXPECT_EQ(plan.documents[1].creates, 50);
  EXPECT_EQ(plan.documents[1].updates, 50);
}

TEST(PlanTest, SeveralUpdatesOfOnePersonShareADocument) {
  std::vector<Alert> alerts = {UpdateAlert(0, "P1", sevisflow::v1::VISA_FAMILY_FM),
                               UpdateAlert(1, "P1", sevisflow::v1::VISA_FAMILY_FM)};
  alerts[1].set_event_type(sevisflow::v1::EVENT_TYPE_FINANCIAL_INFO);
  alerts[1].mutable_financial()->set_tuition(1);
  Plan plan = PlanDocuments(alerts, 250);
  ASSERT_EQ(plan.documents.size(), 1u);
  EXPECT_THAT(plan.documents[0].alert_indexes, ElementsAre(0, 1));
}

TEST(PlanTest, UpdateWithoutSevisIdOrFamilyIsNotBuildable) {
  Alert no_id = UpdateAlert(0, "P1", sevisflow::v1::VISA_FAMILY_FM);
  no_id.clear_sevis_id();
  absl::Status status = CheckBuildable(no_id);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("no SEVIS ID"));
  Alert no_family = CreateAlert(1, "P2");
  no_family.set_visa_family(sevisflow::v1::VISA_FAMILY_UNSPECIFIED);
  EXPECT_THAT(std::string(CheckBuildable(no_family).message()), HasSubstr("visa family"));
  EXPECT_TRUE(CheckBuildable(CreateAlert(2, "P3")).ok());
}

TEST(BatchDocumentTest, ExchangeVisitorDocumentsCarrySchema627) {
  sevisflow::v1::BatchDocument document =
      MakeBatchDocument("SF000000000010", "P-1-12345", "tpdso-4140", sevisflow::v1::VISA_FAMILY_J,
                        "<x/>", {UpdateAlert(0, "P1", sevisflow::v1::VISA_FAMILY_J)}, "t");
  EXPECT_EQ(document.schema_version(), "6.27");
  EXPECT_EQ(document.visa_family(), sevisflow::v1::VISA_FAMILY_J);
}

TEST(BatchIdTest, PrefixPlusZeroPaddedSequenceIsFourteenCharacters) {
  EXPECT_EQ(*FormatBatchId("SF", 1), "SF000000000001");
  EXPECT_EQ(*FormatBatchId("UNIV7", 12345), "UNIV7000012345");
  EXPECT_EQ(FormatBatchId("UNIV7", 12345)->size(), kBatchIdLength);
  EXPECT_EQ(FormatBatchId("SF", 999999999999)->size(), kBatchIdLength);
}

TEST(BatchIdTest, SequenceThatNoLongerFitsIsOutOfRange) {
  absl::StatusOr<std::string> id = FormatBatchId("SF", 1000000000000);  // 13 digits
  EXPECT_EQ(id.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(FormatBatchId("SF", 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BatchIdTest, PrefixMustBeLettersAndDigitsShorterThanTheId) {
  EXPECT_TRUE(CheckBatchIdPrefix("SF").ok());
  EXPECT_TRUE(CheckBatchIdPrefix("ABC123").ok());
  EXPECT_FALSE(CheckBatchIdPrefix("").ok());
  EXPECT_FALSE(CheckBatchIdPrefix("SF-").ok());
  EXPECT_FALSE(CheckBatchIdPrefix("S F").ok());
  EXPECT_FALSE(CheckBatchIdPrefix("ABCDEFGHIJKLMN").ok());  // 14: no room for a digit
  EXPECT_TRUE(CheckBatchIdPrefix("ABCDEFGHIJKLM").ok());    // 13 + one digit
  EXPECT_EQ(*FormatBatchId("ABCDEFGHIJKLM", 7), "ABCDEFGHIJKLM7");
  EXPECT_FALSE(FormatBatchId("S/F", 1).ok());
}

TEST(UserIdTest, MustBeExactlyTenCharacters) {
  EXPECT_TRUE(CheckUserId("tpdso-4140").ok());
  absl::Status short_id = CheckUserId("dso1");
  EXPECT_EQ(short_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(short_id.message()), HasSubstr("exactly 10"));
  EXPECT_FALSE(CheckUserId("kander69520").ok());
  EXPECT_FALSE(CheckUserId("").ok());
}

TEST(RequestIdTest, IsTheAlertIdWhenItFitsTheXsdRule) {
  Alert alert = CreateAlert(1, "P1");
  alert.set_alert_id("0123456789abcdef0123");
  EXPECT_EQ(*RequestIdFor(alert), "0123456789abcdef0123");
  alert.set_alert_id("0123456789abcdef01234");  // 21
  EXPECT_FALSE(RequestIdFor(alert).ok());
  for (const char* bad : {"ab:cd", "ab/cd", "ab\\cd", ""}) {
    alert.set_alert_id(bad);
    EXPECT_FALSE(RequestIdFor(alert).ok()) << bad;
  }
}

TEST(PlanTest, SplitsAtTwoHundredFifty) {
  const std::vector<Alert> alerts = DistinctPersons(600);
  Plan plan = PlanDocuments(alerts, 250);
  ASSERT_EQ(plan.documents.size(), 3u);
  EXPECT_EQ(plan.documents[0].alert_indexes.size(), 250u);
  EXPECT_EQ(plan.documents[1].alert_indexes.size(), 250u);
  EXPECT_EQ(plan.documents[2].alert_indexes.size(), 100u);
  EXPECT_EQ(plan.documents[0].alert_indexes.front(), 0u);
  EXPECT_EQ(plan.documents[2].alert_indexes.back(), 599u);
  EXPECT_TRUE(plan.unplanned.empty());
}

TEST(PlanTest, ExactlyTwoHundredFiftyIsOneDocument) {
  Plan plan = PlanDocuments(DistinctPersons(250), 250);
  ASSERT_EQ(plan.documents.size(), 1u);
  EXPECT_EQ(plan.documents[0].alert_indexes.size(), 250u);
}

TEST(PlanTest, ConfiguredLimitIsHonouredAndCappedAtTheXsdLimit) {
  EXPECT_EQ(PlanDocuments(DistinctPersons(7), 3).documents.size(), 3u);
  Plan capped = PlanDocuments(DistinctPersons(251), 1000);
  ASSERT_EQ(capped.documents.size(), 2u);
  EXPECT_EQ(capped.documents[0].alert_indexes.size(), 250u);
}

TEST(PlanTest, OnePersonCreatedAtMostOncePerDocument) {
  std::vector<Alert> alerts = {CreateAlert(0, "P1"), CreateAlert(1, "P1"), CreateAlert(2, "P2"),
                               CreateAlert(3, "P1"), CreateAlert(4, "P3")};
  Plan plan = PlanDocuments(alerts, 250);
  ASSERT_EQ(plan.documents.size(), 3u);
  EXPECT_THAT(plan.documents[0].alert_indexes, ElementsAre(0, 2, 4));
  EXPECT_THAT(plan.documents[1].alert_indexes, ElementsAre(1));
  EXPECT_THAT(plan.documents[2].alert_indexes, ElementsAre(3));
  for (const PlannedDocument& document : plan.documents) {
    std::set<std::string> persons;
    for (size_t i : document.alert_indexes) {
      EXPECT_TRUE(persons.insert(alerts[i].person_id()).second);
    }
  }
}

TEST(PlanTest, UnsupportedOrBrokenAlertsAreLeftOutWithAReason) {
  std::vector<Alert> alerts = DistinctPersons(3);
  alerts[1].clear_create_student();
  alerts[2].set_alert_id("bad:id");
  Plan plan = PlanDocuments(alerts, 250);
  ASSERT_EQ(plan.documents.size(), 1u);
  EXPECT_THAT(plan.documents[0].alert_indexes, ElementsAre(0));
  ASSERT_EQ(plan.unplanned.size(), 2u);
  EXPECT_EQ(plan.unplanned[0].alert_index, 1u);
  EXPECT_THAT(plan.unplanned[0].reason, HasSubstr("without its event data"));
  EXPECT_EQ(plan.unplanned[1].alert_index, 2u);
}

TEST(PlanTest, NothingSelectedPlansNothing) {
  Plan plan = PlanDocuments({}, 250);
  EXPECT_TRUE(plan.documents.empty());
  EXPECT_TRUE(plan.unplanned.empty());
}

TEST(XsdIssuesTest, CarryPathAndMessage) {
  std::vector<sevisflow::v1::ValidationIssue> issues = XsdIssues(
      {{3, 7, "/SEVISBatchCreateUpdateStudent/CreateStudent/Student/PersonalInfo", "bad value"}});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code(), "XSD_INVALID");
  EXPECT_EQ(issues[0].field(),
            "/SEVISBatchCreateUpdateStudent/CreateStudent/Student/PersonalInfo");
  EXPECT_EQ(issues[0].message(), "bad value");
}

TEST(BatchDocumentTest, RecordsMapRequestIdsToAlerts) {
  std::vector<Alert> alerts = DistinctPersons(2);
  sevisflow::v1::BatchDocument document = MakeBatchDocument(
      "SF000000000009", "BOS214F00123000", "tpdso-4140", sevisflow::v1::VISA_FAMILY_FM, "<x/>",
      alerts, "2026-01-01T00:00:00Z");
  EXPECT_EQ(document.batch_id(), "SF000000000009");
  EXPECT_EQ(document.schema_version(), "6.55");
  EXPECT_EQ(document.visa_family(), sevisflow::v1::VISA_FAMILY_FM);
  ASSERT_EQ(document.records_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(document.records(i).request_id(), alerts[i].alert_id());
    EXPECT_EQ(document.records(i).alert_id(), alerts[i].alert_id());
    EXPECT_EQ(document.records(i).person_id(), alerts[i].person_id());
    EXPECT_EQ(document.records(i).alert().alert_id(), alerts[i].alert_id());
    EXPECT_EQ(document.records(i).event_type(), sevisflow::v1::EVENT_TYPE_CREATE_STUDENT);
  }
}

}  // namespace
}  // namespace sevisflow::batching
