// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - J", event "Create Exchange
// Visitor" (SEVIS CreateEV/ExchangeVisitor, Create-UpdateExchangeVisitor.xsd EVPersonType).
//
// Readings (docs/rule-decisions.md):
//  - The visa condition is the J selection criteria (SelectJVisa): J-1 by the newest Port of
//    Entry immigration status, else a Visa/Permit 03 where the country is USA.
//  - "The reason code is provided if Country of Birth is US or US Territory": a missing reason
//    does not hold the create back; the alert fires with a REQUIRED_MISSING issue on the reason,
//    so the DSO sees the record that SEVIS would otherwise never receive.
//  - Mailing address: the SIS address of type "MAIL" when there is one, else the U.S. address.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "internal.h"
#include "sevisflow/names/names.h"
#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/j_context.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {
namespace {

using internal::CheckCip;
using internal::DateOf;
using internal::FindAddress;
using internal::FindName;
using internal::Issues;
using internal::kDateOrder;
using internal::kInvalidFormat;
using internal::kOutOfRange;
using internal::kRequiredMissing;
using internal::Trim;
using internal::Upper;

// SEVISTable.xsd simple types of the exchange-visitor schema.
constexpr char kEvGenderType[] = "EVGenderCodeType";
constexpr char kEvCategoryType[] = "EVCategoryCodeType";
constexpr char kEvPositionType[] = "EVPositionCodeType";
constexpr char kEvOccupationType[] = "EVOccupationCategoryCodeType";
constexpr char kUsBornReasonType[] = "USBornReasonType";
constexpr char kDependentType[] = "DependentCodeType";
constexpr char kGovAgencyType[] = "GovAgencyCodeType";
constexpr char kIntlOrgType[] = "InternationalOrgCodeType";

// The SIS address type read as the mailing address when present (Setup has no mailing type).
constexpr char kMailAddressType[] = "MAIL";
// CreateDependent/Dependent and AddSiteOfActivity/SiteOfActivity: maxOccurs 25.
constexpr int kMaxDependents = 25;
constexpr int kMaxSites = 25;

bool BornInUs(std::string_view birth_country) { return BornInUsOrTerritory(birth_country); }

bool AllDigits(const std::string& s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c) != 0;
         });
}

// "The reason code is provided if Country of Birth is US or US Territory."
void CheckBirthCountryReason(const Setup& setup, Issues& issues, const std::string& field,
                             const std::string& birth_country, const std::string& reason) {
  if (BornInUs(birth_country)) {
    issues.RequireCode(setup, field, reason, {kUsBornReasonType},
                       "Birth country reason (born in the US or a US territory)");
  } else if (!reason.empty()) {
    issues.CheckCode(setup, field, reason, {kUsBornReasonType}, "Birth country reason");
  }
}

// USAddrDoctorType (US and mailing address) and the SOA address: Address1 and a 5-digit
// PostalCode required, State a StateCodeType when given.
void CheckUsAddress(const Setup& setup, Issues& issues, const std::string& field,
                    const v1::Address& address, const char* label) {
  if (Trim(address.line1()).empty()) {
    issues.Add(field + ".line1", kRequiredMissing, std::string(label) + " line 1 is required");
  }
  if (!AllDigits(Trim(address.postal_code()), 5)) {
    issues.Add(field + ".postal_code", kInvalidFormat,
               std::string(label) + " postal code must be 5 digits");
  }
  const std::string state = Trim(address.state());
  if (!state.empty()) issues.CheckCode(setup, field + ".state", state, {kStateType}, "State");
}

v1::DependentData MakeDependent(const v1::Ds2019Dependent& dep, const Setup& setup,
                                Issues& issues) {
  const std::string id = Trim(dep.dependent_id());
  const std::string path = "ds2019.dependents[" + id + "]";
  v1::DependentData d;
  d.set_dependent_id(id);
  d.set_relationship(Trim(dep.relationship()));
  issues.RequireCode(setup, path + ".relationship", d.relationship(), {kDependentType},
                     "Dependent relationship");
  const v1::PersonName* preferred = nullptr;
  const v1::PersonName* passport = nullptr;
  for (const auto& n : dep.names()) {
    const std::string type = Trim(n.name_type());
    if (preferred == nullptr && !setup.preferred_name_type.empty() &&
        type == setup.preferred_name_type) {
      preferred = &n;
    }
    if (passport == nullptr && !setup.passport_name_type.empty() &&
        type == setup.passport_name_type) {
      passport = &n;
    }
  }
  names::StandardizedNames std_names = names::StandardizeNames(
      names::NameInput{dep.has_name() ? &dep.name() : nullptr, preferred, passport},
      setup.dummy_first_name, path + ".names");
  d.set_last_name(std_names.last_name);
  d.set_first_name(std_names.first_name);
  d.set_middle_name(std_names.middle_name);
  d.set_suffix(std_names.suffix);
  d.set_preferred_name(std_names.preferred_name);
  d.set_passport_name(std_names.passport_name);
  issues.Append(std::move(std_names.issues));

  const v1::BioDemo& bio = dep.bio();
  d.set_birth_date(Trim(bio.birth_date()));
  issues.RequireDate(path + ".bio.birth_date", d.birth_date(), "Dependent birth date");
  d.set_gender(Trim(bio.gender()));
  issues.RequireCode(setup, path + ".bio.gender", d.gender(), {kEvGenderType}, "Dependent gender");
  d.set_birth_city(Trim(bio.birth_city()));
  if (d.birth_city().empty()) {
    issues.Add(path + ".bio.birth_city", kRequiredMissing, "Dependent birth city is required");
  }
  d.set_birth_country(Trim(bio.birth_country()));
  issues.RequireCode(setup, path + ".bio.birth_country", d.birth_country(), {kBirthCountryType},
                     "Dependent birth country");
  d.set_citizenship_status(Trim(bio.citizenship_status()));
  d.set_citizenship_country(Trim(bio.citizenship_country()));
  issues.RequireCode(setup, path + ".bio.citizenship_country", d.citizenship_country(),
                     {kCountryType}, "Dependent citizenship country");
  d.set_permanent_residence_country(Trim(dep.permanent_residence_country()));
  issues.RequireCode(setup, path + ".permanent_residence_country",
                     d.permanent_residence_country(), {kCountryType},
                     "Dependent permanent residence country");
  d.set_birth_country_reason(Trim(dep.birth_country_reason()));
  CheckBirthCountryReason(setup, issues, path + ".birth_country_reason", d.birth_country(),
                          d.birth_country_reason());
  d.set_email(Trim(bio.preferred_email()));
  d.set_remarks(dep.remarks());
  return d;
}

// The sites of activity as of `today`: per site id the newest row not after today (rows
// without a valid date count as the oldest; a tie goes to the later row). Feed order kept.
std::vector<const v1::SiteOfActivity*> CurrentSites(const v1::Ds2019Form& ds2019,
                                                    common::Date today) {
  std::vector<const v1::SiteOfActivity*> out;
  std::vector<std::optional<common::Date>> dates;
  for (const auto& site : ds2019.sites()) {
    const std::optional<common::Date> d = DateOf(site.effective_date());
    if (d && *d > today) continue;  // a future row is not in effect yet
    const std::string id = Trim(site.site_id());
    size_t i = 0;
    if (!id.empty()) {
      for (; i < out.size(); ++i) {
        if (Trim(out[i]->site_id()) == id) break;
      }
    } else {
      i = out.size();  // no id: a site of its own
    }
    if (i == out.size()) {
      out.push_back(&site);
      dates.push_back(d);
    } else if (d >= dates[i]) {
      out[i] = &site;
      dates[i] = d;
    }
  }
  return out;
}

v1::SiteOfActivityData MakeSite(const v1::SiteOfActivity& site, const Setup& setup,
                                Issues& issues) {
  const std::string id = Trim(site.site_id());
  const std::string path = "ds2019.sites[" + id + "]";
  v1::SiteOfActivityData s;
  s.set_site_id(id);
  s.set_name(Trim(site.name()));
  if (s.name().empty()) {
    issues.Add(path + ".name", kRequiredMissing, "Site of activity name is required");
  }
  *s.mutable_address() = site.address();
  CheckUsAddress(setup, issues, path + ".address", site.address(), "Site of activity address");
  s.set_explanation_code(Upper(site.explanation_code()));
  s.set_explanation(site.explanation());
  if (s.explanation_code() == "OO" && Trim(site.explanation()).empty()) {
    issues.Add(path + ".explanation", kRequiredMissing,
               "Site of activity explanation is required for explanation code OO");
  }
  s.set_primary(site.primary());
  return s;
}

}  // namespace

std::optional<Detection> DetectCreateExchangeVisitor(const v1::SisPersonSnapshot& snapshot,
                                                     const MasterLookup& master,
                                                     const Setup& setup, common::Date today,
                                                     bool validate_cip) {
  // Trigger: J-1 (SelectJVisa) AND current DS-2019 Active AND Funding Verified AND no SEVIS
  // Master row for the program number. The birth-country reason is an issue, not a gate.
  if (!SelectJVisa(snapshot)) return std::nullopt;
  const v1::Ds2019Form* ds = CurrentDs2019(snapshot, today);
  if (ds == nullptr || !Ds2019ActiveAndFunded(*ds)) return std::nullopt;
  const std::string org = Trim(ds->program_number());
  if (org.empty()) return std::nullopt;  // no program sponsor: nothing to report it to
  if (master) {
    const v1::MasterRecord* row = master(org);
    if (row != nullptr && !row->deleted()) return std::nullopt;
  }

  Issues issues;
  v1::CreateExchangeVisitorData data;

  // Biographical: names.
  names::StandardizedNames standardized = names::StandardizeNames(
      names::NameInput{FindName(snapshot, setup.legal_name_type),
                       FindName(snapshot, setup.preferred_name_type),
                       FindName(snapshot, setup.passport_name_type)},
      setup.dummy_first_name, "names");
  data.set_last_name(standardized.last_name);
  data.set_first_name(standardized.first_name);
  data.set_middle_name(standardized.middle_name);
  data.set_suffix(standardized.suffix);
  data.set_preferred_name(standardized.preferred_name);
  data.set_passport_name(standardized.passport_name);
  issues.Append(std::move(standardized.issues));

  // Biographical: NonImgBioType.
  const v1::BioDemo& bio = snapshot.bio();
  data.set_birth_date(Trim(bio.birth_date()));
  if (auto born = issues.RequireDate("bio.birth_date", data.birth_date(), "Birth date");
      born && *born > today) {
    issues.Add("bio.birth_date", kOutOfRange, "Birth date is in the future");
  }
  data.set_gender(Trim(bio.gender()));
  issues.RequireCode(setup, "bio.gender", data.gender(), {kEvGenderType}, "Gender");
  data.set_birth_city(Trim(bio.birth_city()));
  if (data.birth_city().empty()) {
    issues.Add("bio.birth_city", kRequiredMissing, "Birth city is required");
  }
  data.set_birth_country(Trim(bio.birth_country()));
  issues.RequireCode(setup, "bio.birth_country", data.birth_country(), {kBirthCountryType},
                     "Birth country");
  data.set_birth_country_reason(Trim(ds->birth_country_reason()));
  CheckBirthCountryReason(setup, issues, "ds2019.birth_country_reason", data.birth_country(),
                          data.birth_country_reason());
  {
    const std::string ds_citizenship = Trim(ds->citizenship_country());
    const bool from_ds = !ds_citizenship.empty();
    data.set_citizenship_country(from_ds ? ds_citizenship : Trim(bio.citizenship_country()));
    issues.RequireCode(setup, from_ds ? "ds2019.citizenship_country" : "bio.citizenship_country",
                       data.citizenship_country(), {kCountryType}, "Citizenship country");
  }
  data.set_permanent_residence_country(Trim(ds->permanent_residence_country()));
  issues.RequireCode(setup, "ds2019.permanent_residence_country",
                     data.permanent_residence_country(), {kCountryType},
                     "Permanent residence country");
  data.set_email(Trim(bio.preferred_email()));
  data.set_phone(Trim(bio.preferred_phone()));
  if (!data.phone().empty() && !AllDigits(data.phone(), 10)) {  // common:PhoneTenDigits
    issues.Add("bio.preferred_phone", kInvalidFormat, "Phone number must be 10 digits");
  }

  // Program.
  data.set_position_code(Trim(ds->position_code()));
  issues.RequireCode(setup, "ds2019.position_code", data.position_code(), {kEvPositionType},
                     "Position code");
  data.set_program_start_date(Trim(ds->program_start_date()));
  data.set_program_end_date(Trim(ds->program_end_date()));
  auto start =
      issues.RequireDate("ds2019.program_start_date", data.program_start_date(), "Program start date");
  auto end = issues.RequireDate("ds2019.program_end_date", data.program_end_date(), "Program end date");
  if (start && end && *end <= *start) {
    issues.Add("ds2019.program_end_date", kDateOrder,
               "Program end date must be after the start date");
  }
  data.set_program_category(Upper(ds->program_category()));
  issues.RequireCode(setup, "ds2019.program_category", data.program_category(),
                     {kEvCategoryType}, "Program category");
  data.set_occupation_category(Trim(ds->occupation_category()));
  if (!data.occupation_category().empty()) {
    issues.CheckCode(setup, "ds2019.occupation_category", data.occupation_category(),
                     {kEvOccupationType}, "Occupation category");
  }

  // SubjectField: students (1A-1F) from the student plans ("Program - Edit Subject"), else, and
  // when the plans give no major, the DS-2019's subject field code.
  {
    std::string field = "ds2019.subject_field_code";
    std::string code = Trim(ds->subject_field_code());
    if (IsStudentCategory(data.program_category())) {
      Majors majors = SelectMajors(snapshot, setup, kVisaJ1);
      if (!majors.primary.empty()) {
        code = majors.primary;
        field = majors.from_application ? "application_plans.primary_major" : "plans.primary_major";
      }
    }
    data.set_subject_field_code(code);
    CheckCip(setup, validate_cip, issues, field, code, /*required=*/true, /*allow_no_cip=*/false,
             "Subject field CIP");
  }
  data.set_subject_field_remarks(ds->subject_field_remarks());
  {
    const size_t n = Trim(ds->subject_field_remarks()).size();
    if (n == 0) {  // SubjectField/Remarks: common:RemarksType, minLength 1
      issues.Add("ds2019.subject_field_remarks", kRequiredMissing,
                 "Subject field remarks are required");
    } else if (ds->subject_field_remarks().size() > 500) {
      issues.Add("ds2019.subject_field_remarks", kOutOfRange,
                 "Subject field remarks must be at most 500 characters");
    }
  }
  // Student Intern (1G): foreign degree level and field of study.
  if (data.program_category() == "1G") {
    data.set_foreign_degree_level(Trim(ds->foreign_degree_level()));
    data.set_foreign_field_of_study(Trim(ds->foreign_field_of_study()));
  }
  data.set_remarks(ds->remarks());

  // Addresses: USAddress by the Address Mapping; MailAddress "MAIL", else the U.S. address.
  const v1::Address* us = FindAddress(snapshot, setup.us_address_type);
  if (us != nullptr) {
    *data.mutable_us_address() = *us;
    CheckUsAddress(setup, issues, "addresses.us", *us, "U.S. address");
  }
  // USAddress / MailAddress ExplanationCode and Explanation (USAddrDoctorType): the DS-2019's,
  // the values Biographical compares with the SEVIS Master.
  data.set_us_address_explanation_code(Trim(ds->us_address_explanation_code()));
  data.set_us_address_explanation(Trim(ds->us_address_explanation()));
  data.set_mailing_address_explanation_code(Trim(ds->mailing_address_explanation_code()));
  data.set_mailing_address_explanation(Trim(ds->mailing_address_explanation()));
  if (const v1::Address* mail = FindAddress(snapshot, kMailAddressType); mail != nullptr) {
    *data.mutable_mailing_address() = *mail;
    CheckUsAddress(setup, issues, "addresses.mail", *mail, "Mailing address");
  } else if (us != nullptr) {
    *data.mutable_mailing_address() = *us;
  }

  // FinancialInfo.
  const v1::EvFinancial& fin = ds->financial();
  *data.mutable_financial() = fin;
  issues.CheckAmount("ds2019.financial.program_sponsor_funds", fin.program_sponsor_funds(),
                     "Program sponsor funds");
  issues.CheckAmount("ds2019.financial.govt_org1_amount", fin.govt_org1_amount(),
                     "U.S. government organisation 1 amount");
  issues.CheckAmount("ds2019.financial.govt_org2_amount", fin.govt_org2_amount(),
                     "U.S. government organisation 2 amount");
  issues.CheckAmount("ds2019.financial.internat_org1_amount", fin.internat_org1_amount(),
                     "International organisation 1 amount");
  issues.CheckAmount("ds2019.financial.internat_org2_amount", fin.internat_org2_amount(),
                     "International organisation 2 amount");
  issues.CheckAmount("ds2019.financial.ev_govt", fin.ev_govt(), "EV government funds");
  issues.CheckAmount("ds2019.financial.binational_commission", fin.binational_commission(),
                     "Binational commission funds");
  issues.CheckAmount("ds2019.financial.other_org", fin.other_org(), "Other organisation funds");
  issues.CheckAmount("ds2019.financial.personal_funds", fin.personal_funds(), "Personal funds");
  if (!Trim(fin.govt_org1()).empty()) {
    issues.CheckCode(setup, "ds2019.financial.govt_org1", Trim(fin.govt_org1()), {kGovAgencyType},
                     "U.S. government organisation 1");
  }
  if (!Trim(fin.govt_org2()).empty()) {
    issues.CheckCode(setup, "ds2019.financial.govt_org2", Trim(fin.govt_org2()), {kGovAgencyType},
                     "U.S. government organisation 2");
  }
  if (!Trim(fin.internat_org1()).empty()) {
    issues.CheckCode(setup, "ds2019.financial.internat_org1", Trim(fin.internat_org1()),
                     {kIntlOrgType}, "International organisation 1");
  }
  if (!Trim(fin.internat_org2()).empty()) {
    issues.CheckCode(setup, "ds2019.financial.internat_org2", Trim(fin.internat_org2()),
                     {kIntlOrgType}, "International organisation 2");
  }

  // CreateDependent: every Active dependent of the DS-2019 (the first row of a repeated id).
  {
    std::vector<std::string> seen;
    for (const v1::Ds2019Dependent& dep : ds->dependents()) {
      if (dep.relationship_status() != v1::RELATIONSHIP_STATUS_ACTIVE) continue;
      const std::string id = Trim(dep.dependent_id());
      if (!id.empty()) {
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
        seen.push_back(id);
      }
      *data.add_dependents() = MakeDependent(dep, setup, issues);
    }
    if (data.dependents_size() > kMaxDependents) {
      issues.Add("ds2019.dependents", kOutOfRange, "At most 25 dependents can be created");
    }
  }

  // AddSiteOfActivity: every Active site (its newest row); SEVIS requires at least one.
  for (const v1::SiteOfActivity* site : CurrentSites(*ds, today)) {
    if (site->status() != v1::FORM_STATUS_ACTIVE) continue;
    *data.add_sites() = MakeSite(*site, setup, issues);
  }
  if (data.sites().empty()) {
    issues.Add("ds2019.sites", kRequiredMissing, "An active site of activity is required");
  } else if (data.sites_size() > kMaxSites) {
    issues.Add("ds2019.sites", kOutOfRange, "At most 25 sites of activity can be added");
  }

  Detection detection;
  v1::Alert& alert = detection.alert;
  alert.set_org_id(org);
  alert.set_person_id(snapshot.person_id());
  alert.set_visa_family(v1::VISA_FAMILY_J);
  alert.set_event_type(v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  alert.set_snapshot_version(snapshot.version());
  for (auto& issue : issues.Take()) *alert.add_issues() = std::move(issue);
  *alert.mutable_create_exchange_visitor() = std::move(data);
  alert.set_alert_id(AlertId(org, snapshot.person_id(), v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR,
                             alert.subject(), alert.create_exchange_visitor()));
  detection.emitted_key =
      EmittedKey(org, v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, alert.subject());
  return detection;
}

}  // namespace sevisflow::rules
