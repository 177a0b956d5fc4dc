#pragma once
// Zip writing and checking for the uploader (libzip stays in zip_io.cc). The document store itself is
// sevisflow::docstore.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sevisflow::uploader {

// A zip holding one entry `name` with `bytes` (used when SEVIS sends a processed log bare).
absl::StatusOr<std::string> ZipSingleEntry(const std::string& name, std::string_view bytes);

// OK when `zip` is a readable archive holding `required_entry` and every entry reads back in
// full with a matching CRC; DataLoss naming the problem otherwise (a truncated or corrupted
// download, to be fetched again rather than published).
absl::Status CheckZip(std::string_view zip, const std::string& required_entry);

}  // namespace sevisflow::uploader
