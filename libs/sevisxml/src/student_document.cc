// SEVISBatchCreateUpdateStudent (Create-UpdateStudent.xsd 6.55): the document, the CreateStudent
// records and the pieces of the schema the update records share (student_writer.h). Update
// records are written by student_update.cc.
#include "sevisflow/sevisxml/student_document.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <xercesc/dom/DOMException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/TranscodingException.hpp>
#include <xercesc/util/XMLException.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "student_writer.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml {
namespace internal {

using sevisflow::v1::Address;
using sevisflow::v1::Alert;
using Element = XmlBuilder::Element;

namespace {

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::string TodayUtc() {
  const std::chrono::year_month_day today{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(today.year()),
                static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day()));
  return buffer;
}

// "12345-6789" and "123456789" keep "12345"; anything else is sent as it is.
std::string_view FiveDigitZip(std::string_view zip) {
  zip = Trimmed(zip);
  if (zip.size() == 10 && zip[5] == '-' && AllDigits(zip.substr(0, 5)) &&
      AllDigits(zip.substr(6))) {
    return zip.substr(0, 5);
  }
  if (zip.size() == 9 && AllDigits(zip)) return zip.substr(0, 5);
  return zip;
}

}  // namespace

std::string TwoDigits(int value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d", value);
  return buffer;
}

std::string GivenNames(std::string_view first, std::string_view middle) {
  if (middle.empty()) return std::string(first);
  if (first.empty()) return std::string(middle);
  std::string given;
  given.reserve(first.size() + 1 + middle.size());
  given.append(first).append(" ").append(middle);
  return given;
}

std::string IssueDate(const DocumentSpec& spec, const Alert& alert) {
  if (!spec.issue_date.empty()) return spec.issue_date;
  // detected_at is RFC 3339; its first ten characters are the calendar date.
  if (alert.detected_at().size() >= 10) return alert.detected_at().substr(0, 10);
  return TodayUtc();
}

void SetPrintForm(XmlBuilder& dom, Element* element, const DocumentSpec& spec) {
  dom.SetAttribute(element, "printForm", Bool(spec.print_form));
}

void AddUsAddrDoctor(XmlBuilder& dom, Element* parent, std::string_view name,
                     const Address& address, std::string_view explanation_code,
                     std::string_view explanation) {
  Element* element = dom.Add(parent, name);
  dom.AddText(element, "Address1", address.line1());
  dom.AddOptional(element, "Address2", address.line2());
  dom.AddOptional(element, "City", address.city());
  dom.AddOptional(element, "State", address.state());
  dom.AddText(element, "PostalCode", FiveDigitZip(address.postal_code()));
  dom.AddOptional(element, "ExplanationCode", explanation_code);
  dom.AddOptional(element, "Explanation", explanation);
}

void AddForeignAddress(XmlBuilder& dom, Element* parent, const Address& address) {
  Element* element = dom.Add(parent, "ForeignAddress");
  dom.AddText(element, "Address1", address.line1());
  dom.AddOptional(element, "Address2", address.line2());
  dom.AddOptional(element, "City", address.city());
  dom.AddOptional(element, "Province",
                  address.province().empty() ? address.state() : address.province());
  dom.AddText(element, "CountryCode", address.country());
  dom.AddOptional(element, "PostalCode", address.postal_code());
}

void AddTelephone(XmlBuilder& dom, Element* parent, std::string_view phone) {
  phone = Trimmed(phone);
  if (phone.empty()) return;
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  // A US number: ten digits without an international prefix, or eleven with the country code 1.
  const bool international = phone.front() == '+';
  bool us = !international && digits.size() == 10;
  if (digits.size() == 11 && digits[0] == '1' && (international || phone.front() == '1')) {
    digits.erase(0, 1);
    us = true;
  }
  Element* telephone = dom.Add(parent, "Telephone");
  dom.AddText(telephone, "TelephoneExemptInd", "N");
  Element* number = dom.Add(telephone, "Phone");
  if (us) {
    dom.AddText(number, "USNumber", digits);
  } else {
    Element* foreign = dom.Add(number, "Foreign");
    dom.AddText(foreign, "PhoneNumber", digits.empty() ? phone : std::string_view(digits));
  }
}

bool ChangedToBlank(const Alert& alert, std::string_view field) {
  for (const sevisflow::v1::FieldChange& change : alert.changes()) {
    if (change.field() == field && Trimmed(change.sis_value()).empty()) return true;
  }
  return false;
}

void AddFullName(XmlBuilder& dom, Element* parent, const NameParts& name, const Alert* clear) {
  Element* full = dom.Add(parent, "FullName");
  dom.AddText(full, "LastName", name.last);
  const std::string given = GivenNames(name.first, name.middle);
  // Optional parts: a value, or (nullable names of an update) an empty element that clears a
  // value SEVIS holds and the SIS no longer has.
  auto part = [&](const char* element, std::string_view value, bool went_blank) {
    if (!value.empty()) {
      dom.AddText(full, element, value);
    } else if (clear != nullptr && went_blank) {
      dom.Add(full, element);
    }
  };
  part("FirstName", given,
       clear != nullptr &&
           (ChangedToBlank(*clear, "first_name") || ChangedToBlank(*clear, "middle_name")));
  part("PassportName", name.passport,
       clear != nullptr && ChangedToBlank(*clear, "passport_name"));
  part("PreferredName", name.preferred,
       clear != nullptr && ChangedToBlank(*clear, "preferred_name"));
  part("Suffix", name.suffix, clear != nullptr && ChangedToBlank(*clear, "suffix"));
}

void AddAmountWithRemarks(XmlBuilder& dom, Element* parent, std::string_view name,
                          int64_t amount, std::string_view remarks) {
  if (amount <= 0) return;
  Element* element = dom.Add(parent, name);
  dom.AddText(element, "Amount", std::to_string(amount));
  // RemarksType needs at least one character; an empty comment is left for the XSD to flag.
  dom.AddText(element, "Remarks", remarks);
}

}  // namespace internal

namespace {

using internal::XmlBuilder;
using sevisflow::v1::Alert;
using sevisflow::v1::CreateStudentData;
using Element = XmlBuilder::Element;

// StudentPersonType of Create-UpdateStudent.xsd 6.55, children in schema order.
void AddCreateStudent(XmlBuilder& dom, Element* parent, const DocumentSpec& spec,
                      const DocumentRecord& record) {
  const Alert& alert = *record.alert;
  const CreateStudentData& data = alert.create_student();
  Element* student = dom.Add(parent, "Student");
  dom.SetAttribute(student, "requestID", record.request_id);
  dom.SetAttribute(student, "userID", spec.user_id);
  internal::SetPrintForm(dom, student, spec);

  dom.AddOptional(student, "UserDefinedA", record.user_defined_a);
  dom.AddOptional(student, "UserDefinedB", record.user_defined_b);

  // PersonalInfo: NonImgBioTypeRequired, then Email?, Commuter?, VisaType, Telephone?.
  Element* personal = dom.Add(student, "PersonalInfo");
  internal::AddFullName(dom, personal,
                        {data.last_name(), data.first_name(), data.middle_name(), data.suffix(),
                         data.preferred_name(), data.passport_name()});
  dom.AddText(personal, "BirthDate", data.birth_date());
  dom.AddText(personal, "Gender", data.gender());
  dom.AddOptional(personal, "BirthCity", data.birth_city());
  dom.AddText(personal, "BirthCountryCode", data.birth_country());
  dom.AddOptional(personal, "CitizenshipStatus", data.citizenship_status());
  dom.AddText(personal, "CitizenshipCountryCode", data.citizenship_country());
  dom.AddOptional(personal, "Email", data.email());
  // A proto3 bool cannot tell "false" from "not given"; only the border-commuter case matters.
  if (data.commuter()) dom.AddText(personal, "Commuter", "true");
  dom.AddText(personal, "VisaType", data.visa_type());
  internal::AddTelephone(dom, personal, data.phone());

  dom.AddText(student, "IssueReason", data.issue_reason());
  if (data.has_us_address() && !data.us_address().line1().empty()) {
    internal::AddUsAddrDoctor(dom, student, "USAddress", data.us_address(),
                              data.us_address_explanation_code(), data.us_address_explanation());
  }
  internal::AddForeignAddress(dom, student, data.foreign_address());
  internal::AddEducationalInfo(dom, student, data, internal::IssueDate(spec, alert));
  internal::AddFinancialInfo(dom, student, data);
  dom.AddOptional(student, "Remarks", data.remarks());
}

absl::Status CheckCreate(const DocumentRecord& record) {
  if (!record.alert->has_create_student()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "alert ", record.alert->alert_id(),
        " is a Create Student event without create_student data"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> BuildStudentDocument(const DocumentSpec& spec) {
  // Creates first, then updates, each in input order (the schema's sequence).
  std::vector<const DocumentRecord*> creates;
  std::vector<const DocumentRecord*> updates;
  for (const DocumentRecord& record : spec.records) {
    if (record.alert == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("record ", record.request_id, " has no alert"));
    }
    if (record.alert->event_type() == sevisflow::v1::EVENT_TYPE_CREATE_STUDENT) {
      if (absl::Status status = CheckCreate(record); !status.ok()) return status;
      creates.push_back(&record);
    } else {
      if (absl::Status status = internal::CheckStudentUpdate(record); !status.ok()) {
        return status;
      }
      updates.push_back(&record);
    }
  }
  try {
    XmlBuilder dom("SEVISBatchCreateUpdateStudent");
    Element* root = dom.root();
    dom.SetAttribute(root, "userID", spec.user_id);
    Element* header = dom.Add(root, "BatchHeader");
    dom.AddText(header, "BatchID", spec.batch_id);
    dom.AddText(header, "OrgID", spec.org_id);
    if (!creates.empty()) {
      Element* section = dom.Add(root, "CreateStudent");
      for (const DocumentRecord* record : creates) AddCreateStudent(dom, section, spec, *record);
    }
    if (!updates.empty()) {
      Element* section = dom.Add(root, "UpdateStudent");
      for (const DocumentRecord* record : updates) {
        internal::AddUpdateStudent(dom, section, spec, *record);
      }
    }
    std::string error;
    std::string xml = dom.Serialize(&error);
    if (xml.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("batch ", spec.batch_id, ": ", error));
    }
    return xml;
  } catch (const xercesc::TranscodingException&) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", spec.batch_id, " holds a value that is not valid UTF-8"));
  } catch (const xercesc::DOMException& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", spec.batch_id, ": ", internal::FromX(e.getMessage())));
  } catch (const xercesc::OutOfMemoryException&) {
    return absl::ResourceExhaustedError("out of memory while building a batch document");
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory while building a batch document");
  } catch (const xercesc::XMLException& e) {
    return absl::InternalError(
        absl::StrCat("batch ", spec.batch_id, ": ", internal::FromX(e.getMessage())));
  }
}

}  // namespace sevisflow::sevisxml
