// Rule book "Process SEVIS Alerts - J": Program - Amend, Edit Subject, Extension, Matriculate,
// Shorten; Site of Activity - Add, Delete, Edit; Validate. Table-driven: each case starts from
// the baseline (ValidJ1 + ActiveJMaster + JRunControl on BaselineToday, where nothing fires),
// changes one thing and names the rule-book sentence (or recorded decision) it checks.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/j_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAreArray;
using testing::ActiveJMaster;
using testing::BaselineToday;
using testing::JRunControl;
using testing::OfType;
using testing::ValidJ1;

using Change = std::array<std::string, 3>;  // field, SEVIS value, SIS value
using Mutation = std::function<void(v1::SisPersonSnapshot&, v1::MasterRecord&)>;

struct Case {
  const char* id = "";
  const char* rule = "";  // the rule-book sentence (or recorded decision) the case checks
  Mutation change = nullptr;
  bool fires = false;
  std::string subject = "";
  std::vector<Change> changes = {};
  std::vector<std::string> issues = {};  // "field:code"
  std::function<void(const v1::Alert&)> data = nullptr;
  std::vector<v1::EventType> absent = {};  // events that must not fire with it
  bool validate_cip = false;               // run control "Validate SEVIS CIP Code"
  bool no_run_control = false;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.id << " (" << c.rule << ")"; }

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.id; }

std::vector<Change> ChangesOf(const v1::Alert& a) {
  std::vector<Change> out;
  for (const auto& c : a.changes()) out.push_back({c.field(), c.sevis_value(), c.sis_value()});
  return out;
}

std::vector<std::string> IssuesOf(const v1::Alert& a) {
  std::vector<std::string> out;
  for (const auto& i : a.issues()) out.push_back(i.field() + ":" + i.code());
  return out;
}

v1::Alert::DataCase DataCaseOf(v1::EventType event) {
  switch (event) {
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT:
      return v1::Alert::kSiteOfActivity;
    case v1::EVENT_TYPE_EV_VALIDATE:
      return v1::Alert::kValidate;
    default:
      return v1::Alert::kEvProgram;
  }
}

void RunCase(const Case& c, v1::EventType event) {
  SCOPED_TRACE(c.rule);
  v1::SisPersonSnapshot s = ValidJ1();
  v1::MasterRecord m = ActiveJMaster();
  if (c.change) c.change(s, m);
  std::optional<v1::RunControl> rc;
  if (!c.no_run_control) {
    rc = JRunControl();
    rc->set_validate_cip(c.validate_cip);
  }
  rules::Setup setup;
  setup.cip_table = std::make_shared<const std::map<std::string, std::string>>(
      std::map<std::string, std::string>{
          {"11.0701", "11.0701"}, {"11.0101", "11.0101"}, {"27.0101", ""}});
  const auto all = testing::RunJ(s, m, rc, setup, BaselineToday());
  for (v1::EventType other : c.absent) {
    EXPECT_TRUE(OfType(all, other).empty()) << v1::EventType_Name(other) << " fired too";
  }
  const auto d = OfType(all, event);
  if (!c.fires) {
    EXPECT_TRUE(d.empty()) << v1::EventType_Name(event) << " fired";
    return;
  }
  ASSERT_EQ(d.size(), 1u);
  const v1::Alert& a = d[0].alert;
  EXPECT_EQ(a.event_type(), event);
  EXPECT_EQ(a.subject(), c.subject);
  EXPECT_EQ(a.org_id(), "P-1-12345");
  EXPECT_EQ(a.person_id(), "SIS000201");
  EXPECT_EQ(a.sevis_id(), "N0007654321");
  EXPECT_EQ(a.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(a.alert_id().size(), 20u);
  EXPECT_EQ(d[0].emitted_key, EmittedKey("P-1-12345", event, c.subject));
  ASSERT_EQ(a.data_case(), DataCaseOf(event));
  EXPECT_THAT(ChangesOf(a), ElementsAreArray(c.changes));
  EXPECT_THAT(IssuesOf(a), UnorderedElementsAreArray(c.issues));
  if (c.data) c.data(a);
}

v1::Ds2019Form& Ds(v1::SisPersonSnapshot& s) { return *s.mutable_ds2019(0); }
void MakeInitial(v1::MasterRecord& m) { m.set_sevis_status(v1::SEVIS_STATUS_INITIAL); }
void MakeInactive(v1::MasterRecord& m) { m.set_sevis_status(v1::SEVIS_STATUS_INACTIVE); }
void SetCategory(v1::SisPersonSnapshot& s, v1::MasterRecord& m, const char* c) {
  Ds(s).set_program_category(c);
  m.set_program_category(c);
}
void SetRemarks(v1::SisPersonSnapshot& s) {
  Ds(s).set_remarks("Program change approved by RO");
  Ds(s).set_subject_field_remarks("Computer science research");
}

// A second DS-2019 site of activity, S2, Active.
v1::SiteOfActivity& AddSite2(v1::SisPersonSnapshot& s) {
  auto* site = Ds(s).add_sites();
  site->set_site_id("S2");
  site->set_name("Research Park");
  site->mutable_address()->set_line1("200 Innovation Dr");
  site->mutable_address()->set_city("Champaign");
  site->mutable_address()->set_state("IL");
  site->mutable_address()->set_postal_code("61820");
  site->set_status(v1::FORM_STATUS_ACTIVE);
  site->set_effective_date("2026-06-01");
  return *site;
}

v1::SiteOfActivity& Site1(v1::SisPersonSnapshot& s) { return *Ds(s).mutable_sites(0); }

// ---------------------------------------------------------------------------------------------
// Program - Amend

class JProgramAmend : public ::testing::TestWithParam<Case> {};
TEST_P(JProgramAmend, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_EV_PROGRAM_AMEND); }

INSTANTIATE_TEST_SUITE_P(
    JProgram, JProgramAmend,
    ::testing::Values(
        Case{.id = "InitialDatesEqual",
             .rule = "near miss: Initial, start and end dates equal",
             .change = [](auto&, auto& m) { MakeInitial(m); },
             .fires = false},
        Case{.id = "StartDateDiffers",
             .rule = "The Start Date on the SEVIS Master component is different from the Start "
                     "Date on the most recent effective-dated DS-2019 form.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_start_date("2026-09-01");
                   Ds(s).set_remarks("Late arrival");
                 },
             .fires = true,
             .changes = {{"program_start_date", "2026-08-20", "2026-09-01"}},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.ev_program().program_start_date(), "2026-09-01");
                   EXPECT_EQ(a.ev_program().program_end_date(), "2027-05-15");
                   EXPECT_EQ(a.ev_program().program_category(), "1B");
                   EXPECT_EQ(a.ev_program().remarks(), "Late arrival");
                 }},
        Case{.id = "EndDateDiffers",
             .rule = "OR The End Date on SEVIS Master is different from the End Date on the most "
                     "recent effective-dated DS-2019 form.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_end_date("2027-08-15");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2027-05-15", "2027-08-15"}},
             .absent = {v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, v1::EVENT_TYPE_EV_PROGRAM_SHORTEN}},
        Case{.id = "BothDatesDiffer",
             .rule = "Start Date ... OR End Date ... different: one event with both changes",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_start_date("2026-09-01");
                   Ds(s).set_program_end_date("2027-04-15");
                 },
             .fires = true,
             .changes = {{"program_start_date", "2026-08-20", "2026-09-01"},
                         {"program_end_date", "2027-05-15", "2027-04-15"}}},
        Case{.id = "StatusActive",
             .rule = "The exchange visitor has a SEVIS Status of Initial.",
             .change = [](auto& s, auto&) { Ds(s).set_program_start_date("2026-09-01"); },
             .fires = false},
        Case{.id = "StatusInactive",
             .rule = "The exchange visitor has a SEVIS Status of Initial.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInactive(m);
                   Ds(s).set_program_end_date("2027-08-15");
                 },
             .fires = false},
        Case{.id = "BlankMasterStartDiffers",
             .rule = "decision: a blank master date differs from a real DS-2019 date",
             .change =
                 [](auto&, auto& m) {
                   MakeInitial(m);
                   m.set_program_start_date("");
                 },
             .fires = true,
             .changes = {{"program_start_date", "", "2026-08-20"}}},
        Case{.id = "BlankDs2019EndDate",
             .rule = "decision: a blank DS-2019 date has no value to report",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_end_date("");
                 },
             .fires = false},
        Case{.id = "EndBeforeStartIsAnIssue",
             .rule = "Amend: PrgEndDate after PrgStartDate (XSD / SEVIS)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_end_date("2026-08-01");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2027-05-15", "2026-08-01"}},
             .issues = {"ds2019.program_end_date:PROGRAM_DATES_ORDER"}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Edit Subject

class JProgramEditSubject : public ::testing::TestWithParam<Case> {};
TEST_P(JProgramEditSubject, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT);
}

INSTANTIATE_TEST_SUITE_P(
    JProgram, JProgramEditSubject,
    ::testing::Values(
        Case{.id = "StudentPlanEqual",
             .rule = "near miss: category 1B, the major plan's CIP equals the master subject",
             .fires = false},
        Case{.id = "StudentPlanCipDiffers",
             .rule = "Program Category ... 1a..1f AND A difference exists between the Subject "
                     "Field code on the SEVIS Master component and the minimum sequence number "
                     "on Student Plan where the Plan Type equals any of the plan types defined",
             .change =
                 [](auto& s, auto&) {
                   SetRemarks(s);
                   s.mutable_plans(0)->set_cip_code("11.0101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "11.0101"}},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.ev_program().subject_field_code(), "11.0101");
                   EXPECT_EQ(a.ev_program().subject_field_remarks(),
                             "Computer science research");
                   EXPECT_EQ(a.ev_program().remarks(), "Program change approved by RO");
                   EXPECT_EQ(a.ev_program().program_category(), "1B");
                 }},
        Case{.id = "StudentMinimumSequence",
             .rule = "... the minimum sequence number on Student Plan ...",
             .change =
                 [](auto& s, auto&) {
                   SetRemarks(s);
                   auto* p = s.add_plans();
                   p->set_sequence(5);
                   p->set_plan_type("MAJ");
                   p->set_plan("MATH-MS");
                   p->set_cip_code("27.0101");
                   p->set_active(true);
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "27.0101"}}},
        Case{.id = "StudentPlanTypeNotInSetup",
             .rule = "... where the Plan Type equals any of the plan types defined on the SEVIS "
                     "Setup (a MIN plan with a lower sequence does not count)",
             .change =
                 [](auto& s, auto&) {
                   auto* p = s.add_plans();
                   p->set_sequence(5);
                   p->set_plan_type("MIN");
                   p->set_plan("MATH-MIN");
                   p->set_cip_code("27.0101");
                   p->set_active(true);
                 },
             .fires = false},
        Case{.id = "StudentIgnoresDs2019Subject",
             .rule = "students compare the Student Plan, not the DS-2019 Subject Field code",
             .change = [](auto& s, auto&) { Ds(s).set_subject_field_code("27.0101"); },
             .fires = false},
        Case{.id = "StudentBlankPlanCip",
             .rule = "decision: a major plan without a CIP code has no subject to report",
             .change = [](auto& s, auto&) { s.mutable_plans(0)->set_cip_code(""); },
             .fires = false},
        Case{.id = "StudentApplicationPlanNotUsed",
             .rule = "decision: only the Student Plan counts, not the application plans",
             .change =
                 [](auto& s, auto&) {
                   s.clear_plans();
                   auto* p = s.add_application_plans();
                   p->set_sequence(10);
                   p->set_plan_type("MAJ");
                   p->set_plan("MATH-MS");
                   p->set_cip_code("27.0101");
                   p->set_active(true);
                 },
             .fires = false},
        Case{.id = "NonStudentDs2019SubjectDiffers",
             .rule = "OR If the Program Category is not 1a..1f AND A difference exists between "
                     "the Subject Field code on the SEVIS Master component and the Subject Field "
                     "code on the most recent effective-dated DS-2019 form.",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "04");
                   SetRemarks(s);
                   Ds(s).set_subject_field_code("11.0101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "11.0101"}},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.ev_program().subject_field_code(), "11.0101");
                   EXPECT_EQ(a.ev_program().program_category(), "04");
                 }},
        Case{.id = "NonStudentIgnoresPlan",
             .rule = "non-student categories compare the DS-2019 Subject Field code, not the plan",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "04");
                   s.mutable_plans(0)->set_cip_code("27.0101");
                 },
             .fires = false},
        Case{.id = "InternForeignDegreeLevelDiffers",
             .rule = "OR If Visitor's Category on the DS-2019 Form is Student Intern (1G), and a "
                     "difference exists between the Foreign Degree Level on the SEVIS Master "
                     "component and the Foreign Degree Level on the most recent DS-2019 row.",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "1G");
                   SetRemarks(s);
                   Ds(s).set_foreign_degree_level("Masters");
                   m.set_foreign_degree_level("Bachelors");
                   Ds(s).set_foreign_field_of_study("Physics");
                   m.set_foreign_field_of_study("PHYSICS");
                 },
             .fires = true,
             .changes = {{"foreign_degree_level", "Bachelors", "Masters"}},
             .data =
                 [](const v1::Alert& a) {
                   // The subject SEVIS holds is reported (SubjectFieldCode is required).
                   EXPECT_EQ(a.ev_program().subject_field_code(), "11.0701");
                   EXPECT_EQ(a.ev_program().foreign_degree_level(), "Masters");
                   EXPECT_EQ(a.ev_program().foreign_field_of_study(), "Physics");
                 }},
        Case{.id = "InternForeignFieldOfStudyDiffers",
             .rule = "OR If Visitor's Category ... is Student Intern (1G), and a difference exists "
                     "between the Foreign Field of Study on the SEVIS Master component and the "
                     "Foreign Field of Study on the most recent DS-2019 row.",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "1G");
                   SetRemarks(s);
                   Ds(s).set_foreign_field_of_study("Chemistry");
                   m.set_foreign_field_of_study("Physics");
                 },
             .fires = true,
             .changes = {{"foreign_field_of_study", "Physics", "Chemistry"}}},
        Case{.id = "InternComparedStrippedAndUpperCased",
             .rule = "Note: ... strips out all blanks and spaces from the Foreign Degree Level and "
                     "Foreign Field of Study fields and converts the data to all upper case.",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "1G");
                   Ds(s).set_foreign_degree_level("Bachelor of Science");
                   m.set_foreign_degree_level("BACHELOROFSCIENCE");
                   Ds(s).set_foreign_field_of_study(" computer  science ");
                   m.set_foreign_field_of_study("Computer Science");
                 },
             .fires = false},
        Case{.id = "InternSubjectFromDs2019",
             .rule = "1G is not 1a..1f: its Subject Field code comes from the DS-2019",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "1G");
                   SetRemarks(s);
                   Ds(s).set_subject_field_code("11.0101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "11.0101"}}},
        Case{.id = "NonInternForeignValuesIgnored",
             .rule = "the Foreign Degree Level / Field of Study count for Student Intern (1G) only",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "04");
                   Ds(s).set_foreign_degree_level("Masters");
                   m.set_foreign_degree_level("Bachelors");
                 },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The exchange visitor has a SEVIS Status of Initial or Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   SetRemarks(s);
                   s.mutable_plans(0)->set_cip_code("11.0101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "11.0101"}}},
        Case{.id = "StatusInactive",
             .rule = "The exchange visitor has a SEVIS Status of Initial or Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInactive(m);
                   s.mutable_plans(0)->set_cip_code("11.0101");
                 },
             .fires = false},
        Case{.id = "RemarksMissingAreIssues",
             .rule = "EditSubject: SubjectFieldRemarks and Remarks are required (XSD)",
             .change = [](auto& s, auto&) { s.mutable_plans(0)->set_cip_code("11.0101"); },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "11.0101"}},
             .issues = {"ds2019.subject_field_remarks:REQUIRED_MISSING",
                        "ds2019.remarks:REQUIRED_MISSING"}},
        Case{.id = "CipValidatedWhenRunControlSaysYes",
             .rule = "The validation process checks for valid CIP codes for these J events: ... "
                     "Program – Edit Subject",
             .change =
                 [](auto& s, auto&) {
                   SetRemarks(s);
                   s.mutable_plans(0)->set_cip_code("27.0101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "27.0101"}},
             .issues = {"plans.cip_code:CIP_NOT_VALID"},
             .validate_cip = true},
        Case{.id = "CipNotValidatedWhenRunControlSaysNo",
             .rule = "Select No to disable the automatic CIP code validation process.",
             .change =
                 [](auto& s, auto&) {
                   SetRemarks(s);
                   s.mutable_plans(0)->set_cip_code("27.0101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "27.0101"}}},
        Case{.id = "CipFormatAlwaysChecked",
             .rule = "CheckCip: the CIP format NN.NNNN is checked always",
             .change =
                 [](auto& s, auto& m) {
                   SetCategory(s, m, "04");
                   SetRemarks(s);
                   Ds(s).set_subject_field_code("110101");
                 },
             .fires = true,
             .changes = {{"subject_field_code", "11.0701", "110101"}},
             .issues = {"ds2019.subject_field_code:INVALID_FORMAT"}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Extension

class JProgramExtension : public ::testing::TestWithParam<Case> {};
TEST_P(JProgramExtension, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_EV_PROGRAM_EXTENSION); }

INSTANTIATE_TEST_SUITE_P(
    JProgram, JProgramExtension,
    ::testing::Values(
        Case{.id = "EndDatesEqual", .rule = "near miss: the End Dates are equal", .fires = false},
        Case{.id = "MasterEndEarlier",
             .rule = "The End Date on SEVIS Master is less than the End Date on the most recent "
                     "effective-dated DS-2019 form.",
             .change = [](auto& s, auto&) { Ds(s).set_program_end_date("2027-08-15"); },
             .fires = true,
             .changes = {{"program_end_date", "2027-05-15", "2027-08-15"}},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.ev_program().program_end_date(), "2027-08-15");
                   EXPECT_EQ(a.ev_program().remarks(), "");
                 },
             .absent = {v1::EVENT_TYPE_EV_PROGRAM_SHORTEN, v1::EVENT_TYPE_EV_PROGRAM_AMEND}},
        Case{.id = "MasterEndLater",
             .rule = "near miss: a later master End Date is Program - Shorten",
             .change = [](auto& s, auto&) { Ds(s).set_program_end_date("2027-03-15"); },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The exchange visitor has a SEVIS Status of Active. (Initial: Amend)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_end_date("2027-08-15");
                 },
             .fires = false},
        Case{.id = "InvalidMasterEndDate",
             .rule = "decision: an invalid master End Date is neither less nor greater",
             .change =
                 [](auto& s, auto& m) {
                   m.set_program_end_date("2027-02-30");
                   Ds(s).set_program_end_date("2027-08-15");
                 },
             .fires = false},
        Case{.id = "MatriculateStandsInForExtension",
             .rule = "decision: Program - Matriculate reports the new end date (NewPrgEndDate)",
             .change =
                 [](auto& s, auto& m) {
                   m.set_program_category("1A");
                   Ds(s).set_matriculation_code("B");
                   Ds(s).set_program_end_date("2029-05-15");
                 },
             .fires = false}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Shorten

class JProgramShorten : public ::testing::TestWithParam<Case> {};
TEST_P(JProgramShorten, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_EV_PROGRAM_SHORTEN); }

INSTANTIATE_TEST_SUITE_P(
    JProgram, JProgramShorten,
    ::testing::Values(
        Case{.id = "EndDatesEqual", .rule = "near miss: the End Dates are equal", .fires = false},
        Case{.id = "Ds2019EndEarlier",
             .rule = "The End Date on the most recent effective-dated DS-2019 form is earlier "
                     "than the End Date on the SEVIS Master component.",
             .change =
                 [](auto& s, auto&) {
                   Ds(s).set_program_end_date("2027-03-15");
                   Ds(s).set_remarks("Completed research early");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2027-05-15", "2027-03-15"}},
             .issues = {"ev_program.reason:DSO_INPUT_REQUIRED"},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.ev_program().program_end_date(), "2027-03-15");
                   EXPECT_EQ(a.ev_program().reason(), "");
                   EXPECT_EQ(a.ev_program().remarks(), "Completed research early");
                 },
             .absent = {v1::EVENT_TYPE_EV_PROGRAM_EXTENSION}},
        Case{.id = "RemarksMissingIsAnIssue",
             .rule = "Shorten: ShortenReason and Remarks are required (XSD)",
             .change = [](auto& s, auto&) { Ds(s).set_program_end_date("2027-03-15"); },
             .fires = true,
             .changes = {{"program_end_date", "2027-05-15", "2027-03-15"}},
             .issues = {"ev_program.reason:DSO_INPUT_REQUIRED", "ds2019.remarks:REQUIRED_MISSING"}},
        Case{.id = "EndBeforeStartIsAnIssue",
             .rule = "Shorten: NewPrgEndDate after the program start date (SEVIS)",
             .change =
                 [](auto& s, auto&) {
                   Ds(s).set_program_end_date("2026-08-01");
                   Ds(s).set_remarks("Withdrew");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2027-05-15", "2026-08-01"}},
             .issues = {"ev_program.reason:DSO_INPUT_REQUIRED",
                        "ds2019.program_end_date:PROGRAM_DATES_ORDER"}},
        Case{.id = "StatusInitial",
             .rule = "The exchange visitor has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_program_end_date("2027-03-15");
                 },
             .fires = false},
        Case{.id = "BlankDs2019EndDate",
             .rule = "decision: a blank DS-2019 End Date is not earlier",
             .change = [](auto& s, auto&) { Ds(s).set_program_end_date(""); },
             .fires = false}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Matriculate

// Master in category `from`, DS-2019 in `to` with matriculation code `code`.
Mutation Matriculation(const char* from, const char* to, const char* code) {
  return [=](v1::SisPersonSnapshot& s, v1::MasterRecord& m) {
    m.set_program_category(from);
    Ds(s).set_program_category(to);
    Ds(s).set_matriculation_code(code);
  };
}

class JProgramMatriculate : public ::testing::TestWithParam<Case> {};
TEST_P(JProgramMatriculate, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE);
}

INSTANTIATE_TEST_SUITE_P(
    JProgram, JProgramMatriculate,
    ::testing::Values(
        Case{.id = "CategoryEqual", .rule = "near miss: the categories are equal", .fires = false},
        Case{.id = "AssociateToBachelors",
             .rule = "Student Associate to Student Bachelors (1A -> 1B)",
             .change = Matriculation("1A", "1B", "B"),
             .fires = true,
             .changes = {{"program_category", "1A", "1B"}},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.ev_program().program_category(), "1B");
                   EXPECT_EQ(a.ev_program().matriculation_code(), "B");
                   EXPECT_EQ(a.ev_program().program_end_date(), "2027-05-15");
                 }},
        Case{.id = "AssociateToMasters",
             .rule = "Student Associate to Student Masters (1A -> 1C)",
             .change = Matriculation("1A", "1C", "M"),
             .fires = true,
             .changes = {{"program_category", "1A", "1C"}}},
        Case{.id = "AssociateToDoctorate",
             .rule = "Student Associate to Student Doctorate (1A -> 1D)",
             .change = Matriculation("1A", "1D", "D"),
             .fires = true,
             .changes = {{"program_category", "1A", "1D"}}},
        Case{.id = "BachelorsToMasters",
             .rule = "Student Bachelors to Student Master (1B -> 1C)",
             .change = Matriculation("1B", "1C", "M"),
             .fires = true,
             .changes = {{"program_category", "1B", "1C"}}},
        Case{.id = "BachelorsToDoctorate",
             .rule = "Student Bachelors to Student Doctorate (1B -> 1D)",
             .change = Matriculation("1B", "1D", "D"),
             .fires = true,
             .changes = {{"program_category", "1B", "1D"}}},
        Case{.id = "MastersToDoctorate",
             .rule = "Student Master to Student Doctorate (1C -> 1D)",
             .change = Matriculation("1c", "1d", "D"),
             .fires = true,
             .changes = {{"program_category", "1c", "1d"}}},
        Case{.id = "DoctorateToMastersIsNoScenario",
             .rule = "near miss: a move down (1D -> 1C) is none of the scenarios",
             .change = Matriculation("1D", "1C", "M"),
             .fires = false},
        Case{.id = "BachelorsToNonDegreeIsNoScenario",
             .rule = "near miss: 1B -> 1F (non-degree) is none of the scenarios",
             .change = Matriculation("1B", "1F", "B"),
             .fires = false},
        Case{.id = "StudentToNonStudentIsNoScenario",
             .rule = "near miss: 1B -> 04 is none of the scenarios",
             .change = Matriculation("1B", "04", "B"),
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The exchange visitor has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   Matriculation("1A", "1B", "B")(s, m);
                   MakeInitial(m);
                 },
             .fires = false},
        Case{.id = "NewEndDateReported",
             .rule = "Matriculate: NewPrgEndDate; Extension / Shorten wait (decision)",
             .change =
                 [](auto& s, auto& m) {
                   Matriculation("1B", "1D", "D")(s, m);
                   Ds(s).set_program_end_date("2030-05-15");
                 },
             .fires = true,
             .changes = {{"program_category", "1B", "1D"},
                         {"program_end_date", "2027-05-15", "2030-05-15"}},
             .absent = {v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, v1::EVENT_TYPE_EV_PROGRAM_SHORTEN}},
        Case{.id = "MatriculationCodeMissing",
             .rule = "Matriculate: MatriculationCode is required (XSD)",
             .change = Matriculation("1B", "1C", ""),
             .fires = true,
             .changes = {{"program_category", "1B", "1C"}},
             .issues = {"ds2019.matriculation_code:REQUIRED_MISSING"}},
        Case{.id = "MatriculationCodeUnknown",
             .rule = "Matriculate: MatriculationType is A, B, M or D (XSD)",
             .change = Matriculation("1B", "1C", "X"),
             .fires = true,
             .changes = {{"program_category", "1B", "1C"}},
             .issues = {"ds2019.matriculation_code:UNKNOWN_CODE"}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Site of Activity - Add

class JSiteOfActivityAdd : public ::testing::TestWithParam<Case> {};
TEST_P(JSiteOfActivityAdd, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD);
}

INSTANTIATE_TEST_SUITE_P(
    JSites, JSiteOfActivityAdd,
    ::testing::Values(
        Case{.id = "SiteKnown",
             .rule = "near miss: the active site exists in SEVIS",
             .fires = false},
        Case{.id = "NewActiveSite",
             .rule = "A Site of Activity with a status of Active exists on the most recent "
                     "effective-dated DS-2019 form that does not exist on SEVIS Master component.",
             .change = [](auto& s, auto&) { AddSite2(s); },
             .fires = true,
             .subject = "S2",
             .changes = {{"site_id", "", "S2"}},
             .data =
                 [](const v1::Alert& a) {
                   const auto& d = a.site_of_activity();
                   EXPECT_EQ(d.site_id(), "S2");
                   EXPECT_EQ(d.name(), "Research Park");
                   EXPECT_EQ(d.address().line1(), "200 Innovation Dr");
                   EXPECT_EQ(d.address().postal_code(), "61820");
                   EXPECT_EQ(d.sevis_site_id(), "");
                   EXPECT_FALSE(d.primary());
                 },
             .absent = {v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT}},
        Case{.id = "NewInactiveSite",
             .rule = "... with a status of Active ...",
             .change = [](auto& s, auto&) { AddSite2(s).set_status(v1::FORM_STATUS_INACTIVE); },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The exchange visitor has a SEVIS Status of Initial or Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   AddSite2(s);
                 },
             .fires = true,
             .subject = "S2",
             .changes = {{"site_id", "", "S2"}}},
        Case{.id = "StatusInactive",
             .rule = "The exchange visitor has a SEVIS Status of Initial or Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInactive(m);
                   AddSite2(s);
                 },
             .fires = false},
        Case{.id = "NewestRowInactive",
             .rule = "decision: the newest effective-dated row of the site counts",
             .change =
                 [](auto& s, auto&) {
                   AddSite2(s);
                   auto& later = AddSite2(s);
                   later.set_effective_date("2026-07-01");
                   later.set_status(v1::FORM_STATUS_INACTIVE);
                 },
             .fires = false},
        Case{.id = "FutureRowIgnored",
             .rule = "decision: a site row effective after today does not count yet",
             .change = [](auto& s, auto&) { AddSite2(s).set_effective_date("2026-12-01"); },
             .fires = false},
        Case{.id = "MasterRowInactive",
             .rule = "decision: a site the master holds (even INACTIVE) \"exists\" there",
             .change =
                 [](auto& s, auto& m) {
                   AddSite2(s);
                   auto* ms = m.add_sites();
                   ms->set_site_id("S2");
                   ms->set_status("INACTIVE");
                 },
             .fires = false},
        Case{.id = "RequiredValuesMissing",
             .rule = "Add (SOA): SiteName, Address1 and PostalCode are required (XSD)",
             .change =
                 [](auto& s, auto&) {
                   auto& site = AddSite2(s);
                   site.set_name("");
                   site.mutable_address()->set_line1("");
                   site.mutable_address()->set_postal_code("");
                 },
             .fires = true,
             .subject = "S2",
             .changes = {{"site_id", "", "S2"}},
             .issues = {"ds2019.sites.name:REQUIRED_MISSING",
                        "ds2019.sites.address.line1:REQUIRED_MISSING",
                        "ds2019.sites.address.postal_code:REQUIRED_MISSING"}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Site of Activity - Delete

class JSiteOfActivityDelete : public ::testing::TestWithParam<Case> {};
TEST_P(JSiteOfActivityDelete, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE);
}

INSTANTIATE_TEST_SUITE_P(
    JSites, JSiteOfActivityDelete,
    ::testing::Values(
        Case{.id = "SiteStillActive",
             .rule = "near miss: Initial, the site is Active on the DS-2019",
             .change = [](auto&, auto& m) { MakeInitial(m); },
             .fires = false},
        Case{.id = "SiteInactivated",
             .rule = "A Site of Activity with a status of Inactive exists on the most recent "
                     "effective-dated DS-2019 form and the same Site of Activity has a status of "
                     "Active on the SEVIS Master component.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Site1(s).set_status(v1::FORM_STATUS_INACTIVE);
                 },
             .fires = true,
             .subject = "S1",
             .changes = {{"status", "ACTIVE", "INACTIVE"}},
             .data =
                 [](const v1::Alert& a) {
                   const auto& d = a.site_of_activity();
                   EXPECT_EQ(d.site_id(), "S1");
                   EXPECT_EQ(d.sevis_site_id(), "SOA000001");
                   EXPECT_EQ(d.sevis_name(), "Main Campus");
                 },
             .absent = {v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT}},
        Case{.id = "StatusActive",
             .rule = "The exchange visitor has a SEVIS Status of Initial.",
             .change = [](auto& s, auto&) { Site1(s).set_status(v1::FORM_STATUS_INACTIVE); },
             .fires = false},
        Case{.id = "MasterSiteInactive",
             .rule = "... the same Site of Activity has a status of Active on the SEVIS Master",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Site1(s).set_status(v1::FORM_STATUS_INACTIVE);
                   m.mutable_sites(0)->set_status("INACTIVE");
                 },
             .fires = false},
        Case{.id = "SiteUnknownToSevis",
             .rule = "... the same Site of Activity ... on the SEVIS Master (none: nothing)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   AddSite2(s).set_status(v1::FORM_STATUS_INACTIVE);
                 },
             .fires = false},
        Case{.id = "NewestRowInactive",
             .rule = "decision: the newest effective-dated row of the site counts",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   auto* later = Ds(s).add_sites();
                   *later = Site1(s);
                   later->set_effective_date("2026-07-01");
                   later->set_status(v1::FORM_STATUS_INACTIVE);
                 },
             .fires = true,
             .subject = "S1",
             .changes = {{"status", "ACTIVE", "INACTIVE"}}},
        Case{.id = "SevisIdentityMissing",
             .rule = "Delete: SiteId or SiteName identifies the SEVIS site (XSD)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Site1(s).set_status(v1::FORM_STATUS_INACTIVE);
                   m.mutable_sites(0)->set_sevis_site_id("");
                   m.mutable_sites(0)->set_name("");
                 },
             .fires = true,
             .subject = "S1",
             .changes = {{"status", "ACTIVE", "INACTIVE"}},
             .issues = {"master.sites.sevis_site_id:REQUIRED_MISSING"}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Site of Activity - Edit

Mutation EditSite1(std::function<void(v1::SiteOfActivity&)> f) {
  return [f](v1::SisPersonSnapshot& s, v1::MasterRecord&) { f(Site1(s)); };
}

class JSiteOfActivityEdit : public ::testing::TestWithParam<Case> {};
TEST_P(JSiteOfActivityEdit, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT);
}

constexpr char kEditRule[] =
    "Address 1, Address 2, City, State, Postal, Explanation Code, and Explanation Text fields "
    "for each active Site of Activity ... are different from any of the same fields on the SEVIS "
    "Master component.";

INSTANTIATE_TEST_SUITE_P(
    JSites, JSiteOfActivityEdit,
    ::testing::Values(
        Case{.id = "SiteEqual",
             .rule = "near miss: every compared field equal (trimmed)",
             .change = EditSite1([](auto& site) { site.set_name(" Main Campus "); }),
             .fires = false},
        Case{.id = "Address1Differs",
             .rule = kEditRule,
             .change = EditSite1([](auto& site) {
               site.mutable_address()->set_line1("2 University Plaza");
             }),
             .fires = true,
             .subject = "S1",
             .changes = {{"address.line1", "1 University Plaza", "2 University Plaza"}},
             .data =
                 [](const v1::Alert& a) {
                   const auto& d = a.site_of_activity();
                   EXPECT_EQ(d.site_id(), "S1");
                   EXPECT_EQ(d.sevis_site_id(), "SOA000001");
                   EXPECT_EQ(d.sevis_name(), "Main Campus");
                   EXPECT_EQ(d.name(), "Main Campus");
                   EXPECT_EQ(d.address().line1(), "2 University Plaza");
                   EXPECT_TRUE(d.primary());
                 },
             .absent = {v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD,
                        v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE}},
        Case{.id = "Address2Differs",
             .rule = kEditRule,
             .change = EditSite1([](auto& site) { site.mutable_address()->set_line2("Suite 4"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"address.line2", "", "Suite 4"}}},
        Case{.id = "CityDiffers",
             .rule = kEditRule,
             .change = EditSite1([](auto& site) { site.mutable_address()->set_city("Urbana"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"address.city", "Springfield", "Urbana"}}},
        Case{.id = "StateDiffers",
             .rule = kEditRule,
             .change = EditSite1([](auto& site) { site.mutable_address()->set_state("MO"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"address.state", "IL", "MO"}}},
        Case{.id = "PostalDiffers",
             .rule = kEditRule,
             .change =
                 EditSite1([](auto& site) { site.mutable_address()->set_postal_code("62703"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"address.postal_code", "62701", "62703"}}},
        Case{.id = "ExplanationCodeDiffers",
             .rule = kEditRule,
             .change = EditSite1([](auto& site) { site.set_explanation_code("01"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"explanation_code", "", "01"}}},
        Case{.id = "ExplanationDiffers",
             .rule = kEditRule,
             .change = EditSite1([](auto& site) { site.set_explanation("Temporary lab space"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"explanation", "", "Temporary lab space"}}},
        Case{.id = "NameDiffers",
             .rule = "OR The name on the most recent effective-dated row on the Site of Activity "
                     "table is not equal to the name on the SEVIS Master.",
             .change = EditSite1([](auto& site) { site.set_name("Main Campus North"); }),
             .fires = true,
             .subject = "S1",
             .changes = {{"name", "Main Campus", "Main Campus North"}},
             .data =
                 [](const v1::Alert& a) {
                   EXPECT_EQ(a.site_of_activity().name(), "Main Campus North");
                   EXPECT_EQ(a.site_of_activity().sevis_name(), "Main Campus");
                 }},
        Case{.id = "NewestRowNameCounts",
             .rule = "The name on the most recent effective-dated row ... (an older row's name "
                     "does not count)",
             .change =
                 [](auto& s, auto&) {
                   auto* older = Ds(s).add_sites();
                   *older = Site1(s);
                   older->set_effective_date("2026-01-01");
                   older->set_name("Old Campus");
                 },
             .fires = false},
        Case{.id = "InactiveSiteNotCompared",
             .rule = "... for each active Site of Activity ...",
             .change = EditSite1([](auto& site) {
               site.set_status(v1::FORM_STATUS_INACTIVE);
               site.set_name("Main Campus North");
             }),
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The exchange visitor has a SEVIS Status of Initial or Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Site1(s).mutable_address()->set_city("Urbana");
                 },
             .fires = true,
             .subject = "S1",
             .changes = {{"address.city", "Springfield", "Urbana"}}},
        Case{.id = "StatusInactive",
             .rule = "The exchange visitor has a SEVIS Status of Initial or Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInactive(m);
                   Site1(s).mutable_address()->set_city("Urbana");
                 },
             .fires = false},
        Case{.id = "MasterSiteInactive",
             .rule = "decision: a site SEVIS holds as INACTIVE is not edited",
             .change =
                 [](auto& s, auto& m) {
                   m.mutable_sites(0)->set_status("INACTIVE");
                   Site1(s).mutable_address()->set_city("Urbana");
                 },
             .fires = false},
        Case{.id = "RequiredAddressMissing",
             .rule = "Edit (USAddrDoctorType): Address1 and PostalCode are required (XSD)",
             .change = EditSite1([](auto& site) {
               site.mutable_address()->set_line1("");
               site.mutable_address()->set_postal_code("");
             }),
             .fires = true,
             .subject = "S1",
             .changes = {{"address.line1", "1 University Plaza", ""},
                         {"address.postal_code", "62701", ""}},
             .issues = {"ds2019.sites.address.line1:REQUIRED_MISSING",
                        "ds2019.sites.address.postal_code:REQUIRED_MISSING"}}),
    CaseName);

TEST(JSiteOfActivity, OneDetectionPerSite) {
  // Two sites change at once: one Edit per site, each with its own subject.
  auto s = ValidJ1();
  auto m = ActiveJMaster();
  Site1(s).mutable_address()->set_city("Urbana");
  auto& s2 = AddSite2(s);
  auto* ms2 = m.add_sites();
  ms2->set_site_id("S2");
  ms2->set_sevis_site_id("SOA000002");
  ms2->set_name("Research Park");
  *ms2->mutable_address() = s2.address();
  ms2->set_status("ACTIVE");
  s2.set_name("Research Park East");
  const auto d = OfType(testing::RunJ(s, m, JRunControl(), rules::Setup{}, BaselineToday()),
                        v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].alert.subject(), "S1");
  EXPECT_EQ(d[1].alert.subject(), "S2");
  EXPECT_EQ(d[1].alert.site_of_activity().sevis_site_id(), "SOA000002");
  EXPECT_NE(d[0].alert.alert_id(), d[1].alert.alert_id());
}

// ---------------------------------------------------------------------------------------------
// Validate. The baseline master is ACTIVE; each firing case makes it Initial.

class JValidate : public ::testing::TestWithParam<Case> {};
TEST_P(JValidate, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_EV_VALIDATE); }

INSTANTIATE_TEST_SUITE_P(
    JValidate, JValidate,
    ::testing::Values(
        Case{.id = "StatusActive",
             .rule = "The exchange visitor has a SEVIS Status of Initial.",
             .fires = false},
        Case{.id = "InitialActivatedForCurrentTerm",
             .rule = "Initial AND The As of Date ... is the same as or earlier than the current "
                     "date AND ... a term activation row for the current term ... where the "
                     "institution and career equals the data on Term Activation.",
             .change = [](auto&, auto& m) { MakeInitial(m); },
             .fires = true,
             .data =
                 [](const v1::Alert& a) {
                   const auto& v = a.validate();
                   EXPECT_EQ(v.institution(), "UNIV1");
                   EXPECT_EQ(v.career(), "GRAD");
                   EXPECT_EQ(v.term(), "2026FA");
                   EXPECT_EQ(v.as_of_date(), "2026-09-01");
                   EXPECT_EQ(v.us_address().line1(), "55 Scholar Way");
                   EXPECT_EQ(v.us_address().postal_code(), "62702");
                   EXPECT_EQ(v.email(), "jmueller@example.edu");
                   EXPECT_EQ(v.phone(), "2175550111");
                 }},
        Case{.id = "StatusInactive",
             .rule = "The exchange visitor has a SEVIS Status of Initial.",
             .change = [](auto&, auto& m) { MakeInactive(m); },
             .fires = false},
        Case{.id = "NoRunControl",
             .rule = "decision: without a run control there is no current term or as-of date",
             .change = [](auto&, auto& m) { MakeInitial(m); },
             .fires = false,
             .no_run_control = true},
        Case{.id = "NoActivationForCurrentTerm",
             .rule = "... a term activation row for the current term ...",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   s.mutable_term_activations(0)->set_term("2026SU");
                 },
             .fires = false},
        Case{.id = "ActivationOtherInstitution",
             .rule = "... where the institution and career equals the data on Term Activation.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   s.mutable_term_activations(0)->set_institution("UNIV2");
                 },
             .fires = false},
        Case{.id = "ActivationOtherCareer",
             .rule = "... where the institution and career equals the data on Term Activation.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   s.mutable_term_activations(0)->set_career("UGRD");
                 },
             .fires = false},
        Case{.id = "ActivationKeysAnyCase",
             .rule = "decision: institution, career and term compare trimmed and in any case",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   s.mutable_term_activations(0)->set_institution(" univ1");
                   s.mutable_term_activations(0)->set_term("2026fa");
                 },
             .fires = true},
        Case{.id = "Ds2019CareerHasNoRunControlRow",
             .rule = "decision: the run control row is the DS-2019's institution and career",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   Ds(s).set_career("UGRD");
                   s.mutable_term_activations(0)->set_career("UGRD");
                 },
             .fires = false},
        Case{.id = "NonStudentCategory",
             .rule = "Note: Manually enter this event ... if the exchange visitor is in a "
                     "nonstudent program category.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   SetCategory(s, m, "04");
                 },
             .fires = false},
        Case{.id = "StudentInternCategory",
             .rule = "decision: Student Intern (1G) is not a student category (1a..1f)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   SetCategory(s, m, "1G");
                 },
             .fires = false},
        Case{.id = "UsAddressMissingIsAnIssue",
             .rule = "Validate: USAddress is required (XSD)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   s.clear_addresses();
                 },
             .fires = true,
             .issues = {"addresses.us_address:REQUIRED_MISSING"}},
        Case{.id = "PhoneOverTenDigitsIsAnIssue",
             .rule = "For manual validate events, an error is not reported for phone numbers "
                     "that exceed 10 digits (detected ones: PhoneTenDigits)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(m);
                   s.mutable_bio()->set_preferred_phone("21755501119");
                 },
             .fires = true,
             .issues = {"bio.preferred_phone:INVALID_FORMAT"}}),
    CaseName);

// As-of dates relative to BaselineToday (2026-10-01), run directly against the run control.
TEST(JValidateAsOf, AsOfDate) {
  struct AsOf {
    const char* as_of;
    bool fires;
    const char* rule;
  };
  for (const AsOf& c : {AsOf{"2026-10-01", true, "the same as the current date"},
                        AsOf{"2026-09-30", true, "earlier than the current date"},
                        AsOf{"2026-10-02", false, "near miss: one day after the current date"},
                        AsOf{"", false, "decision: a blank as-of date never triggers"},
                        AsOf{"2026-13-01", false, "decision: an invalid as-of date never fires"}}) {
    SCOPED_TRACE(c.rule);
    auto m = ActiveJMaster();
    MakeInitial(m);
    auto rc = JRunControl();
    rc.mutable_terms(0)->set_as_of_date(c.as_of);
    const auto d = OfType(testing::RunJ(ValidJ1(), m, rc, rules::Setup{}, BaselineToday()),
                          v1::EVENT_TYPE_EV_VALIDATE);
    EXPECT_EQ(d.size(), c.fires ? 1u : 0u);
  }
}

// ---------------------------------------------------------------------------------------------
// Interactions

TEST(JProgramInteractions, InitialEndDateChangeIsAmendOnly) {
  // Amend (Initial) and Extension / Shorten (Active) never meet.
  auto s = ValidJ1();
  auto m = ActiveJMaster();
  MakeInitial(m);
  s.mutable_ds2019(0)->set_program_end_date("2027-08-15");
  const auto all = testing::RunJ(s, m, JRunControl(), rules::Setup{}, BaselineToday());
  EXPECT_EQ(OfType(all, v1::EVENT_TYPE_EV_PROGRAM_AMEND).size(), 1u);
  EXPECT_TRUE(OfType(all, v1::EVENT_TYPE_EV_PROGRAM_EXTENSION).empty());
  EXPECT_TRUE(OfType(all, v1::EVENT_TYPE_EV_PROGRAM_SHORTEN).empty());
  EXPECT_TRUE(OfType(all, v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE).empty());
}

TEST(JProgramInteractions, MatriculateAndEditSubjectBothReport) {
  // A Master's student admitted to a doctorate in another field: the category and the subject
  // are different XML events, both reported.
  auto s = ValidJ1();
  auto m = ActiveJMaster();
  s.mutable_ds2019(0)->set_program_category("1D");
  s.mutable_ds2019(0)->set_matriculation_code("D");
  s.mutable_plans(0)->set_cip_code("11.0101");
  m.set_program_category("1C");
  const auto all = testing::RunJ(s, m, JRunControl(), rules::Setup{}, BaselineToday());
  EXPECT_EQ(OfType(all, v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE).size(), 1u);
  EXPECT_EQ(OfType(all, v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT).size(), 1u);
}

TEST(JProgramInteractions, InactiveVisitorGetsNoProgramEvent) {
  // Every event of this group needs Initial or Active.
  auto s = ValidJ1();
  auto m = ActiveJMaster();
  MakeInactive(m);
  s.mutable_ds2019(0)->set_program_end_date("2027-08-15");
  s.mutable_plans(0)->set_cip_code("11.0101");
  Site1(s).set_name("Main Campus North");
  AddSite2(s);
  std::vector<Detection> out;
  const rules::Setup setup{};  // outlives the context, which points to it
  const auto ctx = MakeJContext(s, &m, nullptr, setup, BaselineToday());
  ASSERT_TRUE(ctx.has_value());
  DetectJProgramEvents(*ctx, out);
  EXPECT_TRUE(out.empty());
}

TEST(JProgramInteractions, BaselineGivesNoProgramEvent) {
  auto s = ValidJ1();
  auto m = ActiveJMaster();
  auto rc = JRunControl();
  std::vector<Detection> out;
  const rules::Setup setup{};  // outlives the context, which points to it
  const auto ctx = MakeJContext(s, &m, &rc, setup, BaselineToday());
  ASSERT_TRUE(ctx.has_value());
  DetectJProgramEvents(*ctx, out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace sevisflow::rules

namespace sevisflow::rules {
namespace {

// The T/IPP phase dates (Form DS-7002) go with the program's new dates: the EV schema's Amend,
// Extension and Shorten carry TippPhaseDates.
TEST(JProgramTipp, ExtensionCarriesThePhasesOfTheDs2019) {
  v1::SisPersonSnapshot s = testing::ValidJ1();
  auto* phase = s.mutable_ds2019(0)->add_tipp_phases();
  phase->set_phase_id("PH1");
  phase->set_site_id("S1");
  phase->set_start_date("2026-08-20");
  phase->set_end_date("2027-08-15");
  s.mutable_ds2019(0)->set_program_end_date("2027-08-15");  // later than SEVIS's 2027-05-15
  auto d = testing::OfType(testing::RunJ(s, testing::ActiveJMaster(), testing::JRunControl(),
                                         rules::Setup{}, testing::BaselineToday()),
                           v1::EVENT_TYPE_EV_PROGRAM_EXTENSION);
  ASSERT_EQ(d.size(), 1u);
  ASSERT_EQ(d[0].alert.ev_program().tipp_phases_size(), 1);
  EXPECT_EQ(d[0].alert.ev_program().tipp_phases(0).phase_id(), "PH1");
  EXPECT_EQ(d[0].alert.ev_program().tipp_phases(0).end_date(), "2027-08-15");
  // Without a plan nothing is invented.
  s.mutable_ds2019(0)->clear_tipp_phases();
  d = testing::OfType(testing::RunJ(s, testing::ActiveJMaster(), testing::JRunControl(),
                                    rules::Setup{}, testing::BaselineToday()),
                      v1::EVENT_TYPE_EV_PROGRAM_EXTENSION);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.ev_program().tipp_phases_size(), 0);
}

}  // namespace
}  // namespace sevisflow::rules
