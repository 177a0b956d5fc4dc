#pragma once
// Helpers shared by the rule files of libs/rules (not installed; include as "internal.h").

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/common.pb.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::rules::internal {

// Issue codes for data the schema requires but the SIS lacks or holds in a form SEVIS rejects.
inline constexpr char kRequiredMissing[] = "REQUIRED_MISSING";
inline constexpr char kInvalidDate[] = "INVALID_DATE";
inline constexpr char kUnknownCode[] = "UNKNOWN_CODE";
inline constexpr char kInvalidFormat[] = "INVALID_FORMAT";
inline constexpr char kDateOrder[] = "PROGRAM_DATES_ORDER";
inline constexpr char kOutOfRange[] = "OUT_OF_RANGE";
inline constexpr char kInvalidCip[] = "CIP_NOT_VALID";

std::string Trim(std::string_view s);
// Trim without a copy (white space as std::isspace in the "C" locale).
std::string_view TrimView(std::string_view s);
// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string Upper(std::string_view s);
std::optional<common::Date> DateOf(std::string_view iso);  // trimmed; nullopt when invalid
bool YesValue(std::string_view s);  // "Y", "YES", "TRUE", "1" (any case)

class Issues {
 public:
  void Add(std::string field, std::string code, std::string message);
  void Append(std::vector<v1::ValidationIssue> more);
  // A required value: present, and (when a table is known) one of its codes.
  void RequireCode(const Setup& setup, const std::string& field, const std::string& value,
                   std::initializer_list<const char*> types, const char* label);
  void CheckCode(const Setup& setup, const std::string& field, const std::string& value,
                 std::initializer_list<const char*> types, const char* label);
  // A required date: present and a real calendar date.
  std::optional<common::Date> RequireDate(const std::string& field, const std::string& value,
                                          const char* label);
  void CheckAmount(const std::string& field, int64_t amount, const char* label);
  bool empty() const { return issues_.empty(); }
  std::vector<v1::ValidationIssue> Take() { return std::move(issues_); }

 private:
  std::vector<v1::ValidationIssue> issues_;
};

const v1::PersonName* FindName(const v1::SisPersonSnapshot& s, const std::string& type);
const v1::Address* FindAddress(const v1::SisPersonSnapshot& s, const std::string& type);

bool IsCipFormat(const std::string& cip);

// CIP checks of Create Student, Education Level and Program - Edit. Format always; when
// `validate_cip` (run control "Validate SEVIS CIP Code") the code must be a valid SEVIS CIP code
// of the CIP table (Setup::cip_table, else SEVISTable.xsd). 00.0000 is accepted where
// `allow_no_cip` (secondary major, minor).
void CheckCip(const Setup& setup, bool validate_cip, Issues& issues, const std::string& field,
              const std::string& cip, bool required, bool allow_no_cip, const char* label);

// Stamps a detected alert for either rule book: org, person, family, event, subject and SEVIS ID
// set, the deterministic id computed over what is reported (not provenance), issues attached.
// Returned as the Detection both DetectFm and DetectJ emit (detect.h).
struct DetectionParts {
  std::string_view org;
  const v1::SisPersonSnapshot* snapshot;
  std::string_view sevis_id;
  v1::VisaFamily family;
};
}  // namespace sevisflow::rules::internal

namespace sevisflow::rules {
struct Detection;
namespace internal {
Detection StampDetection(const DetectionParts& parts, v1::EventType event, std::string subject,
                         v1::Alert alert, std::vector<v1::ValidationIssue> issues);
}  // namespace internal
}  // namespace sevisflow::rules
