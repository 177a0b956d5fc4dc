#include "sevisflow/sevisxml/validator.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_replace.h"
#include "test_support.h"

namespace sevisflow::sevisxml {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A hand-written minimal valid create document (synthetic person). Line numbers matter to the
// tests below: BatchID is on line 3, the Student element on line 7.
constexpr char kValidStudentDoc[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<SEVISBatchCreateUpdateStudent userID="tdso-00001">
  <BatchHeader><BatchID>SFTEST00000001</BatchID>
    <OrgID>BOS214F00123000</OrgID></BatchHeader>
  <CreateStudent>
    <Student requestID="r-1" userID="tdso-00001" printForm="true">
      <PersonalInfo>
        <FullName><LastName>Testperson</LastName><FirstName>Alexa</FirstName></FullName>
        <BirthDate>2003-07-01</BirthDate>
        <Gender>F</Gender>
        <BirthCountryCode>FR</BirthCountryCode>
        <CitizenshipCountryCode>FR</CitizenshipCountryCode>
        <VisaType>01</VisaType>
      </PersonalInfo>
      <IssueReason>I</IssueReason>
      <ForeignAddress><Address1>12 Rue Fictive</Address1><CountryCode>FR</CountryCode></ForeignAddress>
      <EducationalInfo>
        <EduLevel><Level>04</Level></EduLevel>
        <MajorCode1>11.0701</MajorCode1>
        <IssDate>2025-03-14</IssDate>
        <PrgStartDate>2025-08-25</PrgStartDate>
        <PrgEndDate>2029-05-15</PrgEndDate>
        <EngProficiency><EngRequired>true</EngRequired><RequirementsMet>true</RequirementsMet></EngProficiency>
      </EducationalInfo>
      <FinancialInfo>
        <AcademicTerm>09</AcademicTerm>
        <Expense><Tuition>42000</Tuition><LivingExpense>18000</LivingExpense></Expense>
        <Funding><Personal>60000</Personal></Funding>
      </FinancialInfo>
    </Student>
  </CreateStudent>
</SEVISBatchCreateUpdateStudent>
)";

class ValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto student = SchemaValidator::Load(StudentSchemaPath(testing::XsdDir()));
    ASSERT_TRUE(student.ok()) << student.status();
    student_ = std::move(student).value().release();
  }
  static void TearDownTestSuite() {
    delete student_;
    student_ = nullptr;
  }
  static const SchemaValidator& student() { return *student_; }

 private:
  static SchemaValidator* student_;
};

SchemaValidator* ValidatorTest::student_ = nullptr;

std::string Replace(std::string doc, const std::string& from, const std::string& to) {
  const std::string out = absl::StrReplaceAll(doc, {{from, to}});
  EXPECT_NE(out, doc) << "test bug: '" << from << "' not found";
  return out;
}

TEST_F(ValidatorTest, AcceptsValidStudentDocument) {
  EXPECT_THAT(student().Validate(kValidStudentDoc), IsEmpty());
}

TEST(ValidatorLoadTest, LoadsTransLogAndExchangeVisitorSchemas) {
  auto log = SchemaValidator::Load(TransLogSchemaPath(testing::XsdDir()));
  ASSERT_TRUE(log.ok()) << log.status();
  auto ev = SchemaValidator::Load(ExchangeVisitorSchemaPath(testing::XsdDir()));
  ASSERT_TRUE(ev.ok()) << ev.status();
  const std::string sample = testing::ReadFile(
      testing::ExamplesDir() +
      "/eca-kmt2_alpha_SEVISBatchCreateUpdateEV_create-with-dependent.xml");
  ASSERT_FALSE(sample.empty());
  EXPECT_THAT((*ev)->Validate(sample), IsEmpty());
  // The EV grammar knows nothing of student documents.
  EXPECT_THAT((*ev)->Validate(kValidStudentDoc), Not(IsEmpty()));
}

TEST(ValidatorLoadTest, MissingSchemaFileIsNotFound) {
  auto missing = SchemaValidator::Load(testing::XsdDir() + "/6.55/NoSuchFile.xsd");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("NoSuchFile.xsd"));
}

TEST(ValidatorLoadTest, BrokenSchemaIsInvalidArgumentNamingTheFile) {
  const std::string path = testing::WriteTempFile(
      "broken.xsd",
      R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="A" type="NoSuchType"/>
</xs:schema>)");
  auto broken = SchemaValidator::Load(path);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(broken.status().message()), HasSubstr("broken.xsd"));
}

TEST_F(ValidatorTest, RejectsThirteenCharacterBatchIdWithLineAndPath) {
  const auto errors =
      student().Validate(Replace(kValidStudentDoc, "SFTEST00000001", "SFTEST0000001"));
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors,
              Contains(AllOf(Field(&XmlError::line, 3), Field(&XmlError::column, Gt(0)),
                             Field(&XmlError::path,
                                   "/SEVISBatchCreateUpdateStudent/BatchHeader/BatchID"))));
}

TEST_F(ValidatorTest, RejectsWrongElementOrder) {
  // Gender before BirthDate.
  const auto errors = student().Validate(
      Replace(kValidStudentDoc, "<BirthDate>2003-07-01</BirthDate>\n        <Gender>F</Gender>",
              "<Gender>F</Gender>\n        <BirthDate>2003-07-01</BirthDate>"));
  ASSERT_THAT(errors, Not(IsEmpty()));
  // Xerces checks a content model when the parent closes: the error sits on </PersonalInfo>
  // (line 14) and names the misplaced element.
  EXPECT_EQ(errors[0].path, "/SEVISBatchCreateUpdateStudent/CreateStudent/Student/PersonalInfo");
  EXPECT_EQ(errors[0].line, 14) << FormatErrors(errors);
  EXPECT_THAT(errors[0].message, HasSubstr("'Gender'"));
}

TEST_F(ValidatorTest, RejectsUnknownCountryCode) {
  const auto errors = student().Validate(Replace(
      kValidStudentDoc, "<BirthCountryCode>FR</BirthCountryCode>",
      "<BirthCountryCode>QQ</BirthCountryCode>"));
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors,
              Contains(AllOf(Field(&XmlError::line, 11),
                             Field(&XmlError::path,
                                   "/SEVISBatchCreateUpdateStudent/CreateStudent/Student/"
                                   "PersonalInfo/BirthCountryCode"))));
}

TEST_F(ValidatorTest, RejectsMissingRequiredElement) {
  const auto errors =
      student().Validate(Replace(kValidStudentDoc, "<VisaType>01</VisaType>", ""));
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors[0].path,
              "/SEVISBatchCreateUpdateStudent/CreateStudent/Student/PersonalInfo");
  EXPECT_GT(errors[0].line, 0);
}

TEST_F(ValidatorTest, CollectsEveryErrorNotOnlyTheFirst) {
  std::string doc = Replace(kValidStudentDoc, "SFTEST00000001", "SFTEST0000001");
  doc = Replace(doc, "<CitizenshipCountryCode>FR<", "<CitizenshipCountryCode>QQ<");
  doc = Replace(doc, "<Tuition>42000<", "<Tuition>-5<");
  const auto errors = student().Validate(doc);
  EXPECT_THAT(errors, Contains(Field(&XmlError::line, 3)));
  EXPECT_THAT(errors, Contains(Field(&XmlError::line, 12)));
  EXPECT_THAT(errors, Contains(Field(&XmlError::path, HasSubstr("/Expense/Tuition"))));
  EXPECT_THAT(FormatErrors(errors), HasSubstr("line 3, column "));
}

TEST_F(ValidatorTest, RefusesDoctypeWithInternalEntities) {
  const std::string doc = R"(<?xml version="1.0"?>
<!DOCTYPE SEVISBatchCreateUpdateStudent [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<SEVISBatchCreateUpdateStudent userID="tdso-00001">&b;</SEVISBatchCreateUpdateStudent>)";
  const auto errors = student().Validate(doc);
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors, Contains(Field(&XmlError::message, "DTDs are not allowed")));
}

TEST_F(ValidatorTest, RefusesExternalEntityAndLeaksNothing) {
  const std::string secret_path = testing::WriteTempFile("secret.txt", "TOPSECRETVALUE");
  const std::string doc = std::string(R"(<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY xxe SYSTEM "file://)") + secret_path + R"("> ]>
<SEVISBatchCreateUpdateStudent userID="tdso-00001"><BatchHeader><BatchID>&xxe;</BatchID>
</BatchHeader></SEVISBatchCreateUpdateStudent>)";
  const auto errors = student().Validate(doc);
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors, Contains(Field(&XmlError::message, "DTDs are not allowed")));
  EXPECT_THAT(FormatErrors(errors), Not(HasSubstr("TOPSECRETVALUE")));
}

TEST_F(ValidatorTest, RefusesBareDoctypeAndDoctypeInUtf16) {
  EXPECT_THAT(student().Validate("<?xml version=\"1.0\"?>\n<!-- x -->\n<!DOCTYPE a>\n<a/>"),
              Contains(AllOf(Field(&XmlError::message, "DTDs are not allowed"),
                             Field(&XmlError::line, 3), Field(&XmlError::column, 1))));
  // The byte-level prolog check cannot read UTF-16; the parser's own DTD hook must catch it.
  const std::string ascii = R"(<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE a [ <!ENTITY e "x"> ]><a>&e;</a>)";
  std::string utf16 = "\xFF\xFE";  // little-endian byte order mark
  for (char c : ascii) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  EXPECT_THAT(student().Validate(utf16),
              Contains(Field(&XmlError::message, "DTDs are not allowed")));
}

TEST_F(ValidatorTest, IgnoresSchemaLocationHintsInTheInstance) {
  // An instance may not swap in a permissive schema of its own.
  const std::string permissive = testing::WriteTempFile(
      "permissive.xsd", R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="SEVISBatchCreateUpdateStudent"><xs:complexType><xs:sequence>
    <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
    <xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>
</xs:schema>)");
  std::string doc = Replace(
      kValidStudentDoc, R"(<SEVISBatchCreateUpdateStudent userID="tdso-00001">)",
      R"(<SEVISBatchCreateUpdateStudent userID="tdso-00001" )"
      R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
      R"(xsi:noNamespaceSchemaLocation="file://)" + permissive + R"(">)");
  EXPECT_THAT(student().Validate(doc), IsEmpty());
  doc = Replace(doc, "SFTEST00000001", "SFTEST0000001");
  EXPECT_THAT(student().Validate(doc), Not(IsEmpty()));
}

TEST_F(ValidatorTest, ReportsMalformedXml) {
  const auto errors =
      student().Validate("<SEVISBatchCreateUpdateStudent userID=\"x\"><BatchHeader>");
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(student().Validate(""), Not(IsEmpty()));
}

TEST_F(ValidatorTest, RejectsAnotherRootElement) {
  EXPECT_THAT(student().Validate("<TransactionLog/>"), Not(IsEmpty()));
}

TEST_F(ValidatorTest, ConcurrentValidateFromTwoThreadsGivesCorrectResults) {
  const std::string valid = kValidStudentDoc;
  const std::string invalid = Replace(kValidStudentDoc, "SFTEST00000001", "SFTEST0000001");
  std::atomic<int> wrong{0};
  std::atomic<int> checked{0};
  auto work = [&](int offset) {
    for (int i = 0; i < 60; ++i) {
      const bool want_valid = (i + offset) % 2 == 0;
      const auto errors = student().Validate(want_valid ? valid : invalid);
      if (errors.empty() != want_valid) ++wrong;
      if (!want_valid && (errors.empty() || errors[0].line != 3)) ++wrong;
      ++checked;
    }
  };
  std::thread a(work, 0);
  std::thread b(work, 1);
  a.join();
  b.join();
  EXPECT_EQ(checked.load(), 120);
  EXPECT_EQ(wrong.load(), 0);
}

TEST(SchemaSelectionTest, PicksSchemaFromRootElement) {
  auto root = RootElementName(
      "<?xml version=\"1.0\"?>\n<!-- c -->\n<TransactionLog><x/></TransactionLog>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, "TransactionLog");
  EXPECT_EQ(*SchemaPathForRoot("/x", "TransactionLog"), "/x/6.27/SevisTransLog.xsd");
  EXPECT_EQ(*SchemaPathForRoot("/x", "SEVISBatchCreateUpdateStudent"),
            "/x/6.55/Create-UpdateStudent.xsd");
  EXPECT_EQ(*SchemaPathForRoot("/x", "SEVISBatchCreateUpdateEV"),
            "/x/6.27/Create-UpdateExchangeVisitor.xsd");
  EXPECT_FALSE(SchemaPathForRoot("/x", "Other").ok());
  EXPECT_FALSE(RootElementName("<!DOCTYPE a><a/>").ok());
  EXPECT_FALSE(RootElementName("not xml").ok());
}

}  // namespace
}  // namespace sevisflow::sevisxml
