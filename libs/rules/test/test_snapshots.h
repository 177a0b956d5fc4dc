#pragma once
// A synthetic F-1 student that satisfies Create Student, for the rules tests.
#include <string>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/j_context.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::rules::testing {

inline v1::SisPersonSnapshot ValidF1(const std::string& person_id = "SIS000001") {
  v1::SisPersonSnapshot s;
  s.set_person_id(person_id);
  s.set_version(3);
  auto* n = s.add_names();
  n->set_name_type("PRI");
  n->set_last_name("Garc\u00eda");
  n->set_first_name("Jos\u00e9");
  n->set_middle_name("Luis");
  auto* bio = s.mutable_bio();
  bio->set_birth_date("2003-04-05");
  bio->set_gender("M");
  bio->set_birth_city("Lima");
  bio->set_birth_country("PE");
  bio->set_citizenship_country("PE");
  bio->set_preferred_email("student1@example.edu");
  s.add_port_of_entry()->set_immigration_status("01");
  auto* us = s.add_addresses();
  us->set_address_type("LOCL");
  us->mutable_address()->set_line1("12 College Ave");
  us->mutable_address()->set_city("Springfield");
  us->mutable_address()->set_state("IL");
  us->mutable_address()->set_postal_code("62701");
  auto* home = s.add_addresses();
  home->set_address_type("HOME");
  home->mutable_address()->set_line1("Av. Siempre Viva 742");
  home->mutable_address()->set_city("Lima");
  home->mutable_address()->set_country("PE");
  auto* i20 = s.add_i20();
  i20->set_effective_date("2026-01-10");
  i20->set_effective_status(v1::FORM_STATUS_ACTIVE);
  i20->set_funding_verified(true);
  i20->set_school_code("ABC214F12345000");
  i20->set_institution("UNIV1");
  i20->set_career("GRAD");
  i20->set_academic_program("CSCI-MS");
  i20->set_issue_reason("I");
  i20->set_level_of_education("04");
  i20->set_from_date("2026-08-20");
  i20->set_to_date("2028-05-15");
  i20->set_english_proficiency_required(true);
  i20->set_english_proficiency_met(true);
  i20->set_months_in_academic_term(9);
  i20->set_tuition(30000);
  i20->set_living_expenses(15000);
  i20->set_personal_funds(45000);
  auto* plan = s.add_plans();
  plan->set_career_number(0);
  plan->set_sequence(10);
  plan->set_plan_type("MAJ");
  plan->set_plan("CSCI-MS");
  plan->set_cip_code("11.0701");
  plan->set_active(true);
  return s;
}

// The SEVIS Master row of ValidF1 once SEVIS accepted it and the student registered: ACTIVE,
// every compared value equal to the snapshot's (names as converted). With ValidF1, FallRunControl
// and kBaselineToday no update event fires: each event test changes one thing from here.
inline v1::MasterRecord ActiveMaster(const std::string& person_id = "SIS000001") {
  v1::MasterRecord m;
  m.set_org_id("ABC214F12345000");
  m.set_person_id(person_id);
  m.set_sevis_id("N0001234567");
  m.set_visa_family(v1::VISA_FAMILY_FM);
  m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  m.set_visa_type("01");
  m.set_last_name("Garcia");
  m.set_first_name("Jose");
  m.set_middle_name("Luis");
  m.set_birth_date("2003-04-05");
  m.set_gender("M");
  m.set_birth_country("PE");
  m.set_citizenship_country("PE");
  m.set_email("student1@example.edu");
  auto* us = m.mutable_us_address();
  us->set_line1("12 College Ave");
  us->set_city("Springfield");
  us->set_state("IL");
  us->set_postal_code("62701");
  auto* home = m.mutable_foreign_address();
  home->set_line1("Av. Siempre Viva 742");
  home->set_city("Lima");
  home->set_country("PE");
  m.set_level_of_education("04");
  m.set_program_start_date("2026-08-20");
  m.set_program_end_date("2028-05-15");
  m.set_original_program_end_date("2028-05-15");
  m.set_english_proficiency_required(true);
  m.set_english_proficiency_met(true);
  m.set_primary_major("11.0701");
  m.set_secondary_major("00.0000");
  m.set_minor("00.0000");
  auto* program = m.add_programs();
  program->set_status("ACTIVE");
  program->set_effective_date("2026-01-10");
  program->set_level_of_education("04");
  program->set_from_date("2026-08-20");
  program->set_to_date("2028-05-15");
  m.set_months_in_academic_term(9);
  m.set_tuition(30000);
  m.set_living_expenses(15000);
  m.set_personal_funds(45000);
  m.set_registration_term("2026FA");
  m.set_effective_date("2026-09-01");
  return m;
}

// The day the baseline is evaluated: inside the fall term, after its as-of date, less than 180
// days after the master's last effective date.
inline common::Date BaselineToday() { return *common::Date::Parse("2026-10-01"); }

// Run control of ABC214F12345000: fall 2026 current, spring 2027 next, as-of 2026-09-01.
inline v1::RunControl FallRunControl() {
  v1::RunControl rc;
  rc.set_org_id("ABC214F12345000");
  rc.set_visa_family(v1::VISA_FAMILY_FM);
  rc.set_validate_cip(false);
  rc.set_complete_after_days_f(30);
  rc.set_complete_after_days_m(15);
  auto* t = rc.add_terms();
  t->set_institution("UNIV1");
  t->set_career("GRAD");
  t->set_current_term("2026FA");
  t->set_current_term_begin_date("2026-08-20");
  t->set_current_term_end_date("2026-12-15");
  t->set_next_term("2027SP");
  t->set_next_term_begin_date("2027-01-12");
  t->set_as_of_date("2026-09-01");
  return rc;
}

// ValidF1 enrolled full time in the fall term (9 units, minimum 9).
inline v1::SisPersonSnapshot RegisteredF1(const std::string& person_id = "SIS000001") {
  v1::SisPersonSnapshot s = ValidF1(person_id);
  s.mutable_i20(0)->set_min_full_time_units(9);
  for (const char* cls : {"1001", "1002", "1003"}) {
    auto* e = s.add_enrollment();
    e->set_institution("UNIV1");
    e->set_career("GRAD");
    e->set_term("2026FA");
    e->set_class_number(cls);
    e->set_instruction_mode("P");
    e->set_units_taken(3);
    e->set_status("E");
  }
  return s;
}

// A J-1 exchange visitor (student category 1B) sponsored by P-1-12345, in the SIS:
// Port of Entry 03, an Active and funded DS-2019 with one site of activity, enrolled in fall 2026.
inline v1::SisPersonSnapshot ValidJ1(const std::string& person_id = "SIS000201") {
  v1::SisPersonSnapshot s;
  s.set_person_id(person_id);
  s.set_version(5);
  auto* n = s.add_names();
  n->set_name_type("PRI");
  n->set_last_name("M\u00fcller");
  n->set_first_name("J\u00fcrgen");
  auto* bio = s.mutable_bio();
  bio->set_birth_date("1998-07-14");
  bio->set_gender("M");
  bio->set_birth_city("Bremen");
  bio->set_birth_country("GM");
  bio->set_citizenship_country("GM");
  bio->set_preferred_email("jmueller@example.edu");
  bio->set_preferred_phone("2175550111");
  auto* poe = s.add_port_of_entry();
  poe->set_immigration_status("03");
  poe->set_entry_date("2026-08-12");
  auto* us = s.add_addresses();
  us->set_address_type("LOCL");
  us->mutable_address()->set_line1("55 Scholar Way");
  us->mutable_address()->set_city("Springfield");
  us->mutable_address()->set_state("IL");
  us->mutable_address()->set_postal_code("62702");
  auto* d = s.add_ds2019();
  d->set_effective_date("2026-05-01");
  d->set_effective_status(v1::FORM_STATUS_ACTIVE);
  d->set_funding_verified(true);
  d->set_program_number("P-1-12345");
  d->set_institution("UNIV1");
  d->set_career("GRAD");
  d->set_program_category("1B");
  d->set_position_code("213");
  d->set_subject_field_code("11.0701");
  d->set_program_start_date("2026-08-20");
  d->set_program_end_date("2027-05-15");
  d->set_permanent_residence_country("GM");
  d->set_citizenship_country("GM");
  auto* f = d->mutable_financial();
  f->set_program_sponsor_funds(20000);
  f->set_personal_funds(10000);
  auto* site = d->add_sites();
  site->set_site_id("S1");
  site->set_name("Main Campus");
  site->mutable_address()->set_line1("1 University Plaza");
  site->mutable_address()->set_city("Springfield");
  site->mutable_address()->set_state("IL");
  site->mutable_address()->set_postal_code("62701");
  site->set_status(v1::FORM_STATUS_ACTIVE);
  site->set_primary(true);
  site->set_effective_date("2026-05-01");
  auto* plan = s.add_plans();
  plan->set_sequence(10);
  plan->set_plan_type("MAJ");
  plan->set_plan("CSCI-MS");
  plan->set_cip_code("11.0701");
  plan->set_active(true);
  auto* ta = s.add_term_activations();
  ta->set_institution("UNIV1");
  ta->set_career("GRAD");
  ta->set_term("2026FA");
  return s;
}

// ValidJ1's SEVIS Master row: ACTIVE, every compared value equal (names as converted). With
// ValidJ1, JRunControl and BaselineToday no J update event fires.
inline v1::MasterRecord ActiveJMaster(const std::string& person_id = "SIS000201") {
  v1::MasterRecord m;
  m.set_org_id("P-1-12345");
  m.set_person_id(person_id);
  m.set_sevis_id("N0007654321");
  m.set_visa_family(v1::VISA_FAMILY_J);
  m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  m.set_visa_type("03");
  m.set_last_name("Muller");
  m.set_first_name("Jurgen");
  m.set_birth_date("1998-07-14");
  m.set_gender("M");
  m.set_birth_city("Bremen");
  m.set_birth_country("GM");
  m.set_citizenship_country("GM");
  m.set_permanent_residence_country("GM");
  m.set_email("jmueller@example.edu");
  m.set_phone("2175550111");
  m.set_position_code("213");
  auto* us = m.mutable_us_address();
  us->set_line1("55 Scholar Way");
  us->set_city("Springfield");
  us->set_state("IL");
  us->set_postal_code("62702");
  // No MAIL address in the SIS: Create Exchange Visitor sent the U.S. address as the mailing one.
  *m.mutable_mailing_address() = *us;
  m.set_program_category("1B");
  m.set_subject_field_code("11.0701");
  m.set_program_start_date("2026-08-20");
  m.set_program_end_date("2027-05-15");
  m.mutable_ev_financial()->set_program_sponsor_funds(20000);
  m.mutable_ev_financial()->set_personal_funds(10000);
  auto* site = m.add_sites();
  site->set_site_id("S1");
  site->set_sevis_site_id("SOA000001");
  site->set_name("Main Campus");
  site->mutable_address()->set_line1("1 University Plaza");
  site->mutable_address()->set_city("Springfield");
  site->mutable_address()->set_state("IL");
  site->mutable_address()->set_postal_code("62701");
  site->set_status("ACTIVE");
  site->set_primary(true);
  m.set_effective_date("2026-09-01");
  return m;
}

// Run control of program P-1-12345 ("Process SEVIS Alerts - J"): fall 2026, as-of 2026-09-01.
inline v1::RunControl JRunControl() {
  v1::RunControl rc;
  rc.set_org_id("P-1-12345");
  rc.set_visa_family(v1::VISA_FAMILY_J);
  rc.set_validate_cip(false);
  auto* t = rc.add_terms();
  t->set_institution("UNIV1");
  t->set_career("GRAD");
  t->set_current_term("2026FA");
  t->set_current_term_begin_date("2026-08-20");
  t->set_current_term_end_date("2026-12-15");
  t->set_as_of_date("2026-09-01");
  return rc;
}

// Runs DetectFm with one master row and one run control (either may be absent).
inline std::vector<Detection> RunFm(const v1::SisPersonSnapshot& s,
                                  const std::optional<v1::MasterRecord>& master,
                                  const std::optional<v1::RunControl>& rc, const Setup& setup,
                                  common::Date today) {
  MasterLookup ml = [&](const std::string& org) -> const v1::MasterRecord* {
    if (master && master->org_id() == org) return &*master;
    return nullptr;
  };
  RunControlLookup rl = [&](const std::string& org) -> const v1::RunControl* {
    if (rc && rc->org_id() == org) return &*rc;
    return nullptr;
  };
  return DetectFm(s, ml, rl, setup, today);
}

// Runs DetectJ with one master row and one run control (either may be absent).
inline std::vector<Detection> RunJ(const v1::SisPersonSnapshot& s,
                                   const std::optional<v1::MasterRecord>& master,
                                   const std::optional<v1::RunControl>& rc, const Setup& setup,
                                   common::Date today) {
  MasterLookup ml = [&](const std::string& org) -> const v1::MasterRecord* {
    if (master && master->org_id() == org) return &*master;
    return nullptr;
  };
  RunControlLookup rl = [&](const std::string& org) -> const v1::RunControl* {
    if (rc && rc->org_id() == org) return &*rc;
    return nullptr;
  };
  return DetectJ(s, ml, rl, setup, today);
}

// The detections of one event type.
inline std::vector<Detection> OfType(const std::vector<Detection>& all, v1::EventType type) {
  std::vector<Detection> out;
  for (const auto& d : all) {
    if (d.alert.event_type() == type) out.push_back(d);
  }
  return out;
}

}  // namespace sevisflow::rules::testing
