#pragma once
// Zip access for the importer (libzip stays in zip_io.cc). The document store itself is
// sevisflow::docstore.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sevisflow::importer {

// Entries of a zip held in memory, by name. Refuses archives with more than max_entries entries
// or more than max_total_bytes uncompressed (zip bombs). InvalidArgument when unreadable.
absl::StatusOr<std::map<std::string, std::string>> ReadZipEntries(
    std::string_view zip, size_t max_entries = 2000, size_t max_total_bytes = 512u << 20);

}  // namespace sevisflow::importer
