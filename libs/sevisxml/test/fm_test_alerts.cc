#include "fm_test_alerts.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "test_support.h"

namespace sevisflow::sevisxml::testing {
namespace {

namespace v1 = sevisflow::v1;

std::string TenDigits(int prefix, int n) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d%08d", prefix % 100, n % 100000000);
  return buffer;
}

void AddChange(v1::Alert& alert, const std::string& field, const std::string& sevis_value,
               const std::string& sis_value) {
  v1::FieldChange* change = alert.add_changes();
  change->set_field(field);
  change->set_sevis_value(sevis_value);
  change->set_sis_value(sis_value);
}

void SetUsAddress(v1::Address* a, int n) {
  a->set_line1(absl::StrCat(100 + n, " Example Street"));
  a->set_line2("Apt 4B");
  a->set_city("Boston");
  a->set_state("MA");
  a->set_postal_code("02115");
}

void SetForeignAddress(v1::Address* a) {
  a->set_line1("12 Rue Fictive");
  a->set_city("Lyon");
  a->set_province("Rhone");
  a->set_country("FR");
  a->set_postal_code("69001");
}

v1::EmployerData Employer(int number, int n) {
  v1::EmployerData e;
  e.set_employer_number(number);
  e.set_name(absl::StrCat("Example Robotics ", number, " LLC"));
  v1::Address* a = e.mutable_address();
  a->set_line1(absl::StrCat(500 + number, " Innovation Way"));
  a->set_city("Cambridge");
  a->set_state("MA");
  a->set_postal_code("02139-4307");
  e.set_ein(absl::StrCat("12345678", number % 10));
  e.set_start_date("2026-06-01");
  e.set_end_date("2027-05-31");
  e.set_full_part_time("FT");
  e.set_course_relevance("Applies the control-systems coursework of the degree program.");
  e.set_job_title("Junior Robotics Engineer");
  e.set_supervisor_first_name("Jordan");
  e.set_supervisor_last_name("Samplemanager");
  e.set_supervisor_email(absl::StrCat("supervisor", n, "@example.com"));
  e.set_supervisor_phone("6175550100");
  return e;
}

// EmploymentData as fm_employment.cc's BaseAlert fills it.
v1::EmploymentData* Employment(v1::Alert& alert, const char* type, bool in_sevis) {
  v1::EmploymentData* d = alert.mutable_employment();
  d->set_sequence(3);
  d->set_employment_type(type);
  d->set_start_date("2026-06-01");
  d->set_end_date("2027-05-31");
  d->set_full_part_time("FT");
  if (in_sevis) {
    d->set_sevis_start_date("2026-05-15");
    d->set_sevis_end_date("2027-05-14");
  }
  return d;
}

void FillDependent(v1::DependentData* d, int n, bool in_sevis) {
  d->set_dependent_id(SisDependentId(n));
  if (in_sevis) d->set_dependent_sevis_id(DependentSevisId(n));
  d->set_relationship(n % 2 == 0 ? "01" : "02");
  d->set_visa_type("04");
  d->set_last_name("Testperson");
  d->set_first_name(n % 2 == 0 ? "Camille" : "Noa");
  d->set_middle_name(n % 2 == 0 ? "Rose" : "");
  d->set_birth_date(n % 2 == 0 ? "2002-11-23" : "2021-04-09");
  d->set_gender(n % 2 == 0 ? "F" : "M");
  d->set_birth_city("Lyon");
  d->set_birth_country("FR");
  d->set_citizenship_status("03");
  d->set_citizenship_country("FR");
  d->set_email(absl::StrCat("family", n, "@example.org"));
}

void FillProgram(v1::ProgramData* p) {
  p->set_level_of_education("05");
  p->set_primary_major("14.0901");
  p->set_secondary_major("00.0000");
  p->set_minor("27.0101");
  p->set_program_start_date("2026-01-12");
  p->set_program_end_date("2027-12-18");
  p->set_initial_session_start_date("2026-01-12");
  p->set_english_proficiency_required(true);
  p->set_english_proficiency_met(true);
}

void FillFinancial(v1::FinancialData* f) {
  f->set_months_in_academic_term(9);
  f->set_tuition(48500);
  f->set_living_expenses(21000);
  f->set_dependent_expenses(4000);
  f->set_other_expenses(1500);
  f->set_other_expenses_comment("Health insurance");
  f->set_personal_funds(50000);
  f->set_school_funds(25000);
  f->set_school_funds_comment("Graduate assistantship");
  f->set_on_campus_employment(0);
}

}  // namespace

std::vector<v1::EventType> FmEventTypes() {
  std::vector<v1::EventType> out;
  const google::protobuf::EnumDescriptor* descriptor = v1::EventType_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    // F/M codes are 1..99; J starts at 100 (alert.proto).
    if (number >= 1 && number < 100) out.push_back(static_cast<v1::EventType>(number));
  }
  return out;
}

std::string StudentSevisId(int n) { return absl::StrCat("N", TenDigits(1, n)); }
std::string DependentSevisId(int n) { return absl::StrCat("N", TenDigits(2, n)); }
std::string SisDependentId(int n) { return absl::StrCat("DEP", 100 + n); }

v1::Alert MakeFmAlert(v1::EventType event, int n) {
  if (event == v1::EVENT_TYPE_CREATE_STUDENT) return MakeCreateStudentAlert(n);
  v1::Alert alert;
  alert.set_alert_id(absl::StrCat("alert-", v1::EventType_Name(event).substr(11), "-", n));
  alert.set_org_id("BOS214F00123000");
  alert.set_person_id(absl::StrCat("SIS", 1000 + n));
  alert.set_visa_family(v1::VISA_FAMILY_FM);
  alert.set_event_type(event);
  alert.set_sevis_id(StudentSevisId(n));
  alert.set_detected_at("2026-02-03T08:15:00Z");
  alert.set_snapshot_version(7);

  switch (event) {
    // Auth Drop Below FC: Add is detected (units), the DSO adds reason and start date; Cancel
    // and Edit are entered by the DSO.
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD: {
      v1::AuthDropBelowData* d = alert.mutable_auth_drop_below();
      d->set_term("2262");
      d->set_enrolled_units(6);
      d->set_required_units(12);
      d->set_reason("02");
      d->set_start_date("2026-01-20");
      d->set_end_date("2026-05-08");
      d->set_remarks("Documented medical condition");
      break;
    }
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL: {
      v1::AuthDropBelowData* d = alert.mutable_auth_drop_below();
      d->set_reason("02");
      d->set_start_date("2026-03-02");
      d->set_end_date("2026-05-08");
      break;
    }
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT: {
      v1::AuthDropBelowData* d = alert.mutable_auth_drop_below();
      d->set_reason("02");
      d->set_start_date("2026-03-02");
      d->set_end_date("2026-05-08");
      d->set_new_reason("04");
      d->set_new_start_date("2026-03-09");
      d->set_new_end_date("2026-05-01");
      d->set_remarks("Start moved by one week");
      break;
    }
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD: {
      v1::EmploymentData* d = Employment(alert, "02", false);
      d->set_full_part_time("PT");
      d->set_remarks("Required internship course ENGR 590");
      *d->add_employers() = Employer(1, n);
      break;
    }
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL: {
      v1::EmploymentData* d = Employment(alert, "02", true);
      d->set_full_part_time("PT");
      *d->add_employers() = Employer(1, n);
      break;
    }
    case v1::EVENT_TYPE_DEPENDENT_ADD:
      FillDependent(alert.mutable_dependent(), n, false);
      alert.set_subject(SisDependentId(n));
      break;
    case v1::EVENT_TYPE_DEPENDENT_CANCEL:
      FillDependent(alert.mutable_dependent(), n, true);
      alert.mutable_dependent()->set_reason("01");
      alert.set_subject(SisDependentId(n));
      break;
    case v1::EVENT_TYPE_DEPENDENT_EDIT:
      FillDependent(alert.mutable_dependent(), n, true);
      alert.set_subject(SisDependentId(n));
      AddChange(alert, "birth_city", "Paris", "Lyon");
      AddChange(alert, "suffix", "Jr.", "");  // the suffix went away: cleared in SEVIS
      break;
    case v1::EVENT_TYPE_DEPENDENT_REACTIVATE:
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
      FillDependent(alert.mutable_dependent(), n, true);
      alert.set_subject(SisDependentId(n));
      alert.set_manual(event == v1::EVENT_TYPE_DEPENDENT_REPRINT);
      break;
    case v1::EVENT_TYPE_DEPENDENT_TERMINATE:
      FillDependent(alert.mutable_dependent(), n, true);
      alert.mutable_dependent()->set_reason("02");
      alert.mutable_dependent()->set_remarks("Dependent left the United States");
      alert.set_subject(SisDependentId(n));
      break;
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION:
      alert.set_manual(true);
      alert.mutable_status()->set_explanation(
          "Student was found responsible for a code of conduct violation.");
      break;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL:
      FillProgram(alert.mutable_program());
      alert.mutable_program()->set_remarks("Change of level withdrawn");
      break;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE:
      FillProgram(alert.mutable_program());
      alert.mutable_program()->set_level_of_education("06");
      alert.mutable_program()->set_remarks("Admitted to the doctoral program");
      FillFinancial(alert.mutable_program()->mutable_financial());
      AddChange(alert, "level_of_education", "05", "06");
      break;
    case v1::EVENT_TYPE_FINANCIAL_INFO:
      FillFinancial(alert.mutable_financial());
      alert.mutable_financial()->set_dependent_expenses(0);
      AddChange(alert, "tuition", "46000", "48500");
      AddChange(alert, "dependent_expenses", "4000", "0");  // went away: cleared in SEVIS
      break;
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD: {
      v1::EmploymentData* d = Employment(alert, "03", false);
      d->set_reason("01");
      d->set_remarks("Severe economic hardship recommended");
      break;
    }
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL: {
      v1::EmploymentData* d = Employment(alert, "03", true);
      d->set_reason("01");
      d->set_sevis_reason("01");
      break;
    }
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT: {
      v1::EmploymentData* d = Employment(alert, "03", true);
      d->set_reason("02");
      d->set_sevis_reason("01");
      d->set_end_date("2027-04-30");
      AddChange(alert, "end_date", "2027-05-14", "2027-04-30");
      AddChange(alert, "reason", "01", "02");
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD: {
      v1::EmploymentData* d = Employment(alert, "01", false);
      d->set_request_status("REQUESTED");
      d->set_completion_type("POST");
      d->set_academic_year_met(true);
      d->set_remarks("Post-completion OPT requested");
      *d->add_employers() = Employer(1, n);
      *d->add_employers() = Employer(2, n);
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL: {
      v1::EmploymentData* d = Employment(alert, "01", true);
      d->set_request_status("PENDING");
      d->set_completion_type("POST");
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND: {
      v1::EmploymentData* d = Employment(alert, "01", true);
      d->set_request_status("APPROVED");
      d->set_completion_type("POST");
      d->set_extension(true);
      d->set_extension_start_date("2027-06-01");
      d->set_extension_end_date("2029-05-31");
      v1::EmployerData e = Employer(2, n);
      e.set_extension_employer(true);
      e.set_start_date("2027-06-01");
      e.set_end_date("2029-05-31");
      *d->add_employers() = e;
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT: {
      v1::EmploymentData* d = Employment(alert, "01", true);
      d->set_request_status("PENDING");
      d->set_completion_type("POST");
      d->set_employment_code("PT");
      d->set_academic_year_met(true);
      AddChange(alert, "employment_code", "FT", "PT");
      break;
    }
    case v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION: {
      v1::EmploymentData* d = Employment(alert, "01", true);
      d->set_request_status("APPROVED");
      d->set_completion_type("POST");
      d->set_extension(true);
      d->set_extension_start_date("2027-06-01");
      d->set_extension_end_date("2029-05-31");
      d->set_participation_months(6);
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYER_ADD: {
      v1::EmploymentData* d = Employment(alert, "01", true);
      *d->add_employers() = Employer(3, n);
      alert.set_subject("3/3");
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYER_EDIT: {
      v1::EmploymentData* d = Employment(alert, "01", true);
      v1::EmployerData e = Employer(1, n);
      e.set_sevis_name("Example Robotics 1 Inc");
      e.set_sevis_start_date("2026-05-20");
      e.mutable_address()->set_line1("77 Relocated Avenue");
      *d->add_employers() = e;
      AddChange(alert, "employer.address.line1", "501 Innovation Way", "77 Relocated Avenue");
      alert.set_subject("3/1");
      break;
    }
    case v1::EVENT_TYPE_PERSONAL_INFO: {
      v1::PersonalInfoData* d = alert.mutable_personal_info();
      d->set_last_name("Testperson");
      d->set_first_name("Alexa");
      d->set_middle_name("Marie");
      d->set_preferred_name("Lexa Testperson");
      d->set_passport_name("ALEXA MARIE TESTPERSON");
      d->set_birth_date("2003-07-01");
      d->set_gender("F");
      d->set_birth_city("Lyon");
      d->set_birth_country("FR");
      d->set_citizenship_status("03");
      d->set_citizenship_country("FR");
      d->set_phone("(617) 555-0142");
      d->set_email(absl::StrCat("student", n, "@example.edu"));
      d->set_admission_number("12345678901");
      d->set_commuter(false);
      SetUsAddress(d->mutable_us_address(), n);
      d->set_us_address_explanation_code("OO");
      d->set_us_address_explanation("Staying with a host family this term");
      SetForeignAddress(d->mutable_foreign_address());
      AddChange(alert, "email", "old@example.edu", d->email());
      AddChange(alert, "us_address.line1", "1 Old Road", d->us_address().line1());
      break;
    }
    case v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION: {
      v1::ProgramData* p = alert.mutable_program();
      p->set_program_end_date("2027-06-30");
      p->set_remarks("Extension request withdrawn");
      AddChange(alert, "program_end_date", "2027-12-18", "2027-06-30");
      break;
    }
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION: {
      v1::ProgramData* p = alert.mutable_program();
      p->set_program_start_date("2026-08-24");
      p->set_program_end_date("2028-05-12");
      p->set_initial_session_start_date("2026-08-24");
      AddChange(alert, "program_start_date", "2026-01-12", "2026-08-24");
      break;
    }
    case v1::EVENT_TYPE_PROGRAM_EDIT: {
      v1::ProgramData* p = alert.mutable_program();
      p->set_primary_major("11.0701");
      p->set_secondary_major("00.0000");
      p->set_minor("00.0000");
      p->set_english_proficiency_required(false);
      p->set_english_proficiency_notes("Completed a degree taught in English");
      AddChange(alert, "primary_major", "14.0901", "11.0701");
      break;
    }
    case v1::EVENT_TYPE_PROGRAM_EXTENSION: {
      v1::ProgramData* p = alert.mutable_program();
      p->set_program_end_date("2028-05-12");
      p->set_remarks("Thesis research delayed by a documented illness");
      AddChange(alert, "program_end_date", "2027-12-18", "2028-05-12");
      break;
    }
    case v1::EVENT_TYPE_PROGRAM_SHORTEN: {
      v1::ProgramData* p = alert.mutable_program();
      p->set_program_end_date("2027-05-14");
      AddChange(alert, "program_end_date", "2027-12-18", "2027-05-14");
      break;
    }
    case v1::EVENT_TYPE_REGISTRATION: {
      v1::RegistrationData* r = alert.mutable_registration();
      r->set_institution("PSUNV");
      r->set_career("GRAD");
      r->set_term("2262");
      r->set_as_of_date("2026-01-26");
      r->set_current_session_start_date("2026-01-20");
      r->set_current_session_end_date("2026-05-08");
      r->set_next_session_start_date("2026-08-31");
      r->set_last_session(false);
      r->set_enrolled_units(12);
      r->set_email(absl::StrCat("student", n, "@example.edu"));
      SetUsAddress(r->mutable_us_address(), n);
      SetForeignAddress(r->mutable_foreign_address());
      break;
    }
    case v1::EVENT_TYPE_REPRINT:
      alert.set_manual(true);
      alert.mutable_status()->set_reason("03");
      alert.mutable_status()->set_remarks("Form damaged");
      break;
    case v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION:
      alert.mutable_status()->set_cap_gap_status("C");
      break;
    case v1::EVENT_TYPE_STATUS_CANCEL:
      alert.mutable_status()->set_reason("01");
      alert.mutable_status()->set_remarks("Student did not enrol");
      break;
    case v1::EVENT_TYPE_STATUS_COMPLETE: {
      v1::StatusData* s = alert.mutable_status();
      s->set_basis("COMP");
      s->set_program_action("COMP");
      s->set_effective_date("2026-05-08");
      s->set_remarks("Degree conferred");
      break;
    }
    case v1::EVENT_TYPE_STATUS_TERMINATE: {
      v1::StatusData* s = alert.mutable_status();
      s->set_program_action("DISC");
      s->set_effective_date("2026-02-01");
      s->set_reason("08");
      s->set_remarks("Discontinued studies");
      break;
    }
    case v1::EVENT_TYPE_STATUS_VERIFY:
      alert.mutable_status()->set_effective_date("2025-07-01");
      break;
    default:
      break;  // unknown to the factory: no data
  }
  return alert;
}

}  // namespace sevisflow::sevisxml::testing
