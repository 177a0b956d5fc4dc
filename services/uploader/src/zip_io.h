#pragma once
// Zip writing for the uploader (libzip stays in zip_io.cc). The document store itself is
// sevisflow::docstore.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sevisflow::uploader {

// A zip holding one entry `name` with `bytes` (used when SEVIS sends a processed log bare).
absl::StatusOr<std::string> ZipSingleEntry(const std::string& name, std::string_view bytes);

}  // namespace sevisflow::uploader
