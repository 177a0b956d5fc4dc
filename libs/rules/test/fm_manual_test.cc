// Rule book "Process SEVIS Alerts - F/M": the conditions under which a DSO may add an event by
// hand (rules::CheckManualFm). One table per manual event; each case starts from the baseline
// (RegisteredF1 + ActiveMaster on BaselineToday), changes one thing and names the rule-book
// sentence it checks. `unmet` must list the rule book's words.
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/rules/fm_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using ::testing::ElementsAreArray;
using testing::ActiveMaster;
using testing::BaselineToday;
using testing::RegisteredF1;

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
  v1::SisPersonSnapshot s = RegisteredF1();
  std::optional<v1::MasterRecord> m = ActiveMaster();
  if (c.change) c.change(s, m);
  const ManualCheck check = CheckManualFm(event, s, m, c.subject, rules::Setup{}, BaselineToday());
  EXPECT_EQ(check.allowed, c.allowed);
  EXPECT_THAT(check.unmet, ElementsAreArray(c.unmet));
}

// The rule book's words.
constexpr char kNoRecord[] = "the student has no SEVIS record";
constexpr char kStatusActive[] = "The student has a SEVIS Status of Active.";
constexpr char kStatusIsActive[] = "SEVIS Status is Active.";
constexpr char kStatusInitialOrActive[] = "The student has a SEVIS Status of Initial or Active.";
constexpr char kNoInactiveRegistrationRows[] =
    "No inactive effective status rows exist on the SEVIS Master component, Registration page.";
constexpr char kAuthReasonExists[] = "A Drop Below Full Course Auth Reason value exists.";
constexpr char kAuthStartLater[] =
    "The Drop Below Full Course Start Date value on the SEVIS Master component is later than the "
    "current system date.";
constexpr char kNoInactiveDependentRows[] =
    "No inactive status rows exist on the Dependents page in the SEVIS Master component.";
constexpr char kSelectDependent[] = "You must select the dependent ID to send the event to SEVIS.";
constexpr char kDependentInitialOrActive[] =
    "The Additional Data prompt displays initial or active status dependents from which to select.";
constexpr char kNoInactiveBioRows[] =
    "No inactive rows exist on the Bio/Demo page of the SEVIS Master component.";
constexpr char kFmVisa[] =
    "The student has an immigration status on the Port of Entry Data page that equals the SEVIS "
    "visa type 01 (F-1) or 02 (M-1).";
constexpr char kI20Active[] =
    "The most recent effective-dated I-20 form has an Effective Status of Active.";
constexpr char kI20Funded[] =
    "The most recent effective-dated I-20 form has Funding Verified set to Y.";

void Status(v1::SevisStatus status, std::optional<v1::MasterRecord>& m) {
  m->set_sevis_status(status);
}
void NoMaster(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>& m) { m.reset(); }
void DeletedMaster(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>& m) {
  m->set_deleted(true);
}
void InactiveI20(v1::SisPersonSnapshot& s, std::optional<v1::MasterRecord>&) {
  s.mutable_i20(0)->set_effective_status(v1::FORM_STATUS_INACTIVE);
}
void Initial(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>& m) {
  Status(v1::SEVIS_STATUS_INITIAL, m);
}
void Completed(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>& m) {
  Status(v1::SEVIS_STATUS_COMPLETED, m);
}

// An authorisation to drop below a full course of study, starting after BaselineToday.
void WithAuth(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>& m) {
  m->set_auth_reason("ILLNESS");
  m->set_auth_start_date("2026-11-01");
  m->set_auth_end_date("2026-12-15");
}

// ---------------------------------------------------------------------------------------------
// Auth Drop Below FC - Cancel

class AuthDropBelowFcCancel : public ::testing::TestWithParam<ManualCase> {};
TEST_P(AuthDropBelowFcCancel, RuleBook) {
  RunManual(GetParam(), v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL);
}

INSTANTIATE_TEST_SUITE_P(
    Manual, AuthDropBelowFcCancel,
    ::testing::Values(
        ManualCase{.id = "AllConditionsMet",
                   .rule = "To manually enter the event, the following conditions must be met",
                   .change = WithAuth,
                   .allowed = true},
        ManualCase{.id = "StatusInitial",
                   .rule = "SEVIS Status is Active.",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         Initial(s, m);
                       },
                   .unmet = {kStatusIsActive}},
        ManualCase{.id = "InactiveRegistrationRows",
                   .rule = "AND No inactive effective status rows exist on the SEVIS Master "
                           "component, Registration page.",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         m->set_registration_inactive_rows(true);
                       },
                   .unmet = {kNoInactiveRegistrationRows}},
        ManualCase{.id = "NoAuthReason",
                   .rule = "AND A Drop Below Full Course Auth Reason value exists,",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         m->set_auth_reason(" ");
                       },
                   .unmet = {kAuthReasonExists}},
        ManualCase{.id = "StartDateToday",
                   .rule = "AND The Drop Below Full Course Start Date value on the SEVIS Master "
                           "component is later than the current system date. (today is not)",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         m->set_auth_start_date("2026-10-01");
                       },
                   .unmet = {kAuthStartLater}},
        ManualCase{.id = "StartDateBlank",
                   .rule = "decision: a blank Start Date is not later than today",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         m->set_auth_start_date("");
                       },
                   .unmet = {kAuthStartLater}},
        ManualCase{.id = "EveryConditionFails",
                   .rule = "every unmet condition is listed, in the rule book's order",
                   .change =
                       [](auto& s, auto& m) {
                         Completed(s, m);
                         m->set_registration_inactive_rows(true);
                       },
                   .unmet = {kStatusIsActive, kNoInactiveRegistrationRows, kAuthReasonExists,
                             kAuthStartLater}},
        ManualCase{.id = "InactiveI20StillAllowed",
                   .rule = "decision: acts on the SEVIS record; the I-20 criteria do not apply",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         InactiveI20(s, m);
                       },
                   .allowed = true},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Auth Drop Below FC - Edit

class AuthDropBelowFcEdit : public ::testing::TestWithParam<ManualCase> {};
TEST_P(AuthDropBelowFcEdit, RuleBook) {
  RunManual(GetParam(), v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT);
}

INSTANTIATE_TEST_SUITE_P(
    Manual, AuthDropBelowFcEdit,
    ::testing::Values(
        ManualCase{.id = "AllConditionsMet",
                   .rule = "To manually enter the event, the following conditions must be met",
                   .change = WithAuth,
                   .allowed = true},
        ManualCase{.id = "StartDatePassedStillAllowed",
                   .rule = "near miss: unlike Cancel, Edit has no Start Date condition",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         m->set_auth_start_date("2026-09-01");
                       },
                   .allowed = true},
        ManualCase{.id = "StatusInitial",
                   .rule = "The student has a SEVIS Status of Active,",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         Initial(s, m);
                       },
                   .unmet = {kStatusActive}},
        ManualCase{.id = "InactiveRegistrationRows",
                   .rule = "AND No inactive effective status rows exist on the SEVIS Master "
                           "component, Registration page.",
                   .change =
                       [](auto& s, auto& m) {
                         WithAuth(s, m);
                         m->set_registration_inactive_rows(true);
                       },
                   .unmet = {kNoInactiveRegistrationRows}},
        ManualCase{.id = "NoAuthReason",
                   .rule = "AND A Drop Below Full Course Auth Reason value exists.",
                   .unmet = {kAuthReasonExists}},
        ManualCase{.id = "DeletedMaster",
                   .rule = "the student has no SEVIS record (a deleted master row)",
                   .change = DeletedMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Dependent - Reprint

void AddDependent(std::optional<v1::MasterRecord>& m, const char* id, const char* status) {
  auto* d = m->add_dependents();
  d->set_dependent_id(id);
  d->set_dependent_sevis_id("N0007654321");
  d->set_relationship("01");
  d->set_relationship_status(status);
}

void WithDependents(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>& m) {
  AddDependent(m, "DEP01", "ACTIVE");
  AddDependent(m, "DEP02", "INITIAL");
  AddDependent(m, "DEP03", "TERMINATED");
}

class DependentReprint : public ::testing::TestWithParam<ManualCase> {};
TEST_P(DependentReprint, RuleBook) { RunManual(GetParam(), v1::EVENT_TYPE_DEPENDENT_REPRINT); }

INSTANTIATE_TEST_SUITE_P(
    Manual, DependentReprint,
    ::testing::Values(
        ManualCase{.id = "ActiveDependent",
                   .rule = "The Additional Data prompt displays initial or active status "
                           "dependents from which to select. (active)",
                   .change = WithDependents,
                   .subject = "DEP01",
                   .allowed = true},
        ManualCase{.id = "InitialDependentInitialStudent",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Initial; an "
                           "initial dependent)",
                   .change =
                       [](auto& s, auto& m) {
                         WithDependents(s, m);
                         Initial(s, m);
                       },
                   .subject = " DEP02 ",
                   .allowed = true},
        ManualCase{.id = "TerminatedDependent",
                   .rule = "... displays initial or active status dependents ... (terminated)",
                   .change = WithDependents,
                   .subject = "DEP03",
                   .unmet = {kDependentInitialOrActive}},
        ManualCase{.id = "UnknownDependent",
                   .rule = "... displays initial or active status dependents ... (not in the "
                           "master)",
                   .change = WithDependents,
                   .subject = "DEP99",
                   .unmet = {kDependentInitialOrActive}},
        ManualCase{.id = "NoDependentSelected",
                   .rule = "You must select the dependent ID to send the event to SEVIS.",
                   .change = WithDependents,
                   .unmet = {kSelectDependent}},
        ManualCase{.id = "InactiveDependentRow",
                   .rule = "No inactive status rows exist on the Dependents page in the SEVIS "
                           "Master component.",
                   .change =
                       [](auto& s, auto& m) {
                         WithDependents(s, m);
                         AddDependent(m, "DEP04", "INACTIVE");
                       },
                   .subject = "DEP01",
                   .unmet = {kNoInactiveDependentRows}},
        ManualCase{.id = "StudentCompleted",
                   .rule = "The student has a SEVIS Status of Initial or Active.",
                   .change =
                       [](auto& s, auto& m) {
                         WithDependents(s, m);
                         Completed(s, m);
                       },
                   .subject = "DEP01",
                   .unmet = {kStatusInitialOrActive}},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .subject = "DEP01",
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Disciplinary Action

class DisciplinaryAction : public ::testing::TestWithParam<ManualCase> {};
TEST_P(DisciplinaryAction, RuleBook) {
  RunManual(GetParam(), v1::EVENT_TYPE_DISCIPLINARY_ACTION);
}

INSTANTIATE_TEST_SUITE_P(
    Manual, DisciplinaryAction,
    ::testing::Values(
        ManualCase{.id = "ActiveNoInactiveRows",
                   .rule = "To enter the event manually, the following conditions must be met",
                   .allowed = true},
        ManualCase{.id = "StatusInitial",
                   .rule = "The student has a SEVIS Status of Active.",
                   .change = Initial,
                   .unmet = {kStatusActive}},
        ManualCase{.id = "InactiveBioRows",
                   .rule = "No inactive rows exist on the Bio/Demo page of the SEVIS Master "
                           "component.",
                   .change = [](auto&, auto& m) { m->set_bio_inactive_rows(true); },
                   .unmet = {kNoInactiveBioRows}},
        ManualCase{.id = "InactiveI20StillAllowed",
                   .rule = "decision: acts on the SEVIS record; the I-20 criteria do not apply",
                   .change = InactiveI20,
                   .allowed = true},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Reprint

class Reprint : public ::testing::TestWithParam<ManualCase> {};
TEST_P(Reprint, RuleBook) { RunManual(GetParam(), v1::EVENT_TYPE_REPRINT); }

INSTANTIATE_TEST_SUITE_P(
    Manual, Reprint,
    ::testing::Values(
        ManualCase{.id = "Active",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Active)",
                   .allowed = true},
        ManualCase{.id = "Initial",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Initial)",
                   .change = Initial,
                   .allowed = true},
        ManualCase{.id = "Completed",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Completed)",
                   .change = Completed,
                   .unmet = {kStatusInitialOrActive}},
        ManualCase{.id = "InactiveI20StillAllowed",
                   .rule = "decision: reprinting needs the SEVIS record, not an active I-20",
                   .change = InactiveI20,
                   .allowed = true},
        ManualCase{.id = "J1RecordRefused",
                   .rule = "decision: an F/M event needs an F-1/M-1 SEVIS record",
                   .change = [](auto&, auto& m) { m->set_visa_family(v1::VISA_FAMILY_J); },
                   .unmet = {"the SEVIS record is not an F-1/M-1 student record"}},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Auth Drop Below FC - Add (manual entry)

class AuthDropBelowFcAddManual : public ::testing::TestWithParam<ManualCase> {};
TEST_P(AuthDropBelowFcAddManual, RuleBook) {
  RunManual(GetParam(), v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD);
}

INSTANTIATE_TEST_SUITE_P(
    Manual, AuthDropBelowFcAddManual,
    ::testing::Values(
        ManualCase{.id = "Active",
                   .rule = "The student has a SEVIS Status of Active. Note: You can also manually "
                           "enter this event",
                   .allowed = true},
        ManualCase{.id = "StatusInitial",
                   .rule = "The student has a SEVIS Status of Active.",
                   .change = Initial,
                   .unmet = {kStatusActive}},
        ManualCase{.id = "InactiveI20",
                   .rule = "Selection Criteria for All Events: The most recent effective-dated "
                           "I-20 form has an Effective Status of Active.",
                   .change = InactiveI20,
                   .unmet = {kI20Active}},
        ManualCase{.id = "FundingNotVerified",
                   .rule = "Selection Criteria for All Events: ... has Funding Verified set to Y.",
                   .change = [](auto& s, auto&) { s.mutable_i20(0)->set_funding_verified(false); },
                   .unmet = {kI20Funded}},
        ManualCase{.id = "NotFmVisa",
                   .rule = "Selection Criteria for All Events: immigration status 01 (F-1) or 02 "
                           "(M-1)",
                   .change =
                       [](auto& s, auto&) {
                         s.mutable_port_of_entry(0)->set_immigration_status("03");
                       },
                   .unmet = {kFmVisa}},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Status - Complete (manual entry)

class StatusCompleteManual : public ::testing::TestWithParam<ManualCase> {};
TEST_P(StatusCompleteManual, RuleBook) { RunManual(GetParam(), v1::EVENT_TYPE_STATUS_COMPLETE); }

INSTANTIATE_TEST_SUITE_P(
    Manual, StatusCompleteManual,
    ::testing::Values(
        ManualCase{.id = "Active",
                   .rule = "The student has a SEVIS Status of Active. You can manually trigger "
                           "this event.",
                   .allowed = true},
        ManualCase{.id = "StatusInitial",
                   .rule = "The student has a SEVIS Status of Active.",
                   .change = Initial,
                   .unmet = {kStatusActive}},
        ManualCase{.id = "InactiveI20StillAllowed",
                   .rule = "decision: a completed program's I-20 may already be inactive",
                   .change = InactiveI20,
                   .allowed = true},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Status - Terminate (manual entry)

class StatusTerminateManual : public ::testing::TestWithParam<ManualCase> {};
TEST_P(StatusTerminateManual, RuleBook) {
  RunManual(GetParam(), v1::EVENT_TYPE_STATUS_TERMINATE);
}

INSTANTIATE_TEST_SUITE_P(
    Manual, StatusTerminateManual,
    ::testing::Values(
        ManualCase{.id = "Active",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Active)",
                   .allowed = true},
        ManualCase{.id = "Initial",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Initial)",
                   .change = Initial,
                   .allowed = true},
        ManualCase{.id = "Terminated",
                   .rule = "The student has a SEVIS Status of Initial or Active. (Terminated)",
                   .change = [](auto&, auto& m) { Status(v1::SEVIS_STATUS_TERMINATED, m); },
                   .unmet = {kStatusInitialOrActive}},
        ManualCase{.id = "InactiveI20StillAllowed",
                   .rule = "decision: a terminated student's I-20 may already be inactive",
                   .change = InactiveI20,
                   .allowed = true},
        ManualCase{.id = "NoMaster",
                   .rule = "the student has no SEVIS record",
                   .change = NoMaster,
                   .unmet = {kNoRecord}}),
    CaseName);

// ---------------------------------------------------------------------------------------------
// Events that are not added by hand

TEST(CheckManualFmOther, DetectedEventsAreNotAddedByHand) {
  for (v1::EventType event :
       {v1::EVENT_TYPE_CREATE_STUDENT, v1::EVENT_TYPE_PROGRAM_EDIT, v1::EVENT_TYPE_REGISTRATION,
        v1::EVENT_TYPE_STATUS_VERIFY, v1::EVENT_TYPE_UNSPECIFIED}) {
    SCOPED_TRACE(v1::EventType_Name(event));
    const ManualCheck check = CheckManualFm(event, RegisteredF1(), ActiveMaster(), "",
                                            rules::Setup{}, BaselineToday());
    EXPECT_FALSE(check.allowed);
    ASSERT_EQ(check.unmet.size(), 1u);
    EXPECT_THAT(check.unmet[0], ::testing::HasSubstr("not"));
    EXPECT_THAT(check.unmet[0], ::testing::HasSubstr("by hand"));
  }
  const ManualCheck edit = CheckManualFm(v1::EVENT_TYPE_PROGRAM_EDIT, RegisteredF1(),
                                         ActiveMaster(), "", rules::Setup{}, BaselineToday());
  EXPECT_EQ(edit.unmet, std::vector<std::string>{
                            "Program - Edit is not added by hand: the alerts process detects it"});
}

}  // namespace
}  // namespace sevisflow::rules
