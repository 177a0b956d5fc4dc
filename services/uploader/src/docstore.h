#pragma once
// The document store on disk (docs/architecture.md, "Document store"): atomic writes (temp file
// + fsync + rename), so a crash never leaves a half-written batch or result behind.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sevisflow::uploader {

// "<org>/batches/<batch_id>" relative to the store root.
std::string BatchDir(std::string_view org_id, std::string_view batch_id);

// Writes `bytes` to root/relative_path, creating folders. UNAVAILABLE on I/O errors (a full or
// missing disk is worth retrying), the message naming the relative path only.
absl::Status WriteFileAtomic(const std::string& root, const std::string& relative_path,
                             std::string_view bytes);
absl::StatusOr<std::string> ReadFile(const std::string& root, const std::string& relative_path);

// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view bytes);

// A zip holding one entry `name` with `bytes` (used when SEVIS sends a processed log bare).
absl::StatusOr<std::string> ZipSingleEntry(const std::string& name, std::string_view bytes);

}  // namespace sevisflow::uploader
