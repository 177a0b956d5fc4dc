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

}  // namespace
}  // namespace sevisflow::uploader
