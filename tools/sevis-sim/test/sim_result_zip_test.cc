#include "sim_result_zip.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <memory>
#include <regex>
#include <string>

namespace sevisflow::sim {
namespace {

// Opens bytes with libzip directly, independent of ReadZip.
std::map<std::string, std::string> OpenWithLibzip(const std::string& bytes) {
  std::map<std::string, std::string> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  EXPECT_NE(src, nullptr);
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    ADD_FAILURE() << "libzip cannot open: " << zip_error_strerror(&error);
    zip_source_free(src);
    zip_error_fini(&error);
    return out;
  }
  zip_error_fini(&error);
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t st;
    EXPECT_EQ(zip_stat_index(archive, i, 0, &st), 0);
    zip_file_t* f = zip_fopen_index(archive, i, 0);
    std::string content(st.size, '\0');
    EXPECT_EQ(zip_fread(f, content.data(), st.size), static_cast<zip_int64_t>(st.size));
    zip_fclose(f);
    out[st.name] = content;
  }
  zip_close(archive);
  return out;
}

TEST(FormPdfTest, IsAStructurallyValidPdf14WithCorrectOffsets) {
  const std::string pdf = BuildFormPdf("N0000000042", "SIMTEST0000001");
  ASSERT_EQ(pdf.rfind("%PDF-1.4\n", 0), 0u);
  ASSERT_GE(pdf.size(), 6u);
  EXPECT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
  EXPECT_NE(pdf.find("SEVIS ID: N0000000042"), std::string::npos);

  // startxref must point at the xref table...
  const size_t sx = pdf.rfind("startxref\n");
  ASSERT_NE(sx, std::string::npos);
  const size_t xref = std::stoul(pdf.substr(sx + 10));
  ASSERT_EQ(pdf.compare(xref, 5, "xref\n"), 0);
  // ...and every in-use entry at its "N 0 obj".
  std::smatch m;
  std::string table = pdf.substr(xref);
  std::regex entry(R"((\d{10}) 00000 n \n)");
  int object = 1;
  for (auto it = std::sregex_iterator(table.begin(), table.end(), entry);
       it != std::sregex_iterator(); ++it, ++object) {
    const size_t off = std::stoul((*it)[1]);
    const std::string header = std::to_string(object) + " 0 obj";
    EXPECT_EQ(pdf.compare(off, header.size(), header), 0) << "object " << object;
  }
  EXPECT_EQ(object, 6);  // five objects
  // The content stream's /Length matches its bytes.
  std::regex length(R"(/Length (\d+) >>\nstream\n)");
  ASSERT_TRUE(std::regex_search(pdf, m, length));
  const size_t start = m.position(0) + m.length(0);
  const size_t end = pdf.find("\nendstream", start);
  EXPECT_EQ(end - start, std::stoul(m[1]));
}

TEST(FormPdfTest, NameUsesSevisIdAndSanitisedBatchId) {
  EXPECT_EQ(FormPdfName("N0000000042", "SIMTEST0000001"), "N0000000042_SIMTEST0000001.pdf");
  EXPECT_EQ(FormPdfName("N0000000042", "AB/..\\C D-_x"), "N0000000042_AB____C_D-_x.pdf");
}

TEST(ResultZipTest, LibzipReadsBackEveryEntry) {
  const std::string log = "<TransactionLog/>";
  const std::string pdf = BuildFormPdf("N0000000001", "SIMTEST0000001");
  auto zip = BuildZip({{std::string(kLogEntryName), log},
                       {FormPdfName("N0000000001", "SIMTEST0000001"), pdf},
                       {"empty.txt", ""}});
  ASSERT_TRUE(zip.ok()) << zip.status();
  ASSERT_EQ(zip->rfind("PK", 0), 0u);
  auto entries = OpenWithLibzip(*zip);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries["sevis_transaction_log.xml"], log);
  EXPECT_EQ(entries["N0000000001_SIMTEST0000001.pdf"], pdf);
  EXPECT_EQ(entries["empty.txt"], "");
  auto ours = ReadZip(*zip);
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_EQ(*ours, entries);
}

TEST(ResultZipTest, ReadZipRefusesGarbage) {
  EXPECT_FALSE(ReadZip("<TransactionLog/>").ok());
}

}  // namespace
}  // namespace sevisflow::sim
