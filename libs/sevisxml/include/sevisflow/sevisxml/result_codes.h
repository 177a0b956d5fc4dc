#pragma once
// SEVIS result codes with their text, verbatim from shared/sevis/result-codes.tsv: the batch-level
// codes (S00xx) and the record codes sevis-sim answers with. The importer starts from these and
// adds the whole table file when it has one; sevis-sim writes them into its transaction logs.

#include <string_view>
#include <utility>

namespace sevisflow::sevisxml {

inline constexpr std::pair<std::string_view, std::string_view> kKnownResultCodes[] = {
    {"S0000", "Success"},
    {"S0001", "General upload/download failure"},
    {"S0002", "Invalid organization information"},
    {"S0003", "Invalid user ID"},
    {"S0010", "Duplicate Batch ID"},
    {"S0011", "Document name invalid"},
    {"S0012", "XML is not well-formed or does not agree with SEVIS-specific POSTing requirements"},
    {"S0013", "XML does not comply with SEVIS schema"},
    {"S0020", "One or more records failed processing due to business rule violations"},
    {"S0030", "Download unavailable – batch job not yet processed"},
    {"S0031", "Download invalid – batch job never submitted"},
    {"S1001", "User ID is invalid"},
    {"S1003", "SEVIS ID not found"},
    {"S1004",
     "Student exists in the SEVIS database / This record is a duplicate of other record(s) "
     "within this XML"},
    {"S1054", "Student status must be active for this action"},
    {"S1057", "Student status must be initial for this action"},
    {"S1071", "Duplicate request found for student"},
    {"S1106", "Student status must be initial or active for this event"},
    {"S2001", "SEVIS ID not found"},
    {"S2124", "Cannot update exchange visitor when status type is [invalid status type]"},
    {"S2141", "Exchange visitor exists in the SEVIS database"},
    {"S2154", "User ID is invalid"},
};

// The text of a known code; empty for a code not in kKnownResultCodes.
constexpr std::string_view KnownResultText(std::string_view code) {
  for (const auto& [known, text] : kKnownResultCodes) {
    if (known == code) return text;
  }
  return {};
}

}  // namespace sevisflow::sevisxml
