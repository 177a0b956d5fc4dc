// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": the events driven by the run
// control's terms, "Registration" and "Auth Drop Below FC – Add". Where the rule book is
// ambiguous the comment says which reading the code takes (see the rule decisions).
#include <algorithm>
#include <optional>
#include <string_view>

#include "internal.h"
#include "sevisflow/rules/fm_context.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

using internal::FindAddress;
using internal::Issues;
using internal::kInvalidDate;
using internal::kRequiredMissing;
using internal::Trim;

// Auth Drop Below FC - Add: reason and dates are the DSO's decision, entered in review.
constexpr char kDsoInputRequired[] = "DSO_INPUT_REQUIRED";
// Units are decimals (4.5, 1.5): sums are compared with a tolerance so 1.1 + 1.9 counts as 3.
constexpr double kUnitsEpsilon = 1e-6;

// Trimming and comparing views keeps the per-person evaluation free of string allocations; the
// ASCII tests avoid libc's locale lookups, the hottest part of these rules.
constexpr char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

// SIS codes (institution, career, term, status, instruction mode) compare trimmed and without
// regard to case, as PeopleSoft keys are upper case but feeds and config may not be.
bool SameCode(std::string_view a, std::string_view b) {
  a = TrimView(a);
  b = TrimView(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

std::optional<common::Date> ParseDate(std::string_view iso) {
  return common::Date::Parse(TrimView(iso));
}

// An enrolled class: STDNT_ENRL status enrolled ("E", or blank) with units taken.
bool Enrolled(const v1::Enrollment& e) {
  const std::string_view status = TrimView(e.status());
  return (status.empty() || SameCode(status, "E")) && e.units_taken() > 0;
}

// Index of the run control row whose (institution, career, current term) the class is in, or -1.
int RunControlRowOf(const v1::RunControl& rc, const v1::Enrollment& e) {
  for (int i = 0; i < rc.terms_size(); ++i) {
    const v1::TermSelection& t = rc.terms(i);
    if (SameCode(t.institution(), e.institution()) && SameCode(t.career(), e.career()) &&
        SameCode(t.current_term(), e.term())) {
      return i;
    }
  }
  return -1;
}

// "If Instruction Mode values are entered on the SEVIS Setup table, compare to Instruction Mode
// on Class table."
bool CountsAsOneClassOnly(const Setup& setup, std::string_view mode) {
  if (TrimView(mode).empty()) return false;
  return std::any_of(setup.online_instruction_modes.begin(), setup.online_instruction_modes.end(),
                     [&](const std::string& m) { return SameCode(m, mode); });
}

// The student's current enrolment over every row of the run control.
struct Enrolment {
  bool enrolled = false;                         // some class of a current term is enrolled
  double full_time_units = 0;                    // units toward full time (instruction-mode rule)
  const v1::TermSelection* first_row = nullptr;  // first run control row with an enrolled class
};

// "The total number of currently enrolled units for all institutions, careers, and current terms
// on the Process SEVIS Alerts - F/M page", with the Instruction Mode rule: "If equal, use only the
// one class where STDNT_ENRL.UNT_TAKEN is greatest toward calculating full time. If no
// Instruction Mode values are entered on the SEVIS Setup table, apply all classes".
Enrolment CurrentEnrolment(const FmContext& ctx) {
  Enrolment out;
  const v1::RunControl& rc = *ctx.run_control;
  double counted = 0, greatest_limited = 0;
  int first_index = rc.terms_size();
  for (const v1::Enrollment& e : ctx.snapshot->enrollment()) {
    if (!Enrolled(e)) continue;
    const int row = RunControlRowOf(rc, e);
    if (row < 0) continue;
    out.enrolled = true;
    first_index = std::min(first_index, row);
    if (CountsAsOneClassOnly(*ctx.setup, e.instruction_mode())) {
      greatest_limited = std::max(greatest_limited, e.units_taken());
    } else {
      counted += e.units_taken();
    }
  }
  out.full_time_units = counted + greatest_limited;
  if (first_index < rc.terms_size()) out.first_row = &rc.terms(first_index);
  return out;
}

// A Full Course Exception row counts when it carries an exception value.
bool IsExceptionFor(const v1::FullCourseException& f, std::string_view institution,
                    std::string_view career, std::string_view term) {
  return !TrimView(f.exception()).empty() && SameCode(f.institution(), institution) &&
         SameCode(f.career(), career) && SameCode(f.term(), term);
}

// Registration: "The student has a full course exception for the current term on the Process
// SEVIS Alerts - F/M page for the institution and career on the I-20 form."
bool HasI20FullCourseException(const FmContext& ctx, const v1::TermSelection* i20_row) {
  if (i20_row == nullptr) return false;
  const std::string_view term = TrimView(i20_row->current_term());
  if (term.empty()) return false;
  for (const v1::FullCourseException& f : ctx.snapshot->full_course_exceptions()) {
    if (IsExceptionFor(f, ctx.i20->institution(), ctx.i20->career(), term)) return true;
  }
  return false;
}

// Auth Drop Below FC - Add: "No Full Course Exception value exists for the run control term or
// the units do not meet those required for the exception." True when some exception of a run
// control term is met by the units (required_units 0: the exception asks for none).
bool FullCourseExceptionMet(const FmContext& ctx, double units) {
  for (const v1::FullCourseException& f : ctx.snapshot->full_course_exceptions()) {
    for (const v1::TermSelection& t : ctx.run_control->terms()) {
      if (!IsExceptionFor(f, t.institution(), t.career(), t.current_term())) continue;
      if (units + kUnitsEpsilon >= f.required_units()) return true;
    }
  }
  return false;
}

// "The As of Date field on the Process SEVIS Alerts − F/M page is earlier than or equal to the
// date when the process is run." A blank or invalid as-of date never triggers.
bool AsOfReached(const v1::TermSelection& row, common::Date today) {
  const std::optional<common::Date> as_of = ParseDate(row.as_of_date());
  return as_of && *as_of <= today;
}

// Rule book "Registration".
void DetectRegistration(const FmContext& ctx, const Enrolment& enrolment,
                        const v1::TermSelection& row, const v1::TermSelection* i20_row,
                        std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Initial or Active."
  if (!ctx.Initial() && !ctx.Active()) return;
  // "The As of date on the Process SEVIS Alerts – F/M component is earlier than or equal to the
  // date when the process runs."
  if (!AsOfReached(row, ctx.today)) return;
  // "The term in the SEVIS Master component Registration page is not equal to the current term
  // on the Process SEVIS Alerts – F/M component, or the term on the SEVIS Master Registration
  // page is blank."
  const std::string_view term = TrimView(row.current_term());
  if (term.empty()) return;  // no current term: nothing to register for
  if (SameCode(ctx.master->registration_term(), term)) return;
  // "The student is currently enrolled in any institution, career, or term from the Process
  // SEVIS Alerts – F/M component. OR The student has a full course exception for the current
  // term ... for the institution and career on the I-20 form."
  const bool by_exception = !enrolment.enrolled && HasI20FullCourseException(ctx, i20_row);
  if (!enrolment.enrolled && !by_exception) return;

  Issues issues;
  v1::Alert alert;
  v1::RegistrationData& data = *alert.mutable_registration();
  data.set_institution(Trim(row.institution()));
  data.set_career(Trim(row.career()));
  data.set_term(std::string(term));
  data.set_as_of_date(Trim(row.as_of_date()));
  // Registration/CurrentSessionStartDate and CurrentSessionEndDate are required by the XSD.
  data.set_current_session_start_date(Trim(row.current_term_begin_date()));
  data.set_current_session_end_date(Trim(row.current_term_end_date()));
  issues.RequireDate("run_control.terms.current_term_begin_date",
                     data.current_session_start_date(), "Current session start date");
  issues.RequireDate("run_control.terms.current_term_end_date", data.current_session_end_date(),
                     "Current session end date");
  // Note "Last Session": "If the Next Term ... has a start date that is later than the student's
  // length of study To Date (I-20 Form page), then the system selects the Last Session check
  // box". LastSession is required; SEVIS needs the next session start unless it is the last.
  data.set_next_session_start_date(Trim(row.next_term_begin_date()));
  const std::optional<common::Date> next = ParseDate(data.next_session_start_date());
  const std::optional<common::Date> to = ParseDate(ctx.i20->to_date());
  if (data.next_session_start_date().empty()) {
    issues.Add("run_control.terms.next_term_begin_date", kRequiredMissing,
               "Next session start date is required to report the next session or the last "
               "session");
  } else if (!next) {
    issues.Add("run_control.terms.next_term_begin_date", kInvalidDate,
               "Next session start date is not a valid YYYY-MM-DD date");
  }
  if (!to) issues.RequireDate("i20.to_date", Trim(ctx.i20->to_date()), "I-20 To Date");
  data.set_last_session(next && to && *next > *to);
  data.set_enrolled_units(enrolment.full_time_units);
  data.set_full_course_exception(by_exception);
  data.set_email(Trim(ctx.snapshot->bio().preferred_email()));
  if (const v1::Address* us = FindAddress(*ctx.snapshot, ctx.setup->us_address_type)) {
    *data.mutable_us_address() = *us;
  }
  if (const v1::Address* foreign = FindAddress(*ctx.snapshot, ctx.setup->foreign_address_type)) {
    *data.mutable_foreign_address() = *foreign;
  }
  data.set_commuter(ctx.i20->commuter());
  out.push_back(MakeDetection(ctx, v1::EVENT_TYPE_REGISTRATION, "", std::move(alert),
                              issues.Take()));
}

// Rule book "Auth Drop Below FC – Add".
void DetectAuthDropBelowFcAdd(const FmContext& ctx, const Enrolment& enrolment,
                              const v1::TermSelection& row, std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Active."
  if (!ctx.Active()) return;
  // "The As of Date field ... is earlier than or equal to the date when the process is run."
  if (!AsOfReached(row, ctx.today)) return;
  // "The Registration event has been previously sent for the current term on the run control
  // page": the SEVIS Master Registration term is the run control's current term.
  const std::string_view term = TrimView(row.current_term());
  if (term.empty() || !SameCode(ctx.master->registration_term(), term)) return;
  // "The Auth Reason field is either blank on the Registration page of the SEVIS Master
  // component or the end date of the specified Auth Reason has passed." Passed = before today;
  // a reason without a readable end date is an authorisation still in force.
  if (!TrimView(ctx.master->auth_reason()).empty()) {
    const std::optional<common::Date> auth_end = ParseDate(ctx.master->auth_end_date());
    if (!auth_end || *auth_end >= ctx.today) return;
  }
  // "... is less than the minimum full time level/load rules units for the academic program on
  // the most recent effective-dated I-20 form." 0 = the SIS does not know the minimum.
  const double required = ctx.i20->min_full_time_units();
  if (required <= 0) return;
  if (enrolment.full_time_units + kUnitsEpsilon >= required) return;
  // "No Full Course Exception value exists for the run control term or the units do not meet
  // those required for the exception."
  if (FullCourseExceptionMet(ctx, enrolment.full_time_units)) return;

  Issues issues;
  v1::Alert alert;
  v1::AuthDropBelowData& data = *alert.mutable_auth_drop_below();
  data.set_term(std::string(term));
  data.set_enrolled_units(enrolment.full_time_units);
  data.set_required_units(required);
  // AuthDropBelowType/EndDate is the "Current term/session end date" (XSD annotation): the run
  // control's current term end. Reason and StartDate are the DSO's decision.
  data.set_end_date(Trim(row.current_term_end_date()));
  issues.Add("auth_drop_below.reason", kDsoInputRequired,
             "Drop below full course reason and start date must be entered in review");
  out.push_back(MakeDetection(ctx, v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD, "", std::move(alert),
                              issues.Take()));
}

}  // namespace

void DetectFmRegistrationEvents(const FmContext& ctx, std::vector<Detection>& out) {
  // Both events read the run control page: without one for the school, neither fires.
  if (ctx.run_control == nullptr || ctx.run_control->terms_size() == 0) return;
  const Enrolment enrolment = CurrentEnrolment(ctx);
  // The run control row the events report: the one of the I-20's institution and career, else
  // the first row the student is enrolled in, else the first row.
  const v1::TermSelection* i20_row = nullptr;
  for (const v1::TermSelection& t : ctx.run_control->terms()) {
    if (SameCode(t.institution(), ctx.i20->institution()) &&
        SameCode(t.career(), ctx.i20->career())) {
      i20_row = &t;
      break;
    }
  }
  const v1::TermSelection* row = i20_row;
  if (row == nullptr) row = enrolment.first_row;
  if (row == nullptr) row = &ctx.run_control->terms(0);
  DetectRegistration(ctx, enrolment, *row, i20_row, out);
  DetectAuthDropBelowFcAdd(ctx, enrolment, *row, out);
}

}  // namespace sevisflow::rules
