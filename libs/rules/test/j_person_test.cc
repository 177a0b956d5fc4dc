// Rule book "Process SEVIS Alerts - J": "Biographical", "Dependent - Add", "Dependent - Delete",
// "Dependent - Edit", "Dependent - End Status", "Dependent - Terminate" and "Financial Info",
// table-driven. Every case starts from the quiet J baseline (ValidJ1 + ActiveJMaster +
// JRunControl on BaselineToday, plus one J-2 spouse D1 on both sides) and changes one thing.
// DetectJPersonEvents runs alone (through MakeJContext), so other J event groups do not interfere.
// Synthetic people.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/j_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ActiveJMaster;
using testing::BaselineToday;
using testing::JRunControl;
using testing::OfType;
using testing::ValidJ1;

// What a case changes: the SIS snapshot, the SEVIS Master row and SEVIS Setup.
struct World {
  v1::SisPersonSnapshot s;
  v1::MasterRecord m;
  rules::Setup setup;
};
using Mutator = std::function<void(World&)>;

v1::Ds2019Form& Ds(World& w) { return *w.s.mutable_ds2019(0); }

// Dependent D1 (a spouse) on the current DS-2019 and in the SEVIS Master, equal once converted.
void AddDependentD1(World& w) {
  auto* d = Ds(w).add_dependents();
  d->set_dependent_id("D1");
  d->set_relationship("01");
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d->mutable_name()->set_name_type("PRI");
  d->mutable_name()->set_last_name("M\u00fcller");
  d->mutable_name()->set_first_name("Zo\u00eb");
  d->mutable_bio()->set_birth_date("1999-01-02");
  d->mutable_bio()->set_gender("F");
  d->mutable_bio()->set_birth_city("Hamburg");
  d->mutable_bio()->set_birth_country("GM");
  d->mutable_bio()->set_citizenship_country("GM");
  d->mutable_bio()->set_preferred_email("zoe@example.com");
  d->set_permanent_residence_country("GM");
  auto* md = w.m.add_dependents();
  md->set_dependent_id("D1");
  md->set_dependent_sevis_id("N0007000001");
  md->set_relationship("01");
  md->set_relationship_status("ACTIVE");
  md->set_last_name("Muller");
  md->set_first_name("Zoe");
  md->set_birth_date("1999-01-02");
  md->set_gender("F");
  md->set_birth_city("Hamburg");
  md->set_birth_country("GM");
  md->set_citizenship_country("GM");
  md->set_email("zoe@example.com");
  md->set_permanent_residence_country("GM");
}

// A new child D2 on the DS-2019 only (Dependent - Add).
v1::Ds2019Dependent& AddDependentD2(World& w) {
  auto* d = Ds(w).add_dependents();
  d->set_dependent_id("D2");
  d->set_relationship("02");
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d->mutable_name()->set_name_type("PRI");
  d->mutable_name()->set_last_name("M\u00fcller");
  d->mutable_name()->set_first_name("J\u00f6rg");
  d->mutable_bio()->set_birth_date("2021-03-04");
  d->mutable_bio()->set_gender("M");
  d->mutable_bio()->set_birth_city("Springfield");
  d->mutable_bio()->set_birth_country("US");
  d->mutable_bio()->set_citizenship_country("GM");
  d->set_permanent_residence_country("GM");
  d->set_birth_country_reason("01");
  return *d;
}

World Baseline() {
  World w{ValidJ1(), ActiveJMaster(), rules::Setup{}};
  AddDependentD1(w);
  return w;
}

std::vector<Detection> Detect(const World& w) {
  const v1::RunControl rc = JRunControl();
  std::optional<JContext> ctx = MakeJContext(w.s, &w.m, &rc, w.setup, BaselineToday());
  std::vector<Detection> out;
  if (ctx) DetectJPersonEvents(*ctx, out);
  return out;
}

std::vector<Detection> DetectAfter(const Mutator& mutate, v1::EventType type) {
  World w = Baseline();
  mutate(w);
  return OfType(Detect(w), type);
}

v1::Ds2019Dependent& D1(World& w) { return *Ds(w).mutable_dependents(0); }
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

// The SEVISTable codes the events check, as far as the tests need them.
std::shared_ptr<const CodeTables> TestCodes() {
  auto t = std::make_shared<CodeTables>();
  for (const char* v : {"01", "02"}) t->Add("DependentCodeType", v);
  for (const char* v : {"01", "02"}) t->Add("USBornReasonType", v);
  for (const char* v : {"02", "04", "09"}) t->Add("DependentCompletionType", v);
  for (const char* v : {"01", "05", "09"}) t->Add("EVDepTerminationReasonType", v);
  for (const char* v : {"DOS", "NSF"}) t->Add("GovAgencyCodeType", v);
  for (const char* v : {"FAO", "ECA"}) t->Add("InternationalOrgCodeType", v);
  for (const char* v : {"213", "214"}) t->Add("EVPositionCodeType", v);
  for (const char* v : {"M", "F", "U"}) {
    t->Add(kGenderType, v);
    t->Add("EVGenderCodeType", v);
  }
  for (const char* v : {"GM", "US", "FR"}) {
    t->Add(kCountryType, v);
    t->Add(kBirthCountryType, v);
  }
  for (const char* v : {"IL", "NY"}) t->Add(kStateType, v);
  return t;
}

// One row of an event table: the rule-book sentence it checks, the one change from the
// baseline, and what must come out.
struct EventCase {
  const char* name;
  const char* rule;
  Mutator mutate;
  bool fires;
  Changes changes = {};
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
  EXPECT_EQ(a.sevis_id(), "N0007654321");
  EXPECT_EQ(a.org_id(), "P-1-12345");
  EXPECT_EQ(a.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(ChangesOf(a), c.changes) << c.rule;
}

std::string CaseName(const ::testing::TestParamInfo<EventCase>& info) { return info.param.name; }

void Nothing(World&) {}

// ---------------------------------------------------------------------------------------------

TEST(JPersonBaseline, DependentOnBothSidesGivesNoEvent) {
  // "Müller"/"Zoë" on the DS-2019 equal the converted "Muller"/"Zoe" of the SEVIS Master.
  EXPECT_TRUE(Detect(Baseline()).empty());
  // And through DetectJ: no person event either.
  World w = Baseline();
  auto all = testing::RunJ(w.s, w.m, JRunControl(), w.setup, BaselineToday());
  for (v1::EventType t :
       {v1::EVENT_TYPE_EV_BIOGRAPHICAL, v1::EVENT_TYPE_EV_DEPENDENT_ADD,
        v1::EVENT_TYPE_EV_DEPENDENT_DELETE, v1::EVENT_TYPE_EV_DEPENDENT_EDIT,
        v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS, v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE,
        v1::EVENT_TYPE_EV_FINANCIAL_INFO}) {
    EXPECT_TRUE(OfType(all, t).empty()) << v1::EventType_Name(t);
  }
}

// ---------------------------------------------------------------------------------------------
// Biographical.

constexpr char kBioStatus[] =
    "Biographical: The exchange visitor has a SEVIS Status of Initial or Active.";
constexpr char kBioNames[] =
    "A difference exists ... Last Name, First Name, Middle Name, Name Suffix, Preferred Name, "
    "Passport Name";
constexpr char kBioConversion[] =
    "Character conversion is applied to the name record fields and SEVIS Master name values "
    "prior to the comparison.";
constexpr char kBioNameTypes[] =
    "The comparison for Preferred Name and Passport Name is done only if a name type is defined "
    "in SEVIS Setup.";
constexpr char kBioDummy[] =
    "If the First Name value in the name record matches the Dummy First Name value defined in "
    "setup, then the First Name and Middle Name are both considered blank";
constexpr char kBioDemo[] =
    "On the Bio/Demo page: Birthdate, Sex, Birth Country, Birth Location, Preferred Phone "
    "Number, Preferred Email Address";
constexpr char kBioUs[] =
    "Address Type for the U.S. address is based on the SEVIS Setup Address Mapping page ... "
    "Address1, Address2, City, State, Postal; the U.S. address Explanation Code and Text ... "
    "compared to the values on the I-20 form (read: DS-2019)";
constexpr char kBioMail[] =
    "Address Type for the mailing address ... Address1, Address2, City, State, Postal; the "
    "mailing address Explanation Code and Text ... compared to the values on the DS-2019 form";
constexpr char kBioDs[] =
    "Most recent effective-dated row on the DS-2019 for: Permanent Residence Country, Position "
    "Code, Citizenship Country, Birth Country Reason";

void AddMailAddress(World& w) {
  auto* a = w.s.add_addresses();
  a->set_address_type("MAIL");
  a->mutable_address()->set_line1("PO Box 12");
  a->mutable_address()->set_city("Springfield");
  a->mutable_address()->set_state("IL");
  a->mutable_address()->set_postal_code("62705");
}

v1::PersonName& SisName(World& w) { return *w.s.mutable_names(0); }
v1::Address& SisUs(World& w) { return *w.s.mutable_addresses(0)->mutable_address(); }

class JBiographical : public ::testing::TestWithParam<EventCase> {};
TEST_P(JBiographical, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_EV_BIOGRAPHICAL, ""); }

INSTANTIATE_TEST_SUITE_P(
    J, JBiographical,
    ::testing::Values(
        EventCase{"Baseline", kBioNames, Nothing, false},
        EventCase{"InactiveVisitor", kBioStatus,
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INACTIVE);
                    w.m.set_birth_city("Bonn");
                  },
                  false},
        EventCase{"InitialVisitor", kBioStatus,
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    w.m.set_birth_city("Bonn");
                  },
                  true, {{"birth_city", "Bonn", "Bremen"}}},
        EventCase{"LastName", kBioNames, [](World& w) { w.m.set_last_name("Mueller"); }, true,
                  {{"last_name", "Mueller", "Muller"}}},
        EventCase{"FirstName", kBioNames, [](World& w) { w.m.set_first_name("Juergen"); }, true,
                  {{"first_name", "Juergen", "Jurgen"}}},
        EventCase{"MiddleName", kBioNames, [](World& w) { SisName(w).set_middle_name("Karl"); },
                  true, {{"middle_name", "", "Karl"}}},
        EventCase{"Suffix", kBioNames, [](World& w) { SisName(w).set_suffix("Jr."); }, true,
                  {{"suffix", "", "Jr."}}},
        EventCase{"AccentIsNoChange", kBioConversion,
                  [](World& w) { w.m.set_first_name("J\u00fcrgen"); }, false},
        EventCase{"AsciiSisNameIsNoChange", kBioConversion,
                  [](World& w) { SisName(w).set_first_name("Jurgen"); }, false},
        EventCase{"CaseIsAChange", kBioConversion, [](World& w) { w.m.set_last_name("MULLER"); },
                  true, {{"last_name", "MULLER", "Muller"}}},
        EventCase{"PreferredWithoutTypeIgnored", kBioNameTypes,
                  [](World& w) { w.m.set_preferred_name("Jay Muller"); }, false},
        EventCase{"PreferredWithType", kBioNameTypes,
                  [](World& w) {
                    w.setup.preferred_name_type = "PRF";
                    auto* n = w.s.add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Jay");
                    n->set_last_name("M\u00fcller");
                  },
                  true, {{"preferred_name", "", "Jay M\u00fcller"}}},
        EventCase{"PreferredSameIsNoChange", kBioNameTypes,
                  [](World& w) {
                    w.setup.preferred_name_type = "PRF";
                    auto* n = w.s.add_names();
                    n->set_name_type("PRF");
                    n->set_first_name("Jay");
                    n->set_last_name("Muller");
                    w.m.set_preferred_name("Jay Muller");
                  },
                  false},
        EventCase{"PassportWithType", kBioNameTypes,
                  [](World& w) {
                    w.setup.passport_name_type = "PAS";
                    auto* n = w.s.add_names();
                    n->set_name_type("PAS");
                    n->set_first_name("J\u00fcrgen");
                    n->set_last_name("M\u00fcller");
                    w.m.set_passport_name("Jurgen Mueller");
                  },
                  true, {{"passport_name", "Jurgen Mueller", "Jurgen Muller"}}},
        EventCase{"DummyFirstNameIsBlank", kBioDummy,
                  [](World& w) {
                    w.setup.dummy_first_name = "FNU";
                    SisName(w).set_first_name("FNU");
                    SisName(w).set_middle_name("X");
                    w.m.set_first_name("");
                  },
                  false},
        EventCase{"BirthDate", kBioDemo, [](World& w) { w.m.set_birth_date("1998-07-15"); }, true,
                  {{"birth_date", "1998-07-15", "1998-07-14"}}},
        EventCase{"Sex", kBioDemo, [](World& w) { w.s.mutable_bio()->set_gender("U"); }, true,
                  {{"gender", "M", "U"}}},
        EventCase{"BirthCountry", kBioDemo,
                  [](World& w) { w.s.mutable_bio()->set_birth_country("FR"); }, true,
                  {{"birth_country", "GM", "FR"}}},
        EventCase{"BirthLocation", kBioDemo,
                  [](World& w) { w.s.mutable_bio()->set_birth_city("Hamburg"); }, true,
                  {{"birth_city", "Bremen", "Hamburg"}}},
        EventCase{"Phone", kBioDemo,
                  [](World& w) { w.s.mutable_bio()->set_preferred_phone("2175550199"); }, true,
                  {{"phone", "2175550111", "2175550199"}}},
        EventCase{"Email", kBioDemo,
                  [](World& w) { w.s.mutable_bio()->set_preferred_email("jm@example.edu"); },
                  true, {{"email", "jmueller@example.edu", "jm@example.edu"}}},
        EventCase{"EmailCaseIsNoChange", kBioDemo,
                  [](World& w) {
                    w.s.mutable_bio()->set_preferred_email(" JMueller@Example.edu ");
                  },
                  false},
        EventCase{"BioCitizenshipIsNotCompared", kBioDs,
                  [](World& w) {
                    w.s.mutable_bio()->set_citizenship_country("FR");
                    w.s.mutable_bio()->set_citizenship_status("C");
                  },
                  false},
        EventCase{"UsLine1", kBioUs, [](World& w) { SisUs(w).set_line1("56 Scholar Way"); }, true,
                  // No MAIL row: the U.S. address stands for the mailing one and changes it too.
                  {{"us_address.line1", "55 Scholar Way", "56 Scholar Way"},
                   {"mailing_address.line1", "55 Scholar Way", "56 Scholar Way"}}},
        EventCase{"UsLine2", kBioUs, [](World& w) { SisUs(w).set_line2("Apt 3"); }, true,
                  {{"us_address.line2", "", "Apt 3"}, {"mailing_address.line2", "", "Apt 3"}}},
        EventCase{"UsCity", kBioUs, [](World& w) { SisUs(w).set_city("Chicago"); }, true,
                  {{"us_address.city", "Springfield", "Chicago"},
                   {"mailing_address.city", "Springfield", "Chicago"}}},
        EventCase{"UsState", kBioUs, [](World& w) { SisUs(w).set_state("NY"); }, true,
                  {{"us_address.state", "IL", "NY"}, {"mailing_address.state", "IL", "NY"}}},
        EventCase{"UsPostal", kBioUs, [](World& w) { SisUs(w).set_postal_code("62703"); }, true,
                  {{"us_address.postal_code", "62702", "62703"},
                   {"mailing_address.postal_code", "62702", "62703"}}},
        EventCase{"UsWhitespaceIsNoChange", kBioUs,
                  [](World& w) { SisUs(w).set_line1(" 55 Scholar Way "); }, false},
        EventCase{"UsOtherTypeComparesBlank", kBioUs,
                  [](World& w) { w.setup.us_address_type = "CAMP"; }, true,
                  {{"us_address.line1", "55 Scholar Way", ""},
                   {"us_address.city", "Springfield", ""},
                   {"us_address.state", "IL", ""},
                   {"us_address.postal_code", "62702", ""},
                   {"mailing_address.line1", "55 Scholar Way", ""},
                   {"mailing_address.city", "Springfield", ""},
                   {"mailing_address.state", "IL", ""},
                   {"mailing_address.postal_code", "62702", ""}}},
        EventCase{"UsExplanationCode", kBioUs,
                  [](World& w) { Ds(w).set_us_address_explanation_code("OB"); }, true,
                  {{"us_address_explanation_code", "", "OB"}}},
        EventCase{"UsExplanationText", kBioUs,
                  [](World& w) { w.m.set_us_address_explanation("Staying with a host"); }, true,
                  {{"us_address_explanation", "Staying with a host", ""}}},
        // The mailing address SEVIS holds is the U.S. one (sent by the create without a MAIL
        // row); a MAIL row replaces it.
        EventCase{"MailAdded", kBioMail, AddMailAddress, true,
                  {{"mailing_address.line1", "55 Scholar Way", "PO Box 12"},
                   {"mailing_address.postal_code", "62702", "62705"}}},
        EventCase{"NoMailRowAndMasterMailingIsTheUsAddressIsNoChange", kBioMail,
                  [](World&) {}, false},
        EventCase{"MailSameIsNoChange", kBioMail,
                  [](World& w) {
                    AddMailAddress(w);
                    auto* a = w.m.mutable_mailing_address();
                    a->set_line1("PO Box 12");
                    a->set_city("Springfield");
                    a->set_state("IL");
                    a->set_postal_code("62705");
                  },
                  false},
        EventCase{"MailLine2", kBioMail,
                  [](World& w) { w.m.mutable_mailing_address()->set_line2("Suite 1"); }, true,
                  {{"mailing_address.line2", "Suite 1", ""}}},
        EventCase{"MailExplanationCode", kBioMail,
                  [](World& w) { Ds(w).set_mailing_address_explanation_code("OO"); }, true,
                  {{"mailing_address_explanation_code", "", "OO"}}},
        EventCase{"MailExplanationText", kBioMail,
                  [](World& w) { Ds(w).set_mailing_address_explanation("Mail to the office"); },
                  true, {{"mailing_address_explanation", "", "Mail to the office"}}},
        EventCase{"PermanentResidence", kBioDs,
                  [](World& w) { Ds(w).set_permanent_residence_country("FR"); }, true,
                  {{"permanent_residence_country", "GM", "FR"}}},
        EventCase{"PositionCode", kBioDs, [](World& w) { Ds(w).set_position_code("214"); }, true,
                  {{"position_code", "213", "214"}}},
        EventCase{"CitizenshipCountry", kBioDs,
                  [](World& w) { Ds(w).set_citizenship_country("FR"); }, true,
                  {{"citizenship_country", "GM", "FR"}}},
        EventCase{"BirthCountryReason", kBioDs,
                  [](World& w) { Ds(w).set_birth_country_reason("02"); }, true,
                  {{"birth_country_reason", "", "02"}}},
        EventCase{"SeveralInRuleBookOrder", kBioNames,
                  [](World& w) {
                    Ds(w).set_position_code("214");
                    w.s.mutable_bio()->set_birth_city("Hamburg");
                    w.m.set_last_name("Mueller");
                  },
                  true,
                  {{"last_name", "Mueller", "Muller"},
                   {"birth_city", "Bremen", "Hamburg"},
                   {"position_code", "213", "214"}}}),
    CaseName);

TEST(JBiographicalData, CarriesAllCurrentValues) {
  World w = Baseline();
  AddMailAddress(w);
  Ds(w).set_us_address_explanation_code("OB");
  Ds(w).set_mailing_address_explanation_code("OO");
  Ds(w).set_mailing_address_explanation("Mail to the office");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_BIOGRAPHICAL);
  ASSERT_EQ(found.size(), 1u);
  const v1::BiographicalData& d = found[0].alert.biographical();
  EXPECT_EQ(d.last_name(), "Muller");
  EXPECT_EQ(d.first_name(), "Jurgen");
  EXPECT_EQ(d.middle_name(), "");
  EXPECT_EQ(d.birth_date(), "1998-07-14");
  EXPECT_EQ(d.gender(), "M");
  EXPECT_EQ(d.birth_city(), "Bremen");
  EXPECT_EQ(d.birth_country(), "GM");
  EXPECT_EQ(d.citizenship_country(), "GM");
  EXPECT_EQ(d.permanent_residence_country(), "GM");
  EXPECT_EQ(d.phone(), "2175550111");
  EXPECT_EQ(d.email(), "jmueller@example.edu");
  EXPECT_EQ(d.position_code(), "213");
  EXPECT_EQ(d.us_address().line1(), "55 Scholar Way");
  EXPECT_EQ(d.us_address().postal_code(), "62702");
  EXPECT_EQ(d.us_address_explanation_code(), "OB");
  EXPECT_EQ(d.mailing_address().line1(), "PO Box 12");
  EXPECT_EQ(d.mailing_address_explanation_code(), "OO");
  EXPECT_EQ(d.mailing_address_explanation(), "Mail to the office");
  EXPECT_TRUE(found[0].alert.issues().empty()) << found[0].alert.DebugString();
}

TEST(JBiographicalData, IssuesDoNotSuppressTheAlert) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  w.s.mutable_bio()->set_birth_country("US");          // no birth country reason
  w.s.mutable_bio()->set_preferred_phone("217555");    // not 10 digits
  Ds(w).set_position_code("999");                      // not an EVPositionCodeType
  Ds(w).set_us_address_explanation_code("XX");
  SisUs(w).set_postal_code("627");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_BIOGRAPHICAL);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"ds2019.birth_country_reason:REQUIRED_MISSING",
                                   "bio.preferred_phone:INVALID_FORMAT",
                                   "ds2019.position_code:UNKNOWN_CODE",
                                   "ds2019.us_address_explanation_code:UNKNOWN_CODE",
                                   "addresses.us.postal_code:INVALID_FORMAT"}));
  // With a reason, the US birth is fine; an unknown reason code is not.
  Ds(w).set_birth_country_reason("07");
  found = OfType(Detect(w), v1::EVENT_TYPE_EV_BIOGRAPHICAL);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(IssuesOf(found[0].alert).count("ds2019.birth_country_reason:UNKNOWN_CODE"));
}

// "The reason code is provided if Country of Birth is US or US Territory": the same list as
// Create Exchange Visitor (rules::BornInUsOrTerritory), e.g. Puerto Rico (RQ) and Guam (GQ).
TEST(JBiographicalData, BornInAUsTerritoryNeedsAReason) {
  World w = Baseline();
  for (const char* territory : {"RQ", "GQ"}) {
    w.s.mutable_bio()->set_birth_country(territory);
    auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_BIOGRAPHICAL);
    ASSERT_EQ(found.size(), 1u) << territory;
    EXPECT_TRUE(IssuesOf(found[0].alert).count("ds2019.birth_country_reason:REQUIRED_MISSING"))
        << territory;
  }
  // Born abroad: no reason needed.
  w.s.mutable_bio()->set_birth_country("FR");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_BIOGRAPHICAL);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(IssuesOf(found[0].alert).count("ds2019.birth_country_reason:REQUIRED_MISSING"));
  EXPECT_TRUE(BornInUsOrTerritory(" rq "));
  EXPECT_FALSE(BornInUsOrTerritory("USA"));
}

TEST(JBiographicalData, OoWithoutExplanationIsMissing) {
  World w = Baseline();
  AddMailAddress(w);
  Ds(w).set_mailing_address_explanation_code("OO");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_BIOGRAPHICAL);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"ds2019.mailing_address_explanation:REQUIRED_MISSING"}));
}

// ---------------------------------------------------------------------------------------------
// Dependent - Add.

constexpr char kAdd[] =
    "Dependent - Add: The exchange visitor has a SEVIS Status of Initial or Active. A dependent "
    "ID exists on the most recent effective-dated DS-2019 form where the relationship status is "
    "Active AND The dependent ID does not exist in the SEVIS Master component.";

class JDependentAdd : public ::testing::TestWithParam<EventCase> {};
TEST_P(JDependentAdd, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_EV_DEPENDENT_ADD, "D2"); }

INSTANTIATE_TEST_SUITE_P(
    J, JDependentAdd,
    ::testing::Values(
        EventCase{"NewActiveDependent", kAdd, [](World& w) { AddDependentD2(w); }, true},
        EventCase{"InitialVisitor", kAdd,
                  [](World& w) {
                    AddDependentD2(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                  },
                  true},
        EventCase{"InactiveVisitor", kAdd,
                  [](World& w) {
                    AddDependentD2(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INACTIVE);
                  },
                  false},
        EventCase{"NotActiveOnDs2019", kAdd,
                  [](World& w) {
                    AddDependentD2(w).set_relationship_status(v1::RELATIONSHIP_STATUS_ENDED);
                  },
                  false},
        EventCase{"AlreadyInMaster", kAdd,
                  [](World& w) {
                    AddDependentD2(w);
                    auto* md = w.m.add_dependents();
                    md->set_dependent_id("D2");
                    md->set_relationship_status("TERMINATED");
                  },
                  false}),
    CaseName);

TEST(JDependentAddData, CarriesTheNewDependent) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  AddDependentD2(w).set_remarks("born here");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_ADD);
  ASSERT_EQ(found.size(), 1u);
  const v1::DependentData& d = found[0].alert.dependent();
  EXPECT_EQ(d.dependent_id(), "D2");
  EXPECT_EQ(d.dependent_sevis_id(), "");
  EXPECT_EQ(d.relationship(), "02");
  EXPECT_EQ(d.visa_type(), "");  // SEVISTable has no J-2 code
  EXPECT_EQ(d.last_name(), "Muller");
  EXPECT_EQ(d.first_name(), "Jorg");
  EXPECT_EQ(d.birth_date(), "2021-03-04");
  EXPECT_EQ(d.gender(), "M");
  EXPECT_EQ(d.birth_city(), "Springfield");
  EXPECT_EQ(d.birth_country(), "US");
  EXPECT_EQ(d.citizenship_country(), "GM");
  EXPECT_EQ(d.permanent_residence_country(), "GM");
  EXPECT_EQ(d.birth_country_reason(), "01");
  EXPECT_EQ(d.remarks(), "born here");
  EXPECT_EQ(d.form_purpose(), "08");  // the visitor is Active: the dependent joins later
  EXPECT_TRUE(found[0].alert.changes().empty());
  EXPECT_TRUE(found[0].alert.issues().empty()) << found[0].alert.DebugString();
}

TEST(JDependentAddData, FormPurposeIsBeginNewProgramForAnInitialVisitor) {
  World w = Baseline();
  w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  AddDependentD2(w);
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_ADD);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert.dependent().form_purpose(), "06");
}

TEST(JDependentAddData, RequiredValuesMissingAreIssues) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  auto& d2 = AddDependentD2(w);
  d2.mutable_bio()->clear_birth_city();
  d2.mutable_bio()->clear_gender();
  d2.clear_permanent_residence_country();
  d2.clear_birth_country_reason();  // born in the US
  d2.set_relationship("03");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_ADD);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"ds2019.dependents[D2].bio.birth_city:REQUIRED_MISSING",
                                   "ds2019.dependents[D2].bio.gender:REQUIRED_MISSING",
                                   "ds2019.dependents[D2].permanent_residence_country:"
                                   "REQUIRED_MISSING",
                                   "ds2019.dependents[D2].birth_country_reason:REQUIRED_MISSING",
                                   "ds2019.dependents[D2].relationship:UNKNOWN_CODE"}));
}

// ---------------------------------------------------------------------------------------------
// Dependent - Delete.

constexpr char kDelete[] =
    "Dependent - Delete: The exchange visitor has a SEVIS Status of Initial. The relationship "
    "status in the SEVIS Master component is Active. AND The relationship status on the most "
    "recent effective-dated DS-2019 form is Deleted.";

void InitialD1Deleted(World& w) {
  w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_DELETED);
}

class JDependentDelete : public ::testing::TestWithParam<EventCase> {};
TEST_P(JDependentDelete, RuleBook) {
  CheckCase(GetParam(), v1::EVENT_TYPE_EV_DEPENDENT_DELETE, "D1");
}

INSTANTIATE_TEST_SUITE_P(
    J, JDependentDelete,
    ::testing::Values(
        EventCase{"InitialMasterActive", kDelete, InitialD1Deleted, true},
        EventCase{"MasterInitialCountsAsLive", kDelete,
                  [](World& w) {
                    InitialD1Deleted(w);
                    MasterD1(w).set_relationship_status("INITIAL");
                  },
                  true},
        EventCase{"ActiveVisitor", kDelete,
                  [](World& w) {
                    D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_DELETED);
                  },
                  false},
        EventCase{"MasterTerminated", kDelete,
                  [](World& w) {
                    InitialD1Deleted(w);
                    MasterD1(w).set_relationship_status("TERMINATED");
                  },
                  false},
        EventCase{"NotInMaster", kDelete,
                  [](World& w) {
                    InitialD1Deleted(w);
                    MasterD1(w).set_dependent_id("D9");
                  },
                  false},
        EventCase{"StillActiveOnDs2019", kDelete,
                  [](World& w) { w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL); }, false}),
    CaseName);

TEST(JDependentDeleteData, CarriesSevisIdAndRequiresIt) {
  World w = Baseline();
  InitialD1Deleted(w);
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_DELETE);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert.dependent().dependent_sevis_id(), "N0007000001");
  EXPECT_TRUE(found[0].alert.issues().empty());
  MasterD1(w).clear_dependent_sevis_id();
  found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_DELETE);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"master.dependents[D1].dependent_sevis_id:REQUIRED_MISSING"}));
}

// ---------------------------------------------------------------------------------------------
// Dependent - Edit.

constexpr char kEdit[] =
    "Dependent - Edit: The exchange visitor has a SEVIS Status of Initial or Active. For each "
    "dependent listed in the SEVIS Master component, a difference exists ... Last Name, First "
    "Name, Middle Name, Name Suffix, Preferred Name, Passport Name, Birthdate, Birth Location, "
    "Sex, Birth Country, Citizenship Country, Preferred Email Address, Relationship, Permanent "
    "Residence Country, Birth Country Reason (on DS-2019 form)";

class JDependentEdit : public ::testing::TestWithParam<EventCase> {};
TEST_P(JDependentEdit, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_EV_DEPENDENT_EDIT, "D1"); }

INSTANTIATE_TEST_SUITE_P(
    J, JDependentEdit,
    ::testing::Values(
        EventCase{"Baseline", kEdit, Nothing, false},
        EventCase{"LastName", kEdit, [](World& w) { MasterD1(w).set_last_name("Mueller"); }, true,
                  {{"last_name", "Mueller", "Muller"}}},
        EventCase{"FirstName", kEdit, [](World& w) { MasterD1(w).set_first_name("Zoey"); }, true,
                  {{"first_name", "Zoey", "Zoe"}}},
        EventCase{"AccentIsNoChange", kBioConversion,
                  [](World& w) { MasterD1(w).set_first_name("Zo\u00eb"); }, false},
        EventCase{"MiddleName", kEdit,
                  [](World& w) { D1(w).mutable_name()->set_middle_name("Ann"); }, true,
                  {{"middle_name", "", "Ann"}}},
        EventCase{"Suffix", kEdit, [](World& w) { MasterD1(w).set_suffix("II"); }, true,
                  {{"suffix", "II", ""}}},
        EventCase{"PreferredWithoutTypeIgnored", kBioNameTypes,
                  [](World& w) { MasterD1(w).set_preferred_name("Zed"); }, false},
        EventCase{"PreferredWithType", kEdit,
                  [](World& w) {
                    w.setup.preferred_name_type = "PRF";
                    MasterD1(w).set_preferred_name("Zed");
                  },
                  true, {{"preferred_name", "Zed", ""}}},
        EventCase{"PassportWithType", kEdit,
                  [](World& w) {
                    w.setup.passport_name_type = "PAS";
                    auto* n = D1(w).add_names();
                    n->set_name_type("PAS");
                    n->set_first_name("Zo\u00eb");
                    n->set_last_name("M\u00fcller");
                  },
                  true, {{"passport_name", "", "Zoe Muller"}}},
        EventCase{"BirthDate", kEdit, [](World& w) { MasterD1(w).set_birth_date("1999-01-03"); },
                  true, {{"birth_date", "1999-01-03", "1999-01-02"}}},
        EventCase{"BirthLocation", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_birth_city("Kiel"); }, true,
                  {{"birth_city", "Hamburg", "Kiel"}}},
        EventCase{"Sex", kEdit, [](World& w) { D1(w).mutable_bio()->set_gender("U"); }, true,
                  {{"gender", "F", "U"}}},
        EventCase{"BirthCountry", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_birth_country("FR"); }, true,
                  {{"birth_country", "GM", "FR"}}},
        EventCase{"CitizenshipCountry", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_citizenship_country("FR"); }, true,
                  {{"citizenship_country", "GM", "FR"}}},
        EventCase{"Email", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_preferred_email("z@example.com"); },
                  true, {{"email", "zoe@example.com", "z@example.com"}}},
        EventCase{"EmailCaseIsNoChange", kEdit,
                  [](World& w) { D1(w).mutable_bio()->set_preferred_email("Zoe@Example.com"); },
                  false},
        EventCase{"Relationship", kEdit, [](World& w) { D1(w).set_relationship("02"); }, true,
                  {{"relationship", "01", "02"}}},
        EventCase{"PermanentResidence", kEdit,
                  [](World& w) { D1(w).set_permanent_residence_country("FR"); }, true,
                  {{"permanent_residence_country", "GM", "FR"}}},
        EventCase{"BirthCountryReason", kEdit,
                  [](World& w) { MasterD1(w).set_birth_country_reason("01"); }, true,
                  {{"birth_country_reason", "01", ""}}},
        EventCase{"CitizenshipStatusNotCompared", kEdit,
                  [](World& w) { MasterD1(w).set_citizenship_status("C"); }, false},
        EventCase{"InitialVisitor", kEdit,
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    D1(w).mutable_bio()->set_birth_city("Kiel");
                  },
                  true, {{"birth_city", "Hamburg", "Kiel"}}},
        EventCase{"InactiveVisitor", kEdit,
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INACTIVE);
                    D1(w).mutable_bio()->set_birth_city("Kiel");
                  },
                  false},
        EventCase{"MasterTerminatedNotEdited", kEdit,
                  [](World& w) {
                    MasterD1(w).set_relationship_status("TERMINATED");
                    D1(w).mutable_bio()->set_birth_city("Kiel");
                  },
                  false},
        EventCase{"EndedOnDs2019NotEdited", kEdit,
                  [](World& w) {
                    D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_ENDED);
                    D1(w).mutable_bio()->set_birth_city("Kiel");
                  },
                  false}),
    CaseName);

TEST(JDependentEditData, CarriesAllCurrentValuesAndSevisId) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  D1(w).set_permanent_residence_country("FR");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_EDIT);
  ASSERT_EQ(found.size(), 1u);
  const v1::DependentData& d = found[0].alert.dependent();
  EXPECT_EQ(d.dependent_sevis_id(), "N0007000001");
  EXPECT_EQ(d.last_name(), "Muller");
  EXPECT_EQ(d.first_name(), "Zoe");
  EXPECT_EQ(d.birth_city(), "Hamburg");
  EXPECT_EQ(d.permanent_residence_country(), "FR");
  EXPECT_EQ(d.relationship(), "01");
  EXPECT_TRUE(found[0].alert.issues().empty()) << found[0].alert.DebugString();
}

TEST(JDependentEditData, DuplicateIdFirstRowCounts) {
  World w = Baseline();
  auto* dup = Ds(w).add_dependents();
  *dup = D1(w);
  dup->mutable_bio()->set_birth_city("Kiel");
  EXPECT_TRUE(OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_EDIT).empty());
}

// ---------------------------------------------------------------------------------------------
// Dependent - End Status and Dependent - Terminate.

constexpr char kEnd[] =
    "Dependent - End Status: The exchange visitor has a SEVIS Status of Active. The relationship "
    "status on the most recent effective-dated DS-2019 Form is Ended Status and an end status "
    "reason is provided. AND The relationship status for the dependent ID on SEVIS Master "
    "component is Active.";
constexpr char kTerm[] =
    "Dependent - Terminate: The exchange visitor has a SEVIS Status of Active. The relationship "
    "status in the SEVIS Master component, Dependents page is Active. AND The relationship status "
    "on the most recent effective-dated DS-2019 form is Terminated and a termination reason is "
    "provided.";

void D1Ended(World& w) {
  D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_ENDED);
  D1(w).set_end_status_reason("04");
}
void D1Terminated(World& w) {
  D1(w).set_relationship_status(v1::RELATIONSHIP_STATUS_TERMINATED);
  D1(w).set_termination_reason("05");
}

class JDependentEndStatus : public ::testing::TestWithParam<EventCase> {};
TEST_P(JDependentEndStatus, RuleBook) {
  CheckCase(GetParam(), v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS, "D1");
}

INSTANTIATE_TEST_SUITE_P(
    J, JDependentEndStatus,
    ::testing::Values(
        EventCase{"EndedWithReason", kEnd, D1Ended, true},
        EventCase{"NoReasonDoesNotFire", kEnd,
                  [](World& w) {
                    D1Ended(w);
                    D1(w).set_end_status_reason("  ");
                  },
                  false},
        EventCase{"InitialVisitor", kEnd,
                  [](World& w) {
                    D1Ended(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                  },
                  false},
        EventCase{"MasterNotActive", kEnd,
                  [](World& w) {
                    D1Ended(w);
                    MasterD1(w).set_relationship_status("INITIAL");
                  },
                  false},
        EventCase{"MasterActiveAnyCase", kEnd,
                  [](World& w) {
                    D1Ended(w);
                    MasterD1(w).set_relationship_status(" active ");
                  },
                  true},
        EventCase{"TerminatedIsNotEnded", kEnd, D1Terminated, false}),
    CaseName);

class JDependentTerminate : public ::testing::TestWithParam<EventCase> {};
TEST_P(JDependentTerminate, RuleBook) {
  CheckCase(GetParam(), v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE, "D1");
}

INSTANTIATE_TEST_SUITE_P(
    J, JDependentTerminate,
    ::testing::Values(
        EventCase{"TerminatedWithReason", kTerm, D1Terminated, true},
        EventCase{"NoReasonDoesNotFire", kTerm,
                  [](World& w) {
                    D1Terminated(w);
                    D1(w).clear_termination_reason();
                  },
                  false},
        EventCase{"InitialVisitor", kTerm,
                  [](World& w) {
                    D1Terminated(w);
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                  },
                  false},
        EventCase{"MasterTerminated", kTerm,
                  [](World& w) {
                    D1Terminated(w);
                    MasterD1(w).set_relationship_status("TERMINATED");
                  },
                  false},
        EventCase{"NotInMaster", kTerm,
                  [](World& w) {
                    D1Terminated(w);
                    MasterD1(w).set_dependent_id("D9");
                  },
                  false},
        EventCase{"EndedIsNotTerminated", kTerm, D1Ended, false}),
    CaseName);

TEST(JDependentEndStatusData, CarriesReasonCheckedAgainstTable) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  D1Ended(w);
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert.dependent().reason(), "04");
  EXPECT_EQ(found[0].alert.dependent().dependent_sevis_id(), "N0007000001");
  EXPECT_TRUE(found[0].alert.issues().empty());
  D1(w).set_end_status_reason("07");
  found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"ds2019.dependents[D1].end_status_reason:UNKNOWN_CODE"}));
}

TEST(JDependentTerminateData, CarriesReasonCheckedAgainstTable) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  D1Terminated(w);
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert.dependent().reason(), "05");
  EXPECT_EQ(found[0].alert.dependent().dependent_sevis_id(), "N0007000001");
  // EffectiveDate: the effective date of the DS-2019 row that terminated the dependent.
  ASSERT_FALSE(Ds(w).effective_date().empty());
  EXPECT_EQ(found[0].alert.dependent().termination_effective_date(), Ds(w).effective_date());
  EXPECT_TRUE(found[0].alert.issues().empty());
  D1(w).set_termination_reason("02");  // an F/M reason, not an EV one
  found = OfType(Detect(w), v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"ds2019.dependents[D1].termination_reason:UNKNOWN_CODE"}));
}

// ---------------------------------------------------------------------------------------------
// Financial Info.

constexpr char kFin[] =
    "Financial Info: The exchange visitor has a SEVIS Status of Initial or Active. A difference "
    "exists between the data on the SEVIS Master component and the following data on the most "
    "recent effective-dated row on the DS-2019 form: Received U.S. Gov Funds, Current Program "
    "Sponsor, GovtOrg1, GovtOrg1Amount, GovtOrg2, GovtOrg2Amount, InternatOrg1, "
    "InternatOrg1Amount, InternatOrg2, InternatOrg2Amount, EV Govt, Binational Commission, Other "
    "Org, Personal Funds";

v1::EvFinancial& Fin(World& w) { return *Ds(w).mutable_financial(); }

class JFinancialInfo : public ::testing::TestWithParam<EventCase> {};
TEST_P(JFinancialInfo, RuleBook) { CheckCase(GetParam(), v1::EVENT_TYPE_EV_FINANCIAL_INFO, ""); }

INSTANTIATE_TEST_SUITE_P(
    J, JFinancialInfo,
    ::testing::Values(
        EventCase{"Baseline", kFin, Nothing, false},
        EventCase{"ReceivedUsGovtFunds", kFin,
                  [](World& w) { Fin(w).set_received_us_govt_funds(true); }, true,
                  {{"received_us_govt_funds", "N", "Y"}}},
        EventCase{"ProgramSponsor", kFin,
                  [](World& w) { Fin(w).set_program_sponsor_funds(21000); }, true,
                  {{"program_sponsor_funds", "20000", "21000"}}},
        EventCase{"GovtOrg1", kFin, [](World& w) { Fin(w).set_govt_org1("DOS"); }, true,
                  {{"govt_org1", "", "DOS"}}},
        EventCase{"GovtOrg1Amount", kFin, [](World& w) { Fin(w).set_govt_org1_amount(500); },
                  true, {{"govt_org1_amount", "0", "500"}}},
        EventCase{"GovtOrg2", kFin, [](World& w) { Fin(w).set_govt_org2("NSF"); }, true,
                  {{"govt_org2", "", "NSF"}}},
        EventCase{"GovtOrg2Amount", kFin, [](World& w) { Fin(w).set_govt_org2_amount(600); },
                  true, {{"govt_org2_amount", "0", "600"}}},
        EventCase{"InternatOrg1", kFin, [](World& w) { Fin(w).set_internat_org1("FAO"); }, true,
                  {{"internat_org1", "", "FAO"}}},
        EventCase{"InternatOrg1Amount", kFin,
                  [](World& w) { Fin(w).set_internat_org1_amount(700); }, true,
                  {{"internat_org1_amount", "0", "700"}}},
        EventCase{"InternatOrg2", kFin, [](World& w) { Fin(w).set_internat_org2("ECA"); }, true,
                  {{"internat_org2", "", "ECA"}}},
        EventCase{"InternatOrg2Amount", kFin,
                  [](World& w) { Fin(w).set_internat_org2_amount(800); }, true,
                  {{"internat_org2_amount", "0", "800"}}},
        EventCase{"EvGovt", kFin, [](World& w) { w.m.mutable_ev_financial()->set_ev_govt(900); },
                  true, {{"ev_govt", "900", "0"}}},
        EventCase{"BinationalCommission", kFin,
                  [](World& w) { Fin(w).set_binational_commission(1000); }, true,
                  {{"binational_commission", "0", "1000"}}},
        EventCase{"OtherOrgAmount", kFin, [](World& w) { Fin(w).set_other_org(1100); }, true,
                  {{"other_org", "0", "1100"}}},
        EventCase{"OtherOrgName", kFin, [](World& w) { Fin(w).set_other_org_name("Rotary"); },
                  true, {{"other_org_name", "", "Rotary"}}},
        EventCase{"PersonalFunds", kFin, [](World& w) { Fin(w).set_personal_funds(9000); }, true,
                  {{"personal_funds", "10000", "9000"}}},
        EventCase{"OrgWhitespaceIsNoChange", kFin,
                  [](World& w) {
                    Fin(w).set_govt_org1(" DOS ");
                    w.m.mutable_ev_financial()->set_govt_org1("DOS");
                  },
                  false},
        EventCase{"InitialVisitor", kFin,
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
                    Fin(w).set_personal_funds(9000);
                  },
                  true, {{"personal_funds", "10000", "9000"}}},
        EventCase{"InactiveVisitor", kFin,
                  [](World& w) {
                    w.m.set_sevis_status(v1::SEVIS_STATUS_INACTIVE);
                    Fin(w).set_personal_funds(9000);
                  },
                  false}),
    CaseName);

TEST(JFinancialInfoData, CarriesAllCurrentValues) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  Fin(w).set_received_us_govt_funds(true);
  Fin(w).set_govt_org1(" DOS ");
  Fin(w).set_govt_org1_amount(5000);
  Fin(w).set_other_org(100);
  Fin(w).set_other_org_name("Rotary");
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_FINANCIAL_INFO);
  ASSERT_EQ(found.size(), 1u);
  const v1::EvFinancial& d = found[0].alert.ev_financial();
  EXPECT_TRUE(d.received_us_govt_funds());
  EXPECT_EQ(d.program_sponsor_funds(), 20000);
  EXPECT_EQ(d.govt_org1(), "DOS");
  EXPECT_EQ(d.govt_org1_amount(), 5000);
  EXPECT_EQ(d.other_org(), 100);
  EXPECT_EQ(d.other_org_name(), "Rotary");
  EXPECT_EQ(d.personal_funds(), 10000);
  EXPECT_TRUE(found[0].alert.issues().empty()) << found[0].alert.DebugString();
}

TEST(JFinancialInfoData, IssuesForAmountsAndOrganisations) {
  World w = Baseline();
  w.setup.codes = TestCodes();
  Fin(w).set_personal_funds(-1);
  Fin(w).set_ev_govt(100000000);
  Fin(w).set_govt_org1("XYZ");           // not a GovAgencyCodeType
  Fin(w).set_internat_org1_amount(300);  // amount without its organisation
  Fin(w).set_internat_org2("DOS");       // a US agency is not an international organisation
  Fin(w).set_other_org(50);              // amount without a name
  auto found = OfType(Detect(w), v1::EVENT_TYPE_EV_FINANCIAL_INFO);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IssuesOf(found[0].alert),
            (std::set<std::string>{"ds2019.financial.personal_funds:OUT_OF_RANGE",
                                   "ds2019.financial.ev_govt:OUT_OF_RANGE",
                                   "ds2019.financial.govt_org1:UNKNOWN_CODE",
                                   "ds2019.financial.internat_org1:REQUIRED_MISSING",
                                   "ds2019.financial.internat_org2:UNKNOWN_CODE",
                                   "ds2019.financial.other_org_name:REQUIRED_MISSING"}));
}

TEST(JPersonIds, SameFindingSameAlertId) {
  World w = Baseline();
  Fin(w).set_personal_funds(9000);
  auto a = OfType(Detect(w), v1::EVENT_TYPE_EV_FINANCIAL_INFO);
  w.s.set_version(w.s.version() + 1);
  auto b = OfType(Detect(w), v1::EVENT_TYPE_EV_FINANCIAL_INFO);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].alert.alert_id(), b[0].alert.alert_id());
  EXPECT_EQ(a[0].emitted_key, b[0].emitted_key);
}

}  // namespace
}  // namespace sevisflow::rules
