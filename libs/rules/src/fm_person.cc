// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": the events about the person
// and the money behind the I-20 — "Personal Info", "Dependent - Add", "Dependent - Cancel",
// "Dependent - Edit", "Dependent - Reactivate", "Dependent - Terminate" and "Financial Info".
// Names follow the rule book's pipeline ("Dummy First Name", "Character Conversion",
// "Validation"); where the rule book is ambiguous, the reading chosen is a rule decision
// (docs/rule-decisions.md) and the code says which.
//
// Cost: this runs for every person on every snapshot, and ICU conversion (~6 us a name) would
// dominate. Names are therefore compared first, without ICU where the result is known
// (byte-equal raw values; ASCII and the tabled Latin letters), and the full pipeline
// (names::StandardizeNames, with its validation) runs only for an event that fires.
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.h"
#include "person_compare.h"
#include "sevisflow/names/names.h"
#include "sevisflow/rules/fm_context.h"

namespace sevisflow::rules {
namespace {

using internal::AddNameChanges;
using internal::Compare;
using internal::CompareAmount;
using internal::CompareEmail;
using internal::CompareNames;
using internal::FindAddressOf;
using internal::FindNameOf;
using internal::Issues;
using internal::NameDiff;
using internal::SevisNames;
using internal::StatusIs;
using internal::TrimView;
using internal::YesNo;
using internal::kInvalidFormat;
using internal::kOutOfRange;
using internal::kRequiredMissing;
using internal::kUnknownCode;
using internal::Trim;

// SEVISTable.xsd simple types read only here.
constexpr char kCitizenshipStatusType[] = "CitizenshipStatusType";
constexpr char kNameSuffixType[] = "NameSuffixCodeType";
constexpr char kDependentRelationshipType[] = "DependentCodeType";
constexpr char kDependentCancelReasonType[] = "DependentCancelReasonType";
constexpr char kDependentTerminationReasonType[] = "DependentTerminationReasonType";
// DependentFMVisaType: 04 F-2, 05 M-2.
constexpr char kVisaF2[] = "04";
constexpr char kVisaM2[] = "05";

// ---------------------------------------------------------------------------------------------
// Shared validation of biographical data (NonImgBioType / PersonalInfo of
// Create-UpdateStudent.xsd). `path` ends with "." (e.g. "bio." or "i20.dependents[D1].bio.").

void CheckBio(const FmContext& ctx, Issues& issues, const std::string& path,
              const v1::BioDemo& bio) {
  const Setup& setup = *ctx.setup;
  if (auto born = issues.RequireDate(path + "birth_date", Trim(bio.birth_date()), "Birth date");
      born && *born > ctx.today) {
    issues.Add(path + "birth_date", kOutOfRange, "Birth date is in the future");
  }
  issues.RequireCode(setup, path + "gender", Trim(bio.gender()), {kGenderType}, "Gender");
  issues.RequireCode(setup, path + "birth_country", Trim(bio.birth_country()),
                     {kBirthCountryType}, "Birth country");
  issues.RequireCode(setup, path + "citizenship_country", Trim(bio.citizenship_country()),
                     {kCountryType}, "Citizenship country");
  if (const std::string status = Trim(bio.citizenship_status()); !status.empty()) {
    issues.CheckCode(setup, path + "citizenship_status", status, {kCitizenshipStatusType},
                     "Citizenship status");
  }
}

void CheckSuffix(const Setup& setup, Issues& issues, const std::string& field,
                 const std::string& suffix) {
  if (!suffix.empty()) issues.CheckCode(setup, field, suffix, {kNameSuffixType}, "Name suffix");
}

// ---------------------------------------------------------------------------------------------
// Personal Info.

// "On the Visa Permit Data/Port of Entry page, the Port of Entry Admission Number": the newest
// Port of Entry row, chosen as the selection criteria choose it (entry date; rows without a
// date are the oldest; a tie goes to the later row of the feed).
std::string_view AdmissionNumber(const v1::SisPersonSnapshot& s) {
  const v1::PortOfEntry* newest = nullptr;
  std::optional<common::Date> newest_date;
  for (const auto& row : s.port_of_entry()) {
    auto d = internal::DateOf(row.entry_date());
    if (newest == nullptr || d >= newest_date) {
      newest = &row;
      newest_date = d;
    }
  }
  return newest ? TrimView(newest->admission_number()) : std::string_view();
}

// The foreign address "State": the province, or the state field when the province is blank
// (SIS pages and the importer may use either for a foreign address).
std::string_view ForeignState(const v1::Address& a) {
  std::string_view province = TrimView(a.province());
  return province.empty() ? TrimView(a.state()) : province;
}

bool IsFiveDigits(std::string_view zip) {
  return zip.size() == 5 && std::all_of(zip.begin(), zip.end(), [](unsigned char c) {
           return std::isdigit(c) != 0;
         });
}

void CheckUsAddress(const FmContext& ctx, Issues& issues, const v1::Address& us) {
  const Setup& setup = *ctx.setup;
  if (TrimView(us.line1()).empty()) {
    issues.Add("addresses.us.line1", kRequiredMissing, "U.S. address line 1 is required");
  }
  if (!IsFiveDigits(TrimView(us.postal_code()))) {  // SEVISTable USPostalType
    issues.Add("addresses.us.postal_code", kInvalidFormat, "U.S. postal code must be 5 digits");
  }
  if (const std::string state = Trim(us.state()); !state.empty()) {
    issues.CheckCode(setup, "addresses.us.state", state, {kStateType}, "State");
  }
  // Common.xsd USAddrDoctorType: ExplanationCode one of OB OH OM ON OO OP; "If the value is
  // OO, explanation is required"; Explanation 5..200 characters.
  const std::string_view code = TrimView(ctx.i20->us_address_explanation_code());
  const std::string_view text = TrimView(ctx.i20->us_address_explanation());
  static constexpr std::string_view kCodes[] = {"OB", "OH", "OM", "ON", "OO", "OP"};
  if (!code.empty() && std::find(std::begin(kCodes), std::end(kCodes), code) == std::end(kCodes)) {
    issues.Add("i20.us_address_explanation_code", kUnknownCode,
               "U.S. address explanation code is not one of OB, OH, OM, ON, OO, OP");
  }
  if (code == "OO" && text.empty()) {
    issues.Add("i20.us_address_explanation", kRequiredMissing,
               "U.S. address explanation is required for explanation code OO");
  }
  if (!text.empty() && (text.size() < 5 || text.size() > 200)) {
    issues.Add("i20.us_address_explanation", kInvalidFormat,
               "U.S. address explanation must be 5..200 characters");
  }
}

void DetectPersonalInfo(const FmContext& ctx, std::vector<Detection>& out) {
  // "Personal Info: The student has a SEVIS Status of Initial or Active." (the context holds
  // only Initial or Active rows).
  const v1::SisPersonSnapshot& s = *ctx.snapshot;
  const v1::MasterRecord& m = *ctx.master;
  const Setup& setup = *ctx.setup;

  // "Name Type ...: Last Name, First Name, Middle Name, Name Suffix, Preferred Name, Passport
  // Name" of the legal name record; preferred/passport by their SEVIS Setup name types.
  const names::NameInput name_input{FindNameOf(s.names(), setup.legal_name_type),
                                    FindNameOf(s.names(), setup.preferred_name_type),
                                    FindNameOf(s.names(), setup.passport_name_type)};
  const SevisNames sevis_names{m.last_name(),   m.first_name(),     m.middle_name(),
                               m.suffix(),      m.preferred_name(), m.passport_name()};
  const NameDiff name_diff = CompareNames(name_input, setup, sevis_names);

  // Everything else, in the rule book's order, into a scratch alert.
  v1::Alert other;
  // "On the Bio/Demo page: Birthdate, Gender, Birth Country, Citizenship Status, Citizenship
  // Country, Preferred Phone Number, Preferred Email Address".
  const v1::BioDemo& bio = s.bio();
  Compare(other, "birth_date", m.birth_date(), bio.birth_date());
  Compare(other, "gender", m.gender(), bio.gender());
  Compare(other, "birth_country", m.birth_country(), bio.birth_country());
  Compare(other, "citizenship_status", m.citizenship_status(), bio.citizenship_status());
  Compare(other, "citizenship_country", m.citizenship_country(), bio.citizenship_country());
  Compare(other, "phone", m.phone(), bio.preferred_phone());
  CompareEmail(other, "email", m.email(), bio.preferred_email());
  // "On the Visa Permit Data/Port of Entry page, the Port of Entry Admission Number."
  const std::string_view admission = AdmissionNumber(s);
  Compare(other, "admission_number", m.admission_number(), admission);
  // "On the I-20 form, the Commuter check box."
  if (m.commuter() != ctx.i20->commuter()) {
    AddChange(other, "commuter", YesNo(m.commuter()), YesNo(ctx.i20->commuter()));
  }
  // "The address type for the U.S. address is based on SEVIS Setup Address Mapping page ...
  // Address1, Address2, City, State, Postal". No address of that type compares as blank.
  const v1::Address* us_found = FindAddressOf(s, setup.us_address_type);
  const v1::Address& us = us_found ? *us_found : v1::Address::default_instance();
  Compare(other, "us_address.line1", m.us_address().line1(), us.line1());
  Compare(other, "us_address.line2", m.us_address().line2(), us.line2());
  Compare(other, "us_address.city", m.us_address().city(), us.city());
  Compare(other, "us_address.state", m.us_address().state(), us.state());
  Compare(other, "us_address.postal_code", m.us_address().postal_code(), us.postal_code());
  // "The U.S. address Explanation Code and Text in the SEVIS Master component are compared to
  // the values on the I-20 form."
  Compare(other, "us_address_explanation_code", m.us_address_explanation_code(),
          ctx.i20->us_address_explanation_code());
  Compare(other, "us_address_explanation", m.us_address_explanation(),
          ctx.i20->us_address_explanation());
  // "The address type for the foreign address ... Address1, Address2, City, State, Postal,
  // Country".
  const v1::Address* foreign_found = FindAddressOf(s, setup.foreign_address_type);
  const v1::Address& foreign =
      foreign_found ? *foreign_found : v1::Address::default_instance();
  Compare(other, "foreign_address.line1", m.foreign_address().line1(), foreign.line1());
  Compare(other, "foreign_address.line2", m.foreign_address().line2(), foreign.line2());
  Compare(other, "foreign_address.city", m.foreign_address().city(), foreign.city());
  Compare(other, "foreign_address.province", ForeignState(m.foreign_address()),
          ForeignState(foreign));
  Compare(other, "foreign_address.postal_code", m.foreign_address().postal_code(),
          foreign.postal_code());
  Compare(other, "foreign_address.country", m.foreign_address().country(), foreign.country());

  if (!name_diff.Any() && other.changes().empty()) return;

  // Fires: the full current values (the PersonalInfo element sends the whole set).
  Issues issues;
  names::StandardizedNames std_names =
      names::StandardizeNames(name_input, setup.dummy_first_name, "names");
  v1::Alert alert;
  AddNameChanges(alert, name_diff, sevis_names, std_names);
  for (auto& c : *other.mutable_changes()) *alert.add_changes() = std::move(c);

  v1::PersonalInfoData& data = *alert.mutable_personal_info();
  data.set_last_name(std::move(std_names.last_name));
  data.set_first_name(std::move(std_names.first_name));
  data.set_middle_name(std::move(std_names.middle_name));
  data.set_suffix(std::move(std_names.suffix));
  data.set_preferred_name(std::move(std_names.preferred_name));
  data.set_passport_name(std::move(std_names.passport_name));
  issues.Append(std::move(std_names.issues));
  CheckSuffix(setup, issues, "names.legal.suffix", data.suffix());

  data.set_birth_date(Trim(bio.birth_date()));
  data.set_gender(Trim(bio.gender()));
  data.set_birth_city(Trim(bio.birth_city()));
  data.set_birth_country(Trim(bio.birth_country()));
  data.set_citizenship_status(Trim(bio.citizenship_status()));
  data.set_citizenship_country(Trim(bio.citizenship_country()));
  data.set_phone(Trim(bio.preferred_phone()));
  data.set_email(Trim(bio.preferred_email()));
  CheckBio(ctx, issues, "bio.", bio);
  data.set_admission_number(std::string(admission));
  data.set_commuter(ctx.i20->commuter());
  data.set_us_address_explanation_code(Trim(ctx.i20->us_address_explanation_code()));
  data.set_us_address_explanation(Trim(ctx.i20->us_address_explanation()));
  if (us_found != nullptr) {
    *data.mutable_us_address() = *us_found;
    CheckUsAddress(ctx, issues, *us_found);
  }
  if (foreign_found != nullptr) {
    *data.mutable_foreign_address() = *foreign_found;
    data.mutable_foreign_address()->set_province(std::string(ForeignState(*foreign_found)));
    if (TrimView(foreign_found->line1()).empty()) {
      issues.Add("addresses.foreign.line1", kRequiredMissing,
                 "Foreign address line 1 is required");
    }
    issues.RequireCode(setup, "addresses.foreign.country", Trim(foreign_found->country()),
                       {kCountryType}, "Foreign address country");
  } else {
    issues.Add("addresses.foreign", kRequiredMissing,
               "Foreign address (type " + setup.foreign_address_type + ") is required");
  }
  out.push_back(
      MakeDetection(ctx, v1::EVENT_TYPE_PERSONAL_INFO, "", std::move(alert), issues.Take()));
}

// ---------------------------------------------------------------------------------------------
// Dependents: I-20 dependents of the current I-20 against the SEVIS Master Dependents page,
// matched by dependent id.

const v1::MasterDependent* FindMasterDependent(const v1::MasterRecord& m, std::string_view id) {
  for (const auto& d : m.dependents()) {
    if (TrimView(d.dependent_id()) == id) return &d;
  }
  return nullptr;
}

names::NameInput DependentNames(const v1::I20Dependent& dep, const Setup& setup) {
  return names::NameInput{dep.has_name() ? &dep.name() : nullptr,
                          FindNameOf(dep.names(), setup.preferred_name_type),
                          FindNameOf(dep.names(), setup.passport_name_type)};
}

SevisNames MasterDependentNames(const v1::MasterDependent& md) {
  return SevisNames{md.last_name(), md.first_name(),     md.middle_name(),
                    md.suffix(),    md.preferred_name(), md.passport_name()};
}

// What each Dependent event reports. `with_names` also carries the name issues (Add and Edit
// send the names; Cancel, Reactivate and Terminate send only the SEVIS id and a reason).
struct DependentReport {
  v1::Alert alert;
  Issues issues;
};

DependentReport StartDependentReport(const FmContext& ctx, const v1::I20Dependent& dep,
                                     std::string_view id, const v1::MasterDependent* md,
                                     const names::StandardizedNames& std_names,
                                     bool with_names) {
  DependentReport r;
  const std::string path = "i20.dependents[" + std::string(id) + "].";
  v1::DependentData& data = *r.alert.mutable_dependent();
  data.set_dependent_id(std::string(id));
  if (md != nullptr) data.set_dependent_sevis_id(Trim(md->dependent_sevis_id()));
  data.set_relationship(Trim(dep.relationship()));
  data.set_visa_type(ctx.IsM1() ? kVisaM2 : kVisaF2);
  data.set_last_name(std_names.last_name);
  data.set_first_name(std_names.first_name);
  data.set_middle_name(std_names.middle_name);
  data.set_suffix(std_names.suffix);
  data.set_preferred_name(std_names.preferred_name);
  data.set_passport_name(std_names.passport_name);
  const v1::BioDemo& bio = dep.bio();
  data.set_birth_date(Trim(bio.birth_date()));
  data.set_gender(Trim(bio.gender()));
  data.set_birth_city(Trim(bio.birth_city()));
  data.set_birth_country(Trim(bio.birth_country()));
  data.set_citizenship_status(Trim(bio.citizenship_status()));
  data.set_citizenship_country(Trim(bio.citizenship_country()));
  data.set_email(Trim(bio.preferred_email()));
  data.set_remarks(dep.remarks());
  if (with_names) {
    r.issues.Append(std_names.issues);
    CheckSuffix(*ctx.setup, r.issues, path + "names.legal.suffix", data.suffix());
    CheckBio(ctx, r.issues, path + "bio.", bio);
    r.issues.RequireCode(*ctx.setup, path + "relationship", data.relationship(),
                         {kDependentRelationshipType}, "Dependent relationship");
  }
  // Every event but Add names the dependent by dependentSevisID (required attribute).
  if (md != nullptr && data.dependent_sevis_id().empty()) {
    r.issues.Add("master.dependents[" + std::string(id) + "].dependent_sevis_id",
                 kRequiredMissing, "Dependent SEVIS id is required");
  }
  return r;
}

void EmitDependent(const FmContext& ctx, v1::EventType event, std::string_view id,
                   DependentReport report, std::vector<Detection>& out) {
  out.push_back(MakeDetection(ctx, event, std::string(id), std::move(report.alert),
                              report.issues.Take()));
}

// "Dependent - Cancel" and "Dependent - Terminate" send a Reason the XSD requires.
void SetReason(const FmContext& ctx, DependentReport& r, std::string_view id,
               const std::string& raw, const char* field, const char* type, const char* label) {
  const std::string reason = Trim(raw);
  r.alert.mutable_dependent()->set_reason(reason);
  r.issues.RequireCode(*ctx.setup, "i20.dependents[" + std::string(id) + "]." + field, reason,
                       {type}, label);
}

// "Dependent - Edit: ... A difference exists between the data in the SEVIS Master component
// and the following dependent data: Last Name, First Name, Middle Name, Name Suffix, Preferred
// Name, Passport Name, Birthdate, Sex, Birth Country, Citizenship Status, Citizenship Country,
// Preferred Email Address, Relationship on I-20 Dependents page".
void DetectDependentEdit(const FmContext& ctx, const v1::I20Dependent& dep, std::string_view id,
                         const v1::MasterDependent& md, std::vector<Detection>& out) {
  const Setup& setup = *ctx.setup;
  const names::NameInput name_input = DependentNames(dep, setup);
  const SevisNames sevis_names = MasterDependentNames(md);
  const NameDiff name_diff = CompareNames(name_input, setup, sevis_names);
  v1::Alert other;
  const v1::BioDemo& bio = dep.bio();
  Compare(other, "birth_date", md.birth_date(), bio.birth_date());
  Compare(other, "gender", md.gender(), bio.gender());
  Compare(other, "birth_country", md.birth_country(), bio.birth_country());
  Compare(other, "citizenship_status", md.citizenship_status(), bio.citizenship_status());
  Compare(other, "citizenship_country", md.citizenship_country(), bio.citizenship_country());
  CompareEmail(other, "email", md.email(), bio.preferred_email());
  Compare(other, "relationship", md.relationship(), dep.relationship());
  if (!name_diff.Any() && other.changes().empty()) return;

  const std::string prefix = "i20.dependents[" + std::string(id) + "].names";
  const names::StandardizedNames std_names =
      names::StandardizeNames(name_input, setup.dummy_first_name, prefix);
  DependentReport r = StartDependentReport(ctx, dep, id, &md, std_names, /*with_names=*/true);
  AddNameChanges(r.alert, name_diff, sevis_names, std_names);
  for (auto& c : *other.mutable_changes()) *r.alert.add_changes() = std::move(c);
  EmitDependent(ctx, v1::EVENT_TYPE_DEPENDENT_EDIT, id, std::move(r), out);
}

void DetectDependentEvents(const FmContext& ctx, std::vector<Detection>& out) {
  const Setup& setup = *ctx.setup;
  std::vector<std::string_view> seen;
  for (const v1::I20Dependent& dep : ctx.i20->dependents()) {
    const std::string_view id = TrimView(dep.dependent_id());
    // No id: nothing to match with the SEVIS Master or to name the alert by.
    if (id.empty()) continue;
    // The same id twice on one I-20: the first row counts (one alert per dependent and event).
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    const v1::MasterDependent* md = FindMasterDependent(*ctx.master, id);
    auto standardized = [&] {
      return names::StandardizeNames(DependentNames(dep, setup), setup.dummy_first_name,
                                     "i20.dependents[" + std::string(id) + "].names");
    };

    switch (dep.relationship_status()) {
      case v1::RELATIONSHIP_STATUS_ACTIVE:
        if (md == nullptr) {
          // "Dependent - Add: The student has a SEVIS Status of Initial or Active. A dependent
          // ID exists on the most recent effective-dated I-20 form where the Relationship
          // Status value is Active. AND The dependent ID does not exist in the SEVIS Master
          // component."
          EmitDependent(ctx, v1::EVENT_TYPE_DEPENDENT_ADD, id,
                        StartDependentReport(ctx, dep, id, nullptr, standardized(),
                                             /*with_names=*/true),
                        out);
        } else if (StatusIs(md->relationship_status(), "TERMINATED")) {
          // "Dependent - Reactivate: The student has a SEVIS Status of Active. The
          // Relationship Status value in the SEVIS Master component is Terminated. AND The
          // Relationship Status value on the most recent effective-dated I-20 form is Active."
          if (ctx.Active()) {
            EmitDependent(ctx, v1::EVENT_TYPE_DEPENDENT_REACTIVATE, id,
                          StartDependentReport(ctx, dep, id, md, standardized(),
                                               /*with_names=*/false),
                          out);
          }
        } else if (StatusIs(md->relationship_status(), "ACTIVE") ||
                   StatusIs(md->relationship_status(), "INITIAL")) {
          // "Dependent - Edit: The student has a SEVIS Status of Initial or Active." Only a
          // dependent live on both sides is edited (a terminated one is reactivated first).
          DetectDependentEdit(ctx, dep, id, *md, out);
        }
        break;
      case v1::RELATIONSHIP_STATUS_CANCELLED:
        // "Dependent - Cancel: The student has a SEVIS Status of Initial. The Dependent
        // Relationship Status value on the most recent effective-dated I-20 form is Cancelled.
        // AND No Termination Reason or Cancel Reason appears on the SEVIS Master Dependents
        // page for the dependent." A dependent SEVIS never had cannot be cancelled.
        if (ctx.Initial() && md != nullptr && TrimView(md->termination_reason()).empty() &&
            TrimView(md->cancel_reason()).empty()) {
          DependentReport r =
              StartDependentReport(ctx, dep, id, md, standardized(), /*with_names=*/false);
          SetReason(ctx, r, id, dep.cancel_reason(), "cancel_reason", kDependentCancelReasonType,
                    "Dependent cancel reason");
          EmitDependent(ctx, v1::EVENT_TYPE_DEPENDENT_CANCEL, id, std::move(r), out);
        }
        break;
      case v1::RELATIONSHIP_STATUS_TERMINATED:
        // "Dependent - Terminate: The student has a SEVIS Status of Initial or Active. The
        // Relationship Status value in the SEVIS Master component is Active. AND The
        // Relationship Status value on the most recent effective-dated I-20 form is
        // Terminated." INITIAL is not Active: SEVIS cancels an initial dependent instead.
        if (md != nullptr && StatusIs(md->relationship_status(), "ACTIVE")) {
          DependentReport r =
              StartDependentReport(ctx, dep, id, md, standardized(), /*with_names=*/false);
          SetReason(ctx, r, id, dep.termination_reason(), "termination_reason",
                    kDependentTerminationReasonType, "Dependent termination reason");
          EmitDependent(ctx, v1::EVENT_TYPE_DEPENDENT_TERMINATE, id, std::move(r), out);
        }
        break;
      default:
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Financial Info.

void DetectFinancialInfo(const FmContext& ctx, std::vector<Detection>& out) {
  // "Financial Info: The student has a SEVIS Status of Initial or Active. A difference exists
  // between the data in the SEVIS Master component and the following data on the most recent
  // effective-dated row on the I-20 form: Months in an Academic Term, Tuition and Fees, Living
  // Expenses, Dependent Expenses, Other Expenses, Student's Personal Funds, Funds from this
  // School, Funds from Another Source, On Campus Employment".
  const v1::MasterRecord& m = *ctx.master;
  const v1::I20Form& i20 = *ctx.i20;
  v1::Alert alert;
  CompareAmount(alert, "months_in_academic_term", m.months_in_academic_term(),
                i20.months_in_academic_term());
  CompareAmount(alert, "tuition", m.tuition(), i20.tuition());
  CompareAmount(alert, "living_expenses", m.living_expenses(), i20.living_expenses());
  CompareAmount(alert, "dependent_expenses", m.dependent_expenses(), i20.dependent_expenses());
  CompareAmount(alert, "other_expenses", m.other_expenses(), i20.other_expenses());
  CompareAmount(alert, "personal_funds", m.personal_funds(), i20.personal_funds());
  CompareAmount(alert, "school_funds", m.school_funds(), i20.school_funds());
  CompareAmount(alert, "other_source_funds", m.other_source_funds(), i20.other_source_funds());
  CompareAmount(alert, "on_campus_employment", m.on_campus_employment(),
                i20.on_campus_employment());
  if (alert.changes().empty()) return;

  v1::FinancialData& data = *alert.mutable_financial();
  data.set_months_in_academic_term(i20.months_in_academic_term());
  data.set_tuition(i20.tuition());
  data.set_living_expenses(i20.living_expenses());
  data.set_dependent_expenses(i20.dependent_expenses());
  data.set_other_expenses(i20.other_expenses());
  data.set_other_expenses_comment(i20.other_expenses_comment());
  data.set_personal_funds(i20.personal_funds());
  data.set_school_funds(i20.school_funds());
  data.set_school_funds_comment(i20.school_funds_comment());
  data.set_other_source_funds(i20.other_source_funds());
  data.set_other_source_comment(i20.other_source_comment());
  data.set_on_campus_employment(i20.on_campus_employment());

  Issues issues;
  // FinancialNullableType AcademicTerm: 01..12.
  if (i20.months_in_academic_term() < 1 || i20.months_in_academic_term() > 12) {
    issues.Add("i20.months_in_academic_term", kOutOfRange,
               "Months in academic term must be 1..12");
  }
  issues.CheckAmount("i20.tuition", i20.tuition(), "Tuition");
  issues.CheckAmount("i20.living_expenses", i20.living_expenses(), "Living expenses");
  issues.CheckAmount("i20.dependent_expenses", i20.dependent_expenses(), "Dependent expenses");
  issues.CheckAmount("i20.other_expenses", i20.other_expenses(), "Other expenses");
  issues.CheckAmount("i20.personal_funds", i20.personal_funds(), "Personal funds");
  issues.CheckAmount("i20.school_funds", i20.school_funds(), "School funds");
  issues.CheckAmount("i20.other_source_funds", i20.other_source_funds(), "Other funds");
  issues.CheckAmount("i20.on_campus_employment", i20.on_campus_employment(),
                     "On-campus employment");
  out.push_back(
      MakeDetection(ctx, v1::EVENT_TYPE_FINANCIAL_INFO, "", std::move(alert), issues.Take()));
}

}  // namespace

void DetectFmPersonEvents(const FmContext& ctx, std::vector<Detection>& out) {
  DetectPersonalInfo(ctx, out);
  DetectDependentEvents(ctx, out);
  DetectFinancialInfo(ctx, out);
}

}  // namespace sevisflow::rules
