#pragma once
// A synthetic F-1 student that satisfies Create Student, for the rules tests.
#include <string>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/detect.h"
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

// The detections of one event type.
inline std::vector<Detection> OfType(const std::vector<Detection>& all, v1::EventType type) {
  std::vector<Detection> out;
  for (const auto& d : all) {
    if (d.alert.event_type() == type) out.push_back(d);
  }
  return out;
}

}  // namespace sevisflow::rules::testing
