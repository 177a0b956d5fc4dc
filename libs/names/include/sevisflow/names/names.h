#pragma once
// Name handling of the rule book (shared/seeds/004_*.txt, "Running the SEVIS Alerts Process"):
// "Dummy First Name", "Character Conversion", truncation to 30 characters and "Validation".
//
// All functions are pure from the caller's view. The ICU transliterator behind the conversion
// is built once per process and cloned once per thread (ICU transliterators are not
// thread-safe), so callers need no set-up and may call from any thread.
//
// Issues are values (v1::ValidationIssue); their messages never contain the name itself.

#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/v1/common.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::names {

// Maximum length of a converted First/Middle/Last name in the alerts record (rule book:
// "truncated to 30 characters before being stored").
inline constexpr size_t kMaxNameLength = 30;
// Passport Name error threshold (rule book: "exceeds the maximum 39 characters").
inline constexpr size_t kMaxPassportNameLength = 39;

// Stable issue codes.
inline constexpr char kNameBlank[] = "NAME_BLANK";
inline constexpr char kNameInvalidCharacter[] = "NAME_INVALID_CHARACTER";
inline constexpr char kNameMultipleSpaces[] = "NAME_MULTIPLE_SPACES";
inline constexpr char kNamePlaceholder[] = "NAME_PLACEHOLDER_VALUE";
inline constexpr char kNameTruncated[] = "NAME_TRUNCATED";
inline constexpr char kNameTooLong[] = "NAME_TOO_LONG";
inline constexpr char kNameConversionFailed[] = "NAME_CONVERSION_FAILED";

enum class NameField { kLast, kFirst, kMiddle, kPreferred, kPassport };

// "Character Conversion", Full Name/Passport table: non-standard Latin (and, through ICU's
// Any-Latin, non-Latin scripts) to A-Z/a-z. Also maps the punctuation a SEVIS name may not hold:
// hyphens and dashes become a space; apostrophes, periods and commas are dropped. Leading and
// trailing white space is removed; no truncation here.
std::string ConvertFullName(std::string_view utf8);

// "Character Conversion", Preferred Name: the subset of conversions that keeps what the
// Preferred Name may hold (letters with grave, acute, circumflex, diaeresis or ring above,
// apostrophe, comma, hyphen, period). Returns NFC UTF-8, trimmed.
std::string ConvertPreferredName(std::string_view utf8);

// Number of Unicode code points of a UTF-8 string.
size_t CodePointLength(std::string_view utf8);

// The first `max_chars` code points of a UTF-8 string.
std::string TruncateCodePoints(std::string_view utf8, size_t max_chars);

// "Validation" table for one (already converted) field. `truncated` says whether conversion
// cut the value to 30 characters. `field_path` goes into ValidationIssue.field.
std::vector<v1::ValidationIssue> ValidateName(NameField field, std::string_view value,
                                              bool truncated, std::string_view field_path);

// The result of the whole name pipeline for one person.
struct StandardizedNames {
  std::string last_name;
  std::string first_name;
  std::string middle_name;
  std::string suffix;
  std::string preferred_name;  // empty when no preferred name record is given
  std::string passport_name;   // empty when no passport name record is given
  std::vector<v1::ValidationIssue> issues;
};

struct NameInput {
  const v1::PersonName* legal = nullptr;      // required for a useful result
  const v1::PersonName* preferred = nullptr;  // optional (name type from SEVIS Setup)
  const v1::PersonName* passport = nullptr;   // optional (name type from SEVIS Setup)
};

// Runs the rule book's pipeline in its order: Dummy First Name (compared case-insensitively,
// blanks First and Middle of every reported record), then character conversion, truncation
// to 30 characters (an issue), then validation. Preferred and passport names are reported as
// one string "First Middle Last" (non-empty parts joined by one space). `field_prefix` is put
// before each field path, e.g. "names" -> "names.legal.last_name".
StandardizedNames StandardizeNames(const NameInput& input, std::string_view dummy_first_name,
                                   std::string_view field_prefix = "names");

}  // namespace sevisflow::names
