#pragma once
// Private to libs/sevisxml: the pieces of Create-UpdateStudent.xsd 6.55 that the create writer
// (student_document.cc) and the update writer (student_update.cc) share. Every function writes
// children in the schema's order; values are serialised as the alert holds them (after the
// code mappings named below), and the XSD is the gate for what is missing or malformed.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "sevisflow/sevisxml/document.h"
#include "sevisflow/v1/alert.pb.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml::internal {

inline const char* Bool(bool value) { return value ? "true" : "false"; }

// AcademicTerm is an enumeration "01".."12".
std::string TwoDigits(int value);

// SEVIS has one FirstName field: first and middle names travel together, separated by one space
// (rule book: "The concatenation of First and Middle Name values into a single Given Name
// element in the XML file is handled as part of the Export to SEVIS process").
std::string GivenNames(std::string_view first, std::string_view middle);

// EducationalInfo/IssDate, the I-20 issue date: the document's issue date, else the date part of
// the alert's detected_at, else today's UTC date.
std::string IssueDate(const DocumentSpec& spec, const sevisflow::v1::Alert& alert);

// The printForm attribute, from DocumentSpec::print_form.
void SetPrintForm(XmlBuilder& dom, XmlBuilder::Element* element, const DocumentSpec& spec);

// common:USAddrDoctorType under `name` (Address1, Address2?, City?, State?, PostalCode,
// ExplanationCode?, Explanation?). A ZIP+4 postal code keeps its five-digit ZIP (the type has no
// routing code).
void AddUsAddrDoctor(XmlBuilder& dom, XmlBuilder::Element* parent, std::string_view name,
                     const sevisflow::v1::Address& address,
                     std::string_view explanation_code = {}, std::string_view explanation = {});

// common:ForeignAddrType / ForeignAddrNullableType (Address1, Address2?, City?, Province?,
// CountryCode, PostalCode?). Province: the address's province, else its state field.
void AddForeignAddress(XmlBuilder& dom, XmlBuilder::Element* parent,
                       const sevisflow::v1::Address& address);

// Telephone (TelephoneExemptInd N, then Phone/USNumber for a 10-digit US number, else
// Phone/Foreign/PhoneNumber); nothing for an empty phone.
void AddTelephone(XmlBuilder& dom, XmlBuilder::Element* parent, std::string_view phone);

// common:NameType / NameNullableType: LastName, FirstName?, PassportName?, PreferredName?,
// Suffix?. `clear` (update events with nullable names): an optional part the alert's changes
// show going blank is sent as an empty element, which clears it in SEVIS.
struct NameParts {
  std::string_view last;
  std::string_view first;
  std::string_view middle;
  std::string_view suffix;
  std::string_view preferred;
  std::string_view passport;
};
void AddFullName(XmlBuilder& dom, XmlBuilder::Element* parent, const NameParts& name,
                 const sevisflow::v1::Alert* clear = nullptr);

// True when the alert's changes list `field` with a blank SIS value (the value went away).
bool ChangedToBlank(const sevisflow::v1::Alert& alert, std::string_view field);

// EducationalInfoType for CreateStudentData and ProgramData (same field names).
template <typename T>
void AddEducationalInfo(XmlBuilder& dom, XmlBuilder::Element* parent, const T& data,
                        std::string_view issue_date) {
  XmlBuilder::Element* education = dom.Add(parent, "EducationalInfo");
  XmlBuilder::Element* level = dom.Add(education, "EduLevel");
  dom.AddText(level, "Level", data.level_of_education());
  dom.AddOptional(level, "OtherRemarks", data.level_of_education_remarks());
  dom.AddText(education, "MajorCode1", data.primary_major());
  dom.AddOptional(education, "MajorCode2", data.secondary_major());
  dom.AddOptional(education, "Minor", data.minor());
  dom.AddText(education, "IssDate", issue_date);
  dom.AddText(education, "PrgStartDate", data.program_start_date());
  dom.AddText(education, "PrgEndDate", data.program_end_date());
  XmlBuilder::Element* english = dom.Add(education, "EngProficiency");
  dom.AddText(english, "EngRequired", Bool(data.english_proficiency_required()));
  // "RequirementsMet: Required if EngRequired=Y"; "NotRequiredReason: Required if EngRequired=N".
  if (data.english_proficiency_required()) {
    dom.AddText(english, "RequirementsMet", Bool(data.english_proficiency_met()));
  } else {
    dom.AddOptional(english, "NotRequiredReason", data.english_proficiency_notes());
  }
}

// FinancialAmountType (Amount + Remarks, both required) for an amount that is optional.
void AddAmountWithRemarks(XmlBuilder& dom, XmlBuilder::Element* parent, std::string_view name,
                          int64_t amount, std::string_view remarks);

// FinancialType (create, Education Level - Change) for CreateStudentData and FinancialData
// (same field names). Optional amounts are left out when zero.
template <typename T>
void AddFinancialInfo(XmlBuilder& dom, XmlBuilder::Element* parent, const T& data) {
  XmlBuilder::Element* financial = dom.Add(parent, "FinancialInfo");
  dom.AddText(financial, "AcademicTerm", TwoDigits(data.months_in_academic_term()));
  XmlBuilder::Element* expense = dom.Add(financial, "Expense");
  dom.AddText(expense, "Tuition", std::to_string(data.tuition()));
  dom.AddText(expense, "LivingExpense", std::to_string(data.living_expenses()));
  if (data.dependent_expenses() > 0) {
    dom.AddText(expense, "DependentExp", std::to_string(data.dependent_expenses()));
  }
  AddAmountWithRemarks(dom, expense, "Other", data.other_expenses(),
                       data.other_expenses_comment());
  XmlBuilder::Element* funding = dom.Add(financial, "Funding");
  dom.AddText(funding, "Personal", std::to_string(data.personal_funds()));
  AddAmountWithRemarks(dom, funding, "School", data.school_funds(), data.school_funds_comment());
  AddAmountWithRemarks(dom, funding, "Other", data.other_source_funds(),
                       data.other_source_comment());
  if (data.on_campus_employment() > 0) {
    dom.AddText(funding, "Employment", std::to_string(data.on_campus_employment()));
  }
}

// Update records (student_update.cc).
// InvalidArgument, naming the alert, for an update alert without a SEVIS id, of an event that is
// not F/M, or whose data does not match its event.
absl::Status CheckStudentUpdate(const DocumentRecord& record);
// One UpdateStudent/Student record (the alert passed CheckStudentUpdate).
void AddUpdateStudent(XmlBuilder& dom, XmlBuilder::Element* section, const DocumentSpec& spec,
                      const DocumentRecord& record);

}  // namespace sevisflow::sevisxml::internal
