// Rule book "Process SEVIS Alerts - F/M": Education Level - Cancel, Education Level - Change,
// Program - Cancel Extension, Manage Session, Edit, Extension, Shorten. Table-driven: each case
// starts from the baseline (RegisteredF1 + ActiveMaster + FallRunControl on BaselineToday, where
// nothing fires), changes one thing and names the rule-book sentence it checks.
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
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAreArray;
using testing::ActiveMaster;
using testing::BaselineToday;
using testing::FallRunControl;
using testing::OfType;
using testing::RegisteredF1;

using Change = std::array<std::string, 3>;  // field, SEVIS value, SIS value
using Mutation = std::function<void(v1::SisPersonSnapshot&, v1::MasterRecord&)>;

struct Case {
  const char* id = "";
  const char* rule = "";  // the rule-book sentence (or recorded decision) the case checks
  Mutation change = nullptr;
  bool fires = false;
  std::vector<Change> changes = {};
  std::vector<std::string> issues = {};  // "field:code"
  std::function<void(const v1::ProgramData&)> data = nullptr;
  std::vector<v1::EventType> absent = {};  // events that must not fire with it
  bool validate_cip = false;               // run control "Validate SEVIS CIP Code"
  bool cip_table = false;                  // Setup::cip_table knows 11.0701 only
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

void RunCase(const Case& c, v1::EventType event) {
  SCOPED_TRACE(c.rule);
  v1::SisPersonSnapshot s = RegisteredF1();
  v1::MasterRecord m = ActiveMaster();
  if (c.change) c.change(s, m);
  v1::RunControl rc = FallRunControl();
  rc.set_validate_cip(c.validate_cip);
  rules::Setup setup;
  if (c.cip_table) {
    setup.cip_table = std::make_shared<const std::map<std::string, std::string>>(
        std::map<std::string, std::string>{{"11.0701", "11.0701"}, {"27.0101", ""}});
  }
  const auto all = testing::RunFm(s, m, rc, setup, BaselineToday());
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
  EXPECT_EQ(a.subject(), "");
  EXPECT_EQ(a.org_id(), "ABC214F12345000");
  EXPECT_EQ(a.person_id(), "SIS000001");
  EXPECT_EQ(a.sevis_id(), "N0001234567");
  EXPECT_EQ(a.alert_id().size(), 20u);
  EXPECT_EQ(d[0].emitted_key, EmittedKey("ABC214F12345000", event, ""));
  ASSERT_EQ(a.data_case(), v1::Alert::kProgram);
  EXPECT_THAT(ChangesOf(a), ElementsAreArray(c.changes));
  EXPECT_THAT(IssuesOf(a), UnorderedElementsAreArray(c.issues));
  if (c.data) c.data(a.program());
}

// SEVIS Master after an accepted Education Level - Change from a bachelor's program (03) to the
// master's program (04) of the baseline I-20: the old program row is still ACTIVE and the new one
// is in INITIAL status; the master's program values are the new program's. Nothing fires on it.
v1::MasterRecord PendingChangeMaster(v1::MasterRecord m) {
  m.clear_programs();
  auto* old_row = m.add_programs();
  old_row->set_status("ACTIVE");
  old_row->set_effective_date("2022-06-01");
  old_row->set_level_of_education("03");
  old_row->set_from_date("2022-08-20");
  old_row->set_to_date("2026-05-15");
  auto* new_row = m.add_programs();
  new_row->set_status("INITIAL");
  new_row->set_effective_date("2026-01-10");
  new_row->set_level_of_education("04");
  new_row->set_from_date("2026-08-20");
  new_row->set_to_date("2028-05-15");
  return m;
}

void PendingChange(v1::SisPersonSnapshot&, v1::MasterRecord& m) { m = PendingChangeMaster(m); }

v1::I20Form& I20(v1::SisPersonSnapshot& s) { return *s.mutable_i20(0); }

void MakeM1(v1::SisPersonSnapshot& s, v1::MasterRecord& m) {
  s.mutable_port_of_entry(0)->set_immigration_status("02");
  m.set_visa_type("02");
}

// An M-1 student whose SEVIS Master holds an extension (To Date 2028-11-15, original 2028-05-15)
// while the I-20 is back at the original To Date.
void M1ExtensionUndone(v1::SisPersonSnapshot& s, v1::MasterRecord& m) {
  MakeM1(s, m);
  m.set_program_end_date("2028-11-15");
}

// ---------------------------------------------------------------------------------------------
// Education Level - Cancel

class EducationLevelCancel : public ::testing::TestWithParam<Case> {};
TEST_P(EducationLevelCancel, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL);
}

INSTANTIATE_TEST_SUITE_P(
    Program, EducationLevelCancel,
    ::testing::Values(
        Case{.id = "PendingChangeMatchesI20",
             .rule = "near miss: the I-20 matches the Initial Status SEVIS Master Program row",
             .change = PendingChange,
             .fires = false,
             .absent = {v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE, v1::EVENT_TYPE_PROGRAM_EDIT,
                        v1::EVENT_TYPE_PROGRAM_SHORTEN}},
        Case{.id = "LevelDiffersFromInitialRow",
             .rule = "The Level of Education value on the most recent effective-dated I-20 form "
                     "does not match the Level of Education value on the Initial Status SEVIS "
                     "Master Program row.",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   I20(s).set_level_of_education("03");
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "03"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.level_of_education(), "03");
                   EXPECT_EQ(p.program_start_date(), "2026-08-20");
                   EXPECT_EQ(p.primary_major(), "11.0701");
                   EXPECT_FALSE(p.has_financial());
                 },
             // The master's level (04) differs from the I-20 too: the pending change is
             // cancelled first, no new Change in the same run.
             .absent = {v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE}},
        Case{.id = "FromDateDiffersFromInitialRow",
             .rule = "OR The From Date value on the most recent effective-dated I-20 form is "
                     "different from the From Datevalue on the Initial Status SEVIS Master "
                     "Program row.",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   I20(s).set_from_date("2027-01-12");
                 },
             .fires = true,
             .changes = {{"program_start_date", "2026-08-20", "2027-01-12"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.level_of_education(), "04");
                   EXPECT_EQ(p.program_start_date(), "2027-01-12");
                 },
             .absent = {v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE}},
        Case{.id = "LevelAndFromDateDiffer",
             .rule = "both OR branches: one FieldChange each",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   I20(s).set_level_of_education("03");
                   I20(s).set_from_date("2022-08-20");
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "03"},
                         {"program_start_date", "2026-08-20", "2022-08-20"}}},
        Case{.id = "OneActiveRowOnly",
             .rule = "AND Two effective status active rows exist on the SEVIS Master component, "
                     "Program tab. (the baseline has one)",
             .change = [](auto& s, auto&) { I20(s).set_level_of_education("03"); },
             .fires = false},
        Case{.id = "SecondRowInactive",
             .rule = "AND Two effective status active rows exist ... (an INACTIVE row does not "
                     "count)",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   m.mutable_programs(0)->set_status("INACTIVE");
                   I20(s).set_level_of_education("03");
                 },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The student has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                   I20(s).set_level_of_education("03");
                 },
             .fires = false},
        Case{.id = "InitialRowWinsOverNewerActiveRow",
             .rule = "decision: the Initial Status row is the row whose status is INITIAL",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   m.mutable_programs(0)->set_effective_date("2026-02-01");
                   I20(s).set_level_of_education("03");
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "03"}}},
        Case{.id = "TwoActiveRowsNewestIsPending",
             .rule = "decision: without an INITIAL row the newest effective-dated active row is "
                     "the pending change",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   m.mutable_programs(1)->set_status("active");
                   I20(s).set_level_of_education("03");
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "03"}}},
        Case{.id = "BlankI20LevelTriggersNothing",
             .rule = "decision: a blank I-20 value is not a difference to report",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   I20(s).set_level_of_education("");
                 },
             .fires = false},
        Case{.id = "InvalidI20FromDateTriggersNothing",
             .rule = "decision: an invalid I-20 date does not fire its branch",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   I20(s).set_from_date("2026-02-30");
                 },
             .fires = false},
        Case{.id = "CipValidatedWhenOn",
             .rule = "The validation process checks for valid CIP codes for these F/M events: ... "
                     "Education Level – Cancel.",
             .change =
                 [](auto& s, auto& m) {
                   PendingChange(s, m);
                   I20(s).set_level_of_education("03");
                   s.mutable_plans(0)->set_cip_code("11.0101");
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "03"}},
             .issues = {"plans.primary_major:CIP_NOT_VALID"},
             .validate_cip = true,
             .cip_table = true}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Education Level - Change

void ExpectFullChangeData(const v1::ProgramData& p) {
  EXPECT_EQ(p.level_of_education(), "05");
  EXPECT_EQ(p.primary_major(), "11.0701");
  EXPECT_EQ(p.secondary_major(), "00.0000");
  EXPECT_EQ(p.minor(), "00.0000");
  EXPECT_EQ(p.program_start_date(), "2026-08-20");
  EXPECT_EQ(p.program_end_date(), "2028-05-15");
  EXPECT_TRUE(p.english_proficiency_required());
  EXPECT_TRUE(p.english_proficiency_met());
  ASSERT_TRUE(p.has_financial());
  EXPECT_EQ(p.financial().months_in_academic_term(), 9);
  EXPECT_EQ(p.financial().tuition(), 30000);
  EXPECT_EQ(p.financial().living_expenses(), 15000);
  EXPECT_EQ(p.financial().personal_funds(), 45000);
}

class EducationLevelChange : public ::testing::TestWithParam<Case> {};
TEST_P(EducationLevelChange, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE);
}

INSTANTIATE_TEST_SUITE_P(
    Program, EducationLevelChange,
    ::testing::Values(
        Case{.id = "Baseline", .rule = "near miss: nothing differs", .fires = false},
        Case{.id = "LevelDiffers",
             .rule = "AND The most recent effective-dated I-20 Level of Education value is "
                     "different from the Level of Education value on the SEVIS Master component.",
             .change = [](auto& s, auto&) { I20(s).set_level_of_education("05"); },
             .fires = true,
             .changes = {{"level_of_education", "04", "05"}},
             .data = ExpectFullChangeData},
        Case{.id = "FromDateDiffersAndLater",
             .rule = "OR The From Date on the most recent effective-dated I-20 form is different "
                     "from the From Date value on the SEVIS Master component, and the From Date "
                     "value on the current I-20 form is later than the current system date.",
             .change = [](auto& s, auto&) { I20(s).set_from_date("2027-01-12"); },
             .fires = true,
             .changes = {{"program_start_date", "2026-08-20", "2027-01-12"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.level_of_education(), "04");
                   EXPECT_EQ(p.program_start_date(), "2027-01-12");
                   EXPECT_TRUE(p.has_financial());
                 }},
        Case{.id = "FromDateDiffersButPast",
             .rule = "... and the From Date value on the current I-20 form is later than the "
                     "current system date. (it is earlier)",
             .change = [](auto& s, auto&) { I20(s).set_from_date("2026-09-15"); },
             .fires = false},
        Case{.id = "FromDateIsToday",
             .rule = "... later than the current system date. (today is not later)",
             .change = [](auto& s, auto&) { I20(s).set_from_date("2026-10-01"); },
             .fires = false},
        Case{.id = "InitialSessionStartDiffers",
             .rule = "OR The the Initial Session Start Date on the most recent effective-dated "
                     "I-20 form is different from the value on the SEVIS Master component.",
             .change =
                 [](auto& s, auto& m) {
                   m.set_initial_session_start_date("2026-08-20");
                   I20(s).set_initial_session_start_date("2026-08-24");
                 },
             .fires = true,
             .changes = {{"initial_session_start_date", "2026-08-20", "2026-08-24"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.initial_session_start_date(), "2026-08-24");
                 }},
        Case{.id = "InitialSessionStartMissingInMaster",
             .rule = "decision: a blank master date differs from a real I-20 date",
             .change = [](auto& s, auto&) { I20(s).set_initial_session_start_date("2026-08-24"); },
             .fires = true,
             .changes = {{"initial_session_start_date", "", "2026-08-24"}}},
        Case{.id = "InitialSessionStartBlankOnI20",
             .rule = "decision: a blank I-20 date does not fire its branch",
             .change = [](auto&, auto& m) { m.set_initial_session_start_date("2026-08-20"); },
             .fires = false},
        Case{.id = "BlankI20Level",
             .rule = "decision: a blank I-20 level is not a level to change to",
             .change = [](auto& s, auto&) { I20(s).set_level_of_education(""); },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The student has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                   I20(s).set_level_of_education("05");
                 },
             .fires = false},
        Case{.id = "ReportsEditAndDateChangesItself",
             .rule = "decision: Education Level - Change stands in for Program - Edit and "
                     "Extension / Shorten in the same run",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_level_of_education("05");
                   I20(s).set_to_date("2030-05-15");
                   I20(s).set_english_proficiency_met(false);
                   s.mutable_plans(0)->set_cip_code("27.0101");
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "05"},
                         {"program_end_date", "2028-05-15", "2030-05-15"},
                         {"english_proficiency_met", "Y", "N"},
                         {"primary_major", "11.0701", "27.0101"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.program_end_date(), "2030-05-15");
                   EXPECT_EQ(p.primary_major(), "27.0101");
                   EXPECT_FALSE(p.english_proficiency_met());
                 },
             .absent = {v1::EVENT_TYPE_PROGRAM_EDIT, v1::EVENT_TYPE_PROGRAM_EXTENSION}},
        Case{.id = "ValidationIssuesDoNotSuppress",
             .rule = "Validation issues never suppress the alert",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_level_of_education("05");
                   I20(s).set_english_proficiency_required(false);
                   I20(s).set_months_in_academic_term(0);
                   I20(s).set_tuition(-1);
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "05"},
                         {"english_proficiency_required", "Y", "N"}},
             .issues = {"i20.english_proficiency_notes:REQUIRED_MISSING",
                        "i20.months_in_academic_term:OUT_OF_RANGE", "i20.tuition:OUT_OF_RANGE"}},
        Case{.id = "CipValidatedWhenOn",
             .rule = "Validate SEVIS CIP Code: the EducationalInfo majors are checked",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_level_of_education("05");
                   auto* plan = s.add_plans();
                   plan->set_sequence(20);
                   plan->set_plan_type("MAJ");
                   plan->set_plan("MATH-MS");
                   plan->set_cip_code("27.0101");
                   plan->set_active(true);
                 },
             .fires = true,
             .changes = {{"level_of_education", "04", "05"},
                         {"secondary_major", "00.0000", "27.0101"}},
             .issues = {"plans.secondary_major:CIP_NOT_VALID"},
             .validate_cip = true,
             .cip_table = true}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Manage Session

void MakeInitial(v1::SisPersonSnapshot&, v1::MasterRecord& m) {
  m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
}

class ProgramManageSession : public ::testing::TestWithParam<Case> {};
TEST_P(ProgramManageSession, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION);
}

INSTANTIATE_TEST_SUITE_P(
    Program, ProgramManageSession,
    ::testing::Values(
        Case{.id = "InitialNothingDiffers",
             .rule = "near miss: Initial status, dates equal",
             .change = MakeInitial,
             .fires = false},
        Case{.id = "FromDateDiffers",
             .rule = "The From Date on the SEVIS Master component is not the same as the From "
                     "Date on the most recent effective-dated I-20 form.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_from_date("2027-01-12");
                 },
             .fires = true,
             .changes = {{"program_start_date", "2026-08-20", "2027-01-12"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.program_start_date(), "2027-01-12");
                   EXPECT_EQ(p.program_end_date(), "2028-05-15");
                   EXPECT_EQ(p.level_of_education(), "");
                 },
             .absent = {v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE}},
        Case{.id = "ToDateDiffers",
             .rule = "OR The To Date on the SEVIS Master component is not the same as the To Date "
                     "on the most recent effective-dated I-20 form.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_to_date("2028-12-15");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2028-12-15"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.program_end_date(), "2028-12-15");
                 },
             // Initial status: only Manage Session moves the dates.
             .absent = {v1::EVENT_TYPE_PROGRAM_EXTENSION, v1::EVENT_TYPE_PROGRAM_SHORTEN}},
        Case{.id = "InitialSessionStartDiffers",
             .rule = "OR The Initial Session Start Date on the SEVIS Master component is not the "
                     "same as the Initial Session Start Date on the most recent effective-dated "
                     "I-20 form.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   m.set_initial_session_start_date("2026-08-20");
                   I20(s).set_initial_session_start_date("2026-08-24");
                 },
             .fires = true,
             .changes = {{"initial_session_start_date", "2026-08-20", "2026-08-24"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.initial_session_start_date(), "2026-08-24");
                 }},
        Case{.id = "AllDatesDiffer",
             .rule = "every OR branch at once: one FieldChange each",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_from_date("2027-01-12");
                   I20(s).set_to_date("2028-12-15");
                   I20(s).set_initial_session_start_date("2027-01-12");
                 },
             .fires = true,
             .changes = {{"program_start_date", "2026-08-20", "2027-01-12"},
                         {"program_end_date", "2028-05-15", "2028-12-15"},
                         {"initial_session_start_date", "", "2027-01-12"}}},
        Case{.id = "StatusActive",
             .rule = "The student has a SEVIS Status of Initial. (Active is not)",
             .change = [](auto& s, auto&) { I20(s).set_from_date("2027-01-12"); },
             .fires = false},
        Case{.id = "BlankI20FromDate",
             .rule = "decision: a blank I-20 date does not fire its branch",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_from_date("");
                 },
             .fires = false},
        Case{.id = "MasterFromDateMissing",
             .rule = "decision: a blank master date is not the same as a real I-20 date",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   m.set_program_start_date("");
                 },
             .fires = true,
             .changes = {{"program_start_date", "", "2026-08-20"}}},
        Case{.id = "EndBeforeStartIsAnIssue",
             .rule = "Validation issues never suppress the alert",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_to_date("2026-06-01");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2026-06-01"}},
             .issues = {"i20.to_date:PROGRAM_DATES_ORDER"}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Edit

void AddPlan(v1::SisPersonSnapshot& s, const char* type, const char* plan, const char* cip,
             int sequence) {
  auto* p = s.add_plans();
  p->set_sequence(sequence);
  p->set_plan_type(type);
  p->set_plan(plan);
  p->set_cip_code(cip);
  p->set_active(true);
}

class ProgramEdit : public ::testing::TestWithParam<Case> {};
TEST_P(ProgramEdit, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_PROGRAM_EDIT); }

INSTANTIATE_TEST_SUITE_P(
    Program, ProgramEdit,
    ::testing::Values(
        Case{.id = "Baseline", .rule = "near miss: nothing differs", .fires = false},
        Case{.id = "EnglishProficiencyRequiredDiffers",
             .rule = "AND A difference exists between English Proficiency Required or English "
                     "Proficiency on the most recent effective dated row of the I-20 Form and "
                     "SEVIS Master component. (Required)",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_english_proficiency_required(false);
                   I20(s).set_english_proficiency_notes("Native speaker");
                 },
             .fires = true,
             .changes = {{"english_proficiency_required", "Y", "N"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_FALSE(p.english_proficiency_required());
                   EXPECT_EQ(p.english_proficiency_notes(), "Native speaker");
                   EXPECT_EQ(p.primary_major(), "11.0701");
                   EXPECT_EQ(p.level_of_education(), "");
                 }},
        Case{.id = "EnglishProficiencyMetDiffers",
             .rule = "... English Proficiency Required or English Proficiency ... (Met)",
             .change = [](auto& s, auto&) { I20(s).set_english_proficiency_met(false); },
             .fires = true,
             .changes = {{"english_proficiency_met", "Y", "N"}},
             .data = [](const v1::ProgramData& p) { EXPECT_FALSE(p.english_proficiency_met()); }},
        Case{.id = "NotRequiredWithoutReasonIsAnIssue",
             .rule = "NotRequiredReason: Required if EngRequired=N (XSD)",
             .change = [](auto& s, auto&) { I20(s).set_english_proficiency_required(false); },
             .fires = true,
             .changes = {{"english_proficiency_required", "Y", "N"}},
             .issues = {"i20.english_proficiency_notes:REQUIRED_MISSING"}},
        Case{.id = "PrimaryMajorDiffers",
             .rule = "OR A difference exists between primary major CIP, secondary major CIP, or "
                     "minor CIP in the SEVIS Master component and ... the Student Plan/Subplan "
                     "page (primary)",
             .change = [](auto& s, auto&) { s.mutable_plans(0)->set_cip_code("11.0101"); },
             .fires = true,
             .changes = {{"primary_major", "11.0701", "11.0101"}},
             .data = [](const v1::ProgramData& p) { EXPECT_EQ(p.primary_major(), "11.0101"); }},
        Case{.id = "SecondaryMajorDiffers",
             .rule = "... secondary major CIP ... Secondary major comes from the active academic "
                     "plan with the second most minimum sequence number",
             .change = [](auto& s, auto&) { AddPlan(s, "MAJ", "MATH-MS", "27.0101", 20); },
             .fires = true,
             .changes = {{"secondary_major", "00.0000", "27.0101"}},
             .data = [](const v1::ProgramData& p) { EXPECT_EQ(p.secondary_major(), "27.0101"); }},
        Case{.id = "MinorDiffers",
             .rule = "... or minor CIP ... The minor selected from academic plan is the minimum "
                     "sequence number where the plan type is equal to any of the minor plan types",
             .change = [](auto& s, auto&) { AddPlan(s, "MIN", "ECON-MIN", "45.0601", 30); },
             .fires = true,
             .changes = {{"minor", "00.0000", "45.0601"}},
             .data = [](const v1::ProgramData& p) { EXPECT_EQ(p.minor(), "45.0601"); }},
        Case{.id = "MasterMinorRemovedInSis",
             .rule = "For F-1 students, if the ... Minor CIP field are not populated ... the "
                     "process enters a CIP code of 00.0000",
             .change = [](auto&, auto& m) { m.set_minor("45.0601"); },
             .fires = true,
             .changes = {{"minor", "45.0601", "00.0000"}}},
        Case{.id = "FromApplicationPlans",
             .rule = "... on either the Student Plan/Subplan page or the Application Program "
                     "Data page ... if no data exists, taking the data from the application plan",
             .change =
                 [](auto& s, auto&) {
                   s.clear_plans();
                   auto* p = s.add_application_plans();
                   p->set_sequence(10);
                   p->set_plan_type("MAJ");
                   p->set_plan("CSCI-PHD");
                   p->set_cip_code("11.0101");
                   p->set_active(true);
                 },
             .fires = true,
             .changes = {{"primary_major", "11.0701", "11.0101"}},
             .issues = {"application_plans.primary_major:CIP_NOT_VALID"},
             .validate_cip = true,
             .cip_table = true},
        Case{.id = "StudentPlanWinsOverApplicationPlan",
             .rule = "near miss: determined by first checking the student plan or subplan",
             .change =
                 [](auto& s, auto&) {
                   auto* p = s.add_application_plans();
                   p->set_sequence(10);
                   p->set_plan_type("MAJ");
                   p->set_plan("CSCI-PHD");
                   p->set_cip_code("11.0101");
                   p->set_active(true);
                 },
             .fires = false},
        Case{.id = "NoPrimaryMajorInSis",
             .rule = "decision: a blank SIS primary major is nothing to report",
             .change = [](auto& s, auto&) { s.clear_plans(); },
             .fires = false},
        Case{.id = "M1BlankSecondaryEqualsNoCip",
             .rule = "decision: for M-1 a blank secondary major / minor is the master's 00.0000",
             .change = MakeM1,
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The student has a SEVIS Status of Initial or Active. (Initial)",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_english_proficiency_met(false);
                 },
             .fires = true,
             .changes = {{"english_proficiency_met", "Y", "N"}}},
        Case{.id = "CipValidationOn",
             .rule = "Validate SEVIS CIP Code: Select Yes ... If the codes do not match, or if no "
                     "valid code is available ... the process generates an error message",
             .change =
                 [](auto& s, auto&) {
                   s.mutable_plans(0)->set_cip_code("11.0101");
                   AddPlan(s, "MAJ", "MATH-MS", "27.0101", 20);
                 },
             .fires = true,
             .changes = {{"primary_major", "11.0701", "11.0101"},
                         {"secondary_major", "00.0000", "27.0101"}},
             .issues = {"plans.primary_major:CIP_NOT_VALID",
                        "plans.secondary_major:CIP_NOT_VALID"},
             .validate_cip = true,
             .cip_table = true},
        Case{.id = "CipValidationOff",
             .rule = "Select No to disable the automatic CIP code validation process. When the "
                     "validation process is disabled, no validation notices appear in the alerts.",
             .change =
                 [](auto& s, auto&) {
                   s.mutable_plans(0)->set_cip_code("11.0101");
                   AddPlan(s, "MAJ", "MATH-MS", "27.0101", 20);
                 },
             .fires = true,
             .changes = {{"primary_major", "11.0701", "11.0101"},
                         {"secondary_major", "00.0000", "27.0101"}},
             .validate_cip = false,
             .cip_table = true},
        Case{.id = "CipFormatCheckedEvenWhenOff",
             .rule = "decision: a code that is not NN.NNNN is an issue whatever the run control",
             .change = [](auto& s, auto&) { s.mutable_plans(0)->set_cip_code("110101"); },
             .fires = true,
             .changes = {{"primary_major", "11.0701", "110101"}},
             .issues = {"plans.primary_major:INVALID_FORMAT"}},
        Case{.id = "LevelChangeStandsInForEdit",
             .rule = "decision: Education Level - Change reports the majors itself",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_level_of_education("05");
                   s.mutable_plans(0)->set_cip_code("11.0101");
                 },
             .fires = false,
             .absent = {}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Extension

class ProgramExtension : public ::testing::TestWithParam<Case> {};
TEST_P(ProgramExtension, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_PROGRAM_EXTENSION); }

INSTANTIATE_TEST_SUITE_P(
    Program, ProgramExtension,
    ::testing::Values(
        Case{.id = "ToDatesEqual", .rule = "near miss: the To Dates are equal", .fires = false},
        Case{.id = "MasterToDateEarlier",
             .rule = "The To Date on the SEVIS Master component is earlier than the To Date on "
                     "the most recent effective-dated I-20 form.",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_to_date("2028-12-15");
                   I20(s).set_remarks("Research delayed by lab closure");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2028-12-15"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.program_end_date(), "2028-12-15");
                   EXPECT_EQ(p.remarks(), "Research delayed by lab closure");
                   EXPECT_EQ(p.program_start_date(), "");
                 },
             .absent = {v1::EVENT_TYPE_PROGRAM_SHORTEN, v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION}},
        Case{.id = "ExplanationMissingIsAnIssue",
             .rule = "Program/Extension requires an Explanation (XSD)",
             .change = [](auto& s, auto&) { I20(s).set_to_date("2028-12-15"); },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2028-12-15"}},
             .issues = {"i20.remarks:REQUIRED_MISSING"}},
        Case{.id = "MasterToDateLater",
             .rule = "near miss: a later master To Date is Program - Shorten",
             .change = [](auto& s, auto&) { I20(s).set_to_date("2028-01-15"); },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The student has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_to_date("2028-12-15");
                 },
             .fires = false},
        Case{.id = "BlankI20ToDate",
             .rule = "decision: a blank I-20 To Date is neither earlier nor later",
             .change = [](auto& s, auto&) { I20(s).set_to_date(""); },
             .fires = false},
        Case{.id = "InvalidMasterToDate",
             .rule = "decision: an invalid master To Date is neither earlier nor later",
             .change =
                 [](auto& s, auto& m) {
                   m.set_program_end_date("2028-02-30");
                   I20(s).set_to_date("2028-12-15");
                 },
             .fires = false},
        Case{.id = "LevelChangeStandsInForExtension",
             .rule = "decision: Education Level - Change reports the new program's end date",
             .change =
                 [](auto& s, auto&) {
                   I20(s).set_level_of_education("06");
                   I20(s).set_to_date("2031-05-15");
                 },
             .fires = false},
        Case{.id = "M1Extension",
             .rule = "The To Date on the SEVIS Master component is earlier than the To Date ... "
                     "(M-1 too)",
             .change =
                 [](auto& s, auto& m) {
                   MakeM1(s, m);
                   I20(s).set_to_date("2028-08-15");
                   I20(s).set_remarks("Extra flight hours");
                 },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2028-08-15"}},
             .absent = {v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Shorten

class ProgramShorten : public ::testing::TestWithParam<Case> {};
TEST_P(ProgramShorten, RuleBook) { RunCase(GetParam(), v1::EVENT_TYPE_PROGRAM_SHORTEN); }

INSTANTIATE_TEST_SUITE_P(
    Program, ProgramShorten,
    ::testing::Values(
        Case{.id = "ToDatesEqual", .rule = "near miss: the To Dates are equal", .fires = false},
        Case{.id = "MasterToDateLater",
             .rule = "The To Date on the SEVIS Master component is later than the To Date on the "
                     "most recent effective-dated I-20 form.",
             .change = [](auto& s, auto&) { I20(s).set_to_date("2027-12-15"); },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2027-12-15"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.program_end_date(), "2027-12-15");
                 },
             .absent = {v1::EVENT_TYPE_PROGRAM_EXTENSION}},
        Case{.id = "MasterToDateEarlier",
             .rule = "near miss: an earlier master To Date is Program - Extension",
             .change = [](auto& s, auto&) { I20(s).set_to_date("2028-12-15"); },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The student has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   MakeInitial(s, m);
                   I20(s).set_to_date("2027-12-15");
                 },
             .fires = false},
        Case{.id = "InvalidI20ToDate",
             .rule = "decision: an invalid I-20 To Date is neither earlier nor later",
             .change = [](auto& s, auto&) { I20(s).set_to_date("2027-13-01"); },
             .fires = false},
        Case{.id = "BlankMasterToDate",
             .rule = "decision: a blank master To Date is neither earlier nor later",
             .change =
                 [](auto& s, auto& m) {
                   m.set_program_end_date("");
                   I20(s).set_to_date("2027-12-15");
                 },
             .fires = false},
        Case{.id = "EndBeforeStartIsAnIssue",
             .rule = "Validation issues never suppress the alert",
             .change = [](auto& s, auto&) { I20(s).set_to_date("2026-06-01"); },
             .fires = true,
             .changes = {{"program_end_date", "2028-05-15", "2026-06-01"}},
             .issues = {"i20.to_date:PROGRAM_DATES_ORDER"}},
        Case{.id = "CancelExtensionWinsForM1",
             .rule = "decision: Program - Cancel Extension restores the original To Date",
             .change = M1ExtensionUndone,
             .fires = false},
        Case{.id = "F1ExtensionUndoneIsShorten",
             .rule = "The student's visa type is M-1. (F-1: the shorter To Date is Shorten)",
             .change =
                 [](auto&, auto& m) { m.set_program_end_date("2028-11-15"); },
             .fires = true,
             .changes = {{"program_end_date", "2028-11-15", "2028-05-15"}},
             .absent = {v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Program - Cancel Extension

class ProgramCancelExtension : public ::testing::TestWithParam<Case> {};
TEST_P(ProgramCancelExtension, RuleBook) {
  RunCase(GetParam(), v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION);
}

INSTANTIATE_TEST_SUITE_P(
    Program, ProgramCancelExtension,
    ::testing::Values(
        Case{.id = "M1NoExtensionHeld",
             .rule = "decision: the master must hold an extension (To Date later than the "
                     "original) for there to be one to cancel",
             .change = MakeM1,
             .fires = false},
        Case{.id = "I20ToDateIsOriginal",
             .rule = "The To Date on the most recent effective-dated I-20 form is the same as the "
                     "original To Date on the SEVIS Master component.",
             .change = M1ExtensionUndone,
             .fires = true,
             .changes = {{"program_end_date", "2028-11-15", "2028-05-15"}},
             .data =
                 [](const v1::ProgramData& p) {
                   EXPECT_EQ(p.program_end_date(), "2028-05-15");
                 },
             .absent = {v1::EVENT_TYPE_PROGRAM_SHORTEN, v1::EVENT_TYPE_PROGRAM_EXTENSION}},
        Case{.id = "F1",
             .rule = "The student's visa type is M-1.",
             .change = [](auto&, auto& m) { m.set_program_end_date("2028-11-15"); },
             .fires = false},
        Case{.id = "I20ToDateNotOriginal",
             .rule = "near miss: the I-20 To Date is not the original To Date",
             .change =
                 [](auto& s, auto& m) {
                   M1ExtensionUndone(s, m);
                   I20(s).set_to_date("2028-08-15");
                 },
             .fires = false},
        Case{.id = "MasterToDateEarlierThanOriginal",
             .rule = "decision: a master To Date before the original is no extension",
             .change =
                 [](auto& s, auto& m) {
                   MakeM1(s, m);
                   m.set_program_end_date("2028-01-15");
                 },
             .fires = false},
        Case{.id = "StatusInitial",
             .rule = "The student has a SEVIS Status of Active.",
             .change =
                 [](auto& s, auto& m) {
                   M1ExtensionUndone(s, m);
                   MakeInitial(s, m);
                 },
             .fires = false},
        Case{.id = "OriginalToDateBlank",
             .rule = "decision: a blank original To Date is not the same as any I-20 To Date",
             .change =
                 [](auto& s, auto& m) {
                   M1ExtensionUndone(s, m);
                   m.set_original_program_end_date("");
                 },
             .fires = false},
        Case{.id = "I20ToDateBlank",
             .rule = "decision: a blank I-20 To Date does not fire",
             .change =
                 [](auto& s, auto& m) {
                   M1ExtensionUndone(s, m);
                   I20(s).set_to_date("");
                 },
             .fires = false}),
    CaseName);

}  // namespace
}  // namespace sevisflow::rules
