#include "sevisflow/sevisxml/student_document.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <xercesc/dom/DOMException.hpp>
#include <xercesc/util/TranscodingException.hpp>
#include <gtest/gtest.h>

#include "../src/xerces_support.h"
#include "sevisflow/sevisxml/validator.h"
#include "test_support.h"

namespace sevisflow::sevisxml {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class StudentDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alert_a_ = testing::MakeCreateStudentAlert(0);  // minimal optional data
    alert_b_ = testing::MakeCreateStudentAlert(1);  // every optional field
    batch_.batch_id = "SFTEST00000042";
    batch_.org_id = "BOS214F00123000";
    batch_.user_id = "tdso-00001";
    batch_.print_form = true;
    batch_.records = {StudentRecord{"req-0", &alert_a_}, StudentRecord{"req-1", &alert_b_}};
  }

  static std::unique_ptr<SchemaValidator> LoadStudent() {
    auto validator = SchemaValidator::Load(StudentSchemaPath(testing::XsdDir()));
    EXPECT_TRUE(validator.ok()) << validator.status();
    return validator.ok() ? std::move(validator).value() : nullptr;
  }

  sevisflow::v1::Alert alert_a_;
  sevisflow::v1::Alert alert_b_;
  StudentBatch batch_;
};

// Position of `needle` in `haystack` after `from`; npos-safe for ordering checks.
size_t Pos(const std::string& haystack, const std::string& needle, size_t from = 0) {
  const size_t pos = haystack.find(needle, from);
  EXPECT_NE(pos, std::string::npos) << "missing " << needle;
  return pos;
}

TEST_F(StudentDocumentTest, TwoCreateRecordsValidateWithXercesAndXmllint) {
  batch_.records[1].user_defined_a = "UDA-1";
  batch_.records[1].user_defined_b = "UDB-1";
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  auto validator = LoadStudent();
  ASSERT_NE(validator, nullptr);
  const auto errors = validator->Validate(*xml);
  EXPECT_THAT(errors, IsEmpty()) << FormatErrors(errors) << *xml;

  // An independent validator (libxml2) must agree.
  const std::string file = testing::WriteTempFile("two_creates.xml", *xml);
  const auto lint = testing::RunXmllint(StudentSchemaPath(testing::XsdDir()), file);
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  EXPECT_THAT(lint.output, HasSubstr("validates"));
}

TEST_F(StudentDocumentTest, WritesHeaderAttributesAndUtf8Declaration) {
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_THAT(*xml, HasSubstr(R"(encoding="UTF-8")"));
  EXPECT_THAT(*xml, HasSubstr(R"(<SEVISBatchCreateUpdateStudent userID="tdso-00001">)"));
  EXPECT_THAT(*xml, HasSubstr("<BatchID>SFTEST00000042</BatchID>"));
  EXPECT_THAT(*xml, HasSubstr("<OrgID>BOS214F00123000</OrgID>"));
  EXPECT_THAT(*xml, HasSubstr(R"(printForm="true" requestID="req-1" userID="tdso-00001")"));
  EXPECT_THAT(*xml, Not(HasSubstr("xmlns")));  // instance documents carry no namespace
}

TEST_F(StudentDocumentTest, ElementsFollowSchemaOrderAndGivenNamesAreJoined) {
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  const size_t second = Pos(*xml, R"(requestID="req-1")");
  EXPECT_THAT(xml->substr(second), HasSubstr("<FirstName>Mei Lin</FirstName>"));
  size_t at = second;
  for (const char* tag :
       {"<UserDefinedA>", "<PersonalInfo>", "<FullName>", "<LastName>", "<FirstName>",
        "<BirthDate>", "<Gender>", "<BirthCity>", "<BirthCountryCode>",
        "<CitizenshipCountryCode>", "<Email>", "<VisaType>", "<IssueReason>", "<USAddress>",
        "<ForeignAddress>", "<EducationalInfo>", "<EduLevel>", "<MajorCode1>", "<MajorCode2>",
        "<Minor>", "<IssDate>", "<PrgStartDate>", "<PrgEndDate>", "<EngProficiency>",
        "<EngRequired>", "<RequirementsMet>", "<FinancialInfo>", "<AcademicTerm>09",
        "<Expense>", "<Tuition>", "<LivingExpense>", "<DependentExp>", "<Other>",
        "<Funding>", "<Personal>", "<School>", "<Employment>", "<Remarks>Synthetic"}) {
    if (std::string(tag) == "<UserDefinedA>") continue;  // not set in this test
    const size_t next = Pos(*xml, tag, at);
    EXPECT_GT(next, at) << tag;
    at = next;
  }
}

TEST_F(StudentDocumentTest, OmitsOptionalFieldsTheAlertDoesNotHave) {
  batch_.records = {StudentRecord{"req-0", &alert_a_}};
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  for (const char* tag : {"<Email", "<USAddress", "<DependentExp", "<School", "<Employment",
                          "<Commuter", "<Suffix", "<UserDefinedA", "<RequirementsMet"}) {
    EXPECT_THAT(*xml, Not(HasSubstr(tag))) << tag;
  }
  EXPECT_THAT(*xml, HasSubstr("<FirstName>Alexa</FirstName>"));
  EXPECT_THAT(*xml, HasSubstr("<NotRequiredReason>"));
  auto validator = LoadStudent();
  ASSERT_NE(validator, nullptr);
  EXPECT_THAT(validator->Validate(*xml), IsEmpty());
}

TEST_F(StudentDocumentTest, IssueDateComesFromBatchElseFromDetectionDate) {
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok());
  EXPECT_THAT(*xml, HasSubstr("<IssDate>2025-03-14</IssDate>"));
  batch_.issue_date = "2025-04-01";
  xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok());
  EXPECT_THAT(*xml, HasSubstr("<IssDate>2025-04-01</IssDate>"));
  EXPECT_THAT(*xml, Not(HasSubstr("<IssDate>2025-03-14</IssDate>")));
}

TEST_F(StudentDocumentTest, EscapesMarkupCharactersInValues) {
  alert_b_.mutable_create_student()->set_remarks("Fees < 5 & \"ok\"");
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_THAT(*xml, HasSubstr("<Remarks>Fees &lt; 5 &amp; \"ok\"</Remarks>"));
}

TEST_F(StudentDocumentTest, BatchWithoutRecordsHasOnlyTheHeaderAndValidates) {
  batch_.records.clear();
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_THAT(*xml, Not(HasSubstr("CreateStudent")));
  auto validator = LoadStudent();
  ASSERT_NE(validator, nullptr);
  EXPECT_THAT(validator->Validate(*xml), IsEmpty());
}

TEST_F(StudentDocumentTest, UnsupportedEventIsInvalidArgumentNamingIt) {
  sevisflow::v1::Alert other;
  other.set_alert_id("alert-77");
  other.set_event_type(sevisflow::v1::EVENT_TYPE_UNSPECIFIED);
  batch_.records.push_back(StudentRecord{"req-2", &other});
  auto xml = BuildStudentDocument(batch_);
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(xml.status().message(),
            "alert alert-77: event EVENT_TYPE_UNSPECIFIED is not an F/M student event");
}

TEST_F(StudentDocumentTest, CreateEventWithoutDataIsInvalidArgument) {
  sevisflow::v1::Alert empty;
  empty.set_alert_id("alert-78");
  empty.set_event_type(sevisflow::v1::EVENT_TYPE_CREATE_STUDENT);
  batch_.records = {StudentRecord{"req-3", &empty}};
  auto xml = BuildStudentDocument(batch_);
  ASSERT_FALSE(xml.ok());
  EXPECT_THAT(std::string(xml.status().message()), HasSubstr("alert-78"));
}

TEST_F(StudentDocumentTest, InvalidUtf8IsInvalidArgument) {
  alert_a_.mutable_create_student()->set_birth_city("Ly\xff\xfeon");
  auto xml = BuildStudentDocument(batch_);
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StudentDocumentTest, BadDataStillBuildsButFailsValidation) {
  // The builder serialises; the XSD is the gate (a 13-character batch ID here).
  batch_.batch_id = "SFTEST0000042";
  auto xml = BuildStudentDocument(batch_);
  ASSERT_TRUE(xml.ok()) << xml.status();
  auto validator = LoadStudent();
  ASSERT_NE(validator, nullptr);
  const auto errors = validator->Validate(*xml);
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_EQ(errors[0].path, "/SEVISBatchCreateUpdateStudent/BatchHeader/BatchID");
}

// The student writer's XmlBuilder must write exactly what the Xerces DOM and LSSerializer write
// (DomBuilder) for the same calls: layout, attribute order, escaping and UTF-8.
template <typename Builder, typename Element>
std::string BuildSample(Builder& dom, Element* root) {
  dom.SetAttribute(root, "userID", "tdso-00001");
  dom.SetAttribute(root, "aFirst", "a&b<c>d\"e'f\tg\nh\ri");
  Element* header = dom.Add(root, "BatchHeader");
  dom.AddText(header, "BatchID", "SFTEST00000042");
  dom.AddOptional(header, "Skipped", "");
  Element* section = dom.Add(root, "UpdateStudent");
  for (int i = 0; i < 3; ++i) {
    Element* student = dom.Add(section, "Student");
    dom.SetAttribute(student, "userID", "tdso-00001");
    dom.SetAttribute(student, "requestID", "req-" + std::to_string(i));
    dom.SetAttribute(student, "sevisID", "N0012345678");
    dom.SetAttribute(student, "requestID", "req-again-" + std::to_string(i));  // replaces
    Element* status = dom.Add(student, "Status");
    dom.Add(status, "Verify");
    Element* remarks = dom.AddText(student, "Remarks",
                                   "Fees < 5 & \"ok\" > 'x'\ttab\r\ncrlf \xc3\xa9\xe2\x82\xac "
                                   "\xf0\x9f\x98\x80 ]]>");
    (void)remarks;
    Element* deep = dom.Add(dom.Add(dom.Add(student, "A"), "B"), "C");
    dom.AddText(deep, "D", "x");
    dom.AddText(student, "Empty", "");
  }
  dom.Add(root, "Trailer");
  return dom.Serialize(nullptr);
}

TEST(XmlBuilderTest, WritesExactlyWhatTheXercesDomWrites) {
  internal::DomBuilder dom("SEVISBatchCreateUpdateStudent");
  const std::string expected = BuildSample(dom, dom.root());
  internal::XmlBuilder fast("SEVISBatchCreateUpdateStudent");
  const std::string actual = BuildSample(fast, fast.root());
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(actual, expected);
}

TEST(XmlBuilderTest, RefusesInvalidUtf8AndCharactersXmlCannotHold) {
  internal::XmlBuilder dom("Root");
  for (std::string_view bad : {std::string_view("\xff"), std::string_view("a\xc3"),
                               std::string_view("\xc0\xaf"), std::string_view("\xed\xa0\x80"),
                               std::string_view("\xf4\x90\x80\x80"),
                               std::string_view("\xe2\x82")}) {
    EXPECT_THROW(dom.AddText(dom.root(), "A", bad), xercesc::TranscodingException)
        << ::testing::PrintToString(std::string(bad));
    EXPECT_THROW(dom.SetAttribute(dom.root(), "a", bad), xercesc::TranscodingException);
  }
  for (std::string_view bad : {std::string_view("a\x01b"), std::string_view("\x1f"),
                               std::string_view("\xef\xbf\xbe"),
                               std::string_view("a\0b", 3)}) {
    EXPECT_THROW(dom.AddText(dom.root(), "A", bad), xercesc::DOMException);
  }
  EXPECT_THROW(dom.Add(dom.root(), "1bad"), xercesc::DOMException);
  EXPECT_THROW(dom.Add(dom.root(), "a b"), xercesc::DOMException);
  EXPECT_THROW(dom.Add(dom.root(), ""), xercesc::DOMException);
  // Nothing was added by the refused calls.
  EXPECT_EQ(dom.Serialize(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n<Root/>\n");
  dom.AddText(dom.root(), "Ok", "tab\tnew line\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");
  EXPECT_THAT(dom.Serialize(),
              HasSubstr("<Ok>tab\tnew line\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd</Ok>"));
}

}  // namespace
}  // namespace sevisflow::sevisxml
