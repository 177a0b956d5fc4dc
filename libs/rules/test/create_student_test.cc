// Rule book "Create Student" trigger and data, table-driven. Synthetic people only.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/rules/detect.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ValidF1;

const common::Date kToday = *common::Date::Parse("2026-03-01");

MasterLookup NoMaster() {
  return [](const std::string&) -> const v1::MasterRecord* { return nullptr; };
}

std::set<std::string> Codes(const v1::Alert& alert) {
  std::set<std::string> codes;
  for (const auto& i : alert.issues()) codes.insert(i.field() + ":" + i.code());
  return codes;
}

struct TriggerCase {
  const char* name;
  std::function<void(v1::SisPersonSnapshot&)> mutate;
  bool master_row;       // a SEVIS Master row exists for (person, school code)
  bool expect_alert;
  const char* visa_type;  // expected CreateStudentData.visa_type
};

class CreateStudentTriggerTest : public ::testing::TestWithParam<TriggerCase> {};

TEST_P(CreateStudentTriggerTest, Trigger) {
  const TriggerCase& c = GetParam();
  v1::SisPersonSnapshot s = ValidF1();
  c.mutate(s);
  std::string asked_org;
  v1::MasterRecord m;
  MasterLookup lookup = [&](const std::string& org) -> const v1::MasterRecord* {
    asked_org = org;
    if (!c.master_row) return nullptr;
    m.set_org_id(org);
    m.set_person_id("SIS000001");
    return &m;
  };
  auto detections = DetectFm(s, lookup, {}, rules::Setup{}, kToday);
  if (!c.expect_alert) {
    EXPECT_TRUE(detections.empty()) << c.name;
    return;
  }
  ASSERT_EQ(detections.size(), 1u) << c.name;
  const v1::Alert& a = detections[0].alert;
  EXPECT_EQ(asked_org, "ABC214F12345000");
  EXPECT_EQ(a.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
  EXPECT_EQ(a.visa_family(), v1::VISA_FAMILY_FM);
  EXPECT_EQ(a.org_id(), "ABC214F12345000");
  EXPECT_EQ(a.person_id(), "SIS000001");
  EXPECT_EQ(a.create_student().visa_type(), c.visa_type);
  EXPECT_EQ(a.alert_id().size(), 20u);
  EXPECT_EQ(detections[0].emitted_key, "ABC214F12345000|EVENT_TYPE_CREATE_STUDENT|");
}

void Nothing(v1::SisPersonSnapshot&) {}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, CreateStudentTriggerTest,
    ::testing::Values(
        TriggerCase{"PoeF1", Nothing, false, true, "01"},
        TriggerCase{"PoeM1",
                    [](auto& s) { s.mutable_port_of_entry(0)->set_immigration_status("02"); },
                    false, true, "02"},
        TriggerCase{"PoeBlankVisaUsa",
                    [](auto& s) {
                      s.mutable_port_of_entry(0)->set_immigration_status("");
                      auto* v = s.add_visas();
                      v->set_visa_type("02");
                      v->set_country("USA");
                    },
                    false, true, "02"},
        TriggerCase{"NoPoeRowsVisaUsa",
                    [](auto& s) {
                      s.clear_port_of_entry();
                      auto* v = s.add_visas();
                      v->set_visa_type("01");
                      v->set_country("USA");
                    },
                    false, true, "01"},
        TriggerCase{"PoeBlankVisaNonUsa",
                    [](auto& s) {
                      s.mutable_port_of_entry(0)->set_immigration_status("");
                      auto* v = s.add_visas();
                      v->set_visa_type("01");
                      v->set_country("CAN");
                    },
                    false, false, ""},
        TriggerCase{"PoeBlankNoVisa",
                    [](auto& s) { s.mutable_port_of_entry(0)->set_immigration_status(""); },
                    false, false, ""},
        TriggerCase{"J1",
                    [](auto& s) {
                      s.mutable_port_of_entry(0)->set_immigration_status("03");
                      auto* v = s.add_visas();  // a US F-1 visa does not override a J-1 POE
                      v->set_visa_type("01");
                      v->set_country("USA");
                    },
                    false, false, ""},
        TriggerCase{"I20Inactive",
                    [](auto& s) { s.mutable_i20(0)->set_effective_status(v1::FORM_STATUS_INACTIVE); },
                    false, false, ""},
        TriggerCase{"FundingNotVerified",
                    [](auto& s) { s.mutable_i20(0)->set_funding_verified(false); }, false, false,
                    ""},
        TriggerCase{"OlderActiveRowButNewestInactive",
                    [](auto& s) {
                      v1::I20Form newer = s.i20(0);
                      newer.set_effective_date("2026-02-01");
                      newer.set_effective_status(v1::FORM_STATUS_INACTIVE);
                      *s.add_i20() = newer;
                    },
                    false, false, ""},
        TriggerCase{"OlderInactiveRowNewestActive",
                    [](auto& s) {
                      v1::I20Form older = s.i20(0);
                      older.set_effective_date("2025-01-01");
                      older.set_effective_status(v1::FORM_STATUS_INACTIVE);
                      *s.add_i20() = older;
                    },
                    false, true, "01"},
        TriggerCase{"FutureDatedInactiveRowIgnored",
                    [](auto& s) {
                      v1::I20Form later = s.i20(0);
                      later.set_effective_date("2026-09-01");
                      later.set_effective_status(v1::FORM_STATUS_INACTIVE);
                      *s.add_i20() = later;
                    },
                    false, true, "01"},
        TriggerCase{"NoI20", [](auto& s) { s.clear_i20(); }, false, false, ""},
        TriggerCase{"MasterRowExists", Nothing, true, false, ""}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(CreateStudentTest, DeletedMasterRowCountsAsAbsent) {
  v1::MasterRecord m;
  m.set_deleted(true);
  MasterLookup lookup = [&m](const std::string&) { return &m; };
  EXPECT_EQ(DetectFm(ValidF1(), lookup, {}, rules::Setup{}, kToday).size(), 1u);
}

TEST(CreateStudentTest, MasterRowOfAnotherSchoolDoesNotBlock) {
  v1::MasterRecord other;
  MasterLookup lookup = [&other](const std::string& org) -> const v1::MasterRecord* {
    if (org != "XYZ214F99999000") return nullptr;
    return &other;
  };
  EXPECT_EQ(DetectFm(ValidF1(), lookup, {}, rules::Setup{}, kToday).size(), 1u);
}

TEST(CreateStudentTest, FillsDataFromSnapshot) {
  rules::Setup setup;
  setup.preferred_name_type = "PRF";
  v1::SisPersonSnapshot s = ValidF1();
  auto* prf = s.add_names();
  prf->set_name_type("PRF");
  prf->set_first_name("Zo\u00eb");
  prf->set_last_name("Garc\u00eda");
  auto d = DetectFm(s, NoMaster(), {}, setup, kToday);
  ASSERT_EQ(d.size(), 1u);
  const v1::CreateStudentData& c = d[0].alert.create_student();
  EXPECT_EQ(c.last_name(), "Garcia");
  EXPECT_EQ(c.first_name(), "Jose");
  EXPECT_EQ(c.middle_name(), "Luis");
  EXPECT_EQ(c.preferred_name(), "Zo\u00eb Garc\u00eda");
  EXPECT_EQ(c.passport_name(), "");  // no passport name type in setup
  EXPECT_EQ(c.birth_date(), "2003-04-05");
  EXPECT_EQ(c.gender(), "M");
  EXPECT_EQ(c.birth_country(), "PE");
  EXPECT_EQ(c.citizenship_country(), "PE");
  EXPECT_EQ(c.email(), "student1@example.edu");
  EXPECT_EQ(c.issue_reason(), "I");
  EXPECT_EQ(c.us_address().postal_code(), "62701");
  EXPECT_EQ(c.foreign_address().country(), "PE");
  EXPECT_EQ(c.level_of_education(), "04");
  EXPECT_EQ(c.primary_major(), "11.0701");
  EXPECT_EQ(c.secondary_major(), "00.0000");
  EXPECT_EQ(c.minor(), "00.0000");
  EXPECT_EQ(c.program_start_date(), "2026-08-20");
  EXPECT_EQ(c.program_end_date(), "2028-05-15");
  EXPECT_EQ(c.months_in_academic_term(), 9);
  EXPECT_EQ(c.tuition(), 30000);
  EXPECT_EQ(c.personal_funds(), 45000);
  EXPECT_TRUE(d[0].alert.issues().empty());
  EXPECT_EQ(d[0].alert.snapshot_version(), 3);
}

TEST(CreateStudentTest, M1KeepsBlankSecondaryAndMinor) {
  v1::SisPersonSnapshot s = ValidF1();
  s.mutable_port_of_entry(0)->set_immigration_status("02");
  auto d = DetectFm(s, NoMaster(), {}, rules::Setup{}, kToday);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.create_student().secondary_major(), "");
  EXPECT_EQ(d[0].alert.create_student().minor(), "");
}

TEST(CreateStudentTest, DummyFirstNameFromSetup) {
  rules::Setup setup;
  setup.dummy_first_name = "FNU";
  v1::SisPersonSnapshot s = ValidF1();
  s.mutable_names(0)->set_first_name("FNU");
  auto d = DetectFm(s, NoMaster(), {}, setup, kToday);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.create_student().first_name(), "");
  EXPECT_EQ(d[0].alert.create_student().middle_name(), "");
  EXPECT_TRUE(d[0].alert.issues().empty());
}

struct IssueCase {
  const char* name;
  std::function<void(v1::SisPersonSnapshot&)> mutate;
  const char* expected;  // "field:code"
};

class CreateStudentIssueTest : public ::testing::TestWithParam<IssueCase> {};

TEST_P(CreateStudentIssueTest, ReportsIssue) {
  const IssueCase& c = GetParam();
  auto codes = std::make_shared<CodeTables>(CodeTables::FromXsdText(R"(
    <xs:simpleType name="CntryCodeWithoutType"><xs:enumeration value="PE"/></xs:simpleType>
    <xs:simpleType name="BirthCntryCodeType"><xs:enumeration value="PE"/></xs:simpleType>
    <xs:simpleType name="StateCodeType"><xs:enumeration value="IL"/></xs:simpleType>
    <xs:simpleType name="GenderCodeType"><xs:enumeration value="M"/><xs:enumeration value="F"/>
    </xs:simpleType>
    <xs:simpleType name="EduLevelCodeType"><xs:enumeration value="04"/></xs:simpleType>
    <xs:simpleType name="StudentCreationReason"><xs:enumeration value="I"/></xs:simpleType>
    <xs:simpleType name="ProgSubjectCodeType"><xs:enumeration value="11.0701"/></xs:simpleType>
  )"));
  rules::Setup setup;
  setup.codes = codes;
  v1::SisPersonSnapshot s = ValidF1();
  // Baseline: no issues.
  auto base = DetectFm(s, NoMaster(), {}, setup, kToday);
  ASSERT_EQ(base.size(), 1u);
  ASSERT_TRUE(base[0].alert.issues().empty());
  c.mutate(s);
  auto d = DetectFm(s, NoMaster(), {}, setup, kToday);
  ASSERT_EQ(d.size(), 1u) << "validation issues never suppress the alert";
  EXPECT_THAT(Codes(d[0].alert), ::testing::Contains(std::string(c.expected))) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    RuleBook, CreateStudentIssueTest,
    ::testing::Values(
        IssueCase{"MissingBirthDate", [](auto& s) { s.mutable_bio()->clear_birth_date(); },
                  "bio.birth_date:REQUIRED_MISSING"},
        IssueCase{"BadBirthDate", [](auto& s) { s.mutable_bio()->set_birth_date("2003-02-30"); },
                  "bio.birth_date:INVALID_DATE"},
        IssueCase{"FutureBirthDate",
                  [](auto& s) { s.mutable_bio()->set_birth_date("2030-01-01"); },
                  "bio.birth_date:OUT_OF_RANGE"},
        IssueCase{"UnknownCountry",
                  [](auto& s) { s.mutable_bio()->set_citizenship_country("XX"); },
                  "bio.citizenship_country:UNKNOWN_CODE"},
        IssueCase{"MissingBirthCountry", [](auto& s) { s.mutable_bio()->clear_birth_country(); },
                  "bio.birth_country:REQUIRED_MISSING"},
        IssueCase{"UnknownGender", [](auto& s) { s.mutable_bio()->set_gender("Q"); },
                  "bio.gender:UNKNOWN_CODE"},
        IssueCase{"MissingProgramStart", [](auto& s) { s.mutable_i20(0)->clear_from_date(); },
                  "i20.from_date:REQUIRED_MISSING"},
        IssueCase{"EndBeforeStart", [](auto& s) { s.mutable_i20(0)->set_to_date("2026-01-01"); },
                  "i20.to_date:PROGRAM_DATES_ORDER"},
        IssueCase{"UnknownEduLevel",
                  [](auto& s) { s.mutable_i20(0)->set_level_of_education("99"); },
                  "i20.level_of_education:UNKNOWN_CODE"},
        IssueCase{"IssueReasonNotACreationReason",
                  [](auto& s) { s.mutable_i20(0)->set_issue_reason("N"); },
                  "i20.issue_reason:UNKNOWN_CODE"},
        IssueCase{"MonthsOutOfRange",
                  [](auto& s) { s.mutable_i20(0)->set_months_in_academic_term(0); },
                  "i20.months_in_academic_term:OUT_OF_RANGE"},
        IssueCase{"NegativeTuition", [](auto& s) { s.mutable_i20(0)->set_tuition(-1); },
                  "i20.tuition:OUT_OF_RANGE"},
        IssueCase{"NoForeignAddress", [](auto& s) { s.mutable_addresses()->RemoveLast(); },
                  "addresses.foreign:REQUIRED_MISSING"},
        IssueCase{"BadZip",
                  [](auto& s) {
                    s.mutable_addresses(0)->mutable_address()->set_postal_code("6270");
                  },
                  "addresses.us.postal_code:INVALID_FORMAT"},
        IssueCase{"UnknownState",
                  [](auto& s) { s.mutable_addresses(0)->mutable_address()->set_state("ZZ"); },
                  "addresses.us.state:UNKNOWN_CODE"},
        IssueCase{"NoMajor", [](auto& s) { s.clear_plans(); },
                  "plans.primary_major:REQUIRED_MISSING"},
        IssueCase{"BadCip", [](auto& s) { s.mutable_plans(0)->set_cip_code("11.07"); },
                  "plans.primary_major:INVALID_FORMAT"},
        IssueCase{"UnknownCip", [](auto& s) { s.mutable_plans(0)->set_cip_code("99.9999"); },
                  "plans.primary_major:UNKNOWN_CODE"},
        IssueCase{"PlaceholderLastName", [](auto& s) { s.mutable_names(0)->set_last_name("LNU"); },
                  "names.legal.last_name:NAME_PLACEHOLDER_VALUE"},
        IssueCase{"NoLegalName", [](auto& s) { s.mutable_names(0)->set_name_type("PRF"); },
                  "names.legal.last_name:NAME_BLANK"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(AlertIdTest, DeterministicAndSensitiveToEveryPart) {
  auto first = DetectFm(ValidF1(), NoMaster(), {}, rules::Setup{}, kToday);
  auto second = DetectFm(ValidF1(), NoMaster(), {}, rules::Setup{}, kToday);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].alert.alert_id(), second[0].alert.alert_id());
  for (char c : first[0].alert.alert_id()) EXPECT_TRUE(std::isxdigit(c) && !std::isupper(c));

  // A different version of the same data does not change the id (same event, same data).
  v1::SisPersonSnapshot bumped = ValidF1();
  bumped.set_version(99);
  EXPECT_EQ(DetectFm(bumped, NoMaster(), {}, rules::Setup{}, kToday)[0].alert.alert_id(),
            first[0].alert.alert_id());
  // Changed data -> new id.
  v1::SisPersonSnapshot changed = ValidF1();
  changed.mutable_i20(0)->set_tuition(30001);
  EXPECT_NE(DetectFm(changed, NoMaster(), {}, rules::Setup{}, kToday)[0].alert.alert_id(),
            first[0].alert.alert_id());
  // Another person -> new id.
  EXPECT_NE(DetectFm(ValidF1("SIS000002"), NoMaster(), {}, rules::Setup{}, kToday)[0].alert.alert_id(),
            first[0].alert.alert_id());

  v1::CreateStudentData data;
  const std::string base = AlertId("ORG", "P1", v1::EVENT_TYPE_CREATE_STUDENT, "", data);
  EXPECT_NE(AlertId("ORGP", "1", v1::EVENT_TYPE_CREATE_STUDENT, "", data), base);
  EXPECT_NE(AlertId("ORG", "P1", v1::EVENT_TYPE_CREATE_STUDENT, "x", data), base);
  EXPECT_EQ(AlertId("ORG", "P1", v1::EVENT_TYPE_CREATE_STUDENT, "", data), base);
}

TEST(AlertIdTest, KnownValue) {
  // Pins the hash input layout: changing it would re-emit every alert after an upgrade.
  v1::CreateStudentData data;
  data.set_visa_type("01");
  // = sha256("15:ABC214F12345000" "9:SIS000001" "26:EVENT_TYPE_CREATE_STUDENT" "0:"
  //           "4:\x0a\x02" "01")[:20], computed independently.
  EXPECT_EQ(AlertId("ABC214F12345000", "SIS000001", v1::EVENT_TYPE_CREATE_STUDENT, "", data),
            "07e9b14abffa5fda8897");
}

}  // namespace
}  // namespace sevisflow::rules
