#include "sim_result_zip.h"

#include <zip.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"

namespace sevisflow::sim {
namespace {

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

struct ZipSourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using ZipSourcePtr = std::unique_ptr<zip_source_t, ZipSourceFree>;

struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;

std::string ZipErrorText(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

// Escapes a PDF literal string's delimiters.
std::string PdfText(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += (c >= 0x20 && c <= 0x7e) ? c : '?';
  }
  return out;
}

}  // namespace

std::string BuildFormPdf(std::string_view sevis_id, std::string_view batch_id) {
  const std::string stream =
      absl::StrCat("BT /F1 14 Tf 72 720 Td (SEVIS simulator - specimen form, not valid) Tj ",
                   "0 -24 Td (SEVIS ID: ", PdfText(sevis_id), ") Tj ",
                   "0 -24 Td (Batch ID: ", PdfText(batch_id), ") Tj ET");
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      absl::StrCat("<< /Length ", stream.size(), " >>\nstream\n", stream, "\nendstream"),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    absl::StrAppend(&pdf, i + 1, " 0 obj\n", objects[i], "\nendobj\n");
  }
  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", objects.size() + 1, "\n0000000000 65535 f \n");
  for (size_t off : offsets) {
    char line[24];
    // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, 'n', EOL.
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  absl::StrAppend(&pdf, "trailer\n<< /Size ", objects.size() + 1, " /Root 1 0 R >>\n",
                  "startxref\n", xref, "\n%%EOF\n");
  return pdf;
}

std::string FormPdfName(std::string_view sevis_id, std::string_view batch_id) {
  std::string safe(batch_id);
  for (char& c : safe) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) c = '_';
  }
  return absl::StrCat(std::string(sevis_id), "_", safe, ".pdf");
}

absl::StatusOr<std::string> BuildZip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  ZipSourcePtr buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) return absl::InternalError(absl::StrCat("zip buffer: ", ZipErrorText(&error)));
  // The archive writes into `buffer`; keep our reference so the bytes outlive zip_close.
  zip_source_keep(buffer.get());
  ZipPtr archive(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
  if (!archive) {
    zip_source_free(buffer.get());  // drop the reference zip_open_from_source did not take
    return absl::InternalError(absl::StrCat("zip open: ", ZipErrorText(&error)));
  }
  zip_error_fini(&error);
  for (const ZipEntry& e : entries) {
    // The source only points at e.content, which lives until zip_close below has read it.
    zip_source_t* src = zip_source_buffer(archive.get(), e.content.data(), e.content.size(), 0);
    if (src == nullptr) return absl::InternalError("zip source for entry");
    if (zip_file_add(archive.get(), e.name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(src);
      return absl::InternalError(absl::StrCat("zip add: ", zip_strerror(archive.get())));
    }
  }
  if (zip_close(archive.get()) < 0) {
    return absl::InternalError(absl::StrCat("zip close: ", zip_strerror(archive.get())));
  }
  archive.release();  // zip_close freed it

  if (zip_source_open(buffer.get()) < 0) return absl::InternalError("zip reopen buffer");
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer.get(), &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
    zip_source_close(buffer.get());
    return absl::InternalError("zip stat buffer");
  }
  std::string out(st.size, '\0');
  zip_int64_t n = zip_source_read(buffer.get(), out.data(), st.size);
  zip_source_close(buffer.get());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    return absl::InternalError("zip read buffer");
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ReadZip(std::string_view zip_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  ZipSourcePtr src(zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error));
  if (!src) return absl::InternalError(absl::StrCat("zip buffer: ", ZipErrorText(&error)));
  ZipPtr archive(zip_open_from_source(src.get(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    return absl::InvalidArgumentError(absl::StrCat("not a zip: ", ZipErrorText(&error)));
  }
  src.release();  // the archive owns the source now
  zip_error_fini(&error);
  std::map<std::string, std::string> out;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), i, 0, &st) < 0) return absl::InternalError("zip stat");
    ZipFilePtr file(zip_fopen_index(archive.get(), i, 0));
    if (!file) return absl::InvalidArgumentError(absl::StrCat("zip entry ", st.name));
    std::string content(st.size, '\0');
    if (zip_fread(file.get(), content.data(), st.size) != static_cast<zip_int64_t>(st.size)) {
      return absl::InvalidArgumentError(absl::StrCat("zip entry read ", st.name));
    }
    out[st.name] = std::move(content);
  }
  return out;
}

}  // namespace sevisflow::sim
