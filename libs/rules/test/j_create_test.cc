// Rule book "Process SEVIS Alerts - J", event "Create Exchange Visitor"
// (rules::DetectCreateExchangeVisitor). Each case starts from ValidJ1 without a SEVIS Master row
// on BaselineToday, changes one thing and names the rule-book sentence (or recorded decision,
// docs/rule-decisions.md) it checks.
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/j_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ActiveJMaster;
using testing::BaselineToday;
using testing::ValidJ1;

using Mutation = std::function<void(v1::SisPersonSnapshot&, std::optional<v1::MasterRecord>&)>;

std::optional<Detection> RunCreate(const v1::SisPersonSnapshot& s,
                                   const std::optional<v1::MasterRecord>& master,
                                   const Setup& setup = Setup{}, bool validate_cip = true) {
  MasterLookup ml = [&](const std::string& org) -> const v1::MasterRecord* {
    if (master && master->org_id() == org) return &*master;
    return nullptr;
  };
  return DetectCreateExchangeVisitor(s, ml, setup, BaselineToday(), validate_cip);
}

// ValidJ1 with the values SEVIS requires that the shared fixture leaves out.
v1::SisPersonSnapshot CompleteJ1() {
  v1::SisPersonSnapshot s = ValidJ1();
  s.mutable_ds2019(0)->set_subject_field_remarks("Graduate study in computer science");
  return s;
}

const v1::ValidationIssue* FindIssue(const v1::Alert& a, const std::string& field) {
  for (const auto& i : a.issues()) {
    if (i.field() == field) return &i;
  }
  return nullptr;
}

std::string IssueList(const v1::Alert& a) {
  std::string out;
  for (const auto& i : a.issues()) out += i.field() + ":" + i.code() + " ";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Trigger.

struct TriggerCase {
  const char* id = "";
  const char* rule = "";
  Mutation change = nullptr;
  bool fires = false;
  std::string issue_field = "";  // an issue expected on this field ("" none expected)
  std::string issue_code = "";
};

void PrintTo(const TriggerCase& c, std::ostream* os) { *os << c.id << " (" << c.rule << ")"; }

class JCreateTriggerTest : public ::testing::TestWithParam<TriggerCase> {};

TEST_P(JCreateTriggerTest, Trigger) {
  const TriggerCase& c = GetParam();
  SCOPED_TRACE(c.rule);
  v1::SisPersonSnapshot s = CompleteJ1();
  std::optional<v1::MasterRecord> m;
  if (c.change) c.change(s, m);
  auto d = RunCreate(s, m);
  ASSERT_EQ(d.has_value(), c.fires);
  if (!d) return;
  EXPECT_EQ(d->alert.event_type(), v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  EXPECT_EQ(d->alert.org_id(), "P-1-12345");
  if (c.issue_field.empty()) {
    EXPECT_EQ(d->alert.issues_size(), 0) << IssueList(d->alert);
  } else {
    const v1::ValidationIssue* i = FindIssue(d->alert, c.issue_field);
    ASSERT_NE(i, nullptr) << IssueList(d->alert);
    EXPECT_EQ(i->code(), c.issue_code);
  }
}

void BlankPortOfEntry(v1::SisPersonSnapshot& s) {
  s.mutable_port_of_entry(0)->set_immigration_status("");
}
void AddVisa(v1::SisPersonSnapshot& s, const char* type, const char* country) {
  auto* v = s.add_visas();
  v->set_visa_type(type);
  v->set_country(country);
  v->set_effective_date("2026-06-01");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JCreateTriggerTest,
    ::testing::Values(
        TriggerCase{"Baseline", "all conditions hold, no SEVIS Master row", nullptr, true},
        TriggerCase{"PortOfEntryJ1", "decision: J-1 by Port of Entry immigration status 03",
                    [](auto& s, auto&) { AddVisa(s, "03", "GER"); }, true},
        TriggerCase{"PortOfEntryF1",
                    "decision: a Port of Entry status that is not 03 decides (no Visa/Permit "
                    "fallback)",
                    [](auto& s, auto&) {
                      s.mutable_port_of_entry(0)->set_immigration_status("01");
                      AddVisa(s, "03", "USA");
                    },
                    false},
        TriggerCase{"VisaPermitUsa",
                    "Visa Type on the Visa Permit Data page is SEVIS Visa Type 03 (J-1) where "
                    "the Country is USA",
                    [](auto& s, auto&) {
                      BlankPortOfEntry(s);
                      AddVisa(s, "03", "USA");
                    },
                    true},
        TriggerCase{"VisaPermitNotUsa", "... where the Country is USA (near miss: GER)",
                    [](auto& s, auto&) {
                      BlankPortOfEntry(s);
                      AddVisa(s, "03", "GER");
                    },
                    false},
        TriggerCase{"VisaPermitNotJ1", "... SEVIS Visa Type 03 (near miss: 01 with USA)",
                    [](auto& s, auto&) {
                      BlankPortOfEntry(s);
                      AddVisa(s, "01", "USA");
                    },
                    false},
        TriggerCase{"Ds2019Inactive",
                    "Status is Active on the most recent effective-dated DS-2019 form",
                    [](auto& s, auto&) {
                      s.mutable_ds2019(0)->set_effective_status(v1::FORM_STATUS_INACTIVE);
                    },
                    false},
        TriggerCase{"NewerInactiveRow",
                    "the most recent effective-dated DS-2019 form (a newer Inactive row)",
                    [](auto& s, auto&) {
                      auto* row = s.add_ds2019();
                      *row = s.ds2019(0);
                      row->set_effective_date("2026-09-15");
                      row->set_effective_status(v1::FORM_STATUS_INACTIVE);
                    },
                    false},
        TriggerCase{"FutureInactiveRow",
                    "the most recent effective-dated DS-2019 form (near miss: a row dated "
                    "after today is not yet in effect)",
                    [](auto& s, auto&) {
                      auto* row = s.add_ds2019();
                      *row = s.ds2019(0);
                      row->set_effective_date("2026-12-01");
                      row->set_effective_status(v1::FORM_STATUS_INACTIVE);
                    },
                    true},
        TriggerCase{"NotFunded",
                    "Funding Verified is Y on the most recent effective-dated DS-2019 form",
                    [](auto& s, auto&) { s.mutable_ds2019(0)->set_funding_verified(false); },
                    false},
        TriggerCase{"NoProgramNumber", "decision: no program sponsor, nothing to report to",
                    [](auto& s, auto&) { s.mutable_ds2019(0)->set_program_number(" "); }, false},
        TriggerCase{"MasterRowExists",
                    "No rows exist for ID and Program Sponsor on the DS-2019 form in the SEVIS "
                    "Master component",
                    [](auto&, auto& m) { m = ActiveJMaster(); }, false},
        TriggerCase{"InitialMasterRowExists", "No rows exist ... (any SEVIS status blocks)",
                    [](auto&, auto& m) {
                      m = ActiveJMaster();
                      m->set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    },
                    false},
        TriggerCase{"DeletedMasterRow", "No rows exist ... (a deleted row counts as absent)",
                    [](auto&, auto& m) {
                      m = ActiveJMaster();
                      m->set_deleted(true);
                    },
                    true},
        TriggerCase{"MasterRowOfOtherSponsor",
                    "No rows exist for ID and Program Sponsor (near miss: another sponsor)",
                    [](auto&, auto& m) {
                      m = ActiveJMaster();
                      m->set_org_id("P-1-99999");
                    },
                    true},
        TriggerCase{"BornInUsWithoutReason",
                    "The reason code is provided if Country of Birth is US (decision: fires "
                    "with a blocking issue)",
                    [](auto& s, auto&) { s.mutable_bio()->set_birth_country("US"); }, true,
                    "ds2019.birth_country_reason", "REQUIRED_MISSING"},
        TriggerCase{"BornInTerritoryWithoutReason",
                    "... or US Territory (Puerto Rico RQ): fires with a blocking issue",
                    [](auto& s, auto&) { s.mutable_bio()->set_birth_country("rq"); }, true,
                    "ds2019.birth_country_reason", "REQUIRED_MISSING"},
        TriggerCase{"BornInUsWithReason", "The reason code is provided (near miss: no issue)",
                    [](auto& s, auto&) {
                      s.mutable_bio()->set_birth_country("US");
                      s.mutable_ds2019(0)->set_birth_country_reason("01");
                    },
                    true},
        TriggerCase{"BornAbroadWithoutReason",
                    "the reason is required only for the US or a US territory",
                    [](auto& s, auto&) { s.mutable_bio()->set_birth_country("GM"); }, true}),
    [](const auto& tp) { return std::string(tp.param.id); });

// ---------------------------------------------------------------------------------------------
// Data.

TEST(JCreateTest, FillsDataFromSnapshot) {
  v1::SisPersonSnapshot s = CompleteJ1();
  auto* ds = s.mutable_ds2019(0);
  ds->set_occupation_category("05");
  ds->set_remarks("created by test");
  ds->mutable_financial()->set_received_us_govt_funds(true);
  ds->mutable_financial()->set_govt_org1("DOS");
  ds->mutable_financial()->set_govt_org1_amount(500);
  auto* dep = ds->add_dependents();
  dep->set_dependent_id("D1");
  dep->set_relationship("01");
  dep->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  dep->mutable_name()->set_last_name("M\u00fcller");
  dep->mutable_name()->set_first_name("Anna");
  dep->mutable_bio()->set_birth_date("1999-01-02");
  dep->mutable_bio()->set_gender("F");
  dep->mutable_bio()->set_birth_city("Hamburg");
  dep->mutable_bio()->set_birth_country("GM");
  dep->mutable_bio()->set_citizenship_country("GM");
  dep->set_permanent_residence_country("GM");
  auto* ended = ds->add_dependents();
  *ended = *dep;
  ended->set_dependent_id("D2");
  ended->set_relationship_status(v1::RELATIONSHIP_STATUS_TERMINATED);

  auto d = RunCreate(s, std::nullopt);
  ASSERT_TRUE(d.has_value());
  const v1::Alert& a = d->alert;
  EXPECT_EQ(a.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(a.org_id(), "P-1-12345");
  EXPECT_EQ(a.person_id(), "SIS000201");
  EXPECT_EQ(a.snapshot_version(), 5);
  EXPECT_EQ(a.sevis_id(), "");
  EXPECT_EQ(a.subject(), "");
  EXPECT_EQ(a.issues_size(), 0) << IssueList(a);
  EXPECT_EQ(a.alert_id(), AlertId("P-1-12345", "SIS000201", v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR,
                                  "", a.create_exchange_visitor()));
  EXPECT_EQ(d->emitted_key, EmittedKey("P-1-12345", v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, ""));

  ASSERT_TRUE(a.has_create_exchange_visitor());
  const v1::CreateExchangeVisitorData& c = a.create_exchange_visitor();
  EXPECT_EQ(c.last_name(), "Muller");  // converted like the SEVIS Master holds it
  EXPECT_EQ(c.first_name(), "Jurgen");
  EXPECT_EQ(c.birth_date(), "1998-07-14");
  EXPECT_EQ(c.gender(), "M");
  EXPECT_EQ(c.birth_city(), "Bremen");
  EXPECT_EQ(c.birth_country(), "GM");
  EXPECT_EQ(c.birth_country_reason(), "");
  EXPECT_EQ(c.citizenship_country(), "GM");
  EXPECT_EQ(c.permanent_residence_country(), "GM");
  EXPECT_EQ(c.email(), "jmueller@example.edu");
  EXPECT_EQ(c.phone(), "2175550111");
  EXPECT_EQ(c.position_code(), "213");
  EXPECT_EQ(c.program_start_date(), "2026-08-20");
  EXPECT_EQ(c.program_end_date(), "2027-05-15");
  EXPECT_EQ(c.program_category(), "1B");
  EXPECT_EQ(c.occupation_category(), "05");
  EXPECT_EQ(c.subject_field_code(), "11.0701");
  EXPECT_EQ(c.subject_field_remarks(), "Graduate study in computer science");
  EXPECT_EQ(c.remarks(), "created by test");
  EXPECT_EQ(c.foreign_degree_level(), "");
  EXPECT_EQ(c.us_address().line1(), "55 Scholar Way");
  EXPECT_EQ(c.us_address().postal_code(), "62702");
  // Decision: no "MAIL" address, so the mailing address is the U.S. address.
  EXPECT_EQ(c.mailing_address().line1(), "55 Scholar Way");
  EXPECT_TRUE(c.financial().received_us_govt_funds());
  EXPECT_EQ(c.financial().program_sponsor_funds(), 20000);
  EXPECT_EQ(c.financial().personal_funds(), 10000);
  EXPECT_EQ(c.financial().govt_org1(), "DOS");
  EXPECT_EQ(c.financial().govt_org1_amount(), 500);
  // DependentData for each ACTIVE dependent only.
  ASSERT_EQ(c.dependents_size(), 1);
  EXPECT_EQ(c.dependents(0).dependent_id(), "D1");
  EXPECT_EQ(c.dependents(0).relationship(), "01");
  EXPECT_EQ(c.dependents(0).last_name(), "Muller");
  EXPECT_EQ(c.dependents(0).first_name(), "Anna");
  EXPECT_EQ(c.dependents(0).birth_date(), "1999-01-02");
  EXPECT_EQ(c.dependents(0).gender(), "F");
  EXPECT_EQ(c.dependents(0).birth_city(), "Hamburg");
  EXPECT_EQ(c.dependents(0).birth_country(), "GM");
  EXPECT_EQ(c.dependents(0).citizenship_country(), "GM");
  EXPECT_EQ(c.dependents(0).permanent_residence_country(), "GM");
  // SiteOfActivityData for each ACTIVE site.
  ASSERT_EQ(c.sites_size(), 1);
  EXPECT_EQ(c.sites(0).site_id(), "S1");
  EXPECT_EQ(c.sites(0).name(), "Main Campus");
  EXPECT_EQ(c.sites(0).address().line1(), "1 University Plaza");
  EXPECT_TRUE(c.sites(0).primary());
}

TEST(JCreateTest, AlertIdDependsOnData) {
  auto a = RunCreate(CompleteJ1(), std::nullopt);
  auto s = CompleteJ1();
  s.mutable_ds2019(0)->set_position_code("214");
  auto b = RunCreate(s, std::nullopt);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->alert.alert_id(), b->alert.alert_id());
  EXPECT_EQ(a->emitted_key, b->emitted_key);
  EXPECT_EQ(RunCreate(CompleteJ1(), std::nullopt)->alert.alert_id(), a->alert.alert_id());
}

TEST(JCreateTest, CitizenshipFromDs2019ElseBio) {
  // "citizenship country from the DS-2019, else bio"
  auto s = CompleteJ1();
  s.mutable_ds2019(0)->set_citizenship_country("AU");
  EXPECT_EQ(RunCreate(s, std::nullopt)->alert.create_exchange_visitor().citizenship_country(),
            "AU");
  s.mutable_ds2019(0)->set_citizenship_country("");
  s.mutable_bio()->set_citizenship_country("FR");
  EXPECT_EQ(RunCreate(s, std::nullopt)->alert.create_exchange_visitor().citizenship_country(),
            "FR");
}

TEST(JCreateTest, MailingAddressOfTypeMail) {
  // Decision: the SIS address of type "MAIL" when there is one.
  auto s = CompleteJ1();
  auto* mail = s.add_addresses();
  mail->set_address_type("MAIL");
  mail->mutable_address()->set_line1("PO Box 12");
  mail->mutable_address()->set_city("Springfield");
  mail->mutable_address()->set_state("IL");
  mail->mutable_address()->set_postal_code("62705");
  auto d = RunCreate(s, std::nullopt);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->alert.create_exchange_visitor().mailing_address().line1(), "PO Box 12");
  EXPECT_EQ(d->alert.create_exchange_visitor().us_address().line1(), "55 Scholar Way");
  // No U.S. address and no MAIL address: neither is sent (both optional in EVPersonType).
  auto none = CompleteJ1();
  none.clear_addresses();
  auto e = RunCreate(none, std::nullopt);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->alert.create_exchange_visitor().has_us_address());
  EXPECT_FALSE(e->alert.create_exchange_visitor().has_mailing_address());
  EXPECT_EQ(e->alert.issues_size(), 0) << IssueList(e->alert);
}

TEST(JCreateTest, AddressExplanationsFromDs2019) {
  // USAddress / MailAddress ExplanationCode and Explanation: the DS-2019's values.
  auto s = CompleteJ1();
  s.mutable_ds2019(0)->set_us_address_explanation_code("OO");
  s.mutable_ds2019(0)->set_us_address_explanation(" Host family address ");
  s.mutable_ds2019(0)->set_mailing_address_explanation_code("OB");
  auto d = RunCreate(s, std::nullopt);
  ASSERT_TRUE(d);
  const auto& data = d->alert.create_exchange_visitor();
  EXPECT_EQ(data.us_address_explanation_code(), "OO");
  EXPECT_EQ(data.us_address_explanation(), "Host family address");
  EXPECT_EQ(data.mailing_address_explanation_code(), "OB");
  EXPECT_EQ(data.mailing_address_explanation(), "");
}

TEST(JCreateTest, UsAddressTypeFromSetup) {
  auto s = CompleteJ1();
  s.mutable_addresses(0)->set_address_type("CAMP");
  rules::Setup setup;
  setup.us_address_type = "CAMP";
  auto d = RunCreate(s, std::nullopt, setup);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->alert.create_exchange_visitor().us_address().line1(), "55 Scholar Way");
  EXPECT_FALSE(RunCreate(s, std::nullopt)->alert.create_exchange_visitor().has_us_address());
}

// Subject field: for student categories 1A-1F the student plan, else the DS-2019.
struct SubjectCase {
  const char* id = "";
  const char* rule = "";
  const char* category = "";
  bool with_plan = true;
  const char* want = "";
};

void PrintTo(const SubjectCase& c, std::ostream* os) { *os << c.id << " (" << c.rule << ")"; }

class JCreateSubjectTest : public ::testing::TestWithParam<SubjectCase> {};

TEST_P(JCreateSubjectTest, SubjectField) {
  const SubjectCase& c = GetParam();
  SCOPED_TRACE(c.rule);
  auto s = CompleteJ1();
  s.mutable_ds2019(0)->set_program_category(c.category);
  s.mutable_ds2019(0)->set_subject_field_code("52.0201");
  s.mutable_ds2019(0)->set_foreign_degree_level("Bachelor");
  s.mutable_ds2019(0)->set_foreign_field_of_study("Economics");
  if (!c.with_plan) s.clear_plans();
  auto d = RunCreate(s, std::nullopt);
  ASSERT_TRUE(d);
  const auto& data = d->alert.create_exchange_visitor();
  EXPECT_EQ(data.subject_field_code(), c.want);
  const bool intern = std::string(c.category) == "1G";
  EXPECT_EQ(data.foreign_degree_level(), intern ? "Bachelor" : "");
  EXPECT_EQ(data.foreign_field_of_study(), intern ? "Economics" : "");
  EXPECT_EQ(d->alert.issues_size(), 0) << IssueList(d->alert);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JCreateSubjectTest,
    ::testing::Values(
        SubjectCase{"StudentFromPlan", "1a-1f: the minimum sequence Student Plan's CIP", "1B",
                    true, "11.0701"},
        SubjectCase{"StudentLowerCase", "1a-1f in any case", "1d", true, "11.0701"},
        SubjectCase{"StudentWithoutPlan",
                    "decision: a student without a major plan falls back to the DS-2019", "1A",
                    false, "52.0201"},
        SubjectCase{"NonStudentFromDs2019",
                    "not 1a-1f: the Subject Field code on the DS-2019 (plan ignored)", "04",
                    true, "52.0201"},
        SubjectCase{"StudentInternFromDs2019",
                    "Student Intern (1G): DS-2019 subject, Foreign Degree Level / Field of Study",
                    "1G", true, "52.0201"}),
    [](const auto& tp) { return std::string(tp.param.id); });

TEST(JCreateTest, SitesNewestRowPerSiteAndActiveOnly) {
  auto s = CompleteJ1();
  auto* ds = s.mutable_ds2019(0);
  // S1 renamed by a newer row; S2 inactivated by a newer row; S3 future-dated inactive row.
  auto* s1 = ds->add_sites();
  *s1 = ds->sites(0);
  s1->set_name("Main Campus North");
  s1->set_effective_date("2026-07-01");
  auto* s2 = ds->add_sites();
  *s2 = ds->sites(0);
  s2->set_site_id("S2");
  s2->set_name("Lab");
  s2->set_primary(false);
  auto* s2b = ds->add_sites();
  *s2b = *s2;
  s2b->set_effective_date("2026-08-01");
  s2b->set_status(v1::FORM_STATUS_INACTIVE);
  auto* s3 = ds->add_sites();
  *s3 = *s2;
  s3->set_site_id("S3");
  s3->set_name("Field Station");
  auto* s3b = ds->add_sites();
  *s3b = *s3;
  s3b->set_effective_date("2027-01-01");
  s3b->set_status(v1::FORM_STATUS_INACTIVE);
  auto d = RunCreate(s, std::nullopt);
  ASSERT_TRUE(d);
  const auto& sites = d->alert.create_exchange_visitor().sites();
  ASSERT_EQ(sites.size(), 2);
  EXPECT_EQ(sites[0].site_id(), "S1");
  EXPECT_EQ(sites[0].name(), "Main Campus North");
  EXPECT_EQ(sites[1].site_id(), "S3");
  EXPECT_EQ(sites[1].name(), "Field Station");
}

TEST(JCreateTest, ValidateCipFlag) {
  auto s = CompleteJ1();
  s.mutable_ds2019(0)->set_program_category("04");
  s.mutable_ds2019(0)->set_subject_field_code("99.9999");
  rules::Setup setup;
  auto codes = std::make_shared<CodeTables>();
  codes->Add(kCipType, "11.0701");
  setup.codes = codes;
  auto checked = RunCreate(s, std::nullopt, setup, /*validate_cip=*/true);
  ASSERT_TRUE(checked);
  const v1::ValidationIssue* i = FindIssue(checked->alert, "ds2019.subject_field_code");
  ASSERT_NE(i, nullptr) << IssueList(checked->alert);
  EXPECT_EQ(i->code(), "UNKNOWN_CODE");
  auto unchecked = RunCreate(s, std::nullopt, setup, /*validate_cip=*/false);
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(FindIssue(unchecked->alert, "ds2019.subject_field_code"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// Issues: values the XSD (CreateEV/ExchangeVisitor, EVPersonType) requires. Each never
// suppresses the alert.

struct IssueCase {
  const char* id = "";
  const char* rule = "";
  std::function<void(v1::SisPersonSnapshot&)> change = nullptr;
  std::string field = "";
  std::string code = "";
};

void PrintTo(const IssueCase& c, std::ostream* os) { *os << c.id << " (" << c.rule << ")"; }

class JCreateIssueTest : public ::testing::TestWithParam<IssueCase> {};

rules::Setup SetupWithCodes() {
  rules::Setup setup;
  auto codes = std::make_shared<CodeTables>();
  for (const char* v : {"1A", "1B", "1G", "04"}) codes->Add("EVCategoryCodeType", v);
  for (const char* v : {"213", "214"}) codes->Add("EVPositionCodeType", v);
  for (const char* v : {"M", "F", "U"}) codes->Add("EVGenderCodeType", v);
  for (const char* v : {"01", "02"}) codes->Add("USBornReasonType", v);
  for (const char* v : {"01", "02"}) codes->Add("DependentCodeType", v);
  for (const char* v : {"05"}) codes->Add("EVOccupationCategoryCodeType", v);
  for (const char* v : {"DOS"}) codes->Add("GovAgencyCodeType", v);
  for (const char* v : {"GM", "US", "RQ", "AU"}) codes->Add(kBirthCountryType, v);
  for (const char* v : {"GM", "AU"}) codes->Add(kCountryType, v);
  for (const char* v : {"IL"}) codes->Add(kStateType, v);
  setup.codes = codes;
  return setup;
}

TEST_P(JCreateIssueTest, ReportsIssue) {
  const IssueCase& c = GetParam();
  SCOPED_TRACE(c.rule);
  auto s = CompleteJ1();
  const rules::Setup setup = SetupWithCodes();
  // The near miss: the unchanged person has no issue with these tables.
  auto clean = RunCreate(s, std::nullopt, setup, /*validate_cip=*/false);
  ASSERT_TRUE(clean);
  EXPECT_EQ(clean->alert.issues_size(), 0) << IssueList(clean->alert);
  c.change(s);
  auto d = RunCreate(s, std::nullopt, setup, /*validate_cip=*/false);
  ASSERT_TRUE(d) << "issues never suppress the alert";
  const v1::ValidationIssue* i = FindIssue(d->alert, c.field);
  ASSERT_NE(i, nullptr) << IssueList(d->alert);
  EXPECT_EQ(i->code(), c.code);
}

v1::Ds2019Dependent& AddDependent(v1::SisPersonSnapshot& s) {
  auto* dep = s.mutable_ds2019(0)->add_dependents();
  dep->set_dependent_id("D1");
  dep->set_relationship("02");
  dep->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  dep->mutable_name()->set_last_name("Mueller");
  dep->mutable_name()->set_first_name("Max");
  dep->mutable_bio()->set_birth_date("2020-03-04");
  dep->mutable_bio()->set_gender("M");
  dep->mutable_bio()->set_birth_city("Bremen");
  dep->mutable_bio()->set_birth_country("GM");
  dep->mutable_bio()->set_citizenship_country("GM");
  dep->set_permanent_residence_country("GM");
  return *dep;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JCreateIssueTest,
    ::testing::Values(
        IssueCase{"MissingPosition", "PositionCode: table:EVPositionCodeType (required)",
                  [](auto& s) { s.mutable_ds2019(0)->set_position_code(""); },
                  "ds2019.position_code", "REQUIRED_MISSING"},
        IssueCase{"UnknownPosition", "PositionCode: table:EVPositionCodeType",
                  [](auto& s) { s.mutable_ds2019(0)->set_position_code("999"); },
                  "ds2019.position_code", "UNKNOWN_CODE"},
        IssueCase{"UnknownCategory", "CategoryCode: table:EVCategoryCodeType",
                  [](auto& s) { s.mutable_ds2019(0)->set_program_category("9Z"); },
                  "ds2019.program_category", "UNKNOWN_CODE"},
        IssueCase{"MissingCategory", "CategoryCode (required)",
                  [](auto& s) { s.mutable_ds2019(0)->set_program_category(""); },
                  "ds2019.program_category", "REQUIRED_MISSING"},
        IssueCase{"UnknownOccupation", "OccupationCategoryCode: EVOccupationCategoryCodeType",
                  [](auto& s) { s.mutable_ds2019(0)->set_occupation_category("77"); },
                  "ds2019.occupation_category", "UNKNOWN_CODE"},
        IssueCase{"MissingStartDate", "PrgStartDate: table:DateType (required)",
                  [](auto& s) { s.mutable_ds2019(0)->set_program_start_date(""); },
                  "ds2019.program_start_date", "REQUIRED_MISSING"},
        IssueCase{"EndBeforeStart", "PrgEndDate after PrgStartDate",
                  [](auto& s) { s.mutable_ds2019(0)->set_program_end_date("2026-08-01"); },
                  "ds2019.program_end_date", "PROGRAM_DATES_ORDER"},
        IssueCase{"MissingRemarks", "SubjectField/Remarks: common:RemarksType, minLength 1",
                  [](auto& s) { s.mutable_ds2019(0)->set_subject_field_remarks(""); },
                  "ds2019.subject_field_remarks", "REQUIRED_MISSING"},
        IssueCase{"MissingSubjectField", "SubjectField/SubjectFieldCode (required)",
                  [](auto& s) {
                    s.clear_plans();
                    s.mutable_ds2019(0)->set_subject_field_code("");
                  },
                  "ds2019.subject_field_code", "REQUIRED_MISSING"},
        IssueCase{"BadPlanCip", "SubjectFieldCode: a CIP code NN.NNNN (from the plan)",
                  [](auto& s) { s.mutable_plans(0)->set_cip_code("1107"); },
                  "plans.primary_major", "INVALID_FORMAT"},
        IssueCase{"UnknownGender", "Gender: table:EVGenderCodeType",
                  [](auto& s) { s.mutable_bio()->set_gender("X"); }, "bio.gender",
                  "UNKNOWN_CODE"},
        IssueCase{"MissingBirthDate", "BirthDate (required)",
                  [](auto& s) { s.mutable_bio()->set_birth_date(""); }, "bio.birth_date",
                  "REQUIRED_MISSING"},
        IssueCase{"FutureBirthDate", "BirthDate in the future",
                  [](auto& s) { s.mutable_bio()->set_birth_date("2027-01-01"); },
                  "bio.birth_date", "OUT_OF_RANGE"},
        IssueCase{"MissingBirthCity", "BirthCity: xs:string (required)",
                  [](auto& s) { s.mutable_bio()->set_birth_city(""); }, "bio.birth_city",
                  "REQUIRED_MISSING"},
        IssueCase{"UnknownBirthCountry", "BirthCountryCode: table:BirthCntryCodeType",
                  [](auto& s) { s.mutable_bio()->set_birth_country("ZZ"); },
                  "bio.birth_country", "UNKNOWN_CODE"},
        IssueCase{"UnknownReason", "BirthCountryReason: table:USBornReasonType",
                  [](auto& s) {
                    s.mutable_bio()->set_birth_country("US");
                    s.mutable_ds2019(0)->set_birth_country_reason("09");
                  },
                  "ds2019.birth_country_reason", "UNKNOWN_CODE"},
        IssueCase{"MissingCitizenship", "CitizenshipCountryCode (required; DS-2019, else bio)",
                  [](auto& s) {
                    s.mutable_ds2019(0)->set_citizenship_country("");
                    s.mutable_bio()->set_citizenship_country("");
                  },
                  "bio.citizenship_country", "REQUIRED_MISSING"},
        IssueCase{"UsCitizenship", "CitizenshipCountryCode: CntryCodeWithoutType (no US)",
                  [](auto& s) { s.mutable_ds2019(0)->set_citizenship_country("US"); },
                  "ds2019.citizenship_country", "UNKNOWN_CODE"},
        IssueCase{"MissingPermanentResidence", "PermanentResidenceCountryCode (required)",
                  [](auto& s) { s.mutable_ds2019(0)->set_permanent_residence_country(""); },
                  "ds2019.permanent_residence_country", "REQUIRED_MISSING"},
        IssueCase{"BadPhone", "PhoneNumber: common:PhoneTenDigits",
                  [](auto& s) { s.mutable_bio()->set_preferred_phone("555-0111"); },
                  "bio.preferred_phone", "INVALID_FORMAT"},
        IssueCase{"MissingLegalName", "FullName: common:NameType (names pipeline)",
                  [](auto& s) { s.clear_names(); }, "names.legal.last_name",
                  "NAME_BLANK"},
        IssueCase{"UsAddressLine1", "USAddress/Address1 (minLength 1)",
                  [](auto& s) { s.mutable_addresses(0)->mutable_address()->set_line1(""); },
                  "addresses.us.line1", "REQUIRED_MISSING"},
        IssueCase{"UsAddressPostal", "USAddress/PostalCode: table:USPostalType",
                  [](auto& s) {
                    s.mutable_addresses(0)->mutable_address()->set_postal_code("627");
                  },
                  "addresses.us.postal_code", "INVALID_FORMAT"},
        IssueCase{"UsAddressState", "USAddress/State: table:StateCodeType",
                  [](auto& s) { s.mutable_addresses(0)->mutable_address()->set_state("XX"); },
                  "addresses.us.state", "UNKNOWN_CODE"},
        IssueCase{"MailAddressPostal", "MailAddress/PostalCode: table:USPostalType",
                  [](auto& s) {
                    auto* mail = s.add_addresses();
                    mail->set_address_type("MAIL");
                    mail->mutable_address()->set_line1("PO Box 1");
                    mail->mutable_address()->set_postal_code("ABCDE");
                  },
                  "addresses.mail.postal_code", "INVALID_FORMAT"},
        IssueCase{"NegativeFunds", "FinancialInfo amounts: table:MonetaryType",
                  [](auto& s) {
                    s.mutable_ds2019(0)->mutable_financial()->set_personal_funds(-1);
                  },
                  "ds2019.financial.personal_funds", "OUT_OF_RANGE"},
        IssueCase{"UnknownGovtOrg", "OtherFunds/USGovt/Org1: table:GovAgencyCodeType",
                  [](auto& s) { s.mutable_ds2019(0)->mutable_financial()->set_govt_org1("XYZ"); },
                  "ds2019.financial.govt_org1", "UNKNOWN_CODE"},
        IssueCase{"NoActiveSite", "AddSiteOfActivity: at least one SiteOfActivity",
                  [](auto& s) {
                    s.mutable_ds2019(0)->mutable_sites(0)->set_status(v1::FORM_STATUS_INACTIVE);
                  },
                  "ds2019.sites", "REQUIRED_MISSING"},
        IssueCase{"SiteName", "SiteOfActivity/SiteName (required)",
                  [](auto& s) { s.mutable_ds2019(0)->mutable_sites(0)->set_name(""); },
                  "ds2019.sites[S1].name", "REQUIRED_MISSING"},
        IssueCase{"SitePostal", "SiteOfActivity/PostalCode: table:USPostalType",
                  [](auto& s) {
                    s.mutable_ds2019(0)->mutable_sites(0)->mutable_address()->set_postal_code("");
                  },
                  "ds2019.sites[S1].address.postal_code", "INVALID_FORMAT"},
        IssueCase{"SiteExplanation", "ExplanationCode OO: explanation is required",
                  [](auto& s) { s.mutable_ds2019(0)->mutable_sites(0)->set_explanation_code("OO"); },
                  "ds2019.sites[S1].explanation", "REQUIRED_MISSING"},
        IssueCase{"DependentRelationship", "Dependent/Relationship: table:DependentCodeType",
                  [](auto& s) { AddDependent(s).set_relationship("03"); },
                  "ds2019.dependents[D1].relationship", "UNKNOWN_CODE"},
        IssueCase{"DependentBirthCity", "Dependent/BirthCity (required)",
                  [](auto& s) { AddDependent(s).mutable_bio()->set_birth_city(""); },
                  "ds2019.dependents[D1].bio.birth_city", "REQUIRED_MISSING"},
        IssueCase{"DependentPermanentResidence", "Dependent/PermanentResidenceCountryCode",
                  [](auto& s) { AddDependent(s).set_permanent_residence_country(""); },
                  "ds2019.dependents[D1].permanent_residence_country", "REQUIRED_MISSING"},
        IssueCase{"DependentBornInUs",
                  "Dependent/BirthCountryReason when born in the US or a US territory",
                  [](auto& s) { AddDependent(s).mutable_bio()->set_birth_country("US"); },
                  "ds2019.dependents[D1].birth_country_reason", "REQUIRED_MISSING"},
        IssueCase{"DependentName", "Dependent/FullName (names pipeline)",
                  [](auto& s) { AddDependent(s).clear_name(); },
                  "ds2019.dependents[D1].names.legal.last_name", "NAME_BLANK"},
        IssueCase{"TooManyDependents", "CreateDependent/Dependent maxOccurs 25",
                  [](auto& s) {
                    for (int i = 0; i < 26; ++i) {
                      AddDependent(s).set_dependent_id("D" + std::to_string(i));
                    }
                  },
                  "ds2019.dependents", "OUT_OF_RANGE"}),
    [](const auto& tp) { return std::string(tp.param.id); });

TEST(JCreateTest, DependentInUsWithReasonHasNoIssue) {
  // Near miss of DependentBornInUs: the reason is given.
  auto s = CompleteJ1();
  auto& dep = AddDependent(s);
  dep.mutable_bio()->set_birth_country("US");
  dep.set_birth_country_reason("02");
  auto d = RunCreate(s, std::nullopt, SetupWithCodes(), false);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->alert.issues_size(), 0) << IssueList(d->alert);
  EXPECT_EQ(d->alert.create_exchange_visitor().dependents(0).birth_country_reason(), "02");
}

TEST(JCreateTest, DetectJReportsOnlyTheCreateWithoutMaster) {
  auto d = testing::RunJ(CompleteJ1(), std::nullopt, testing::JRunControl(), rules::Setup{},
                         BaselineToday());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.event_type(), v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
}

}  // namespace
}  // namespace sevisflow::rules
