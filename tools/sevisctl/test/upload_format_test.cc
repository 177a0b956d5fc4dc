#include "upload_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace sevisflow::sevisctl {
namespace {

using ::testing::HasSubstr;

v1::UploadState Failed() {
  v1::UploadState upload;
  upload.set_batch_id("SF000000000007");
  upload.set_org_id("ABC214F12345000");
  upload.set_state("FAILED");
  upload.set_upload_result_code("S0003");
  upload.set_upload_attempts(3);
  upload.set_retries(2);
  upload.set_next_attempt_at("2026-09-06T10:05:00Z");
  upload.set_updated_at("2026-09-06T10:00:00Z");
  upload.set_circuit_state("open");
  upload.set_last_error("upload S0003");
  upload.set_stuck(true);
  return upload;
}

TEST(FormatUploadListTest, OneRowPerBatchAndACount) {
  v1::ListUploadsResponse response;
  *response.add_uploads() = Failed();
  v1::UploadState* done = response.add_uploads();
  done->set_batch_id("SF000000000008");
  done->set_org_id("ABC214F12345000");
  done->set_state("DOWNLOADED");
  done->set_upload_result_code("S0000");
  done->set_download_result_code("S0000");
  done->set_upload_attempts(1);
  done->set_download_attempts(2);
  done->set_updated_at("2026-09-06T10:01:00Z");
  done->set_circuit_state("closed");
  EXPECT_EQ(FormatUploadList(response),
            "BATCH           ORG              STATE           RESULTS      ATTEMPTS        "
            "NEXT_ATTEMPT          UPDATED               CIRCUIT  ERROR\n"
            "SF000000000007  ABC214F12345000  FAILED (stuck)  S0003/-      3/0 +2 retries  "
            "2026-09-06T10:05:00Z  2026-09-06T10:00:00Z  open     upload S0003\n"
            "SF000000000008  ABC214F12345000  DOWNLOADED      S0000/S0000  1/2             "
            "-                     2026-09-06T10:01:00Z  closed   -\n"
            "2 uploads\n");
  EXPECT_EQ(FormatUploadList(v1::ListUploadsResponse()),
            "BATCH  ORG  STATE  RESULTS  ATTEMPTS  NEXT_ATTEMPT  UPDATED  CIRCUIT  ERROR\n"
            "0 uploads\n");
}

TEST(FormatUploadChangeTest, SaysWhatHappenedThenTheRow) {
  v1::UploadState pending = Failed();
  pending.set_state("PENDING");
  pending.set_stuck(false);
  const std::string text = FormatUploadChange(pending, "sent back to work");
  EXPECT_THAT(text, ::testing::StartsWith("batch SF000000000007 sent back to work: now PENDING\n"
                                          "BATCH "));
  EXPECT_THAT(text, HasSubstr("\nSF000000000007  ABC214F12345000  PENDING  S0003/-"));
}

TEST(FormatDocumentsTest, BatchKindPathAndACount) {
  v1::ListDocumentsResponse response;
  v1::StoredDocument* doc = response.add_documents();
  doc->set_batch_id("SF000000000007");
  doc->set_kind("I-20");
  doc->set_path("/docstore/ABC214F12345000/SIS000123/SF000000000007/N0000000001.pdf");
  EXPECT_EQ(FormatDocuments(response),
            "BATCH           KIND  PATH\n"
            "SF000000000007  I-20  "
            "/docstore/ABC214F12345000/SIS000123/SF000000000007/N0000000001.pdf\n"
            "1 document\n");
  EXPECT_EQ(FormatDocuments(v1::ListDocumentsResponse()), "BATCH  KIND  PATH\n0 documents\n");
}

}  // namespace
}  // namespace sevisflow::sevisctl
