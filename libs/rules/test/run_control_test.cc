#include "sevisflow/rules/run_control.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"

namespace sevisflow::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

common::Date D(const char* iso) { return *common::Date::Parse(iso); }

// A valid F/M run control: fall term from 2026-08-20, as-of date 12 days in.
v1::RunControl FallRunControl() {
  v1::RunControl rc;
  rc.set_org_id("ABC214F12345000");
  rc.set_visa_family(v1::VISA_FAMILY_FM);
  rc.set_validate_cip(true);
  v1::TermSelection* row = rc.add_terms();
  row->set_institution("UNIV1");
  row->set_career("GRAD");
  row->set_current_term("2026FA");
  row->set_current_term_begin_date("2026-08-20");
  row->set_current_term_end_date("2026-12-15");
  row->set_next_term("2027SP");
  row->set_next_term_begin_date("2027-01-12");
  row->set_as_of_date("2026-09-01");
  return rc;
}

struct Case {
  const char* name;
  std::function<void(v1::RunControl&)> change;
  std::vector<std::string> errors;  // empty: valid
};

v1::TermSelection& Row0(v1::RunControl& rc) { return *rc.mutable_terms(0); }

std::vector<Case> Cases() {
  return {
      {"valid", [](v1::RunControl&) {}, {}},
      // SEVIS School Code.
      {"org missing", [](v1::RunControl& rc) { rc.clear_org_id(); }, {"org_id: required"}},
      {"org blank", [](v1::RunControl& rc) { rc.set_org_id("  "); }, {"org_id: required"}},
      // Trigger Complete Program After: blank, 0..60 (F), 0..30 (M).
      {"F blank", [](v1::RunControl& rc) { rc.clear_complete_after_days_f(); }, {}},
      {"F 0", [](v1::RunControl& rc) { rc.set_complete_after_days_f(0); }, {}},
      {"F 60", [](v1::RunControl& rc) { rc.set_complete_after_days_f(60); }, {}},
      {"F 61",
       [](v1::RunControl& rc) { rc.set_complete_after_days_f(61); },
       {"complete_after_days_f: 61 is outside 0..60"}},
      {"F -1",
       [](v1::RunControl& rc) { rc.set_complete_after_days_f(-1); },
       {"complete_after_days_f: -1 is outside 0..60"}},
      {"M blank", [](v1::RunControl& rc) { rc.clear_complete_after_days_m(); }, {}},
      {"M 0", [](v1::RunControl& rc) { rc.set_complete_after_days_m(0); }, {}},
      {"M 30", [](v1::RunControl& rc) { rc.set_complete_after_days_m(30); }, {}},
      {"M 31",
       [](v1::RunControl& rc) { rc.set_complete_after_days_m(31); },
       {"complete_after_days_m: 31 is outside 0..30"}},
      {"M -1",
       [](v1::RunControl& rc) { rc.set_complete_after_days_m(-1); },
       {"complete_after_days_m: -1 is outside 0..30"}},
      {"M 60 is not allowed for M",
       [](v1::RunControl& rc) { rc.set_complete_after_days_m(60); },
       {"complete_after_days_m: 60 is outside 0..30"}},
      // Academic Information Selection.
      {"no rows",
       [](v1::RunControl& rc) { rc.clear_terms(); },
       {"terms: at least one institution and career row is required"}},
      {"institution missing",
       [](v1::RunControl& rc) { Row0(rc).clear_institution(); },
       {"terms[0].institution: required"}},
      {"career missing",
       [](v1::RunControl& rc) { Row0(rc).set_career(" "); },
       {"terms[0].career: required"}},
      {"current term missing",
       [](v1::RunControl& rc) { Row0(rc).clear_current_term(); },
       {"terms[0].current_term: required"}},
      {"begin missing",
       [](v1::RunControl& rc) { Row0(rc).clear_current_term_begin_date(); },
       {"terms[0].current_term_begin_date: required"}},
      {"begin impossible date",
       [](v1::RunControl& rc) { Row0(rc).set_current_term_begin_date("2026-02-30"); },
       {"terms[0].current_term_begin_date: '2026-02-30' is not a valid YYYY-MM-DD date"}},
      {"begin US format",
       [](v1::RunControl& rc) { Row0(rc).set_current_term_begin_date("08/20/2026"); },
       {"terms[0].current_term_begin_date: '08/20/2026' is not a valid YYYY-MM-DD date"}},
      {"end blank", [](v1::RunControl& rc) { Row0(rc).clear_current_term_end_date(); }, {}},
      {"end equals begin",
       [](v1::RunControl& rc) { Row0(rc).set_current_term_end_date("2026-08-20"); },
       {}},
      {"end before begin",
       [](v1::RunControl& rc) { Row0(rc).set_current_term_end_date("2026-08-19"); },
       {"terms[0].current_term_end_date: 2026-08-19 is before the current term begins "
        "(2026-08-20)"}},
      {"end malformed",
       [](v1::RunControl& rc) { Row0(rc).set_current_term_end_date("2026-12"); },
       {"terms[0].current_term_end_date: '2026-12' is not a valid YYYY-MM-DD date"}},
      {"next blank",
       [](v1::RunControl& rc) {
         Row0(rc).clear_next_term();
         Row0(rc).clear_next_term_begin_date();
       },
       {}},
      {"next the day after begin",
       [](v1::RunControl& rc) { Row0(rc).set_next_term_begin_date("2026-08-21"); },
       {}},
      {"next equals begin",
       [](v1::RunControl& rc) { Row0(rc).set_next_term_begin_date("2026-08-20"); },
       {"terms[0].next_term_begin_date: 2026-08-20 is not after the current term begins "
        "(2026-08-20)"}},
      {"next before begin",
       [](v1::RunControl& rc) { Row0(rc).set_next_term_begin_date("2026-01-12"); },
       {"terms[0].next_term_begin_date: 2026-01-12 is not after the current term begins "
        "(2026-08-20)"}},
      {"next malformed",
       [](v1::RunControl& rc) { Row0(rc).set_next_term_begin_date("soon"); },
       {"terms[0].next_term_begin_date: 'soon' is not a valid YYYY-MM-DD date"}},
      {"as of missing",
       [](v1::RunControl& rc) { Row0(rc).clear_as_of_date(); },
       {"terms[0].as_of_date: required"}},
      {"as of malformed",
       [](v1::RunControl& rc) { Row0(rc).set_as_of_date("2026-9-1"); },
       {"terms[0].as_of_date: '2026-9-1' is not a valid YYYY-MM-DD date"}},
      {"as of exactly 30 days after begin",
       [](v1::RunControl& rc) { Row0(rc).set_as_of_date("2026-09-19"); },
       {}},
      {"as of 31 days after begin",
       [](v1::RunControl& rc) { Row0(rc).set_as_of_date("2026-09-20"); },
       {"terms[0].as_of_date: 2026-09-20 is more than 30 days after the current term begins "
        "(2026-08-20)"}},
      {"as of on the begin date", [](v1::RunControl& rc) { Row0(rc).set_as_of_date("2026-08-20"); },
       {}},
      {"as of before begin (early Registration)",
       [](v1::RunControl& rc) { Row0(rc).set_as_of_date("2026-07-01"); },
       {}},
      {"as of across a month and year end",
       [](v1::RunControl& rc) {
         Row0(rc).set_current_term_begin_date("2026-12-15");
         Row0(rc).set_current_term_end_date("2027-03-01");
         Row0(rc).set_next_term_begin_date("2027-03-15");
         Row0(rc).set_as_of_date("2027-01-15");  // 31 days
       },
       {"terms[0].as_of_date: 2027-01-15 is more than 30 days after the current term begins "
        "(2026-12-15)"}},
      {"second row as of too late",
       [](v1::RunControl& rc) {
         v1::TermSelection* row = rc.add_terms();
         *row = Row0(rc);
         row->set_career("UGRD");
         row->set_as_of_date("2026-10-05");
       },
       {"terms[1].as_of_date: 2026-10-05 is more than 30 days after the current term begins "
        "(2026-08-20)"}},
      {"bad begin: no as-of comparison",
       [](v1::RunControl& rc) {
         Row0(rc).set_current_term_begin_date("x");
         Row0(rc).set_as_of_date("2030-01-01");
       },
       {"terms[0].current_term_begin_date: 'x' is not a valid YYYY-MM-DD date"}},
      {"same institution, other career",
       [](v1::RunControl& rc) {
         *rc.add_terms() = Row0(rc);
         rc.mutable_terms(1)->set_career("UGRD");
       },
       {}},
      {"duplicate institution and career, other case",
       [](v1::RunControl& rc) {
         *rc.add_terms() = Row0(rc);
         rc.mutable_terms(1)->set_institution("univ1");
         rc.mutable_terms(1)->set_career(" Grad ");
       },
       {"terms[1]: institution UNIV1 and career GRAD repeat terms[0]"}},
  };
}

TEST(RunControlValidationTest, EachRuleAndBoundary) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    v1::RunControl rc = FallRunControl();
    c.change(rc);
    EXPECT_EQ(RunControlErrors(rc), c.errors);
    absl::Status st = ValidateRunControl(rc);
    if (c.errors.empty()) {
      EXPECT_TRUE(st.ok()) << st;
    } else {
      EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(st.message(), absl::StrJoin(c.errors, "; "));
    }
  }
}

TEST(RunControlValidationTest, ReportsEveryErrorNotJustTheFirst) {
  v1::RunControl rc;
  rc.set_complete_after_days_f(90);
  rc.add_terms();
  v1::TermSelection* second = rc.add_terms();
  second->set_institution("UNIV1");
  second->set_career("GRAD");
  second->set_current_term("2026FA");
  second->set_current_term_begin_date("2026-08-20");
  second->set_as_of_date("2026-10-05");
  const std::vector<std::string> expected = {
      "org_id: required",
      "complete_after_days_f: 90 is outside 0..60",
      "terms[0].institution: required",
      "terms[0].career: required",
      "terms[0].current_term: required",
      "terms[0].current_term_begin_date: required",
      "terms[0].as_of_date: required",
      "terms[1].as_of_date: 2026-10-05 is more than 30 days after the current term begins "
      "(2026-08-20)",
  };
  EXPECT_EQ(RunControlErrors(rc), expected);
  absl::Status st = ValidateRunControl(rc);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "org_id: required; complete_after_days_f: 90 is outside 0..60; "
            "terms[0].institution: required; terms[0].career: required; "
            "terms[0].current_term: required; terms[0].current_term_begin_date: required; "
            "terms[0].as_of_date: required; terms[1].as_of_date: 2026-10-05 is more than 30 "
            "days after the current term begins (2026-08-20)");
}

TEST(RunControlValidationTest, DuplicateReportedOncePerRepeat) {
  v1::RunControl rc = FallRunControl();
  *rc.add_terms() = rc.terms(0);
  *rc.add_terms() = rc.terms(0);
  EXPECT_THAT(RunControlErrors(rc),
              ElementsAre("terms[1]: institution UNIV1 and career GRAD repeat terms[0]",
                          "terms[2]: institution UNIV1 and career GRAD repeat terms[0]"));
}

struct WarningCase {
  const char* name;
  const char* today;
  std::function<void(v1::RunControl&)> change;
  std::vector<std::string> warnings;
};

TEST(RunControlWarningsTest, EachRemark) {
  const std::vector<WarningCase> cases = {
      {"none while the term runs", "2026-09-05", [](v1::RunControl&) {}, {}},
      {"as of today", "2026-09-01", [](v1::RunControl&) {}, {}},
      {"as of in the future", "2026-08-31", [](v1::RunControl&) {},
       {"terms[0].as_of_date: 2026-09-01 is after today (2026-08-31); Registration and Auth "
        "Drop Below FC do not fire until then"}},
      {"next term missing", "2026-09-05",
       [](v1::RunControl& rc) {
         Row0(rc).clear_next_term();
         Row0(rc).clear_next_term_begin_date();
       },
       {"terms[0].next_term: not set; Registration's NextSessionStartDate cannot be reported"}},
      {"next term without its begin date", "2026-09-05",
       [](v1::RunControl& rc) { Row0(rc).clear_next_term_begin_date(); },
       {"terms[0].next_term_begin_date: not set; Registration's NextSessionStartDate cannot be "
        "reported"}},
      {"current term end missing", "2026-09-05",
       [](v1::RunControl& rc) { Row0(rc).clear_current_term_end_date(); },
       {"terms[0].current_term_end_date: not set; Registration's CurrentSessionEndDate cannot "
        "be reported"}},
      {"last day of the term", "2026-12-15", [](v1::RunControl&) {}, {}},
      {"term already ended", "2026-12-16", [](v1::RunControl&) {},
       {"terms[0].current_term_end_date: the current term ended on 2026-12-15, before today "
        "(2026-12-16); refresh Current Term, Next Term and As of Date"}},
      {"malformed dates are left to validation", "2026-09-05",
       [](v1::RunControl& rc) {
         Row0(rc).set_as_of_date("later");
         Row0(rc).set_current_term_end_date("2026-13-01");
       },
       {}},
      {"each row on its own", "2026-08-01",
       [](v1::RunControl& rc) {
         *rc.add_terms() = Row0(rc);
         rc.mutable_terms(1)->set_career("UGRD");
         rc.mutable_terms(1)->set_as_of_date("2026-08-01");
       },
       {"terms[0].as_of_date: 2026-09-01 is after today (2026-08-01); Registration and Auth "
        "Drop Below FC do not fire until then"}},
  };
  for (const WarningCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::RunControl rc = FallRunControl();
    c.change(rc);
    EXPECT_EQ(RunControlWarnings(rc, D(c.today)), c.warnings);
  }
}

TEST(RunControlWarningsTest, NoRowsNoRemarks) {
  v1::RunControl rc;
  EXPECT_THAT(RunControlWarnings(rc, D("2026-09-01")), IsEmpty());
}

TEST(RunControlWarningsTest, RemarksDoNotMakeARunControlInvalid) {
  v1::RunControl rc = FallRunControl();
  Row0(rc).clear_next_term();
  Row0(rc).clear_next_term_begin_date();
  EXPECT_TRUE(ValidateRunControl(rc).ok());
  EXPECT_THAT(RunControlWarnings(rc, D("2027-01-01")),
              ElementsAre(HasSubstr("next_term: not set"),
                          HasSubstr("the current term ended on 2026-12-15")));
}

}  // namespace
}  // namespace sevisflow::rules

namespace sevisflow::rules {
namespace {

// "Process SEVIS Alerts - J": Current Term and As of Date per institution and career; no Next
// Term, no "Trigger Complete Program After" and no 30-day rule (an F/M regulation).
v1::RunControl JRunControlForValidation() {
  v1::RunControl rc;
  rc.set_org_id("P-1-12345");
  rc.set_visa_family(v1::VISA_FAMILY_J);
  auto* t = rc.add_terms();
  t->set_institution("UNIV1");
  t->set_career("GRAD");
  t->set_current_term("2026FA");
  t->set_as_of_date("2026-12-01");
  return rc;
}

TEST(RunControlValidationJTest, NoTermDatesNoThirtyDayRule) {
  v1::RunControl rc = JRunControlForValidation();
  EXPECT_TRUE(ValidateRunControl(rc).ok()) << ValidateRunControl(rc);
  // The same row on an F/M run control needs the term start, which bounds the as-of date.
  rc.set_visa_family(v1::VISA_FAMILY_FM);
  EXPECT_FALSE(ValidateRunControl(rc).ok());
  rc.mutable_terms(0)->set_current_term_begin_date("2026-08-20");
  EXPECT_FALSE(ValidateRunControl(rc).ok());  // 2026-12-01 is > 30 days after the start
  rc.set_visa_family(v1::VISA_FAMILY_J);
  EXPECT_TRUE(ValidateRunControl(rc).ok());
}

TEST(RunControlValidationJTest, CompletionDaysAreRefused) {
  v1::RunControl rc = JRunControlForValidation();
  rc.set_complete_after_days_f(10);
  absl::Status status = ValidateRunControl(rc);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("complete_after_days"), std::string::npos);
}

TEST(RunControlValidationJTest, StillNeedsTermAndAsOfDate) {
  v1::RunControl rc = JRunControlForValidation();
  rc.mutable_terms(0)->clear_current_term();
  rc.mutable_terms(0)->clear_as_of_date();
  absl::Status status = ValidateRunControl(rc);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("terms[0].current_term: required"),
            std::string::npos);
  EXPECT_NE(std::string(status.message()).find("terms[0].as_of_date: required"),
            std::string::npos);
}

TEST(RunControlWarningsJTest, NoNextTermRemarkAndValidateWording) {
  v1::RunControl rc = JRunControlForValidation();
  auto warnings = RunControlWarnings(rc, *common::Date::Parse("2026-11-01"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("Validate does not fire until then"), std::string::npos);
}

}  // namespace
}  // namespace sevisflow::rules
