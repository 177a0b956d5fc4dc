// UpdateStudent records of SEVISBatchCreateUpdateStudent: every F/M event of alert.proto is
// written, validated with Xerces (SchemaValidator) and independently with libxml2 (xmllint), and
// its event element and key values are read back with XPath (xmllint --xpath).
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fm_test_alerts.h"
#include "sevisflow/sevisxml/document.h"
#include "sevisflow/sevisxml/validator.h"
#include "test_support.h"

namespace sevisflow::sevisxml {
namespace {

namespace v1 = sevisflow::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kRoot[] = "/SEVISBatchCreateUpdateStudent";

const SchemaValidator* StudentValidator() {
  static const SchemaValidator* validator = [] {
    auto loaded = SchemaValidator::Load(StudentSchemaPath(testing::XsdDir()));
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return validator;
}

DocumentSpec Spec() {
  DocumentSpec spec;
  spec.batch_id = "SFTEST00000077";
  spec.org_id = "BOS214F00123000";
  spec.user_id = "tdso-00001";
  spec.family = v1::VISA_FAMILY_FM;
  spec.print_form = true;
  return spec;
}

// Evaluates XPath expressions over a file with xmllint, one process for all of them: each result
// is the expression's string value.
std::vector<std::string> XPathValues(const std::string& file,
                                     const std::vector<std::string>& expressions) {
  std::vector<std::string> parts;
  for (const std::string& e : expressions) parts.push_back(absl::StrCat("string(", e, ")"));
  parts.push_back("''");  // concat() needs two arguments
  const std::string query = absl::StrCat("concat(", absl::StrJoin(parts, ",'~|~',"), ")");
  const std::string command = absl::StrCat("xmllint --xpath \"", query, "\" '", file, "' 2>&1");
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r"); pipe != nullptr) {
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    pclose(pipe);
  }
  std::vector<std::string> values = absl::StrSplit(output, "~|~");
  values.resize(expressions.size());
  return values;
}

struct Check {
  std::string xpath;  // relative to the record (Student) unless it starts with '/'
  std::string expected;
};

struct Expectation {
  std::string element;  // the event element and sub-event under UpdateStudent/Student
  std::vector<Check> checks;
};

// The event element of each F/M update event and the key values the writer must put there.
// An event without an entry fails the test that asks for it.
bool Expect(v1::EventType event, const v1::Alert& a, Expectation* out) {
  const std::string dep_sevis = testing::DependentSevisId(1);
  switch (event) {
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD:
      *out = {"AuthDropBelowFC/Add",
              {{"AuthDropBelowFC/Add/@printForm", "true"},
               {"AuthDropBelowFC/Add/Reason", "02"},
               {"AuthDropBelowFC/Add/StartDate", "2026-01-20"},
               {"AuthDropBelowFC/Add/EndDate", "2026-05-08"}}};
      return true;
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL:
      *out = {"AuthDropBelowFC/Cancel",
              {{"AuthDropBelowFC/Cancel/@printForm", "true"},
               {"AuthDropBelowFC/Cancel/Reason", "02"},
               {"AuthDropBelowFC/Cancel/StartDate", "2026-03-02"}}};
      return true;
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT:
      *out = {"AuthDropBelowFC/Edit",
              {{"AuthDropBelowFC/Edit/Reason", "02"},
               {"AuthDropBelowFC/Edit/NewReason", "04"},
               {"AuthDropBelowFC/Edit/NewStartDate", "2026-03-09"},
               {"AuthDropBelowFC/Edit/NewEndDate", "2026-05-01"}}};
      return true;
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD:
      *out = {"CPTEmployment/Add",
              {{"CPTEmployment/Add/@printForm", "true"},
               {"CPTEmployment/Add/FullPartTimeIndicator", "02"},  // PT
               {"CPTEmployment/Add/EmployerName", "Example Robotics 1 LLC"},
               {"CPTEmployment/Add/EmployerAddress/PostalCode", "02139"},
               {"CPTEmployment/Add/EmployerAddress/PostalRoutingCode", "4307"},
               {"CPTEmployment/Add/EmploymentRemarks", "Required internship course ENGR 590"}}};
      return true;
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL:
      *out = {"CPTEmployment/Cancel",
              {{"CPTEmployment/Cancel/StartDate", "2026-05-15"},  // as SEVIS holds it
               {"CPTEmployment/Cancel/EndDate", "2027-05-14"},
               {"CPTEmployment/Cancel/EmployerName", "Example Robotics 1 LLC"}}};
      return true;
    case v1::EVENT_TYPE_DEPENDENT_ADD:
      *out = {"Dependent/Add",
              {{"Dependent/UserDefinedA", testing::SisDependentId(1)},
               {"count(Dependent/Add/@dependentSevisID)", "0"},
               {"Dependent/Add/@printForm", "true"},
               {"Dependent/Add/FullName/LastName", "Testperson"},
               {"Dependent/Add/FullName/FirstName", "Noa"},
               {"Dependent/Add/VisaType", "04"},
               {"Dependent/Add/Relationship", "02"}}};
      return true;
    case v1::EVENT_TYPE_DEPENDENT_CANCEL:
      *out = {"Dependent/Cancel",
              {{"Dependent/Cancel/@dependentSevisID", dep_sevis},
               {"count(Dependent/UserDefinedA)", "0"},
               {"Dependent/Cancel/Reason", "01"}}};
      return true;
    case v1::EVENT_TYPE_DEPENDENT_EDIT:
      *out = {"Dependent/Edit",
              {{"Dependent/Edit/@dependentSevisID", dep_sevis},
               {"Dependent/Edit/@printForm", "true"},
               {"Dependent/Edit/BirthCity", "Lyon"},
               {"count(Dependent/Edit/FullName/Suffix)", "1"},  // cleared: the suffix went away
               {"Dependent/Edit/FullName/Suffix", ""},
               {"Dependent/Edit/Relationship", "02"}}};
      return true;
    case v1::EVENT_TYPE_DEPENDENT_REACTIVATE:
      *out = {"Dependent/Reactivate",
              {{"Dependent/Reactivate/@dependentSevisID", dep_sevis},
               {"Dependent/Reactivate/@printForm", "true"}}};
      return true;
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
      *out = {"Dependent/Reprint",
              {{"Dependent/Reprint/@dependentSevisID", dep_sevis},
               {"Dependent/Reprint/@printForm", "true"}}};
      return true;
    case v1::EVENT_TYPE_DEPENDENT_TERMINATE:
      *out = {"Dependent/Terminate",
              {{"Dependent/Terminate/@dependentSevisID", dep_sevis},
               {"Dependent/Terminate/Reason", "02"},
               {"Dependent/Terminate/Remarks", "Dependent left the United States"}}};
      return true;
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION:
      *out = {"DisciplinaryAction",
              {{"DisciplinaryAction/Explanation", a.status().explanation()}}};
      return true;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL:
      *out = {"EducationLevel/Cancel",
              {{"EducationLevel/Cancel/Remarks", "Change of level withdrawn"}}};
      return true;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE:
      *out = {"EducationLevel/Change",
              {{"EducationLevel/Change/@printForm", "true"},
               {"EducationLevel/Change/EducationalInfo/EduLevel/Level", "06"},
               {"EducationLevel/Change/EducationalInfo/MajorCode1", "14.0901"},
               {"EducationLevel/Change/EducationalInfo/IssDate", "2026-02-03"},
               {"EducationLevel/Change/FinancialInfo/AcademicTerm", "09"},
               {"EducationLevel/Change/FinancialInfo/Funding/School/Amount", "25000"}}};
      return true;
    case v1::EVENT_TYPE_FINANCIAL_INFO:
      *out = {"FinancialInfo",
              {{"FinancialInfo/@printForm", "true"},
               {"FinancialInfo/AcademicTerm", "09"},
               {"FinancialInfo/Expense/Tuition", "48500"},
               {"count(FinancialInfo/Expense/DependentExp)", "1"},  // went to 0: cleared
               {"FinancialInfo/Expense/DependentExp", ""},
               {"FinancialInfo/Expense/Other/Amount", "1500"},
               {"count(FinancialInfo/Funding/Employment)", "0"},  // 0 and unchanged
               {"FinancialInfo/Funding/School/Remarks", "Graduate assistantship"}}};
      return true;
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD:
      *out = {"OffCampusEmployment/Add",
              {{"OffCampusEmployment/Add/@printForm", "true"},
               {"OffCampusEmployment/Add/StartDate", "2026-06-01"},
               {"OffCampusEmployment/Add/EmploymentType", "01"},
               {"OffCampusEmployment/Add/Recommendation", "Severe economic hardship recommended"}}};
      return true;
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL:
      *out = {"OffCampusEmployment/Cancel",
              {{"OffCampusEmployment/Cancel/StartDate", "2026-05-15"},
               {"OffCampusEmployment/Cancel/EmploymentType", "01"}}};
      return true;
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT:
      *out = {"OffCampusEmployment/Edit",
              {{"OffCampusEmployment/Edit/StartDate", "2026-05-15"},
               {"OffCampusEmployment/Edit/EmploymentType", "01"},  // as SEVIS holds it
               {"count(OffCampusEmployment/Edit/NewStartDate)", "0"},
               {"OffCampusEmployment/Edit/NewEndDate", "2027-04-30"},
               {"OffCampusEmployment/Edit/NewEmploymentType", "02"}}};
      return true;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD:
      *out = {"OPTEmployment/Add",
              {{"OPTEmployment/Add/@printForm", "true"},
               {"OPTEmployment/Add/FullPartTimeIndicator", "01"},  // FT
               {"OPTEmployment/Add/AcademicYearMet", "true"},
               {"OPTEmployment/Add/CompletionType", "02"},  // POST
               {"count(OPTEmployment/Add/Employer)", "2"},
               {"OPTEmployment/Add/Employer[2]/EmployerName", "Example Robotics 2 LLC"},
               {"OPTEmployment/Add/Employer[1]/EmployerAddress/PostalCode", "02139"},
               {"OPTEmployment/Add/Employer[1]/EmployerEIN", "123456781"}}};
      return true;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL:
      *out = {"OPTEmployment/Cancel",
              {{"OPTEmployment/Cancel/StartDate", "2026-05-15"},
               {"OPTEmployment/Cancel/EndDate", "2027-05-14"},
               {"OPTEmployment/Cancel/FullPartTimeIndicator", "01"}}};
      return true;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND:
      *out = {"OPTEmployment/Extend",
              {{"OPTEmployment/Extend/StartDate", "2027-06-01"},
               {"OPTEmployment/Extend/EndDate", "2029-05-31"},
               {"count(OPTEmployment/Extend/Employer)", "1"},
               {"OPTEmployment/Extend/Employer/StartDate", "2027-06-01"}}};
      return true;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT:
      *out = {"OPTEmployment/Edit",
              {{"OPTEmployment/Edit/StartDate", "2026-05-15"},
               {"OPTEmployment/Edit/FullPartTimeIndicator", "01"},
               {"OPTEmployment/Edit/NewFullPartTimeIndicator", "02"},
               {"OPTEmployment/Edit/AcademicYearMet", "true"}}};
      return true;
    case v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION:
      *out = {"OPTEmployment/ReportParticipation",
              {{"OPTEmployment/ReportParticipation/@printForm", "true"},
               {"OPTEmployment/ReportParticipation/StartDate", "2027-06-01"},
               {"OPTEmployment/ReportParticipation/EndDate", "2029-05-31"}}};
      return true;
    case v1::EVENT_TYPE_OPT_EMPLOYER_ADD:
      *out = {"OPTEmployer/Add",
              {{"OPTEmployer/Add/EmploymentIdentifier/StartDate", "2026-05-15"},
               {"OPTEmployer/Add/EmploymentIdentifier/EndDate", "2027-05-14"},
               {"OPTEmployer/Add/Employer/EmployerName", "Example Robotics 3 LLC"},
               {"OPTEmployer/Add/Employer/CourseRelevance",
                "Applies the control-systems coursework of the degree program."}}};
      return true;
    case v1::EVENT_TYPE_OPT_EMPLOYER_EDIT:
      *out = {"OPTEmployer/Edit",
              {{"OPTEmployer/Edit/EmploymentIdentifier/StartDate", "2026-05-15"},
               {"OPTEmployer/Edit/EmployerIdentifier/EmployerName", "Example Robotics 1 Inc"},
               {"OPTEmployer/Edit/EmployerIdentifier/StartDate", "2026-05-20"},
               {"OPTEmployer/Edit/Employer/EmployerAddress/Address1", "77 Relocated Avenue"}}};
      return true;
    case v1::EVENT_TYPE_PERSONAL_INFO:
      *out = {"PersonalInfo",
              {{"PersonalInfo/@printForm", "true"},
               {"PersonalInfo/FullName/FirstName", "Alexa Marie"},
               {"PersonalInfo/FullName/PassportName", "ALEXA MARIE TESTPERSON"},
               {"PersonalInfo/FullName/PreferredName", "Lexa Testperson"},
               {"PersonalInfo/Email", a.personal_info().email()},
               {"PersonalInfo/Telephone/TelephoneExemptInd", "N"},
               {"PersonalInfo/Telephone/Phone/USNumber", "6175550142"},
               {"PersonalInfo/Commuter", "false"},
               {"PersonalInfo/USAddress/ExplanationCode", "OO"},
               {"PersonalInfo/ForeignAddress/Province", "Rhone"}}};
      return true;
    case v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION:
      *out = {"Program/CancelExtension",
              {{"Program/CancelExtension/@printForm", "true"},
               {"Program/CancelExtension/NewPrgEndDate", "2027-06-30"}}};
      return true;
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION:
      *out = {"Program/ManageSessionDates",
              {{"Program/ManageSessionDates/IssDate", "2026-02-03"},
               {"Program/ManageSessionDates/NewPrgStartDate", "2026-08-24"},
               {"Program/ManageSessionDates/NewPrgEndDate", "2028-05-12"}}};
      return true;
    case v1::EVENT_TYPE_PROGRAM_EDIT:
      *out = {"Program/Edit",
              {{"Program/Edit/MajorCode1", "11.0701"},
               {"Program/Edit/EngProficiency/EngRequired", "false"},
               {"Program/Edit/EngProficiency/NotRequiredReason",
                "Completed a degree taught in English"}}};
      return true;
    case v1::EVENT_TYPE_PROGRAM_EXTENSION:
      *out = {"Program/Extension",
              {{"Program/Extension/NewPrgEndDate", "2028-05-12"},
               {"Program/Extension/Explanation", a.program().remarks()},
               {"count(Program/Extension/Remarks)", "0"}}};
      return true;
    case v1::EVENT_TYPE_PROGRAM_SHORTEN:
      *out = {"Program/Shorten", {{"Program/Shorten/NewPrgEndDate", "2027-05-14"}}};
      return true;
    case v1::EVENT_TYPE_REGISTRATION:
      *out = {"Registration",
              {{"Registration/@printForm", "true"},
               {"Registration/LastSession", "false"},
               {"Registration/CurrentSessionStartDate", "2026-01-20"},
               {"Registration/CurrentSessionEndDate", "2026-05-08"},
               {"Registration/NextSessionStartDate", "2026-08-31"},
               {"Registration/USAddress/PostalCode", "02115"}}};
      return true;
    case v1::EVENT_TYPE_REPRINT:
      *out = {"Reprint", {{"Reprint/@printForm", "true"}, {"Reprint/Reason", "03"}}};
      return true;
    case v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION:
      *out = {"Request/CapGapExtension",
              {{"Request/CapGapExtension/@printForm", "true"},
               {"Request/CapGapExtension/Status", "C"}}};
      return true;
    case v1::EVENT_TYPE_STATUS_CANCEL:
      *out = {"Status/Cancel", {{"Status/Cancel/Reason", "01"}}};
      return true;
    case v1::EVENT_TYPE_STATUS_COMPLETE:
      *out = {"Status/Complete", {{"Status/Complete/Remarks", "Degree conferred"}}};
      return true;
    case v1::EVENT_TYPE_STATUS_TERMINATE:
      *out = {"Status/Terminate",
              {{"Status/Terminate/Reason", "08"},
               {"Status/Terminate/Remarks", "Discontinued studies"}}};
      return true;
    case v1::EVENT_TYPE_STATUS_VERIFY:
      *out = {"Status/Verify", {{"count(Status/Verify/node())", "0"}}};
      return true;
    default:
      return false;
  }
}

// Evaluates `checks` for the record with `request_id` in `section`, after xmllint validated the
// file; prefixes relative paths with the record's path.
void ExpectValues(const std::string& file, const std::string& section,
                  const std::string& request_id, const std::vector<Check>& checks,
                  const std::string& label) {
  const std::string record =
      absl::StrCat(kRoot, "/", section, "/Student[@requestID='", request_id, "']");
  std::vector<std::string> expressions;
  for (const Check& c : checks) {
    if (c.xpath.starts_with("/") || c.xpath.starts_with("count(/")) {
      expressions.push_back(c.xpath);
    } else if (c.xpath.starts_with("count(")) {
      expressions.push_back(absl::StrCat("count(", record, "/", c.xpath.substr(6)));
    } else {
      expressions.push_back(absl::StrCat(record, "/", c.xpath));
    }
  }
  const std::vector<std::string> values = XPathValues(file, expressions);
  for (size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(values[i], checks[i].expected) << label << ": " << expressions[i];
  }
}

// Both validators must accept the document.
void ExpectValid(const std::string& xml, const std::string& file_name, std::string* file) {
  const SchemaValidator* validator = StudentValidator();
  ASSERT_NE(validator, nullptr);
  const std::vector<XmlError> errors = validator->Validate(xml);
  EXPECT_THAT(errors, IsEmpty()) << FormatErrors(errors) << xml;
  *file = testing::WriteTempFile(file_name, xml);
  const testing::XmllintResult lint =
      testing::RunXmllint(StudentSchemaPath(testing::XsdDir()), *file);
  EXPECT_EQ(lint.exit_code, 0) << lint.output << xml;
  EXPECT_THAT(lint.output, HasSubstr("validates"));
}

class EveryFmEvent : public ::testing::TestWithParam<v1::EventType> {};

TEST_P(EveryFmEvent, IsWrittenValidatedAndCarriesItsKeyValues) {
  const v1::EventType event = GetParam();
  const std::string name = v1::EventType_Name(event);
  const v1::Alert alert = testing::MakeFmAlert(event, 1);
  DocumentSpec spec = Spec();
  spec.records = {DocumentRecord{"req-1", &alert, "UDA-1", "UDB-1"}};
  absl::StatusOr<std::string> xml = BuildStudentDocument(spec);
  ASSERT_TRUE(xml.ok()) << name << ": " << xml.status();
  std::string file;
  ExpectValid(*xml, name + ".xml", &file);

  if (event == v1::EVENT_TYPE_CREATE_STUDENT) {
    ExpectValues(file, "CreateStudent", "req-1",
                 {{absl::StrCat("count(", kRoot, "/UpdateStudent)"), "0"},
                  {"@userID", "tdso-00001"},
                  {"@printForm", "true"},
                  {"UserDefinedA", "UDA-1"},
                  {"PersonalInfo/FullName/LastName", alert.create_student().last_name()},
                  {"PersonalInfo/VisaType", "01"},
                  {"EducationalInfo/IssDate", "2025-03-14"}},
                 name);
    return;
  }
  Expectation expectation;
  ASSERT_TRUE(Expect(event, alert, &expectation))
      << name << " has no expectation: add the event to this test and to the writer";
  std::vector<Check> checks = {
      {absl::StrCat("count(", kRoot, "/CreateStudent)"), "0"},
      {absl::StrCat("count(", kRoot, "/UpdateStudent/Student)"), "1"},
      {"@sevisID", alert.sevis_id()},
      {"@userID", "tdso-00001"},
      {"count(@statusCode)", "0"},
      {"count(@printForm)", "0"},
      {"UserDefinedA", "UDA-1"},
      {"UserDefinedB", "UDB-1"},
      // exactly one event element after UserDefinedA/B (the schema's xs:choice)
      {"count(*)", "3"},
      {absl::StrCat("count(", expectation.element, ")"), "1"},
  };
  for (Check& c : expectation.checks) checks.push_back(std::move(c));
  ExpectValues(file, "UpdateStudent", "req-1", checks, name);
}

INSTANTIATE_TEST_SUITE_P(StudentDocument, EveryFmEvent,
                         ::testing::ValuesIn(testing::FmEventTypes()),
                         [](const ::testing::TestParamInfo<v1::EventType>& param_info) {
                           return v1::EventType_Name(param_info.param).substr(11);
                         });

TEST(StudentUpdateTest, FactoryCoversEveryFmCode) {
  // The enum holds F/M codes 1..39 today; each has a factory alert with data.
  const std::vector<v1::EventType> events = testing::FmEventTypes();
  ASSERT_GE(events.size(), 39u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i], static_cast<int>(i) + 1);
    EXPECT_NE(testing::MakeFmAlert(events[i], 1).data_case(), v1::Alert::DATA_NOT_SET)
        << v1::EventType_Name(events[i]);
  }
}

// One document: a create in the middle of the input and every update event, each for another
// person. Creates come first, then updates, each in input order.
TEST(StudentUpdateTest, OneDocumentWithACreateAndEveryUpdateValidates) {
  std::vector<v1::Alert> alerts;
  for (v1::EventType event : testing::FmEventTypes()) {
    alerts.push_back(testing::MakeFmAlert(event, static_cast<int>(alerts.size()) + 10));
  }
  std::rotate(alerts.begin(), alerts.begin() + 1, alerts.begin() + 20);  // create at 19
  DocumentSpec spec = Spec();
  std::vector<std::string> update_ids;
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string id = absl::StrCat("req-", i);
    spec.records.push_back(DocumentRecord{id, &alerts[i]});
    if (alerts[i].event_type() != v1::EVENT_TYPE_CREATE_STUDENT) update_ids.push_back(id);
  }
  ASSERT_EQ(update_ids.size(), 38u);
  absl::StatusOr<std::string> xml = BuildStudentDocument(spec);
  ASSERT_TRUE(xml.ok()) << xml.status();
  std::string file;
  ExpectValid(*xml, "mixed.xml", &file);
  std::vector<std::string> expressions = {
      absl::StrCat("name(", kRoot, "/*[2])"),
      absl::StrCat("name(", kRoot, "/*[3])"),
      absl::StrCat("count(", kRoot, "/CreateStudent/Student)"),
      absl::StrCat(kRoot, "/CreateStudent/Student/@requestID"),
      absl::StrCat("count(", kRoot, "/UpdateStudent/Student)"),
  };
  for (size_t i = 0; i < update_ids.size(); ++i) {
    expressions.push_back(absl::StrCat(kRoot, "/UpdateStudent/Student[", i + 1, "]/@requestID"));
  }
  const std::vector<std::string> values = XPathValues(file, expressions);
  EXPECT_EQ(values[0], "CreateStudent");
  EXPECT_EQ(values[1], "UpdateStudent");
  EXPECT_EQ(values[2], "1");
  EXPECT_EQ(values[3], "req-19");
  EXPECT_EQ(values[4], "38");
  for (size_t i = 0; i < update_ids.size(); ++i) {
    EXPECT_EQ(values[5 + i], update_ids[i]) << "update record " << i;
  }
}

// ---------------------------------------------------------------------------------------------
// Refusals: InvalidArgument naming the alert, never personal data.

absl::Status BuildOne(const v1::Alert& alert) {
  DocumentSpec spec = Spec();
  spec.records = {DocumentRecord{"req-1", &alert}};
  return BuildStudentDocument(spec).status();
}

TEST(StudentUpdateTest, UpdateWithoutSevisIdIsInvalidArgument) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_DEPENDENT_EDIT, 4);
  alert.clear_sevis_id();
  const absl::Status status = BuildOne(alert);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "alert alert-DEPENDENT_EDIT-4: update event EVENT_TYPE_DEPENDENT_EDIT has no "
            "sevis_id (UpdateStudent/Student/@sevisID is required)");
}

TEST(StudentUpdateTest, DataNotMatchingTheEventIsInvalidArgument) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_DEPENDENT_ADD, 5);
  alert.mutable_status()->set_reason("01");  // replaces the dependent data (oneof)
  absl::Status status = BuildOne(alert);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "alert alert-DEPENDENT_ADD-5: event EVENT_TYPE_DEPENDENT_ADD needs dependent data, "
            "the alert has status");

  alert.clear_data();
  status = BuildOne(alert);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("the alert has none"));
}

TEST(StudentUpdateTest, EveryEventRefusesTheDataOfAnotherEvent) {
  for (v1::EventType event : testing::FmEventTypes()) {
    if (event == v1::EVENT_TYPE_CREATE_STUDENT) continue;
    v1::Alert alert = testing::MakeFmAlert(event, 6);
    if (alert.has_status()) {
      alert.mutable_registration()->set_term("2262");
    } else {
      alert.mutable_status()->set_reason("01");
    }
    const absl::Status status = BuildOne(alert);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << v1::EventType_Name(event);
    EXPECT_THAT(std::string(status.message()), HasSubstr(alert.alert_id()));
  }
}

TEST(StudentUpdateTest, ExchangeVisitorEventIsInvalidArgument) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_STATUS_VERIFY, 7);
  alert.set_event_type(v1::EVENT_TYPE_EV_VALIDATE);
  const absl::Status status = BuildOne(alert);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("event EVENT_TYPE_EV_VALIDATE is not an F/M student event"));
}

TEST(StudentUpdateTest, RecordWithoutAlertIsInvalidArgument) {
  DocumentSpec spec = Spec();
  spec.records = {DocumentRecord{"req-9", nullptr}};
  const absl::Status status = BuildStudentDocument(spec).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "record req-9 has no alert");
}

TEST(StudentUpdateTest, InvalidUtf8InAnUpdateValueIsInvalidArgumentWithoutTheValue) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_DEPENDENT_ADD, 8);
  alert.mutable_dependent()->set_last_name("Test\xC3(person");
  const absl::Status status = BuildOne(alert);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("not valid UTF-8"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("person")));
}

TEST(StudentUpdateTest, ControlCharacterXmlCannotHoldIsInvalidArgument) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_STATUS_COMPLETE, 8);
  alert.mutable_status()->set_remarks("Degree\x01 conferred");
  const absl::Status status = BuildOne(alert);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("Degree")));
}

TEST(StudentUpdateTest, MissingDependentSevisIdIsLeftForTheXsdToName) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_DEPENDENT_CANCEL, 9);
  alert.mutable_dependent()->clear_dependent_sevis_id();
  DocumentSpec spec = Spec();
  spec.records = {DocumentRecord{"req-1", &alert}};
  absl::StatusOr<std::string> xml = BuildStudentDocument(spec);
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::vector<XmlError> errors = StudentValidator()->Validate(*xml);
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors[0].path, HasSubstr("/UpdateStudent/Student/Dependent"));
  EXPECT_THAT(errors[0].message, HasSubstr("dependentSevisID"));
}

// ---------------------------------------------------------------------------------------------
// Mappings and readings of the schema.

std::string BuildXml(const v1::Alert& alert, bool print_form = true) {
  DocumentSpec spec = Spec();
  spec.print_form = print_form;
  spec.records = {DocumentRecord{"req-1", &alert}};
  absl::StatusOr<std::string> xml = BuildStudentDocument(spec);
  EXPECT_TRUE(xml.ok()) << xml.status();
  return xml.ok() ? *xml : std::string();
}

TEST(StudentUpdateTest, FullPartTimeAndCompletionCodesAreMappedToSevisCodes) {
  const std::pair<const char*, const char*> times[] = {
      {"FT", "01"}, {"ft", "01"}, {"PT", "02"}, {" pt ", "02"}, {"01", "01"}, {"02", "02"}};
  for (const auto& [sis, sevis] : times) {
    v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD, 1);
    alert.mutable_employment()->set_full_part_time(sis);
    EXPECT_THAT(BuildXml(alert), HasSubstr(absl::StrCat("<FullPartTimeIndicator>", sevis,
                                                        "</FullPartTimeIndicator>")))
        << sis;
  }
  const std::pair<const char*, const char*> completions[] = {
      {"PRE", "01"}, {"post", "02"}, {"02", "02"}};
  for (const auto& [sis, sevis] : completions) {
    v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD, 1);
    alert.mutable_employment()->set_completion_type(sis);
    EXPECT_THAT(BuildXml(alert),
                HasSubstr(absl::StrCat("<CompletionType>", sevis, "</CompletionType>")))
        << sis;
  }
}

TEST(StudentUpdateTest, UnknownFullPartTimeValueIsLeftForTheXsd) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD, 1);
  alert.mutable_employment()->set_full_part_time("HALF");
  const std::vector<XmlError> errors = StudentValidator()->Validate(BuildXml(alert));
  ASSERT_THAT(errors, Not(IsEmpty()));
  EXPECT_THAT(errors[0].path, HasSubstr("CPTEmployment/Add/FullPartTimeIndicator"));
}

TEST(StudentUpdateTest, TelephoneIsUsOrForeignByItsDigits) {
  const std::pair<const char*, const char*> phones[] = {
      {"1-617-555-0142", "<USNumber>6175550142</USNumber>"},
      {"+1 (617) 555 0142", "<USNumber>6175550142</USNumber>"},
      {"617.555.0142", "<USNumber>6175550142</USNumber>"},
      {"+44 20 7946 0958", "<PhoneNumber>442079460958</PhoneNumber>"},
      {"+33 4 78 00 00 00", "<PhoneNumber>33478000000</PhoneNumber>"}};
  for (const auto& [phone, element] : phones) {
    v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_PERSONAL_INFO, 1);
    alert.mutable_personal_info()->set_phone(phone);
    const std::string xml = BuildXml(alert);
    EXPECT_THAT(xml, HasSubstr(element)) << phone;
    EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty()) << phone;
  }
  v1::Alert none = testing::MakeFmAlert(v1::EVENT_TYPE_PERSONAL_INFO, 1);
  none.mutable_personal_info()->clear_phone();
  EXPECT_THAT(BuildXml(none), Not(HasSubstr("<Telephone>")));
}

TEST(StudentUpdateTest, PrintFormFollowsTheDocumentSetting) {
  for (v1::EventType event : {v1::EVENT_TYPE_REGISTRATION, v1::EVENT_TYPE_DEPENDENT_REPRINT,
                              v1::EVENT_TYPE_REPRINT, v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD}) {
    const std::string xml = BuildXml(testing::MakeFmAlert(event, 1), /*print_form=*/false);
    EXPECT_THAT(xml, HasSubstr(R"(printForm="false")")) << v1::EventType_Name(event);
    EXPECT_THAT(xml, Not(HasSubstr(R"(printForm="true")"))) << v1::EventType_Name(event);
    EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty());
  }
}

TEST(StudentUpdateTest, ProgramExtensionExplanationFromTheDsoKeepsTheRemarks) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_PROGRAM_EXTENSION, 1);
  alert.mutable_program()->set_explanation("Research delayed by lab closure");
  const std::string xml = BuildXml(alert);
  EXPECT_THAT(xml, HasSubstr("<Remarks>Thesis research delayed by a documented illness</Remarks>"));
  EXPECT_THAT(xml, HasSubstr("<Explanation>Research delayed by lab closure</Explanation>"));
  EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty());
}

TEST(StudentUpdateTest, LastSessionRegistrationHasNoNextSession) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_REGISTRATION, 1);
  alert.mutable_registration()->set_last_session(true);
  const std::string xml = BuildXml(alert);
  EXPECT_THAT(xml, HasSubstr("<LastSession>true</LastSession>"));
  EXPECT_THAT(xml, Not(HasSubstr("NextSessionStartDate")));
  EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty());
}

TEST(StudentUpdateTest, NullableValuesAreClearedOnlyWhenTheyWentAway) {
  // Financial Info: on-campus employment 0 and not a change -> absent; a change to 0 -> empty.
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_FINANCIAL_INFO, 1);
  EXPECT_THAT(BuildXml(alert), Not(HasSubstr("<Employment")));
  v1::FieldChange* change = alert.add_changes();
  change->set_field("on_campus_employment");
  change->set_sevis_value("3000");
  change->set_sis_value("0");
  std::string xml = BuildXml(alert);
  EXPECT_THAT(xml, HasSubstr("<Employment/>"));
  EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty());

  // Personal Info: a passport name that went away is sent empty; an unchanged empty one is not.
  v1::Alert personal = testing::MakeFmAlert(v1::EVENT_TYPE_PERSONAL_INFO, 1);
  personal.mutable_personal_info()->clear_passport_name();
  personal.mutable_personal_info()->clear_suffix();
  EXPECT_THAT(BuildXml(personal), Not(HasSubstr("<PassportName")));
  change = personal.add_changes();
  change->set_field("passport_name");
  change->set_sevis_value("ALEXA TESTPERSON");
  xml = BuildXml(personal);
  EXPECT_THAT(xml, HasSubstr("<PassportName/>"));
  EXPECT_THAT(xml, Not(HasSubstr("<Suffix")));
  EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty());
}

TEST(StudentUpdateTest, SelfEmployedOptEmployerIsFlagged) {
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_OPT_EMPLOYER_ADD, 1);
  alert.mutable_employment()->mutable_employers(0)->set_self_employed(true);
  const std::string xml = BuildXml(alert);
  EXPECT_THAT(xml, HasSubstr("<SelfEmployed>Y</SelfEmployed>"));
  EXPECT_THAT(StudentValidator()->Validate(xml), IsEmpty());
}

TEST(StudentUpdateTest, WritesNoAlertBookkeeping) {
  // A record's UserDefinedA/B come from the record, the dependent's from its SIS id; nothing
  // else of the alert (person id, subject, issues) is written.
  v1::Alert alert = testing::MakeFmAlert(v1::EVENT_TYPE_DEPENDENT_ADD, 1);
  const std::string xml = BuildXml(alert);
  EXPECT_THAT(xml, Not(HasSubstr(alert.person_id())));
  EXPECT_THAT(xml, Not(HasSubstr(alert.alert_id())));
  EXPECT_THAT(xml, HasSubstr(absl::StrCat("<UserDefinedA>", testing::SisDependentId(1))));
}

}  // namespace
}  // namespace sevisflow::sevisxml
