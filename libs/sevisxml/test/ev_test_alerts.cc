#include "ev_test_alerts.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sevisflow::sevisxml::testing {
namespace {

namespace v1 = sevisflow::v1;

std::string Digits(int n, int width) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*d", width, n);
  return buffer;
}

v1::Address UsAddress(int n) {
  v1::Address a;
  a.set_line1(absl::StrCat(100 + n, " Example Avenue"));
  if (n % 2 == 1) a.set_line2("Apt 2B");
  a.set_city("Boston");
  a.set_state("MA");
  a.set_postal_code("02115");
  return a;
}

v1::Alert Base(v1::EventType event, int n) {
  v1::Alert alert;
  std::string code = v1::EventType_Name(event);
  if (code.rfind("EVENT_TYPE_", 0) == 0) code.erase(0, 11);  // the stable code (events.md)
  alert.set_alert_id(absl::StrCat("alert-", code, "-", n));
  alert.set_org_id(kEvOrgId);
  alert.set_person_id(absl::StrCat("EV", 2000 + n));
  alert.set_visa_family(v1::VISA_FAMILY_J);
  alert.set_event_type(event);
  alert.set_detected_at("2025-06-02T08:15:00Z");
  alert.set_snapshot_version(7);
  if (event != v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) alert.set_sevis_id(EvSevisId(n));
  return alert;
}

// A J-2 dependent as the J rules report it (StartDependentReport / MakeDependent).
v1::DependentData Dependent(int n, int i) {
  v1::DependentData d;
  d.set_dependent_id(absl::StrCat("D", n, "-", i));
  d.set_relationship(i == 0 ? "01" : "02");
  d.set_last_name(i == 0 ? "Exemplar" : "Exemplar-Probe");
  d.set_first_name(i == 0 ? "Camille" : "Louis");
  if (i == 1) d.set_middle_name("Noel");
  d.set_birth_date(i == 0 ? "1990-04-11" : "2018-09-23");
  d.set_gender(i == 0 ? "F" : "M");
  d.set_birth_city("Lyon");
  d.set_birth_country("FR");
  d.set_citizenship_country("FR");
  d.set_permanent_residence_country("FR");
  if (i == 0) d.set_email(absl::StrCat("dependent", n, "@example.org"));
  return d;
}

v1::SiteOfActivityData Site(int n, int i) {
  v1::SiteOfActivityData s;
  s.set_site_id(absl::StrCat("S", n, "-", i));
  if (i == 1) {
    s.set_site_type("EXEMPT");
    s.set_remarks("Exempt from pre-placement: visiting lectures");
    return s;
  }
  s.set_name(i == 0 ? "Example University Main Campus" : absl::StrCat("Research Annex ", i));
  *s.mutable_address() = UsAddress(n + i);
  s.set_primary(i == 0);
  return s;
}

void FillCreate(v1::CreateExchangeVisitorData& d, int n) {
  d.set_last_name(n % 2 == 0 ? "Exemplar" : "Specimen");
  d.set_first_name(n % 2 == 0 ? "Jules" : "Ana");
  if (n % 2 == 1) d.set_middle_name("Maria");
  if (n % 2 == 1) d.set_preferred_name("Ana Specimen");
  if (n % 2 == 1) d.set_passport_name("ANA MARIA SPECIMEN");
  d.set_birth_date("1988-02-01");
  d.set_gender(n % 2 == 0 ? "M" : "F");
  d.set_birth_city("Lyon");
  d.set_birth_country("FR");
  d.set_citizenship_country("FR");
  d.set_permanent_residence_country("FR");
  d.set_email(absl::StrCat("visitor", n, "@example.org"));
  d.set_phone("6175550100");
  d.set_position_code("341");
  d.set_program_start_date("2025-08-25");
  d.set_program_end_date("2026-08-24");
  d.set_program_category("1B");
  d.set_subject_field_code("11.0701");
  d.set_subject_field_remarks("Computer science, exchange semester");
  *d.mutable_us_address() = UsAddress(n);
  d.set_us_address_explanation_code("OH");
  *d.mutable_mailing_address() = UsAddress(n + 1);
  v1::EvFinancial& f = *d.mutable_financial();
  f.set_received_us_govt_funds(n % 2 == 1);
  f.set_program_sponsor_funds(12000);
  if (n % 2 == 1) {
    f.set_govt_org1("DOS");
    f.set_govt_org1_amount(3000);
    f.set_internat_org1("ECA");
    f.set_internat_org1_amount(1500);
    f.set_ev_govt(2000);
    f.set_binational_commission(500);
    f.set_other_org(800);
    f.set_other_org_name("Example Foundation");
  }
  f.set_personal_funds(4000);
}

}  // namespace

std::vector<v1::EventType> AllEvEvents() {
  std::vector<v1::EventType> events;
  const google::protobuf::EnumDescriptor* descriptor = v1::EventType_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (number >= v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) {
      events.push_back(static_cast<v1::EventType>(number));
    }
  }
  return events;
}

std::string EvSevisId(int n) { return "N00" + Digits(4200000 + n, 8); }
std::string EvDependentSevisId(int n) { return "N00" + Digits(5300000 + n, 8); }

v1::Alert MakeCreateEvAlert(int n, int dependents, int sites) {
  v1::Alert alert = Base(v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, n);
  v1::CreateExchangeVisitorData& d = *alert.mutable_create_exchange_visitor();
  FillCreate(d, n);
  for (int i = 0; i < dependents; ++i) *d.add_dependents() = Dependent(n, i);
  for (int i = 0; i < sites; ++i) *d.add_sites() = Site(n, i);
  return alert;
}

v1::Alert MakeEvAlert(v1::EventType event, int n) {
  if (event == v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) return MakeCreateEvAlert(n, 1, 1);
  v1::Alert alert = Base(event, n);
  switch (event) {
    case v1::EVENT_TYPE_EV_BIOGRAPHICAL: {
      v1::BiographicalData& d = *alert.mutable_biographical();
      d.set_last_name("Specimen");
      d.set_first_name("Ana");
      d.set_middle_name("Maria");
      d.set_suffix("Jr.");
      d.set_passport_name("ANA MARIA SPECIMEN");
      d.set_birth_date("1988-02-01");
      d.set_gender("F");
      d.set_birth_city("Lyon");
      d.set_birth_country("FR");
      d.set_citizenship_country("FR");
      d.set_permanent_residence_country("FR");
      d.set_phone("6175550100");
      d.set_email("ana.specimen@example.org");
      d.set_position_code("341");
      *d.mutable_us_address() = UsAddress(n);
      d.set_us_address_explanation_code("OO");
      d.set_us_address_explanation("Lives with a host family");
      *d.mutable_mailing_address() = UsAddress(n + 3);
      // The preferred name was removed in the SIS: SEVIS's is cleared.
      v1::FieldChange* change = alert.add_changes();
      change->set_field("preferred_name");
      change->set_sevis_value("Ana Specimen");
      change->set_sis_value("");
      break;
    }
    case v1::EVENT_TYPE_EV_DEPENDENT_ADD: {
      v1::DependentData& d = *alert.mutable_dependent() = Dependent(n, 1);
      d.set_form_purpose("08");
      alert.set_subject(d.dependent_id());
      break;
    }
    case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
    case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
    case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE: {
      v1::DependentData& d = *alert.mutable_dependent() = Dependent(n, 0);
      d.set_dependent_sevis_id(EvDependentSevisId(n));
      alert.set_subject(d.dependent_id());
      if (event == v1::EVENT_TYPE_EV_DEPENDENT_EDIT) d.set_remarks("Spouse name corrected");
      if (event == v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS) d.set_reason("04");
      if (event == v1::EVENT_TYPE_EV_DEPENDENT_REPRINT) {
        d.set_reason("05");
        d.set_remarks("Form damaged in transit");
      }
      if (event == v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE) {
        d.set_reason("09");
        d.set_other_remarks("Dependent left the program area");
        d.set_termination_effective_date("2025-05-30");
      }
      break;
    }
    case v1::EVENT_TYPE_EV_FINANCIAL_INFO: {
      v1::EvFinancial& f = *alert.mutable_ev_financial();
      f.set_received_us_govt_funds(true);
      f.set_program_sponsor_funds(15000);
      f.set_govt_org1("DOS");
      f.set_govt_org1_amount(2500);
      f.set_personal_funds(3000);
      // The binational commission no longer funds the visitor: SEVIS's amount is cleared.
      v1::FieldChange* change = alert.add_changes();
      change->set_field("binational_commission");
      change->set_sevis_value("500");
      change->set_sis_value("0");
      break;
    }
    case v1::EVENT_TYPE_EV_PROGRAM_AMEND:
    case v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT:
    case v1::EVENT_TYPE_EV_PROGRAM_EXTENSION:
    case v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE:
    case v1::EVENT_TYPE_EV_PROGRAM_SHORTEN: {
      v1::EvProgramData& d = *alert.mutable_ev_program();
      d.set_program_category(event == v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE ? "1C" : "1B");
      d.set_program_start_date("2025-08-25");
      d.set_program_end_date(event == v1::EVENT_TYPE_EV_PROGRAM_SHORTEN ? "2026-05-15"
                                                                         : "2027-05-20");
      d.set_subject_field_code("11.0701");
      d.set_subject_field_remarks("Computer science");
      d.set_remarks("Program dates updated by the sponsor");
      if (event == v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE) d.set_matriculation_code("M");
      if (event == v1::EVENT_TYPE_EV_PROGRAM_SHORTEN) d.set_reason("OTHR");
      if (event == v1::EVENT_TYPE_EV_PROGRAM_EXTENSION) {
        v1::TippPhase* phase = d.add_tipp_phases();
        phase->set_phase_id("4711");
        phase->set_name("Phase 1");
        phase->set_site_id("S0-0");
        phase->set_start_date("2025-08-25");
        phase->set_end_date("2027-05-20");
      }
      break;
    }
    case v1::EVENT_TYPE_EV_REPRINT: {
      v1::EvStatusData& d = *alert.mutable_ev_status();
      d.set_reason("05");
      d.set_remarks("Original DS-2019 lost");
      break;
    }
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD: {
      v1::SiteOfActivityData& s = *alert.mutable_site_of_activity() = Site(n, 2);
      alert.set_subject(s.site_id());
      break;
    }
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT: {
      v1::SiteOfActivityData& s = *alert.mutable_site_of_activity() = Site(n, 0);
      s.set_sevis_site_id(absl::StrCat("9087", n));
      s.set_sevis_name("Example University");
      if (event == v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT) s.set_explanation_code("OB");
      alert.set_subject(s.site_id());
      break;
    }
    case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION: {
      v1::EvStatusData& d = *alert.mutable_ev_status();
      d.set_infraction_type("EXT");
      d.set_new_end_date("2026-12-18");
      d.set_remarks("Extension filed late; program continues");
      break;
    }
    case v1::EVENT_TYPE_EV_STATUS_INVALID:
      alert.mutable_ev_status()->set_remarks("Record created in error");
      break;
    case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
      alert.mutable_ev_status();
      break;
    case v1::EVENT_TYPE_EV_STATUS_TERMINATE: {
      v1::EvStatusData& d = *alert.mutable_ev_status();
      d.set_reason("OTHER");
      d.set_effective_date("2025-06-01");
      d.set_other_remarks("Left the program without notice");
      break;
    }
    case v1::EVENT_TYPE_EV_VALIDATE: {
      v1::ValidateData& d = *alert.mutable_validate();
      d.set_institution("EXU01");
      d.set_career("UGRD");
      d.set_term("2258");
      d.set_as_of_date("2025-08-20");
      *d.mutable_us_address() = UsAddress(n);
      d.set_email(absl::StrCat("visitor", n, "@example.org"));
      d.set_phone("6175550100");
      break;
    }
    default:
      break;  // unknown to the factory: no data
  }
  return alert;
}

}  // namespace sevisflow::sevisxml::testing
