#include "zip_io.h"

#include <zip.h>

#include <memory>

namespace sevisflow::importer {

absl::StatusOr<std::map<std::string, std::string>> ReadZipEntries(std::string_view zip,
                                                                  size_t max_entries,
                                                                  size_t max_total_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (src == nullptr) return absl::InvalidArgumentError("zip: cannot create source");
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(src);
    std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    return absl::InvalidArgumentError("not a readable zip: " + msg);
  }
  std::unique_ptr<zip_t, void (*)(zip_t*)> holder(archive, zip_discard);
  zip_int64_t n = zip_get_num_entries(archive, 0);
  if (n < 0 || static_cast<size_t>(n) > max_entries) {
    return absl::InvalidArgumentError("zip has too many entries");
  }
  std::map<std::string, std::string> entries;
  size_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
      return absl::InvalidArgumentError("zip entry " + std::to_string(i) + " unreadable");
    }
    std::string name = st.name;
    if (!name.empty() && name.back() == '/') continue;  // folder
    total += st.size;
    if (total > max_total_bytes) return absl::InvalidArgumentError("zip content too large");
    zip_file_t* f = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (f == nullptr) return absl::InvalidArgumentError("zip entry " + name + " cannot be opened");
    std::string content(st.size, '\0');
    zip_int64_t got = st.size == 0 ? 0 : zip_fread(f, content.data(), st.size);
    zip_fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
      return absl::InvalidArgumentError("zip entry " + name + " truncated or corrupt");
    }
    entries[name] = std::move(content);
  }
  return entries;
}

}  // namespace sevisflow::importer
