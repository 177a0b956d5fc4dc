// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": the status events, "Status -
// Cancel", "Status - Complete", "Status - Terminate", "Status - Verify" and "Request Cap – Gap
// Extension". Where the rule book is ambiguous the comment says which reading the code takes
// (see the rule decisions).
#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>

#include "internal.h"
#include "sevisflow/rules/fm_context.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

using internal::Issues;
using internal::kRequiredMissing;
using internal::Trim;

// SEVISTable.xsd types of Status/Cancel/Reason, Status/Terminate/Reason and
// Request/CapGapExtension/Status (Create-UpdateStudent.xsd 6.55).
constexpr char kStudentCancelReasonType[] = "StudentCancelReasonType";
constexpr char kStudentTerminationReasonType[] = "StudentTerminationReasonType";
constexpr char kCapGapExtensionType[] = "CapGapExtensionType";

// "Status - Verify": "180 days (6 months)", counted in days.
constexpr int kVerifyAfterDays = 180;

// StatusData.basis of Status - Complete.
constexpr char kBasisComp[] = "COMP";
constexpr char kBasisI20End[] = "I20_END";
constexpr char kBasisOptEnd[] = "OPT_END";
constexpr char kBasisOptExtensionEnd[] = "OPT_EXTENSION_END";

// "Status - Terminate": the program actions of the Student Program page and of the Application
// Program Data page that end the student's status.
constexpr std::string_view kProgramTerminations[] = {"DISC", "DISM", "WADM",
                                                     "SPND", "LEAV", "ADRV"};
constexpr std::string_view kApplicationTerminations[] = {"WADM", "WAPP", "ADRV"};

using ActionRows = google::protobuf::RepeatedPtrField<v1::ProgramAction>;

// Trimming and comparing views keeps the per-person evaluation free of string allocations; the
// ASCII tests avoid libc's locale lookups, the hottest part of these rules.
constexpr char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

// SIS codes compare trimmed and without regard to case.
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

template <size_t N>
bool OneOf(std::string_view code, const std::string_view (&list)[N]) {
  return std::any_of(std::begin(list), std::end(list),
                     [&](std::string_view item) { return SameCode(code, item); });
}

// OPT employment: employment type 01, not cancelled ("Cancel Employment" = Y removes it).
bool IsOpt(const v1::EmploymentAuthorization& e) {
  return TrimView(e.employment_type()) == "01" && !e.cancel_employment();
}

struct OptLastDay {
  common::Date date;
  bool extension = false;  // the date is the OPT (STEM) extension end date
};

// The last day of an OPT authorisation: its extension end date when later than the end date.
// nullopt when it cannot be known (end date blank or invalid, or an extension requested without
// a valid extension end date): such OPT is taken as still running, since completing or
// terminating the record would end an authorisation the student may still hold.
std::optional<OptLastDay> LastOptDay(const v1::EmploymentAuthorization& e) {
  const std::optional<common::Date> end = ParseDate(e.end_date());
  const std::optional<common::Date> extension_end = ParseDate(e.extension_end_date());
  if (extension_end && (!end || *extension_end > *end)) return OptLastDay{*extension_end, true};
  if (e.extension() || !end) return std::nullopt;
  return OptLastDay{*end, false};
}

// True when some OPT runs past `date` or has an unknown end.
bool OptRunsPast(const v1::SisPersonSnapshot& s, common::Date date) {
  for (const v1::EmploymentAuthorization& e : s.employment()) {
    if (!IsOpt(e)) continue;
    const std::optional<OptLastDay> last = LastOptDay(e);
    if (!last || last->date > date) return true;
  }
  return false;
}

// "The student has no OPT employment, or the end date of the OPT employment is earlier than or
// equal to the effective date of the program action." Without a valid effective date only "no
// OPT employment" can hold.
bool NoOptAfter(const v1::SisPersonSnapshot& s, const std::optional<common::Date>& date) {
  for (const v1::EmploymentAuthorization& e : s.employment()) {
    if (!IsOpt(e)) continue;
    if (!date) return false;
    const std::optional<OptLastDay> last = LastOptDay(e);
    if (!last || last->date > *date) return false;
  }
  return true;
}

// The program action "on the Student Program page" (or the Application Program Data page) for
// the I-20's institution, career and academic program: PeopleSoft's current row, the greatest
// effective date not after today. Rows without a valid date count as the oldest; a tie goes to
// the later row of the feed. Null when the program has no row in force.
const v1::ProgramAction* CurrentAction(const ActionRows& rows, const v1::I20Form& i20,
                                       common::Date today) {
  const v1::ProgramAction* best = nullptr;
  std::optional<common::Date> best_date;
  for (const v1::ProgramAction& a : rows) {
    if (!SameCode(a.institution(), i20.institution()) || !SameCode(a.career(), i20.career()) ||
        !SameCode(a.academic_program(), i20.academic_program())) {
      continue;
    }
    const std::optional<common::Date> date = ParseDate(a.effective_date());
    if (date && *date > today) continue;  // future-dated: not in force yet
    if (best == nullptr || (date && (!best_date || *date >= *best_date)) ||
        (!date && !best_date)) {
      best = &a;
      best_date = date;
    }
  }
  return best;
}

// "the student degree term end date for Completion Term": the term calendar row of the action's
// institution, career and completion term.
std::optional<common::Date> CompletionTermEnd(const v1::SisPersonSnapshot& s,
                                              const v1::ProgramAction& action) {
  if (TrimView(action.completion_term()).empty()) return std::nullopt;
  for (const v1::Term& t : s.terms()) {
    if (SameCode(t.institution(), action.institution()) &&
        SameCode(t.career(), action.career()) && SameCode(t.term(), action.completion_term())) {
      return ParseDate(t.end_date());
    }
  }
  return std::nullopt;
}

v1::StatusData& StatusOf(v1::Alert& alert) { return *alert.mutable_status(); }

// Rule book "Status - Cancel". Returns true when it fires.
bool DetectStatusCancel(const FmContext& ctx, std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Initial."
  if (!ctx.Initial()) return false;
  // "A cancel reason exists on the most recent effective-dated I-20 form."
  const std::string_view reason = TrimView(ctx.i20->cancel_reason());
  if (reason.empty()) return false;
  // "No cancel reason exists on the SEVIS Master component."
  if (!TrimView(ctx.master->cancel_reason()).empty()) return false;

  Issues issues;
  v1::Alert alert;
  StatusOf(alert).set_reason(std::string(reason));
  issues.CheckCode(*ctx.setup, "i20.cancel_reason", StatusOf(alert).reason(),
                   {kStudentCancelReasonType}, "Cancel reason");
  out.push_back(
      MakeDetection(ctx, v1::EVENT_TYPE_STATUS_CANCEL, "", std::move(alert), issues.Take()));
  return true;
}

// Rule book "Status - Complete".
void DetectStatusComplete(const FmContext& ctx, std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Active."
  if (!ctx.Active()) return;
  const v1::SisPersonSnapshot& s = *ctx.snapshot;
  const char* basis = nullptr;
  common::Date based_on;
  std::string program_action;

  // "The Program Action is COMP (complete program) on Student Program/Plan for the program on
  // the I-20 form, and the student degree term end date for Completion Term is earlier than or
  // equal to current date and no OPT employment exists where the OPT end date is later than the
  // current date."
  if (const v1::ProgramAction* action = CurrentAction(s.program_actions(), *ctx.i20, ctx.today);
      action != nullptr && SameCode(action->action(), "COMP")) {
    const std::optional<common::Date> term_end = CompletionTermEnd(s, *action);
    if (term_end && *term_end <= ctx.today && !OptRunsPast(s, ctx.today)) {
      basis = kBasisComp;
      based_on = *term_end;
      program_action = kBasisComp;
    }
  }

  // The date branches: "The I-20 To date plus the number of days ... is earlier than or equal to
  // the current date and no OPT employment exists where the OPT end date is later than the I-20
  // to date. OR If the OPT end date is later than the I-20 to date and the OPT end date plus the
  // number of days ... OR If the OPT extension end date is later than the I-20 to date or the
  // OPT end date and the OPT extension end date plus the number of days ..." Together: the
  // latest of the I-20 To Date and every OPT (extension) end date, plus the days, has come.
  // "If you enter a 0 or no number in the F Students or M Students fields, the Program -
  // Complete event will trigger ... but not based on the I-20 or OPT end date."
  const std::optional<int> days = ctx.CompleteAfterDays();
  if (basis == nullptr && days && *days > 0) {
    if (const std::optional<common::Date> to = ParseDate(ctx.i20->to_date())) {
      const char* date_basis = kBasisI20End;
      common::Date last = *to;
      bool unknown_opt_end = false;
      for (const v1::EmploymentAuthorization& e : s.employment()) {
        if (!IsOpt(e)) continue;
        const std::optional<OptLastDay> opt = LastOptDay(e);
        if (!opt) {
          unknown_opt_end = true;
          break;
        }
        if (opt->date > last) {
          last = opt->date;
          date_basis = opt->extension ? kBasisOptExtensionEnd : kBasisOptEnd;
        }
      }
      if (!unknown_opt_end && last.AddDays(*days) <= ctx.today) {
        basis = date_basis;
        based_on = last;
      }
    }
  }
  if (basis == nullptr) return;

  v1::Alert alert;
  v1::StatusData& data = StatusOf(alert);
  data.set_basis(basis);
  data.set_effective_date(based_on.ToString());
  data.set_program_action(std::move(program_action));
  data.set_remarks(Trim(ctx.i20->complete_remarks()));
  out.push_back(MakeDetection(ctx, v1::EVENT_TYPE_STATUS_COMPLETE, "", std::move(alert)));
}

// Rule book "Status - Terminate". `cancel_requested`: the note "Entering both a Cancellation
// Reason on the I-20 Form and a Program Action of WADM, WAPP, or ARDV on the Application Program
// Data page triggers the Status - Cancel event, but it does not trigger the Status - Termination
// event": the DSO asked to cancel the Initial record, and a record is cancelled or terminated,
// not both, so Cancel wins over every terminating action.
void DetectStatusTerminate(const FmContext& ctx, bool cancel_requested,
                           std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Initial or Active."
  if (!ctx.Initial() && !ctx.Active()) return;
  if (cancel_requested) return;
  const v1::SisPersonSnapshot& s = *ctx.snapshot;
  // "None of the program actions exist in the SEVIS Master component": this action was not
  // reported yet.
  auto reported = [&](std::string_view action) {
    return std::any_of(ctx.master->program_actions().begin(), ctx.master->program_actions().end(),
                       [&](const std::string& m) { return SameCode(m, action); });
  };
  // "... AND The student has no OPT employment, or the end date [or extension end date] of the
  // OPT employment is earlier than or equal to the effective date of the program action."
  auto terminates = [&](const v1::ProgramAction* a, const auto& actions) {
    return a != nullptr && OneOf(a->action(), actions) && !reported(a->action()) &&
           NoOptAfter(s, ParseDate(a->effective_date()));
  };
  // "Program Action is DISC, DISM, WADM, SPND, LEAV, or ADRV on the Student Program page ... OR
  // Program Action is WADM, WAPP, or ADRV on the Application Program Data page". The student
  // program, further along than the application, is reported when both qualify.
  const v1::ProgramAction* action = CurrentAction(s.program_actions(), *ctx.i20, ctx.today);
  if (!terminates(action, kProgramTerminations)) {
    action = CurrentAction(s.application_actions(), *ctx.i20, ctx.today);
    if (!terminates(action, kApplicationTerminations)) return;
  }

  Issues issues;
  v1::Alert alert;
  v1::StatusData& data = StatusOf(alert);
  data.set_program_action(internal::Upper(action->action()));
  data.set_effective_date(Trim(action->effective_date()));
  data.set_reason(Trim(ctx.i20->terminate_reason()));
  // Status/Terminate/Reason is required (StudentTerminationReasonType).
  if (data.reason().empty()) {
    issues.Add("i20.terminate_reason", kRequiredMissing,
               "Termination reason is required: enter it on the I-20 form or in review");
  } else {
    issues.CheckCode(*ctx.setup, "i20.terminate_reason", data.reason(),
                     {kStudentTerminationReasonType}, "Termination reason");
  }
  out.push_back(
      MakeDetection(ctx, v1::EVENT_TYPE_STATUS_TERMINATE, "", std::move(alert), issues.Take()));
}

// Rule book "Status - Verify".
void DetectStatusVerify(const FmContext& ctx, std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Active."
  if (!ctx.Active()) return;
  // "The most recent effective-dated row from the SEVIS Master component is 180 days (6 months)
  // less than the current system date."
  const std::optional<common::Date> effective = ParseDate(ctx.master->effective_date());
  if (!effective || effective->DaysUntil(ctx.today) < kVerifyAfterDays) return;
  v1::Alert alert;
  StatusOf(alert).set_effective_date(effective->ToString());
  out.push_back(MakeDetection(ctx, v1::EVENT_TYPE_STATUS_VERIFY, "", std::move(alert)));
}

// Rule book "Request Cap – Gap Extension", read as Active AND program end passed AND (master
// blank and I-20 populated OR the two differ).
void DetectRequestCapGapExtension(const FmContext& ctx, std::vector<Detection>& out) {
  // "The student has a SEVIS Status of Active."
  if (!ctx.Active()) return;
  // "The Program End Date on the SEVIS Master component is less than or equal to the system
  // current date."
  const std::optional<common::Date> program_end = ParseDate(ctx.master->program_end_date());
  if (!program_end || *program_end > ctx.today) return;
  // "The SEVIS Master component Cap-Gap Status field is blank and the I-20 Form Cap-Gap Status
  // field is populated. OR The SEVIS Master component Cap-Gap Status field is different than the
  // Cap-Gap Status value on the current effective-dated I-20 Form row." A blank I-20 value has
  // nothing to request (CapGapExtension/Status is required).
  const std::string_view status = TrimView(ctx.i20->cap_gap_status());
  if (status.empty() || SameCode(ctx.master->cap_gap_status(), status)) return;

  Issues issues;
  v1::Alert alert;
  StatusOf(alert).set_cap_gap_status(std::string(status));
  issues.CheckCode(*ctx.setup, "i20.cap_gap_status", StatusOf(alert).cap_gap_status(),
                   {kCapGapExtensionType}, "Cap-Gap status");
  out.push_back(MakeDetection(ctx, v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION, "", std::move(alert),
                              issues.Take()));
}

}  // namespace

void DetectFmStatusEvents(const FmContext& ctx, std::vector<Detection>& out) {
  DetectStatusCancel(ctx, out);
  // Cancel wins over Terminate while the Initial record carries the I-20's cancel reason (whether
  // Status - Cancel fires now or was already reported).
  const bool cancel_requested = ctx.Initial() && !TrimView(ctx.i20->cancel_reason()).empty();
  DetectStatusComplete(ctx, out);
  DetectStatusTerminate(ctx, cancel_requested, out);
  DetectStatusVerify(ctx, out);
  DetectRequestCapGapExtension(ctx, out);
}

}  // namespace sevisflow::rules
