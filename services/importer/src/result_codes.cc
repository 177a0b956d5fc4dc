#include "result_codes.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sevisflow/sevisxml/result_codes.h"

namespace sevisflow::importer {

ResultCodes::ResultCodes() {
  // The batch-level (S00xx) rows only: record codes come from the table file.
  for (const auto& [code, text] : sevisxml::kKnownResultCodes) {
    if (code.starts_with("S00")) descriptions_.emplace(code, text);
  }
}

absl::StatusOr<ResultCodes> ResultCodes::Parse(std::string_view tsv) {
  ResultCodes codes;
  std::istringstream in{std::string(tsv)};
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#' || line.starts_with("code\t")) continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    const std::string code(absl::StripAsciiWhitespace(cols[0]));
    const bool code_ok = code.size() == 5 && code[0] == 'S' &&
                         std::all_of(code.begin() + 1, code.end(),
                                     [](char c) { return absl::ascii_isdigit(c); });
    if (cols.size() < 4 || !code_ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("result codes: line ", line_number,
                       " is not code<TAB>scope<TAB>stage<TAB>description"));
    }
    codes.descriptions_[code] = std::string(absl::StripAsciiWhitespace(cols[3]));
  }
  return codes;
}

absl::StatusOr<ResultCodes> ResultCodes::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("result codes file not readable: ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str());
}

std::string ResultCodes::Describe(std::string_view code) const {
  auto it = descriptions_.find(code);
  if (it != descriptions_.end()) return it->second;
  return "SEVIS result code " + std::string(code);
}

}  // namespace sevisflow::importer
