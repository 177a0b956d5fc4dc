// Rule book "Registration" and "Auth Drop Below FC – Add", table-driven. Each case starts from the
// baseline (RegisteredF1, ActiveMaster, FallRunControl, BaselineToday), puts the event's trigger
// in place where the baseline does not hold it, and changes one thing. Synthetic people only.
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

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
  std::function<void(const v1::Alert&)> check;  // data of the alert when it fires
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

// Failure messages name the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// Runs the case and returns the one alert of `event`, or nullopt when none is expected (and
// none fired).
std::optional<v1::Alert> RunCase(const Case& c, World w, v1::EventType event) {
  c.mutate(w);
  auto found = testing::OfType(testing::RunFm(w.s, w.m, w.rc, w.setup, w.today), event);
  if (!c.fires) {
    EXPECT_TRUE(found.empty()) << c.rule;
    return std::nullopt;
  }
  EXPECT_EQ(found.size(), 1u) << c.rule;
  if (found.size() != 1) return std::nullopt;
  const v1::Alert& a = found[0].alert;
  EXPECT_EQ(a.subject(), "") << c.rule;
  EXPECT_EQ(a.org_id(), "ABC214F12345000");
  EXPECT_EQ(a.sevis_id(), "N0001234567");
  EXPECT_EQ(found[0].emitted_key,
            "ABC214F12345000|" + v1::EventType_Name(event) + "|");
  if (c.check) c.check(a);
  return a;
}

// Adds an enrolled class to the snapshot.
void AddClass(v1::SisPersonSnapshot& s, const char* career, const char* term, double units,
              const char* mode = "P", const char* status = "E") {
  auto* e = s.add_enrollment();
  e->set_institution("UNIV1");
  e->set_career(career);
  e->set_term(term);
  e->set_class_number("9" + std::to_string(s.enrollment_size()));
  e->set_units_taken(units);
  e->set_instruction_mode(mode);
  e->set_status(status);
}

void AddException(v1::SisPersonSnapshot& s, const char* term, double required,
                  const char* code = "MEDICAL") {
  auto* f = s.add_full_course_exceptions();
  f->set_institution("UNIV1");
  f->set_career("GRAD");
  f->set_term(term);
  f->set_exception(code);
  f->set_required_units(required);
}

// A second run control row: UNIV1 / UGRD, fall current, as-of reached.
void AddUndergradRow(v1::RunControl& rc) {
  v1::TermSelection* t = rc.add_terms();
  *t = rc.terms(0);
  t->set_career("UGRD");
}

// ---------------------------------------------------------------------------------------------
// Registration. Trigger state: the SEVIS Master's registration term is the previous term.

World Unregistered() {
  World w;
  w.m.set_registration_term("2026SU");
  return w;
}

void ExpectFallRegistration(const v1::Alert& a) {
  ASSERT_EQ(a.data_case(), v1::Alert::kRegistration);
  const v1::RegistrationData& r = a.registration();
  EXPECT_EQ(r.institution(), "UNIV1");
  EXPECT_EQ(r.career(), "GRAD");
  EXPECT_EQ(r.term(), "2026FA");
  EXPECT_EQ(r.as_of_date(), "2026-09-01");
  EXPECT_EQ(r.current_session_start_date(), "2026-08-20");
  EXPECT_EQ(r.current_session_end_date(), "2026-12-15");
  EXPECT_EQ(r.next_session_start_date(), "2027-01-12");
  EXPECT_FALSE(r.last_session());
  EXPECT_DOUBLE_EQ(r.enrolled_units(), 9);
  EXPECT_FALSE(r.full_course_exception());
  EXPECT_EQ(r.email(), "student1@example.edu");
  EXPECT_EQ(r.us_address().line1(), "12 College Ave");
  EXPECT_EQ(r.us_address().postal_code(), "62701");
  EXPECT_EQ(r.foreign_address().country(), "PE");
  EXPECT_FALSE(r.commuter());
  EXPECT_EQ(a.issues_size(), 0);
}

class RegistrationTest : public ::testing::TestWithParam<Case> {};

TEST_P(RegistrationTest, RuleBook) {
  RunCase(GetParam(), Unregistered(), v1::EVENT_TYPE_REGISTRATION);
}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, RegistrationTest,
    ::testing::Values(
        Case{"EnrolledMasterTermOlder",
             "The term in the SEVIS Master component Registration page is not equal to the "
             "current term",
             [](World&) {}, true, ExpectFallRegistration},
        Case{"MasterTermBlank", "or the term on the SEVIS Master Registration page is blank",
             [](World& w) { w.m.set_registration_term(""); }, true, ExpectFallRegistration},
        Case{"AlreadyRegisteredForCurrentTerm",
             "The term in the SEVIS Master component Registration page is not equal to the "
             "current term (near miss: equal, case and blanks aside)",
             [](World& w) { w.m.set_registration_term(" 2026fa "); }, false, nullptr},
        Case{"InitialStatus", "The student has a SEVIS Status of Initial or Active.",
             [](World& w) { w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL); }, true,
             ExpectFallRegistration},
        Case{"AsOfDateToday",
             "The As of date ... is earlier than or equal to the date when the process runs.",
             [](World& w) { w.rc->mutable_terms(0)->set_as_of_date("2026-10-01"); }, true,
             [](const v1::Alert& a) { EXPECT_EQ(a.registration().as_of_date(), "2026-10-01"); }},
        Case{"AsOfDateTomorrow",
             "The As of date ... is earlier than or equal to the date when the process runs.",
             [](World& w) { w.rc->mutable_terms(0)->set_as_of_date("2026-10-02"); }, false,
             nullptr},
        Case{"AsOfDateBlank",
             "The As of date ... is earlier than or equal to the date when the process runs.",
             [](World& w) { w.rc->mutable_terms(0)->set_as_of_date(""); }, false, nullptr},
        Case{"NoRunControl", "The As of date on the Process SEVIS Alerts – F/M component ...",
             [](World& w) { w.rc.reset(); }, false, nullptr},
        Case{"AllClassesDropped",
             "The student is currently enrolled in any institution, career, or term",
             [](World& w) {
               for (auto& e : *w.s.mutable_enrollment()) e.set_status("D");
             },
             false, nullptr},
        Case{"ZeroUnits", "The student is currently enrolled (units taken > 0)",
             [](World& w) {
               for (auto& e : *w.s.mutable_enrollment()) e.set_units_taken(0);
             },
             false, nullptr},
        Case{"EnrolledOnlyNextTerm",
             "The student is currently enrolled in any institution, career, or term from the "
             "Process SEVIS Alerts – F/M component (the current term)",
             [](World& w) {
               for (auto& e : *w.s.mutable_enrollment()) e.set_term("2027SP");
             },
             false, nullptr},
        Case{"BlankStatusCountsAsEnrolled", "currently enrolled: status blank or E",
             [](World& w) {
               for (auto& e : *w.s.mutable_enrollment()) e.set_status("");
             },
             true, ExpectFallRegistration},
        Case{"EnrolledInAnotherRunControlRow",
             "The student is currently enrolled in any institution, career, or term from the "
             "Process SEVIS Alerts – F/M component.",
             [](World& w) {
               AddUndergradRow(*w.rc);
               for (auto& e : *w.s.mutable_enrollment()) e.set_career("UGRD");
             },
             true,
             [](const v1::Alert& a) {
               // The I-20's row (GRAD) is reported; the units come from every row.
               EXPECT_EQ(a.registration().career(), "GRAD");
               EXPECT_DOUBLE_EQ(a.registration().enrolled_units(), 9);
               EXPECT_FALSE(a.registration().full_course_exception());
             }},
        Case{"NoRowForI20CareerUsesEnrolledRow",
             "The student is currently enrolled in any institution, career, or term",
             [](World& w) {
               w.rc->mutable_terms(0)->set_career("UGRD");
               w.rc->mutable_terms(0)->set_current_term("2026F2");
               for (auto& e : *w.s.mutable_enrollment()) {
                 e.set_career("UGRD");
                 e.set_term("2026F2");
               }
             },
             true,
             [](const v1::Alert& a) {
               EXPECT_EQ(a.registration().career(), "UGRD");
               EXPECT_EQ(a.registration().term(), "2026F2");
             }},
        Case{"FullCourseExceptionWithoutEnrolment",
             "OR The student has a full course exception for the current term on the Process "
             "SEVIS Alerts - F/M page for the institution and career on the I-20 form.",
             [](World& w) {
               w.s.clear_enrollment();
               AddException(w.s, "2026FA", 0);
             },
             true,
             [](const v1::Alert& a) {
               EXPECT_TRUE(a.registration().full_course_exception());
               EXPECT_DOUBLE_EQ(a.registration().enrolled_units(), 0);
               EXPECT_EQ(a.registration().term(), "2026FA");
             }},
        Case{"FullCourseExceptionOtherTerm",
             "a full course exception for the current term (near miss: next term)",
             [](World& w) {
               w.s.clear_enrollment();
               AddException(w.s, "2027SP", 0);
             },
             false, nullptr},
        Case{"FullCourseExceptionOtherCareer",
             "a full course exception ... for the institution and career on the I-20 form",
             [](World& w) {
               w.s.clear_enrollment();
               AddException(w.s, "2026FA", 0);
               w.s.mutable_full_course_exceptions(0)->set_career("UGRD");
             },
             false, nullptr},
        Case{"FullCourseExceptionBlankValue",
             "has a full course exception (a row without an exception value is none)",
             [](World& w) {
               w.s.clear_enrollment();
               AddException(w.s, "2026FA", 0, " ");
             },
             false, nullptr},
        Case{"LastSession",
             "Note: If the Next Term ... has a start date that is later than the student's length "
             "of study To Date (I-20 Form page), then the system selects the Last Session",
             [](World& w) { w.s.mutable_i20(0)->set_to_date("2027-01-11"); }, true,
             [](const v1::Alert& a) {
               EXPECT_TRUE(a.registration().last_session());
               EXPECT_EQ(a.registration().next_session_start_date(), "2027-01-12");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"NotLastSessionWhenNextTermStartsOnToDate",
             "a start date that is later than the student's length of study To Date (near miss: "
             "equal)",
             [](World& w) { w.s.mutable_i20(0)->set_to_date("2027-01-12"); }, true,
             [](const v1::Alert& a) { EXPECT_FALSE(a.registration().last_session()); }},
        Case{"NextTermBeginMissing",
             "Registration/NextSessionStartDate (SEVIS needs it unless it is the last session)",
             [](World& w) { w.rc->mutable_terms(0)->set_next_term_begin_date(""); }, true,
             [](const v1::Alert& a) {
               EXPECT_FALSE(a.registration().last_session());
               ASSERT_EQ(a.issues_size(), 1);
               EXPECT_EQ(a.issues(0).field(), "run_control.terms.next_term_begin_date");
               EXPECT_EQ(a.issues(0).code(), "REQUIRED_MISSING");
             }},
        Case{"CurrentTermEndInvalid", "Registration/CurrentSessionEndDate is required (XSD)",
             [](World& w) { w.rc->mutable_terms(0)->set_current_term_end_date("2026-12-32"); },
             true,
             [](const v1::Alert& a) {
               ASSERT_EQ(a.issues_size(), 1);
               EXPECT_EQ(a.issues(0).field(), "run_control.terms.current_term_end_date");
               EXPECT_EQ(a.issues(0).code(), "INVALID_DATE");
             }},
        Case{"CommuterAndNoUsAddress", "Registration/Commuter and USAddress from the SIS",
             [](World& w) {
               w.s.mutable_i20(0)->set_commuter(true);
               w.s.mutable_addresses(0)->set_address_type("MAIL");
             },
             true,
             [](const v1::Alert& a) {
               EXPECT_TRUE(a.registration().commuter());
               EXPECT_FALSE(a.registration().has_us_address());
               EXPECT_EQ(a.registration().foreign_address().city(), "Lima");
             }}),
    CaseName);

TEST(RegistrationAlertId, AlertIdIsStableAcrossRuns) {
  World w = Unregistered();
  auto a = testing::OfType(testing::RunFm(w.s, w.m, w.rc, w.setup, w.today),
                           v1::EVENT_TYPE_REGISTRATION);
  w.s.set_version(w.s.version() + 1);
  auto b = testing::OfType(testing::RunFm(w.s, w.m, w.rc, w.setup, w.today),
                           v1::EVENT_TYPE_REGISTRATION);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].alert.alert_id(), b[0].alert.alert_id());
}

// ---------------------------------------------------------------------------------------------
// Auth Drop Below FC – Add. Trigger state: one of the three classes dropped (6 of 9 units).

World DroppedBelow() {
  World w;
  w.s.mutable_enrollment(2)->set_status("D");
  return w;
}

void ExpectDropToSix(const v1::Alert& a) {
  ASSERT_EQ(a.data_case(), v1::Alert::kAuthDropBelow);
  const v1::AuthDropBelowData& d = a.auth_drop_below();
  EXPECT_EQ(d.term(), "2026FA");
  EXPECT_DOUBLE_EQ(d.enrolled_units(), 6);
  EXPECT_DOUBLE_EQ(d.required_units(), 9);
  EXPECT_EQ(d.reason(), "");
  EXPECT_EQ(d.start_date(), "");
  EXPECT_EQ(d.end_date(), "2026-12-15");  // the run control's current term end
  ASSERT_EQ(a.issues_size(), 1);
  EXPECT_EQ(a.issues(0).field(), "auth_drop_below.reason");
  EXPECT_EQ(a.issues(0).code(), "DSO_INPUT_REQUIRED");
}

class AuthDropBelowFcAddTest : public ::testing::TestWithParam<Case> {};

TEST_P(AuthDropBelowFcAddTest, RuleBook) {
  RunCase(GetParam(), DroppedBelow(), v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD);
}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, AuthDropBelowFcAddTest,
    ::testing::Values(
        Case{"BelowFullTime",
             "The total number of currently enrolled units ... is less than the minimum full time "
             "level/load rules units",
             [](World&) {}, true, ExpectDropToSix},
        Case{"FullTimeAgain", "is less than the minimum full time units (near miss: equal)",
             [](World& w) { w.s.mutable_enrollment(2)->set_status("E"); }, false, nullptr},
        Case{"MinimumUnknown", "the minimum full time level/load rules units (0 = unknown)",
             [](World& w) { w.s.mutable_i20(0)->set_min_full_time_units(0); }, false, nullptr},
        Case{"DecimalUnitsReachMinimum", "is less than the minimum (decimal units summed)",
             [](World& w) {
               w.s.mutable_enrollment(0)->set_units_taken(1.1);
               w.s.mutable_enrollment(1)->set_units_taken(1.9);
               w.s.mutable_i20(0)->set_min_full_time_units(3);
             },
             false, nullptr},
        Case{"InitialStatus", "The student has a SEVIS Status of Active.",
             [](World& w) { w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL); }, false, nullptr},
        Case{"AsOfDateToday",
             "The As of Date field ... is earlier than or equal to the date when the process is "
             "run.",
             [](World& w) { w.rc->mutable_terms(0)->set_as_of_date("2026-10-01"); }, true,
             ExpectDropToSix},
        Case{"AsOfDateTomorrow",
             "The As of Date field ... is earlier than or equal to the date when the process is "
             "run.",
             [](World& w) { w.rc->mutable_terms(0)->set_as_of_date("2026-10-02"); }, false,
             nullptr},
        Case{"NoRunControl", "The As of Date field on the Process SEVIS Alerts − F/M page",
             [](World& w) { w.rc.reset(); }, false, nullptr},
        Case{"RegistrationNotSentForCurrentTerm",
             "The Registration event has been previously sent for the current term on the run "
             "control page.",
             [](World& w) { w.m.set_registration_term("2026SU"); }, false, nullptr},
        Case{"RegistrationTermBlank",
             "The Registration event has been previously sent for the current term",
             [](World& w) { w.m.set_registration_term(""); }, false, nullptr},
        Case{"AuthReasonInForce",
             "The Auth Reason field is either blank ... or the end date of the specified Auth "
             "Reason has passed.",
             [](World& w) {
               w.m.set_auth_reason("01");
               w.m.set_auth_end_date("2026-12-15");
             },
             false, nullptr},
        Case{"AuthReasonEndsToday", "the end date of the specified Auth Reason has passed",
             [](World& w) {
               w.m.set_auth_reason("01");
               w.m.set_auth_end_date("2026-10-01");
             },
             false, nullptr},
        Case{"AuthReasonPassed", "the end date of the specified Auth Reason has passed",
             [](World& w) {
               w.m.set_auth_reason("01");
               w.m.set_auth_end_date("2026-09-30");
             },
             true, ExpectDropToSix},
        Case{"AuthReasonWithoutEndDate", "the end date of the specified Auth Reason has passed",
             [](World& w) { w.m.set_auth_reason("01"); }, false, nullptr},
        Case{"ExceptionMet",
             "No Full Course Exception value exists for the run control term or the units do "
             "not meet those required for the exception.",
             [](World& w) { AddException(w.s, "2026FA", 6); }, false, nullptr},
        Case{"ExceptionRequiringNoUnits", "No Full Course Exception value exists",
             [](World& w) { AddException(w.s, "2026FA", 0); }, false, nullptr},
        Case{"ExceptionNotMet", "or the units do not meet those required for the exception",
             [](World& w) { AddException(w.s, "2026FA", 7.5); }, true, ExpectDropToSix},
        Case{"ExceptionOtherTerm", "No Full Course Exception value exists for the run control term",
             [](World& w) { AddException(w.s, "2026SU", 0); }, true, ExpectDropToSix},
        Case{"UnitsOfEveryRunControlRow",
             "currently enrolled units for all institutions, careers, and current terms",
             [](World& w) {
               AddUndergradRow(*w.rc);
               AddClass(w.s, "UGRD", "2026FA", 3);
             },
             false, nullptr},
        Case{"UnitsOfOtherTermsDoNotCount", "for all ... current terms (near miss: next term)",
             [](World& w) { AddClass(w.s, "GRAD", "2027SP", 3); }, true, ExpectDropToSix},
        Case{"InstructionModeOneClassOnly",
             "If equal, use only the one class where STDNT_ENRL.UNT_TAKEN is greatest toward "
             "calculating full time.",
             [](World& w) {
               w.setup.online_instruction_modes = {"OL"};
               w.s.mutable_enrollment(2)->set_status("E");  // back to 9 units, 2 of them online
               w.s.mutable_enrollment(1)->set_instruction_mode("ol");
               w.s.mutable_enrollment(2)->set_instruction_mode("OL");
             },
             true, ExpectDropToSix},
        Case{"InstructionModeGreatestClassCounts",
             "use only the one class where STDNT_ENRL.UNT_TAKEN is greatest",
             [](World& w) {
               w.setup.online_instruction_modes = {"OL"};
               w.s.mutable_enrollment(2)->set_status("E");
               w.s.mutable_enrollment(1)->set_instruction_mode("OL");
               w.s.mutable_enrollment(1)->set_units_taken(1);
               w.s.mutable_enrollment(2)->set_instruction_mode("OL");
               w.s.mutable_enrollment(2)->set_units_taken(6);
             },
             false, nullptr},
        Case{"InstructionModeSingleOnlineClass",
             "compare to Instruction Mode on Class table (one online class counts in full)",
             [](World& w) {
               w.setup.online_instruction_modes = {"OL"};
               w.s.mutable_enrollment(2)->set_status("E");
               w.s.mutable_enrollment(2)->set_instruction_mode("OL");
             },
             false, nullptr},
        Case{"NoInstructionModesInSetup",
             "If no Instruction Mode values are entered on the SEVIS Setup table, apply all "
             "classes toward calculating full time.",
             [](World& w) {
               w.s.mutable_enrollment(2)->set_status("E");
               w.s.mutable_enrollment(1)->set_instruction_mode("OL");
               w.s.mutable_enrollment(2)->set_instruction_mode("OL");
             },
             false, nullptr}),
    CaseName);

TEST(AuthDropBelowFcAddRule, NotWithRegistrationInTheSameRun) {
  // "The Registration event has been previously sent for the current term": the two events
  // exclude each other, whatever the units.
  World w = DroppedBelow();
  w.m.set_registration_term("");
  auto all = testing::RunFm(w.s, w.m, w.rc, w.setup, w.today);
  EXPECT_EQ(testing::OfType(all, v1::EVENT_TYPE_REGISTRATION).size(), 1u);
  EXPECT_TRUE(testing::OfType(all, v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD).empty());
}

}  // namespace
}  // namespace sevisflow::rules
