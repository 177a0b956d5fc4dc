#pragma once
// Document store and zip access for the importer (libzip stays in store.cc).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sevisflow::importer {

// Entries of a zip held in memory, by name. Refuses archives with more than max_entries entries
// or more than max_total_bytes uncompressed (zip bombs). InvalidArgument when unreadable.
absl::StatusOr<std::map<std::string, std::string>> ReadZipEntries(
    std::string_view zip, size_t max_entries = 2000, size_t max_total_bytes = 512u << 20);

// Atomic write (temp + fsync + rename) under root; UNAVAILABLE on I/O errors.
absl::Status WriteFileAtomic(const std::string& root, const std::string& relative_path,
                             std::string_view bytes);
// NOT_FOUND when missing, UNAVAILABLE on other I/O errors.
absl::StatusOr<std::string> ReadFile(const std::string& root, const std::string& relative_path);
// Regular files directly in root/relative_dir, sorted; empty when the folder does not exist.
std::vector<std::string> ListFiles(const std::string& root, const std::string& relative_dir);

std::string Sha256Hex(std::string_view bytes);

// A relative path without "..", "." or empty components and not absolute.
bool IsSafeRelativePath(std::string_view path);

}  // namespace sevisflow::importer
