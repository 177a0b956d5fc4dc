// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - J": Program - Amend, Program - Edit
// Subject, Program - Extension, Program - Matriculate, Program - Shorten, Site of Activity - Add,
// Delete, Edit, and Validate. The selection criteria (J-1 visa, current DS-2019 Active and Funding
// Verified, SEVIS status Initial, Inactive or Active) already hold: see MakeJContext.
//
// Readings of the rule book applied here (recorded in docs/rule-decisions.md):
//  - A blank or invalid DS-2019 date or code triggers nothing: there is no value to report. A
//    blank or invalid master value "is different from" a valid DS-2019 value; "earlier" / "less
//    than" need both dates.
//  - Amend is Initial only, Extension / Shorten / Matriculate Active only, so Amend never meets
//    them. Extension and Shorten exclude each other. Matriculate reports the new program end
//    date itself (NewPrgEndDate), so when it fires Extension / Shorten wait for the next run.
//  - Student categories 1A..1D map to Associate, Bachelors, Masters, Doctorate (SEVIS lookup
//    table "Exchange Visitor Category"); a Matriculate is a move up that ladder.
//  - Sites: per site id the newest effective-dated DS-2019 row not after today counts.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.h"
#include "sevisflow/rules/j_context.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

using internal::CheckCip;
using internal::Issues;
using internal::kDateOrder;
using internal::kInvalidFormat;
using internal::kOutOfRange;
using internal::kRequiredMissing;
using internal::kUnknownCode;

using OptDate = std::optional<common::Date>;

// Values only a DSO / RO can supply (the SIS has no field for them), entered in review.
constexpr char kDsoInputRequired[] = "DSO_INPUT_REQUIRED";
constexpr size_t kRemarksMax = 500;  // common:RemarksType

constexpr bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

std::string TrimStr(std::string_view s) { return std::string(TrimView(s)); }

OptDate DateIn(std::string_view iso) { return common::Date::Parse(TrimView(iso)); }

// Codes and keys (site ids, institution, career, term, site status): trimmed, any case.
bool SameCode(std::string_view a, std::string_view b) {
  a = TrimView(a);
  b = TrimView(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

// "the alerts process strips out all blanks and spaces from the Foreign Degree Level and Foreign
// Field of Study fields and converts the data to all upper case."
std::string StrippedUpper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!IsSpace(c)) out.push_back(AsciiUpper(c));
  }
  return out;
}

// A DS-2019 date differs from the master's: only a real DS-2019 date can be reported; a master
// date that is blank or invalid differs from it.
bool DateDiffers(const OptDate& sis, std::string_view sevis) {
  if (!sis) return false;
  const OptDate master = DateIn(sevis);
  return !master || *master != *sis;
}

// "A is earlier than / less than B": both real dates.
bool Earlier(const OptDate& a, const OptDate& b) { return a && b && *a < *b; }

bool IsCategory(std::string_view category, std::string_view code) {
  return SameCode(category, code);
}

// Rank of a degree-seeking student category: Student Associate 1A, Bachelors 1B, Masters 1C,
// Doctorate 1D (SEVIS "Exchange Visitor Category" codes; EVCategoryCodeType of SEVISTable.xsd).
// 0 for every other category (1E Secondary, 1F Non-degree, 1G Intern, non-student categories).
int DegreeRank(std::string_view category) {
  static constexpr std::array<std::pair<std::string_view, int>, 4> kLadder = {{
      {"1A", 1}, {"1B", 2}, {"1C", 3}, {"1D", 4}}};
  for (const auto& [code, rank] : kLadder) {
    if (SameCode(category, code)) return rank;
  }
  return 0;
}

// "Student Associate to Student Bachelors / Masters / Doctorate, Student Bachelors to Student
// Master / Doctorate, Student Master to Student Doctorate": a move up the degree ladder.
bool IsMatriculation(std::string_view from, std::string_view to) {
  const int a = DegreeRank(from), b = DegreeRank(to);
  return a > 0 && b > 0 && b > a;
}

// Remarks of common:RemarksType: 1..500 characters.
void RequireRemarks(Issues& issues, const std::string& field, std::string_view value,
                    const char* label) {
  if (TrimView(value).empty()) {
    issues.Add(field, kRequiredMissing, std::string(label) + " is required");
  } else if (value.size() > kRemarksMax) {
    issues.Add(field, kOutOfRange, std::string(label) + " must be at most 500 characters");
  }
}

void CheckOptionalRemarks(Issues& issues, const std::string& field, std::string_view value,
                          const char* label) {
  if (value.size() > kRemarksMax) {
    issues.Add(field, kOutOfRange, std::string(label) + " must be at most 500 characters");
  }
}

// The DS-2019 values the program events read, parsed once.
struct Ds2019Program {
  std::string category;
  std::string start;
  std::string end;
  OptDate start_date;
  OptDate end_date;
};

Ds2019Program ReadDs2019(const v1::Ds2019Form& ds) {
  Ds2019Program p;
  p.category = TrimStr(ds.program_category());
  p.start = TrimStr(ds.program_start_date());
  p.end = TrimStr(ds.program_end_date());
  p.start_date = common::Date::Parse(p.start);
  p.end_date = common::Date::Parse(p.end);
  return p;
}

// The new program end date (NewPrgEndDate / PrgEndDate): present, a real date, after the start.
void CheckEndDate(const Ds2019Program& p, Issues& issues) {
  const OptDate end = issues.RequireDate("ds2019.program_end_date", p.end, "Program end date");
  if (p.start_date && end && *end <= *p.start_date) {
    issues.Add("ds2019.program_end_date", kDateOrder,
               "Program end date must be after the start date");
  }
}

v1::EvProgramData& StartProgramData(v1::Alert& alert, const v1::Ds2019Form& ds,
                                    const Ds2019Program& p) {
  v1::EvProgramData& data = *alert.mutable_ev_program();
  data.set_program_category(p.category);
  data.set_program_start_date(p.start);
  data.set_program_end_date(p.end);
  data.set_remarks(ds.remarks());
  // The T/IPP phase dates travel with the program's dates (TippPhaseDates of Amend, Extension
  // and Shorten in the EV schema).
  data.mutable_tipp_phases()->CopyFrom(ds.tipp_phases());
  return data;
}

// Rule book "Program – Amend": Initial; the start or the end date differs.
void DetectAmend(const JContext& ctx, const Ds2019Program& p, std::vector<Detection>& out) {
  if (!ctx.Initial()) return;
  const v1::MasterRecord& m = *ctx.master;
  const bool start = DateDiffers(p.start_date, m.program_start_date());
  const bool end = DateDiffers(p.end_date, m.program_end_date());
  if (!start && !end) return;
  Issues issues;
  v1::Alert alert;
  StartProgramData(alert, *ctx.ds2019, p);
  // Amend: PrgStartDate and PrgEndDate both required; Remarks optional.
  issues.RequireDate("ds2019.program_start_date", p.start, "Program start date");
  CheckEndDate(p, issues);
  CheckOptionalRemarks(issues, "ds2019.remarks", ctx.ds2019->remarks(), "Remarks");
  if (start) AddChange(alert, "program_start_date", TrimView(m.program_start_date()), p.start);
  if (end) AddChange(alert, "program_end_date", TrimView(m.program_end_date()), p.end);
  out.push_back(MakeJDetection(ctx, v1::EVENT_TYPE_EV_PROGRAM_AMEND, "", std::move(alert),
                               issues.Take()));
}

// Rule book "Program – Edit Subject".
void DetectEditSubject(const JContext& ctx, const Ds2019Program& p,
                       std::vector<Detection>& out) {
  if (!ctx.Initial() && !ctx.Active()) return;
  const v1::Ds2019Form& ds = *ctx.ds2019;
  const v1::MasterRecord& m = *ctx.master;
  const bool student = IsStudentCategory(p.category);
  // Students: "the minimum sequence number on Student Plan where the Plan Type equals any of the
  // plan types defined on the SEVIS Setup" (student plans only, not application plans).
  // Others: "the Subject Field code on the most recent effective-dated DS-2019 form".
  std::string sis_subject;
  std::string subject_field;
  if (student) {
    const Majors majors = SelectMajors(*ctx.snapshot, *ctx.setup, kVisaJ1);
    if (!majors.from_application) sis_subject = majors.primary;
    subject_field = "plans.cip_code";
  } else {
    sis_subject = TrimStr(ds.subject_field_code());
    subject_field = "ds2019.subject_field_code";
  }
  const bool subject = !sis_subject.empty() && sis_subject != TrimView(m.subject_field_code());
  // Student Intern (1G): Foreign Degree Level and Foreign Field of Study, compared stripped of
  // blanks and upper-cased.
  const bool intern = IsCategory(p.category, "1G");
  const bool degree = intern && StrippedUpper(ds.foreign_degree_level()) !=
                                    StrippedUpper(m.foreign_degree_level());
  const bool field = intern && StrippedUpper(ds.foreign_field_of_study()) !=
                                   StrippedUpper(m.foreign_field_of_study());
  if (!subject && !degree && !field) return;

  Issues issues;
  v1::Alert alert;
  v1::EvProgramData& data = *alert.mutable_ev_program();
  data.set_program_category(p.category);
  // EditSubject/SubjectFieldCode is required: the SIS subject, else (only the 1G foreign values
  // changed) the subject SEVIS already holds.
  const std::string reported = sis_subject.empty() ? TrimStr(m.subject_field_code()) : sis_subject;
  data.set_subject_field_code(reported);
  data.set_subject_field_remarks(ds.subject_field_remarks());
  data.set_foreign_degree_level(TrimStr(ds.foreign_degree_level()));
  data.set_foreign_field_of_study(TrimStr(ds.foreign_field_of_study()));
  data.set_remarks(ds.remarks());
  // "The validation process checks for valid CIP codes for these J events: ... Program – Edit
  // Subject."
  CheckCip(*ctx.setup, ctx.ValidateCip(), issues, subject_field, reported, /*required=*/true,
           /*allow_no_cip=*/false, "Subject field code");
  // EditSubject: SubjectFieldRemarks and Remarks are required (common:RemarksType).
  RequireRemarks(issues, "ds2019.subject_field_remarks", ds.subject_field_remarks(),
                 "Subject field remarks");
  RequireRemarks(issues, "ds2019.remarks", ds.remarks(), "Remarks");
  if (subject) {
    AddChange(alert, "subject_field_code", TrimView(m.subject_field_code()), sis_subject);
  }
  if (degree) {
    AddChange(alert, "foreign_degree_level", TrimView(m.foreign_degree_level()),
              data.foreign_degree_level());
  }
  if (field) {
    AddChange(alert, "foreign_field_of_study", TrimView(m.foreign_field_of_study()),
              data.foreign_field_of_study());
  }
  out.push_back(MakeJDetection(ctx, v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT, "", std::move(alert),
                               issues.Take()));
}

// Rule book "Program - Matriculate". True when it fired.
bool DetectMatriculate(const JContext& ctx, const Ds2019Program& p,
                       std::vector<Detection>& out) {
  if (!ctx.Active()) return false;
  const v1::MasterRecord& m = *ctx.master;
  if (!IsMatriculation(m.program_category(), p.category)) return false;
  const v1::Ds2019Form& ds = *ctx.ds2019;
  Issues issues;
  v1::Alert alert;
  v1::EvProgramData& data = StartProgramData(alert, ds, p);
  data.set_matriculation_code(TrimStr(ds.matriculation_code()));
  // Matriculate: NewPrgEndDate and MatriculationCode (MatriculationType A, B, M, D) required.
  CheckEndDate(p, issues);
  const std::string& code = data.matriculation_code();
  if (code.empty()) {
    issues.Add("ds2019.matriculation_code", kRequiredMissing, "Matriculation code is required");
  } else if (code != "A" && code != "B" && code != "M" && code != "D") {
    issues.Add("ds2019.matriculation_code", kUnknownCode,
               "Matriculation code must be one of A, B, M, D");
  }
  AddChange(alert, "program_category", TrimView(m.program_category()), p.category);
  if (DateDiffers(p.end_date, m.program_end_date())) {
    AddChange(alert, "program_end_date", TrimView(m.program_end_date()), p.end);
  }
  out.push_back(MakeJDetection(ctx, v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE, "", std::move(alert),
                               issues.Take()));
  return true;
}

// Rule book "Program – Extension" and "Program – Shorten" (Active; end dates compared).
void DetectEndDateChange(const JContext& ctx, const Ds2019Program& p,
                         std::vector<Detection>& out) {
  if (!ctx.Active()) return;
  const v1::MasterRecord& m = *ctx.master;
  const OptDate master_end = DateIn(m.program_end_date());
  const bool extension = Earlier(master_end, p.end_date);
  const bool shorten = Earlier(p.end_date, master_end);
  if (!extension && !shorten) return;
  const v1::Ds2019Form& ds = *ctx.ds2019;
  Issues issues;
  v1::Alert alert;
  StartProgramData(alert, ds, p);
  CheckEndDate(p, issues);
  if (extension) {
    // Extension: NewPrgEndDate; Remarks optional.
    CheckOptionalRemarks(issues, "ds2019.remarks", ds.remarks(), "Remarks");
  } else {
    // Shorten: NewPrgEndDate, ShortenReason (EVCompletionCodeType) and Remarks required. The
    // DS-2019 carries no shorten reason: the RO chooses it in review.
    issues.Add("ev_program.reason", kDsoInputRequired,
               "Shorten reason must be entered in review");
    RequireRemarks(issues, "ds2019.remarks", ds.remarks(), "Remarks");
  }
  AddChange(alert, "program_end_date", TrimView(m.program_end_date()), p.end);
  out.push_back(MakeJDetection(
      ctx, extension ? v1::EVENT_TYPE_EV_PROGRAM_EXTENSION : v1::EVENT_TYPE_EV_PROGRAM_SHORTEN,
      "", std::move(alert), issues.Take()));
}

// Sites of activity: per site id the newest effective-dated DS-2019 row not after today (rows
// without a date count as the oldest; a tie goes to the later row). Rows without a site id
// cannot be matched to SEVIS and are skipped. Order: first appearance.
std::vector<const v1::SiteOfActivity*> CurrentSites(const v1::Ds2019Form& ds,
                                                    common::Date today) {
  std::vector<const v1::SiteOfActivity*> sites;
  std::vector<OptDate> dates;
  for (const auto& row : ds.sites()) {
    if (TrimView(row.site_id()).empty()) continue;
    const OptDate d = DateIn(row.effective_date());
    if (d && *d > today) continue;
    size_t i = 0;
    while (i < sites.size() && !SameCode(sites[i]->site_id(), row.site_id())) ++i;
    if (i == sites.size()) {
      sites.push_back(&row);
      dates.push_back(d);
    } else if (d >= dates[i]) {
      sites[i] = &row;
      dates[i] = d;
    }
  }
  return sites;
}

const v1::MasterSite* FindMasterSite(const v1::MasterRecord& m, std::string_view site_id) {
  for (const auto& s : m.sites()) {
    if (SameCode(s.site_id(), site_id)) return &s;
  }
  return nullptr;
}

bool MasterSiteActive(const v1::MasterSite& s) { return SameCode(s.status(), "ACTIVE"); }

bool TextDiffers(std::string_view sis, std::string_view sevis) {
  return TrimView(sis) != TrimView(sevis);
}

// SOA / Edit address: Address1 and PostalCode required; SiteName required (Add) or the new name.
void CheckSiteAddress(const v1::SiteOfActivity& site, Issues& issues) {
  if (TrimView(site.address().line1()).empty()) {
    issues.Add("ds2019.sites.address.line1", kRequiredMissing, "Site address line 1 is required");
  }
  if (TrimView(site.address().postal_code()).empty()) {
    issues.Add("ds2019.sites.address.postal_code", kRequiredMissing,
               "Site postal code is required");
  }
}

// Delete and Edit identify the SEVIS site by SiteId (the SEVIS site id) or SiteName.
void CheckSevisIdentity(const v1::MasterSite& ms, Issues& issues) {
  if (TrimView(ms.sevis_site_id()).empty() && TrimView(ms.name()).empty()) {
    issues.Add("master.sites.sevis_site_id", kRequiredMissing,
               "SEVIS site id or site name is required to identify the site");
  }
}

v1::SiteOfActivityData& StartSiteData(v1::Alert& alert, const v1::SiteOfActivity& site,
                                      const v1::MasterSite* ms) {
  v1::SiteOfActivityData& data = *alert.mutable_site_of_activity();
  data.set_site_id(TrimStr(site.site_id()));
  data.set_name(TrimStr(site.name()));
  *data.mutable_address() = site.address();
  data.set_explanation_code(TrimStr(site.explanation_code()));
  data.set_explanation(site.explanation());
  data.set_primary(site.primary());
  if (ms != nullptr) {
    data.set_sevis_site_id(TrimStr(ms->sevis_site_id()));
    data.set_sevis_name(TrimStr(ms->name()));
  }
  return data;
}

void AddSiteChanges(v1::Alert& alert, const v1::SiteOfActivity& s, const v1::MasterSite& ms) {
  const v1::Address& a = s.address();
  const v1::Address& b = ms.address();
  const std::array<std::array<std::string_view, 3>, 8> fields = {{
      {"address.line1", b.line1(), a.line1()},
      {"address.line2", b.line2(), a.line2()},
      {"address.city", b.city(), a.city()},
      {"address.state", b.state(), a.state()},
      {"address.postal_code", b.postal_code(), a.postal_code()},
      {"explanation_code", ms.explanation_code(), s.explanation_code()},
      {"explanation", ms.explanation(), s.explanation()},
      {"name", ms.name(), s.name()},
  }};
  for (const auto& [field, sevis, sis] : fields) {
    if (TextDiffers(sis, sevis)) AddChange(alert, field, TrimView(sevis), TrimView(sis));
  }
}

bool SiteDiffers(const v1::SiteOfActivity& s, const v1::MasterSite& ms) {
  const v1::Address& a = s.address();
  const v1::Address& b = ms.address();
  return TextDiffers(a.line1(), b.line1()) || TextDiffers(a.line2(), b.line2()) ||
         TextDiffers(a.city(), b.city()) || TextDiffers(a.state(), b.state()) ||
         TextDiffers(a.postal_code(), b.postal_code()) ||
         TextDiffers(s.explanation_code(), ms.explanation_code()) ||
         TextDiffers(s.explanation(), ms.explanation()) || TextDiffers(s.name(), ms.name());
}

// Rule book "Site of Activity – Add", "– Delete", "– Edit"; one detection per site.
void DetectSites(const JContext& ctx, std::vector<Detection>& out) {
  const v1::MasterRecord& m = *ctx.master;
  const bool initial_or_active = ctx.Initial() || ctx.Active();
  for (const v1::SiteOfActivity* site : CurrentSites(*ctx.ds2019, ctx.today)) {
    const v1::MasterSite* ms = FindMasterSite(m, site->site_id());
    const bool active = site->status() == v1::FORM_STATUS_ACTIVE;
    const bool inactive = site->status() == v1::FORM_STATUS_INACTIVE;
    Issues issues;
    v1::Alert alert;
    v1::EventType event = v1::EVENT_TYPE_UNSPECIFIED;
    if (active && ms == nullptr && initial_or_active) {
      // "A Site of Activity with a status of Active exists on the most recent effective-dated
      // DS-2019 form that does not exist on SEVIS Master component."
      event = v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD;
      StartSiteData(alert, *site, nullptr);
      CheckSiteAddress(*site, issues);
      if (TrimView(site->name()).empty()) {
        issues.Add("ds2019.sites.name", kRequiredMissing, "Site name is required");
      }
      AddChange(alert, "site_id", "", TrimView(site->site_id()));
    } else if (inactive && ms != nullptr && MasterSiteActive(*ms) && ctx.Initial()) {
      // "A Site of Activity with a status of Inactive exists on the most recent effective-dated
      // DS-2019 form and the same Site of Activity has a status of Active on the SEVIS Master."
      event = v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE;
      StartSiteData(alert, *site, ms);
      CheckSevisIdentity(*ms, issues);
      AddChange(alert, "status", "ACTIVE", "INACTIVE");
    } else if (active && ms != nullptr && MasterSiteActive(*ms) && initial_or_active &&
               SiteDiffers(*site, *ms)) {
      // "Address 1, Address 2, City, State, Postal, Explanation Code, and Explanation Text ...
      // are different ... OR The name ... is not equal to the name on the SEVIS Master."
      event = v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT;
      StartSiteData(alert, *site, ms);
      CheckSiteAddress(*site, issues);
      CheckSevisIdentity(*ms, issues);
      AddSiteChanges(alert, *site, *ms);
    } else {
      continue;
    }
    out.push_back(MakeJDetection(ctx, event, TrimStr(site->site_id()), std::move(alert),
                                 issues.Take()));
  }
}

// Validate's PhoneNumber (common:PhoneTenDigits): exactly ten digits.
bool TenDigits(std::string_view phone) {
  return phone.size() == 10 &&
         std::all_of(phone.begin(), phone.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Rule book "Validate" (student categories; others are entered by hand).
void DetectValidate(const JContext& ctx, const Ds2019Program& p, std::vector<Detection>& out) {
  if (!ctx.Initial()) return;
  // "Manually enter this event ... if the exchange visitor is in a nonstudent program category."
  // Student Intern (1G) is not a student category of the run control's "student category
  // exchange visitors" either (IsStudentCategory: 1A..1F).
  if (!IsStudentCategory(p.category)) return;
  const v1::Ds2019Form& ds = *ctx.ds2019;
  const v1::TermSelection* row = ctx.TermFor(TrimView(ds.institution()), TrimView(ds.career()));
  if (row == nullptr) return;
  // "The As of Date on the Process SEVIS Alerts - J run control page is the same as or earlier
  // than the current date."
  const OptDate as_of = DateIn(row->as_of_date());
  if (!as_of || *as_of > ctx.today) return;
  // "... a term activation row for the current term ... where the institution and career equals
  // the data on Term Activation."
  const std::string_view term = TrimView(row->current_term());
  if (term.empty()) return;
  const auto& activations = ctx.snapshot->term_activations();
  const bool activated = std::any_of(activations.begin(), activations.end(), [&](const auto& t) {
    return SameCode(t.institution(), row->institution()) &&
           SameCode(t.career(), row->career()) && SameCode(t.term(), term);
  });
  if (!activated) return;

  Issues issues;
  v1::Alert alert;
  v1::ValidateData& data = *alert.mutable_validate();
  data.set_institution(TrimStr(row->institution()));
  data.set_career(TrimStr(row->career()));
  data.set_term(std::string(term));
  data.set_as_of_date(TrimStr(row->as_of_date()));
  // Validate: USAddress (Address1 and PostalCode) required; EmailAddress and PhoneNumber
  // optional, the phone ten digits ("For manual validate events, an error is not reported for
  // phone numbers that exceed 10 digits": a detected one is checked).
  const v1::Address* us = internal::FindAddress(*ctx.snapshot, ctx.setup->us_address_type);
  if (us == nullptr) {
    issues.Add("addresses.us_address", kRequiredMissing, "U.S. address is required");
  } else {
    *data.mutable_us_address() = *us;
    if (TrimView(us->line1()).empty()) {
      issues.Add("addresses.us_address.line1", kRequiredMissing,
                 "U.S. address line 1 is required");
    }
    if (TrimView(us->postal_code()).empty()) {
      issues.Add("addresses.us_address.postal_code", kRequiredMissing,
                 "U.S. address postal code is required");
    }
  }
  data.set_email(TrimStr(ctx.snapshot->bio().preferred_email()));
  data.set_phone(TrimStr(ctx.snapshot->bio().preferred_phone()));
  if (!data.phone().empty() && !TenDigits(data.phone())) {
    issues.Add("bio.preferred_phone", kInvalidFormat, "Phone number must be exactly 10 digits");
  }
  out.push_back(MakeJDetection(ctx, v1::EVENT_TYPE_EV_VALIDATE, "", std::move(alert),
                               issues.Take()));
}

}  // namespace

void DetectJProgramEvents(const JContext& ctx, std::vector<Detection>& out) {
  const Ds2019Program p = ReadDs2019(*ctx.ds2019);
  DetectAmend(ctx, p, out);
  DetectEditSubject(ctx, p, out);
  if (!DetectMatriculate(ctx, p, out)) DetectEndDateChange(ctx, p, out);
  DetectSites(ctx, out);
  DetectValidate(ctx, p, out);
}

}  // namespace sevisflow::rules
