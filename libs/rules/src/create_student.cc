// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M", event "Create Student".
#include <algorithm>
#include <cctype>

#include "internal.h"
#include "sevisflow/names/names.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {
using internal::CheckCip;
using internal::FindAddress;
using internal::FindName;
using internal::Issues;
using internal::kInvalidFormat;
using internal::kOutOfRange;
using internal::kRequiredMissing;
using internal::kDateOrder;
using internal::Trim;

std::optional<Detection> DetectCreateStudent(const v1::SisPersonSnapshot& snapshot,
                                             const MasterLookup& master, const Setup& setup,
                                             common::Date today, bool validate_cip) {
  // Trigger: (Port of Entry 01/02 OR (blank AND Visa/Permit 01/02 with country USA))
  //          AND current I-20 Active AND Funding Verified AND no SEVIS Master row.
  std::optional<FmVisa> visa = SelectFmVisa(snapshot, /*require_usa=*/true);
  if (!visa) return std::nullopt;
  const v1::I20Form* i20 = CurrentI20(snapshot, today);
  if (i20 == nullptr || !I20ActiveAndFunded(*i20)) return std::nullopt;
  const std::string org = Trim(i20->school_code());
  if (org.empty()) return std::nullopt;  // no school code: nothing to report it to
  if (master) {
    const v1::MasterRecord* row = master(org);
    if (row != nullptr && !row->deleted()) return std::nullopt;
  }

  Issues issues;
  v1::CreateStudentData data;
  data.set_visa_type(visa->visa_type);

  // Names: Dummy First Name, conversion, truncation, validation.
  names::NameInput name_input{FindName(snapshot, setup.legal_name_type),
                              FindName(snapshot, setup.preferred_name_type),
                              FindName(snapshot, setup.passport_name_type)};
  names::StandardizedNames standardized =
      names::StandardizeNames(name_input, setup.dummy_first_name, "names");
  data.set_last_name(standardized.last_name);
  data.set_first_name(standardized.first_name);
  data.set_middle_name(standardized.middle_name);
  data.set_suffix(standardized.suffix);
  data.set_preferred_name(standardized.preferred_name);
  data.set_passport_name(standardized.passport_name);
  issues.Append(std::move(standardized.issues));

  // Biographical data (PersonalInfo).
  const v1::BioDemo& bio = snapshot.bio();
  data.set_birth_date(Trim(bio.birth_date()));
  if (auto born = issues.RequireDate("bio.birth_date", data.birth_date(), "Birth date");
      born && *born > today) {
    issues.Add("bio.birth_date", kOutOfRange, "Birth date is in the future");
  }
  data.set_gender(Trim(bio.gender()));
  issues.RequireCode(setup, "bio.gender", data.gender(), {kGenderType}, "Gender");
  data.set_birth_city(Trim(bio.birth_city()));
  data.set_birth_country(Trim(bio.birth_country()));
  issues.RequireCode(setup, "bio.birth_country", data.birth_country(), {kBirthCountryType},
                     "Birth country");
  data.set_citizenship_country(Trim(bio.citizenship_country()));
  issues.RequireCode(setup, "bio.citizenship_country", data.citizenship_country(),
                     {kCountryType}, "Citizenship country");
  data.set_email(Trim(bio.preferred_email()));
  data.set_phone(Trim(bio.preferred_phone()));
  data.set_citizenship_status(Trim(bio.citizenship_status()));
  {
    // The newest Port of Entry row (as SelectFmVisa picks it) holds the admission number.
    const v1::PortOfEntry* newest = nullptr;
    std::optional<common::Date> newest_date;
    for (const auto& row : snapshot.port_of_entry()) {
      auto d = internal::DateOf(row.entry_date());
      if (newest == nullptr || d >= newest_date) {
        newest = &row;
        newest_date = d;
      }
    }
    if (newest != nullptr) data.set_admission_number(Trim(newest->admission_number()));
  }
  data.set_us_address_explanation_code(Trim(i20->us_address_explanation_code()));
  data.set_us_address_explanation(i20->us_address_explanation());
  data.set_commuter(i20->commuter());

  // IssueReason.
  data.set_issue_reason(Trim(i20->issue_reason()));
  issues.RequireCode(setup, "i20.issue_reason", data.issue_reason(), {kCreationReasonType},
                     "Issue reason");

  // Addresses by the Address Mapping of SEVIS Setup. ForeignAddress is required by the schema.
  if (const v1::Address* us = FindAddress(snapshot, setup.us_address_type)) {
    *data.mutable_us_address() = *us;
    if (Trim(us->line1()).empty()) {
      issues.Add("addresses.us.line1", kRequiredMissing, "U.S. address line 1 is required");
    }
    const std::string zip = Trim(us->postal_code());  // SEVISTable USPostalType: 5 digits
    if (zip.size() != 5 || !std::all_of(zip.begin(), zip.end(), [](unsigned char c) {
          return std::isdigit(c) != 0;
        })) {
      issues.Add("addresses.us.postal_code", kInvalidFormat,
                 "U.S. postal code must be 5 digits");
    }
    if (!Trim(us->state()).empty()) {
      issues.CheckCode(setup, "addresses.us.state", Trim(us->state()), {kStateType}, "State");
    }
  }
  if (const v1::Address* foreign = FindAddress(snapshot, setup.foreign_address_type)) {
    *data.mutable_foreign_address() = *foreign;
    if (Trim(foreign->line1()).empty()) {
      issues.Add("addresses.foreign.line1", kRequiredMissing,
                 "Foreign address line 1 is required");
    }
    issues.RequireCode(setup, "addresses.foreign.country", Trim(foreign->country()),
                       {kCountryType}, "Foreign address country");
  } else {
    issues.Add("addresses.foreign", kRequiredMissing,
               "Foreign address (type " + setup.foreign_address_type + ") is required");
  }

  // EducationalInfo from the current I-20 and the plans ("Program - Edit" paragraph).
  data.set_level_of_education(Trim(i20->level_of_education()));
  issues.RequireCode(setup, "i20.level_of_education", data.level_of_education(), {kEduLevelType},
                     "Level of education");
  Majors majors = SelectMajors(snapshot, setup, visa->visa_type);
  data.set_primary_major(majors.primary);
  data.set_secondary_major(majors.secondary);
  data.set_minor(majors.minor);
  const char* plans_path = majors.from_application ? "application_plans" : "plans";
  CheckCip(setup, validate_cip, issues, std::string(plans_path) + ".primary_major", majors.primary, true, false,
           "Primary major CIP");
  CheckCip(setup, validate_cip, issues, std::string(plans_path) + ".secondary_major", majors.secondary, false,
           true, "Secondary major CIP");
  CheckCip(setup, validate_cip, issues, std::string(plans_path) + ".minor", majors.minor, false, true,
           "Minor CIP");
  data.set_program_start_date(Trim(i20->from_date()));
  data.set_program_end_date(Trim(i20->to_date()));
  data.set_initial_session_start_date(Trim(i20->initial_session_start_date()));
  auto start = issues.RequireDate("i20.from_date", data.program_start_date(), "Program start date");
  auto end = issues.RequireDate("i20.to_date", data.program_end_date(), "Program end date");
  if (start && end && *end <= *start) {
    issues.Add("i20.to_date", kDateOrder, "Program end date must be after the start date");
  }
  data.set_english_proficiency_required(i20->english_proficiency_required());
  data.set_english_proficiency_met(i20->english_proficiency_met());
  data.set_english_proficiency_notes(i20->english_proficiency_notes());

  // FinancialInfo from the current I-20.
  data.set_months_in_academic_term(i20->months_in_academic_term());
  if (i20->months_in_academic_term() < 1 || i20->months_in_academic_term() > 12) {
    issues.Add("i20.months_in_academic_term", kOutOfRange,
               "Months in academic term must be 1..12");
  }
  data.set_tuition(i20->tuition());
  data.set_living_expenses(i20->living_expenses());
  data.set_dependent_expenses(i20->dependent_expenses());
  data.set_other_expenses(i20->other_expenses());
  data.set_other_expenses_comment(i20->other_expenses_comment());
  data.set_personal_funds(i20->personal_funds());
  data.set_school_funds(i20->school_funds());
  data.set_school_funds_comment(i20->school_funds_comment());
  data.set_other_source_funds(i20->other_source_funds());
  data.set_other_source_comment(i20->other_source_comment());
  data.set_on_campus_employment(i20->on_campus_employment());
  issues.CheckAmount("i20.tuition", data.tuition(), "Tuition");
  issues.CheckAmount("i20.living_expenses", data.living_expenses(), "Living expenses");
  issues.CheckAmount("i20.dependent_expenses", data.dependent_expenses(), "Dependent expenses");
  issues.CheckAmount("i20.other_expenses", data.other_expenses(), "Other expenses");
  issues.CheckAmount("i20.personal_funds", data.personal_funds(), "Personal funds");
  issues.CheckAmount("i20.school_funds", data.school_funds(), "School funds");
  issues.CheckAmount("i20.other_source_funds", data.other_source_funds(), "Other funds");
  issues.CheckAmount("i20.on_campus_employment", data.on_campus_employment(),
              "On-campus employment");
  data.set_remarks(i20->remarks());

  Detection detection;
  v1::Alert& alert = detection.alert;
  alert.set_org_id(org);
  alert.set_person_id(snapshot.person_id());
  alert.set_visa_family(v1::VISA_FAMILY_FM);
  alert.set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  alert.set_snapshot_version(snapshot.version());
  for (auto& issue : issues.Take()) *alert.add_issues() = std::move(issue);
  *alert.mutable_create_student() = std::move(data);
  alert.set_alert_id(AlertId(org, snapshot.person_id(), v1::EVENT_TYPE_CREATE_STUDENT,
                             alert.subject(), alert.create_student()));
  detection.emitted_key = EmittedKey(org, v1::EVENT_TYPE_CREATE_STUDENT, alert.subject());
  return detection;
}

}  // namespace sevisflow::rules
