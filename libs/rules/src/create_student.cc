// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M", event "Create Student".
#include <algorithm>
#include <cctype>
#include <regex>

#include "sevisflow/names/names.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {
namespace {

// Issue codes for data the schema requires but the SIS lacks or holds in a form SEVIS rejects.
constexpr char kRequiredMissing[] = "REQUIRED_MISSING";
constexpr char kInvalidDate[] = "INVALID_DATE";
constexpr char kUnknownCode[] = "UNKNOWN_CODE";
constexpr char kInvalidFormat[] = "INVALID_FORMAT";
constexpr char kDateOrder[] = "PROGRAM_DATES_ORDER";
constexpr char kOutOfRange[] = "OUT_OF_RANGE";

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

class Issues {
 public:
  void Add(std::string field, std::string code, std::string message) {
    v1::ValidationIssue issue;
    issue.set_field(std::move(field));
    issue.set_code(std::move(code));
    issue.set_message(std::move(message));
    issues_.push_back(std::move(issue));
  }
  void Append(std::vector<v1::ValidationIssue> more) {
    for (auto& i : more) issues_.push_back(std::move(i));
  }
  // A required value: present, and (when a table is known) one of its codes.
  void RequireCode(const Setup& setup, const std::string& field, const std::string& value,
                   std::initializer_list<const char*> types, const char* label) {
    if (value.empty()) {
      Add(field, kRequiredMissing, std::string(label) + " is required");
      return;
    }
    CheckCode(setup, field, value, types, label);
  }
  void CheckCode(const Setup& setup, const std::string& field, const std::string& value,
                 std::initializer_list<const char*> types, const char* label) {
    if (!setup.codes) return;
    bool known_table = false;
    for (const char* type : types) {
      if (!setup.codes->Has(type)) continue;
      known_table = true;
      if (setup.codes->Values(type)->count(value)) return;
    }
    if (known_table) {
      Add(field, kUnknownCode, std::string(label) + " is not a SEVIS code (" + *types.begin() + ")");
    }
  }
  // A required date: present and a real calendar date.
  std::optional<common::Date> RequireDate(const std::string& field, const std::string& value,
                                          const char* label) {
    if (value.empty()) {
      Add(field, kRequiredMissing, std::string(label) + " is required");
      return std::nullopt;
    }
    auto d = common::Date::Parse(value);
    if (!d) Add(field, kInvalidDate, std::string(label) + " is not a valid YYYY-MM-DD date");
    return d;
  }
  std::vector<v1::ValidationIssue> Take() { return std::move(issues_); }

 private:
  std::vector<v1::ValidationIssue> issues_;
};

const v1::PersonName* FindName(const v1::SisPersonSnapshot& s, const std::string& type) {
  if (type.empty()) return nullptr;
  for (const auto& n : s.names()) {
    if (Trim(n.name_type()) == type) return &n;
  }
  return nullptr;
}

const v1::Address* FindAddress(const v1::SisPersonSnapshot& s, const std::string& type) {
  if (type.empty()) return nullptr;
  for (const auto& a : s.addresses()) {
    if (Trim(a.address_type()) == type && a.has_address()) return &a.address();
  }
  return nullptr;
}

bool IsCipFormat(const std::string& cip) {
  static const std::regex kCip(R"(\d\d\.\d\d\d\d)");
  return std::regex_match(cip, kCip);
}

void CheckCip(const Setup& setup, Issues& issues, const std::string& field,
              const std::string& cip, bool required, bool allow_blank_code, const char* label) {
  if (cip.empty()) {
    if (required) issues.Add(field, kRequiredMissing, std::string(label) + " is required");
    return;
  }
  if (!IsCipFormat(cip)) {
    issues.Add(field, kInvalidFormat, std::string(label) + " is not a CIP code NN.NNNN");
    return;
  }
  if (allow_blank_code && cip == kNoCip) return;
  issues.CheckCode(setup, field, cip, {kCipType, kCipStudentOnlyType}, label);
}

void CheckAmount(Issues& issues, const std::string& field, int64_t amount, const char* label) {
  // SEVISTable MonetaryType: nonNegativeInteger, at most 99999999.
  if (amount < 0 || amount > 99999999) {
    issues.Add(field, kOutOfRange, std::string(label) + " must be 0..99999999");
  }
}

}  // namespace

std::optional<Detection> DetectCreateStudent(const v1::SisPersonSnapshot& snapshot,
                                             const MasterLookup& master, const Setup& setup,
                                             common::Date today) {
  // Trigger: (Port of Entry 01/02 OR (blank AND Visa/Permit 01/02 with country USA))
  //          AND current I-20 Active AND Funding Verified AND no SEVIS Master row.
  std::optional<FmVisa> visa = SelectFmVisa(snapshot, /*require_usa=*/true);
  if (!visa) return std::nullopt;
  const v1::I20Form* i20 = CurrentI20(snapshot, today);
  if (i20 == nullptr || !I20ActiveAndFunded(*i20)) return std::nullopt;
  const std::string org = Trim(i20->school_code());
  if (org.empty()) return std::nullopt;  // no school code: nothing to report it to
  if (master) {
    std::optional<v1::MasterRecord> row = master(org);
    if (row && !row->deleted()) return std::nullopt;
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
    static const std::regex kZip(R"(\d{5})");  // SEVISTable USPostalType
    if (!std::regex_match(Trim(us->postal_code()), kZip)) {
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
  CheckCip(setup, issues, std::string(plans_path) + ".primary_major", majors.primary, true, false,
           "Primary major CIP");
  CheckCip(setup, issues, std::string(plans_path) + ".secondary_major", majors.secondary, false,
           true, "Secondary major CIP");
  CheckCip(setup, issues, std::string(plans_path) + ".minor", majors.minor, false, true,
           "Minor CIP");
  data.set_program_start_date(Trim(i20->from_date()));
  data.set_program_end_date(Trim(i20->to_date()));
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
  CheckAmount(issues, "i20.tuition", data.tuition(), "Tuition");
  CheckAmount(issues, "i20.living_expenses", data.living_expenses(), "Living expenses");
  CheckAmount(issues, "i20.dependent_expenses", data.dependent_expenses(), "Dependent expenses");
  CheckAmount(issues, "i20.other_expenses", data.other_expenses(), "Other expenses");
  CheckAmount(issues, "i20.personal_funds", data.personal_funds(), "Personal funds");
  CheckAmount(issues, "i20.school_funds", data.school_funds(), "School funds");
  CheckAmount(issues, "i20.other_source_funds", data.other_source_funds(), "Other funds");
  CheckAmount(issues, "i20.on_campus_employment", data.on_campus_employment(),
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

std::vector<Detection> DetectFm(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                                const Setup& setup, common::Date today) {
  std::vector<Detection> out;
  if (auto create = DetectCreateStudent(snapshot, master, setup, today)) {
    out.push_back(std::move(*create));
  }
  return out;
}

}  // namespace sevisflow::rules
