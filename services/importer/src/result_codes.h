#pragma once
// SEVIS result codes and their descriptions (shared/sevis/result-codes.tsv, INTERFACE.md §7-8),
// so an outcome always carries a readable message, and the classification of the batch-level
// codes (S00xx) that fail a whole upload, process or download.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sevisflow::importer {

class ResultCodes {
 public:
  // The batch-level codes (S0000-S0031) of sevisxml::kKnownResultCodes built in, so a batch
  // failure is described even without the table file.
  ResultCodes();

  // Reads result-codes.tsv: '#' comment lines, a header line starting with "code", then
  // code<TAB>scope<TAB>batch_stage<TAB>description. Adds to (and overrides) the built-in codes.
  static absl::StatusOr<ResultCodes> Load(const std::string& path);
  // The same from the file's text.
  static absl::StatusOr<ResultCodes> Parse(std::string_view tsv);

  // The code's description; "SEVIS result code <code>" for a code the table lacks.
  std::string Describe(std::string_view code) const;
  size_t size() const { return descriptions_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> descriptions_;
};

inline constexpr std::string_view kSuccessCode = "S0000";
inline constexpr std::string_view kRecordsFailedCode = "S0020";  // process: some records failed
inline constexpr std::string_view kNotYetProcessedCode = "S0030";
inline constexpr std::string_view kNeverSubmittedCode = "S0031";

}  // namespace sevisflow::importer
