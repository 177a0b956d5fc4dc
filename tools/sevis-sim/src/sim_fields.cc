#include "sim_fields.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "sevisflow/sevisxml/result_codes.h"

namespace sevisflow::sim {

std::string ResultMessage(std::string_view code) {
  const std::string_view text = sevisxml::KnownResultText(code);
  return text.empty() ? "Unknown result" : std::string(text);
}

namespace {

// USPS Publication 28 abbreviations (street suffixes, secondary unit designators, directionals)
// for the words a synthetic SIS address uses.
constexpr std::array<std::pair<std::string_view, std::string_view>, 30> kUspsWords{{
    {"STREET", "ST"},     {"AVENUE", "AVE"},    {"ROAD", "RD"},        {"BOULEVARD", "BLVD"},
    {"DRIVE", "DR"},      {"LANE", "LN"},       {"COURT", "CT"},       {"PLACE", "PL"},
    {"SQUARE", "SQ"},     {"PARKWAY", "PKWY"},  {"HIGHWAY", "HWY"},    {"TERRACE", "TER"},
    {"CIRCLE", "CIR"},    {"TRAIL", "TRL"},     {"SUITE", "STE"},      {"APARTMENT", "APT"},
    {"BUILDING", "BLDG"}, {"FLOOR", "FL"},      {"ROOM", "RM"},        {"DEPARTMENT", "DEPT"},
    {"NORTH", "N"},       {"SOUTH", "S"},       {"EAST", "E"},         {"WEST", "W"},
    {"NORTHEAST", "NE"},  {"NORTHWEST", "NW"},  {"SOUTHEAST", "SE"},   {"SOUTHWEST", "SW"},
    {"CENTER", "CTR"},    {"MOUNT", "MT"},
}};

// Upper case, words separated by one blank, trailing '.' and ',' of a word dropped, each word
// abbreviated when Publication 28 has it.
std::string Standardise(std::string_view text) {
  std::string out;
  std::string word;
  auto flush = [&] {
    while (!word.empty() && (word.back() == '.' || word.back() == ',')) word.pop_back();
    if (word.empty()) return;
    for (const auto& [full, abbreviation] : kUspsWords) {
      if (word == full) {
        word = std::string(abbreviation);
        break;
      }
    }
    if (!out.empty()) out += ' ';
    out += word;
    word.clear();
  };
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      word += absl::ascii_toupper(static_cast<unsigned char>(c));
    }
  }
  flush();
  return out;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// \d{5} or \d{5}-\d{4} (USAddrDoctorResponseType PostalCode).
bool ValidZip(std::string_view zip) {
  if (zip.size() == 5) return AllDigits(zip);
  return zip.size() == 10 && AllDigits(zip.substr(0, 5)) && zip[5] == '-' &&
         AllDigits(zip.substr(6));
}

// FNV-1a of the standardised first line: the same street address, the same +4.
std::string PlusFour(std::string_view line1, std::string_view zip) {
  uint32_t h = 2166136261u;
  for (char c : std::string(line1) + "|" + std::string(zip)) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04u", static_cast<unsigned>(h % 10000));
  return buf;
}

}  // namespace

sevisxml::LogAddress CorrectAddress(const sevisxml::LogAddress& provided) {
  sevisxml::LogAddress c;
  c.address1 = Standardise(provided.address1);
  c.address2 = Standardise(provided.address2);
  c.city = Standardise(provided.city);
  c.state = absl::AsciiStrToUpper(std::string(absl::StripAsciiWhitespace(provided.state)));
  c.postal_code = std::string(absl::StripAsciiWhitespace(provided.postal_code));
  if (c.postal_code.size() == 5 && AllDigits(c.postal_code)) {
    c.postal_code += "-" + PlusFour(c.address1, c.postal_code);
  }
  return c;
}

sevisxml::LogAddressCheck CheckAddress(const sevisxml::LogAddress& provided) {
  sevisxml::LogAddressCheck check;
  check.result = std::string(kSuccess);
  const std::string zip(absl::StripAsciiWhitespace(provided.postal_code));
  if (absl::StripAsciiWhitespace(provided.address1).empty() || !ValidZip(zip)) {
    check.message = "Not Validated";
    return check;
  }
  sevisxml::LogAddress corrected = CorrectAddress(provided);
  if (corrected.address1.empty()) {  // only dots and commas
    check.message = "Not Validated";
    return check;
  }
  check.provided = provided;
  check.corrected = std::move(corrected);
  check.message = *check.corrected == provided ? "Valid" : "Override Suggested";
  return check;
}

std::optional<Refusal> CheckUploadForm(const UploadForm& form) {
  auto missing = [](const std::optional<std::string>& v) { return !v || v->empty(); };
  if (missing(form.org_id)) return Refusal{std::string(kNotWellFormed), "orgid missing"};
  if (missing(form.batch_id)) return Refusal{std::string(kNotWellFormed), "batchid missing"};
  if (missing(form.user_id)) return Refusal{std::string(kNotWellFormed), "userid missing"};
  if (missing(form.xml)) return Refusal{std::string(kNotWellFormed), "xml part missing"};
  // The name comes back in Upload/FileName, which the log schema caps at 30 characters.
  if (form.file_name.empty() || form.file_name.size() > 30) {
    return Refusal{std::string(kBadDocumentName), "xml filename empty or over 30 characters"};
  }
  for (char ch : form.file_name) {
    if (ch < 0x20 || ch > 0x7e) {
      return Refusal{std::string(kBadDocumentName), "xml filename not printable ASCII"};
    }
  }
  return std::nullopt;
}

std::optional<Refusal> CheckAccess(const SimConfig& config, std::string_view org_id,
                                   std::string_view user_id, std::string_view peer_cn) {
  auto it = config.orgs.find(std::string(org_id));
  if (it == config.orgs.end()) {
    return Refusal{std::string(kInvalidOrg), "organisation not registered"};
  }
  if (peer_cn.empty() || !it->second.cert_cns.contains(std::string(peer_cn))) {
    return Refusal{std::string(kInvalidOrg), "client certificate not registered for the org"};
  }
  if (!it->second.user_ids.contains(std::string(user_id))) {
    return Refusal{std::string(kInvalidUser), "user id not registered for the org"};
  }
  return std::nullopt;
}

}  // namespace sevisflow::sim
