// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": Education Level - Cancel,
// Education Level - Change, Program - Cancel Extension, Program - Manage Session, Program - Edit,
// Program - Extension, Program - Shorten. The selection criteria (F/M visa, current I-20 Active
// and Funding Verified, SEVIS status Initial or Active) already hold: see MakeFmContext.
//
// Readings of the rule book applied here (recorded with the rule decisions, "program events"):
//  - A blank or invalid I-20 date, or a blank I-20 code, triggers nothing: there is no value to
//    report. A blank or invalid master value "is different from" a valid I-20 value. "Earlier" /
//    "later" need both dates.
//  - One event per change of the program: Education Level - Cancel wins over Change; a level
//    event reports the program's dates, majors and English proficiency itself, so Program -
//    Extension / Shorten / Edit wait for the next run; Program - Cancel Extension wins over
//    Shorten. Manage Session (Initial) and Extension / Shorten (Active) never meet.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "internal.h"
#include "sevisflow/rules/fm_context.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

using internal::CheckCip;
using internal::Issues;
using internal::kDateOrder;
using internal::kOutOfRange;
using internal::kRequiredMissing;

using OptDate = std::optional<common::Date>;

OptDate DateIn(std::string_view iso) { return common::Date::Parse(TrimView(iso)); }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// "... on the most recent effective-dated I-20 form is different from ... on the SEVIS Master":
// only a real I-20 date can be reported; a master date that is blank or invalid differs from it.
bool DateDiffers(const OptDate& sis, std::string_view sevis) {
  if (!sis) return false;
  const OptDate master = DateIn(sevis);
  return !master || *master != *sis;
}

// A code (level of education, primary major) differs when the SIS holds one and it is not the
// master's.
bool CodeDiffers(std::string_view sis, std::string_view sevis) {
  sis = TrimView(sis);
  return !sis.empty() && sis != TrimView(sevis);
}

// Secondary major and minor: blank and 00.0000 both mean "none" (F-1 reports 00.0000, M-1
// nothing), so they are the same value.
std::string_view NoneAsNoCip(std::string_view cip) {
  cip = TrimView(cip);
  return cip.empty() ? std::string_view(kNoCip) : cip;
}

bool OptionalCipDiffers(std::string_view sis, std::string_view sevis) {
  return NoneAsNoCip(sis) != NoneAsNoCip(sevis);
}

const char* YesNo(bool value) { return value ? "Y" : "N"; }

// Education Level - Cancel: "Two effective status active rows exist on the SEVIS Master
// component, Program tab" counts the rows whose effective status is ACTIVE or INITIAL (an
// education level change leaves the current program and the changed one). With two or more,
// "the Initial Status SEVIS Master Program row" is the pending change: the row whose status is
// INITIAL, else the newest effective-dated active row (ties: the later row). Null otherwise.
const v1::MasterProgram* PendingProgramRow(const v1::MasterRecord& master) {
  int active_rows = 0;
  const v1::MasterProgram* initial = nullptr;
  const v1::MasterProgram* newest = nullptr;
  OptDate initial_date, newest_date;
  for (const auto& row : master.programs()) {
    const std::string_view status = TrimView(row.status());
    const bool is_initial = EqualsNoCase(status, "INITIAL");
    if (!is_initial && !EqualsNoCase(status, "ACTIVE")) continue;
    ++active_rows;
    const OptDate d = DateIn(row.effective_date());
    if (is_initial && (initial == nullptr || d >= initial_date)) {
      initial = &row;
      initial_date = d;
    }
    if (newest == nullptr || d >= newest_date) {
      newest = &row;
      newest_date = d;
    }
  }
  if (active_rows < 2) return nullptr;
  return initial != nullptr ? initial : newest;
}

// The I-20 values every program event reads, parsed once.
struct I20Program {
  std::string level;
  std::string from;
  std::string to;
  std::string session;
  OptDate from_date;
  OptDate to_date;
  OptDate session_date;
};

I20Program ReadI20(const v1::I20Form& i20) {
  I20Program p;
  p.level = std::string(TrimView(i20.level_of_education()));
  p.from = std::string(TrimView(i20.from_date()));
  p.to = std::string(TrimView(i20.to_date()));
  p.session = std::string(TrimView(i20.initial_session_start_date()));
  p.from_date = common::Date::Parse(p.from);
  p.to_date = common::Date::Parse(p.to);
  p.session_date = common::Date::Parse(p.session);
  return p;
}

// Program start and end dates as SEVIS requires them: present, real dates, end after start.
void CheckProgramDates(const I20Program& p, Issues& issues) {
  const OptDate from = issues.RequireDate("i20.from_date", p.from, "Program start date");
  const OptDate to = issues.RequireDate("i20.to_date", p.to, "Program end date");
  if (from && to && *to <= *from) {
    issues.Add("i20.to_date", kDateOrder, "Program end date must be after the start date");
  }
}

void CheckEndDate(const I20Program& p, Issues& issues) {
  const OptDate to = issues.RequireDate("i20.to_date", p.to, "Program end date");
  if (p.from_date && to && *to <= *p.from_date) {
    issues.Add("i20.to_date", kDateOrder, "Program end date must be after the start date");
  }
}

// MajorCode1, MajorCode2, Minor; CIP validation per the run control ("The validation process
// checks for valid CIP codes for these F/M events: ... Education Level – Cancel. Program –
// Edit.").
void ReportMajors(const FmContext& ctx, const Majors& majors, v1::ProgramData& data,
                  Issues& issues) {
  data.set_primary_major(majors.primary);
  data.set_secondary_major(majors.secondary);
  data.set_minor(majors.minor);
  const std::string path = majors.from_application ? "application_plans." : "plans.";
  CheckCip(*ctx.setup, ctx.ValidateCip(), issues, path + "primary_major", majors.primary,
           /*required=*/true, /*allow_no_cip=*/false, "Primary major CIP");
  CheckCip(*ctx.setup, ctx.ValidateCip(), issues, path + "secondary_major", majors.secondary,
           /*required=*/false, /*allow_no_cip=*/true, "Secondary major CIP");
  CheckCip(*ctx.setup, ctx.ValidateCip(), issues, path + "minor", majors.minor,
           /*required=*/false, /*allow_no_cip=*/true, "Minor CIP");
}

// EngProficiency: NotRequiredReason is required when EngRequired is N (Create-UpdateStudent.xsd).
void ReportEnglish(const v1::I20Form& i20, v1::ProgramData& data, Issues& issues) {
  data.set_english_proficiency_required(i20.english_proficiency_required());
  data.set_english_proficiency_met(i20.english_proficiency_met());
  data.set_english_proficiency_notes(i20.english_proficiency_notes());
  if (!i20.english_proficiency_required() && TrimView(i20.english_proficiency_notes()).empty()) {
    issues.Add("i20.english_proficiency_notes", kRequiredMissing,
               "English proficiency notes (reason not required) are required when English "
               "proficiency is not required");
  }
}

// FinancialInfo of Education Level - Change, from the current I-20.
void ReportFinancial(const v1::I20Form& i20, v1::FinancialData& f, Issues& issues) {
  f.set_months_in_academic_term(i20.months_in_academic_term());
  if (i20.months_in_academic_term() < 1 || i20.months_in_academic_term() > 12) {
    issues.Add("i20.months_in_academic_term", kOutOfRange,
               "Months in academic term must be 1..12");
  }
  f.set_tuition(i20.tuition());
  f.set_living_expenses(i20.living_expenses());
  f.set_dependent_expenses(i20.dependent_expenses());
  f.set_other_expenses(i20.other_expenses());
  f.set_other_expenses_comment(i20.other_expenses_comment());
  f.set_personal_funds(i20.personal_funds());
  f.set_school_funds(i20.school_funds());
  f.set_school_funds_comment(i20.school_funds_comment());
  f.set_other_source_funds(i20.other_source_funds());
  f.set_other_source_comment(i20.other_source_comment());
  f.set_on_campus_employment(i20.on_campus_employment());
  issues.CheckAmount("i20.tuition", f.tuition(), "Tuition");
  issues.CheckAmount("i20.living_expenses", f.living_expenses(), "Living expenses");
  issues.CheckAmount("i20.dependent_expenses", f.dependent_expenses(), "Dependent expenses");
  issues.CheckAmount("i20.other_expenses", f.other_expenses(), "Other expenses");
  issues.CheckAmount("i20.personal_funds", f.personal_funds(), "Personal funds");
  issues.CheckAmount("i20.school_funds", f.school_funds(), "School funds");
  issues.CheckAmount("i20.other_source_funds", f.other_source_funds(), "Other funds");
  issues.CheckAmount("i20.on_campus_employment", f.on_campus_employment(),
                     "On-campus employment");
}

void AddDateChange(v1::Alert& alert, std::string_view field, const OptDate& sis_date,
                   std::string_view sis, std::string_view sevis) {
  if (DateDiffers(sis_date, sevis)) AddChange(alert, field, TrimView(sevis), sis);
}

// Program - Edit's compared values, also reported by Education Level - Change.
struct EditDiffs {
  bool english_required = false;
  bool english_met = false;
  bool primary = false;
  bool secondary = false;
  bool minor = false;
  bool any() const { return english_required || english_met || primary || secondary || minor; }
};

EditDiffs CompareEdit(const v1::I20Form& i20, const v1::MasterRecord& m, const Majors& majors) {
  EditDiffs d;
  d.english_required = i20.english_proficiency_required() != m.english_proficiency_required();
  d.english_met = i20.english_proficiency_met() != m.english_proficiency_met();
  d.primary = CodeDiffers(majors.primary, m.primary_major());
  d.secondary = OptionalCipDiffers(majors.secondary, m.secondary_major());
  d.minor = OptionalCipDiffers(majors.minor, m.minor());
  return d;
}

void AddEditChanges(v1::Alert& alert, const EditDiffs& d, const v1::I20Form& i20,
                    const v1::MasterRecord& m, const Majors& majors) {
  if (d.english_required) {
    AddChange(alert, "english_proficiency_required", YesNo(m.english_proficiency_required()),
              YesNo(i20.english_proficiency_required()));
  }
  if (d.english_met) {
    AddChange(alert, "english_proficiency_met", YesNo(m.english_proficiency_met()),
              YesNo(i20.english_proficiency_met()));
  }
  if (d.primary) AddChange(alert, "primary_major", TrimView(m.primary_major()), majors.primary);
  if (d.secondary) {
    AddChange(alert, "secondary_major", TrimView(m.secondary_major()), majors.secondary);
  }
  if (d.minor) AddChange(alert, "minor", TrimView(m.minor()), majors.minor);
}

// Education Level - Cancel: cancels the pending education level change (EducationLevel/Cancel
// carries Remarks only; the data shows the DSO what the I-20 holds now).
Detection EducationLevelCancel(const FmContext& ctx, const I20Program& p,
                               const v1::MasterProgram& pending, const Majors& majors,
                               bool level_differs, bool from_differs) {
  Issues issues;
  v1::Alert alert;
  v1::ProgramData& data = *alert.mutable_program();
  data.set_level_of_education(p.level);
  data.set_program_start_date(p.from);
  data.set_program_end_date(p.to);
  data.set_remarks(ctx.i20->remarks());
  ReportMajors(ctx, majors, data, issues);
  if (level_differs) {
    AddChange(alert, "level_of_education", TrimView(pending.level_of_education()), p.level);
  }
  if (from_differs) {
    AddChange(alert, "program_start_date", TrimView(pending.from_date()), p.from);
  }
  return MakeDetection(ctx, v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL, "", std::move(alert),
                       issues.Take());
}

// Education Level - Change: EducationalInfo and FinancialInfo of the current I-20 and plans.
Detection EducationLevelChange(const FmContext& ctx, const I20Program& p, const Majors& majors) {
  const v1::I20Form& i20 = *ctx.i20;
  const v1::MasterRecord& m = *ctx.master;
  Issues issues;
  v1::Alert alert;
  v1::ProgramData& data = *alert.mutable_program();
  data.set_level_of_education(p.level);
  issues.RequireCode(*ctx.setup, "i20.level_of_education", p.level, {kEduLevelType},
                     "Level of education");
  ReportMajors(ctx, majors, data, issues);
  data.set_program_start_date(p.from);
  data.set_program_end_date(p.to);
  data.set_initial_session_start_date(p.session);
  CheckProgramDates(p, issues);
  ReportEnglish(i20, data, issues);
  data.set_remarks(i20.remarks());
  ReportFinancial(i20, *data.mutable_financial(), issues);

  // Every reported value that differs from the master, so the DSO sees the whole change.
  if (CodeDiffers(p.level, m.level_of_education())) {
    AddChange(alert, "level_of_education", TrimView(m.level_of_education()), p.level);
  }
  AddDateChange(alert, "program_start_date", p.from_date, p.from, m.program_start_date());
  AddDateChange(alert, "program_end_date", p.to_date, p.to, m.program_end_date());
  AddDateChange(alert, "initial_session_start_date", p.session_date, p.session,
                m.initial_session_start_date());
  AddEditChanges(alert, CompareEdit(i20, m, majors), i20, m, majors);
  return MakeDetection(ctx, v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE, "", std::move(alert),
                       issues.Take());
}

// Program - Manage Session: Program/ManageSessionDates (new start and end dates).
Detection ManageSession(const FmContext& ctx, const I20Program& p) {
  const v1::MasterRecord& m = *ctx.master;
  Issues issues;
  v1::Alert alert;
  v1::ProgramData& data = *alert.mutable_program();
  data.set_program_start_date(p.from);
  data.set_program_end_date(p.to);
  data.set_initial_session_start_date(p.session);
  data.set_remarks(ctx.i20->remarks());
  CheckProgramDates(p, issues);
  AddDateChange(alert, "program_start_date", p.from_date, p.from, m.program_start_date());
  AddDateChange(alert, "program_end_date", p.to_date, p.to, m.program_end_date());
  AddDateChange(alert, "initial_session_start_date", p.session_date, p.session,
                m.initial_session_start_date());
  return MakeDetection(ctx, v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION, "", std::move(alert),
                       issues.Take());
}

// Program - Edit: Program/Edit (majors and English proficiency; Level is left out, a level change
// is Education Level - Change).
Detection ProgramEdit(const FmContext& ctx, const Majors& majors, const EditDiffs& diffs) {
  const v1::I20Form& i20 = *ctx.i20;
  Issues issues;
  v1::Alert alert;
  v1::ProgramData& data = *alert.mutable_program();
  ReportMajors(ctx, majors, data, issues);
  ReportEnglish(i20, data, issues);
  data.set_remarks(i20.remarks());
  AddEditChanges(alert, diffs, i20, *ctx.master, majors);
  return MakeDetection(ctx, v1::EVENT_TYPE_PROGRAM_EDIT, "", std::move(alert), issues.Take());
}

// Program - Cancel Extension / Extension / Shorten: ProgramExtendType (NewPrgEndDate, Remarks).
Detection EndDateEvent(const FmContext& ctx, v1::EventType event, const I20Program& p) {
  Issues issues;
  v1::Alert alert;
  v1::ProgramData& data = *alert.mutable_program();
  data.set_program_end_date(p.to);
  data.set_remarks(ctx.i20->remarks());
  CheckEndDate(p, issues);
  if (event == v1::EVENT_TYPE_PROGRAM_EXTENSION && TrimView(data.remarks()).empty()) {
    // Program/Extension requires an Explanation; the builder takes it from the remarks.
    issues.Add("i20.remarks", kRequiredMissing,
               "An explanation (I-20 remarks) is required to extend the program");
  }
  AddChange(alert, "program_end_date", TrimView(ctx.master->program_end_date()), p.to);
  return MakeDetection(ctx, event, "", std::move(alert), issues.Take());
}

}  // namespace

void DetectFmProgramEvents(const FmContext& ctx, std::vector<Detection>& out) {
  const v1::I20Form& i20 = *ctx.i20;
  const v1::MasterRecord& m = *ctx.master;
  const I20Program p = ReadI20(i20);
  const Majors majors = SelectMajors(*ctx.snapshot, *ctx.setup, ctx.visa_type);

  bool level_event = false;   // Education Level - Cancel or Change fired
  bool level_change = false;  // Education Level - Change fired
  if (ctx.Active()) {
    // Education Level - Cancel: "The student has a SEVIS Status of Active. AND Two effective
    // status active rows exist on the SEVIS Master component, Program tab. AND The Level of
    // Education value on the most recent effective-dated I-20 form does not match the Level of
    // Education value on the Initial Status SEVIS Master Program row. OR The From Date value
    // ... is different from the From Date value on the Initial Status SEVIS Master Program row."
    if (const v1::MasterProgram* pending = PendingProgramRow(m)) {
      const bool level_differs = CodeDiffers(p.level, pending->level_of_education());
      const bool from_differs = DateDiffers(p.from_date, pending->from_date());
      if (level_differs || from_differs) {
        out.push_back(
            EducationLevelCancel(ctx, p, *pending, majors, level_differs, from_differs));
        level_event = true;
      }
    }
    // Education Level - Change: "The student has a SEVIS Status of Active. AND The most recent
    // effective-dated I-20 Level of Education value is different from the Level of Education
    // value on the SEVIS Master component. OR The From Date ... is different from the From Date
    // value on the SEVIS Master component, and the From Date value on the current I-20 form is
    // later than the current system date. OR The the Initial Session Start Date ... is
    // different from the value on the SEVIS Master component." A pending change is cancelled
    // first (Cancel above); the new change follows in a later run.
    if (!level_event) {
      const bool level_differs = CodeDiffers(p.level, m.level_of_education());
      const bool from_later = DateDiffers(p.from_date, m.program_start_date()) &&
                              *p.from_date > ctx.today;
      const bool session_differs =
          DateDiffers(p.session_date, m.initial_session_start_date());
      if (level_differs || from_later || session_differs) {
        out.push_back(EducationLevelChange(ctx, p, majors));
        level_event = level_change = true;
      }
    }
  }

  // Program - Manage Session: "The student has a SEVIS Status of Initial. The From Date on the
  // SEVIS Master component is not the same as the From Date on the most recent effective-dated
  // I-20 form. OR The To Date ... OR The Initial Session Start Date ..."
  if (ctx.Initial() && (DateDiffers(p.from_date, m.program_start_date()) ||
                        DateDiffers(p.to_date, m.program_end_date()) ||
                        DateDiffers(p.session_date, m.initial_session_start_date()))) {
    out.push_back(ManageSession(ctx, p));
  }

  // Program - Edit: "The student has a SEVIS Status of Initial or Active. AND A difference
  // exists between English Proficiency Required or English Proficiency on the most recent
  // effective dated row of the I-20 Form and SEVIS Master component. OR A difference exists
  // between primary major CIP, secondary major CIP, or minor CIP in the SEVIS Master component
  // and ... the Student Plan/Subplan page or the Application Program Data page". Education
  // Level - Change reports the same values (EducationalInfo), so it stands in for Edit.
  if (!level_change) {
    const EditDiffs diffs = CompareEdit(i20, m, majors);
    if (diffs.any()) out.push_back(ProgramEdit(ctx, majors, diffs));
  }

  if (!ctx.Active() || !p.to_date) return;
  const OptDate master_end = DateIn(m.program_end_date());
  // Program - Cancel Extension: "The student has a SEVIS Status of Active. The student's visa
  // type is M-1. AND The To Date on the most recent effective-dated I-20 form is the same as
  // the original To Date on the SEVIS Master component." Only while the master holds an
  // extension (its To Date is later than the original), else there is nothing to cancel.
  if (ctx.IsM1()) {
    const OptDate original = DateIn(m.original_program_end_date());
    if (original && master_end && *p.to_date == *original && *master_end > *original) {
      out.push_back(EndDateEvent(ctx, v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION, p));
      return;  // the cancellation restores the original To Date: no Shorten
    }
  }
  if (level_event || !master_end) return;
  // Program - Extension: "The student has a SEVIS Status of Active. The To Date on the SEVIS
  // Master component is earlier than the To Date on the most recent effective-dated I-20 form."
  if (*master_end < *p.to_date) {
    out.push_back(EndDateEvent(ctx, v1::EVENT_TYPE_PROGRAM_EXTENSION, p));
  } else if (*master_end > *p.to_date) {
    // Program - Shorten: "The student has a SEVIS Status of Active. The To Date on the SEVIS
    // Master component is later than the To Date on the most recent effective-dated I-20 form."
    out.push_back(EndDateEvent(ctx, v1::EVENT_TYPE_PROGRAM_SHORTEN, p));
  }
}

}  // namespace sevisflow::rules
