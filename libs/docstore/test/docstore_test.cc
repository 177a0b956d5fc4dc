// The document store's file helpers on a temporary folder (moved from the importer's
// store_test.cc and the uploader's docstore_test.cc).
#include "sevisflow/docstore/docstore.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sevisflow::docstore {
namespace {

std::string TempRoot(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("docstore_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(DocStore, Layout) {
  EXPECT_EQ(BatchDir("ABC214F12345000", "SF000000000001"),
            "ABC214F12345000/batches/SF000000000001");
  EXPECT_EQ(PersonDir("ABC214F12345000", "P1"), "ABC214F12345000/persons/P1");
}

TEST(DocStore, WritesAtomicallyAndReadsBack) {
  std::string root = TempRoot("batch");
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

TEST(DocStore, WriteReadList) {
  std::string root = TempRoot("persons");
  ASSERT_TRUE(WriteFileAtomic(root, "O/persons/P1/B_N1.pdf", "pdf").ok());
  ASSERT_TRUE(WriteFileAtomic(root, "O/persons/P1/B_N1.pdf", "pdf2").ok());
  EXPECT_EQ(*ReadFile(root, "O/persons/P1/B_N1.pdf"), "pdf2");
  EXPECT_EQ(ListFiles(root, "O/persons/P1"), std::vector<std::string>{"B_N1.pdf"});
  EXPECT_TRUE(ListFiles(root, "O/persons/none").empty());
  EXPECT_EQ(ReadFile(root, "nope").status().code(), absl::StatusCode::kNotFound);
  std::filesystem::remove_all(root);
}

TEST(DocStore, EmptyAndBinaryContent) {
  std::string root = TempRoot("binary");
  ASSERT_TRUE(WriteFileAtomic(root, "O/empty", "").ok());
  EXPECT_EQ(*ReadFile(root, "O/empty"), "");
  const std::string binary("\0\x01\xff PK", 6);
  ASSERT_TRUE(WriteFileAtomic(root, "O/bin", binary).ok());
  EXPECT_EQ(*ReadFile(root, "O/bin"), binary);
  std::filesystem::remove_all(root);
}

TEST(DocStore, SafeRelativePaths) {
  EXPECT_TRUE(IsSafeRelativePath("ORG/batches/SF000000000001/result.zip"));
  EXPECT_FALSE(IsSafeRelativePath("/etc/passwd"));
  EXPECT_FALSE(IsSafeRelativePath("ORG/../../etc"));
  EXPECT_FALSE(IsSafeRelativePath("ORG//x"));
  EXPECT_FALSE(IsSafeRelativePath("ORG/x/"));
  EXPECT_FALSE(IsSafeRelativePath("./x"));
  EXPECT_FALSE(IsSafeRelativePath("ORG\\..\\x"));
  EXPECT_FALSE(IsSafeRelativePath(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsSafeRelativePath(""));
}

TEST(DocStore, RefusesUnsafePathsBeforeTouchingTheDisk) {
  std::string root = TempRoot("unsafe");
  EXPECT_EQ(WriteFileAtomic(root, "../escaped", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteFileAtomic(root, "/tmp/escaped", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(root));
  EXPECT_EQ(ReadFile(root, "O/../../etc/passwd").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ListFiles(root, "..").empty());
}

TEST(DocStore, Sha256) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace sevisflow::docstore
