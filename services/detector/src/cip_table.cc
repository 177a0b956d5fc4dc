#include "services/detector/src/cip_table.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>


namespace sevisflow::detector {
namespace {

constexpr char kHeader[] = "cip_code,valid_sevis_cip_code";

std::string_view Strip(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == separator) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "99.9999", the SEVIS CIP format (SEVISTable.xsd ProgSubjectCodeType).
bool IsCip(std::string_view code) {
  if (code.size() != 7 || code[2] != '.') return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i != 2 && !std::isdigit(static_cast<unsigned char>(code[i]))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseCipTable(std::string_view text,
                                                                 std::string_view file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::map<std::string, std::string> table;
  std::map<std::string, int> first_line;
  bool header_seen = false;
  int header_line = 1;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    line = Strip(line);  // also a Windows '\r'
    if (line.empty()) continue;
    auto fail = [&](const std::string& reason) {
      return absl::InvalidArgumentError(std::string(file) + ":" + std::to_string(line_no) +
                                        ": " + reason);
    };
    if (!header_seen) {
      if (Lower(line) != kHeader) {
        return fail(std::string("expected the header \"") + kHeader + "\"");
      }
      header_seen = true;
      header_line = line_no;
      continue;
    }
    std::vector<std::string_view> fields = Split(line, ',');
    if (fields.size() != 2) {
      return fail("expected 2 fields (cip_code,valid_sevis_cip_code), found " +
                  std::to_string(fields.size()));
    }
    const std::string code(Strip(fields[0]));
    const std::string valid(Strip(fields[1]));
    if (!IsCip(code)) return fail("cip_code \"" + code + "\" is not a CIP code (NN.NNNN)");
    if (!valid.empty() && !IsCip(valid)) {
      return fail("valid_sevis_cip_code \"" + valid +
                  "\" is not a CIP code (NN.NNNN; leave it empty for No)");
    }
    if (auto [it, inserted] = first_line.emplace(code, line_no); !inserted) {
      return fail("cip_code " + code + " repeats line " + std::to_string(it->second));
    }
    table[code] = valid;
  }
  if (!header_seen) {
    return absl::InvalidArgumentError(std::string(file) +
                                      ":1: empty file (expected the header \"" + kHeader + "\")");
  }
  if (table.empty()) {
    // With validation on, an empty table would make every CIP code invalid.
    return absl::InvalidArgumentError(std::string(file) + ":" + std::to_string(header_line) +
                                      ": a header but no rows");
  }
  return table;
}

absl::StatusOr<std::map<std::string, std::string>> LoadCipTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(path + ": read error");
  return ParseCipTable(text.str(), path);
}

}  // namespace sevisflow::detector
