// The exchange-visitor writer (ev_document.cc): every J event validated by Xerces and, as an
// independent check, by libxml2 (xmllint), whose XPath also reads the key values back.
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ev_test_alerts.h"
#include "sevisflow/sevisxml/document.h"
#include "sevisflow/sevisxml/validator.h"
#include "test_support.h"

namespace sevisflow::sevisxml {
namespace {

namespace v1 = sevisflow::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::AllEvEvents;
using testing::EvDependentSevisId;
using testing::EvSevisId;
using testing::MakeCreateEvAlert;
using testing::MakeEvAlert;

constexpr char kUserId[] = "rpo-000042";
constexpr char kRoot[] = "/SEVISBatchCreateUpdateEV";

// The element each event becomes (Create-UpdateExchangeVisitor.xsd 6.27), written out here and
// not taken from the code under test.
const std::map<v1::EventType, std::string>& EventPaths() {
  static const auto* paths = new std::map<v1::EventType, std::string>{
      {v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, "CreateEV/ExchangeVisitor"},
      {v1::EVENT_TYPE_EV_BIOGRAPHICAL, "UpdateEV/ExchangeVisitor/Biographical"},
      {v1::EVENT_TYPE_EV_DEPENDENT_ADD, "UpdateEV/ExchangeVisitor/Dependent/Add"},
      {v1::EVENT_TYPE_EV_DEPENDENT_DELETE, "UpdateEV/ExchangeVisitor/Dependent/Delete"},
      {v1::EVENT_TYPE_EV_DEPENDENT_EDIT, "UpdateEV/ExchangeVisitor/Dependent/Edit"},
      {v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS, "UpdateEV/ExchangeVisitor/Dependent/EndStatus"},
      {v1::EVENT_TYPE_EV_DEPENDENT_REPRINT, "UpdateEV/ExchangeVisitor/Dependent/Reprint"},
      {v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE, "UpdateEV/ExchangeVisitor/Dependent/Terminate"},
      {v1::EVENT_TYPE_EV_FINANCIAL_INFO, "UpdateEV/ExchangeVisitor/FinancialInfo"},
      {v1::EVENT_TYPE_EV_PROGRAM_AMEND, "UpdateEV/ExchangeVisitor/Program/Amend"},
      {v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT, "UpdateEV/ExchangeVisitor/Program/EditSubject"},
      {v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, "UpdateEV/ExchangeVisitor/Program/Extension"},
      {v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE, "UpdateEV/ExchangeVisitor/Program/Matriculate"},
      {v1::EVENT_TYPE_EV_PROGRAM_SHORTEN, "UpdateEV/ExchangeVisitor/Program/Shorten"},
      {v1::EVENT_TYPE_EV_REPRINT, "UpdateEV/ExchangeVisitor/Reprint"},
      {v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD, "UpdateEV/ExchangeVisitor/SiteOfActivity/Add"},
      {v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE,
       "UpdateEV/ExchangeVisitor/SiteOfActivity/Delete"},
      {v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT, "UpdateEV/ExchangeVisitor/SiteOfActivity/Edit"},
      {v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION,
       "UpdateEV/ExchangeVisitor/Status/CorrectInfraction"},
      {v1::EVENT_TYPE_EV_STATUS_INVALID, "UpdateEV/ExchangeVisitor/Status/Invalid"},
      {v1::EVENT_TYPE_EV_STATUS_NO_SHOW, "UpdateEV/ExchangeVisitor/Status/NoShow"},
      {v1::EVENT_TYPE_EV_STATUS_TERMINATE, "UpdateEV/ExchangeVisitor/Status/Terminate"},
      {v1::EVENT_TYPE_EV_VALIDATE, "UpdateEV/ExchangeVisitor/Validate"},
  };
  return *paths;
}

// Values the factory alerts of MakeEvAlert(event, 3) must show, relative to the event element
// ("." is the element itself). Each pair is (XPath, string value).
using Expected = std::vector<std::pair<std::string, std::string>>;
Expected KeyValues(v1::EventType event) {
  const std::string dependent_sevis_id = EvDependentSevisId(3);
  switch (event) {
    case v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR:
      return {{"@printForm", "true"},
              {"Biographical/FullName/LastName", "Specimen"},
              {"Biographical/FullName/FirstName", "Ana Maria"},
              {"CategoryCode", "1B"},
              {"USAddress/ExplanationCode", "OH"},
              {"FinancialInfo/OtherFunds/USGovt/Org1", "DOS"},
              {"CreateDependent/Dependent/UserDefinedA", "D3-0"},
              {"AddSiteOfActivity/SiteOfActivity/@*[local-name()='type']", "SOA"}};
    case v1::EVENT_TYPE_EV_BIOGRAPHICAL:
      return {{"@printForm", "true"},
              {"FullName/FirstName", "Ana Maria"},
              {"count(FullName/PreferredName)", "1"},  // cleared: an empty tag
              {"FullName/PreferredName", ""},
              {"USAddress/Explanation", "Lives with a host family"},
              {"MailAddress/Address1", "106 Example Avenue"}};
    case v1::EVENT_TYPE_EV_DEPENDENT_ADD:
      return {{"../UserDefinedA", "D3-1"},
              {"@printForm", "true"},
              {"FullName/FirstName", "Louis Noel"},
              {"Relationship", "02"},
              {"FormPurpose", "08"},
              {"count(@dependentSevisID)", "0"}};
    case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
      return {{"@dependentSevisID", dependent_sevis_id}, {"count(*)", "0"}};
    case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
      return {{"@dependentSevisID", dependent_sevis_id},
              {"FullName/LastName", "Exemplar"},
              {"Remarks", "Spouse name corrected"},
              {"count(../UserDefinedA)", "0"}};
    case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
      return {{"@dependentSevisID", dependent_sevis_id}, {"Reason", "04"}};
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
      return {{"@dependentSevisID", dependent_sevis_id}, {"Reason", "05"}, {"@printForm", "true"}};
    case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE:
      return {{"@dependentSevisID", dependent_sevis_id},
              {"Reason", "09"},
              {"EffectiveDate", "2025-05-30"},
              {"OtherRemarks", "Dependent left the program area"}};
    case v1::EVENT_TYPE_EV_FINANCIAL_INFO:
      return {{"@printForm", "true"},
              {"ReceivedUSGovtFunds", "true"},
              {"ProgramSponsorFunds", "15000"},
              {"OtherFunds/USGovt/Amount1", "2500"},
              {"count(OtherFunds/BinationalCommission)", "1"},  // cleared
              {"OtherFunds/BinationalCommission", ""},
              {"OtherFunds/Personal", "3000"}};
    case v1::EVENT_TYPE_EV_PROGRAM_AMEND:
      return {{"PrgStartDate", "2025-08-25"}, {"PrgEndDate", "2027-05-20"}};
    case v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT:
      return {{"SubjectFieldCode", "11.0701"}, {"SubjectFieldRemarks", "Computer science"}};
    case v1::EVENT_TYPE_EV_PROGRAM_EXTENSION:
      return {{"NewPrgEndDate", "2027-05-20"},
              {"TippPhaseDates/TippPhase/PhaseId", "4711"},
              {"TippPhaseDates/TippPhase/EndDate", "2027-05-20"}};
    case v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE:
      return {{"NewPrgEndDate", "2027-05-20"}, {"MatriculationCode", "M"}};
    case v1::EVENT_TYPE_EV_PROGRAM_SHORTEN:
      return {{"NewPrgEndDate", "2026-05-15"}, {"ShortenReason", "OTHR"}};
    case v1::EVENT_TYPE_EV_REPRINT:
      return {{"Reason", "05"}, {"@printForm", "true"}};
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD:
      return {{"@*[local-name()='type']", "AddSOA"},
              {"@printForm", "true"},
              {"SiteName", "Research Annex 2"},
              {"PrimarySite", "false"}};
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
      return {{"SiteId", "90873"}, {"SiteName", "Example University"}};
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT:
      return {{"SiteId", "90873"},
              {"SiteName", "Example University"},
              {"NewSiteName", "Example University Main Campus"},
              {"ExplanationCode", "OB"},
              {"PrimarySite", "true"}};
    case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION:
      return {{"InfractionType", "EXT"}, {"NewEndDate", "2026-12-18"}};
    case v1::EVENT_TYPE_EV_STATUS_INVALID:
      return {{"Remarks", "Record created in error"}};
    case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
      return {{"count(*)", "0"}};
    case v1::EVENT_TYPE_EV_STATUS_TERMINATE:
      return {{"Reason", "OTHER"}, {"EffectiveDate", "2025-06-01"}};
    case v1::EVENT_TYPE_EV_VALIDATE:
      return {{"USAddress/PostalCode", "02115"}, {"PhoneNumber", "6175550100"}};
    default:
      return {};
  }
}

// Quotes `s` for a single-quoted shell word.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The string value of an XPath expression over `file`, read by libxml2 (xmllint --xpath).
std::string XPath(const std::string& file, const std::string& expr) {
  const bool function = expr.rfind("count(", 0) == 0 || expr.rfind("namespace-uri(", 0) == 0;
  const std::string wrapped = function ? absl::StrCat("concat('[', ", expr, ", ']')")
                                  : absl::StrCat("concat('[', string(", expr, "), ']')");
  const std::string command =
      absl::StrCat("xmllint --xpath ", ShellQuote(wrapped), " ", ShellQuote(file), " 2>&1");
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "<popen failed>";
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (output.size() >= 2 && output.front() == '[' && output.back() == ']') {
    return output.substr(1, output.size() - 2);
  }
  return "<xmllint: " + output + ">";
}

class EvDocumentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = SchemaValidator::Load(ExchangeVisitorSchemaPath(testing::XsdDir()));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    validator_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete validator_;
    validator_ = nullptr;
  }

  static DocumentSpec Spec(const std::vector<const v1::Alert*>& alerts) {
    DocumentSpec spec;
    spec.batch_id = "SFEVTEST000042";
    spec.org_id = testing::kEvOrgId;
    spec.user_id = kUserId;
    spec.family = v1::VISA_FAMILY_J;
    spec.print_form = true;
    int i = 0;
    for (const v1::Alert* alert : alerts) {
      spec.records.push_back(DocumentRecord{absl::StrCat("req-", i++), alert});
    }
    return spec;
  }

  // Validates `xml` with Xerces and with xmllint; returns the file xmllint read ("" on failure).
  static std::string ExpectValid(const std::string& xml, const std::string& name) {
    EXPECT_NE(validator_, nullptr);
    if (validator_ == nullptr) return "";
    const auto errors = validator_->Validate(xml);
    EXPECT_THAT(errors, IsEmpty()) << FormatErrors(errors) << xml;
    const std::string file = testing::WriteTempFile(name, xml);
    const auto lint = testing::RunXmllint(ExchangeVisitorSchemaPath(testing::XsdDir()), file);
    EXPECT_EQ(lint.exit_code, 0) << lint.output << xml;
    EXPECT_THAT(lint.output, HasSubstr("validates"));
    return errors.empty() && lint.exit_code == 0 ? file : "";
  }

  static absl::Status BuildError(const v1::Alert& alert) {
    auto xml = BuildEvDocument(Spec({&alert}));
    return xml.ok() ? absl::OkStatus() : xml.status();
  }

  static const SchemaValidator* validator_;
};

const SchemaValidator* EvDocumentTest::validator_ = nullptr;

// Position of `needle` in `haystack` at or after `from`.
size_t Pos(const std::string& haystack, const std::string& needle, size_t from = 0) {
  const size_t pos = haystack.find(needle, from);
  EXPECT_NE(pos, std::string::npos) << "missing " << needle;
  return pos;
}

TEST(EvTestAlertsTest, EnumerationStartsAtCreateAndCoversEveryPath) {
  const std::vector<v1::EventType> events = AllEvEvents();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  for (v1::EventType event : events) {
    EXPECT_EQ(EventPaths().count(event), 1u) << v1::EventType_Name(event);
  }
}

// ---------------------------------------------------------------------------------------------
// Every J event, one document each.

class EvEveryEventTest : public EvDocumentTest,
                         public ::testing::WithParamInterface<v1::EventType> {};

TEST_P(EvEveryEventTest, ValidatesWithXercesAndXmllintAndCarriesTheKeys) {
  const v1::EventType event = GetParam();
  const auto path = EventPaths().find(event);
  ASSERT_NE(path, EventPaths().end())
      << v1::EventType_Name(event) << ": add its XML element to EventPaths()";
  const Expected expected = KeyValues(event);
  ASSERT_FALSE(expected.empty()) << v1::EventType_Name(event) << ": add its values to KeyValues()";
  const v1::Alert alert = MakeEvAlert(event, 3);
  ASSERT_NE(alert.data_case(), v1::Alert::DATA_NOT_SET)
      << v1::EventType_Name(event) << ": add it to MakeEvAlert()";

  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::string file = ExpectValid(*xml, v1::EventType_Name(event) + ".xml");
  ASSERT_FALSE(file.empty());

  const std::string element = absl::StrCat(kRoot, "/", path->second);
  EXPECT_EQ(XPath(file, absl::StrCat("count(", element, ")")), "1") << element;
  const bool create = event == v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR;
  const std::string record = absl::StrCat(kRoot, create ? "/CreateEV" : "/UpdateEV",
                                          "/ExchangeVisitor");
  EXPECT_EQ(XPath(file, absl::StrCat("count(", record, ")")), "1");
  EXPECT_EQ(XPath(file, record + "/@requestID"), "req-0");
  EXPECT_EQ(XPath(file, record + "/@userID"), kUserId);
  EXPECT_EQ(XPath(file, absl::StrCat(kRoot, "/@userID")), kUserId);
  EXPECT_EQ(XPath(file, absl::StrCat(kRoot, "/BatchHeader/OrgID")), testing::kEvOrgId);
  if (create) {
    EXPECT_EQ(XPath(file, absl::StrCat("count(", kRoot, "/UpdateEV)")), "0");
  } else {
    EXPECT_EQ(XPath(file, record + "/@sevisID"), EvSevisId(3));
    EXPECT_EQ(XPath(file, absl::StrCat("count(", kRoot, "/CreateEV)")), "0");
    // Exactly one event element under the record.
    EXPECT_EQ(XPath(file, absl::StrCat("count(", record, "/*)")), "1");
  }
  for (const auto& [relative, value] : expected) {
    const std::string expr =
        relative.rfind("count(", 0) == 0
            ? absl::StrCat("count(", element, "/", relative.substr(6))
            : absl::StrCat(element, "/", relative);
    EXPECT_EQ(XPath(file, expr), value) << expr;
  }
}

INSTANTIATE_TEST_SUITE_P(AllJEvents, EvEveryEventTest, ::testing::ValuesIn(AllEvEvents()),
                         [](const ::testing::TestParamInfo<v1::EventType>& param_info) {
                           return v1::EventType_Name(param_info.param);
                         });

// ---------------------------------------------------------------------------------------------
// Creates.

TEST_F(EvDocumentTest, CreateWithTwoDependentsAndTwoSitesValidates) {
  const v1::Alert alert = MakeCreateEvAlert(4, 2, 2);
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::string file = ExpectValid(*xml, "create_two_two.xml");
  ASSERT_FALSE(file.empty());
  const std::string ev = absl::StrCat(kRoot, "/CreateEV/ExchangeVisitor");
  EXPECT_EQ(XPath(file, absl::StrCat("count(", ev, "/CreateDependent/Dependent)")), "2");
  EXPECT_EQ(XPath(file, ev + "/CreateDependent/Dependent[1]/UserDefinedA"), "D4-0");
  EXPECT_EQ(XPath(file, ev + "/CreateDependent/Dependent[2]/UserDefinedA"), "D4-1");
  EXPECT_EQ(XPath(file, ev + "/CreateDependent/Dependent[2]/FullName/FirstName"), "Louis Noel");
  EXPECT_EQ(XPath(file, ev + "/CreateDependent/Dependent[2]/Relationship"), "02");
  const std::string sites = ev + "/AddSiteOfActivity/SiteOfActivity";
  EXPECT_EQ(XPath(file, absl::StrCat("count(", sites, ")")), "2");
  EXPECT_EQ(XPath(file, sites + "[1]/@*[local-name()='type']"), "SOA");
  EXPECT_EQ(XPath(file, sites + "[1]/SiteName"), "Example University Main Campus");
  EXPECT_EQ(XPath(file, sites + "[1]/PrimarySite"), "true");
  EXPECT_EQ(XPath(file, sites + "[2]/@*[local-name()='type']"), "EXEMPT");
  EXPECT_EQ(XPath(file, absl::StrCat("count(", sites, "[2]/Address1)")), "0");
  EXPECT_EQ(XPath(file, absl::StrCat("count(", ev, "/AddTIPP)")), "0");
  // The namespace of xsi:type is the XMLSchema-instance one.
  EXPECT_EQ(XPath(file, absl::StrCat("namespace-uri(", sites, "[1]/@*[local-name()='type'])")),
            "http://www.w3.org/2001/XMLSchema-instance");
}

TEST_F(EvDocumentTest, CreateChildrenFollowSchemaOrder) {
  v1::Alert alert = MakeCreateEvAlert(5, 1, 1);
  alert.mutable_create_exchange_visitor()->set_occupation_category("04");
  DocumentSpec spec = Spec({&alert});
  spec.records[0].user_defined_a = "UDA-5";
  spec.records[0].user_defined_b = "UDB-5";
  auto xml = BuildEvDocument(spec);
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "create_order.xml");
  size_t at = Pos(*xml, "<CreateEV>");
  for (const char* tag :
       {"<UserDefinedA>UDA-5", "<UserDefinedB>UDB-5", "<Biographical>", "<FullName>",
        "<LastName>", "<FirstName>", "<PassportName>", "<PreferredName>", "<BirthDate>",
        "<Gender>", "<BirthCity>", "<BirthCountryCode>", "<CitizenshipCountryCode>",
        "<PermanentResidenceCountryCode>", "<EmailAddress>", "<PhoneNumber>", "<PositionCode>",
        "<PrgStartDate>", "<PrgEndDate>", "<CategoryCode>", "<OccupationCategoryCode>",
        "<SubjectField>", "<SubjectFieldCode>", "<Remarks>", "<USAddress>", "<MailAddress>",
        "<FinancialInfo>", "<ReceivedUSGovtFunds>", "<ProgramSponsorFunds>", "<OtherFunds>",
        "<USGovt>", "<International>", "<EVGovt>", "<BinationalCommission>", "<Other>",
        "<Personal>", "<CreateDependent>", "<Dependent>", "<Relationship>", "<UserDefinedA>D5-0",
        "<AddSiteOfActivity>"}) {
    const size_t next = Pos(*xml, tag, at);
    EXPECT_GT(next, at) << tag;
    at = next;
  }
}

TEST_F(EvDocumentTest, CreateWithoutDependentsOrOptionalFundsOmitsThem) {
  v1::Alert alert = MakeCreateEvAlert(6, 0, 1);  // even n: no other funds, no middle name
  alert.mutable_create_exchange_visitor()->clear_mailing_address();
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "create_minimal.xml");
  for (const char* tag : {"<CreateDependent", "<USGovt", "<International", "<EVGovt",
                          "<MailAddress", "<PreferredName", "<OccupationCategoryCode"}) {
    EXPECT_THAT(*xml, Not(HasSubstr(tag))) << tag;
  }
  EXPECT_THAT(*xml, HasSubstr("<Personal>4000</Personal>"));
  EXPECT_THAT(*xml, HasSubstr("<FirstName>Jules</FirstName>"));
}

TEST_F(EvDocumentTest, CreateWithoutSitesBuildsButFailsValidation) {
  // The rules flag the missing site (REQUIRED_MISSING); the XSD is the gate.
  const v1::Alert alert = MakeCreateEvAlert(7, 0, 0);
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  const auto errors = validator_->Validate(*xml);
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors[0].path, HasSubstr("AddSiteOfActivity"));
}

// ---------------------------------------------------------------------------------------------
// One document: a create and every update event.

TEST_F(EvDocumentTest, OneDocumentWithACreateAndEveryUpdateEventValidates) {
  std::vector<v1::Alert> alerts;
  for (v1::EventType event : AllEvEvents()) {
    if (event != v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) alerts.push_back(MakeEvAlert(event, 8));
  }
  alerts.push_back(MakeCreateEvAlert(9, 2, 2));  // listed last, written first
  std::vector<const v1::Alert*> pointers;
  for (const v1::Alert& alert : alerts) pointers.push_back(&alert);
  auto xml = BuildEvDocument(Spec(pointers));
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::string file = ExpectValid(*xml, "mixed.xml");
  ASSERT_FALSE(file.empty());

  const size_t updates = alerts.size() - 1;
  EXPECT_EQ(XPath(file, absl::StrCat("count(", kRoot, "/CreateEV/ExchangeVisitor)")), "1");
  EXPECT_EQ(XPath(file, absl::StrCat("count(", kRoot, "/UpdateEV/ExchangeVisitor)")),
            std::to_string(updates));
  EXPECT_EQ(XPath(file, absl::StrCat(kRoot, "/CreateEV/ExchangeVisitor/@requestID")),
            absl::StrCat("req-", updates));
  // Updates in input order, each with its one event element.
  size_t at = Pos(*xml, "<UpdateEV>");
  for (size_t i = 0; i < updates; ++i) {
    const size_t next = Pos(*xml, absl::StrCat("requestID=\"req-", i, "\""), at);
    EXPECT_GT(next, at) << i;
    at = next;
  }
  for (const auto& [event, path] : EventPaths()) {
    EXPECT_EQ(XPath(file, absl::StrCat("count(", kRoot, "/", path, ")")), "1")
        << v1::EventType_Name(event);
  }
  // xsi is declared once, on the root.
  EXPECT_EQ(xml->find("xmlns:xsi"), xml->rfind("xmlns:xsi"));
  EXPECT_LT(xml->find("xmlns:xsi"), xml->find("<BatchHeader>"));
}

TEST_F(EvDocumentTest, BuildDocumentDispatchesTheJFamilyHere) {
  const v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_VALIDATE, 1);
  auto xml = BuildDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_THAT(*xml, HasSubstr(R"(<SEVISBatchCreateUpdateEV userID="rpo-000042">)"));
  EXPECT_THAT(*xml, Not(HasSubstr("xmlns")));  // no site: no xsi declaration
  ExpectValid(*xml, "dispatch.xml");
}

TEST_F(EvDocumentTest, EmptyBatchHasOnlyTheHeaderAndValidates) {
  auto xml = BuildEvDocument(Spec({}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_THAT(*xml, Not(HasSubstr("<CreateEV")));
  EXPECT_THAT(*xml, Not(HasSubstr("<UpdateEV")));
  EXPECT_THAT(*xml, HasSubstr("<BatchID>SFEVTEST000042</BatchID>"));
  ExpectValid(*xml, "empty.xml");
}

// ---------------------------------------------------------------------------------------------
// Details of single events.

TEST_F(EvDocumentTest, PrintFormFollowsTheSpec) {
  const v1::Alert create = MakeCreateEvAlert(1, 0, 1);
  const v1::Alert bio = MakeEvAlert(v1::EVENT_TYPE_EV_BIOGRAPHICAL, 1);
  const v1::Alert shorten = MakeEvAlert(v1::EVENT_TYPE_EV_PROGRAM_SHORTEN, 1);
  DocumentSpec spec = Spec({&create, &bio, &shorten});
  spec.print_form = false;
  auto xml = BuildEvDocument(spec);
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::string file = ExpectValid(*xml, "print_false.xml");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(XPath(file, absl::StrCat(kRoot, "/CreateEV/ExchangeVisitor/@printForm")), "false");
  EXPECT_EQ(
      XPath(file, absl::StrCat(kRoot, "/UpdateEV/ExchangeVisitor[1]/Biographical/@printForm")),
      "false");
  EXPECT_EQ(
      XPath(file, absl::StrCat(kRoot, "/UpdateEV/ExchangeVisitor[2]/Program/Shorten/@printForm")),
      "false");
  EXPECT_THAT(*xml, Not(HasSubstr("printForm=\"true\"")));
}

TEST_F(EvDocumentTest, RecordUserDefinedValuesAreWritten) {
  const v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_PROGRAM_AMEND, 2);
  DocumentSpec spec = Spec({&alert});
  spec.records[0].user_defined_a = "A123456789";
  spec.records[0].user_defined_b = "B1234567890123";
  auto xml = BuildEvDocument(spec);
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::string file = ExpectValid(*xml, "user_defined.xml");
  ASSERT_FALSE(file.empty());
  const std::string ev = absl::StrCat(kRoot, "/UpdateEV/ExchangeVisitor");
  EXPECT_EQ(XPath(file, ev + "/UserDefinedA"), "A123456789");
  EXPECT_EQ(XPath(file, ev + "/UserDefinedB"), "B1234567890123");
  EXPECT_EQ(XPath(file, ev + "/*[3]/*[1]/PrgEndDate"), "2027-05-20");
}

TEST_F(EvDocumentTest, BiographicalWithoutChangesSendsNoEmptyTags) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_BIOGRAPHICAL, 2);
  alert.clear_changes();
  alert.mutable_biographical()->clear_birth_country_reason();
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "bio_no_clear.xml");
  EXPECT_THAT(*xml, Not(HasSubstr("<PreferredName")));
  EXPECT_THAT(*xml, Not(HasSubstr("<BirthCountryReason")));
  EXPECT_THAT(*xml, HasSubstr("<Suffix>Jr.</Suffix>"));
}

TEST_F(EvDocumentTest, ClearedBirthCountryReasonIsAnEmptyTag) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_BIOGRAPHICAL, 2);
  v1::FieldChange* change = alert.add_changes();
  change->set_field("birth_country_reason");
  change->set_sevis_value("01");
  change->set_sis_value("");
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "bio_clear_reason.xml");
  EXPECT_THAT(*xml, HasSubstr("<BirthCountryReason/>"));
}

TEST_F(EvDocumentTest, SiteAddTypesFollowSiteType) {
  for (const auto& [type, xsi] : std::vector<std::pair<std::string, std::string>>{
           {"", "AddSOA"}, {"SOA", "AddSOA"}, {"EXEMPT", "AddEXEMPT"},
           {"SEEKINGEMP", "AddSEEKINGEMP"}, {"ONTRAVEL", "AddONTRAVEL"}}) {
    v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD, 2);
    alert.mutable_site_of_activity()->set_site_type(type);
    auto xml = BuildEvDocument(Spec({&alert}));
    ASSERT_TRUE(xml.ok()) << xml.status();
    EXPECT_THAT(*xml, HasSubstr(absl::StrCat("xsi:type=\"", xsi, "\""))) << type;
    EXPECT_EQ(xml->find("<Address1>") != std::string::npos, xsi == "AddSOA") << type;
    ExpectValid(*xml, absl::StrCat("site_add_", xsi, ".xml"));
  }
}

TEST_F(EvDocumentTest, SiteKnownOnlyByNameIsNamed) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE, 2);
  alert.mutable_site_of_activity()->clear_sevis_site_id();
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "site_delete_by_name.xml");
  EXPECT_THAT(*xml, Not(HasSubstr("<SiteId>")));
  EXPECT_THAT(*xml, HasSubstr("<SiteName>Example University</SiteName>"));
}

TEST_F(EvDocumentTest, SiteEditWithTheSameNameSendsNoNewName) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT, 2);
  alert.mutable_site_of_activity()->set_name("Example University");
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "site_edit_same_name.xml");
  EXPECT_THAT(*xml, Not(HasSubstr("<NewSiteName>")));
}

TEST_F(EvDocumentTest, NoShowNeedsNoData) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_STATUS_NO_SHOW, 2);
  alert.clear_data();
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "no_show.xml");
  EXPECT_THAT(*xml, HasSubstr("<NoShow/>"));
}

TEST_F(EvDocumentTest, MarkupCharactersAreEscaped) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_STATUS_INVALID, 2);
  alert.mutable_ev_status()->set_remarks("Duplicate <record> & \"copy\"");
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectValid(*xml, "escaped.xml");
  EXPECT_THAT(*xml, HasSubstr("<Remarks>Duplicate &lt;record&gt; &amp; \"copy\"</Remarks>"));
}

// ---------------------------------------------------------------------------------------------
// What the writer refuses: InvalidArgument naming the alert and what is missing, never a value.

TEST_F(EvDocumentTest, UpdateWithoutSevisIdIsInvalidArgument) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_BIOGRAPHICAL, 2);
  alert.clear_sevis_id();
  const absl::Status status = BuildError(alert);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "alert alert-EV_BIOGRAPHICAL-2 (EV_BIOGRAPHICAL): an update needs the sevis_id");
}

TEST_F(EvDocumentTest, DataOfAnotherEventIsInvalidArgument) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, 2);
  *alert.mutable_biographical() = MakeEvAlert(v1::EVENT_TYPE_EV_BIOGRAPHICAL, 2).biographical();
  const absl::Status status = BuildError(alert);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "alert alert-EV_PROGRAM_EXTENSION-2 (EV_PROGRAM_EXTENSION): needs ev_program data, "
            "has biographical");
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("Specimen")));
}

TEST_F(EvDocumentTest, MissingDataIsInvalidArgument) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_STATUS_TERMINATE, 2);
  alert.clear_data();
  const absl::Status status = BuildError(alert);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("needs ev_status data, has no data"));
}

TEST_F(EvDocumentTest, StudentStatusDataIsNotTakenForAJStatusEvent) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_REPRINT, 2);
  alert.mutable_status()->set_reason("05");
  const absl::Status status = BuildError(alert);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("needs ev_status data, has status"));
}

TEST_F(EvDocumentTest, InvalidUtf8IsInvalidArgumentNamingTheAlert) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_DEPENDENT_EDIT, 2);
  alert.mutable_dependent()->set_birth_city("Ly\xff\xfeon");
  const absl::Status status = BuildError(alert);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "alert alert-EV_DEPENDENT_EDIT-2 (EV_DEPENDENT_EDIT): a value is not valid UTF-8");
}

TEST_F(EvDocumentTest, ControlCharacterIsInvalidArgumentNamingTheAlert) {
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_STATUS_INVALID, 2);
  alert.mutable_ev_status()->set_remarks("Created\x01in error");
  const absl::Status status = BuildError(alert);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "alert alert-EV_STATUS_INVALID-2 (EV_STATUS_INVALID): a value holds a character XML "
            "cannot carry");
}

TEST_F(EvDocumentTest, StudentEventIsInvalidArgument) {
  const v1::Alert student = testing::MakeCreateStudentAlert(0);
  const absl::Status status = BuildError(student);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("(CREATE_STUDENT): not an exchange-visitor event"));
}

TEST_F(EvDocumentTest, DependentEventsNeedTheirIdentifiers) {
  v1::Alert terminate = MakeEvAlert(v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE, 2);
  terminate.mutable_dependent()->clear_dependent_sevis_id();
  EXPECT_THAT(std::string(BuildError(terminate).message()),
              HasSubstr("needs the dependent_sevis_id"));
  v1::Alert add = MakeEvAlert(v1::EVENT_TYPE_EV_DEPENDENT_ADD, 2);
  add.mutable_dependent()->clear_dependent_id();
  EXPECT_THAT(std::string(BuildError(add).message()),
              HasSubstr("a new dependent needs its dependent_id"));
  v1::Alert create = MakeCreateEvAlert(2, 2, 1);
  create.mutable_create_exchange_visitor()->mutable_dependents(1)->clear_dependent_id();
  const absl::Status status = BuildError(create);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("dependents[1] has no dependent_id"));
}

TEST_F(EvDocumentTest, SitesNeedTheirIdentityAndAKnownType) {
  v1::Alert edit = MakeEvAlert(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT, 2);
  edit.mutable_site_of_activity()->clear_sevis_site_id();
  edit.mutable_site_of_activity()->clear_sevis_name();
  EXPECT_THAT(std::string(BuildError(edit).message()),
              HasSubstr("needs the sevis_site_id or sevis_name"));
  v1::Alert add = MakeEvAlert(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD, 2);
  add.mutable_site_of_activity()->set_site_type("CAMPUS");
  EXPECT_THAT(std::string(BuildError(add).message()), HasSubstr("unknown site_type 'CAMPUS'"));
  v1::Alert create = MakeCreateEvAlert(2, 0, 1);
  create.mutable_create_exchange_visitor()->mutable_sites(0)->set_site_type("ONTRAVEL");
  const absl::Status status = BuildError(create);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("takes SOA or EXEMPT sites"));
}

TEST_F(EvDocumentTest, BadValueStillBuildsButFailsValidation) {
  // A code the rules flagged (UNKNOWN_CODE) is serialised; the XSD refuses it.
  v1::Alert alert = MakeEvAlert(v1::EVENT_TYPE_EV_STATUS_TERMINATE, 2);
  alert.mutable_ev_status()->set_reason("BOGUS");
  auto xml = BuildEvDocument(Spec({&alert}));
  ASSERT_TRUE(xml.ok()) << xml.status();
  const auto errors = validator_->Validate(*xml);
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_EQ(errors[0].path,
            "/SEVISBatchCreateUpdateEV/UpdateEV/ExchangeVisitor/Status/Terminate/Reason");
}

}  // namespace
}  // namespace sevisflow::sevisxml
