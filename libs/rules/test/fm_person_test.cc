// Rule book "Personal Info", "Dependent - Add", "Dependent - Cancel", "Dependent - Edit",
// "Dependent - Reactivate", "Dependent - Terminate" and "Financial Info" (F/M), table-driven.
// Every case starts from the quiet baseline (RegisteredF1 + ActiveMaster + FallRunControl on
// BaselineToday, plus one dependent D1 on both sides) and changes one thing. Synthetic people.
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/names/names.h"
#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ActiveMaster;
using testing::BaselineToday;
using testing::FallRunControl;
using testing::OfType;
using testing::RegisteredF1;

// What a case changes: the SIS snapshot, the SEVIS Master row and SEVIS Setup.
struct World {
  v1::SisPersonSnapshot s;
  v1::MasterRecord m;
  rules::Setup setup;
};
using Mutator = std::function<void(World&)>;

// Dependent D1 (a spouse) on the current I-20 and in the SEVIS Master, equal once converted.
void AddDependentD1(World& w) {
  auto* d = w.s.mutable_i20(0)->add_dependents();
  d->set_dependent_id("D1");
  d->set_relationship("01");
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d->mutable_name()->set_name_type("PRI");
  d->mutable_name()->set_last_name("P\u00e9rez");
  d->mutable_name()->set_first_name("Mar\u00eda");
  d->mutable_name()->set_middle_name("In\u00e9s");
  d->mutable_bio()->set_birth_date("2004-02-03");
  d->mutable_bio()->set_gender("F");
  d->mutable_bio()->set_birth_city("Cusco");
  d->mutable_bio()->set_birth_country("PE");
  d->mutable_bio()->set_citizenship_country("PE");
  d->mutable_bio()->set_preferred_email("spouse1@example.com");
  auto* md = w.m.add_dependents();
  md->set_dependent_id("D1");
  md->set_dependent_sevis_id("N0007654321");
  md->set_relationship("01");
  md->set_relationship_status("ACTIVE");
  md->set_last_name("Perez");
  md->set_first_name("Maria");
  md->set_middle_name("Ines");
  md->set_birth_date("2004-02-03");
  md->set_gender("F");
  md->set_birth_country("PE");
  md->set_citizenship_country("PE");
  md->set_email("spouse1@example.com");
}

// A new child D2 on the I-20 only (Dependent - Add).
v1::I20Dependent& AddDependentD2(World& w) {
  auto* d = w.s.mutable_i20(0)->add_dependents();
  d->set_dependent_id("D2");
  d->set_relationship("02");
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d->mutable_name()->set_name_type("PRI");
  d->mutable_name()->set_last_name("Garc\u00eda");
  d->mutable_name()->set_first_name("Luc\u00eda");
  d->mutable_bio()->set_birth_date("2020-05-06");
  d->mutable_bio()->set_gender("F");
  d->mutable_bio()->set_birth_city("Springfield");
  d->mutable_bio()->set_birth_country("US");
  d->mutable_bio()->set_citizenship_country("US");
  d->set_remarks("born in the US");
  return *d;
}

World Baseline() {
  World w{RegisteredF1(), ActiveMaster(), rules::Setup{}};
  AddDependentD1(w);
  return w;
}

std::vector<Detection> Detect(const World& w) {
  return testing::RunFm(w.s, w.m, FallRunControl(), w.setup, BaselineToday());
}

// The single detection of `type` after `mutate`; fails the test when there is not exactly one.
std::vector<Detection> DetectAfter(const Mutator& mutate, v1::EventType type) {
  World w = Baseline();
  mutate(w);
  return OfType(Detect(w), type);
}

v1::I20Dependent& D1(World& w) { return *w.s.mutable_i20(0)->mutable_dependents(0); }
v1::MasterDependent& MasterD1(World& w) { return *w.m.mutable_dependents(0); }

struct FieldChangeRow {
  std::string field, sevis, sis;
  bool operator==(const FieldChangeRow&) const = default;
};
void PrintTo(const FieldChangeRow& c, std::ostream* os) {
  *os << c.field << ": '" << c.sevis << "' -> '" << c.sis << "'";
}
using Changes = std::vector<FieldChangeRow>;

Changes ChangesOf(const v1::Alert& a) {
  Changes out;
  for (const auto& c : a.changes()) out.push_back({c.field(), c.sevis_value(), c.sis_value()});
  return out;
}

std::set<std::string> IssuesOf(const v1::Alert& a) {
  std::set<std::string> out;
  for (const auto& i : a.issues()) out.insert(i.field() + ":" + i.code());
  return out;
}

// The SEVISTable codes the dependent events check, as far as the tests need them.
std::shared_ptr<const CodeTables> TestCodes() {
  auto t = std::make_shared<CodeTables>();
  for (const char* v : {"01", "02"}) t->Add("DependentCancelReasonType", v);
  for (const char* v : {"02", "03", "04", "05", "06", "09", "10"}) {
    t->Add("DependentTerminationReasonType", v);
  }
  for (const char* v : {"01", "02"}) t->Add("DependentCodeType", v);
  for (const char* v : {"M", "F", "U"}) t->Add(kGenderType, v);
  for (const char* v : {"PE", "US"}) {
    t->Add(kCountryType, v);
    t->Add(kBirthCountryType, v);
  }
  return t;
}

// One row of an event table: the rule-book sentence it checks, the one change from the
// baseline, and what must come out.
struct EventCase {
  const char* name;
  const char* rule;
  Mutator mutate;
  bool fires;
  Changes changes = {};  // the FieldChange list (empty for events that carry none)
};

void CheckCase(const EventCase& c, v1::EventType type, const char* subject) {
  auto found = DetectAfter(c.mutate, type);
  if (!c.fires) {
    EXPECT_TRUE(found.empty()) << "must not fire: " << c.rule;
    return;
  }
  ASSERT_EQ(found.size(), 1u) << c.rule;
  const v1::Alert& a = found[0].alert;
  EXPECT_EQ(a.subject(), subject) << c.rule;
  EXPECT_EQ(a.sevis_id(), "N0001234567");
  EXPECT_EQ(ChangesOf(a), c.changes) << c.rule;
}

std::string CaseName(const ::testing::TestParamInfo<EventCase>& info) { return info.param.name; }

void Nothing(World&) {}

// ---------------------------------------------------------------------------------------------

TEST(FmPersonBaseline, DependentOnBothSidesGivesNoEvent) {
  // The accented SIS names of D1 equal the converted master names: nothing to report.
  auto d = Detect(Baseline());
  for (const auto& x : d) {
    ADD_FAILURE() << "unexpected " << v1::EventType_Name(x.alert.event_type()) << " subject '"
                  << x.alert.subject() << "'";
  }
}

// ---------------------------------------------------------------------------------------------
// Personal Info

constexpr char kPiDiff[] =
    "Personal Info: A difference exists between any of the following field values on the SEVIS "
    "Master component and the same field values on their originating records";
constexpr char kPiConversion[] =
    "Character conversion is applied to the name record fields and SEVIS Master name values "
    "prior to the comparison.";
constexpr char kPiNameTypes[] =
    "The comparison for Preferred Name and Passport Name is done only if a name type is defined "
    "in SEVIS Setup.";
constexpr char kPiDummy[] =
    "If the First Name value in the name record matches the Dummy First Name value defined in "
    "setup, then the First Name and Middle Name are both considered blank";
constexpr char kPiPoe[] =
    "On the Visa Permit Data/Port of Entry page, the Port of Entry Admission Number.";
constexpr char kPiUs[] =
    "That address type is used to compare the U.S. address in the SEVIS master component to the "
    "Address Type on the Addresses page";
constexpr char kPiForeign[] =
    "That address type is used to compare the foreign address in the SEVIS master component to "
    "the Address Type on the Addresses page";

v1::Address& SisAddress(World& w, int i) { return *w.s.mutable_addresses(i)->mutable_address(); }

class PersonalInfo : public ::testing::TestWithParam<EventCase> {};
TEST_P(PersonalInfo, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_PERSONAL_INFO, ""); }

INSTANTIATE_TEST_SUITE_P(
    FmPerson, PersonalInfo,
    ::testing::Values(
        EventCase{"Baseline", kPiDiff, Nothing, false},
        EventCase{"LastName", kPiDiff,
                  [](World& w) { w.s.mutable_names(0)->set_last_name("G\u00f3mez"); }, true,
                  {{"last_name", "Garcia", "Gomez"}}},
        EventCase{"FirstName", kPiDiff,
                  [](World& w) { w.s.mutable_names(0)->set_first_name("Pepe"); }, true,
                  {{"first_name", "Jose", "Pepe"}}},
        EventCase{"MiddleName", kPiDiff,
                  [](World& w) { w.s.mutable_names(0)->clear_middle_name(); }, true,
                  {{"middle_name", "Luis", ""}}},
        EventCase{"Suffix", kPiDiff, [](World& w) { w.s.mutable_names(0)->set_suffix("Jr."); },
                  true, {{"suffix", "", "Jr."}}},
        EventCase{"CaseOfNameIsAChange", kPiDiff,
                  [](World& w) { w.s.mutable_names(0)->set_last_name("GARC\u00cdA"); }, true,
                  {{"last_name", "Garcia", "GARCIA"}}},
        EventCase{"NearMissMasterValueConvertedToo", kPiConversion,
                  [](World& w) {
                    w.m.set_first_name("Jos\u00e9");
                    w.s.mutable_names(0)->set_first_name("Jose");
                  },
                  false},
        EventCase{"NearMissDecomposedAccent", kPiConversion,
                  [](World& w) { w.s.mutable_names(0)->set_first_name("Jose\u0301"); }, false},
        EventCase{"NearMissTruncatedTo30", kPiConversion,
                  [](World& w) {
                    w.s.mutable_names(0)->set_last_name("Abcdefghijklmnopqrstuvwxyz\u00e1bcdefg");
                    w.m.set_last_name("Abcdefghijklmnopqrstuvwxyzabcd");
                  },
                  false},
        EventCase{"PreferredNameWithSetupType", kPiNameTypes,
                  [](World& w) {
                    w.setup.preferred_name_type = "PRF";
                    auto* n = w.s.add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Pepe");
                    n->set_last_name("Garc\u00eda");
                  },
                  true, {{"preferred_name", "", "Pepe Garc\u00eda"}}},
        EventCase{"NearMissPreferredNameWithoutSetupType", kPiNameTypes,
                  [](World& w) {
                    w.m.set_preferred_name("Pepito");
                    auto* n = w.s.add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Pepe");
                  },
                  false},
        EventCase{"NearMissPreferredNameEqualAfterConversion", kPiConversion,
                  [](World& w) {
                    w.setup.preferred_name_type = "PRF";
                    w.m.set_preferred_name("Pepe Garc\u00eda");
                    auto* n = w.s.add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Pepe");
                    n->set_last_name("Garci\u0301a");  // decomposed: NFC makes it the same
                  },
                  false},
        EventCase{"PassportNameWithSetupType", kPiNameTypes,
                  [](World& w) {
                    w.setup.passport_name_type = "PSP";
                    auto* n = w.s.add_names();
                    n->set_name_type("PSP");
                    n->set_first_name("Jos\u00e9");
                    n->set_middle_name("Luis");
                    n->set_last_name("Garc\u00eda Le\u00f3n");
                    w.m.set_passport_name("Jose Luis Garcia");
                  },
                  true, {{"passport_name", "Jose Luis Garcia", "Jose Luis Garcia Leon"}}},
        EventCase{"NearMissPassportNameEqualAfterConversion", kPiConversion,
                  [](World& w) {
                    w.setup.passport_name_type = "PSP";
                    auto* n = w.s.add_names();
                    n->set_name_type("PSP");
                    n->set_first_name("Jos\u00e9");
                    n->set_middle_name("Luis");
                    n->set_last_name("Garc\u00eda");
                    w.m.set_passport_name("Jose Luis Garcia");
                  },
                  false},
        EventCase{"NearMissPassportNameWithoutSetupType", kPiNameTypes,
                  [](World& w) { w.m.set_passport_name("Jose Luis Garcia"); }, false},
        EventCase{"PassportRecordMissingComparesBlank", kPiNameTypes,
                  [](World& w) {
                    w.setup.passport_name_type = "PSP";
                    w.m.set_passport_name("Jose Luis Garcia");
                  },
                  true, {{"passport_name", "Jose Luis Garcia", ""}}},
        EventCase{"NearMissDummyFirstName", kPiDummy,
                  [](World& w) {
                    w.setup.dummy_first_name = "FNU";
                    w.s.mutable_names(0)->set_first_name("fnu");
                    w.m.clear_first_name();
                    w.m.clear_middle_name();
                  },
                  false},
        EventCase{"DummyFirstNameBlanksFirstAndMiddle", kPiDummy,
                  [](World& w) {
                    w.setup.dummy_first_name = "FNU";
                    w.s.mutable_names(0)->set_first_name("FNU");
                  },
                  true, {{"first_name", "Jose", ""}, {"middle_name", "Luis", ""}}},
        EventCase{"BirthDate", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_birth_date("2003-04-06"); }, true,
                  {{"birth_date", "2003-04-05", "2003-04-06"}}},
        EventCase{"Gender", kPiDiff, [](World& w) { w.s.mutable_bio()->set_gender("F"); }, true,
                  {{"gender", "M", "F"}}},
        EventCase{"BirthCountry", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_birth_country("CO"); }, true,
                  {{"birth_country", "PE", "CO"}}},
        EventCase{"CitizenshipStatus", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_citizenship_status("03"); }, true,
                  {{"citizenship_status", "", "03"}}},
        EventCase{"CitizenshipCountry", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_citizenship_country("CO"); }, true,
                  {{"citizenship_country", "PE", "CO"}}},
        EventCase{"PreferredPhone", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_preferred_phone("2175550100"); }, true,
                  {{"phone", "", "2175550100"}}},
        EventCase{"PreferredEmail", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_preferred_email("jg@example.edu"); },
                  true, {{"email", "student1@example.edu", "jg@example.edu"}}},
        EventCase{"NearMissEmailCase", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_preferred_email("Student1@Example.EDU"); },
                  false},
        EventCase{"NearMissBirthCityNotCompared", kPiDiff,
                  [](World& w) { w.s.mutable_bio()->set_birth_city("Arequipa"); }, false},
        EventCase{"AdmissionNumber", kPiPoe,
                  [](World& w) {
                    w.s.mutable_port_of_entry(0)->set_admission_number("12345678901");
                  },
                  true, {{"admission_number", "", "12345678901"}}},
        EventCase{"AdmissionNumberOfNewestPoeRow", kPiPoe,
                  [](World& w) {
                    w.s.mutable_port_of_entry(0)->set_entry_date("2025-08-01");
                    w.s.mutable_port_of_entry(0)->set_admission_number("11111111111");
                    auto* p = w.s.add_port_of_entry();
                    p->set_immigration_status("01");
                    p->set_entry_date("2026-08-15");
                    p->set_admission_number("22222222222");
                    w.m.set_admission_number("11111111111");
                  },
                  true, {{"admission_number", "11111111111", "22222222222"}}},
        EventCase{"NearMissOlderPoeRowIgnored", kPiPoe,
                  [](World& w) {
                    w.s.mutable_port_of_entry(0)->set_entry_date("2026-08-15");
                    auto* p = w.s.add_port_of_entry();
                    p->set_immigration_status("01");
                    p->set_entry_date("2024-01-01");
                    p->set_admission_number("99999999999");
                  },
                  false},
        EventCase{"Commuter", "On the I-20 form, the Commuter check box.",
                  [](World& w) { w.s.mutable_i20(0)->set_commuter(true); }, true,
                  {{"commuter", "N", "Y"}}},
        EventCase{"UsAddress1", kPiUs,
                  [](World& w) { SisAddress(w, 0).set_line1("14 College Ave"); }, true,
                  {{"us_address.line1", "12 College Ave", "14 College Ave"}}},
        EventCase{"UsAddress2", kPiUs, [](World& w) { SisAddress(w, 0).set_line2("Apt 3"); },
                  true, {{"us_address.line2", "", "Apt 3"}}},
        EventCase{"UsCity", kPiUs, [](World& w) { SisAddress(w, 0).set_city("Urbana"); }, true,
                  {{"us_address.city", "Springfield", "Urbana"}}},
        EventCase{"UsState", kPiUs, [](World& w) { SisAddress(w, 0).set_state("MO"); }, true,
                  {{"us_address.state", "IL", "MO"}}},
        EventCase{"UsPostal", kPiUs, [](World& w) { SisAddress(w, 0).set_postal_code("62702"); },
                  true, {{"us_address.postal_code", "62701", "62702"}}},
        EventCase{"NearMissSurroundingSpaces", kPiUs,
                  [](World& w) { SisAddress(w, 0).set_city(" Springfield "); }, false},
        EventCase{"UsAddressRemoved", kPiUs,
                  [](World& w) { w.s.mutable_addresses(0)->set_address_type("OLD"); }, true,
                  {{"us_address.line1", "12 College Ave", ""},
                   {"us_address.city", "Springfield", ""},
                   {"us_address.state", "IL", ""},
                   {"us_address.postal_code", "62701", ""}}},
        EventCase{"NearMissAddressOfAnotherType", kPiUs,
                  [](World& w) {
                    auto* a = w.s.add_addresses();
                    a->set_address_type("MAIL");
                    a->mutable_address()->set_line1("PO Box 1");
                  },
                  false},
        EventCase{"UsAddressTypeFromSetup",
                  "The address type for the U.S. address is based on SEVIS Setup Address Mapping "
                  "page.",
                  [](World& w) {
                    w.setup.us_address_type = "MAIL";
                    auto* a = w.s.add_addresses();
                    a->set_address_type("MAIL");
                    *a->mutable_address() = w.s.addresses(0).address();
                    a->mutable_address()->set_line1("PO Box 1");
                  },
                  true, {{"us_address.line1", "12 College Ave", "PO Box 1"}}},
        EventCase{"UsAddressExplanation",
                  "The U.S. address Explanation Code and Text in the SEVIS Master component are "
                  "compared to the values on the I-20 form.",
                  [](World& w) {
                    w.s.mutable_i20(0)->set_us_address_explanation_code("OO");
                    w.s.mutable_i20(0)->set_us_address_explanation("Lives with family");
                  },
                  true,
                  {{"us_address_explanation_code", "", "OO"},
                   {"us_address_explanation", "", "Lives with family"}}},
        EventCase{"ForeignAddress1", kPiForeign,
                  [](World& w) { SisAddress(w, 1).set_line1("Jr. Union 100"); }, true,
                  {{"foreign_address.line1", "Av. Siempre Viva 742", "Jr. Union 100"}}},
        EventCase{"ForeignAddress2", kPiForeign,
                  [](World& w) { SisAddress(w, 1).set_line2("Dpto 5"); }, true,
                  {{"foreign_address.line2", "", "Dpto 5"}}},
        EventCase{"ForeignCity", kPiForeign, [](World& w) { SisAddress(w, 1).set_city("Cusco"); },
                  true, {{"foreign_address.city", "Lima", "Cusco"}}},
        EventCase{"ForeignProvince", kPiForeign,
                  [](World& w) { SisAddress(w, 1).set_province("Lima"); }, true,
                  {{"foreign_address.province", "", "Lima"}}},
        EventCase{"NearMissForeignStateInStateField", kPiForeign,
                  [](World& w) {
                    SisAddress(w, 1).set_state("Lima");
                    w.m.mutable_foreign_address()->set_province("Lima");
                  },
                  false},
        EventCase{"ForeignPostal", kPiForeign,
                  [](World& w) { SisAddress(w, 1).set_postal_code("15001"); }, true,
                  {{"foreign_address.postal_code", "", "15001"}}},
        EventCase{"ForeignCountry", kPiForeign,
                  [](World& w) { SisAddress(w, 1).set_country("CO"); }, true,
                  {{"foreign_address.country", "PE", "CO"}}},
        EventCase{"InitialStudent", "Personal Info: The student has a SEVIS Status of Initial or "
                  "Active.",
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    w.s.mutable_bio()->set_gender("F");
                  },
                  true, {{"gender", "M", "F"}}},
        EventCase{"SeveralFieldsInRuleBookOrder", kPiDiff,
                  [](World& w) {
                    SisAddress(w, 1).set_country("CO");
                    w.s.mutable_bio()->set_gender("F");
                    w.s.mutable_names(0)->set_last_name("Leon");
                  },
                  true,
                  {{"last_name", "Garcia", "Leon"},
                   {"gender", "M", "F"},
                   {"foreign_address.country", "PE", "CO"}}}),
    CaseName);

TEST(PersonalInfoData, CarriesAllCurrentValuesAsReported) {
  World w = Baseline();
  w.setup.preferred_name_type = "PRF";
  w.m.set_preferred_name("Pepe Garc\u00eda");
  auto* prf = w.s.add_names();
  prf->set_name_type("PRF");
  prf->set_first_name("Pepe");
  prf->set_last_name("Garc\u00eda");
  w.s.mutable_bio()->set_gender("F");
  w.s.mutable_bio()->set_preferred_phone("2175550100");
  w.s.mutable_port_of_entry(0)->set_admission_number("12345678901");
  w.s.mutable_i20(0)->set_commuter(true);
  w.m.set_phone("2175550100");
  w.m.set_admission_number("12345678901");
  w.m.set_commuter(true);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_PERSONAL_INFO);
  ASSERT_EQ(d.size(), 1u);
  const v1::Alert& a = d[0].alert;
  EXPECT_EQ(ChangesOf(a), (Changes{{"gender", "M", "F"}}));
  const v1::PersonalInfoData& p = a.personal_info();
  EXPECT_EQ(p.last_name(), "Garcia");  // converted SIS values
  EXPECT_EQ(p.first_name(), "Jose");
  EXPECT_EQ(p.middle_name(), "Luis");
  EXPECT_EQ(p.preferred_name(), "Pepe Garc\u00eda");
  EXPECT_EQ(p.passport_name(), "");
  EXPECT_EQ(p.birth_date(), "2003-04-05");
  EXPECT_EQ(p.gender(), "F");
  EXPECT_EQ(p.birth_city(), "Lima");
  EXPECT_EQ(p.birth_country(), "PE");
  EXPECT_EQ(p.citizenship_country(), "PE");
  EXPECT_EQ(p.phone(), "2175550100");
  EXPECT_EQ(p.email(), "student1@example.edu");
  EXPECT_EQ(p.admission_number(), "12345678901");
  EXPECT_TRUE(p.commuter());
  EXPECT_EQ(p.us_address().line1(), "12 College Ave");
  EXPECT_EQ(p.us_address().postal_code(), "62701");
  EXPECT_EQ(p.foreign_address().line1(), "Av. Siempre Viva 742");
  EXPECT_EQ(p.foreign_address().country(), "PE");
  EXPECT_TRUE(a.issues().empty()) << a.DebugString();
  EXPECT_EQ(a.org_id(), "ABC214F12345000");
  EXPECT_EQ(d[0].emitted_key, "ABC214F12345000|EVENT_TYPE_PERSONAL_INFO|");
}

std::string Utf8(char32_t cp) {
  if (cp < 0x800) {
    return {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
  }
  return {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
          static_cast<char>(0x80 | (cp & 0x3F))};
}

// "Character conversion is applied to the name record fields and SEVIS Master name values prior
// to the comparison", for every letter of Latin-1 Supplement to Latin Extended-B and of Latin
// Extended Additional, inside, at the start and at the end of a word: a master holding the
// reference conversion (names::ConvertFullName / ConvertPreferredName) of the SIS value is not
// a change, and a change reports that conversion. Guards the ICU-free path of the comparison.
TEST(PersonalInfoConversion, EveryLatinLetterComparesAsConverted) {
  for (auto [first, last] : {std::pair<char32_t, char32_t>{0xC0, 0x24F}, {0x1E00, 0x1EFF}}) {
    for (char32_t cp = first; cp <= last; ++cp) {
      const std::string letter = Utf8(cp);
      const std::string last_name = "Ab" + letter + "c " + letter + "x" + letter;
      const std::string preferred = "Zo" + letter + " " + letter + "X" + letter;
      World w = Baseline();
      w.setup.preferred_name_type = "PRF";
      w.s.mutable_names(0)->set_last_name(last_name);
      w.m.set_last_name(names::ConvertFullName(last_name));
      auto* prf = w.s.add_names();
      prf->set_name_type("PRF");
      prf->set_first_name(preferred);
      w.m.set_preferred_name(names::ConvertPreferredName(preferred));
      auto found = OfType(Detect(w), v1::EVENT_TYPE_PERSONAL_INFO);
      EXPECT_TRUE(found.empty()) << "U+" << std::hex << static_cast<uint32_t>(cp) << " changes "
                                 << (found.empty() ? "" : found[0].alert.DebugString());
      w.m.set_last_name("Other");
      w.m.set_preferred_name("Other");
      found = OfType(Detect(w), v1::EVENT_TYPE_PERSONAL_INFO);
      ASSERT_EQ(found.size(), 1u);
      EXPECT_EQ(ChangesOf(found[0].alert),
                (Changes{{"last_name", "Other", names::ConvertFullName(last_name)},
                         {"preferred_name", "Other", names::ConvertPreferredName(preferred)}}))
          << "U+" << std::hex << static_cast<uint32_t>(cp);
    }
  }
}

// Malformed UTF-8 (cut short, bad continuation, overlong) is left to ICU on both sides, as the
// reference conversion treats it.
TEST(PersonalInfoConversion, MalformedUtf8ComparesAsConverted) {
  for (const std::string& raw : {std::string("Garc\xC3"), std::string("Garc\xC3(a"),
                                 std::string("Garc\xE0\x83\xAD" "a"),
                                 std::string("Garc\xC1\xA9" "a")}) {
    World w = Baseline();
    w.s.mutable_names(0)->set_last_name(raw);
    w.m.set_last_name(names::ConvertFullName(raw));
    EXPECT_TRUE(OfType(Detect(w), v1::EVENT_TYPE_PERSONAL_INFO).empty()) << w.m.last_name();
  }
}

struct IssueCase {
  const char* name;
  Mutator mutate;
  const char* expected;  // "field:code"
};

class PersonalInfoIssues : public ::testing::TestWithParam<IssueCase> {};

TEST_P(PersonalInfoIssues, CarriedWithoutSuppressingTheAlert) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  w.s.mutable_bio()->set_preferred_phone("2175550100");  // the change that makes it fire
  GetParam().mutate(w);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_PERSONAL_INFO);
  ASSERT_EQ(d.size(), 1u) << "validation issues never suppress the alert";
  EXPECT_THAT(IssuesOf(d[0].alert), ::testing::Contains(std::string(GetParam().expected)));
}

INSTANTIATE_TEST_SUITE_P(
    FmPerson, PersonalInfoIssues,
    ::testing::Values(
        IssueCase{"PlaceholderLastName",
                  [](World& w) { w.s.mutable_names(0)->set_last_name("LNU"); },
                  "names.legal.last_name:NAME_PLACEHOLDER_VALUE"},
        IssueCase{"MissingBirthDate", [](World& w) { w.s.mutable_bio()->clear_birth_date(); },
                  "bio.birth_date:REQUIRED_MISSING"},
        IssueCase{"UnknownGender", [](World& w) { w.s.mutable_bio()->set_gender("Q"); },
                  "bio.gender:UNKNOWN_CODE"},
        IssueCase{"BadZip", [](World& w) { SisAddress(w, 0).set_postal_code("627"); },
                  "addresses.us.postal_code:INVALID_FORMAT"},
        IssueCase{"ExplanationOoWithoutText",
                  [](World& w) { w.s.mutable_i20(0)->set_us_address_explanation_code("OO"); },
                  "i20.us_address_explanation:REQUIRED_MISSING"},
        IssueCase{"UnknownExplanationCode",
                  [](World& w) { w.s.mutable_i20(0)->set_us_address_explanation_code("XX"); },
                  "i20.us_address_explanation_code:UNKNOWN_CODE"},
        IssueCase{"NoForeignAddress", [](World& w) { w.s.mutable_addresses()->RemoveLast(); },
                  "addresses.foreign:REQUIRED_MISSING"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// ---------------------------------------------------------------------------------------------
// Dependent - Add

constexpr char kAdd[] =
    "Dependent - Add: A dependent ID exists on the most recent effective-dated I-20 form where "
    "the Relationship Status value is Active. AND The dependent ID does not exist in the SEVIS "
    "Master component.";

class DependentAdd : public ::testing::TestWithParam<EventCase> {};
TEST_P(DependentAdd, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_DEPENDENT_ADD, "D2"); }

INSTANTIATE_TEST_SUITE_P(
    FmPerson, DependentAdd,
    ::testing::Values(
        EventCase{"NewActiveDependent", kAdd, [](World& w) { AddDependentD2(w); }, true},
        EventCase{"InitialStudent",
                  "Dependent - Add: The student has a SEVIS Status of Initial or Active.",
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    AddDependentD2(w);
                  },
                  true},
        EventCase{"NearMissCancelledOnI20", kAdd,
                  [](World& w) {
                    AddDependentD2(w).set_relationship_status(v1::RELATIONSHIP_STATUS_CANCELLED);
                  },
                  false},
        EventCase{"NearMissTerminatedOnI20", kAdd,
                  [](World& w) {
                    AddDependentD2(w).set_relationship_status(v1::RELATIONSHIP_STATUS_TERMINATED);
                  },
                  false},
        EventCase{"NearMissAlreadyInMaster", kAdd,
                  [](World& w) {
                    AddDependentD2(w);
                    auto* md = w.m.add_dependents();
                    md->set_dependent_id("D2");
                    md->set_relationship_status("CANCELLED");
                  },
                  false},
        EventCase{"NearMissIdWithSpacesMatchesMaster", kAdd,
                  [](World& w) {
                    AddDependentD2(w).set_dependent_id(" D1 ");
                    w.s.mutable_i20(0)->mutable_dependents()->SwapElements(0, 1);
                  },
                  false}),
    CaseName);

TEST(DependentAddData, CarriesTheNewDependent) {
  World w = Baseline();
  AddDependentD2(w);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_ADD);
  ASSERT_EQ(d.size(), 1u);
  const v1::Alert& a = d[0].alert;
  EXPECT_EQ(a.subject(), "D2");
  EXPECT_EQ(d[0].emitted_key, "ABC214F12345000|EVENT_TYPE_DEPENDENT_ADD|D2");
  const v1::DependentData& dep = a.dependent();
  EXPECT_EQ(dep.dependent_id(), "D2");
  EXPECT_EQ(dep.dependent_sevis_id(), "");
  EXPECT_EQ(dep.relationship(), "02");
  EXPECT_EQ(dep.visa_type(), "04");  // DependentFMVisaType F-2
  EXPECT_EQ(dep.last_name(), "Garcia");
  EXPECT_EQ(dep.first_name(), "Lucia");
  EXPECT_EQ(dep.birth_date(), "2020-05-06");
  EXPECT_EQ(dep.gender(), "F");
  EXPECT_EQ(dep.birth_city(), "Springfield");
  EXPECT_EQ(dep.birth_country(), "US");
  EXPECT_EQ(dep.citizenship_country(), "US");
  EXPECT_EQ(dep.remarks(), "born in the US");
  EXPECT_TRUE(a.changes().empty());
  EXPECT_TRUE(a.issues().empty()) << a.DebugString();
}

TEST(DependentAddData, M1StudentGetsM2) {
  World w = Baseline();
  w.s.mutable_port_of_entry(0)->set_immigration_status("02");
  w.m.set_visa_type("02");
  AddDependentD2(w);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_ADD);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.dependent().visa_type(), "05");  // DependentFMVisaType M-2
}

TEST(DependentAddData, RequiredValuesMissingAreIssues) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  v1::I20Dependent& dep = AddDependentD2(w);
  dep.mutable_bio()->clear_birth_date();
  dep.mutable_bio()->clear_gender();
  dep.mutable_bio()->clear_birth_country();
  dep.mutable_bio()->clear_citizenship_country();
  dep.set_relationship("07");
  dep.mutable_name()->clear_last_name();
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_ADD);
  ASSERT_EQ(d.size(), 1u) << "validation issues never suppress the alert";
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"i20.dependents[D2].bio.birth_date:REQUIRED_MISSING",
                                   "i20.dependents[D2].bio.gender:REQUIRED_MISSING",
                                   "i20.dependents[D2].bio.birth_country:REQUIRED_MISSING",
                                   "i20.dependents[D2].bio.citizenship_country:REQUIRED_MISSING",
                                   "i20.dependents[D2].relationship:UNKNOWN_CODE",
                                   "i20.dependents[D2].names.legal.last_name:NAME_BLANK"}));
}

// ---------------------------------------------------------------------------------------------
// Dependent - Cancel

constexpr char kCancel[] =
    "Dependent - Cancel: The Dependent Relationship Status value on the most recent "
    "effective-dated I-20 form is Cancelled. AND No Termination Reason or Cancel Reason appears "
    "on the SEVIS Master Dependents page for the dependent.";

// An Initial student whose I-20 cancels D1 with reason 01.
void CancelD1(World& w) {
  w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_CANCELLED);
  D1(w).set_cancel_reason("01");
}

class DependentCancel : public ::testing::TestWithParam<EventCase> {};
TEST_P(DependentCancel, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_DEPENDENT_CANCEL, "D1"); }

INSTANTIATE_TEST_SUITE_P(
    FmPerson, DependentCancel,
    ::testing::Values(
        EventCase{"CancelledOnI20", kCancel, CancelD1, true},
        EventCase{"NearMissActiveStudent",
                  "Dependent - Cancel: The student has a SEVIS Status of Initial.",
                  [](World& w) {
                    CancelD1(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
                  },
                  false},
        EventCase{"NearMissStillActiveOnI20", kCancel,
                  [](World& w) {
                    CancelD1(w);
                    D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
                  },
                  false},
        EventCase{"NearMissMasterTerminationReason", kCancel,
                  [](World& w) {
                    CancelD1(w);
                    MasterD1(w).set_termination_reason("02");
                  },
                  false},
        EventCase{"NearMissMasterCancelReason", kCancel,
                  [](World& w) {
                    CancelD1(w);
                    MasterD1(w).set_cancel_reason("01");
                  },
                  false},
        EventCase{"NearMissNeverReportedToSevis", kCancel,
                  [](World& w) {
                    CancelD1(w);
                    w.m.clear_dependents();
                  },
                  false}),
    CaseName);

TEST(DependentCancelData, CarriesReasonAndSevisId) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  CancelD1(w);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_CANCEL);
  ASSERT_EQ(d.size(), 1u);
  const v1::DependentData& dep = d[0].alert.dependent();
  EXPECT_EQ(dep.dependent_id(), "D1");
  EXPECT_EQ(dep.dependent_sevis_id(), "N0007654321");
  EXPECT_EQ(dep.reason(), "01");
  EXPECT_EQ(dep.visa_type(), "04");
  EXPECT_TRUE(d[0].alert.issues().empty()) << d[0].alert.DebugString();
}

TEST(DependentCancelData, ReasonRequiredAndChecked) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  CancelD1(w);
  D1(w).clear_cancel_reason();
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_CANCEL);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"i20.dependents[D1].cancel_reason:REQUIRED_MISSING"}));
  D1(w).set_cancel_reason("05");
  d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_CANCEL);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"i20.dependents[D1].cancel_reason:UNKNOWN_CODE"}));
}

// ---------------------------------------------------------------------------------------------
// Dependent - Edit

constexpr char kEdit[] =
    "Dependent - Edit: A difference exists between the data in the SEVIS Master component and "
    "the following dependent data";

class DependentEdit : public ::testing::TestWithParam<EventCase> {};
TEST_P(DependentEdit, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_DEPENDENT_EDIT, "D1"); }

INSTANTIATE_TEST_SUITE_P(
    FmPerson, DependentEdit,
    ::testing::Values(
        EventCase{"Baseline", kEdit, Nothing, false},
        EventCase{"LastName", kEdit,
                  [](World& w) { D1(w).mutable_name()->set_last_name("G\u00f3mez"); }, true,
                  {{"last_name", "Perez", "Gomez"}}},
        EventCase{"FirstName", kEdit,
                  [](World& w) { D1(w).mutable_name()->set_first_name("Ana"); }, true,
                  {{"first_name", "Maria", "Ana"}}},
        EventCase{"MiddleName", kEdit,
                  [](World& w) { D1(w).mutable_name()->clear_middle_name(); }, true,
                  {{"middle_name", "Ines", ""}}},
        EventCase{"Suffix", kEdit, [](World& w) { D1(w).mutable_name()->set_suffix("II"); },
                  true, {{"suffix", "", "II"}}},
        EventCase{"PreferredNameWithSetupType", kPiNameTypes,
                  [](World& w) {
                    w.setup.preferred_name_type = "PRF";
                    auto* n = D1(w).add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Mar\u00ed");
                  },
                  true, {{"preferred_name", "", "Mar\u00ed"}}},
        EventCase{"NearMissPreferredNameWithoutSetupType", kPiNameTypes,
                  [](World& w) {
                    MasterD1(w).set_preferred_name("Mari");
                    auto* n = D1(w).add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Mar\u00ed");
                  },
                  false},
        EventCase{"PassportNameWithSetupType", kPiNameTypes,
                  [](World& w) {
                    w.setup.passport_name_type = "PSP";
                    auto* n = D1(w).add_names();
                    n->set_name_type("PSP");
                    n->set_first_name("Mar\u00eda");
                    n->set_middle_name("In\u00e9s");
                    n->set_last_name("P\u00e9rez");
                  },
                  true, {{"passport_name", "", "Maria Ines Perez"}}},
        EventCase{"NearMissPassportEqualAfterConversion", kPiConversion,
                  [](World& w) {
                    w.setup.passport_name_type = "PSP";
                    MasterD1(w).set_passport_name("Maria Ines Perez");
                    auto* n = D1(w).add_names();
                    n->set_name_type("PSP");
                    n->set_first_name("Mar\u00eda");
                    n->set_middle_name("In\u00e9s");
                    n->set_last_name("P\u00e9rez");
                  },
                  false},
        EventCase{"NearMissMasterValueConvertedToo", kPiConversion,
                  [](World& w) {
                    MasterD1(w).set_first_name("Mar\u00eda");
                    D1(w).mutable_name()->set_first_name("Maria");
                  },
                  false},
        EventCase{"NearMissDummyFirstName", kPiDummy,
                  [](World& w) {
                    w.setup.dummy_first_name = "FNU";
                    D1(w).mutable_name()->set_first_name("FNU");
                    MasterD1(w).clear_first_name();
                    MasterD1(w).clear_middle_name();
                  },
                  false},
        EventCase{"BirthDate", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_birth_date("2004-03-02"); }, true,
                  {{"birth_date", "2004-02-03", "2004-03-02"}}},
        EventCase{"Sex", kEdit, [](World& w) { D1(w).mutable_bio()->set_gender("U"); }, true,
                  {{"gender", "F", "U"}}},
        EventCase{"BirthCountry", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_birth_country("CO"); }, true,
                  {{"birth_country", "PE", "CO"}}},
        EventCase{"CitizenshipStatus", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_citizenship_status("04"); }, true,
                  {{"citizenship_status", "", "04"}}},
        EventCase{"CitizenshipCountry", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_citizenship_country("CO"); }, true,
                  {{"citizenship_country", "PE", "CO"}}},
        EventCase{"PreferredEmail", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_preferred_email("m@example.com"); },
                  true, {{"email", "spouse1@example.com", "m@example.com"}}},
        EventCase{"NearMissEmailCase", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_preferred_email("Spouse1@example.com"); },
                  false},
        EventCase{"Relationship", kEdit, [](World& w) { D1(w).set_relationship("02"); }, true,
                  {{"relationship", "01", "02"}}},
        EventCase{"InitialStudent",
                  "Dependent - Edit: The student has a SEVIS Status of Initial or Active.",
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    D1(w).mutable_bio()->set_gender("U");
                  },
                  true, {{"gender", "F", "U"}}},
        EventCase{"MasterDependentInitial", kEdit,
                  [](World& w) {
                    MasterD1(w).set_relationship_status("initial");
                    D1(w).mutable_bio()->set_gender("U");
                  },
                  true, {{"gender", "F", "U"}}},
        EventCase{"NearMissMasterDependentTerminated", kEdit,
                  [](World& w) {
                    MasterD1(w).set_relationship_status("TERMINATED");
                    D1(w).mutable_bio()->set_gender("U");
                  },
                  false},
        EventCase{"NearMissCancelledOnI20", kEdit,
                  [](World& w) {
                    D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_CANCELLED);
                    D1(w).mutable_bio()->set_gender("U");
                  },
                  false}),
    CaseName);

TEST(DependentEditData, CarriesAllCurrentValuesAndNameIssues) {
  World w = Baseline();
  D1(w).mutable_name()->set_middle_name("Unknown");
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_EDIT);
  ASSERT_EQ(d.size(), 1u);
  const v1::Alert& a = d[0].alert;
  EXPECT_EQ(ChangesOf(a), (Changes{{"middle_name", "Ines", "Unknown"}}));
  const v1::DependentData& dep = a.dependent();
  EXPECT_EQ(dep.dependent_id(), "D1");
  EXPECT_EQ(dep.dependent_sevis_id(), "N0007654321");
  EXPECT_EQ(dep.relationship(), "01");
  EXPECT_EQ(dep.visa_type(), "04");
  EXPECT_EQ(dep.last_name(), "Perez");
  EXPECT_EQ(dep.first_name(), "Maria");
  EXPECT_EQ(dep.middle_name(), "Unknown");
  EXPECT_EQ(dep.birth_date(), "2004-02-03");
  EXPECT_EQ(dep.gender(), "F");
  EXPECT_EQ(dep.birth_city(), "Cusco");
  EXPECT_EQ(dep.birth_country(), "PE");
  EXPECT_EQ(dep.citizenship_country(), "PE");
  EXPECT_EQ(dep.email(), "spouse1@example.com");
  EXPECT_EQ(IssuesOf(a), (std::set<std::string>{
                             "i20.dependents[D1].names.legal.middle_name:NAME_PLACEHOLDER_VALUE"}));
}

TEST(DependentEditData, MissingSevisIdIsAnIssue) {
  World w = Baseline();
  MasterD1(w).clear_dependent_sevis_id();
  D1(w).mutable_bio()->set_gender("U");
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_EDIT);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"master.dependents[D1].dependent_sevis_id:REQUIRED_MISSING"}));
}

// ---------------------------------------------------------------------------------------------
// Dependent - Reactivate

constexpr char kReactivate[] =
    "Dependent - Reactivate: The Relationship Status value in the SEVIS Master component is "
    "Terminated. AND The Relationship Status value on the most recent effective-dated I-20 form "
    "is Active.";

void MasterD1Terminated(World& w) {
  MasterD1(w).set_relationship_status("TERMINATED");
  MasterD1(w).set_termination_reason("02");
}

class DependentReactivate : public ::testing::TestWithParam<EventCase> {};
TEST_P(DependentReactivate, RuleBook) {
  CheckCase(GetParam(), v1::EVENT_TYPE_DEPENDENT_REACTIVATE, "D1");
}

INSTANTIATE_TEST_SUITE_P(
    FmPerson, DependentReactivate,
    ::testing::Values(
        EventCase{"TerminatedInMasterActiveOnI20", kReactivate, MasterD1Terminated, true},
        EventCase{"MasterStatusAnyCase", kReactivate,
                  [](World& w) { MasterD1(w).set_relationship_status(" terminated "); }, true},
        EventCase{"NearMissInitialStudent",
                  "Dependent - Reactivate: The student has a SEVIS Status of Active.",
                  [](World& w) {
                    MasterD1Terminated(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                  },
                  false},
        EventCase{"NearMissMasterActive", kReactivate, Nothing, false},
        EventCase{"NearMissMasterCancelled", kReactivate,
                  [](World& w) { MasterD1(w).set_relationship_status("CANCELLED"); }, false},
        EventCase{"NearMissTerminatedOnI20", kReactivate,
                  [](World& w) {
                    MasterD1Terminated(w);
                    D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_TERMINATED);
                  },
                  false}),
    CaseName);

TEST(DependentReactivateData, CarriesSevisId) {
  World w = Baseline();
  MasterD1Terminated(w);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_REACTIVATE);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.dependent().dependent_sevis_id(), "N0007654321");
  EXPECT_EQ(d[0].alert.dependent().reason(), "");
  EXPECT_TRUE(d[0].alert.issues().empty());
  // A terminated dependent is reactivated, not edited, even when data differ.
  D1(w).mutable_bio()->set_gender("U");
  EXPECT_TRUE(OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_EDIT).empty());
}

// ---------------------------------------------------------------------------------------------
// Dependent - Terminate

constexpr char kTerminate[] =
    "Dependent - Terminate: The Relationship Status value in the SEVIS Master component is "
    "Active. AND The Relationship Status value on the most recent effective-dated I-20 form is "
    "Terminated.";

void TerminateD1(World& w) {
  D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_TERMINATED);
  D1(w).set_termination_reason("02");
}

class DependentTerminate : public ::testing::TestWithParam<EventCase> {};
TEST_P(DependentTerminate, RuleBook) {
  CheckCase(GetParam(), v1::EVENT_TYPE_DEPENDENT_TERMINATE, "D1");
}

INSTANTIATE_TEST_SUITE_P(
    FmPerson, DependentTerminate,
    ::testing::Values(
        EventCase{"TerminatedOnI20", kTerminate, TerminateD1, true},
        EventCase{"InitialStudent",
                  "Dependent - Terminate: The student has a SEVIS Status of Initial or Active.",
                  [](World& w) {
                    TerminateD1(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                  },
                  true},
        EventCase{"NearMissMasterDependentInitial", kTerminate,
                  [](World& w) {
                    TerminateD1(w);
                    MasterD1(w).set_relationship_status("INITIAL");
                  },
                  false},
        EventCase{"NearMissMasterAlreadyTerminated", kTerminate,
                  [](World& w) {
                    TerminateD1(w);
                    MasterD1Terminated(w);
                  },
                  false},
        EventCase{"NearMissActiveOnI20", kTerminate,
                  [](World& w) { D1(w).set_termination_reason("02"); }, false},
        EventCase{"NearMissNotInMaster", kTerminate,
                  [](World& w) {
                    TerminateD1(w);
                    w.m.clear_dependents();
                  },
                  false}),
    CaseName);

TEST(DependentTerminateData, CarriesReasonRequiredAndChecked) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  TerminateD1(w);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_TERMINATE);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.dependent().reason(), "02");
  EXPECT_EQ(d[0].alert.dependent().dependent_sevis_id(), "N0007654321");
  EXPECT_TRUE(d[0].alert.issues().empty());
  D1(w).set_termination_reason(" ");
  d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_TERMINATE);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"i20.dependents[D1].termination_reason:REQUIRED_MISSING"}));
  D1(w).set_termination_reason("01");  // a cancel reason, not a termination reason
  d = OfType(Detect(w), v1::EVENT_TYPE_DEPENDENT_TERMINATE);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"i20.dependents[D1].termination_reason:UNKNOWN_CODE"}));
}

// ---------------------------------------------------------------------------------------------
// Financial Info

constexpr char kFin[] =
    "Financial Info: A difference exists between the data in the SEVIS Master component and the "
    "following data on the most recent effective-dated row on the I-20 form";

v1::I20Form& I20(World& w) { return *w.s.mutable_i20(0); }

class FinancialInfo : public ::testing::TestWithParam<EventCase> {};
TEST_P(FinancialInfo, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_FINANCIAL_INFO, ""); }

INSTANTIATE_TEST_SUITE_P(
    FmPerson, FinancialInfo,
    ::testing::Values(
        EventCase{"Baseline", kFin, Nothing, false},
        EventCase{"MonthsInAcademicTerm", kFin,
                  [](World& w) { I20(w).set_months_in_academic_term(10); }, true,
                  {{"months_in_academic_term", "9", "10"}}},
        EventCase{"TuitionAndFees", kFin, [](World& w) { I20(w).set_tuition(31000); }, true,
                  {{"tuition", "30000", "31000"}}},
        EventCase{"LivingExpenses", kFin, [](World& w) { I20(w).set_living_expenses(16000); },
                  true, {{"living_expenses", "15000", "16000"}}},
        EventCase{"DependentExpenses", kFin,
                  [](World& w) { I20(w).set_dependent_expenses(5000); }, true,
                  {{"dependent_expenses", "0", "5000"}}},
        EventCase{"OtherExpenses", kFin, [](World& w) { I20(w).set_other_expenses(500); }, true,
                  {{"other_expenses", "0", "500"}}},
        EventCase{"PersonalFunds", kFin, [](World& w) { I20(w).set_personal_funds(40000); },
                  true, {{"personal_funds", "45000", "40000"}}},
        EventCase{"FundsFromThisSchool", kFin, [](World& w) { I20(w).set_school_funds(5000); },
                  true, {{"school_funds", "0", "5000"}}},
        EventCase{"FundsFromAnotherSource", kFin,
                  [](World& w) { I20(w).set_other_source_funds(2500); }, true,
                  {{"other_source_funds", "0", "2500"}}},
        EventCase{"OnCampusEmployment", kFin,
                  [](World& w) { I20(w).set_on_campus_employment(3000); }, true,
                  {{"on_campus_employment", "0", "3000"}}},
        EventCase{"NearMissCommentsNotCompared", kFin,
                  [](World& w) {
                    I20(w).set_other_expenses_comment("books");
                    I20(w).set_school_funds_comment("assistantship");
                    I20(w).set_other_source_comment("sponsor");
                  },
                  false},
        EventCase{"InitialStudent",
                  "Financial Info: The student has a SEVIS Status of Initial or Active.",
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    I20(w).set_tuition(31000);
                  },
                  true, {{"tuition", "30000", "31000"}}},
        EventCase{"NearMissOlderI20Row",
                  "the following data on the most recent effective-dated row on the I-20 form",
                  [](World& w) {
                    v1::I20Form older = I20(w);
                    older.set_effective_date("2025-06-01");
                    older.set_tuition(1);
                    *w.s.add_i20() = older;
                  },
                  false}),
    CaseName);

TEST(FinancialInfoData, CarriesAllCurrentValuesAndComments) {
  World w = Baseline();
  I20(w).set_school_funds(5000);
  I20(w).set_school_funds_comment("assistantship");
  I20(w).set_other_expenses(700);
  I20(w).set_other_expenses_comment("books");
  I20(w).set_other_source_funds(100);
  I20(w).set_other_source_comment("sponsor");
  I20(w).set_dependent_expenses(4000);
  I20(w).set_on_campus_employment(2000);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_FINANCIAL_INFO);
  ASSERT_EQ(d.size(), 1u);
  const v1::Alert& a = d[0].alert;
  EXPECT_EQ(ChangesOf(a), (Changes{{"dependent_expenses", "0", "4000"},
                                   {"other_expenses", "0", "700"},
                                   {"school_funds", "0", "5000"},
                                   {"other_source_funds", "0", "100"},
                                   {"on_campus_employment", "0", "2000"}}));
  const v1::FinancialData& f = a.financial();
  EXPECT_EQ(f.months_in_academic_term(), 9);
  EXPECT_EQ(f.tuition(), 30000);
  EXPECT_EQ(f.living_expenses(), 15000);
  EXPECT_EQ(f.dependent_expenses(), 4000);
  EXPECT_EQ(f.other_expenses(), 700);
  EXPECT_EQ(f.other_expenses_comment(), "books");
  EXPECT_EQ(f.personal_funds(), 45000);
  EXPECT_EQ(f.school_funds(), 5000);
  EXPECT_EQ(f.school_funds_comment(), "assistantship");
  EXPECT_EQ(f.other_source_funds(), 100);
  EXPECT_EQ(f.other_source_comment(), "sponsor");
  EXPECT_EQ(f.on_campus_employment(), 2000);
  EXPECT_TRUE(a.issues().empty());
  EXPECT_EQ(d[0].emitted_key, "ABC214F12345000|EVENT_TYPE_FINANCIAL_INFO|");
}

TEST(FinancialInfoData, AmountsAndMonthsChecked) {
  World w = Baseline();
  I20(w).set_tuition(-5);
  I20(w).set_living_expenses(100000000);
  I20(w).set_months_in_academic_term(13);
  auto d = OfType(Detect(w), v1::EVENT_TYPE_FINANCIAL_INFO);
  ASSERT_EQ(d.size(), 1u) << "validation issues never suppress the alert";
  EXPECT_EQ(IssuesOf(d[0].alert),
            (std::set<std::string>{"i20.tuition:OUT_OF_RANGE", "i20.living_expenses:OUT_OF_RANGE",
                                   "i20.months_in_academic_term:OUT_OF_RANGE"}));
}

TEST(FmPersonAlertId, SameFindingSameIdDifferentDataDifferentId) {
  World w = Baseline();
  I20(w).set_tuition(31000);
  auto first = OfType(Detect(w), v1::EVENT_TYPE_FINANCIAL_INFO);
  auto again = OfType(Detect(w), v1::EVENT_TYPE_FINANCIAL_INFO);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(first[0].alert.alert_id(), again[0].alert.alert_id());
  I20(w).set_tuition(32000);
  auto other = OfType(Detect(w), v1::EVENT_TYPE_FINANCIAL_INFO);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_NE(first[0].alert.alert_id(), other[0].alert.alert_id());
}

}  // namespace
}  // namespace sevisflow::rules
