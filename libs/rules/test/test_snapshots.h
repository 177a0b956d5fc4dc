#pragma once
// A synthetic F-1 student that satisfies Create Student, for the rules tests.
#include <string>

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

}  // namespace sevisflow::rules::testing
