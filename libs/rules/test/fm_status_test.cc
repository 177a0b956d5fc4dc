// Rule book "Status - Cancel", "Status - Complete", "Status - Terminate", "Status - Verify" and
// "Request Cap – Gap Extension", table-driven. Each case starts from the baseline (RegisteredF1,
// ActiveMaster, FallRunControl, BaselineToday), puts the event's data in place where the
// baseline lacks it, and changes one thing. Synthetic people only.
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

struct World {
  v1::SisPersonSnapshot s = testing::RegisteredF1();
  v1::MasterRecord m = testing::ActiveMaster();
  std::optional<v1::RunControl> rc = testing::FallRunControl();
  rules::Setup setup;
  common::Date today = testing::BaselineToday();
};

struct Case {
  const char* name;
  const char* rule;  // the rule-book sentence the case checks
  std::function<void(World&)> mutate;
  bool fires;
  std::function<void(const v1::StatusData&, const v1::Alert&)> check;
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

// Failure messages name the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Detection> Detect(const World& w) {
  return testing::RunFm(w.s, w.m, w.rc, w.setup, w.today);
}

void RunCase(const Case& c, World w, v1::EventType event) {
  c.mutate(w);
  auto found = testing::OfType(Detect(w), event);
  if (!c.fires) {
    EXPECT_TRUE(found.empty()) << c.rule;
    return;
  }
  ASSERT_EQ(found.size(), 1u) << c.rule;
  const v1::Alert& a = found[0].alert;
  EXPECT_EQ(a.subject(), "") << c.rule;
  EXPECT_EQ(a.org_id(), "ABC214F12345000");
  EXPECT_EQ(a.sevis_id(), "N0001234567");
  EXPECT_EQ(found[0].emitted_key, "ABC214F12345000|" + v1::EventType_Name(event) + "|");
  ASSERT_EQ(a.data_case(), v1::Alert::kStatus) << c.rule;
  ASSERT_TRUE(c.check) << "a firing case checks its data";
  c.check(a.status(), a);
}

std::string IssueCodes(const v1::Alert& a) {
  std::string out;
  for (const auto& i : a.issues()) out += i.field() + ":" + i.code() + ";";
  return out;
}

std::shared_ptr<const CodeTables> Codes() {
  auto codes = std::make_shared<CodeTables>();
  for (const char* v : {"01", "02", "03", "04", "05", "06"}) {
    codes->Add("StudentCancelReasonType", v);
  }
  for (const char* v : {"01", "02", "03", "04", "05", "08"}) {
    codes->Add("StudentTerminationReasonType", v);
  }
  for (const char* v : {"C", "F", "T"}) codes->Add("CapGapExtensionType", v);
  return codes;
}

v1::EmploymentAuthorization& AddOpt(v1::SisPersonSnapshot& s, const char* end,
                                    const char* extension_end = "") {
  auto* e = s.add_employment();
  e->set_sequence(s.employment_size());
  e->set_employment_type("01");
  e->set_start_date("2026-01-01");
  e->set_end_date(end);
  if (*extension_end != '\0') {
    e->set_extension(true);
    e->set_extension_start_date(end);
    e->set_extension_end_date(extension_end);
  }
  return *e;
}

v1::ProgramAction& AddAction(google::protobuf::RepeatedPtrField<v1::ProgramAction>& rows,
                             const char* action, const char* effective_date,
                             const char* program = "CSCI-MS") {
  auto* a = rows.Add();
  a->set_institution("UNIV1");
  a->set_career("GRAD");
  a->set_academic_program(program);
  a->set_action(action);
  a->set_effective_date(effective_date);
  return *a;
}

void AddTerm(v1::SisPersonSnapshot& s, const char* term, const char* begin, const char* end) {
  auto* t = s.add_terms();
  t->set_institution("UNIV1");
  t->set_career("GRAD");
  t->set_term(term);
  t->set_begin_date(begin);
  t->set_end_date(end);
}

// ---------------------------------------------------------------------------------------------
// Status - Cancel. Base: the SEVIS record is still Initial.

World InitialRecord() {
  World w;
  w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  return w;
}

class StatusCancelTest : public ::testing::TestWithParam<Case> {};

TEST_P(StatusCancelTest, RuleBook) {
  RunCase(GetParam(), InitialRecord(), v1::EVENT_TYPE_STATUS_CANCEL);
}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, StatusCancelTest,
    ::testing::Values(
        Case{"CancelReasonOnI20",
             "A cancel reason exists on the most recent effective-dated I-20 form.",
             [](World& w) { w.s.mutable_i20(0)->set_cancel_reason(" 02 "); }, true,
             [](const v1::StatusData& d, const v1::Alert& a) {
               EXPECT_EQ(d.reason(), "02");
               EXPECT_EQ(d.program_action(), "");
               EXPECT_EQ(IssueCodes(a), "");
             }},
        Case{"NoCancelReason", "A cancel reason exists on the I-20 (near miss: none)",
             [](World&) {}, false, nullptr},
        Case{"BlankCancelReason", "A cancel reason exists (blanks are none)",
             [](World& w) { w.s.mutable_i20(0)->set_cancel_reason("  "); }, false, nullptr},
        Case{"ActiveRecord", "The student has a SEVIS Status of Initial.",
             [](World& w) {
               w.s.mutable_i20(0)->set_cancel_reason("02");
               w.m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
             },
             false, nullptr},
        Case{"MasterAlreadyCancelled", "No cancel reason exists on the SEVIS Master component.",
             [](World& w) {
               w.s.mutable_i20(0)->set_cancel_reason("02");
               w.m.set_cancel_reason("02");
             },
             false, nullptr},
        Case{"OlderI20RowReasonIgnored",
             "A cancel reason exists on the most recent effective-dated I-20 form.",
             [](World& w) {
               v1::I20Form older = w.s.i20(0);
               older.set_effective_date("2025-12-01");
               older.set_cancel_reason("02");
               *w.s.add_i20() = older;
             },
             false, nullptr},
        Case{"KnownCode", "Status/Cancel/Reason: StudentCancelReasonType",
             [](World& w) {
               w.setup.codes = Codes();
               w.s.mutable_i20(0)->set_cancel_reason("06");
             },
             true,
             [](const v1::StatusData& d, const v1::Alert& a) {
               EXPECT_EQ(d.reason(), "06");
               EXPECT_EQ(IssueCodes(a), "");
             }},
        Case{"UnknownCode", "Status/Cancel/Reason: StudentCancelReasonType",
             [](World& w) {
               w.setup.codes = Codes();
               w.s.mutable_i20(0)->set_cancel_reason("99");
             },
             true,
             [](const v1::StatusData& d, const v1::Alert& a) {
               EXPECT_EQ(d.reason(), "99");
               EXPECT_EQ(IssueCodes(a), "i20.cancel_reason:UNKNOWN_CODE;");
             }}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Status - Complete. Base: the baseline (F students: 30 days).

auto ExpectComplete(const char* basis, const char* date, const char* action = "") {
  return [=](const v1::StatusData& d, const v1::Alert& a) {
    EXPECT_EQ(d.basis(), basis);
    EXPECT_EQ(d.effective_date(), date);
    EXPECT_EQ(d.program_action(), action);
    EXPECT_EQ(IssueCodes(a), "");
  };
}

// COMP for the I-20's program, completion term summer 2026 (ended 2026-08-10).
void Completed(World& w, const char* term_end = "2026-08-10") {
  AddAction(*w.s.mutable_program_actions(), "COMP", "2026-08-15").set_completion_term("2026SU");
  AddTerm(w.s, "2026SU", "2026-05-20", term_end);
}

class StatusCompleteTest : public ::testing::TestWithParam<Case> {};

TEST_P(StatusCompleteTest, RuleBook) {
  RunCase(GetParam(), World{}, v1::EVENT_TYPE_STATUS_COMPLETE);
}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, StatusCompleteTest,
    ::testing::Values(
        Case{"ProgramRunning", "The I-20 To date plus the number of days ... (near miss: 2028)",
             [](World&) {}, false, nullptr},
        Case{"I20EndPlusDaysPassed",
             "The I-20 To date plus the number of days in the M Students or F Students field ... "
             "is earlier than or equal to the current date",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-08-31");
               w.s.mutable_i20(0)->set_complete_remarks("Degree conferred");
             },
             true,
             [](const v1::StatusData& d, const v1::Alert&) {
               EXPECT_EQ(d.basis(), "I20_END");
               EXPECT_EQ(d.effective_date(), "2026-08-31");
               EXPECT_EQ(d.remarks(), "Degree conferred");
             }},
        Case{"I20EndPlusDaysIsToday", "is earlier than or equal to the current date",
             [](World& w) { w.s.mutable_i20(0)->set_to_date("2026-09-01"); }, true,
             ExpectComplete("I20_END", "2026-09-01")},
        Case{"I20EndPlusDaysTomorrow", "is earlier than or equal to the current date (near miss)",
             [](World& w) { w.s.mutable_i20(0)->set_to_date("2026-09-02"); }, false, nullptr},
        Case{"I20EndInvalid", "The I-20 To date plus the number of days (no readable date)",
             [](World& w) { w.s.mutable_i20(0)->set_to_date("2026-02-30"); }, false, nullptr},
        Case{"OptEndLaterThanI20End",
             "If the OPT end date is later than the I-20 to date and the OPT end date plus the "
             "number of days ... is earlier than or equal to the current date.",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               AddOpt(w.s, "2026-08-31");
             },
             true, ExpectComplete("OPT_END", "2026-08-31")},
        Case{"OptStillWithinDays",
             "and no OPT employment exists where the OPT end date is later than the I-20 to date",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               AddOpt(w.s, "2026-09-15");
             },
             false, nullptr},
        Case{"OptEndedBeforeI20End",
             "no OPT employment exists where the OPT end date is later than the I-20 to date",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-08-31");
               AddOpt(w.s, "2026-06-30");
             },
             true, ExpectComplete("I20_END", "2026-08-31")},
        Case{"CancelledOptIgnored", "no OPT employment exists (Cancel Employment = Y)",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               AddOpt(w.s, "2027-05-15").set_cancel_employment(true);
             },
             true, ExpectComplete("I20_END", "2026-05-15")},
        Case{"CptIsNotOpt", "no OPT employment exists (CPT, type 02, is not OPT)",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               AddOpt(w.s, "2027-05-15").set_employment_type("02");
             },
             true, ExpectComplete("I20_END", "2026-05-15")},
        Case{"OptWithoutEndDate", "no OPT employment exists where the OPT end date is later",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               AddOpt(w.s, "");
             },
             false, nullptr},
        Case{"OptExtensionEnd",
             "If the OPT extension end date is later than the I-20 to date or the OPT end date "
             "and the OPT extension end date plus the number of days ... is earlier than or "
             "equal to the current date.",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-01-15");
               AddOpt(w.s, "2026-03-01", "2026-08-31");
             },
             true, ExpectComplete("OPT_EXTENSION_END", "2026-08-31")},
        Case{"OptExtensionRunning", "the OPT extension end date plus the number of days",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-01-15");
               AddOpt(w.s, "2026-03-01", "2026-09-15");
             },
             false, nullptr},
        Case{"OptExtensionRequestedWithoutDates", "the OPT extension end date (not known yet)",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-01-15");
               AddOpt(w.s, "2026-03-01").set_extension(true);
             },
             false, nullptr},
        Case{"TriggerCompleteAfterBlank",
             "The event will not trigger based on the I-20 to date, the OPT end date, or the OPT "
             "extension end date if the M Students or F Students field is blank",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               w.rc->clear_complete_after_days_f();
             },
             false, nullptr},
        Case{"TriggerCompleteAfterZero",
             "If you enter a 0 or no number in the F Students or M Students fields, the Program "
             "- Complete event will trigger ... but not based on the I-20 or OPT end date.",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               w.rc->set_complete_after_days_f(0);
             },
             false, nullptr},
        Case{"NoRunControl",
             "the number of days ... on the Process SEVIS Alerts – F/M Run Control page",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               w.rc.reset();
             },
             false, nullptr},
        Case{"M1UsesMStudentsDays", "the number of days in the M Students or F Students field",
             [](World& w) {
               w.s.mutable_port_of_entry(0)->set_immigration_status("02");
               w.s.mutable_i20(0)->set_to_date("2026-09-16");  // 15 days: today; 30: not yet
             },
             true, ExpectComplete("I20_END", "2026-09-16")},
        Case{"M1WithBlankMStudents", "the M Students or F Students field, as appropriate",
             [](World& w) {
               w.s.mutable_port_of_entry(0)->set_immigration_status("02");
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               w.rc->clear_complete_after_days_m();
             },
             false, nullptr},
        Case{"InitialRecord", "The student has a SEVIS Status of Active.",
             [](World& w) {
               w.s.mutable_i20(0)->set_to_date("2026-05-15");
               w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
             },
             false, nullptr},
        Case{"CompProgramAction",
             "The Program Action is COMP (complete program) on Student Program/Plan for the "
             "program on the I-20 form, and the student degree term end date for Completion "
             "Term is earlier than or equal to current date",
             [](World& w) { Completed(w); }, true,
             ExpectComplete("COMP", "2026-08-10", "COMP")},
        Case{"CompTermEndsToday", "the student degree term end date ... equal to current date",
             [](World& w) { Completed(w, "2026-10-01"); }, true,
             ExpectComplete("COMP", "2026-10-01", "COMP")},
        Case{"CompTermNotEnded", "the student degree term end date ... (near miss: tomorrow)",
             [](World& w) { Completed(w, "2026-10-02"); }, false, nullptr},
        Case{"CompTermNotInCalendar", "the student degree term end date for Completion Term",
             [](World& w) {
               AddAction(*w.s.mutable_program_actions(), "COMP", "2026-08-15")
                   .set_completion_term("2026SU");
             },
             false, nullptr},
        Case{"CompWithOptRunning",
             "and no OPT employment exists where the OPT end date is later than the current date",
             [](World& w) {
               Completed(w);
               AddOpt(w.s, "2027-06-30");
             },
             false, nullptr},
        Case{"CompWithOptExtensionRunning", "no OPT employment exists where the OPT end date ...",
             [](World& w) {
               Completed(w);
               AddOpt(w.s, "2026-09-01", "2027-09-01");
             },
             false, nullptr},
        Case{"CompWithOptEnded", "no OPT employment ... later than the current date",
             [](World& w) {
               Completed(w);
               AddOpt(w.s, "2026-09-30");
             },
             true, ExpectComplete("COMP", "2026-08-10", "COMP")},
        Case{"CompWithBlankTriggerDays",
             "However, the event will trigger if Program Action is COMP and the M Students or F "
             "Students field is blank.",
             [](World& w) {
               Completed(w);
               w.rc->clear_complete_after_days_f();
             },
             true, ExpectComplete("COMP", "2026-08-10", "COMP")},
        Case{"CompWithoutRunControl", "the event will trigger if Program Action is COMP",
             [](World& w) {
               Completed(w);
               w.rc.reset();
             },
             true, ExpectComplete("COMP", "2026-08-10", "COMP")},
        Case{"CompForAnotherProgram", "COMP ... for the program on the I-20 form",
             [](World& w) {
               Completed(w);
               w.s.mutable_program_actions(0)->set_academic_program("MATH-MS");
             },
             false, nullptr},
        Case{"CompSupersededByLaterRow", "The Program Action is COMP (the row in force)",
             [](World& w) {
               Completed(w);
               AddAction(*w.s.mutable_program_actions(), "RADM", "2026-09-10");
             },
             false, nullptr},
        Case{"CompFutureDated", "The Program Action is COMP (not in force before its date)",
             [](World& w) {
               Completed(w);
               w.s.mutable_program_actions(0)->set_effective_date("2026-10-15");
             },
             false, nullptr}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Status - Terminate. Base: the I-20 carries a termination reason (data of the event).

World WithTerminateReason() {
  World w;
  w.s.mutable_i20(0)->set_terminate_reason("03");
  return w;
}

auto ExpectTerminate(const char* action, const char* date = "2026-09-20") {
  return [=](const v1::StatusData& d, const v1::Alert& a) {
    EXPECT_EQ(d.program_action(), action);
    EXPECT_EQ(d.effective_date(), date);
    EXPECT_EQ(d.reason(), "03");
    EXPECT_EQ(IssueCodes(a), "");
  };
}

auto ProgramAction(const char* action) {
  return [=](World& w) { AddAction(*w.s.mutable_program_actions(), action, "2026-09-20"); };
}

auto ApplicationAction(const char* action) {
  return [=](World& w) { AddAction(*w.s.mutable_application_actions(), action, "2026-09-20"); };
}

class StatusTerminateTest : public ::testing::TestWithParam<Case> {};

TEST_P(StatusTerminateTest, RuleBook) {
  RunCase(GetParam(), WithTerminateReason(), v1::EVENT_TYPE_STATUS_TERMINATE);
}

constexpr char kProgramRule[] =
    "Program Action is DISC, DISM, WADM, SPND, LEAV, or ADRV on the Student Program page for the "
    "institution, career, and program";
constexpr char kApplicationRule[] =
    "Program Action is WADM, WAPP, or ADRV on the Application Program Data page for the "
    "institution, career, and program";

INSTANTIATE_TEST_SUITE_P(
    RuleBook, StatusTerminateTest,
    ::testing::Values(
        Case{"NoAction", kProgramRule, [](World&) {}, false, nullptr},
        Case{"ProgramDisc", kProgramRule, ProgramAction("DISC"), true, ExpectTerminate("DISC")},
        Case{"ProgramDism", kProgramRule, ProgramAction("dism "), true, ExpectTerminate("DISM")},
        Case{"ProgramWadm", kProgramRule, ProgramAction("WADM"), true, ExpectTerminate("WADM")},
        Case{"ProgramSpnd", kProgramRule, ProgramAction("SPND"), true, ExpectTerminate("SPND")},
        Case{"ProgramLeav", kProgramRule, ProgramAction("LEAV"), true, ExpectTerminate("LEAV")},
        Case{"ProgramAdrv", kProgramRule, ProgramAction("ADRV"), true, ExpectTerminate("ADRV")},
        Case{"ProgramWappIsApplicationOnly", kProgramRule, ProgramAction("WAPP"), false, nullptr},
        Case{"ProgramMatr", kProgramRule, ProgramAction("MATR"), false, nullptr},
        Case{"ProgramActionOfAnotherProgram", kProgramRule,
             [](World& w) {
               AddAction(*w.s.mutable_program_actions(), "DISC", "2026-09-20", "MATH-MS");
             },
             false, nullptr},
        Case{"ProgramActionOfAnotherCareer", kProgramRule,
             [](World& w) {
               AddAction(*w.s.mutable_program_actions(), "DISC", "2026-09-20")
                   .set_career("UGRD");
             },
             false, nullptr},
        Case{"ReinstatedAfterDiscontinuation", "Program Action is DISC (the row in force)",
             [](World& w) {
               AddAction(*w.s.mutable_program_actions(), "DISC", "2026-09-20");
               AddAction(*w.s.mutable_program_actions(), "RADM", "2026-09-25");
             },
             false, nullptr},
        Case{"FutureDatedAction", "Program Action is DISC (not in force before its date)",
             [](World& w) { AddAction(*w.s.mutable_program_actions(), "DISC", "2026-10-15"); },
             false, nullptr},
        Case{"InitialRecord", "The student has a SEVIS Status of Initial or Active.",
             [](World& w) {
               w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
               ProgramAction("DISC")(w);
             },
             true, ExpectTerminate("DISC")},
        Case{"ActionAlreadyInMaster", "None of the program actions exist in the SEVIS Master",
             [](World& w) {
               ProgramAction("DISC")(w);
               w.m.add_program_actions("DISC");
             },
             false, nullptr},
        Case{"OtherActionInMaster", "None of the program actions exist (this one is new)",
             [](World& w) {
               ProgramAction("DISC")(w);
               w.m.add_program_actions("LEAV");
             },
             true, ExpectTerminate("DISC")},
        Case{"OptEndsAfterAction",
             "The student has no OPT employment, or the end date of the OPT employment is "
             "earlier than or equal to the effective date of the program action.",
             [](World& w) {
               ProgramAction("DISC")(w);
               AddOpt(w.s, "2026-12-31");
             },
             false, nullptr},
        Case{"OptEndsOnActionDate", "earlier than or equal to the effective date",
             [](World& w) {
               ProgramAction("DISC")(w);
               AddOpt(w.s, "2026-09-20");
             },
             true, ExpectTerminate("DISC")},
        Case{"CancelledOptDoesNotCount", "The student has no OPT employment",
             [](World& w) {
               ProgramAction("DISC")(w);
               AddOpt(w.s, "2026-12-31").set_cancel_employment(true);
             },
             true, ExpectTerminate("DISC")},
        Case{"OptExtensionAfterAction", "the end date of the OPT employment (its extension end)",
             [](World& w) {
               ProgramAction("DISC")(w);
               AddOpt(w.s, "2026-06-30", "2027-06-30");
             },
             false, nullptr},
        Case{"OptAndActionWithoutDate", "earlier than or equal to the effective date (none)",
             [](World& w) {
               AddAction(*w.s.mutable_program_actions(), "DISC", "");
               AddOpt(w.s, "2026-06-30");
             },
             false, nullptr},
        Case{"NoOptActionWithoutDate", "The student has no OPT employment",
             [](World& w) { AddAction(*w.s.mutable_program_actions(), "DISC", ""); }, true,
             ExpectTerminate("DISC", "")},
        Case{"ApplicationWadm", kApplicationRule, ApplicationAction("WADM"), true,
             ExpectTerminate("WADM")},
        Case{"ApplicationWapp", kApplicationRule, ApplicationAction("WAPP"), true,
             ExpectTerminate("WAPP")},
        Case{"ApplicationAdrv", kApplicationRule, ApplicationAction("ADRV"), true,
             ExpectTerminate("ADRV")},
        Case{"ApplicationDiscIsProgramOnly", kApplicationRule, ApplicationAction("DISC"), false,
             nullptr},
        Case{"ApplicationActionAlreadyInMaster",
             "None of the program actions exist in the SEVIS Master component.",
             [](World& w) {
               ApplicationAction("WAPP")(w);
               w.m.add_program_actions("wapp");
             },
             false, nullptr},
        Case{"ApplicationOptExtensionAfterAction",
             "The student has no OPT employment or the end date or extension end date of the OPT "
             "employment is earlier than or equal to the effective date of the program action.",
             [](World& w) {
               ApplicationAction("WAPP")(w);
               AddOpt(w.s, "2026-06-30", "2027-06-30");
             },
             false, nullptr},
        Case{"ApplicationOptEndedBeforeAction",
             "the end date or extension end date ... earlier than or equal to the effective date",
             [](World& w) {
               ApplicationAction("WAPP")(w);
               AddOpt(w.s, "2026-03-01", "2026-09-01");
             },
             true, ExpectTerminate("WAPP")},
        Case{"ReasonMissing", "Status/Terminate/Reason is required (StudentTerminationReasonType)",
             [](World& w) {
               ProgramAction("DISC")(w);
               w.s.mutable_i20(0)->set_terminate_reason("");
             },
             true,
             [](const v1::StatusData& d, const v1::Alert& a) {
               EXPECT_EQ(d.reason(), "");
               EXPECT_EQ(d.program_action(), "DISC");
               EXPECT_EQ(IssueCodes(a), "i20.terminate_reason:REQUIRED_MISSING;");
             }},
        Case{"ReasonUnknownCode", "Status/Terminate/Reason: StudentTerminationReasonType",
             [](World& w) {
               ProgramAction("DISC")(w);
               w.setup.codes = Codes();
               w.s.mutable_i20(0)->set_terminate_reason("07");
             },
             true,
             [](const v1::StatusData& d, const v1::Alert& a) {
               EXPECT_EQ(d.reason(), "07");
               EXPECT_EQ(IssueCodes(a), "i20.terminate_reason:UNKNOWN_CODE;");
             }},
        Case{"CancelReasonOnActiveRecord",
             "Status - Cancel needs an Initial record: an Active one is terminated",
             [](World& w) {
               ProgramAction("DISC")(w);
               w.s.mutable_i20(0)->set_cancel_reason("02");
             },
             true, ExpectTerminate("DISC")}),
    CaseName);

// "Note: Entering both a Cancellation Reason on the I-20 Form and a Program Action of WADM,
// WAPP, or ARDV on the Application Program Data page triggers the Status - Cancel event, but it
// does not trigger the Status - Termination event."
TEST(StatusTerminateNote, CancelWinsOverApplicationAction) {
  World w = InitialRecord();
  w.s.mutable_i20(0)->set_cancel_reason("02");
  for (const char* action : {"WADM", "WAPP", "ADRV"}) {
    World x = w;
    ApplicationAction(action)(x);
    auto all = Detect(x);
    EXPECT_EQ(testing::OfType(all, v1::EVENT_TYPE_STATUS_CANCEL).size(), 1u) << action;
    EXPECT_TRUE(testing::OfType(all, v1::EVENT_TYPE_STATUS_TERMINATE).empty()) << action;
  }
  // Without the cancel reason the same record is terminated.
  ApplicationAction("WADM")(w);
  w.s.mutable_i20(0)->set_cancel_reason("");
  EXPECT_EQ(testing::OfType(Detect(w), v1::EVENT_TYPE_STATUS_TERMINATE).size(), 1u);
}

TEST(StatusTerminateNote, CancelWinsOverProgramAction) {
  World w = InitialRecord();
  w.s.mutable_i20(0)->set_cancel_reason("02");
  ProgramAction("DISC")(w);
  auto all = Detect(w);
  EXPECT_EQ(testing::OfType(all, v1::EVENT_TYPE_STATUS_CANCEL).size(), 1u);
  EXPECT_TRUE(testing::OfType(all, v1::EVENT_TYPE_STATUS_TERMINATE).empty());
}

TEST(StatusTerminateNote, CancelAlreadyReportedStillWinsOverTerminate) {
  World w = InitialRecord();
  w.s.mutable_i20(0)->set_cancel_reason("02");
  w.m.set_cancel_reason("02");  // Status - Cancel sent; SEVIS not settled yet
  ApplicationAction("WADM")(w);
  auto all = Detect(w);
  EXPECT_TRUE(testing::OfType(all, v1::EVENT_TYPE_STATUS_CANCEL).empty());
  EXPECT_TRUE(testing::OfType(all, v1::EVENT_TYPE_STATUS_TERMINATE).empty());
}

// ---------------------------------------------------------------------------------------------
// Status - Verify. Base: the baseline (master's last effective date 30 days ago).

std::string DaysBeforeToday(int days) { return testing::BaselineToday().AddDays(-days).ToString(); }

class StatusVerifyTest : public ::testing::TestWithParam<Case> {};

TEST_P(StatusVerifyTest, RuleBook) { RunCase(GetParam(), World{}, v1::EVENT_TYPE_STATUS_VERIFY); }

constexpr char kVerifyRule[] =
    "The most recent effective-dated row from the SEVIS Master component is 180 days (6 months) "
    "less than the current system date.";

INSTANTIATE_TEST_SUITE_P(
    RuleBook, StatusVerifyTest,
    ::testing::Values(
        Case{"RecentRow", kVerifyRule, [](World&) {}, false, nullptr},
        Case{"Exactly180Days", kVerifyRule,
             [](World& w) { w.m.set_effective_date(DaysBeforeToday(180)); }, true,
             [](const v1::StatusData& d, const v1::Alert&) {
               EXPECT_EQ(d.effective_date(), "2026-04-04");
               EXPECT_EQ(d.reason(), "");
             }},
        Case{"Only179Days", kVerifyRule,
             [](World& w) { w.m.set_effective_date(DaysBeforeToday(179)); }, false, nullptr},
        Case{"DaysNotCalendarMonths", "180 days (6 months): 181 days is less than six months",
             [](World& w) { w.m.set_effective_date("2026-04-03"); }, true,
             [](const v1::StatusData& d, const v1::Alert&) {
               EXPECT_EQ(d.effective_date(), "2026-04-03");
             }},
        Case{"BlankEffectiveDate", kVerifyRule, [](World& w) { w.m.set_effective_date(""); },
             false, nullptr},
        Case{"InvalidEffectiveDate", kVerifyRule,
             [](World& w) { w.m.set_effective_date("2026-13-01"); }, false, nullptr},
        Case{"InitialRecord", "The student has a SEVIS Status of Active.",
             [](World& w) {
               w.m.set_effective_date(DaysBeforeToday(400));
               w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
             },
             false, nullptr}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Request Cap-Gap Extension. Base: the SEVIS Master's program end date has passed.

World ProgramEnded() {
  World w;
  w.m.set_program_end_date("2026-09-30");
  return w;
}

auto ExpectCapGap(const char* status) {
  return [=](const v1::StatusData& d, const v1::Alert& a) {
    EXPECT_EQ(d.cap_gap_status(), status);
    EXPECT_EQ(d.reason(), "");
    EXPECT_EQ(IssueCodes(a), "");
  };
}

class RequestCapGapExtensionTest : public ::testing::TestWithParam<Case> {};

TEST_P(RequestCapGapExtensionTest, RuleBook) {
  RunCase(GetParam(), ProgramEnded(), v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION);
}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, RequestCapGapExtensionTest,
    ::testing::Values(
        Case{"NoCapGapStatus", "the I-20 Form Cap-Gap Status field is populated (near miss)",
             [](World&) {}, false, nullptr},
        Case{"MasterBlankI20Populated",
             "The SEVIS Master component Cap-Gap Status field is blank and the I-20 Form Cap-Gap "
             "Status field is populated.",
             [](World& w) { w.s.mutable_i20(0)->set_cap_gap_status("C"); }, true,
             ExpectCapGap("C")},
        Case{"MasterDiffers",
             "OR The SEVIS Master component Cap-Gap Status field is different than the Cap-Gap "
             "Status value on the current effective-dated I-20 Form row.",
             [](World& w) {
               w.m.set_cap_gap_status("C");
               w.s.mutable_i20(0)->set_cap_gap_status("T");
             },
             true, ExpectCapGap("T")},
        Case{"MasterSame", "is different than the Cap-Gap Status value (near miss: equal)",
             [](World& w) {
               w.m.set_cap_gap_status("C");
               w.s.mutable_i20(0)->set_cap_gap_status(" c");
             },
             false, nullptr},
        Case{"I20Cleared", "is different than ... (a blank I-20 value has nothing to request)",
             [](World& w) { w.m.set_cap_gap_status("C"); }, false, nullptr},
        Case{"ProgramEndToday",
             "The Program End Date on the SEVIS Master component is less than or equal to the "
             "system current date.",
             [](World& w) {
               w.m.set_program_end_date("2026-10-01");
               w.s.mutable_i20(0)->set_cap_gap_status("C");
             },
             true, ExpectCapGap("C")},
        Case{"ProgramEndTomorrow", "less than or equal to the system current date (near miss)",
             [](World& w) {
               w.m.set_program_end_date("2026-10-02");
               w.s.mutable_i20(0)->set_cap_gap_status("C");
             },
             false, nullptr},
        Case{"ProgramEndBlank", "The Program End Date on the SEVIS Master component",
             [](World& w) {
               w.m.set_program_end_date("");
               w.s.mutable_i20(0)->set_cap_gap_status("C");
             },
             false, nullptr},
        Case{"DiffersButNotActive",
             "The student has a SEVIS Status of Active. AND ... (the OR stays inside the AND)",
             [](World& w) {
               w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
               w.m.set_cap_gap_status("C");
               w.s.mutable_i20(0)->set_cap_gap_status("T");
             },
             false, nullptr},
        Case{"DiffersButProgramNotEnded",
             "The Program End Date ... less than or equal to the system current date. AND ... OR "
             "... different (the OR stays inside the AND)",
             [](World& w) {
               w.m.set_program_end_date("2028-05-15");
               w.m.set_cap_gap_status("C");
               w.s.mutable_i20(0)->set_cap_gap_status("T");
             },
             false, nullptr},
        Case{"UnknownCode", "Request/CapGapExtension/Status: CapGapExtensionType",
             [](World& w) {
               w.setup.codes = Codes();
               w.s.mutable_i20(0)->set_cap_gap_status("X");
             },
             true,
             [](const v1::StatusData& d, const v1::Alert& a) {
               EXPECT_EQ(d.cap_gap_status(), "X");
               EXPECT_EQ(IssueCodes(a), "i20.cap_gap_status:UNKNOWN_CODE;");
             }}),
    CaseName);

}  // namespace
}  // namespace sevisflow::rules
