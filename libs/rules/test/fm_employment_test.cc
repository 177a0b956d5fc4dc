// Rule book F/M employment events (libs/rules/src/fm_employment.cc): CPT Employment - Add,
// Cancel; Off Campus Employment - Add, Cancel, Edit; OPT Employment - Add, Cancel, Extend, Edit;
// OPT Report Participation; OPT Employer - Add, Edit. One table per event, each case naming the
// rule-book sentence it checks. Every world starts from the baseline (RegisteredF1 +
// ActiveMaster + FallRunControl on BaselineToday) with one CPT (sequence 1), one off-campus
// (sequence 2) and one OPT (sequence 3) authorisation that the SEVIS Master already holds
// unchanged; each case changes one thing. Synthetic people only.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

common::Date D(const char* iso) { return *common::Date::Parse(iso); }

v1::Address MakeAddress(const char* line1, const char* line2, const char* city, const char* state,
                        const char* zip) {
  v1::Address a;
  a.set_line1(line1);
  a.set_line2(line2);
  a.set_city(city);
  a.set_state(state);
  a.set_postal_code(zip);
  return a;
}

// --- The SIS side ------------------------------------------------------------------------------

v1::Employer CptEmployer() {
  v1::Employer e;
  e.set_employer_number(1);
  e.set_name("Acme Robotics");
  *e.mutable_address() = MakeAddress("500 Industrial Pkwy", "", "Springfield", "IL", "62702");
  return e;
}

v1::EmploymentAuthorization CptRow() {
  v1::EmploymentAuthorization e;
  e.set_sequence(1);
  e.set_employment_type("02");
  e.set_start_date("2026-11-02");
  e.set_end_date("2026-12-15");
  e.set_full_part_time("PT");
  e.set_remarks("Internship course CSCI 690");
  *e.add_employers() = CptEmployer();
  return e;
}

v1::EmploymentAuthorization OffCampusRow() {
  v1::EmploymentAuthorization e;
  e.set_sequence(2);
  e.set_employment_type("03");
  e.set_start_date("2026-11-02");
  e.set_end_date("2027-08-31");
  e.set_recommend_employment(true);
  e.set_reason("01");
  return e;
}

v1::Employer OptEmployer1() {
  v1::Employer e;
  e.set_employer_number(1);
  e.set_name("Initech LLC");
  *e.mutable_address() = MakeAddress("1 Initech Way", "", "Springfield", "IL", "62703");
  e.set_ein("123456789");
  e.set_start_date("2026-11-15");
  e.set_full_part_time("FT");
  e.set_course_relevance("Software engineering in the major");
  e.set_job_title("Developer");
  return e;
}

v1::Employer OptEmployer2() {
  v1::Employer e;
  e.set_employer_number(2);
  e.set_name("Globex Corp");
  *e.mutable_address() = MakeAddress("77 Globex Rd", "Suite 4", "Chicago", "IL", "60601");
  e.set_start_date("2027-01-10");
  e.set_end_date("2027-06-30");
  e.set_full_part_time("PT");
  e.set_course_relevance("Data analysis");
  return e;
}

v1::Employer OptEmployer3() {
  v1::Employer e;
  e.set_employer_number(3);
  e.set_name("Hooli Inc");
  *e.mutable_address() = MakeAddress("9 Hooli Ct", "", "Peoria", "IL", "61602");
  e.set_start_date("2027-07-01");
  e.set_full_part_time("FT");
  e.set_course_relevance("Machine learning");
  return e;
}

v1::EmploymentAuthorization OptRow() {
  v1::EmploymentAuthorization e;
  e.set_sequence(3);
  e.set_employment_type("01");
  e.set_start_date("2026-11-15");
  e.set_end_date("2027-11-14");
  e.set_full_part_time("FT");
  e.set_request_status("PENDING");
  e.set_completion_type("POST");
  e.set_employment_code("01");
  e.set_academic_year_met(true);
  *e.add_employers() = OptEmployer1();
  *e.add_employers() = OptEmployer2();
  return e;
}

// --- The SEVIS Master side: what SEVIS accepted of those rows -----------------------------------

v1::MasterEmployer MasterEmployerOf(const v1::Employer& e) {
  v1::MasterEmployer m;
  m.set_employer_number(e.employer_number());
  m.set_name(e.name());
  *m.mutable_address() = e.address();
  m.set_start_date(e.start_date());
  m.set_end_date(e.end_date());
  return m;
}

v1::MasterEmployment MasterOf(const v1::EmploymentAuthorization& e) {
  v1::MasterEmployment m;
  m.set_sequence(e.sequence());
  m.set_employment_type(e.employment_type());
  m.set_start_date(e.start_date());
  m.set_end_date(e.end_date());
  m.set_recommend_employment(e.recommend_employment());
  m.set_reason(e.reason());
  m.set_extension(e.extension());
  m.set_extension_start_date(e.extension_start_date());
  m.set_extension_end_date(e.extension_end_date());
  m.set_employment_code(e.employment_code());
  m.set_academic_year_met(e.academic_year_met());
  if (e.employment_type() == "01") {
    for (const auto& employer : e.employers()) *m.add_employers() = MasterEmployerOf(employer);
  }
  return m;
}

// --- Worlds ------------------------------------------------------------------------------------

struct World {
  v1::SisPersonSnapshot s = testing::RegisteredF1();
  v1::MasterRecord m = testing::ActiveMaster();
  common::Date today = testing::BaselineToday();  // 2026-10-01
  rules::Setup setup;
};

// SEVISTable.xsd codes the checks read (a subset of the real lists).
std::shared_ptr<const CodeTables> Codes() {
  auto codes = std::make_shared<CodeTables>();
  for (const char* c : {"01", "02", "03"}) codes->Add("OffCampusEmploymentCodeType", c);
  for (const char* c : {"IL", "NY", "CA"}) codes->Add(kStateType, c);
  return codes;
}

// Both sides hold the same three authorisations: no employment event.
World Matched() {
  World w;
  w.setup.codes = Codes();
  *w.s.add_employment() = CptRow();        // employment[0]
  *w.s.add_employment() = OffCampusRow();  // employment[1]
  *w.s.add_employment() = OptRow();        // employment[2]
  for (const auto& e : w.s.employment()) *w.m.add_employment() = MasterOf(e);
  return w;
}

v1::EmploymentAuthorization& Sis(World& w, int sequence) {
  for (auto& e : *w.s.mutable_employment()) {
    if (e.sequence() == sequence) return e;
  }
  ADD_FAILURE() << "no SIS row " << sequence;
  return *w.s.add_employment();
}

v1::MasterEmployment& Master(World& w, int sequence) {
  for (auto& e : *w.m.mutable_employment()) {
    if (e.sequence() == sequence) return e;
  }
  ADD_FAILURE() << "no master row " << sequence;
  return *w.m.add_employment();
}

void DropMaster(World& w, int sequence) {
  auto* rows = w.m.mutable_employment();
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->Get(i).sequence() == sequence) {
      rows->DeleteSubrange(i, 1);
      return;
    }
  }
}

void DropMasterEmployer(World& w, int sequence, int number) {
  auto* rows = Master(w, sequence).mutable_employers();
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->Get(i).employer_number() == number) {
      rows->DeleteSubrange(i, 1);
      return;
    }
  }
}

v1::Employer& SisEmployer(World& w, int sequence, int number) {
  for (auto& e : *Sis(w, sequence).mutable_employers()) {
    if (e.employer_number() == number) return e;
  }
  ADD_FAILURE() << "no SIS employer " << number;
  return *Sis(w, sequence).add_employers();
}

const std::vector<v1::EventType>& EmploymentEvents() {
  static const std::vector<v1::EventType> kAll = {
      v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD,        v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL,
      v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL,
      v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT, v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD,
      v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL,     v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND,
      v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT,       v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION,
      v1::EVENT_TYPE_OPT_EMPLOYER_ADD,          v1::EVENT_TYPE_OPT_EMPLOYER_EDIT};
  return kAll;
}

std::vector<Detection> RunAll(const World& w) {
  return testing::RunFm(w.s, w.m, testing::FallRunControl(), w.setup, w.today);
}

std::vector<Detection> Detect(const World& w, v1::EventType type) {
  return testing::OfType(RunAll(w), type);
}

std::set<std::string> IssueSet(const v1::Alert& a) {
  std::set<std::string> out;
  for (const auto& i : a.issues()) out.insert(i.field() + ":" + i.code());
  return out;
}

std::vector<std::string> ChangeList(const v1::Alert& a) {
  std::vector<std::string> out;
  for (const auto& c : a.changes()) {
    out.push_back(c.field() + ":" + c.sevis_value() + "->" + c.sis_value());
  }
  return out;
}

std::vector<int> EmployerNumbers(const v1::EmploymentData& d) {
  std::vector<int> out;
  for (const auto& e : d.employers()) out.push_back(e.employer_number());
  return out;
}

// --- The table machinery -----------------------------------------------------------------------

struct Case {
  const char* name;
  const char* rule;                        // the rule-book sentence the case checks
  std::function<void(World&)> change;      // the one thing changed from the event's world
  std::vector<std::string> subjects;       // expected subjects, in order; empty: must not fire
  std::function<void(const v1::Alert&)> expect = nullptr;  // more checks on the first alert
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

void Nothing(World&) {}
void NotActive(World& w) { w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL); }

// Runs a case on `start()` and checks the detections of `type`: subjects, event, the employment
// data's sequence and type (every alert of this group carries EmploymentData).
void Check(const Case& c, World (*start)(), v1::EventType type, const char* employment_type) {
  World w = start();
  c.change(w);
  std::vector<Detection> d = Detect(w, type);
  std::vector<std::string> subjects;
  for (const auto& x : d) subjects.push_back(x.alert.subject());
  EXPECT_EQ(subjects, c.subjects) << c.rule;
  for (const auto& x : d) {
    const v1::Alert& a = x.alert;
    EXPECT_EQ(a.event_type(), type);
    ASSERT_TRUE(a.has_employment()) << c.rule;
    EXPECT_EQ(std::to_string(a.employment().sequence()),
              a.subject().substr(0, a.subject().find('/')));
    EXPECT_EQ(a.employment().employment_type(), employment_type);
    EXPECT_EQ(a.sevis_id(), "N0001234567");
    EXPECT_EQ(a.alert_id().size(), 20u);
    EXPECT_EQ(x.emitted_key,
              "ABC214F12345000|" + v1::EventType_Name(type) + "|" + a.subject());
  }
  if (c.expect && !d.empty()) c.expect(d[0].alert);
}

// --- Baseline ----------------------------------------------------------------------------------

TEST(FmEmploymentBaseline, MatchedAuthorisationsGiveNoEmploymentEvent) {
  World w = Matched();
  for (const auto& x : RunAll(w)) {
    for (v1::EventType t : EmploymentEvents()) {
      EXPECT_NE(x.alert.event_type(), t) << "unexpected " << v1::EventType_Name(t) << " subject '"
                                         << x.alert.subject() << "'";
    }
  }
}

TEST(FmEmploymentBaseline, ActiveStudentWithoutAuthorisationsGivesNoEmploymentEvent) {
  World w;
  for (const auto& x : RunAll(w)) {
    for (v1::EventType t : EmploymentEvents()) EXPECT_NE(x.alert.event_type(), t);
  }
}

// === CPT Employment - Add ======================================================================

World CptAddWorld() {
  World w = Matched();
  DropMaster(w, 1);
  return w;
}

class CptEmploymentAdd : public ::testing::TestWithParam<Case> {};
TEST_P(CptEmploymentAdd, RuleBook) {
  Check(GetParam(), CptAddWorld, v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD, "02");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, CptEmploymentAdd,
    ::testing::Values(
        Case{"NewSequenceFires",
             "Each new Curricular Practical Training sequence number added to the Employment "
             "Authorizations page that does not exist in the SEVIS Master component results in "
             "the event being triggered.",
             Nothing,
             {"1"},
             [](const v1::Alert& a) {
               const auto& d = a.employment();
               EXPECT_EQ(d.start_date(), "2026-11-02");
               EXPECT_EQ(d.end_date(), "2026-12-15");
               EXPECT_EQ(d.full_part_time(), "PT");
               EXPECT_EQ(d.remarks(), "Internship course CSCI 690");
               EXPECT_EQ(d.sevis_start_date(), "");  // SEVIS holds nothing yet
               ASSERT_EQ(d.employers_size(), 1);
               EXPECT_EQ(d.employers(0).name(), "Acme Robotics");
               EXPECT_EQ(d.employers(0).address().city(), "Springfield");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"MasterRowWithoutTypeFires",
             "...and no employment type exists in the SEVIS Master component.",
             [](World& w) {
               v1::MasterEmployment m;
               m.set_sequence(1);
               *w.m.add_employment() = m;
             },
             {"1"}},
        Case{"EachNewSequenceFires",
             "Each new Curricular Practical Training sequence number ... results in the event "
             "being triggered.",
             [](World& w) {
               v1::EmploymentAuthorization e = CptRow();
               e.set_sequence(4);
               *w.s.add_employment() = e;
             },
             {"1", "4"}},
        Case{"OtherCptInMasterStillFires",
             "no employment type exists in the SEVIS Master component (read per sequence)",
             [](World& w) {
               v1::MasterEmployment m = MasterOf(CptRow());
               m.set_sequence(9);
               *w.m.add_employment() = m;
             },
             {"1"}},
        Case{"SequenceInMasterNoFire",
             "...that does not exist in the SEVIS Master component",
             [](World& w) { *w.m.add_employment() = MasterOf(CptRow()); },
             {}},
        Case{"SequenceInMasterAsOtherTypeNoFire",
             "no employment type exists in the SEVIS Master component",
             [](World& w) {
               v1::MasterEmployment m = MasterOf(CptRow());
               m.set_employment_type("03");
               *w.m.add_employment() = m;
             },
             {}},
        Case{"NotCptNoFire",
             "Employment type is Curricular Practical Training on the Employment Authorizations "
             "page",
             [](World& w) { Sis(w, 1).set_employment_type("04"); },
             {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}},
        Case{"RepeatedSequenceFiresOnce",
             "Each new ... sequence number (a sequence is one authorisation)",
             [](World& w) { *w.s.add_employment() = CptRow(); },
             {"1"}}),
    CaseName);

TEST(CptEmploymentAddData, XsdRequiredValuesAreIssuesNotSuppression) {
  // CPTEmployment/Add: EmployerName (1-100), EmployerAddress (USAddressType), FullPartTime,
  // StartDate, EndDate are required.
  World w = CptAddWorld();
  auto& e = Sis(w, 1);
  e.mutable_employers(0)->set_name("");
  e.mutable_employers(0)->mutable_address()->set_city("");
  e.mutable_employers(0)->mutable_address()->set_state("ZZ");
  e.mutable_employers(0)->mutable_address()->set_postal_code("6270");
  e.set_full_part_time("");
  e.set_end_date("2026-10-15");  // before the start
  auto d = Detect(w, v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{"employment[0].employers[0].name:REQUIRED_MISSING",
                                   "employment[0].employers[0].address.city:REQUIRED_MISSING",
                                   "employment[0].employers[0].address.state:UNKNOWN_CODE",
                                   "employment[0].employers[0].address.postal_code:INVALID_FORMAT",
                                   "employment[0].full_part_time:REQUIRED_MISSING",
                                   "employment[0].end_date:EMPLOYMENT_DATES_ORDER"}));
  for (const auto& i : d[0].alert.issues()) EXPECT_EQ(i.message().find("Acme"), std::string::npos);
}

TEST(CptEmploymentAddData, MissingEmployerAndCancelledRowAreFlagged) {
  World w = CptAddWorld();
  auto& e = Sis(w, 1);
  e.clear_employers();
  e.set_cancel_employment(true);
  e.set_start_date("");
  auto d = Detect(w, v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.employment().employers_size(), 0);
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{"employment[0].employers:REQUIRED_MISSING",
                                   "employment[0].start_date:REQUIRED_MISSING",
                                   "employment[0].cancel_employment:"
                                   "EMPLOYMENT_CANCELLED_BEFORE_REPORTED"}));
}

TEST(CptEmploymentAddData, OnlyTheFirstEmployerIsReported) {
  World w = CptAddWorld();
  v1::Employer second = CptEmployer();
  second.set_employer_number(2);
  second.set_name("Second Co");
  *Sis(w, 1).add_employers() = second;
  auto d = Detect(w, v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(EmployerNumbers(d[0].alert.employment()), std::vector<int>{1});
}

// === CPT Employment - Cancel ===================================================================

World CptCancelWorld() {
  World w = Matched();
  Sis(w, 1).set_cancel_employment(true);  // master start 2026-11-02 is after 2026-10-01
  return w;
}

class CptEmploymentCancel : public ::testing::TestWithParam<Case> {};
TEST_P(CptEmploymentCancel, RuleBook) {
  Check(GetParam(), CptCancelWorld, v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL, "02");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, CptEmploymentCancel,
    ::testing::Values(
        Case{"CancelYFires",
             "Employment type on the Employment Authorizations page is Curricular Practical "
             "Training (02) and Cancel Employment is Y.",
             Nothing,
             {"1"},
             [](const v1::Alert& a) {
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-02");
               EXPECT_EQ(a.employment().sevis_end_date(), "2026-12-15");
               EXPECT_EQ(EmployerNumbers(a.employment()), std::vector<int>{1});
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"CancelNNoFire", "...and Cancel Employment is Y.",
             [](World& w) { Sis(w, 1).set_cancel_employment(false); }, {}},
        Case{"MasterCancelledNoFire",
             "The Cancel Employment value is N on the SEVIS Master component.",
             [](World& w) { Master(w, 1).set_cancel_employment(true); }, {}},
        Case{"DayBeforeMasterStartFires",
             "Employment Start Date on the SEVIS Master component is later than the current "
             "system date.",
             [](World& w) { w.today = D("2026-11-01"); }, {"1"}},
        Case{"MasterStartTodayNoFire",
             "Employment Start Date on the SEVIS Master component is later than the current "
             "system date.",
             [](World& w) { w.today = D("2026-11-02"); }, {}},
        Case{"MasterStartBlankNoFire",
             "Employment Start Date on the SEVIS Master component is later than ... (blank: no)",
             [](World& w) { Master(w, 1).set_start_date(""); }, {}},
        Case{"SisStartMovedStillIdentifiedBySevisDates",
             "Employment Start Date on the SEVIS Master component (not the page) is compared",
             [](World& w) { Sis(w, 1).set_start_date("2026-09-01"); },
             {"1"},
             [](const v1::Alert& a) {
               EXPECT_EQ(a.employment().start_date(), "2026-09-01");
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-02");
             }},
        Case{"MasterSequenceOtherTypeNoFire",
             "Employment type ... is Curricular Practical Training (02) (the master row of the "
             "sequence too)",
             [](World& w) { Master(w, 1).set_employment_type("01"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

// === Off Campus Employment - Add ===============================================================

World OffCampusAddWorld() {
  World w = Matched();
  DropMaster(w, 2);
  return w;
}

class OffCampusEmploymentAdd : public ::testing::TestWithParam<Case> {};
TEST_P(OffCampusEmploymentAdd, RuleBook) {
  Check(GetParam(), OffCampusAddWorld, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD, "03");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OffCampusEmploymentAdd,
    ::testing::Values(
        Case{"NewSequenceFires",
             "Each new Off-Campus sequence number added to the Employment Authorizations page "
             "that does not exist in the SEVIS Master component, triggers the event.",
             Nothing,
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(a.employment().start_date(), "2026-11-02");
               EXPECT_EQ(a.employment().end_date(), "2027-08-31");
               EXPECT_EQ(a.employment().reason(), "01");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"MasterRowWithoutTypeFires",
             "...and no employment type exists in the SEVIS Master component.",
             [](World& w) {
               v1::MasterEmployment m;
               m.set_sequence(2);
               *w.m.add_employment() = m;
             },
             {"2"}},
        Case{"SequenceInMasterNoFire", "...that does not exist in the SEVIS Master component",
             [](World& w) { *w.m.add_employment() = MasterOf(OffCampusRow()); }, {}},
        Case{"NotOffCampusNoFire",
             "Employment type is Off-Campus on the Employment Authorizations page",
             [](World& w) { Sis(w, 2).set_employment_type(""); }, {}},
        Case{"UnknownReasonIsAnIssue",
             "OCEmploymentType/EmploymentType is an OffCampusEmploymentCodeType",
             [](World& w) { Sis(w, 2).set_reason("09"); },
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(IssueSet(a),
                         (std::set<std::string>{"employment[1].reason:UNKNOWN_CODE"}));
             }},
        Case{"BlankReasonAndDateAreIssues", "OCEmploymentType: StartDate, EmploymentType required",
             [](World& w) {
               Sis(w, 2).set_reason("");
               Sis(w, 2).set_start_date("2026-13-01");
             },
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(IssueSet(a),
                         (std::set<std::string>{"employment[1].reason:REQUIRED_MISSING",
                                                "employment[1].start_date:INVALID_DATE"}));
             }},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

// === Off Campus Employment - Cancel ============================================================

World OffCampusCancelWorld() {
  World w = Matched();
  Sis(w, 2).set_cancel_employment(true);
  return w;
}

class OffCampusEmploymentCancel : public ::testing::TestWithParam<Case> {};
TEST_P(OffCampusEmploymentCancel, RuleBook) {
  Check(GetParam(), OffCampusCancelWorld, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL, "03");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OffCampusEmploymentCancel,
    ::testing::Values(
        Case{"CancelYFires",
             "Employment type is Off-Campus (03) and Cancel Employment is Y on the Employment "
             "Authorizations page.",
             Nothing,
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-02");
               EXPECT_EQ(a.employment().sevis_end_date(), "2027-08-31");
               EXPECT_EQ(a.employment().reason(), "01");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"RescindYFires",
             "OR The Rescind Recommendation value is Y on the Employment Authorizations page for "
             "Off-Campus employment.",
             [](World& w) {
               Sis(w, 2).set_cancel_employment(false);
               Sis(w, 2).set_rescind_recommendation(true);
             },
             {"2"}},
        Case{"NeitherNoFire", "Cancel Employment is Y ... OR ... Rescind Recommendation is Y",
             [](World& w) { Sis(w, 2).set_cancel_employment(false); }, {}},
        Case{"MasterNotRecommendedNoFire",
             "AND Employment type is Off-Campus where Recommend Employment is Y ... in the SEVIS "
             "Master component.",
             [](World& w) { Master(w, 2).set_recommend_employment(false); }, {}},
        Case{"MasterRescindedNoFire",
             "...and Rescind Recommendation is not Y in the SEVIS Master component.",
             [](World& w) { Master(w, 2).set_rescind_recommendation(true); }, {}},
        Case{"RescindBranchNeedsMasterRecommendation",
             "The Rescind Recommendation value is Y ... AND ... Recommend Employment is Y ... in "
             "the SEVIS Master component (the AND binds both branches)",
             [](World& w) {
               Sis(w, 2).set_cancel_employment(false);
               Sis(w, 2).set_rescind_recommendation(true);
               Master(w, 2).set_recommend_employment(false);
             },
             {}},
        Case{"MasterOtherTypeNoFire",
             "Employment type is Off-Campus where ... in the SEVIS Master component",
             [](World& w) { Master(w, 2).set_employment_type("02"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

// === Off Campus Employment - Edit ==============================================================

class OffCampusEmploymentEdit : public ::testing::TestWithParam<Case> {};
TEST_P(OffCampusEmploymentEdit, RuleBook) {
  Check(GetParam(), Matched, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT, "03");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OffCampusEmploymentEdit,
    ::testing::Values(
        Case{"StartDateLaterFires",
             "Start Date (greater than or equal to the day that the process runs)",
             [](World& w) { Sis(w, 2).set_start_date("2026-11-16"); },
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a),
                         std::vector<std::string>{"start_date:2026-11-02->2026-11-16"});
               EXPECT_EQ(a.employment().start_date(), "2026-11-16");
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-02");
               EXPECT_EQ(a.employment().sevis_end_date(), "2027-08-31");
             }},
        Case{"StartDateTodayFires",
             "Start Date (greater than or equal to the day that the process runs)",
             [](World& w) { Sis(w, 2).set_start_date("2026-10-01"); }, {"2"}},
        Case{"StartDateYesterdayNoFire",
             "Start Date (greater than or equal to the day that the process runs)",
             [](World& w) { Sis(w, 2).set_start_date("2026-09-30"); }, {}},
        Case{"EndDateFires", "End Date",
             [](World& w) { Sis(w, 2).set_end_date("2027-05-31"); },
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a),
                         std::vector<std::string>{"end_date:2027-08-31->2027-05-31"});
             }},
        Case{"ReasonFires", "Reason",
             [](World& w) { Sis(w, 2).set_reason("02"); },
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a), std::vector<std::string>{"reason:01->02"});
               EXPECT_EQ(a.employment().reason(), "02");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"UnknownReasonFiresWithIssue", "Reason (OffCampusEmploymentCodeType)",
             [](World& w) { Sis(w, 2).set_reason("07"); },
             {"2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(IssueSet(a),
                         (std::set<std::string>{"employment[1].reason:UNKNOWN_CODE"}));
             }},
        Case{"BlankReasonNoFire", "Reason (a blank value is nothing to report)",
             [](World& w) { Sis(w, 2).set_reason(""); }, {}},
        Case{"BlankEndDateNoFire", "End Date (a blank date is nothing to report)",
             [](World& w) { Sis(w, 2).set_end_date(""); }, {}},
        Case{"SameValuesWithSpacesNoFire", "is different from the same values",
             [](World& w) {
               Sis(w, 2).set_reason(" 01 ");
               Sis(w, 2).set_end_date(" 2027-08-31");
             },
             {}},
        Case{"MasterOtherTypeNoFire",
             "where the employment type is Off-Campus ... the same values on the SEVIS Master",
             [](World& w) {
               Master(w, 2).set_employment_type("02");
               Sis(w, 2).set_reason("02");
             },
             {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.",
             [](World& w) {
               NotActive(w);
               Sis(w, 2).set_reason("02");
             },
             {}}),
    CaseName);

TEST(OffCampusEmploymentEditData, CarriesTheReasonSevisHolds) {
  // OCEmploymentType/EmploymentType of Edit identifies the employment: SEVIS's reason.
  World w = Matched();
  Sis(w, 2).set_reason("03");
  auto d = Detect(w, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.employment().reason(), "03");
  EXPECT_EQ(d[0].alert.employment().sevis_reason(), "01");
}

TEST(OffCampusEmploymentEditData, EveryDifferenceIsAFieldChange) {
  World w = Matched();
  auto& e = Sis(w, 2);
  e.set_start_date("2026-12-01");
  e.set_end_date("2027-06-30");
  e.set_reason("03");
  auto d = Detect(w, v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(ChangeList(d[0].alert),
            (std::vector<std::string>{"start_date:2026-11-02->2026-12-01",
                                      "end_date:2027-08-31->2027-06-30", "reason:01->03"}));
}

// === OPT Employment - Add ======================================================================

World OptAddWorld() {
  World w = Matched();
  DropMaster(w, 3);
  return w;
}

class OptEmploymentAdd : public ::testing::TestWithParam<Case> {};
TEST_P(OptEmploymentAdd, RuleBook) {
  Check(GetParam(), OptAddWorld, v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD, "01");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptEmploymentAdd,
    ::testing::Values(
        Case{"NewSequenceFires",
             "Each new Optional Practical Training sequence number added to the Employment "
             "Authorizations page that does not exist in the SEVIS Master component triggers the "
             "event. Also, multiple employer records can now be included.",
             Nothing,
             {"3"},
             [](const v1::Alert& a) {
               const auto& d = a.employment();
               EXPECT_EQ(d.start_date(), "2026-11-15");
               EXPECT_EQ(d.end_date(), "2027-11-14");
               EXPECT_EQ(d.full_part_time(), "FT");
               EXPECT_EQ(d.request_status(), "PENDING");
               EXPECT_EQ(d.completion_type(), "POST");
               EXPECT_EQ(d.employment_code(), "01");
               EXPECT_TRUE(d.academic_year_met());
               EXPECT_EQ(EmployerNumbers(d), (std::vector<int>{1, 2}));
               EXPECT_EQ(d.employers(1).address().line2(), "Suite 4");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"RequestedFires",
             "Request Status on the Employment Authorizations page is not Approved.",
             [](World& w) { Sis(w, 3).set_request_status("REQUESTED"); }, {"3"}},
        Case{"BlankRequestStatusFires",
             "Request Status on the Employment Authorizations page is not Approved.",
             [](World& w) { Sis(w, 3).set_request_status(""); }, {"3"}},
        Case{"ApprovedNoFire",
             "Request Status on the Employment Authorizations page is not Approved.",
             [](World& w) { Sis(w, 3).set_request_status("APPROVED"); }, {}},
        Case{"ApprovedAnyCaseNoFire",
             "Request Status on the Employment Authorizations page is not Approved.",
             [](World& w) { Sis(w, 3).set_request_status(" Approved "); }, {}},
        Case{"SequenceInMasterNoFire",
             "...sequence number ... that does not exist in the SEVIS Master component",
             [](World& w) { *w.m.add_employment() = MasterOf(OptRow()); }, {}},
        Case{"NotOptNoFire",
             "Employment type is Optional Practical Training on the Employment Authorizations page",
             [](World& w) { Sis(w, 3).set_employment_type("1"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

TEST(OptEmploymentAddData, EmployerValuesTheXsdRequiresAreIssues) {
  // Employer: EmployerAddress (Address1, PostalCode), CourseRelevance, FullPartTimeIndicator,
  // StartDate required; EIN 9 digits.
  World w = OptAddWorld();
  auto& e = Sis(w, 3);
  e.set_full_part_time("X");
  e.set_completion_type("LATER");
  auto* second = e.mutable_employers(1);
  second->set_course_relevance("");
  second->mutable_address()->set_line1("");
  second->mutable_address()->set_postal_code("");
  second->set_ein("12-345");
  second->set_start_date("");
  second->set_supervisor_phone("555-1234");
  auto d = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{"employment[2].full_part_time:UNKNOWN_CODE",
                                   "employment[2].completion_type:UNKNOWN_CODE",
                                   "employment[2].employers[1].course_relevance:REQUIRED_MISSING",
                                   "employment[2].employers[1].address.line1:REQUIRED_MISSING",
                                   "employment[2].employers[1].address.postal_code:"
                                   "REQUIRED_MISSING",
                                   "employment[2].employers[1].ein:INVALID_FORMAT",
                                   "employment[2].employers[1].start_date:REQUIRED_MISSING",
                                   "employment[2].employers[1].supervisor_phone:INVALID_FORMAT"}));
}

// === OPT Employment - Cancel ===================================================================

World OptCancelWorld() {
  World w = Matched();
  Sis(w, 3).set_cancel_employment(true);  // master start 2026-11-15 is after 2026-10-01
  return w;
}

class OptEmploymentCancel : public ::testing::TestWithParam<Case> {};
TEST_P(OptEmploymentCancel, RuleBook) {
  Check(GetParam(), OptCancelWorld, v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL, "01");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptEmploymentCancel,
    ::testing::Values(
        Case{"CancelYFires",
             "Employment type is Optional Practical Training (01), and Cancel Employment is Y on "
             "the Employment Authorizations page.",
             Nothing,
             {"3"},
             [](const v1::Alert& a) {
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-15");
               EXPECT_EQ(a.employment().sevis_end_date(), "2027-11-14");
               EXPECT_EQ(a.employment().full_part_time(), "FT");
               EXPECT_EQ(a.employment().employers_size(), 0);
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"CancelNNoFire",
             "...and Cancel Employment is Y on the Employment Authorizations page.",
             [](World& w) { Sis(w, 3).set_cancel_employment(false); }, {}},
        Case{"MasterCancelledNoFire", "Cancel Employment is N on the SEVIS Master component",
             [](World& w) { Master(w, 3).set_cancel_employment(true); }, {}},
        Case{"DayBeforeMasterStartFires",
             "Employment start date on the SEVIS Master is greater than the current system date",
             [](World& w) { w.today = D("2026-11-14"); }, {"3"}},
        Case{"MasterStartTodayNoFire",
             "Employment start date on the SEVIS Master is greater than the current system date",
             [](World& w) { w.today = D("2026-11-15"); }, {}},
        Case{"MasterStartInvalidNoFire",
             "Employment start date on the SEVIS Master is greater than ... (invalid: no)",
             [](World& w) { Master(w, 3).set_start_date("2026-11-31"); }, {}},
        Case{"RequestedFires",
             "Request Status on the Employment Authorizations page is not Approved.",
             [](World& w) { Sis(w, 3).set_request_status("REQUESTED"); }, {"3"}},
        Case{"ApprovedNoFire",
             "Request Status on the Employment Authorizations page is not Approved.",
             [](World& w) { Sis(w, 3).set_request_status("APPROVED"); }, {}},
        Case{"MasterOtherTypeNoFire",
             "Employment type is Optional Practical Training (01) (the master row too)",
             [](World& w) { Master(w, 3).set_employment_type("03"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

// === OPT Employment - Extend ===================================================================

World OptExtendWorld() {
  World w = Matched();
  auto& e = Sis(w, 3);
  e.set_request_status("APPROVED");
  e.set_extension(true);
  e.set_extension_start_date("2027-11-15");
  e.set_extension_end_date("2029-11-14");
  e.mutable_employers(1)->set_extension_employer(true);
  return w;
}

class OptEmploymentExtend : public ::testing::TestWithParam<Case> {};
TEST_P(OptEmploymentExtend, RuleBook) {
  Check(GetParam(), OptExtendWorld, v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND, "01");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptEmploymentExtend,
    ::testing::Values(
        Case{"ExtensionYFires",
             "Extension is N on the SEVIS Master component. AND Extension is Y on the Employment "
             "Authorizations page. ... Each employer whose Extension Employer check box is "
             "selected is included.",
             Nothing,
             {"3"},
             [](const v1::Alert& a) {
               const auto& d = a.employment();
               EXPECT_TRUE(d.extension());
               EXPECT_EQ(d.extension_start_date(), "2027-11-15");
               EXPECT_EQ(d.extension_end_date(), "2029-11-14");
               EXPECT_EQ(d.sevis_start_date(), "2026-11-15");
               EXPECT_EQ(d.sevis_end_date(), "2027-11-14");
               EXPECT_EQ(EmployerNumbers(d), std::vector<int>{2});
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"NoExtensionEmployerFiresWithIssue",
             "An error is reported if an employer is not included.",
             [](World& w) { Sis(w, 3).mutable_employers(1)->set_extension_employer(false); },
             {"3"},
             [](const v1::Alert& a) {
               EXPECT_EQ(a.employment().employers_size(), 0);
               EXPECT_EQ(IssueSet(a), (std::set<std::string>{
                                          "employment[2].employers:EXTENSION_EMPLOYER_MISSING"}));
             }},
        Case{"PendingNoFire", "Request Status on the Employment Authorizations page is Approved.",
             [](World& w) { Sis(w, 3).set_request_status("PENDING"); }, {}},
        Case{"PreCompletionNoFire",
             "Completion Type on the Employment Authorizations page is Post Completion.",
             [](World& w) { Sis(w, 3).set_completion_type("PRE"); }, {}},
        Case{"MasterExtendedNoFire", "Extension is N on the SEVIS Master component.",
             [](World& w) { Master(w, 3).set_extension(true); }, {}},
        Case{"PageExtensionNNoFire", "Extension is Y on the Employment Authorizations page.",
             [](World& w) { Sis(w, 3).set_extension(false); }, {}},
        Case{"MasterCancelledNoFire", "Cancel Employment is N on the SEVIS Master component.",
             [](World& w) { Master(w, 3).set_cancel_employment(true); }, {}},
        Case{"MasterOtherTypeNoFire",
             "Employment Type on the Employment Authorizations page and on the SEVIS Master "
             "component is Optional Practical Training (01).",
             [](World& w) { Master(w, 3).set_employment_type("02"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

TEST(OptEmploymentExtendData, MissingExtensionDatesAreIssues) {
  World w = OptExtendWorld();
  Sis(w, 3).set_extension_end_date("");
  auto d = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{"employment[2].extension_end_date:REQUIRED_MISSING"}));
}

// === OPT Employment - Edit =====================================================================

World OptEditWorld() {
  World w = Matched();
  Sis(w, 3).set_employment_code("02");  // master holds 01; request PENDING; end 2027-11-14
  return w;
}

class OptEmploymentEdit : public ::testing::TestWithParam<Case> {};
TEST_P(OptEmploymentEdit, RuleBook) {
  Check(GetParam(), OptEditWorld, v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT, "01");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptEmploymentEdit,
    ::testing::Values(
        Case{"EmploymentCodeFires",
             "any of the following field values on the Employment Authorizations page are "
             "different from the same values on the SEVIS Master component: Employment Code",
             Nothing,
             {"3"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a), std::vector<std::string>{"employment_code:01->02"});
               EXPECT_EQ(a.employment().employment_code(), "02");
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-15");
               // "Note: The system also validates Edit events for Employer records associated
               // with the original OPT segment": both employers are original-segment ones.
               EXPECT_EQ(EmployerNumbers(a.employment()), (std::vector<int>{1, 2}));
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"AcademicYearMetFires", "... Academic Year Met",
             [](World& w) {
               Sis(w, 3).set_employment_code("01");
               Sis(w, 3).set_academic_year_met(false);
             },
             {"3"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a), std::vector<std::string>{"academic_year_met:Y->N"});
             }},
        Case{"NoDifferenceNoFire", "...are different from the same values",
             [](World& w) { Sis(w, 3).set_employment_code("01"); }, {}},
        Case{"BlankCodeNoFire", "Employment Code (a blank value is nothing to report)",
             [](World& w) { Sis(w, 3).set_employment_code(""); }, {}},
        Case{"RequestedFires", "Request Status ... is either Requested or Pending",
             [](World& w) { Sis(w, 3).set_request_status("Requested"); }, {"3"}},
        Case{"ApprovedNoFire", "Request Status ... is either Requested or Pending",
             [](World& w) { Sis(w, 3).set_request_status("APPROVED"); }, {}},
        Case{"BlankStatusNoFire", "Request Status ... is either Requested or Pending",
             [](World& w) { Sis(w, 3).set_request_status(""); }, {}},
        Case{"EndDateTodayFires",
             "The End Date or Extension End Date on the Employment Authorizations page is greater "
             "than or equal to the system current date.",
             [](World& w) { w.today = D("2027-11-14"); }, {"3"}},
        Case{"EndDatePassedNoFire",
             "The End Date or Extension End Date ... is greater than or equal to the system "
             "current date.",
             [](World& w) { w.today = D("2027-11-15"); }, {}},
        Case{"ExtensionEndDateStillAheadFires",
             "The End Date or Extension End Date ... (the extension end date branch)",
             [](World& w) {
               w.today = D("2027-11-15");
               Sis(w, 3).set_extension_end_date("2029-11-14");
             },
             {"3"}},
        Case{"MasterCancelledNoFire", "Cancel Employment is N on the SEVIS Master component.",
             [](World& w) { Master(w, 3).set_cancel_employment(true); }, {}},
        Case{"MasterOtherTypeNoFire",
             "Employment Type on the Employment Authorizations page and on the SEVIS Master "
             "component is Optional Practical Training (01).",
             [](World& w) { Master(w, 3).set_employment_type("03"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

TEST(OptEmploymentEditData, ExtensionEmployersAreNotCarried) {
  // "...Employer records associated with the original OPT segment, and not associated with the
  // extension (where Extension Employer is not selected)."
  World w = OptEditWorld();
  Sis(w, 3).mutable_employers(1)->set_extension_employer(true);
  Sis(w, 3).mutable_employers(0)->set_course_relevance("");
  auto d = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(EmployerNumbers(d[0].alert.employment()), std::vector<int>{1});
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{
                "employment[2].employers[0].course_relevance:REQUIRED_MISSING"}));
}

// === OPT Report Participation ==================================================================

// An approved OPT whose STEM extension SEVIS holds, started 2026-06-01: report dates
// 2026-11-16 (6 months), 2027-05-17 (12), 2027-11-16 (18).
World ParticipationWorld() {
  World w = Matched();
  auto& e = Sis(w, 3);
  e.set_request_status("APPROVED");
  e.set_extension(true);
  e.set_extension_start_date("2026-06-01");
  e.set_extension_end_date("2028-05-31");
  auto& m = Master(w, 3);
  m.set_extension(true);
  m.set_extension_start_date("2026-06-01");
  m.set_extension_end_date("2028-05-31");
  return w;
}

std::function<void(const v1::Alert&)> Months(int n) {
  return [n](const v1::Alert& a) {
    EXPECT_EQ(a.employment().participation_months(), n);
    EXPECT_EQ(a.employment().extension_start_date(), "2026-06-01");
    EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-15");
    EXPECT_EQ(a.employment().sevis_end_date(), "2027-11-14");
  };
}

class OptReportParticipation : public ::testing::TestWithParam<Case> {};
TEST_P(OptReportParticipation, RuleBook) {
  Check(GetParam(), ParticipationWorld, v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION, "01");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptReportParticipation,
    ::testing::Values(
        Case{"NotReportedBeforeSixMonthDateFires",
             "Last Participation Reported is Not Reported on the SEVIS Master component and the "
             "current date is less than or equal to the 6 month report date",
             Nothing, {"3"}, Months(6)},
        Case{"SixMonthLastDayFires",
             "...the 6 month report date which is the OPT Extension Start Date plus (6 months "
             "minus 15 days).",
             [](World& w) { w.today = D("2026-11-16"); }, {"3"}, Months(6)},
        Case{"SixMonthDayAfterNoFire",
             "...the current date is less than or equal to the 6 month report date",
             [](World& w) { w.today = D("2026-11-17"); }, {}},
        Case{"TwelveMonthLastDayFires",
             "OR Last participation Reported is 6 Month Reported on the SEVIS Master component "
             "and the current date is less than or equal to the 12 month report date which is the "
             "OPT Extension Start Date plus (12 months minus 15 days).",
             [](World& w) {
               Master(w, 3).set_last_participation_reported(6);
               w.today = D("2027-05-17");
             },
             {"3"}, Months(12)},
        Case{"TwelveMonthDayAfterNoFire",
             "...less than or equal to the 12 month report date",
             [](World& w) {
               Master(w, 3).set_last_participation_reported(6);
               w.today = D("2027-05-18");
             },
             {}},
        Case{"EighteenMonthLastDayFires",
             "OR Last participation Reported is 12 Month Reported on the SEVIS Master component "
             "and the current date is less than or equal to the 18 month report date which is the "
             "OPT Extension Start Date plus (18 months minus 15 days).",
             [](World& w) {
               Master(w, 3).set_last_participation_reported(12);
               w.today = D("2027-11-16");
             },
             {"3"}, Months(18)},
        Case{"EighteenMonthDayAfterNoFire",
             "...less than or equal to the 18 month report date",
             [](World& w) {
               Master(w, 3).set_last_participation_reported(12);
               w.today = D("2027-11-17");
             },
             {}},
        Case{"EighteenReportedNoFire",
             "The event continues to trigger until the Last Participation Reported field on the "
             "SEVIS Master component is 18 Month Reported.",
             [](World& w) { Master(w, 3).set_last_participation_reported(18); }, {}},
        Case{"UnknownLastReportedNoFire",
             "Last Participation Reported is Not Reported / 6 Month Reported / 12 Month Reported "
             "(no other value has a window)",
             [](World& w) { Master(w, 3).set_last_participation_reported(3); }, {}},
        Case{"SixReportedBeforeTwelveMonthDateFires",
             "6 Month Reported ... and the current date is less than or equal to the 12 month "
             "report date",
             [](World& w) { Master(w, 3).set_last_participation_reported(6); }, {"3"}, Months(12)},
        Case{"MonthEndStartClampsLastDayFires",
             "OPT Extension Start Date plus (6 months minus 15 days): 2026-08-31 + 6 months = "
             "2027-02-28, minus 15 days = 2027-02-13",
             [](World& w) {
               Sis(w, 3).set_extension_start_date("2026-08-31");
               w.today = D("2027-02-13");
             },
             {"3"}},
        Case{"MonthEndStartClampsDayAfterNoFire",
             "OPT Extension Start Date plus (6 months minus 15 days)",
             [](World& w) {
               Sis(w, 3).set_extension_start_date("2026-08-31");
               w.today = D("2027-02-14");
             },
             {}},
        Case{"BlankExtensionStartNoFire",
             "OPT Extension Start Date (blank: no report date, no event)",
             [](World& w) { Sis(w, 3).set_extension_start_date(""); }, {}},
        Case{"PendingNoFire", "Request Status on the Employment Authorizations page is Approved.",
             [](World& w) { Sis(w, 3).set_request_status("PENDING"); }, {}},
        Case{"MasterCancelledNoFire", "Cancel Employment is N on the SEVIS Master component.",
             [](World& w) { Master(w, 3).set_cancel_employment(true); }, {}},
        Case{"MasterOtherTypeNoFire",
             "Employment Type on the Employment Authorizations page and on the SEVIS Master "
             "component is Optional Practical Training (01).",
             [](World& w) { Master(w, 3).set_employment_type("02"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active.", NotActive, {}}),
    CaseName);

// === OPT Employer - Add ========================================================================

World EmployerAddWorld() {
  World w = Matched();
  *Sis(w, 3).add_employers() = OptEmployer3();
  return w;
}

class OptEmployerAdd : public ::testing::TestWithParam<Case> {};
TEST_P(OptEmployerAdd, RuleBook) {
  Check(GetParam(), EmployerAddWorld, v1::EVENT_TYPE_OPT_EMPLOYER_ADD, "01");
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptEmployerAdd,
    ::testing::Values(
        Case{"NewEmployerFires",
             "This event is triggered for each new Employer Details record that is added to an "
             "existing OPT Employment record.",
             Nothing,
             {"3/3"},
             [](const v1::Alert& a) {
               EXPECT_EQ(EmployerNumbers(a.employment()), std::vector<int>{3});
               EXPECT_EQ(a.employment().employers(0).name(), "Hooli Inc");
               EXPECT_EQ(a.employment().employers(0).address().city(), "Peoria");
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-15");
               EXPECT_EQ(a.employment().sevis_end_date(), "2027-11-14");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"EachNewEmployerFires", "...triggered for each new Employer Details record",
             [](World& w) {
               v1::Employer e = OptEmployer3();
               e.set_employer_number(4);
               *Sis(w, 3).add_employers() = e;
             },
             {"3/3", "3/4"}},
        Case{"EmployerOneWithoutOldSchemaNameFires",
             "If the Employer Number is '1', the Employer Name is not populated in SEVIS Master "
             "Employment.",
             [](World& w) { DropMasterEmployer(w, 3, 1); }, {"3/1", "3/3"}},
        Case{"EmployerOneReportedUnderOldSchemaNoFire",
             "If the Employer Number is '1', the Employer Name is not populated in SEVIS Master "
             "Employment. This condition is included to prevent Add events being generated where "
             "the employer has already been reported under the old schema.",
             [](World& w) {
               Sis(w, 3).mutable_employers()->RemoveLast();
               DropMasterEmployer(w, 3, 1);
               Master(w, 3).set_employer_name("Initech LLC");
               *Master(w, 3).mutable_employer_address() = OptEmployer1().address();
             },
             {}},
        Case{"OldSchemaNameOnlyGuardsEmployerOne",
             "If the Employer Number is '1' ... (other numbers are not guarded)",
             [](World& w) { Master(w, 3).set_employer_name("Initech LLC"); }, {"3/3"}},
        Case{"KnownEmployerNoFire",
             "The Employer Number on the Employment Authorizations page does not exist in the "
             "SEVIS Master Employer Details record",
             [](World& w) { *Master(w, 3).add_employers() = MasterEmployerOf(OptEmployer3()); },
             {}},
        Case{"SuppressedByOptEdit",
             "An OPT Employment event (Cancel, Edit, Report Participation, or Extend) has not "
             "already been generated for the same Employment Authorizations record",
             [](World& w) { Sis(w, 3).set_employment_code("02"); }, {}},
        Case{"SuppressedByOptCancel", "An OPT Employment event (Cancel ...) has not already been "
             "generated for the same Employment Authorizations record",
             [](World& w) { Sis(w, 3).set_cancel_employment(true); }, {}},
        Case{"SuppressedByOptExtend", "An OPT Employment event (... Extend) has not already been "
             "generated for the same Employment Authorizations record",
             [](World& w) {
               Sis(w, 3).set_request_status("APPROVED");
               Sis(w, 3).set_extension(true);
               Sis(w, 3).set_extension_start_date("2027-11-15");
               Sis(w, 3).set_extension_end_date("2029-11-14");
               Sis(w, 3).mutable_employers(2)->set_extension_employer(true);
             },
             {}},
        Case{"SuppressedByReportParticipation",
             "An OPT Employment event (... Report Participation ...) has not already been "
             "generated for the same Employment Authorizations record",
             [](World& w) {
               Sis(w, 3).set_request_status("APPROVED");
               Sis(w, 3).set_extension_start_date("2026-06-01");
             },
             {}},
        Case{"EmploymentEventOnAnotherRecordDoesNotSuppress",
             "...for the same Employment Authorizations record (another OPT record's event does "
             "not count)",
             [](World& w) {
               v1::EmploymentAuthorization other = OptRow();
               other.set_sequence(5);
               other.clear_employers();
               *w.s.add_employment() = other;
               v1::MasterEmployment m = MasterOf(other);
               m.set_employment_code("02");  // an OPT Edit for sequence 5
               *w.m.add_employment() = m;
             },
             {"3/3"}},
        Case{"ApprovedRecordWithoutEmploymentEventFires",
             "(no Request Status condition for OPT Employer - Add)",
             [](World& w) { Sis(w, 3).set_request_status("APPROVED"); }, {"3/3"}},
        Case{"EndDatePassedNoFire",
             "End Date or Extension End Date on the Employment Authorizations page is greater "
             "than or equal to the system current date",
             [](World& w) { w.today = D("2027-11-15"); }, {}},
        Case{"ExtensionEndDateAheadFires",
             "End Date or Extension End Date ... (the extension end date branch)",
             [](World& w) {
               w.today = D("2027-11-15");
               Sis(w, 3).set_extension_end_date("2029-11-14");
             },
             {"3/3"}},
        Case{"MasterCancelledNoFire", "In SEVIS Master, Cancel Employment is N",
             [](World& w) { Master(w, 3).set_cancel_employment(true); }, {}},
        Case{"NewOptRecordNoFire",
             "...added to an existing OPT Employment record (a new record is an OPT Add)",
             [](World& w) { DropMaster(w, 3); }, {}},
        Case{"MasterOtherTypeNoFire",
             "On the Employment Authorizations page, the Employment type is Optional Practical "
             "Training (01) (an existing OPT Employment record)",
             [](World& w) { Master(w, 3).set_employment_type("03"); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active", NotActive, {}}),
    CaseName);

TEST(OptEmployerAddData, EmployerIssuesUseTheSnapshotPath) {
  World w = EmployerAddWorld();
  auto& e = *Sis(w, 3).mutable_employers(2);
  e.mutable_address()->set_postal_code("ABCDE");
  e.set_full_part_time("");
  auto d = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYER_ADD);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{"employment[2].employers[2].address.postal_code:INVALID_FORMAT",
                                   "employment[2].employers[2].full_part_time:REQUIRED_MISSING"}));
}

// === OPT Employer - Edit =======================================================================

World EmployerEditWorld() {
  World w = Matched();
  SisEmployer(w, 3, 1).mutable_address()->set_city("Decatur");
  return w;
}

class OptEmployerEdit : public ::testing::TestWithParam<Case> {};
TEST_P(OptEmployerEdit, RuleBook) {
  Check(GetParam(), EmployerEditWorld, v1::EVENT_TYPE_OPT_EMPLOYER_EDIT, "01");
}

// The old-schema employer 1: reported with the employment, not in Employer Details.
void OldSchemaEmployerOne(World& w) {
  DropMasterEmployer(w, 3, 1);
  Master(w, 3).set_employer_name("Initech LLC");
  *Master(w, 3).mutable_employer_address() = OptEmployer1().address();
}

INSTANTIATE_TEST_SUITE_P(
    Employment, OptEmployerEdit,
    ::testing::Values(
        Case{"CityFires",
             "The Employer Number on the Employment Authorizations page exists in SEVIS Master "
             "Employer Details record and one of the following values has changed: ... Employer "
             "City",
             Nothing,
             {"3/1"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a),
                         std::vector<std::string>{"employer.address.city:Springfield->Decatur"});
               EXPECT_EQ(EmployerNumbers(a.employment()), std::vector<int>{1});
               EXPECT_EQ(a.employment().employers(0).address().city(), "Decatur");
               EXPECT_EQ(a.employment().sevis_start_date(), "2026-11-15");
               EXPECT_EQ(a.issues_size(), 0);
             }},
        Case{"Address1Fires", "...one of the following values has changed: Employer Address 1",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 2).mutable_address()->set_line1("78 Globex Rd");
             },
             {"3/2"}},
        Case{"Address2Fires", "...Employer Address 2",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 2).mutable_address()->set_line2("");
             },
             {"3/2"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a),
                         std::vector<std::string>{"employer.address.line2:Suite 4->"});
             }},
        Case{"StateFires", "...Employer State",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 1).mutable_address()->set_state("NY");
             },
             {"3/1"}},
        Case{"PostalFires", "...Employer Postal",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 1).mutable_address()->set_postal_code("62704");
             },
             {"3/1"}},
        Case{"StartDateFires", "...Employer Start Date",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 1).set_start_date("2026-12-01");
             },
             {"3/1"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a), std::vector<std::string>{
                                            "employer.start_date:2026-11-15->2026-12-01"});
             }},
        Case{"EndDateFires", "...Employer End Date",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 2).set_end_date("2027-08-31");
             },
             {"3/2"}},
        Case{"BlankStartDateNoFire", "Employer Start Date (a blank date is nothing to report)",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 1).set_start_date("");
             },
             {}},
        Case{"CaseOnlyChangeNoFire", "...one of the following values has changed (case aside)",
             [](World& w) { SisEmployer(w, 3, 1).mutable_address()->set_city("SPRINGFIELD"); },
             {}},
        Case{"NameChangeAloneNoFire",
             "...one of the following values has changed: Employer Address 1, ... (the name is "
             "not listed)",
             [](World& w) {
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 1).set_name("Initech Holdings");
             },
             {}},
        Case{"OldSchemaEmployerOneAddressFires",
             "OR the Employer Number is '1' and does not exist in SEVIS Master Employer Details "
             "and one of the following values has changed: Employer Address 1, ...",
             OldSchemaEmployerOne,
             {"3/1"},
             [](const v1::Alert& a) {
               EXPECT_EQ(ChangeList(a),
                         std::vector<std::string>{"employer.address.city:Springfield->Decatur"});
             }},
        Case{"OldSchemaEmployerOneDatesNotCompared",
             "OR the Employer Number is '1' ... Employer Address 1, Employer Address 2, Employer "
             "City, Employer State, Employer Postal (no dates)",
             [](World& w) {
               OldSchemaEmployerOne(w);
               SisEmployer(w, 3, 1).mutable_address()->set_city("Springfield");
               SisEmployer(w, 3, 1).set_start_date("2026-12-01");
             },
             {}},
        Case{"SuppressedByOptEdit",
             "An OPT Employment event (Cancel, Edit, Report Participation, or Extend) has not "
             "already been generated for the same Employment Authorizations record",
             [](World& w) { Sis(w, 3).set_academic_year_met(false); }, {}},
        Case{"SuppressedByReportParticipation",
             "An OPT Employment event (... Report Participation ...) has not already been "
             "generated",
             [](World& w) {
               Sis(w, 3).set_request_status("APPROVED");
               Sis(w, 3).set_extension_start_date("2026-06-01");
             },
             {}},
        Case{"EndDatePassedNoFire",
             "End Date or Extension End Date on the Employment Authorizations page is greater "
             "than or equal to the system current date",
             [](World& w) { w.today = D("2027-11-15"); }, {}},
        Case{"MasterCancelledNoFire", "In SEVIS Master, Cancel Employment is N",
             [](World& w) { Master(w, 3).set_cancel_employment(true); }, {}},
        Case{"NotActiveNoFire", "The student has a SEVIS Status of Active", NotActive, {}}),
    CaseName);

TEST(OptEmployerEditData, SevisEmployerNameMissingIsAnIssue) {
  // EmployerIdentifier/EmployerName: SEVIS finds the employer by the name it holds.
  World w = EmployerEditWorld();
  Master(w, 3).mutable_employers(0)->set_name("");
  SisEmployer(w, 3, 1).mutable_address()->set_state("XX");
  auto d = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYER_EDIT);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssueSet(d[0].alert),
            (std::set<std::string>{"master.employment[2].employers:REQUIRED_MISSING",
                                   "employment[2].employers[0].address.state:UNKNOWN_CODE"}));
}

TEST(OptEmployerEditData, CarriesTheEmployerIdentifierSevisHolds) {
  // EmployerIdentifier (EmployerName, StartDate) of OPTEmployer/Edit: SEVIS's values.
  World w = EmployerEditWorld();
  Master(w, 3).mutable_employers(0)->set_name(" Sevis Name Inc ");
  Master(w, 3).mutable_employers(0)->set_start_date("2026-01-05");
  auto d = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYER_EDIT);
  ASSERT_EQ(d.size(), 1u);
  ASSERT_EQ(d[0].alert.employment().employers_size(), 1);
  EXPECT_EQ(d[0].alert.employment().employers(0).sevis_name(), "Sevis Name Inc");
  EXPECT_EQ(d[0].alert.employment().employers(0).sevis_start_date(), "2026-01-05");
}

TEST(OptEmployerEditData, SameFindingKeepsItsAlertId) {
  // The alert id covers what is reported, so re-evaluating the same data never duplicates work.
  World w = EmployerEditWorld();
  auto first = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYER_EDIT);
  w.s.set_version(w.s.version() + 1);
  auto second = Detect(w, v1::EVENT_TYPE_OPT_EMPLOYER_EDIT);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].alert.alert_id(), second[0].alert.alert_id());
}

}  // namespace
}  // namespace sevisflow::rules
