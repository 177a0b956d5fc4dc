#include "zip_io.h"

#include <zip.h>

#include <string>

#include <gtest/gtest.h>

namespace sevisflow::uploader {
namespace {

TEST(ZipIo, ZipSingleEntryIsReadable) {
  auto zip_bytes = ZipSingleEntry("sevis_transaction_log.xml", "<TransactionLog/>");
  ASSERT_TRUE(zip_bytes.ok()) << zip_bytes.status();
  ASSERT_GE(zip_bytes->size(), 2u);
  EXPECT_EQ(zip_bytes->substr(0, 2), "PK");
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(zip_bytes->data(), zip_bytes->size(), 0, &err);
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY, &err);
  ASSERT_NE(archive, nullptr);
  zip_file_t* f = zip_fopen(archive, "sevis_transaction_log.xml", 0);
  ASSERT_NE(f, nullptr);
  char buf[64] = {};
  zip_int64_t n = zip_fread(f, buf, sizeof buf);
  zip_fclose(f);
  zip_close(archive);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "<TransactionLog/>");
}

TEST(ZipIo, CheckZipAcceptsAnIntactResult) {
  auto zip = ZipSingleEntry("sevis_transaction_log.xml", std::string(5000, 'x') + "<Log/>");
  ASSERT_TRUE(zip.ok()) << zip.status();
  EXPECT_TRUE(CheckZip(*zip, "sevis_transaction_log.xml").ok());
}

TEST(ZipIo, CheckZipRefusesTruncatedCorruptOrIncompleteZips) {
  // Varied content so that the deflated entry is long enough to damage in its middle.
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::to_string(i * 7919 % 10007) + ",";
  auto zip = ZipSingleEntry("sevis_transaction_log.xml", text);
  ASSERT_TRUE(zip.ok()) << zip.status();

  const std::string truncated = zip->substr(0, zip->size() / 2);
  absl::Status s = CheckZip(truncated, "sevis_transaction_log.xml");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;

  std::string corrupt = *zip;
  for (size_t i = corrupt.size() / 3; i < 2 * corrupt.size() / 3; ++i) corrupt[i] = '\x5a';
  s = CheckZip(corrupt, "sevis_transaction_log.xml");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;

  s = CheckZip(*zip, "other.xml");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("other.xml"), std::string::npos) << s;
}

}  // namespace
}  // namespace sevisflow::uploader
