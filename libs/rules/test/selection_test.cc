#include "sevisflow/rules/selection.h"

#include <gtest/gtest.h>

#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

common::Date D(const char* iso) { return *common::Date::Parse(iso); }

TEST(SelectFmVisaTest, NewestPortOfEntryRowDecides) {
  v1::SisPersonSnapshot s;
  auto* old_row = s.add_port_of_entry();
  old_row->set_immigration_status("03");
  old_row->set_entry_date("2020-01-01");
  auto* new_row = s.add_port_of_entry();
  new_row->set_immigration_status("02");
  new_row->set_entry_date("2025-01-01");
  auto visa = SelectFmVisa(s, true);
  ASSERT_TRUE(visa.has_value());
  EXPECT_EQ(visa->visa_type, "02");
  EXPECT_EQ(visa->source, VisaSource::kPortOfEntry);
  // Reverse the dates: the J-1 row is now the newest, so not F/M.
  old_row->set_entry_date("2026-01-01");
  EXPECT_FALSE(SelectFmVisa(s, true).has_value());
}

TEST(SelectFmVisaTest, TieOnEntryDateGoesToLaterRow) {
  v1::SisPersonSnapshot s;
  auto* a = s.add_port_of_entry();
  a->set_immigration_status("01");
  a->set_entry_date("2025-01-01");
  auto* b = s.add_port_of_entry();
  b->set_immigration_status("02");
  b->set_entry_date("2025-01-01");
  EXPECT_EQ(SelectFmVisa(s, true)->visa_type, "02");
}

TEST(SelectFmVisaTest, BlankStatusUsesUsaVisaRow) {
  v1::SisPersonSnapshot s;
  s.add_port_of_entry()->set_immigration_status("  ");
  auto* other = s.add_visas();
  other->set_visa_type("02");
  other->set_country("CAN");
  EXPECT_FALSE(SelectFmVisa(s, true).has_value());
  // The general selection criteria do not name the country.
  EXPECT_TRUE(SelectFmVisa(s, false).has_value());
  auto* us = s.add_visas();
  us->set_visa_type("01");
  us->set_country("usa");
  auto visa = SelectFmVisa(s, true);
  ASSERT_TRUE(visa.has_value());
  EXPECT_EQ(visa->visa_type, "01");
  EXPECT_EQ(visa->source, VisaSource::kVisaPermit);
}

TEST(CurrentI20Test, MostRecentNotInFutureTieLaterRow) {
  v1::SisPersonSnapshot s;
  auto* a = s.add_i20();
  a->set_effective_date("2025-01-01");
  a->set_school_code("A");
  auto* b = s.add_i20();
  b->set_effective_date("2025-06-01");
  b->set_school_code("B");
  auto* c = s.add_i20();
  c->set_effective_date("2025-06-01");
  c->set_school_code("C");
  auto* future = s.add_i20();
  future->set_effective_date("2027-01-01");
  future->set_school_code("F");
  auto* bad = s.add_i20();
  bad->set_effective_date("not a date");
  EXPECT_EQ(CurrentI20(s, D("2026-01-01"))->school_code(), "C");
  EXPECT_EQ(CurrentI20(s, D("2025-03-01"))->school_code(), "A");
  EXPECT_EQ(CurrentI20(s, D("2027-01-01"))->school_code(), "F");
  EXPECT_EQ(CurrentI20(s, D("2024-01-01")), nullptr);
}

v1::AcademicPlan Plan(int career, int seq, const char* type, const char* plan, const char* cip,
                      bool active = true, const char* subplan = "") {
  v1::AcademicPlan p;
  p.set_career_number(career);
  p.set_sequence(seq);
  p.set_plan_type(type);
  p.set_plan(plan);
  p.set_cip_code(cip);
  p.set_active(active);
  p.set_subplan(subplan);
  return p;
}

TEST(SelectMajorsTest, PrimarySecondaryMinorFromStudentPlans) {
  v1::SisPersonSnapshot s;
  *s.add_plans() = Plan(0, 20, "MAJ", "MATH", "27.0101");
  *s.add_plans() = Plan(0, 10, "MAJ", "CSCI", "11.0701");
  *s.add_plans() = Plan(0, 5, "MAJ", "HIST", "54.0101", /*active=*/false);
  *s.add_plans() = Plan(0, 30, "MIN", "ECON", "45.0601");
  *s.add_application_plans() = Plan(0, 1, "MAJ", "BIOL", "26.0101");
  rules::Setup setup;
  Majors m = SelectMajors(s, setup, kVisaF1);
  EXPECT_EQ(m.primary, "11.0701");
  EXPECT_EQ(m.secondary, "27.0101");
  EXPECT_EQ(m.minor, "45.0601");
  EXPECT_FALSE(m.from_application);
}

TEST(SelectMajorsTest, SubplanMinorOfPrimaryMajorWins) {
  v1::SisPersonSnapshot s;
  *s.add_plans() = Plan(0, 10, "MAJ", "CSCI", "11.0701");
  *s.add_plans() = Plan(0, 5, "MIN", "ECON", "45.0601");
  *s.add_plans() = Plan(0, 40, "MIN", "CSCI", "11.0101", true, "AI");
  Majors m = SelectMajors(s, rules::Setup{}, kVisaF1);
  EXPECT_EQ(m.minor, "11.0101");
}

TEST(SelectMajorsTest, FallsBackToApplicationPlansAndFillsF1Blanks) {
  v1::SisPersonSnapshot s;
  *s.add_plans() = Plan(0, 10, "MIN", "ECON", "45.0601");  // no major in student plans
  *s.add_application_plans() = Plan(0, 1, "maj", "BIOL", "26.0101");
  Majors f1 = SelectMajors(s, rules::Setup{}, kVisaF1);
  EXPECT_TRUE(f1.from_application);
  EXPECT_EQ(f1.primary, "26.0101");
  EXPECT_EQ(f1.secondary, "00.0000");
  EXPECT_EQ(f1.minor, "00.0000");
  Majors m1 = SelectMajors(s, rules::Setup{}, kVisaM1);
  EXPECT_EQ(m1.secondary, "");
  EXPECT_EQ(m1.minor, "");
}

TEST(SelectMajorsTest, CareerNumberOrdersBeforeSequence) {
  v1::SisPersonSnapshot s;
  *s.add_plans() = Plan(1, 1, "MAJ", "MBA", "52.0201");
  *s.add_plans() = Plan(0, 99, "MAJ", "CSCI", "11.0701");
  Majors m = SelectMajors(s, rules::Setup{}, kVisaF1);
  EXPECT_EQ(m.primary, "11.0701");
  EXPECT_EQ(m.secondary, "52.0201");
}

}  // namespace
}  // namespace sevisflow::rules
