#pragma once
// The school's CIP Code Table (rule book: "Validate SEVIS CIP Code" on the Process SEVIS Alerts
// page, "Set Up SACR > Foundation Tables > Reporting Codes > CIP Code Table"), exported as CSV:
//
//   cip_code,valid_sevis_cip_code
//   11.0701,11.0701
//   52.0201,            <- "Valid SEVIS CIP Code = No": the code is never valid
//
// Codes are NN.NNNN. Blank lines are ignored; a UTF-8 byte order mark (spreadsheet export) is
// skipped. Anything else that is not a row of two codes is an error naming file:line.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sevisflow::detector {

// CIP code -> its valid SEVIS CIP code ("" for No). `file` names the source in errors only.
absl::StatusOr<std::map<std::string, std::string>> ParseCipTable(std::string_view text,
                                                                 std::string_view file);

// Reads and parses the file; NotFound when it cannot be read.
absl::StatusOr<std::map<std::string, std::string>> LoadCipTable(const std::string& path);

}  // namespace sevisflow::detector
