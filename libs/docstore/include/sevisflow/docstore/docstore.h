#pragma once
// The document store on disk (docs/architecture.md, "Document store"): a folder shared by the
// uploader (batch XML, result zips) and the importer (PDFs filed per person).
//
// Every relative path is checked with IsSafeRelativePath before it touches the disk, writes are
// atomic (temp file + fsync + rename + fsync of the folder), so a crash never leaves a
// half-written batch, result or PDF behind. Error messages never contain the relative path (its
// person part is personal data); callers add the context they may log.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sevisflow::docstore {

// "<org>/batches/<batch_id>" relative to the store root.
std::string BatchDir(std::string_view org_id, std::string_view batch_id);
// "<org>/persons/<person_id>" relative to the store root.
std::string PersonDir(std::string_view org_id, std::string_view person_id);

// A relative path without "..", "." or empty components, backslashes or NUL, and not absolute.
bool IsSafeRelativePath(std::string_view path);

// Writes `bytes` to root/relative_path, creating folders. INVALID_ARGUMENT for an unsafe path;
// UNAVAILABLE on I/O errors (a full or missing disk is worth retrying).
absl::Status WriteFileAtomic(const std::string& root, const std::string& relative_path,
                             std::string_view bytes);
// INVALID_ARGUMENT for an unsafe path, NOT_FOUND when missing, UNAVAILABLE on other I/O errors.
absl::StatusOr<std::string> ReadFile(const std::string& root, const std::string& relative_path);
// Names of the regular files directly in root/relative_dir (temp files of writes in progress
// left out), sorted; empty when the folder does not exist or the path is unsafe.
std::vector<std::string> ListFiles(const std::string& root, const std::string& relative_dir);

// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view bytes);

}  // namespace sevisflow::docstore
