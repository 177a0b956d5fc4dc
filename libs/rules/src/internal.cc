#include "internal.h"

#include <algorithm>
#include <cctype>

namespace sevisflow::rules::internal {

// White space as std::isspace sees it in the "C" locale, without the library call.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string_view TrimView(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

std::string Trim(std::string_view s) { return std::string(TrimView(s)); }

std::string Upper(std::string_view s) {
  std::string out = Trim(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<common::Date> DateOf(std::string_view iso) { return common::Date::Parse(Trim(iso)); }

bool YesValue(std::string_view s) {
  const std::string u = Upper(s);
  return u == "Y" || u == "YES" || u == "TRUE" || u == "1";
}

void Issues::Add(std::string field, std::string code, std::string message) {
  v1::ValidationIssue issue;
  issue.set_field(std::move(field));
  issue.set_code(std::move(code));
  issue.set_message(std::move(message));
  issues_.push_back(std::move(issue));
}

void Issues::Append(std::vector<v1::ValidationIssue> more) {
  for (auto& i : more) issues_.push_back(std::move(i));
}

void Issues::RequireCode(const Setup& setup, const std::string& field, const std::string& value,
                         std::initializer_list<const char*> types, const char* label) {
  if (value.empty()) {
    Add(field, kRequiredMissing, std::string(label) + " is required");
    return;
  }
  CheckCode(setup, field, value, types, label);
}

void Issues::CheckCode(const Setup& setup, const std::string& field, const std::string& value,
                       std::initializer_list<const char*> types, const char* label) {
  if (!setup.codes) return;
  bool known_table = false;
  for (const char* type : types) {
    if (!setup.codes->Has(type)) continue;
    known_table = true;
    if (setup.codes->Values(type)->count(value)) return;
  }
  if (known_table) {
    Add(field, kUnknownCode, std::string(label) + " is not a SEVIS code (" + *types.begin() + ")");
  }
}

std::optional<common::Date> Issues::RequireDate(const std::string& field, const std::string& value,
                                                const char* label) {
  if (value.empty()) {
    Add(field, kRequiredMissing, std::string(label) + " is required");
    return std::nullopt;
  }
  auto d = common::Date::Parse(value);
  if (!d) Add(field, kInvalidDate, std::string(label) + " is not a valid YYYY-MM-DD date");
  return d;
}

void Issues::CheckAmount(const std::string& field, int64_t amount, const char* label) {
  // SEVISTable MonetaryType: nonNegativeInteger, at most 99999999.
  if (amount < 0 || amount > 99999999) {
    Add(field, kOutOfRange, std::string(label) + " must be 0..99999999");
  }
}

const v1::PersonName* FindName(const v1::SisPersonSnapshot& s, const std::string& type) {
  if (type.empty()) return nullptr;
  for (const auto& n : s.names()) {
    if (Trim(n.name_type()) == type) return &n;
  }
  return nullptr;
}

const v1::Address* FindAddress(const v1::SisPersonSnapshot& s, const std::string& type) {
  if (type.empty()) return nullptr;
  for (const auto& a : s.addresses()) {
    if (Trim(a.address_type()) == type && a.has_address()) return &a.address();
  }
  return nullptr;
}

bool IsCipFormat(const std::string& cip) {
  // NN.NNNN
  if (cip.size() != 7 || cip[2] != '.') return false;
  for (size_t i = 0; i < cip.size(); ++i) {
    if (i == 2) continue;
    if (!std::isdigit(static_cast<unsigned char>(cip[i]))) return false;
  }
  return true;
}

void CheckCip(const Setup& setup, bool validate_cip, Issues& issues, const std::string& field,
              const std::string& cip, bool required, bool allow_no_cip, const char* label) {
  if (cip.empty()) {
    if (required) issues.Add(field, kRequiredMissing, std::string(label) + " is required");
    return;
  }
  if (!IsCipFormat(cip)) {
    issues.Add(field, kInvalidFormat, std::string(label) + " is not a CIP code NN.NNNN");
    return;
  }
  if (allow_no_cip && cip == "00.0000") return;
  if (!validate_cip) return;  // "Select No to disable the automatic CIP code validation"
  if (setup.cip_table) {
    auto it = setup.cip_table->find(cip);
    if (it == setup.cip_table->end() || it->second.empty()) {
      issues.Add(field, kInvalidCip,
                 std::string(label) + " has no valid SEVIS CIP code in the CIP table");
    } else if (it->second != cip) {
      issues.Add(field, kInvalidCip,
                 std::string(label) + " differs from the valid SEVIS CIP code " + it->second);
    }
    return;
  }
  issues.CheckCode(setup, field, cip, {kCipType, kCipStudentOnlyType}, label);
}

}  // namespace sevisflow::rules::internal
