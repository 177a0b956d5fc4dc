// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M" page: SEVIS School Code,
// Trigger Complete Program After (F/M students) and Academic Information Selection (Current
// Term, Next Term, As of Date). Readings: docs/rule-decisions.md.
#include "sevisflow/rules/run_control.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal.h"

namespace sevisflow::rules {
namespace {

using internal::DateOf;
using internal::Trim;
using internal::Upper;

std::string RowPath(int index) { return absl::StrCat("terms[", index, "]"); }

// "F students: The number can be between 0 and 60"; "M students: ... between 0 and 30". A
// blank field is allowed (Status - Complete then fires on program action COMP only).
void CheckCompleteAfter(bool has, int32_t days, int max, const char* field,
                        std::vector<std::string>& errors) {
  if (!has || (days >= 0 && days <= max)) return;
  errors.push_back(absl::StrCat(field, ": ", days, " is outside 0..", max));
}

void RequireText(const std::string& path, const char* field, const std::string& value,
                 std::vector<std::string>& errors) {
  if (Trim(value).empty()) errors.push_back(absl::StrCat(path, ".", field, ": required"));
}

// A date field: nullopt when blank or malformed (malformed is reported, blank is reported only
// when `required`).
std::optional<common::Date> CheckDate(const std::string& path, const char* field,
                                      const std::string& value, bool required,
                                      std::vector<std::string>& errors) {
  const std::string text = Trim(value);
  if (text.empty()) {
    if (required) errors.push_back(absl::StrCat(path, ".", field, ": required"));
    return std::nullopt;
  }
  std::optional<common::Date> date = DateOf(text);
  if (!date) {
    errors.push_back(
        absl::StrCat(path, ".", field, ": '", text, "' is not a valid YYYY-MM-DD date"));
  }
  return date;
}

// `j`: the "Process SEVIS Alerts - J" page, which has Current Term and As of Date but no Next
// Term and no 30-day rule (that is the F/M Registration regulation).
void CheckTermRow(const v1::TermSelection& row, int index, bool j,
                  std::vector<std::string>& errors) {
  const std::string path = RowPath(index);
  RequireText(path, "institution", row.institution(), errors);
  RequireText(path, "career", row.career(), errors);
  RequireText(path, "current_term", row.current_term(), errors);
  const std::optional<common::Date> begin =
      CheckDate(path, "current_term_begin_date", row.current_term_begin_date(), !j, errors);
  const std::optional<common::Date> end =
      CheckDate(path, "current_term_end_date", row.current_term_end_date(), false, errors);
  if (begin && end && *end < *begin) {
    errors.push_back(absl::StrCat(path, ".current_term_end_date: ", end->ToString(),
                                  " is before the current term begins (", begin->ToString(),
                                  ")"));
  }
  const std::optional<common::Date> next =
      CheckDate(path, "next_term_begin_date", row.next_term_begin_date(), false, errors);
  if (begin && next && *next <= *begin) {
    errors.push_back(absl::StrCat(path, ".next_term_begin_date: ", next->ToString(),
                                  " is not after the current term begins (", begin->ToString(),
                                  ")"));
  }
  // "DHS regulations require that you report the Registration event within 30 days of the
  // current term start date. ... You can set this date prior to the start date of the current
  // term": an upper bound only.
  const std::optional<common::Date> as_of =
      CheckDate(path, "as_of_date", row.as_of_date(), true, errors);
  if (!j && begin && as_of && *as_of > begin->AddDays(kMaxAsOfDaysAfterTermBegin)) {
    errors.push_back(absl::StrCat(path, ".as_of_date: ", as_of->ToString(), " is more than ",
                                  kMaxAsOfDaysAfterTermBegin,
                                  " days after the current term begins (", begin->ToString(),
                                  ")"));
  }
}

}  // namespace

std::vector<std::string> RunControlErrors(const v1::RunControl& run_control) {
  std::vector<std::string> errors;
  if (Trim(run_control.org_id()).empty()) errors.push_back("org_id: required");
  const bool j = run_control.visa_family() == v1::VISA_FAMILY_J;
  // "Trigger Complete Program After" is on the F/M page only.
  if (j && (run_control.has_complete_after_days_f() || run_control.has_complete_after_days_m())) {
    errors.push_back(
        "complete_after_days_f/m: not on the J run control (F/M students only); leave blank");
  }
  CheckCompleteAfter(run_control.has_complete_after_days_f(), run_control.complete_after_days_f(),
                     kMaxCompleteAfterDaysF, "complete_after_days_f", errors);
  CheckCompleteAfter(run_control.has_complete_after_days_m(), run_control.complete_after_days_m(),
                     kMaxCompleteAfterDaysM, "complete_after_days_m", errors);
  // "All reportable institutions and careers for the SEVIS school code must appear on this
  // page or the data will not be reported to SEVIS": a run control without rows reports none.
  if (run_control.terms_size() == 0) {
    errors.push_back("terms: at least one institution and career row is required");
  }
  // One row per institution and career; the rules look rows up case-insensitively (TermFor).
  std::map<std::pair<std::string, std::string>, int> first_row;
  for (int i = 0; i < run_control.terms_size(); ++i) {
    const v1::TermSelection& row = run_control.terms(i);
    CheckTermRow(row, i, j, errors);
    std::pair<std::string, std::string> key{Upper(row.institution()), Upper(row.career())};
    if (key.first.empty() || key.second.empty()) continue;
    auto [it, inserted] = first_row.emplace(key, i);
    if (!inserted) {
      errors.push_back(absl::StrCat(RowPath(i), ": institution ", key.first, " and career ",
                                    key.second, " repeat ", RowPath(it->second)));
    }
  }
  return errors;
}

absl::Status ValidateRunControl(const v1::RunControl& run_control) {
  std::vector<std::string> errors = RunControlErrors(run_control);
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
}

std::vector<std::string> RunControlWarnings(const v1::RunControl& run_control,
                                            common::Date today) {
  std::vector<std::string> warnings;
  const std::string today_text = today.ToString();
  const bool j = run_control.visa_family() == v1::VISA_FAMILY_J;
  for (int i = 0; i < run_control.terms_size(); ++i) {
    const v1::TermSelection& row = run_control.terms(i);
    const std::string path = RowPath(i);
    // "The Registration and Auth Drop Below FC events are triggered based on this date."
    if (std::optional<common::Date> as_of = DateOf(row.as_of_date()); as_of && *as_of > today) {
      warnings.push_back(absl::StrCat(path, ".as_of_date: ", as_of->ToString(),
                                      " is after today (", today_text,
                                      j ? "); Validate does not fire until then"
                                        : "); Registration and Auth Drop Below FC do not fire "
                                          "until then"));
    }
    if (j) continue;  // the J page has no Next Term; Validate reads only the term and as-of date
    // "Next Term ... is used to determine the next session start date that is reported."
    if (Trim(row.next_term_begin_date()).empty()) {
      const char* field = Trim(row.next_term()).empty() ? "next_term" : "next_term_begin_date";
      warnings.push_back(absl::StrCat(path, ".", field,
                                      ": not set; Registration's NextSessionStartDate cannot "
                                      "be reported"));
    }
    // "The current term value is used to determine the current session end date".
    const std::optional<common::Date> end = DateOf(row.current_term_end_date());
    if (Trim(row.current_term_end_date()).empty()) {
      warnings.push_back(absl::StrCat(path,
                                      ".current_term_end_date: not set; Registration's "
                                      "CurrentSessionEndDate cannot be reported"));
    } else if (end && *end < today) {
      // "You should update this field each time the Current Term and Next Term fields are
      // refreshed."
      warnings.push_back(absl::StrCat(path, ".current_term_end_date: the current term ended on ",
                                      end->ToString(), ", before today (", today_text,
                                      "); refresh Current Term, Next Term and As of Date"));
    }
  }
  return warnings;
}

}  // namespace sevisflow::rules
