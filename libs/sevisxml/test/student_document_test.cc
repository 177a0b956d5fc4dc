#include "sevisflow/sevisxml/student_document.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
            "event EVENT_TYPE_UNSPECIFIED of alert alert-77 is not supported by the document "
            "builder yet");
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

}  // namespace
}  // namespace sevisflow::sevisxml
