#include "sevisflow/sevisxml/student_document.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <xercesc/dom/DOMException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/TranscodingException.hpp>
#include <xercesc/util/XMLException.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml {
namespace {

using internal::DomBuilder;
using sevisflow::v1::Address;
using sevisflow::v1::Alert;
using sevisflow::v1::CreateStudentData;
using xercesc::DOMElement;

std::string Bool(bool value) { return value ? "true" : "false"; }

// Given names: SEVIS has one FirstName field, so first and middle names travel together,
// separated by one space (CreateStudentData note).
std::string GivenNames(const CreateStudentData& data) {
  if (data.middle_name().empty()) return data.first_name();
  if (data.first_name().empty()) return data.middle_name();
  return absl::StrCat(data.first_name(), " ", data.middle_name());
}

std::string TodayUtc() {
  const std::chrono::year_month_day today{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(today.year()),
                static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day()));
  return buffer;
}

// AcademicTerm is an enumeration "01".."12".
std::string TwoDigits(int value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d", value);
  return buffer;
}

std::string IssueDate(const StudentBatch& batch, const Alert& alert) {
  if (!batch.issue_date.empty()) return batch.issue_date;
  // detected_at is RFC 3339; its first ten characters are the calendar date.
  if (alert.detected_at().size() >= 10) return alert.detected_at().substr(0, 10);
  return TodayUtc();
}

// common:USAddrDoctorType: Address1, Address2?, City?, State?, PostalCode.
void AddUsAddress(DomBuilder& dom, DOMElement* parent, const Address& address) {
  DOMElement* element = dom.Add(parent, "USAddress");
  dom.AddText(element, "Address1", address.line1());
  dom.AddOptional(element, "Address2", address.line2());
  dom.AddOptional(element, "City", address.city());
  dom.AddOptional(element, "State", address.state());
  dom.AddText(element, "PostalCode", address.postal_code());
}

// common:ForeignAddrType: Address1, Address2?, City?, Province?, CountryCode, PostalCode?.
void AddForeignAddress(DomBuilder& dom, DOMElement* parent, const Address& address) {
  DOMElement* element = dom.Add(parent, "ForeignAddress");
  dom.AddText(element, "Address1", address.line1());
  dom.AddOptional(element, "Address2", address.line2());
  dom.AddOptional(element, "City", address.city());
  dom.AddOptional(element, "Province", address.province());
  dom.AddText(element, "CountryCode", address.country());
  dom.AddOptional(element, "PostalCode", address.postal_code());
}

// FinancialAmountType (Amount + Remarks, both required) for an optional amount.
void AddAmountWithRemarks(DomBuilder& dom, DOMElement* parent, std::string_view name,
                          int64_t amount, std::string_view remarks) {
  if (amount <= 0) return;
  DOMElement* element = dom.Add(parent, name);
  dom.AddText(element, "Amount", std::to_string(amount));
  // RemarksType needs at least one character; an empty comment is left for the XSD to flag.
  dom.AddText(element, "Remarks", remarks);
}

// StudentPersonType of Create-UpdateStudent.xsd 6.55, children in schema order.
void AddCreateStudent(DomBuilder& dom, DOMElement* parent, const StudentBatch& batch,
                      const StudentRecord& record) {
  const Alert& alert = *record.alert;
  const CreateStudentData& data = alert.create_student();
  DOMElement* student = dom.Add(parent, "Student");
  dom.SetAttribute(student, "requestID", record.request_id);
  dom.SetAttribute(student, "userID", batch.user_id);
  dom.SetAttribute(student, "printForm", Bool(batch.print_form));

  dom.AddOptional(student, "UserDefinedA", record.user_defined_a);
  dom.AddOptional(student, "UserDefinedB", record.user_defined_b);

  // PersonalInfo: NonImgBioTypeRequired, then Email?, Commuter?, VisaType, Telephone?.
  DOMElement* personal = dom.Add(student, "PersonalInfo");
  DOMElement* name = dom.Add(personal, "FullName");
  dom.AddText(name, "LastName", data.last_name());
  dom.AddOptional(name, "FirstName", GivenNames(data));
  dom.AddOptional(name, "Suffix", data.suffix());
  dom.AddText(personal, "BirthDate", data.birth_date());
  dom.AddText(personal, "Gender", data.gender());
  dom.AddOptional(personal, "BirthCity", data.birth_city());
  dom.AddText(personal, "BirthCountryCode", data.birth_country());
  dom.AddText(personal, "CitizenshipCountryCode", data.citizenship_country());
  dom.AddOptional(personal, "Email", data.email());
  // A proto3 bool cannot tell "false" from "not given"; only the border-commuter case matters.
  if (data.commuter()) dom.AddText(personal, "Commuter", "true");
  dom.AddText(personal, "VisaType", data.visa_type());

  dom.AddText(student, "IssueReason", data.issue_reason());
  if (data.has_us_address() && !data.us_address().line1().empty()) {
    AddUsAddress(dom, student, data.us_address());
  }
  AddForeignAddress(dom, student, data.foreign_address());

  // EducationalInfoType.
  DOMElement* education = dom.Add(student, "EducationalInfo");
  DOMElement* level = dom.Add(education, "EduLevel");
  dom.AddText(level, "Level", data.level_of_education());
  dom.AddText(education, "MajorCode1", data.primary_major());
  dom.AddOptional(education, "MajorCode2", data.secondary_major());
  dom.AddOptional(education, "Minor", data.minor());
  dom.AddText(education, "IssDate", IssueDate(batch, alert));
  dom.AddText(education, "PrgStartDate", data.program_start_date());
  dom.AddText(education, "PrgEndDate", data.program_end_date());
  DOMElement* english = dom.Add(education, "EngProficiency");
  dom.AddText(english, "EngRequired", Bool(data.english_proficiency_required()));
  // The schema notes: RequirementsMet is required when EngRequired is true, NotRequiredReason
  // when it is false.
  if (data.english_proficiency_required()) {
    dom.AddText(english, "RequirementsMet", Bool(data.english_proficiency_met()));
  } else {
    dom.AddOptional(english, "NotRequiredReason", data.english_proficiency_notes());
  }

  // FinancialType.
  DOMElement* financial = dom.Add(student, "FinancialInfo");
  dom.AddText(financial, "AcademicTerm", TwoDigits(data.months_in_academic_term()));
  DOMElement* expense = dom.Add(financial, "Expense");
  dom.AddText(expense, "Tuition", std::to_string(data.tuition()));
  dom.AddText(expense, "LivingExpense", std::to_string(data.living_expenses()));
  if (data.dependent_expenses() > 0) {
    dom.AddText(expense, "DependentExp", std::to_string(data.dependent_expenses()));
  }
  AddAmountWithRemarks(dom, expense, "Other", data.other_expenses(),
                       data.other_expenses_comment());
  DOMElement* funding = dom.Add(financial, "Funding");
  dom.AddText(funding, "Personal", std::to_string(data.personal_funds()));
  AddAmountWithRemarks(dom, funding, "School", data.school_funds(), data.school_funds_comment());
  AddAmountWithRemarks(dom, funding, "Other", data.other_source_funds(),
                       data.other_source_comment());
  if (data.on_campus_employment() > 0) {
    dom.AddText(funding, "Employment", std::to_string(data.on_campus_employment()));
  }

  dom.AddOptional(student, "Remarks", data.remarks());
}

absl::Status CheckSupported(const StudentRecord& record) {
  if (record.alert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("record ", record.request_id, " has no alert"));
  }
  const Alert& alert = *record.alert;
  if (alert.event_type() != sevisflow::v1::EVENT_TYPE_CREATE_STUDENT) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event ", sevisflow::v1::EventType_Name(alert.event_type()), " of alert ",
        alert.alert_id(), " is not supported by the document builder yet"));
  }
  if (!alert.has_create_student()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "alert ", alert.alert_id(), " is a Create Student event without create_student data"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> BuildStudentDocument(const StudentBatch& batch) {
  for (const StudentRecord& record : batch.records) {
    if (absl::Status status = CheckSupported(record); !status.ok()) return status;
  }
  try {
    DomBuilder dom("SEVISBatchCreateUpdateStudent");
    DOMElement* root = dom.root();
    dom.SetAttribute(root, "userID", batch.user_id);
    DOMElement* header = dom.Add(root, "BatchHeader");
    dom.AddText(header, "BatchID", batch.batch_id);
    dom.AddText(header, "OrgID", batch.org_id);
    if (!batch.records.empty()) {
      DOMElement* create = dom.Add(root, "CreateStudent");
      for (const StudentRecord& record : batch.records) {
        AddCreateStudent(dom, create, batch, record);
      }
    }
    std::string error;
    std::string xml = dom.Serialize(&error);
    if (xml.empty()) {
      return absl::InternalError(absl::StrCat("batch ", batch.batch_id, ": ", error));
    }
    return xml;
  } catch (const xercesc::TranscodingException&) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", batch.batch_id, " holds a value that is not valid UTF-8"));
  } catch (const xercesc::DOMException& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", batch.batch_id, ": ", internal::FromX(e.getMessage())));
  } catch (const xercesc::OutOfMemoryException&) {
    return absl::ResourceExhaustedError("out of memory while building a batch document");
  } catch (const xercesc::XMLException& e) {
    return absl::InternalError(
        absl::StrCat("batch ", batch.batch_id, ": ", internal::FromX(e.getMessage())));
  }
}

}  // namespace sevisflow::sevisxml
