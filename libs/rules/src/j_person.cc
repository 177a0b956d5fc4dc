// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - J": the events about the exchange
// visitor and the money behind the DS-2019 — "Biographical", "Dependent - Add", "Dependent -
// Delete", "Dependent - Edit", "Dependent - End Status", "Dependent - Terminate" and "Financial
// Info". XML targets: Create-UpdateExchangeVisitor.xsd UpdateEV/ExchangeVisitor/Biographical,
// Dependent/Add|Delete|Edit|EndStatus|Terminate and FinancialInfo.
//
// Names are compared exactly as the F/M Personal Info compares them (fm_person.cc): converted on
// both sides, without ICU where the result is known, and the full pipeline
// (names::StandardizeNames, with its validation) runs only for an event that fires. The name
// helpers are shared with it (person_compare.h). Readings of ambiguous sentences:
// docs/rule-decisions.md.
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
#include "sevisflow/rules/j_context.h"

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
constexpr char kNameSuffixType[] = "NameSuffixCodeType";
constexpr char kDependentRelationshipType[] = "DependentCodeType";
constexpr char kEvGenderType[] = "EVGenderCodeType";           // NonImgBioType (Dependent)
constexpr char kUsBornReasonType[] = "USBornReasonType";
constexpr char kPositionType[] = "EVPositionCodeType";
constexpr char kDependentEndReasonType[] = "DependentCompletionType";
constexpr char kDependentTerminationReasonType[] = "EVDepTerminationReasonType";
constexpr char kGovAgencyType[] = "GovAgencyCodeType";
constexpr char kInternationalOrgType[] = "InternationalOrgCodeType";
// The SIS address type of the mailing address. SEVIS Setup maps only the U.S. and the foreign
// address; the rule book's "Address Type for the mailing address is based on the SEVIS Setup
// Address Mapping page" is read as this fixed type (decisions-jperson.md).
constexpr char kMailingAddressType[] = "MAIL";

// ---------------------------------------------------------------------------------------------
// Shared validation.

bool IsDigits(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c) != 0;
         });
}

// Birth country reason (SEVISTable USBornReasonType: "Reason when United States or a United
// States territory is the country of birth"): a known code when given; required when the birth
// country is the United States.
void CheckBirthCountryReason(const Setup& setup, Issues& issues, const std::string& field,
                             std::string_view birth_country, const std::string& reason) {
  if (!reason.empty()) {
    issues.CheckCode(setup, field, reason, {kUsBornReasonType}, "Birth country reason");
  } else if (BornInUsOrTerritory(TrimView(birth_country))) {
    issues.Add(field, kRequiredMissing,
               "Birth country reason is required when the birth country is the United States "
               "or a US territory");
  }
}

// A USAddrDoctorType (U.S. and mailing address of Biographical): Address1 and a 5-digit postal
// code required, a known state; ExplanationCode one of OB OH OM ON OO OP, "If the value is OO,
// explanation is required", Explanation 5..200 characters.
void CheckUsAddrDoctor(const Setup& setup, Issues& issues, const std::string& addr_path,
                       const v1::Address& a, const std::string& expl_path, std::string_view code,
                       std::string_view text, const char* label) {
  const std::string l(label);
  if (TrimView(a.line1()).empty()) {
    issues.Add(addr_path + ".line1", kRequiredMissing, l + " line 1 is required");
  }
  if (!IsDigits(TrimView(a.postal_code()), 5)) {  // SEVISTable USPostalType
    issues.Add(addr_path + ".postal_code", kInvalidFormat, l + " postal code must be 5 digits");
  }
  if (const std::string state = Trim(a.state()); !state.empty()) {
    issues.CheckCode(setup, addr_path + ".state", state, {kStateType}, "State");
  }
  code = TrimView(code);
  text = TrimView(text);
  static constexpr std::string_view kCodes[] = {"OB", "OH", "OM", "ON", "OO", "OP"};
  if (!code.empty() && std::find(std::begin(kCodes), std::end(kCodes), code) == std::end(kCodes)) {
    issues.Add(expl_path + "_code", kUnknownCode,
               l + " explanation code is not one of OB, OH, OM, ON, OO, OP");
  }
  if (code == "OO" && text.empty()) {
    issues.Add(expl_path, kRequiredMissing, l + " explanation is required for code OO");
  }
  if (!text.empty() && (text.size() < 5 || text.size() > 200)) {
    issues.Add(expl_path, kInvalidFormat, l + " explanation must be 5..200 characters");
  }
}

// ---------------------------------------------------------------------------------------------
// Biographical.

void DetectBiographical(const JContext& ctx, std::vector<Detection>& out) {
  // "Biographical: The exchange visitor has a SEVIS Status of Initial or Active."
  if (!ctx.Initial() && !ctx.Active()) return;
  const v1::SisPersonSnapshot& s = *ctx.snapshot;
  const v1::MasterRecord& m = *ctx.master;
  const v1::Ds2019Form& ds = *ctx.ds2019;
  const Setup& setup = *ctx.setup;

  // "Last Name, First Name, Middle Name, Name Suffix, Preferred Name, Passport Name": the legal
  // name record's parts; preferred / passport by their SEVIS Setup name types.
  const names::NameInput name_input{FindNameOf(s.names(), setup.legal_name_type),
                                    FindNameOf(s.names(), setup.preferred_name_type),
                                    FindNameOf(s.names(), setup.passport_name_type)};
  const SevisNames sevis_names{m.last_name(),   m.first_name(),     m.middle_name(),
                               m.suffix(),      m.preferred_name(), m.passport_name()};
  const NameDiff name_diff = CompareNames(name_input, setup, sevis_names);

  v1::Alert other;
  // "On the Bio/Demo page: Birthdate, Sex, Birth Country, Birth Location, Preferred Phone
  // Number, Preferred Email Address".
  const v1::BioDemo& bio = s.bio();
  Compare(other, "birth_date", m.birth_date(), bio.birth_date());
  Compare(other, "gender", m.gender(), bio.gender());
  Compare(other, "birth_country", m.birth_country(), bio.birth_country());
  Compare(other, "birth_city", m.birth_city(), bio.birth_city());
  Compare(other, "phone", m.phone(), bio.preferred_phone());
  CompareEmail(other, "email", m.email(), bio.preferred_email());
  // "Address Type for the U.S. address is based on the SEVIS Setup Address Mapping page ...
  // Address1, Address2, City, State, Postal". No address of that type compares as blank.
  const v1::Address* us_found = FindAddressOf(s, setup.us_address_type);
  const v1::Address& us = us_found ? *us_found : v1::Address::default_instance();
  Compare(other, "us_address.line1", m.us_address().line1(), us.line1());
  Compare(other, "us_address.line2", m.us_address().line2(), us.line2());
  Compare(other, "us_address.city", m.us_address().city(), us.city());
  Compare(other, "us_address.state", m.us_address().state(), us.state());
  Compare(other, "us_address.postal_code", m.us_address().postal_code(), us.postal_code());
  // "The U.S. address Explanation Code and Text in the SEVIS Master component are compared to
  // the values on the I-20 form": an exchange visitor has no I-20, read as the DS-2019.
  Compare(other, "us_address_explanation_code", m.us_address_explanation_code(),
          ds.us_address_explanation_code());
  Compare(other, "us_address_explanation", m.us_address_explanation(),
          ds.us_address_explanation());
  // "Address Type for the mailing address ... Address1, Address2, City, State, Postal". Without
  // a mailing row the U.S. address stands for it, as Create Exchange Visitor sent it (j_create):
  // else every J-1 without one would raise Biographical right after its create.
  const v1::Address* mail_row = FindAddressOf(s, kMailingAddressType);
  const v1::Address* mail_found = mail_row != nullptr ? mail_row : us_found;
  const v1::Address& mail = mail_found ? *mail_found : v1::Address::default_instance();
  Compare(other, "mailing_address.line1", m.mailing_address().line1(), mail.line1());
  Compare(other, "mailing_address.line2", m.mailing_address().line2(), mail.line2());
  Compare(other, "mailing_address.city", m.mailing_address().city(), mail.city());
  Compare(other, "mailing_address.state", m.mailing_address().state(), mail.state());
  Compare(other, "mailing_address.postal_code", m.mailing_address().postal_code(),
          mail.postal_code());
  // "The mailing address Explanation Code and Text in the SEVIS Master component are compared
  // to the values on the DS-2019 form."
  Compare(other, "mailing_address_explanation_code", m.mailing_address_explanation_code(),
          ds.mailing_address_explanation_code());
  Compare(other, "mailing_address_explanation", m.mailing_address_explanation(),
          ds.mailing_address_explanation());
  // "Most recent effective-dated row on the DS-2019 for: Permanent Residence Country, Position
  // Code, Citizenship Country, Birth Country Reason".
  Compare(other, "permanent_residence_country", m.permanent_residence_country(),
          ds.permanent_residence_country());
  Compare(other, "position_code", m.position_code(), ds.position_code());
  Compare(other, "citizenship_country", m.citizenship_country(), ds.citizenship_country());
  Compare(other, "birth_country_reason", m.birth_country_reason(), ds.birth_country_reason());

  if (!name_diff.Any() && other.changes().empty()) return;

  // Fires: every current value (Biographical sends the whole set).
  Issues issues;
  names::StandardizedNames std_names =
      names::StandardizeNames(name_input, setup.dummy_first_name, "names");
  v1::Alert alert;
  AddNameChanges(alert, name_diff, sevis_names, std_names);
  for (auto& c : *other.mutable_changes()) *alert.add_changes() = std::move(c);

  v1::BiographicalData& data = *alert.mutable_biographical();
  data.set_last_name(std::move(std_names.last_name));
  data.set_first_name(std::move(std_names.first_name));
  data.set_middle_name(std::move(std_names.middle_name));
  data.set_suffix(std::move(std_names.suffix));
  data.set_preferred_name(std::move(std_names.preferred_name));
  data.set_passport_name(std::move(std_names.passport_name));
  issues.Append(std::move(std_names.issues));
  if (!data.suffix().empty()) {
    issues.CheckCode(setup, "names.legal.suffix", data.suffix(), {kNameSuffixType},
                     "Name suffix");
  }
  data.set_birth_date(Trim(bio.birth_date()));
  data.set_gender(Trim(bio.gender()));
  data.set_birth_city(Trim(bio.birth_city()));
  data.set_birth_country(Trim(bio.birth_country()));
  data.set_birth_country_reason(Trim(ds.birth_country_reason()));
  data.set_citizenship_country(Trim(ds.citizenship_country()));
  data.set_permanent_residence_country(Trim(ds.permanent_residence_country()));
  data.set_phone(Trim(bio.preferred_phone()));
  data.set_email(Trim(bio.preferred_email()));
  data.set_position_code(Trim(ds.position_code()));
  data.set_us_address_explanation_code(Trim(ds.us_address_explanation_code()));
  data.set_us_address_explanation(Trim(ds.us_address_explanation()));
  data.set_mailing_address_explanation_code(Trim(ds.mailing_address_explanation_code()));
  data.set_mailing_address_explanation(Trim(ds.mailing_address_explanation()));

  // NonImgBioTypeOptional: every element optional, but what is sent must be valid, and the
  // whole set is sent (a blank birth date or country would be a blank SEVIS rejects).
  if (auto born = issues.RequireDate("bio.birth_date", data.birth_date(), "Birth date");
      born && *born > ctx.today) {
    issues.Add("bio.birth_date", kOutOfRange, "Birth date is in the future");
  }
  issues.RequireCode(setup, "bio.gender", data.gender(), {kGenderType}, "Gender");
  issues.RequireCode(setup, "bio.birth_country", data.birth_country(), {kBirthCountryType},
                     "Birth country");
  issues.RequireCode(setup, "ds2019.citizenship_country", data.citizenship_country(),
                     {kCountryType}, "Citizenship country");
  issues.RequireCode(setup, "ds2019.permanent_residence_country",
                     data.permanent_residence_country(), {kCountryType},
                     "Permanent residence country");
  CheckBirthCountryReason(setup, issues, "ds2019.birth_country_reason", data.birth_country(),
                          data.birth_country_reason());
  if (!data.phone().empty() && !IsDigits(data.phone(), 10)) {  // common:PhoneTenDigits
    issues.Add("bio.preferred_phone", kInvalidFormat, "Phone number must be 10 digits");
  }
  if (!data.position_code().empty()) {
    issues.CheckCode(setup, "ds2019.position_code", data.position_code(), {kPositionType},
                     "Position code");
  }
  if (us_found != nullptr) {
    *data.mutable_us_address() = *us_found;
    CheckUsAddrDoctor(setup, issues, "addresses.us", *us_found, "ds2019.us_address_explanation",
                      data.us_address_explanation_code(), data.us_address_explanation(),
                      "U.S. address");
  }
  if (mail_row != nullptr) {
    *data.mutable_mailing_address() = *mail_row;
    CheckUsAddrDoctor(setup, issues, "addresses.mailing", *mail_row,
                      "ds2019.mailing_address_explanation",
                      data.mailing_address_explanation_code(), data.mailing_address_explanation(),
                      "Mailing address");
  } else if (us_found != nullptr) {
    *data.mutable_mailing_address() = *us_found;  // checked above as the U.S. address
  }
  out.push_back(
      MakeJDetection(ctx, v1::EVENT_TYPE_EV_BIOGRAPHICAL, "", std::move(alert), issues.Take()));
}

// ---------------------------------------------------------------------------------------------
// Dependents: DS-2019 dependents of the current DS-2019 against the SEVIS Master Dependents
// page, matched by dependent id.

const v1::MasterDependent* FindMasterDependent(const v1::MasterRecord& m, std::string_view id) {
  for (const auto& d : m.dependents()) {
    if (TrimView(d.dependent_id()) == id) return &d;
  }
  return nullptr;
}

names::NameInput DependentNames(const v1::Ds2019Dependent& dep, const Setup& setup) {
  return names::NameInput{dep.has_name() ? &dep.name() : nullptr,
                          FindNameOf(dep.names(), setup.preferred_name_type),
                          FindNameOf(dep.names(), setup.passport_name_type)};
}

SevisNames MasterDependentNames(const v1::MasterDependent& md) {
  return SevisNames{md.last_name(), md.first_name(),     md.middle_name(),
                    md.suffix(),    md.preferred_name(), md.passport_name()};
}

std::string DependentPath(std::string_view id) {
  return "ds2019.dependents[" + std::string(id) + "].";
}

struct DependentReport {
  v1::Alert alert;
  Issues issues;
};

// Every current value of the dependent. `with_bio` (Add, Edit: NonImgBioType) also checks the
// values the XSD requires; the other events send only the dependent SEVIS id and a reason.
DependentReport StartDependentReport(const JContext& ctx, const v1::Ds2019Dependent& dep,
                                     std::string_view id, const v1::MasterDependent* md,
                                     bool with_bio) {
  const Setup& setup = *ctx.setup;
  DependentReport r;
  const std::string path = DependentPath(id);
  names::StandardizedNames std_names =
      names::StandardizeNames(DependentNames(dep, setup), setup.dummy_first_name, path + "names");
  v1::DependentData& data = *r.alert.mutable_dependent();
  data.set_dependent_id(std::string(id));
  if (md != nullptr) data.set_dependent_sevis_id(Trim(md->dependent_sevis_id()));
  data.set_relationship(Trim(dep.relationship()));
  // visa_type stays empty: SEVISTable.xsd has no J-2 code and the EV Dependent XML no visa.
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
  data.set_citizenship_country(Trim(bio.citizenship_country()));
  data.set_email(Trim(bio.preferred_email()));
  data.set_remarks(dep.remarks());
  data.set_permanent_residence_country(Trim(dep.permanent_residence_country()));
  data.set_birth_country_reason(Trim(dep.birth_country_reason()));
  if (with_bio) {
    r.issues.Append(std::move(std_names.issues));
    if (!data.suffix().empty()) {
      r.issues.CheckCode(setup, path + "names.legal.suffix", data.suffix(), {kNameSuffixType},
                         "Name suffix");
    }
    // NonImgBioType: BirthDate, Gender, BirthCity, BirthCountryCode, CitizenshipCountryCode,
    // PermanentResidenceCountryCode required; BirthCountryReason, EmailAddress optional.
    if (auto born = r.issues.RequireDate(path + "bio.birth_date", data.birth_date(),
                                         "Birth date");
        born && *born > ctx.today) {
      r.issues.Add(path + "bio.birth_date", kOutOfRange, "Birth date is in the future");
    }
    r.issues.RequireCode(setup, path + "bio.gender", data.gender(), {kEvGenderType}, "Gender");
    if (data.birth_city().empty()) {
      r.issues.Add(path + "bio.birth_city", kRequiredMissing, "Birth city is required");
    }
    r.issues.RequireCode(setup, path + "bio.birth_country", data.birth_country(),
                         {kBirthCountryType}, "Birth country");
    r.issues.RequireCode(setup, path + "bio.citizenship_country", data.citizenship_country(),
                         {kCountryType}, "Citizenship country");
    r.issues.RequireCode(setup, path + "permanent_residence_country",
                         data.permanent_residence_country(), {kCountryType},
                         "Permanent residence country");
    CheckBirthCountryReason(setup, r.issues, path + "birth_country_reason", data.birth_country(),
                            data.birth_country_reason());
    r.issues.RequireCode(setup, path + "relationship", data.relationship(),
                         {kDependentRelationshipType}, "Dependent relationship");
  }
  // Every event but Add names the dependent by dependentSevisID (required attribute).
  if (md != nullptr && data.dependent_sevis_id().empty()) {
    r.issues.Add("master.dependents[" + std::string(id) + "].dependent_sevis_id",
                 kRequiredMissing, "Dependent SEVIS id is required");
  }
  return r;
}

void EmitDependent(const JContext& ctx, v1::EventType event, std::string_view id,
                   DependentReport report, std::vector<Detection>& out) {
  out.push_back(MakeJDetection(ctx, event, std::string(id), std::move(report.alert),
                               report.issues.Take()));
}

// "Dependent - Edit: The exchange visitor has a SEVIS Status of Initial or Active. For each
// dependent listed in the SEVIS Master component, a difference exists between the data on SEVIS
// Master component and the following data: Last Name, First Name, Middle Name, Name Suffix,
// Preferred Name, Passport Name, Birthdate, Birth Location, Sex, Birth Country, Citizenship
// Country, Preferred Email Address, Relationship (on DS-2019 form), Permanent Residence Country
// (on DS-2019 form), Birth Country Reason (on DS-2019 form)".
void DetectDependentEdit(const JContext& ctx, const v1::Ds2019Dependent& dep,
                         std::string_view id, const v1::MasterDependent& md,
                         std::vector<Detection>& out) {
  const Setup& setup = *ctx.setup;
  const SevisNames sevis_names = MasterDependentNames(md);
  const NameDiff name_diff = CompareNames(DependentNames(dep, setup), setup, sevis_names);
  v1::Alert other;
  const v1::BioDemo& bio = dep.bio();
  Compare(other, "birth_date", md.birth_date(), bio.birth_date());
  Compare(other, "birth_city", md.birth_city(), bio.birth_city());
  Compare(other, "gender", md.gender(), bio.gender());
  Compare(other, "birth_country", md.birth_country(), bio.birth_country());
  Compare(other, "citizenship_country", md.citizenship_country(), bio.citizenship_country());
  CompareEmail(other, "email", md.email(), bio.preferred_email());
  Compare(other, "relationship", md.relationship(), dep.relationship());
  Compare(other, "permanent_residence_country", md.permanent_residence_country(),
          dep.permanent_residence_country());
  Compare(other, "birth_country_reason", md.birth_country_reason(), dep.birth_country_reason());
  if (!name_diff.Any() && other.changes().empty()) return;

  DependentReport r = StartDependentReport(ctx, dep, id, &md, /*with_bio=*/true);
  const v1::DependentData& data = r.alert.dependent();
  const names::StandardizedNames reported{data.last_name(),      data.first_name(),
                                          data.middle_name(),    data.suffix(),
                                          data.preferred_name(), data.passport_name(),
                                          {}};
  AddNameChanges(r.alert, name_diff, sevis_names, reported);
  for (auto& c : *other.mutable_changes()) *r.alert.add_changes() = std::move(c);
  EmitDependent(ctx, v1::EVENT_TYPE_EV_DEPENDENT_EDIT, id, std::move(r), out);
}

// "Dependent - End Status" and "Dependent - Terminate": the reason is part of the trigger ("and
// an end status reason is provided", "and a termination reason is provided"); it is still
// checked against its SEVIS table.
void EmitWithReason(const JContext& ctx, v1::EventType event, const v1::Ds2019Dependent& dep,
                    std::string_view id, const v1::MasterDependent& md, const std::string& reason,
                    const char* field, const char* type, const char* label,
                    std::vector<Detection>& out) {
  DependentReport r = StartDependentReport(ctx, dep, id, &md, /*with_bio=*/false);
  r.alert.mutable_dependent()->set_reason(reason);
  // Dependent/Terminate EffectiveDate: the effective date of the DS-2019 row that terminated
  // the dependent (docs/rule-decisions.md, "J batch XML").
  if (event == v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE) {
    r.alert.mutable_dependent()->set_termination_effective_date(
        Trim(ctx.ds2019->effective_date()));
  }
  r.issues.CheckCode(*ctx.setup, DependentPath(id) + field, reason, {type}, label);
  EmitDependent(ctx, event, id, std::move(r), out);
}

void DetectDependentEvents(const JContext& ctx, std::vector<Detection>& out) {
  std::vector<std::string_view> seen;
  for (const v1::Ds2019Dependent& dep : ctx.ds2019->dependents()) {
    const std::string_view id = TrimView(dep.dependent_id());
    // No id: nothing to match with the SEVIS Master or to name the alert by.
    if (id.empty()) continue;
    // The same id twice on one DS-2019: the first row counts.
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    const v1::MasterDependent* md = FindMasterDependent(*ctx.master, id);
    const bool master_active = md != nullptr && StatusIs(md->relationship_status(), "ACTIVE");

    switch (dep.relationship_status()) {
      case v1::RELATIONSHIP_STATUS_ACTIVE:
        if (!ctx.Initial() && !ctx.Active()) break;
        if (md == nullptr) {
          // "Dependent - Add: The exchange visitor has a SEVIS Status of Initial or Active. A
          // dependent ID exists on the most recent effective-dated DS-2019 form where the
          // relationship status is Active AND The dependent ID does not exist in the SEVIS
          // Master component."
          DependentReport r = StartDependentReport(ctx, dep, id, nullptr, /*with_bio=*/true);
          // Dependent/Add FormPurpose (EVPrintReasonType): "06 - Begin new program" while the
          // exchange visitor has not begun (Initial), else "08": the dependent joins an
          // ongoing program (docs/rule-decisions.md, "J batch XML").
          r.alert.mutable_dependent()->set_form_purpose(ctx.Initial() ? "06" : "08");
          EmitDependent(ctx, v1::EVENT_TYPE_EV_DEPENDENT_ADD, id, std::move(r), out);
        } else if (master_active || StatusIs(md->relationship_status(), "INITIAL")) {
          // Dependent - Edit: only a dependent live on both sides is edited.
          DetectDependentEdit(ctx, dep, id, *md, out);
        }
        break;
      case v1::RELATIONSHIP_STATUS_DELETED:
        // "Dependent - Delete: The exchange visitor has a SEVIS Status of Initial. The
        // relationship status in the SEVIS Master component is Active. AND The relationship
        // status on the most recent effective-dated DS-2019 form is Deleted." The dependents of
        // an Initial record may be held as INITIAL: counted as live too.
        if (ctx.Initial() && md != nullptr &&
            (master_active || StatusIs(md->relationship_status(), "INITIAL"))) {
          EmitDependent(ctx, v1::EVENT_TYPE_EV_DEPENDENT_DELETE, id,
                        StartDependentReport(ctx, dep, id, md, /*with_bio=*/false), out);
        }
        break;
      case v1::RELATIONSHIP_STATUS_ENDED:
        // "Dependent - End Status: The exchange visitor has a SEVIS Status of Active. The
        // relationship status on the most recent effective-dated DS-2019 Form is Ended Status
        // and an end status reason is provided. AND The relationship status for the dependent
        // ID on SEVIS Master component is Active."
        if (const std::string reason = Trim(dep.end_status_reason());
            ctx.Active() && master_active && !reason.empty()) {
          EmitWithReason(ctx, v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS, dep, id, *md, reason,
                         "end_status_reason", kDependentEndReasonType,
                         "Dependent end status reason", out);
        }
        break;
      case v1::RELATIONSHIP_STATUS_TERMINATED:
        // "Dependent - Terminate: The exchange visitor has a SEVIS Status of Active. The
        // relationship status in the SEVIS Master component, Dependents page is Active. AND The
        // relationship status on the most recent effective-dated DS-2019 form is Terminated and
        // a termination reason is provided."
        if (const std::string reason = Trim(dep.termination_reason());
            ctx.Active() && master_active && !reason.empty()) {
          EmitWithReason(ctx, v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE, dep, id, *md, reason,
                         "termination_reason", kDependentTerminationReasonType,
                         "Dependent termination reason", out);
        }
        break;
      default:
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Financial Info.

// A funding organisation (US government agency or international organisation): a known code,
// and a code whenever an amount is given (OtherFundsType: Org1 and Amount1 go together).
void CheckOrg(const Setup& setup, Issues& issues, const char* field, const std::string& org,
              int64_t amount, const char* type, const char* label) {
  const std::string path = std::string("ds2019.financial.") + field;
  if (!org.empty()) {
    issues.CheckCode(setup, path, org, {type}, label);
  } else if (amount != 0) {
    issues.Add(path, kRequiredMissing, std::string(label) + " is required with its amount");
  }
}

void DetectFinancialInfo(const JContext& ctx, std::vector<Detection>& out) {
  // "Financial Info: The exchange visitor has a SEVIS Status of Initial or Active. A difference
  // exists between the data on the SEVIS Master component and the following data on the most
  // recent effective-dated row on the DS-2019 form: Received U.S. Gov Funds, Current Program
  // Sponsor, GovtOrg1, GovtOrg1Amount, GovtOrg2, GovtOrg2Amount, InternatOrg1,
  // InternatOrg1Amount, InternatOrg2, InternatOrg2Amount, EV Govt, Binational Commission, Other
  // Org, Personal Funds".
  if (!ctx.Initial() && !ctx.Active()) return;
  const v1::EvFinancial& m = ctx.master->ev_financial();
  const v1::EvFinancial& f = ctx.ds2019->financial();
  v1::Alert alert;
  if (m.received_us_govt_funds() != f.received_us_govt_funds()) {
    AddChange(alert, "received_us_govt_funds", YesNo(m.received_us_govt_funds()),
              YesNo(f.received_us_govt_funds()));
  }
  CompareAmount(alert, "program_sponsor_funds", m.program_sponsor_funds(),
                f.program_sponsor_funds());
  Compare(alert, "govt_org1", m.govt_org1(), f.govt_org1());
  CompareAmount(alert, "govt_org1_amount", m.govt_org1_amount(), f.govt_org1_amount());
  Compare(alert, "govt_org2", m.govt_org2(), f.govt_org2());
  CompareAmount(alert, "govt_org2_amount", m.govt_org2_amount(), f.govt_org2_amount());
  Compare(alert, "internat_org1", m.internat_org1(), f.internat_org1());
  CompareAmount(alert, "internat_org1_amount", m.internat_org1_amount(),
                f.internat_org1_amount());
  Compare(alert, "internat_org2", m.internat_org2(), f.internat_org2());
  CompareAmount(alert, "internat_org2_amount", m.internat_org2_amount(),
                f.internat_org2_amount());
  CompareAmount(alert, "ev_govt", m.ev_govt(), f.ev_govt());
  CompareAmount(alert, "binational_commission", m.binational_commission(),
                f.binational_commission());
  // "Other Org": the amount and the organisation's name (OtherFundsType Other: Name, Amount).
  CompareAmount(alert, "other_org", m.other_org(), f.other_org());
  Compare(alert, "other_org_name", m.other_org_name(), f.other_org_name());
  CompareAmount(alert, "personal_funds", m.personal_funds(), f.personal_funds());
  if (alert.changes().empty()) return;

  v1::EvFinancial& data = *alert.mutable_ev_financial();
  data = f;
  data.set_govt_org1(Trim(f.govt_org1()));
  data.set_govt_org2(Trim(f.govt_org2()));
  data.set_internat_org1(Trim(f.internat_org1()));
  data.set_internat_org2(Trim(f.internat_org2()));
  data.set_other_org_name(Trim(f.other_org_name()));

  Issues issues;
  const Setup& setup = *ctx.setup;
  issues.CheckAmount("ds2019.financial.program_sponsor_funds", data.program_sponsor_funds(),
                     "Program sponsor funds");
  issues.CheckAmount("ds2019.financial.govt_org1_amount", data.govt_org1_amount(),
                     "U.S. government organisation 1 amount");
  issues.CheckAmount("ds2019.financial.govt_org2_amount", data.govt_org2_amount(),
                     "U.S. government organisation 2 amount");
  issues.CheckAmount("ds2019.financial.internat_org1_amount", data.internat_org1_amount(),
                     "International organisation 1 amount");
  issues.CheckAmount("ds2019.financial.internat_org2_amount", data.internat_org2_amount(),
                     "International organisation 2 amount");
  issues.CheckAmount("ds2019.financial.ev_govt", data.ev_govt(), "EV government funds");
  issues.CheckAmount("ds2019.financial.binational_commission", data.binational_commission(),
                     "Binational commission funds");
  issues.CheckAmount("ds2019.financial.other_org", data.other_org(), "Other organisation funds");
  issues.CheckAmount("ds2019.financial.personal_funds", data.personal_funds(), "Personal funds");
  CheckOrg(setup, issues, "govt_org1", data.govt_org1(), data.govt_org1_amount(), kGovAgencyType,
           "U.S. government organisation 1");
  CheckOrg(setup, issues, "govt_org2", data.govt_org2(), data.govt_org2_amount(), kGovAgencyType,
           "U.S. government organisation 2");
  CheckOrg(setup, issues, "internat_org1", data.internat_org1(), data.internat_org1_amount(),
           kInternationalOrgType, "International organisation 1");
  CheckOrg(setup, issues, "internat_org2", data.internat_org2(), data.internat_org2_amount(),
           kInternationalOrgType, "International organisation 2");
  if (data.other_org() != 0 && data.other_org_name().empty()) {
    issues.Add("ds2019.financial.other_org_name", kRequiredMissing,
               "Other organisation name is required with its amount");
  }
  out.push_back(MakeJDetection(ctx, v1::EVENT_TYPE_EV_FINANCIAL_INFO, "", std::move(alert),
                               issues.Take()));
}

}  // namespace

void DetectJPersonEvents(const JContext& ctx, std::vector<Detection>& out) {
  DetectBiographical(ctx, out);
  DetectDependentEvents(ctx, out);
  DetectFinancialInfo(ctx, out);
}

}  // namespace sevisflow::rules
