// Rule book "Process SEVIS Alerts - J": the conditions under which a DSO / RO may add an event
// by hand (rules::CheckManualJ). One table per manual event; each case starts from the baseline
// (ValidJ1 + ActiveJMaster on BaselineToday), changes one thing and names the rule-book
// sentence it checks. `unmet` must list the rule book's words.
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/rules/j_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using ::testing::ElementsAreArray;
using testing::ActiveJMaster;
using testing::BaselineToday;
using testing::ValidJ1;

using Mutation = std::function<void(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>&)>;

struct ManualCase {
  const char* id = "";
  const char* rule = "";  // the rule-book sentence (or recorded decision) the case checks
  Mutation change = nullptr;
  std::string subject = "";
  bool allowed = false;
  std::vector<std::string> unmet = {};
};

void PrintTo(const ManualCase& c, std::ostream* os) { *os << c.id << " (" << c.rule << ")"; }

std::string CaseName(const ::testing::TestParamInfo<ManualCase>& info) { return info.param.id; }

void RunManual(const ManualCase& c, v1::EventType event) {
  SCOPED_TRACE(c.rule);
  v1::SisPersonSnapshot s = ValidJ1();
  std::optional<v1::MasterRecord> m = ActiveJMaster();
  if (c.change) c.change(s, m);
  const ManualCheck check = CheckManualJ(event, s, m, c.subject, rules::Setup{}, BaselineToday());
  EXPECT_EQ(check.allowed, c.allowed);
  EXPECT_THAT(check.unmet, ElementsAreArray(c.unmet));
  // CheckManual routes the J events here.
  const ManualCheck routed = CheckManual(event, s, m, c.subject, rules::Setup{}, BaselineToday());
  EXPECT_EQ(routed.allowed, check.allowed);
  EXPECT_EQ(routed.unmet, check.unmet);
}

// The rule book's words.
constexpr char kNoRecord[] = "the exchange visitor has no SEVIS record";
constexpr char kNotJRecord[] = "the SEVIS record is not a J-1 exchange visitor record";
constexpr char kStatusActive[] = "The exchange visitor has a SEVIS Status of Active.";
constexpr char kStatusActiveOrInactive[] =
    "The exchange visitor has a SEVIS Status of Active or Inactive.";
constexpr char kStatusInitial[] = "The exchange visitor has a SEVIS Status of Initial.";
constexpr char kStatusInactiveOrActive[] =
    "The exchange visitor has a SEVIS Status of Inactive or Active.";
constexpr char kNoInactiveDependentRows[] =
    "No inactive status rows exist on the SEVIS Master Dependents page.";
constexpr char kDependentsAvailable[] =
    "Dependents with Initial or Active status are available from the Additional Data prompt "
    "list.";
constexpr char kSelectDependent[] = "You must select the dependent ID to send the event to SEVIS.";
constexpr char kNoInactiveBioSoaRows[] =
    "No inactive status rows exist on the SEVIS Master Bio/Demo and Employment/SOA pages.";
constexpr char kNonStudentCategory[] =
    "Manually enter this event on the Alerts Header page of the Select Events to Report - J "
    "component if the exchange visitor is in a nonstudent program category.";

Mutation Status(v1::SevisStatus status) {
  return [status](auto&, auto& m) { m->set_sevis_status(status); };
}
Mutation NoMaster() {
  return [](auto&, auto& m) { m.reset(); };
}
Mutation DeletedMaster() {
  return [](auto&, auto& m) { m->set_deleted(true); };
}
Mutation FmMaster() {
  return [](auto&, auto& m) { m->set_visa_family(v1::VISA_FAMILY_FM); };
}
Mutation Dependent(const char* id, const char* status) {
  return [id, status](auto&, auto& m) {
    auto* d = m->add_dependents();
    d->set_dependent_id(id);
    d->set_relationship_status(status);
  };
}
Mutation Both(Mutation a, Mutation b) {
  return [a, b](auto& s, auto& m) {
    a(s, m);
    b(s, m);
  };
}
Mutation InitialNonStudent(const char* category) {
  return [category](auto& s, auto& m) {
    m->set_sevis_status(v1::SEVIS_STATUS_INITIAL);
    s.mutable_ds2019(0)->set_program_category(category);
  };
}

// --- Dependent - Reprint -----------------------------------------------------------------------

class JManualDependentReprintTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualDependentReprintTest, Check) {
  RunManual(GetParam(), v1::EVENT_TYPE_EV_DEPENDENT_REPRINT);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, JManualDependentReprintTest,
    ::testing::Values(
        ManualCase{"ActiveDependent",
                   "Dependents with Initial or Active status are available ...",
                   Dependent("D1", "ACTIVE"), "D1", true},
        ManualCase{"InitialDependent", "Dependents with Initial ... status (case-insensitive)",
                   Dependent("D1", " initial "), " D1 ", true},
        ManualCase{"VisitorInitial", "The exchange visitor has a SEVIS Status of Active.",
                   Both(Dependent("D1", "ACTIVE"), Status(v1::SEVIS_STATUS_INITIAL)), "D1",
                   false, {kStatusActive}},
        ManualCase{"InactiveDependentRow",
                   "No inactive status rows exist on the SEVIS Master Dependents page.",
                   Both(Dependent("D1", "ACTIVE"), Dependent("D2", "INACTIVE")), "D1", false,
                   {kNoInactiveDependentRows}},
        ManualCase{"TerminatedDependentRow",
                   "near miss: a Terminated row is not an inactive status row",
                   Both(Dependent("D1", "ACTIVE"), Dependent("D2", "TERMINATED")), "D1", true},
        ManualCase{"NoSubject", "You must select the dependent ID to send the event to SEVIS.",
                   Dependent("D1", "ACTIVE"), "", false, {kSelectDependent}},
        ManualCase{"TerminatedSubject", "Dependents with Initial or Active status ...",
                   Dependent("D1", "TERMINATED"), "D1", false, {kDependentsAvailable}},
        ManualCase{"UnknownSubject", "Dependents ... available from the prompt list",
                   Dependent("D1", "ACTIVE"), "D9", false, {kDependentsAvailable}},
        ManualCase{"NoRecord", "decision: a manual event needs a SEVIS record", NoMaster(), "D1",
                   false, {kNoRecord}},
        ManualCase{"DeletedRecord", "decision: a deleted master row is no record",
                   DeletedMaster(), "D1", false, {kNoRecord}},
        ManualCase{"FmRecord", "decision: an F/M record is not an exchange visitor's",
                   FmMaster(), "D1", false, {kNotJRecord}},
        ManualCase{"AllUnmet", "every unmet condition is listed",
                   Both(Status(v1::SEVIS_STATUS_COMPLETED), Dependent("D2", "INACTIVE")), "",
                   false, {kStatusActive, kNoInactiveDependentRows, kSelectDependent}}),
    CaseName);

// --- Reprint -------------------------------------------------------------------------------

class JManualReprintTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualReprintTest, Check) { RunManual(GetParam(), v1::EVENT_TYPE_EV_REPRINT); }
INSTANTIATE_TEST_SUITE_P(
    Cases, JManualReprintTest,
    ::testing::Values(
        ManualCase{"Active", "The exchange visitor has a SEVIS Status of Active.", nullptr, "",
                   true},
        ManualCase{"Initial", "... of Active (near miss: Initial)",
                   Status(v1::SEVIS_STATUS_INITIAL), "", false, {kStatusActive}},
        ManualCase{"Inactive", "... of Active (Inactive)", Status(v1::SEVIS_STATUS_INACTIVE), "",
                   false, {kStatusActive}},
        ManualCase{"NoRecord", "decision: a manual event needs a SEVIS record", NoMaster(), "",
                   false, {kNoRecord}},
        ManualCase{"FmRecord", "decision: an F/M record is not an exchange visitor's",
                   FmMaster(), "", false, {kNotJRecord}}),
    CaseName);

// --- Status - Correct Infraction -----------------------------------------------------------

class JManualCorrectInfractionTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualCorrectInfractionTest, Check) {
  RunManual(GetParam(), v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, JManualCorrectInfractionTest,
    ::testing::Values(
        ManualCase{"Active", "The exchange visitor has a SEVIS Status of Active or Inactive.",
                   nullptr, "", true},
        ManualCase{"Inactive", "... Active or Inactive (Inactive)",
                   Status(v1::SEVIS_STATUS_INACTIVE), "", true},
        ManualCase{"Initial", "... Active or Inactive (near miss: Initial)",
                   Status(v1::SEVIS_STATUS_INITIAL), "", false, {kStatusActiveOrInactive}},
        ManualCase{"Terminated", "... Active or Inactive (Terminated)",
                   Status(v1::SEVIS_STATUS_TERMINATED), "", false, {kStatusActiveOrInactive}},
        ManualCase{"DeletedRecord", "decision: a deleted master row is no record",
                   DeletedMaster(), "", false, {kNoRecord}}),
    CaseName);

// --- Status - Invalid and Status - No Show (same conditions) ---------------------------------

std::vector<ManualCase> InitialOnlyCases() {
  return {
      ManualCase{"Initial", "The exchange visitor has a SEVIS Status of Initial.",
                 Status(v1::SEVIS_STATUS_INITIAL), "", true},
      ManualCase{"Active", "... of Initial (near miss: Active)", nullptr, "", false,
                 {kStatusInitial}},
      ManualCase{"BioInactiveRows",
                 "No inactive status rows exist on the SEVIS Master Bio/Demo ... pages.",
                 Both(Status(v1::SEVIS_STATUS_INITIAL),
                      [](auto&, auto& m) { m->set_bio_inactive_rows(true); }),
                 "", false, {kNoInactiveBioSoaRows}},
      ManualCase{"SoaInactiveRows",
                 "No inactive status rows exist on the SEVIS Master ... Employment/SOA pages.",
                 Both(Status(v1::SEVIS_STATUS_INITIAL),
                      [](auto&, auto& m) { m->set_soa_inactive_rows(true); }),
                 "", false, {kNoInactiveBioSoaRows}},
      ManualCase{"ActiveWithInactiveRows", "both conditions listed",
                 [](auto&, auto& m) { m->set_bio_inactive_rows(true); }, "", false,
                 {kStatusInitial, kNoInactiveBioSoaRows}},
      ManualCase{"NoRecord", "decision: a manual event needs a SEVIS record", NoMaster(), "",
                 false, {kNoRecord}},
      ManualCase{"FmRecord", "decision: an F/M record is not an exchange visitor's",
                 Both(Status(v1::SEVIS_STATUS_INITIAL), FmMaster()), "", false, {kNotJRecord}},
  };
}

class JManualInvalidTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualInvalidTest, Check) { RunManual(GetParam(), v1::EVENT_TYPE_EV_STATUS_INVALID); }
INSTANTIATE_TEST_SUITE_P(Cases, JManualInvalidTest, ::testing::ValuesIn(InitialOnlyCases()),
                         CaseName);

class JManualNoShowTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualNoShowTest, Check) { RunManual(GetParam(), v1::EVENT_TYPE_EV_STATUS_NO_SHOW); }
INSTANTIATE_TEST_SUITE_P(Cases, JManualNoShowTest, ::testing::ValuesIn(InitialOnlyCases()),
                         CaseName);

// --- Status - Terminate ------------------------------------------------------------------------

class JManualTerminateTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualTerminateTest, Check) { RunManual(GetParam(), v1::EVENT_TYPE_EV_STATUS_TERMINATE); }
INSTANTIATE_TEST_SUITE_P(
    Cases, JManualTerminateTest,
    ::testing::Values(
        ManualCase{"Active", "The exchange visitor has a SEVIS Status of Inactive or Active.",
                   nullptr, "", true},
        ManualCase{"Inactive", "... Inactive or Active (Inactive)",
                   Status(v1::SEVIS_STATUS_INACTIVE), "", true},
        ManualCase{"Initial", "... Inactive or Active (near miss: Initial)",
                   Status(v1::SEVIS_STATUS_INITIAL), "", false, {kStatusInactiveOrActive}},
        ManualCase{"BioInactiveRows",
                   "No inactive status rows exist on the SEVIS Master Bio/Demo and "
                   "Employment/SOA pages.",
                   [](auto&, auto& m) { m->set_bio_inactive_rows(true); }, "", false,
                   {kNoInactiveBioSoaRows}},
        ManualCase{"SoaInactiveRows", "... Employment/SOA pages.",
                   [](auto&, auto& m) { m->set_soa_inactive_rows(true); }, "", false,
                   {kNoInactiveBioSoaRows}},
        ManualCase{"NoRecord", "decision: a manual event needs a SEVIS record", NoMaster(), "",
                   false, {kNoRecord}}),
    CaseName);

// --- Validate (nonstudent program categories) ------------------------------------------------

class JManualValidateTest : public ::testing::TestWithParam<ManualCase> {};
TEST_P(JManualValidateTest, Check) { RunManual(GetParam(), v1::EVENT_TYPE_EV_VALIDATE); }
INSTANTIATE_TEST_SUITE_P(
    Cases, JManualValidateTest,
    ::testing::Values(
        ManualCase{"InitialNonStudent",
                   "Manually enter this event ... if the exchange visitor is in a nonstudent "
                   "program category (Initial, 04)",
                   InitialNonStudent("04"), "", true},
        ManualCase{"InitialStudentIntern", "1G Student Intern is not a student category 1a-1f",
                   InitialNonStudent("1G"), "", true},
        ManualCase{"InitialStudent",
                   "decision: a student category (1B) is detected, not added by hand",
                   InitialNonStudent("1B"), "", false, {kNonStudentCategory}},
        ManualCase{"InitialStudentLowerCase", "... student category in any case (1f)",
                   InitialNonStudent("1f"), "", false, {kNonStudentCategory}},
        ManualCase{"ActiveNonStudent", "The exchange visitor has a SEVIS Status of Initial.",
                   [](auto& s, auto&) { s.mutable_ds2019(0)->set_program_category("04"); }, "",
                   false, {kStatusInitial}},
        ManualCase{"NoCurrentDs2019UsesMaster",
                   "decision: without a current DS-2019 the SEVIS Master's Visitor Category",
                   [](auto& s, auto& m) {
                     s.clear_ds2019();
                     m->set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                     m->set_program_category("05");
                   },
                   "", true},
        ManualCase{"NoCategory", "decision: no category known is not a nonstudent category",
                   [](auto& s, auto& m) {
                     s.clear_ds2019();
                     m->set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                     m->set_program_category("");
                   },
                   "", false, {kNonStudentCategory}},
        ManualCase{"NoRecord", "decision: a manual event needs a SEVIS record", NoMaster(), "",
                   false, {kNoRecord}}),
    CaseName);

// --- Events that are not added by hand ---------------------------------------------------------

TEST(JManualTest, DetectedEventIsNotManual) {
  const ManualCheck c = CheckManualJ(v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, ValidJ1(),
                                     ActiveJMaster(), "", rules::Setup{}, BaselineToday());
  EXPECT_FALSE(c.allowed);
  ASSERT_EQ(c.unmet.size(), 1u);
  EXPECT_THAT(c.unmet[0], ::testing::HasSubstr("is not added by hand"));
  EXPECT_THAT(c.unmet[0], ::testing::HasSubstr("Extension"));
}

TEST(JManualTest, CreateIsNotManual) {
  const ManualCheck c = CheckManualJ(v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, ValidJ1(),
                                     std::nullopt, "", rules::Setup{}, BaselineToday());
  EXPECT_FALSE(c.allowed);
  ASSERT_EQ(c.unmet.size(), 1u);
  EXPECT_THAT(c.unmet[0], ::testing::HasSubstr("is not added by hand"));
}

TEST(JManualTest, FmEventIsNotAJEvent) {
  const ManualCheck c = CheckManualJ(v1::EVENT_TYPE_REPRINT, ValidJ1(), ActiveJMaster(), "",
                                     rules::Setup{}, BaselineToday());
  EXPECT_FALSE(c.allowed);
  ASSERT_EQ(c.unmet.size(), 1u);
  EXPECT_THAT(c.unmet[0], ::testing::HasSubstr("is not a J event that is added by hand"));
}

TEST(JManualTest, UnspecifiedEvent) {
  const ManualCheck c = CheckManualJ(v1::EVENT_TYPE_UNSPECIFIED, ValidJ1(), ActiveJMaster(), "",
                                     rules::Setup{}, BaselineToday());
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.unmet.size(), 1u);
}

}  // namespace
}  // namespace sevisflow::rules
