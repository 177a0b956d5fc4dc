#pragma once
// A zip made with libzip's writer, as SEVIS (or sevis-sim) would send it: for the importer's
// tests.

#include <zip.h>

#include <string>
#include <utility>
#include <vector>

namespace sevisflow::importer {

inline std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &err);
  for (const auto& [name, content] : entries) {
    zip_source_t* s = zip_source_buffer(archive, content.data(), content.size(), 0);
    zip_file_add(archive, name.c_str(), s, 0);
  }
  zip_close(archive);
  zip_source_open(buffer);
  std::string out;
  char chunk[4096];
  zip_int64_t n;
  while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) out.append(chunk, n);
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

}  // namespace sevisflow::importer
