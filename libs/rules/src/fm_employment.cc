// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": CPT Employment - Add, Cancel;
// Off Campus Employment - Add, Cancel, Edit; OPT Employment - Add, Cancel, Extend, Edit; OPT
// Report Participation; OPT Employer - Add, Edit.
//
// Each Employment Authorizations row of the snapshot is matched with the SEVIS Master employment
// of the same sequence number. The readings of ambiguous sentences are listed in
// docs/rule-decisions.md (to be merged into docs/rule-decisions.md).
#include <string>
#include <string_view>
#include <vector>

#include "internal.h"
#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/fm_context.h"

namespace sevisflow::rules {
namespace {

using internal::Issues;
using internal::kInvalidDate;
using internal::kInvalidFormat;
using internal::kRequiredMissing;
using internal::kUnknownCode;

// Employment type codes of the rule book ("Optional Practical Training (01)", "Curricular
// Practical Training (02)", "Off-Campus (03)").
constexpr std::string_view kOpt = "01";
constexpr std::string_view kCpt = "02";
constexpr std::string_view kOffCampus = "03";

// SEVISTable.xsd simple type of the off-campus reason (OCEmploymentType/EmploymentType).
constexpr char kOffCampusReasonType[] = "OffCampusEmploymentCodeType";

// Issue codes of this group, beyond the shared ones of internal.h.
constexpr char kDatesOrder[] = "EMPLOYMENT_DATES_ORDER";
constexpr char kExtensionEmployerMissing[] = "EXTENSION_EMPLOYER_MISSING";
constexpr char kCancelledBeforeReported[] = "EMPLOYMENT_CANCELLED_BEFORE_REPORTED";

// ---------------------------------------------------------------------------------------------
// Small value helpers (no allocation: this runs for every person of every snapshot).

std::string_view View(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) {
    --e;
  }
  return s.substr(b, e - b);
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Trimmed, case-insensitive equality (request statuses, completion types, address parts).
bool Same(std::string_view a, std::string_view b) {
  a = View(a);
  b = View(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<common::Date> DateIn(std::string_view s) { return common::Date::Parse(View(s)); }

// Two dates are the same when both parse to the same day, or (when either does not parse) when
// their trimmed texts are equal.
bool SameDate(std::string_view a, std::string_view b) {
  auto da = DateIn(a), db = DateIn(b);
  if (da && db) return *da == *db;
  return View(a) == View(b);
}

bool AllDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string YesNo(bool b) { return b ? "Y" : "N"; }

// "Request Status on the Employment Authorizations page is Approved" (REQUESTED / PENDING /
// APPROVED; trimmed, any case).
bool Approved(const v1::EmploymentAuthorization& e) { return Same(e.request_status(), "APPROVED"); }

// "Completion Type on the Employment Authorizations page is Post Completion."
bool PostCompletion(const v1::EmploymentAuthorization& e) {
  return Same(e.completion_type(), "POST");
}

// "End Date or Extension End Date on the Employment Authorizations page is greater than or equal
// to the system current date." A blank or invalid date does not satisfy its half.
bool EndsOnOrAfter(const v1::EmploymentAuthorization& e, common::Date today) {
  auto end = DateIn(e.end_date());
  auto extension_end = DateIn(e.extension_end_date());
  return (end && *end >= today) || (extension_end && *extension_end >= today);
}

// SEVIS Master dates that must lie after today ("Employment Start Date on the SEVIS Master
// component is later than the current system date"); blank or invalid: not later.
bool StartsAfter(const v1::MasterEmployment& m, common::Date today) {
  auto start = DateIn(m.start_date());
  return start && *start > today;
}

// ---------------------------------------------------------------------------------------------
// Validation of the values Create-UpdateStudent.xsd requires.

std::string Path(int index) { return "employment[" + std::to_string(index) + "]"; }

// EmploymentTimeType is 01/02 in SEVISTable.xsd; the SIS feed documents FT/PT. Both spellings
// are accepted (the batch builder maps them).
void CheckTime(Issues& issues, const std::string& field, std::string_view value, bool required,
               const char* label) {
  value = View(value);
  if (value.empty()) {
    if (required) issues.Add(field, kRequiredMissing, std::string(label) + " is required");
    return;
  }
  if (!Same(value, "FT") && !Same(value, "PT") && value != "01" && value != "02") {
    issues.Add(field, kUnknownCode, std::string(label) + " must be FT or PT (EmploymentTimeType)");
  }
}

std::optional<common::Date> CheckDate(Issues& issues, const std::string& field,
                                      std::string_view value, bool required, const char* label) {
  value = View(value);
  if (value.empty()) {
    if (required) issues.Add(field, kRequiredMissing, std::string(label) + " is required");
    return std::nullopt;
  }
  auto d = common::Date::Parse(value);
  if (!d) issues.Add(field, kInvalidDate, std::string(label) + " is not a valid YYYY-MM-DD date");
  return d;
}

// Start and end of a period: both required, the end not before the start.
void CheckPeriod(Issues& issues, const std::string& prefix, std::string_view start_field,
                 std::string_view start, std::string_view end_field, std::string_view end,
                 const char* what) {
  auto s = CheckDate(issues, prefix + "." + std::string(start_field), start, true,
                     (std::string(what) + " start date").c_str());
  auto e = CheckDate(issues, prefix + "." + std::string(end_field), end, true,
                     (std::string(what) + " end date").c_str());
  if (s && e && *e < *s) {
    issues.Add(prefix + "." + std::string(end_field), kDatesOrder,
               std::string(what) + " end date is before its start date");
  }
}

void CheckPostal(Issues& issues, const std::string& field, std::string_view zip, bool required) {
  zip = View(zip);
  if (zip.empty()) {
    if (required) issues.Add(field, kRequiredMissing, "Employer postal code is required");
    return;
  }
  // SEVISTable USPostalType: five digits.
  if (!AllDigits(zip, 5)) {
    issues.Add(field, kInvalidFormat, "Employer postal code must be 5 digits");
  }
}

void CheckState(const Setup& setup, Issues& issues, const std::string& field,
                std::string_view state, bool required) {
  const std::string value(View(state));
  if (required) {
    issues.RequireCode(setup, field, value, {kStateType}, "Employer state");
  } else if (!value.empty()) {
    issues.CheckCode(setup, field, value, {kStateType}, "Employer state");
  }
}

// CPTEmploymentType/EmployerName (1-100) and CPTEmployment/Add/EmployerAddress (USAddressType:
// Address1, City, State and PostalCode required).
void CheckCptEmployer(const Setup& setup, Issues& issues, const std::string& prefix,
                      const v1::EmploymentAuthorization& e, bool with_address) {
  if (e.employers().empty()) {
    issues.Add(prefix + ".employers", kRequiredMissing, "CPT employer is required");
    return;
  }
  const v1::Employer& employer = e.employers(0);
  const std::string p = prefix + ".employers[0]";
  const std::string_view name = View(employer.name());
  if (name.empty()) {
    issues.Add(p + ".name", kRequiredMissing, "CPT employer name is required");
  } else if (CodePoints(name) > 100) {
    issues.Add(p + ".name", kInvalidFormat, "CPT employer name exceeds 100 characters");
  }
  if (!with_address) return;
  const v1::Address& a = employer.address();
  if (View(a.line1()).empty()) {
    issues.Add(p + ".address.line1", kRequiredMissing, "CPT employer address line 1 is required");
  }
  if (View(a.city()).empty()) {
    issues.Add(p + ".address.city", kRequiredMissing, "CPT employer city is required");
  }
  CheckState(setup, issues, p + ".address.state", a.state(), /*required=*/true);
  CheckPostal(issues, p + ".address.postal_code", a.postal_code(), /*required=*/true);
}

// The Employer type of Create-UpdateStudent.xsd (OPT Add, Extend, OPT Employer - Add) when
// `required`; UpdateEmployerType (OPT Employer - Edit: every element optional) otherwise, where
// only the formats of the values present are checked.
void CheckOptEmployer(const Setup& setup, Issues& issues, const std::string& p,
                      const v1::Employer& employer, bool required) {
  if (CodePoints(View(employer.name())) > 121) {
    issues.Add(p + ".name", kInvalidFormat, "Employer name exceeds 121 characters");
  }
  const v1::Address& a = employer.address();
  if (required && View(a.line1()).empty()) {
    issues.Add(p + ".address.line1", kRequiredMissing, "Employer address line 1 is required");
  }
  CheckState(setup, issues, p + ".address.state", a.state(), /*required=*/false);
  CheckPostal(issues, p + ".address.postal_code", a.postal_code(), required);
  const std::string_view ein = View(employer.ein());
  if (!ein.empty() && !AllDigits(ein, 9)) {
    issues.Add(p + ".ein", kInvalidFormat, "Employer EIN must be 9 digits");
  }
  if (required && View(employer.course_relevance()).empty()) {
    issues.Add(p + ".course_relevance", kRequiredMissing, "Course relevance is required");
  }
  CheckTime(issues, p + ".full_part_time", employer.full_part_time(), required,
            "Employer full/part time");
  auto start = CheckDate(issues, p + ".start_date", employer.start_date(), required,
                         "Employer start date");
  auto end = CheckDate(issues, p + ".end_date", employer.end_date(), false, "Employer end date");
  if (start && end && *end < *start) {
    issues.Add(p + ".end_date", kDatesOrder, "Employer end date is before its start date");
  }
  const std::string_view phone = View(employer.supervisor_phone());
  if (!phone.empty() && !AllDigits(phone, 10)) {
    issues.Add(p + ".supervisor_phone", kInvalidFormat, "Supervisor phone must be 10 digits");
  }
}

// EmploymentIdentifier: SEVIS identifies an existing employment by the dates it holds.
void CheckSevisDates(Issues& issues, const v1::MasterEmployment& m, int master_index) {
  const std::string p = "master.employment[" + std::to_string(master_index) + "]";
  CheckDate(issues, p + ".start_date", m.start_date(), true, "SEVIS employment start date");
  CheckDate(issues, p + ".end_date", m.end_date(), true, "SEVIS employment end date");
}

// ---------------------------------------------------------------------------------------------
// Event data.

v1::EmployerData EmployerDataOf(const v1::Employer& e) {
  v1::EmployerData d;
  d.set_employer_number(e.employer_number());
  d.set_name(std::string(View(e.name())));
  if (e.has_address()) *d.mutable_address() = e.address();
  d.set_ein(std::string(View(e.ein())));
  d.set_start_date(std::string(View(e.start_date())));
  d.set_end_date(std::string(View(e.end_date())));
  d.set_extension_employer(e.extension_employer());
  d.set_full_part_time(std::string(View(e.full_part_time())));
  d.set_course_relevance(e.course_relevance());
  d.set_job_title(std::string(View(e.job_title())));
  d.set_supervisor_first_name(std::string(View(e.supervisor_first_name())));
  d.set_supervisor_last_name(std::string(View(e.supervisor_last_name())));
  d.set_supervisor_email(std::string(View(e.supervisor_email())));
  d.set_supervisor_phone(std::string(View(e.supervisor_phone())));
  d.set_self_employed(e.self_employed());
  return d;
}

// One Employment Authorizations row and its SEVIS Master counterpart (same sequence).
struct Row {
  const v1::EmploymentAuthorization* sis = nullptr;
  const v1::MasterEmployment* master = nullptr;  // null when the sequence is not in the master
  int master_index = -1;
  std::string path;                              // "employment[<index in the snapshot>]"
  std::string subject;                           // the sequence, decimal
};

// The values every employment event reports: the identity of the row, its dates and hours, and
// (for an employment SEVIS already holds) the dates SEVIS identifies it by. Each event adds the
// values of its own XSD element, so an unrelated SIS change does not alter the alert id.
v1::Alert BaseAlert(const Row& r) {
  v1::Alert alert;
  v1::EmploymentData* d = alert.mutable_employment();
  const v1::EmploymentAuthorization& e = *r.sis;
  d->set_sequence(e.sequence());
  d->set_employment_type(std::string(View(e.employment_type())));
  d->set_start_date(std::string(View(e.start_date())));
  d->set_end_date(std::string(View(e.end_date())));
  d->set_full_part_time(std::string(View(e.full_part_time())));
  if (r.master != nullptr) {
    d->set_sevis_start_date(std::string(View(r.master->start_date())));
    d->set_sevis_end_date(std::string(View(r.master->end_date())));
  }
  return alert;
}

std::string EmployerPath(const Row& r, int j) {
  return r.path + ".employers[" + std::to_string(j) + "]";
}

void Emit(const FmContext& ctx, std::vector<Detection>& out, v1::EventType event,
          std::string subject, v1::Alert alert, Issues& issues) {
  out.push_back(MakeDetection(ctx, event, std::move(subject), std::move(alert), issues.Take()));
}

// "...and no employment type exists in the SEVIS Master component": read per sequence - the
// sequence is not in the master, or its master row carries no employment type.
bool NewInMaster(const Row& r) {
  return r.master == nullptr || View(r.master->employment_type()).empty();
}

// The master row of the sequence holds the same employment type ("Employment Type on the
// Employment Authorizations page and on the SEVIS Master component is ...").
bool MasterIs(const Row& r, std::string_view type) {
  return r.master != nullptr && View(r.master->employment_type()) == type;
}

// An Add of a row the SIS already cancelled: still reported (the rule book has no such
// condition) but flagged so the DSO can reject it in review.
void FlagCancelled(Issues& issues, const Row& r) {
  if (r.sis->cancel_employment()) {
    issues.Add(r.path + ".cancel_employment", kCancelledBeforeReported,
               "Cancel Employment is Y on an employment SEVIS does not hold yet");
  }
}

// ---------------------------------------------------------------------------------------------
// CPT Employment.

void DetectCpt(const FmContext& ctx, const Row& r, std::vector<Detection>& out) {
  const Setup& setup = *ctx.setup;
  const v1::EmploymentAuthorization& e = *r.sis;
  // CPT Employment - Add: "Employment type is Curricular Practical Training on the Employment
  // Authorizations page and no employment type exists in the SEVIS Master component. Each new
  // Curricular Practical Training sequence number ... that does not exist in the SEVIS Master
  // component results in the event being triggered."
  if (NewInMaster(r)) {
    v1::Alert alert = BaseAlert(r);
    v1::EmploymentData* d = alert.mutable_employment();
    d->set_remarks(e.remarks());
    if (!e.employers().empty()) *d->add_employers() = EmployerDataOf(e.employers(0));
    Issues issues;
    CheckPeriod(issues, r.path, "start_date", e.start_date(), "end_date", e.end_date(), "CPT");
    CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true, "CPT full/part time");
    CheckCptEmployer(setup, issues, r.path, e, /*with_address=*/true);
    FlagCancelled(issues, r);
    Emit(ctx, out, v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD, r.subject, std::move(alert), issues);
    return;
  }
  // CPT Employment - Cancel: "Employment type on the Employment Authorizations page is Curricular
  // Practical Training (02) and Cancel Employment is Y. AND The Cancel Employment value is N on
  // the SEVIS Master component. AND Employment Start Date on the SEVIS Master component is later
  // than the current system date."
  if (MasterIs(r, kCpt) && e.cancel_employment() && !r.master->cancel_employment() &&
      StartsAfter(*r.master, ctx.today)) {
    v1::Alert alert = BaseAlert(r);
    if (!e.employers().empty()) {
      *alert.mutable_employment()->add_employers() = EmployerDataOf(e.employers(0));
    }
    Issues issues;
    CheckSevisDates(issues, *r.master, r.master_index);
    CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true, "CPT full/part time");
    CheckCptEmployer(setup, issues, r.path, e, /*with_address=*/false);
    Emit(ctx, out, v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL, r.subject, std::move(alert), issues);
  }
}

// ---------------------------------------------------------------------------------------------
// Off Campus Employment.

void DetectOffCampus(const FmContext& ctx, const Row& r, std::vector<Detection>& out) {
  const Setup& setup = *ctx.setup;
  const v1::EmploymentAuthorization& e = *r.sis;
  const std::string_view reason = View(e.reason());
  // Off Campus Employment - Add: "Employment type is Off-Campus on the Employment Authorizations
  // page and no employment type exists in the SEVIS Master component."
  if (NewInMaster(r)) {
    v1::Alert alert = BaseAlert(r);
    v1::EmploymentData* d = alert.mutable_employment();
    d->set_reason(std::string(reason));
    d->set_remarks(e.remarks());
    Issues issues;
    CheckPeriod(issues, r.path, "start_date", e.start_date(), "end_date", e.end_date(),
                "Off-campus employment");
    issues.RequireCode(setup, r.path + ".reason", std::string(reason), {kOffCampusReasonType},
                       "Off-campus employment reason");
    FlagCancelled(issues, r);
    Emit(ctx, out, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD, r.subject, std::move(alert), issues);
    return;
  }
  if (!MasterIs(r, kOffCampus)) return;
  const v1::MasterEmployment& m = *r.master;

  // Off Campus Employment - Cancel: "Employment type is Off-Campus (03) and Cancel Employment is
  // Y on the Employment Authorizations page. OR The Rescind Recommendation value is Y on the
  // Employment Authorizations page for Off-Campus employment. AND Employment type is Off-Campus
  // where Recommend Employment is Y and Rescind Recommendation is not Y in the SEVIS Master
  // component." The master condition applies to both page branches.
  if ((e.cancel_employment() || e.rescind_recommendation()) && m.recommend_employment() &&
      !m.rescind_recommendation()) {
    v1::Alert alert = BaseAlert(r);
    alert.mutable_employment()->set_reason(std::string(reason));
    // OCEmploymentType identifies the employment by SEVIS's dates and reason.
    alert.mutable_employment()->set_sevis_reason(std::string(View(m.reason())));
    Issues issues;
    CheckSevisDates(issues, m, r.master_index);
    issues.RequireCode(setup, r.path + ".reason", std::string(reason), {kOffCampusReasonType},
                       "Off-campus employment reason");
    Emit(ctx, out, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL, r.subject, std::move(alert),
         issues);
  }

  // Off Campus Employment - Edit: "Any of the following field values on the Employment
  // Authorizations page where the employment type is Off-Campus, is different from the same
  // values on the SEVIS Master component: Start Date (greater than or equal to the day that the
  // process runs), End Date, Reason". A blank or invalid page date, or a blank reason, is not a
  // value that can be reported, so it is no difference.
  const auto start = DateIn(e.start_date());
  const auto end = DateIn(e.end_date());
  auto diff = [&](v1::Alert* alert) {
    bool any = false;
    if (start && *start >= ctx.today && !SameDate(e.start_date(), m.start_date())) {
      any = true;
      if (alert) AddChange(*alert, "start_date", View(m.start_date()), start->ToString());
    }
    if (end && !SameDate(e.end_date(), m.end_date())) {
      any = true;
      if (alert) AddChange(*alert, "end_date", View(m.end_date()), end->ToString());
    }
    if (!reason.empty() && reason != View(m.reason())) {
      any = true;
      if (alert) AddChange(*alert, "reason", View(m.reason()), reason);
    }
    return any;
  };
  if (!diff(nullptr)) return;  // the usual case: build nothing
  v1::Alert alert = BaseAlert(r);
  v1::EmploymentData* d = alert.mutable_employment();
  d->set_reason(std::string(reason));
  d->set_sevis_reason(std::string(View(m.reason())));
  d->set_remarks(e.remarks());
  diff(&alert);
  Issues issues;
  CheckSevisDates(issues, m, r.master_index);
  issues.CheckCode(setup, r.path + ".reason", std::string(reason), {kOffCampusReasonType},
                   "Off-campus employment reason");
  if (start && end && *end < *start) {
    issues.Add(r.path + ".end_date", kDatesOrder,
               "Off-campus employment end date is before its start date");
  }
  Emit(ctx, out, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT, r.subject, std::move(alert), issues);
}

// ---------------------------------------------------------------------------------------------
// OPT Employment, OPT Report Participation, OPT Employer.

// "OPT Report Participation": the window to report, or 0. "Last Participation Reported is Not
// Reported ... and the current date is less than or equal to the 6 month report date which is
// the OPT Extension Start Date plus (6 months minus 15 days)", likewise 6 -> 12 and 12 -> 18.
int ParticipationWindow(const v1::EmploymentAuthorization& e, const v1::MasterEmployment& m,
                        common::Date today) {
  const int last = m.last_participation_reported();
  if (last != 0 && last != 6 && last != 12) return 0;  // 18 reported: nothing left to report
  auto extension_start = DateIn(e.extension_start_date());
  if (!extension_start) return 0;
  const int next = last + 6;
  const common::Date report_date = extension_start->AddMonths(next).AddDays(-15);
  return today <= report_date ? next : 0;
}

void OptDetails(const v1::EmploymentAuthorization& e, v1::EmploymentData* d) {
  d->set_request_status(std::string(View(e.request_status())));
  d->set_completion_type(std::string(View(e.completion_type())));
}

// OPT Employer - Add / Edit for one employer of an existing OPT employment.
void DetectOptEmployer(const FmContext& ctx, const Row& r, int j, std::vector<Detection>& out) {
  const v1::EmploymentAuthorization& e = *r.sis;
  const v1::MasterEmployment& m = *r.master;
  const v1::Employer& employer = e.employers(j);
  const v1::MasterEmployer* known = nullptr;
  for (const auto& me : m.employers()) {
    if (me.employer_number() == employer.employer_number()) {
      known = &me;
      break;
    }
  }
  const bool first = employer.employer_number() == 1;
  const bool old_schema = !View(m.employer_name()).empty();

  // OPT Employer - Add: "The Employer Number on the Employment Authorizations page does not exist
  // in the SEVIS Master Employer Details record AND If the Employer Number is '1', the Employer
  // Name is not populated in SEVIS Master Employment."
  if (known == nullptr && !(first && old_schema)) {
    v1::Alert alert = BaseAlert(r);
    *alert.mutable_employment()->add_employers() = EmployerDataOf(employer);
    Issues issues;
    CheckSevisDates(issues, m, r.master_index);
    CheckOptEmployer(*ctx.setup, issues, EmployerPath(r, j), employer, /*required=*/true);
    Emit(ctx, out, v1::EVENT_TYPE_OPT_EMPLOYER_ADD,
         r.subject + "/" + std::to_string(employer.employer_number()), std::move(alert), issues);
    return;
  }

  // OPT Employer - Edit: "The Employer Number ... exists in SEVIS Master Employer Details record
  // and one of the following values has changed: Employer Address 1, Employer Address 2, Employer
  // City, Employer State, Employer Postal, Employer Start Date, Employer End Date OR the Employer
  // Number is '1' and does not exist in SEVIS Master Employer Details and one of the following
  // values has changed: Employer Address 1, Employer Address 2, Employer City, Employer State,
  // Employer Postal." The second branch compares with the old-schema employer of the master
  // employment (reached only when its name is populated, else the employer is an Add). Address
  // parts compare trimmed and case-insensitively (SEVIS's address check may change the case).
  const v1::Address& was = known != nullptr ? known->address() : m.employer_address();
  const v1::Address& now = employer.address();
  const auto start = DateIn(employer.start_date());
  const auto end = DateIn(employer.end_date());
  auto diff = [&](v1::Alert* alert) {
    bool any = false;
    auto text = [&](const char* field, const std::string& sevis, const std::string& sis) {
      if (Same(sevis, sis)) return;
      any = true;
      if (alert) AddChange(*alert, field, View(sevis), View(sis));
    };
    text("employer.address.line1", was.line1(), now.line1());
    text("employer.address.line2", was.line2(), now.line2());
    text("employer.address.city", was.city(), now.city());
    text("employer.address.state", was.state(), now.state());
    text("employer.address.postal_code", was.postal_code(), now.postal_code());
    if (known == nullptr) return any;
    // A blank or invalid page date is no value to report: not a change.
    if (start && !SameDate(employer.start_date(), known->start_date())) {
      any = true;
      if (alert) AddChange(*alert, "employer.start_date", View(known->start_date()),
                           start->ToString());
    }
    if (end && !SameDate(employer.end_date(), known->end_date())) {
      any = true;
      if (alert) AddChange(*alert, "employer.end_date", View(known->end_date()), end->ToString());
    }
    return any;
  };
  if (!diff(nullptr)) return;  // the usual case: build nothing
  v1::Alert alert = BaseAlert(r);
  v1::EmployerData* reported = alert.mutable_employment()->add_employers();
  *reported = EmployerDataOf(employer);
  // EmployerIdentifier: the name and start date SEVIS holds (the old-schema employer 1 has no
  // start date of its own in the master; the writer then sends the page's).
  reported->set_sevis_name(
      std::string(View(known != nullptr ? known->name() : m.employer_name())));
  if (known != nullptr) reported->set_sevis_start_date(std::string(View(known->start_date())));
  diff(&alert);
  Issues issues;
  CheckSevisDates(issues, m, r.master_index);
  CheckOptEmployer(*ctx.setup, issues, EmployerPath(r, j), employer, /*required=*/false);
  // EmployerIdentifier: SEVIS finds the employer by the name it holds.
  if (View(known != nullptr ? known->name() : m.employer_name()).empty()) {
    issues.Add("master.employment[" + std::to_string(r.master_index) + "].employers",
               kRequiredMissing,
               "SEVIS employer name (EmployerIdentifier) is missing");
  }
  Emit(ctx, out, v1::EVENT_TYPE_OPT_EMPLOYER_EDIT,
       r.subject + "/" + std::to_string(employer.employer_number()), std::move(alert), issues);
}

void DetectOpt(const FmContext& ctx, const Row& r, std::vector<Detection>& out) {
  const Setup& setup = *ctx.setup;
  const v1::EmploymentAuthorization& e = *r.sis;
  const common::Date today = ctx.today;

  // OPT Employment - Add: "Employment type is Optional Practical Training on the Employment
  // Authorizations page and no employment type exists in the SEVIS Master component. Request
  // Status on the Employment Authorizations page is not Approved." "Also, multiple employer
  // records can now be included": every employer of the row.
  if (NewInMaster(r)) {
    if (Approved(e)) return;
    v1::Alert alert = BaseAlert(r);
    v1::EmploymentData* d = alert.mutable_employment();
    OptDetails(e, d);
    d->set_employment_code(std::string(View(e.employment_code())));
    d->set_academic_year_met(e.academic_year_met());
    d->set_remarks(e.remarks());
    Issues issues;
    CheckPeriod(issues, r.path, "start_date", e.start_date(), "end_date", e.end_date(), "OPT");
    CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true, "OPT full/part time");
    const std::string_view completion = View(e.completion_type());
    if (!completion.empty() && !Same(completion, "PRE") && !Same(completion, "POST")) {
      issues.Add(r.path + ".completion_type", kUnknownCode,
                 "OPT completion type must be PRE or POST");
    }
    for (int j = 0; j < e.employers_size(); ++j) {
      *d->add_employers() = EmployerDataOf(e.employers(j));
      CheckOptEmployer(setup, issues, EmployerPath(r, j),
                       e.employers(j), /*required=*/true);
    }
    FlagCancelled(issues, r);
    Emit(ctx, out, v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD, r.subject, std::move(alert), issues);
    return;
  }
  // Every other OPT event reads "Employment Type on the Employment Authorizations page and on the
  // SEVIS Master component is Optional Practical Training (01)" and "Cancel Employment is N on the
  // SEVIS Master component" (OPT Employment - Cancel and OPT Employer - Add/Edit included).
  if (!MasterIs(r, kOpt) || r.master->cancel_employment()) return;
  const v1::MasterEmployment& m = *r.master;
  bool employment_event = false;  // "An OPT Employment event (Cancel, Edit, Report Participation,
                                  // or Extend) has not already been generated"

  // OPT Employment - Cancel: "Cancel Employment is Y on the Employment Authorizations page. AND
  // Cancel Employment is N on the SEVIS Master component AND Employment start date on the SEVIS
  // Master is greater than the current system date AND Request Status on the Employment
  // Authorizations page is not Approved."
  if (e.cancel_employment() && StartsAfter(m, today) && !Approved(e)) {
    v1::Alert alert = BaseAlert(r);
    OptDetails(e, alert.mutable_employment());
    Issues issues;
    CheckSevisDates(issues, m, r.master_index);
    CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true, "OPT full/part time");
    Emit(ctx, out, v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL, r.subject, std::move(alert), issues);
    employment_event = true;
  }

  // OPT Employment - Extend: "Request Status on the Employment Authorizations page is Approved.
  // AND Completion Type on the Employment Authorizations page is Post Completion. AND Extension is
  // N on the SEVIS Master component. AND Extension is Y on the Employment Authorizations page.
  // ... Each employer whose Extension Employer check box is selected is included. An error is
  // reported if an employer is not included."
  if (Approved(e) && PostCompletion(e) && !m.extension() && e.extension()) {
    v1::Alert alert = BaseAlert(r);
    v1::EmploymentData* d = alert.mutable_employment();
    OptDetails(e, d);
    d->set_extension(true);
    d->set_extension_start_date(std::string(View(e.extension_start_date())));
    d->set_extension_end_date(std::string(View(e.extension_end_date())));
    Issues issues;
    CheckSevisDates(issues, m, r.master_index);
    CheckPeriod(issues, r.path, "extension_start_date", e.extension_start_date(),
                "extension_end_date", e.extension_end_date(), "OPT extension");
    CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true, "OPT full/part time");
    for (int j = 0; j < e.employers_size(); ++j) {
      if (!e.employers(j).extension_employer()) continue;
      *d->add_employers() = EmployerDataOf(e.employers(j));
      CheckOptEmployer(setup, issues, EmployerPath(r, j),
                       e.employers(j), /*required=*/true);
    }
    if (d->employers().empty()) {
      issues.Add(r.path + ".employers", kExtensionEmployerMissing,
                 "No employer has Extension Employer selected; the extension needs one");
    }
    Emit(ctx, out, v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND, r.subject, std::move(alert), issues);
    employment_event = true;
  }

  // OPT Employment - Edit: "The End Date or Extension End Date on the Employment Authorizations
  // page is greater than or equal to the system current date. AND Request Status on the
  // Employment Authorizations page is either Requested or Pending, and any of the following field
  // values ... are different from the same values on the SEVIS Master component: Employment Code,
  // Academic Year Met". "Note: The system also validates Edit events for Employer records
  // associated with the original OPT segment, and not associated with the extension": those
  // employers are carried and validated.
  if (EndsOnOrAfter(e, today) &&
      (Same(e.request_status(), "REQUESTED") || Same(e.request_status(), "PENDING"))) {
    const std::string_view code = View(e.employment_code());
    const bool code_changed = !code.empty() && code != View(m.employment_code());
    const bool year_changed = e.academic_year_met() != m.academic_year_met();
    if (code_changed || year_changed) {
      v1::Alert alert = BaseAlert(r);
      v1::EmploymentData* d = alert.mutable_employment();
      OptDetails(e, d);
      d->set_employment_code(std::string(code));
      d->set_academic_year_met(e.academic_year_met());
      d->set_remarks(e.remarks());
      if (code_changed) AddChange(alert, "employment_code", View(m.employment_code()), code);
      if (year_changed) {
        AddChange(alert, "academic_year_met", YesNo(m.academic_year_met()),
                  YesNo(e.academic_year_met()));
      }
      Issues issues;
      CheckSevisDates(issues, m, r.master_index);
      CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true,
                "OPT full/part time");
      for (int j = 0; j < e.employers_size(); ++j) {
        if (e.employers(j).extension_employer()) continue;
        *d->add_employers() = EmployerDataOf(e.employers(j));
        CheckOptEmployer(setup, issues, EmployerPath(r, j),
                         e.employers(j), /*required=*/true);
      }
      Emit(ctx, out, v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT, r.subject, std::move(alert), issues);
      employment_event = true;
    }
  }

  // OPT Report Participation: "Request Status on the Employment Authorizations page is Approved.
  // AND Last Participation Reported is Not Reported ... OR ... 6 Month Reported ... OR ... 12
  // Month Reported ..." (see ParticipationWindow).
  if (Approved(e)) {
    if (const int window = ParticipationWindow(e, m, today); window != 0) {
      v1::Alert alert = BaseAlert(r);
      v1::EmploymentData* d = alert.mutable_employment();
      OptDetails(e, d);
      d->set_extension(e.extension());
      d->set_extension_start_date(std::string(View(e.extension_start_date())));
      d->set_extension_end_date(std::string(View(e.extension_end_date())));
      d->set_participation_months(window);
      Issues issues;
      CheckSevisDates(issues, m, r.master_index);
      CheckTime(issues, r.path + ".full_part_time", e.full_part_time(), true,
                "OPT full/part time");
      Emit(ctx, out, v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION, r.subject, std::move(alert), issues);
      employment_event = true;
    }
  }

  // OPT Employer - Add / Edit: "This event is triggered for each new [each updated] Employer
  // Details record ... of an existing OPT Employment record", when "End Date or Extension End
  // Date on the Employment Authorizations page is greater than or equal to the system current
  // date AND An OPT Employment event (Cancel, Edit, Report Participation, or Extend) has not
  // already been generated for the same Employment Authorizations record".
  if (employment_event || !EndsOnOrAfter(e, today)) return;
  for (int j = 0; j < e.employers_size(); ++j) {
    bool repeated = false;  // a repeated employer number: the first row is the employer
    for (int k = 0; k < j && !repeated; ++k) {
      repeated = e.employers(k).employer_number() == e.employers(j).employer_number();
    }
    if (!repeated) DetectOptEmployer(ctx, r, j, out);
  }
}

}  // namespace

void DetectFmEmploymentEvents(const FmContext& ctx, std::vector<Detection>& out) {
  // Every event of this group: "The student has a SEVIS Status of Active."
  if (!ctx.Active()) return;
  const auto& rows = ctx.snapshot->employment();
  const auto& masters = ctx.master->employment();
  for (int i = 0; i < rows.size(); ++i) {
    const v1::EmploymentAuthorization& e = rows[i];
    // The sequence is the subject: a repeated sequence is the same authorisation, the first row
    // of the feed counts.
    bool repeated = false;
    for (int k = 0; k < i && !repeated; ++k) repeated = rows[k].sequence() == e.sequence();
    if (repeated) continue;
    const std::string_view type = View(e.employment_type());
    if (type != kCpt && type != kOffCampus && type != kOpt) continue;
    Row r;
    r.sis = &e;
    for (int k = 0; k < masters.size(); ++k) {
      if (masters[k].sequence() == e.sequence()) {
        r.master = &masters[k];
        r.master_index = k;
        break;
      }
    }
    r.path = Path(i);
    r.subject = std::to_string(e.sequence());
    if (type == kCpt) {
      DetectCpt(ctx, r, out);
    } else if (type == kOffCampus) {
      DetectOffCampus(ctx, r, out);
    } else {
      DetectOpt(ctx, r, out);
    }
  }
}

}  // namespace sevisflow::rules
