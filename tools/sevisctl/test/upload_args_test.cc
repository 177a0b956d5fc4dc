#include "upload_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

namespace sevisflow::sevisctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParseUploadStateTest, AnyCaseTrimmedToTheUploaderName) {
  EXPECT_EQ(*ParseUploadState("failed"), "FAILED");
  EXPECT_EQ(*ParseUploadState(" Cancelled "), "CANCELLED");
  EXPECT_EQ(*ParseUploadState("DOWNLOADED"), "DOWNLOADED");
  absl::StatusOr<std::string> bad = ParseUploadState("canceled");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--state: 'canceled' is not an upload state"));
  EXPECT_THAT(bad.status().message(), HasSubstr("cancelled"));
  EXPECT_FALSE(ParseUploadState("").ok());
}

TEST(MakeListUploadsRequestTest, OrgOptionalStatesEachOnce) {
  absl::StatusOr<v1::ListUploadsRequest> all = MakeListUploadsRequest("", {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->org_id(), "");
  EXPECT_THAT(all->states(), IsEmpty());

  absl::StatusOr<v1::ListUploadsRequest> some =
      MakeListUploadsRequest(" ABC214F12345000 ", {"failed", "pending", "FAILED"});
  ASSERT_TRUE(some.ok()) << some.status();
  EXPECT_EQ(some->org_id(), "ABC214F12345000");
  EXPECT_THAT(some->states(), ElementsAre("FAILED", "PENDING"));

  absl::StatusOr<v1::ListUploadsRequest> bad = MakeListUploadsRequest("", {"failed", "done"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("'done'"));
}

TEST(MakeRetryUploadRequestTest, NeedsOrgAndAFourteenCharacterBatchId) {
  absl::StatusOr<v1::RetryUploadRequest> ok =
      MakeRetryUploadRequest("ABC214F12345000", " SF000000000007 ");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->org_id(), "ABC214F12345000");
  EXPECT_EQ(ok->batch_id(), "SF000000000007");

  absl::StatusOr<v1::RetryUploadRequest> no_org = MakeRetryUploadRequest(" ", "SF000000000007");
  ASSERT_FALSE(no_org.ok());
  EXPECT_THAT(no_org.status().message(), HasSubstr("--org: required"));

  // Other tools' IDs with '-' are valid (INTERFACE.md §9); blanks and other lengths are not.
  EXPECT_TRUE(MakeRetryUploadRequest("ABC214F12345000", "----kynEn47azQ").ok());
  for (const char* batch : {"", "SF7", "SF0000000000071", "SF 00000000007", "SF00000000\t007"}) {
    absl::StatusOr<v1::RetryUploadRequest> bad = MakeRetryUploadRequest("ABC214F12345000", batch);
    ASSERT_FALSE(bad.ok()) << batch;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << batch;
    EXPECT_THAT(bad.status().message(), HasSubstr("--batch")) << batch;
  }
}

TEST(MakeCancelUploadRequestTest, SameChecksAsRetry) {
  absl::StatusOr<v1::CancelUploadRequest> ok =
      MakeCancelUploadRequest("P-1-12345", "EV000000000012");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->org_id(), "P-1-12345");
  EXPECT_EQ(ok->batch_id(), "EV000000000012");
  EXPECT_FALSE(MakeCancelUploadRequest("", "EV000000000012").ok());
  EXPECT_FALSE(MakeCancelUploadRequest("P-1-12345", "EV 00000000012").ok());
}

TEST(MakeListDocumentsRequestTest, NeedsOrgAndPerson) {
  absl::StatusOr<v1::ListDocumentsRequest> ok =
      MakeListDocumentsRequest("ABC214F12345000", " SIS000123 ");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->org_id(), "ABC214F12345000");
  EXPECT_EQ(ok->person_id(), "SIS000123");
  absl::StatusOr<v1::ListDocumentsRequest> no_person =
      MakeListDocumentsRequest("ABC214F12345000", "");
  ASSERT_FALSE(no_person.ok());
  EXPECT_THAT(no_person.status().message(), HasSubstr("--person: required"));
  EXPECT_FALSE(MakeListDocumentsRequest("", "SIS000123").ok());
}

}  // namespace
}  // namespace sevisflow::sevisctl
