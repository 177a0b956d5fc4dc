#include "docstore.h"

#include <zip.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace sevisflow::uploader {
namespace {

std::string TempRoot() {
  auto dir = std::filesystem::temp_directory_path() /
             ("uploader_docstore_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(DocStore, WritesAtomicallyAndReadsBack) {
  std::string root = TempRoot();
  std::string rel = BatchDir("ABC214F12345000", "SF000000000001") + "/batch.xml";
  EXPECT_EQ(rel, "ABC214F12345000/batches/SF000000000001/batch.xml");
  ASSERT_TRUE(WriteFileAtomic(root, rel, "<a/>").ok());
  ASSERT_TRUE(WriteFileAtomic(root, rel, "<b/>").ok());
  auto back = ReadFile(root, rel);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "<b/>");
  EXPECT_EQ(ReadFile(root, "missing").status().code(), absl::StatusCode::kNotFound);
  std::filesystem::remove_all(root);
}

TEST(DocStore, Sha256) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DocStore, ZipSingleEntryIsReadable) {
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
