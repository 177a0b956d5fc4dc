#include "zip_io.h"

#include <zip.h>

#include <memory>
#include <string>

namespace sevisflow::uploader {

absl::StatusOr<std::string> ZipSingleEntry(const std::string& name, std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) return absl::InternalError("zip: cannot create buffer");
  zip_source_keep(buffer);  // read it back after zip_close
  std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> holder(buffer, zip_source_free);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) return absl::InternalError("zip: cannot open archive");
  zip_source_t* entry = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
  if (entry == nullptr || zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8) < 0) {
    if (entry != nullptr) zip_source_free(entry);
    zip_discard(archive);
    return absl::InternalError("zip: cannot add entry");
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    return absl::InternalError("zip: cannot write archive");
  }
  if (zip_source_open(buffer) != 0) return absl::InternalError("zip: cannot reopen buffer");
  std::string out;
  char chunk[8192];
  zip_int64_t n;
  while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) {
    out.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(buffer);
  if (n < 0) return absl::InternalError("zip: cannot read archive");
  return out;
}

absl::Status CheckZip(std::string_view zip, const std::string& required_entry) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (source == nullptr) return absl::InternalError("zip: cannot create buffer");
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return absl::DataLossError("result zip unreadable: " + why);
  }
  std::unique_ptr<zip_t, int (*)(zip_t*)> holder(archive, zip_close);
  if (zip_name_locate(archive, required_entry.c_str(), 0) < 0) {
    return absl::DataLossError("result zip has no " + required_entry);
  }
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  char chunk[8192];
  for (zip_int64_t i = 0; i < entries; ++i) {
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(
        zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0), zip_fclose);
    if (!file) {
      return absl::DataLossError(std::string("result zip entry unreadable: ") +
                                 zip_strerror(archive));
    }
    // Reading to the end makes libzip inflate the entry and compare its CRC.
    zip_int64_t n;
    while ((n = zip_fread(file.get(), chunk, sizeof chunk)) > 0) {
    }
    if (n < 0) {
      return absl::DataLossError(std::string("result zip entry corrupt: ") +
                                 zip_file_strerror(file.get()));
    }
  }
  return absl::OkStatus();
}

}  // namespace sevisflow::uploader
