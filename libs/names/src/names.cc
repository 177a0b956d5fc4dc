#include "sevisflow/names/names.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <mutex>

namespace sevisflow::names {
namespace {

// NFC first so that decomposed input ("e" + U+0301) converts like the precomposed letter. Then
// the SEVIS-specific one-to-two conversions are fixed here (not left to the ICU version's
// Latin-ASCII data): ligatures and letters SEVIS spells with two letters. ICU's Any-Latin and
// Latin-ASCII do the rest; the final mark removal catches marks Latin-ASCII leaves on letters it
// does not know.
constexpr char kFullRules[] =
    "::NFC;"
    "\u00C6 > AE; \u00E6 > ae;"   // Æ æ
    "\u0152 > OE; \u0153 > oe;"   // Œ œ
    "\u00DF > ss; \u1E9E > SS;"   // ß ẞ
    "\u00DE > TH; \u00FE > th;"   // Þ þ
    "\u0132 > IJ; \u0133 > ij;"   // Ĳ ĳ
    "\u01C4 > DZ; \u01C6 > dz; \u01C7 > LJ; \u01C9 > lj; \u01CA > NJ; \u01CC > nj;"
    "::Any-Latin; ::Latin-ASCII; ::[:Nonspacing Mark:] Remove; ::NFC;";

// Marks the Preferred Name may keep (rule book: "upper or lower case characters with grave,
// acute, circumflex, diaeresis, ring above").
constexpr std::array<UChar32, 5> kPreferredMarks = {0x0300, 0x0301, 0x0302, 0x0308, 0x030A};

// Letters a Preferred Name keeps: precomposed Latin letters made of one ASCII letter and one
// allowed mark, plus the ASCII letters and punctuation the rule book lists.
icu::UnicodeSet PreferredKeepSet() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeSet keep;
  keep.add('A', 'Z').add('a', 'z').add('\'').add(',').add('-').add('.').add(' ');
  if (U_FAILURE(status)) return keep;
  for (UChar32 c = 0x00C0; c <= 0x1EFF; ++c) {
    icu::UnicodeString decomposition;
    if (!nfd->getDecomposition(c, decomposition)) continue;
    if (decomposition.countChar32() != 2) continue;
    UChar32 base = decomposition.char32At(0);
    UChar32 mark = decomposition.char32At(decomposition.moveIndex32(0, 1));
    bool ascii_letter = (base >= 'A' && base <= 'Z') || (base >= 'a' && base <= 'z');
    if (ascii_letter && std::find(kPreferredMarks.begin(), kPreferredMarks.end(), mark) !=
                            kPreferredMarks.end()) {
      keep.add(c);
    }
  }
  return keep;
}

struct Prototypes {
  std::unique_ptr<icu::Transliterator> full;
  std::unique_ptr<icu::Transliterator> preferred;
  icu::UnicodeSet preferred_keep;
  std::mutex clone_mu;  // clone() of a shared prototype is serialised to be safe
};

const Prototypes& GetPrototypes() {
  static const Prototypes* prototypes = [] {
    auto* p = new Prototypes();
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    p->full.reset(icu::Transliterator::createFromRules(
        "sevisflow-full-name", icu::UnicodeString::fromUTF8(kFullRules), UTRANS_FORWARD,
        parse_error, status));
    if (U_FAILURE(status)) p->full.reset();
    p->preferred_keep = PreferredKeepSet();
    if (p->full) {
      p->preferred.reset(p->full->clone());
      // The filter limits the whole compound to characters the Preferred Name may not keep.
      auto* filter = new icu::UnicodeSet(p->preferred_keep);
      filter->complement();
      p->preferred->adoptFilter(filter);
    }
    p->preferred_keep.freeze();  // read-only from here: safe to share between threads
    return p;
  }();
  return *prototypes;
}

// One clone per thread: transliterate() mutates no shared state then.
icu::Transliterator* ThreadTransliterator(bool preferred) {
  thread_local std::unique_ptr<icu::Transliterator> full;
  thread_local std::unique_ptr<icu::Transliterator> pref;
  auto& slot = preferred ? pref : full;
  if (!slot) {
    auto& p = const_cast<Prototypes&>(GetPrototypes());
    std::lock_guard lock(p.clone_mu);
    const auto& proto = preferred ? p.preferred : p.full;
    if (proto) slot.reset(proto->clone());
  }
  return slot.get();
}

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string Transliterate(std::string_view utf8, bool preferred) {
  // ASCII is left as it is by every step (NFC, Any-Latin, Latin-ASCII): skip ICU, the common
  // case by far.
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
      })) {
    return std::string(utf8);
  }
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  // Compose first: the Preferred Name filter decides per character, so "e" + U+0301 must
  // already be the one letter it keeps.
  if (preferred && U_SUCCESS(status)) text = nfc->normalize(text, status);
  if (icu::Transliterator* t = ThreadTransliterator(preferred)) {
    t->transliterate(text);
  }
  if (preferred && U_SUCCESS(status)) text = nfc->normalize(text, status);
  std::string out;
  text.toUTF8String(out);
  return out;
}

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

v1::ValidationIssue Issue(std::string_view field, std::string_view code, std::string message) {
  v1::ValidationIssue issue;
  issue.set_field(std::string(field));
  issue.set_code(std::string(code));
  issue.set_message(std::move(message));
  return issue;
}

const char* FieldLabel(NameField field) {
  switch (field) {
    case NameField::kLast: return "Last Name";
    case NameField::kFirst: return "First Name";
    case NameField::kMiddle: return "Middle Name";
    case NameField::kPreferred: return "Preferred Name";
    case NameField::kPassport: return "Passport Name";
  }
  return "Name";
}

// Rule book: "has any of the values (regardless of case): fnu, lnu, unknown, not application,
// none".
bool IsPlaceholder(std::string_view value) {
  static constexpr std::array<std::string_view, 5> kValues = {"fnu", "lnu", "unknown",
                                                              "not application", "none"};
  std::string lower = Lower(value);
  return std::find(kValues.begin(), kValues.end(), lower) != kValues.end();
}

bool PreferredCharAllowed(UChar32 c) {
  return GetPrototypes().preferred_keep.contains(c);
}

std::string JoinParts(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

}  // namespace

std::string ConvertFullName(std::string_view utf8) {
  std::string ascii = Transliterate(utf8, /*preferred=*/false);
  std::string out;
  out.reserve(ascii.size());
  for (char c : ascii) {
    switch (c) {
      case '-':
      case '_':
      case '/':
        out += ' ';
        break;
      case '\'':
      case '`':
      case '.':
      case ',':
      case '"':
        break;
      case '\t':
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return Trim(std::move(out));
}

std::string ConvertPreferredName(std::string_view utf8) {
  return Trim(Transliterate(utf8, /*preferred=*/true));
}

size_t CodePointLength(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string TruncateCodePoints(std::string_view utf8, size_t max_chars) {
  size_t count = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      if (count == max_chars) return std::string(utf8.substr(0, i));
      ++count;
    }
  }
  return std::string(utf8);
}

std::vector<v1::ValidationIssue> ValidateName(NameField field, std::string_view value,
                                              bool truncated, std::string_view field_path) {
  std::vector<v1::ValidationIssue> issues;
  const std::string label = FieldLabel(field);
  if (field == NameField::kLast && value.empty()) {
    issues.push_back(Issue(field_path, kNameBlank, label + " is blank"));
  }
  if (value.find("  ") != std::string_view::npos) {
    issues.push_back(
        Issue(field_path, kNameMultipleSpaces, label + " contains multiple spaces in sequence"));
  }
  bool bad_char = false;
  if (field == NameField::kPreferred) {
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(value.data(), static_cast<int32_t>(value.size())));
    for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
      if (!PreferredCharAllowed(text.char32At(i))) bad_char = true;
    }
  } else {
    bad_char = std::any_of(value.begin(), value.end(),
                           [](char c) { return !IsAsciiLetter(c) && c != ' '; });
  }
  if (bad_char) {
    issues.push_back(Issue(field_path, kNameInvalidCharacter,
                           label + (field == NameField::kPreferred
                                        ? " contains characters outside the allowed set"
                                        : " contains characters other than A-Z, a-z or space")));
  }
  if ((field == NameField::kLast || field == NameField::kFirst || field == NameField::kMiddle) &&
      IsPlaceholder(value)) {
    issues.push_back(Issue(field_path, kNamePlaceholder,
                           label + " is a placeholder value (fnu, lnu, unknown, not application, "
                                   "none)"));
  }
  if (field == NameField::kPassport && CodePointLength(value) > kMaxPassportNameLength) {
    issues.push_back(Issue(field_path, kNameTooLong, label + " exceeds 39 characters"));
  }
  if (truncated) {
    issues.push_back(Issue(field_path, kNameTruncated,
                           label + " was truncated to 30 characters after character conversion"));
  }
  return issues;
}

StandardizedNames StandardizeNames(const NameInput& input, std::string_view dummy_first_name,
                                   std::string_view field_prefix) {
  StandardizedNames out;
  const std::string prefix = std::string(field_prefix) + (field_prefix.empty() ? "" : ".");
  auto append = [&out](std::vector<v1::ValidationIssue> issues) {
    for (auto& i : issues) out.issues.push_back(std::move(i));
  };

  v1::PersonName legal = input.legal ? *input.legal : v1::PersonName();
  // Dummy First Name: decided on the main (legal) name record, before conversion; it blanks
  // First and Middle of the main record and of the preferred and passport records.
  const bool dummy = !dummy_first_name.empty() &&
                     EqualsIgnoreCase(Trim(legal.first_name()), Trim(std::string(dummy_first_name)));
  if (dummy) {
    legal.clear_first_name();
    legal.clear_middle_name();
  }

  struct Part {
    const std::string* source;
    std::string* target;
    NameField field;
    const char* path;
  };
  const std::array<Part, 3> parts = {{
      {&legal.last_name(), &out.last_name, NameField::kLast, "legal.last_name"},
      {&legal.first_name(), &out.first_name, NameField::kFirst, "legal.first_name"},
      {&legal.middle_name(), &out.middle_name, NameField::kMiddle, "legal.middle_name"},
  }};
  for (const Part& part : parts) {
    std::string converted = ConvertFullName(*part.source);
    bool truncated = CodePointLength(converted) > kMaxNameLength;
    if (truncated) converted = TruncateCodePoints(converted, kMaxNameLength);
    append(ValidateName(part.field, converted, truncated, prefix + part.path));
    *part.target = std::move(converted);
  }
  out.suffix = Trim(legal.suffix());

  auto joined = [dummy](const v1::PersonName& n, bool full) {
    std::string first = dummy ? "" : n.first_name();
    std::string middle = dummy ? "" : n.middle_name();
    if (full) {
      return JoinParts({ConvertFullName(first), ConvertFullName(middle),
                        ConvertFullName(n.last_name())});
    }
    return JoinParts({ConvertPreferredName(first), ConvertPreferredName(middle),
                      ConvertPreferredName(n.last_name())});
  };
  if (input.preferred != nullptr) {
    out.preferred_name = joined(*input.preferred, /*full=*/false);
    append(ValidateName(NameField::kPreferred, out.preferred_name, false,
                        prefix + "preferred"));
  }
  if (input.passport != nullptr) {
    out.passport_name = joined(*input.passport, /*full=*/true);
    append(ValidateName(NameField::kPassport, out.passport_name, false, prefix + "passport"));
    // The error above keeps the rule book's "exceeds the maximum 39 characters"; the stored
    // value is cut to what SEVIS takes, as First/Middle/Last are cut to 30.
    if (CodePointLength(out.passport_name) > kMaxPassportNameLength) {
      out.passport_name = TruncateCodePoints(out.passport_name, kMaxPassportNameLength);
    }
  }
  return out;
}

}  // namespace sevisflow::names
