// UpdateStudent/Student records of SEVISBatchCreateUpdateStudent (Create-UpdateStudent.xsd 6.55):
// one record per F/M update event, with exactly one event element and its sub-event (the
// schema's xs:choice), children in schema order. Each event's XML element and data field are
// listed in docs/events.md; the readings of the schema are in the fmxml decisions.
#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "student_writer.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml::internal {
namespace {

namespace v1 = sevisflow::v1;
using v1::Alert;
using v1::EventType;
using Element = XmlBuilder::Element;

// ---------------------------------------------------------------------------------------------
// Which data each event carries (docs/events.md, column "Data").

Alert::DataCase ExpectedData(EventType event) {
  switch (event) {
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD:
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL:
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT:
      return Alert::kAuthDropBelow;
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT:
    case v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION:
    case v1::EVENT_TYPE_OPT_EMPLOYER_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYER_EDIT:
      return Alert::kEmployment;
    case v1::EVENT_TYPE_DEPENDENT_ADD:
    case v1::EVENT_TYPE_DEPENDENT_CANCEL:
    case v1::EVENT_TYPE_DEPENDENT_EDIT:
    case v1::EVENT_TYPE_DEPENDENT_REACTIVATE:
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_DEPENDENT_TERMINATE:
      return Alert::kDependent;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL:
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE:
    case v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION:
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION:
    case v1::EVENT_TYPE_PROGRAM_EDIT:
    case v1::EVENT_TYPE_PROGRAM_EXTENSION:
    case v1::EVENT_TYPE_PROGRAM_SHORTEN:
      return Alert::kProgram;
    case v1::EVENT_TYPE_FINANCIAL_INFO:
      return Alert::kFinancial;
    case v1::EVENT_TYPE_PERSONAL_INFO:
      return Alert::kPersonalInfo;
    case v1::EVENT_TYPE_REGISTRATION:
      return Alert::kRegistration;
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION:
    case v1::EVENT_TYPE_REPRINT:
    case v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION:
    case v1::EVENT_TYPE_STATUS_CANCEL:
    case v1::EVENT_TYPE_STATUS_COMPLETE:
    case v1::EVENT_TYPE_STATUS_TERMINATE:
    case v1::EVENT_TYPE_STATUS_VERIFY:
      return Alert::kStatus;
    default:
      return Alert::DATA_NOT_SET;  // not an F/M update event
  }
}

// The name of a data field as alert.proto spells it ("dependent", "status", ...).
std::string DataName(Alert::DataCase data) {
  if (data == Alert::DATA_NOT_SET) return "none";
  const google::protobuf::FieldDescriptor* field = Alert::descriptor()->FindFieldByNumber(data);
  return field != nullptr ? field->name() : absl::StrCat("field ", static_cast<int>(data));
}

// ---------------------------------------------------------------------------------------------
// Value mappings (SIS spellings -> SEVISTable.xsd codes).

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool SameNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

// EmploymentTimeType "Full-time/Part-time Indicator": 01 full time, 02 part time. The SIS feed
// writes FT / PT (sis_person.proto); 01 / 02 pass through; anything else is left for the XSD.
std::string_view TimeCode(std::string_view value) {
  value = Trim(value);
  if (SameNoCase(value, "FT")) return "01";
  if (SameNoCase(value, "PT")) return "02";
  return value;
}

bool IsTimeCode(std::string_view value) {
  value = Trim(value);
  return SameNoCase(value, "FT") || SameNoCase(value, "PT") || value == "01" || value == "02";
}

// OPTCompletionType: 01 pre-completion, 02 post-completion. The SIS writes PRE / POST.
std::string_view CompletionCode(std::string_view value) {
  value = Trim(value);
  if (SameNoCase(value, "PRE")) return "01";
  if (SameNoCase(value, "POST")) return "02";
  return value;
}

// The first non-empty value.
std::string_view Either(std::string_view preferred, std::string_view fallback) {
  return preferred.empty() ? fallback : preferred;
}

bool Changed(const Alert& alert, std::string_view field) {
  for (const v1::FieldChange& change : alert.changes()) {
    if (change.field() == field) return true;
  }
  return false;
}

// common:USAddressType (CPT employer): Address1, Address2?, City, State, PostalCode,
// PostalRoutingCode? (the +4 of a ZIP+4).
void AddUsAddressType(XmlBuilder& dom, Element* parent, std::string_view name,
                      const v1::Address& address) {
  Element* element = dom.Add(parent, name);
  dom.AddText(element, "Address1", address.line1());
  dom.AddOptional(element, "Address2", address.line2());
  dom.AddText(element, "City", address.city());
  dom.AddText(element, "State", address.state());
  std::string_view zip = Trim(address.postal_code());
  std::string_view routing;
  if (zip.size() == 10 && zip[5] == '-') {
    routing = zip.substr(6);
    zip = zip.substr(0, 5);
  } else if (zip.size() == 9) {
    routing = zip.substr(5);
    zip = zip.substr(0, 5);
  }
  dom.AddText(element, "PostalCode", zip);
  dom.AddOptional(element, "PostalRoutingCode", routing);
}

// ---------------------------------------------------------------------------------------------
// Auth Drop Below FC (AuthDropBelowType; Cancel has no Remarks; Edit adds the New* values).

void AddAuthDropBelow(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                      const Alert& alert) {
  const v1::AuthDropBelowData& d = alert.auth_drop_below();
  const EventType event = alert.event_type();
  Element* group = dom.Add(student, "AuthDropBelowFC");
  const char* sub = event == v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD      ? "Add"
                    : event == v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL ? "Cancel"
                                                                        : "Edit";
  Element* e = dom.Add(group, sub);
  SetPrintForm(dom, e, spec);
  dom.AddText(e, "Reason", d.reason());
  dom.AddText(e, "StartDate", d.start_date());
  dom.AddText(e, "EndDate", d.end_date());
  if (event == v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL) return;
  dom.AddOptional(e, "Remarks", d.remarks());
  if (event == v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT) {
    dom.AddOptional(e, "NewReason", d.new_reason());
    dom.AddOptional(e, "NewStartDate", d.new_start_date());
    dom.AddOptional(e, "NewEndDate", d.new_end_date());
  }
}

// ---------------------------------------------------------------------------------------------
// Employment: CPT, Off Campus, OPT Employment, OPT Employer.

// The dates SEVIS identifies an existing employment by (EmploymentIdentifier and the base types
// of Cancel/Edit); the SIS dates when the alert does not carry them.
std::string_view SevisStart(const v1::EmploymentData& d) {
  return Either(d.sevis_start_date(), d.start_date());
}
std::string_view SevisEnd(const v1::EmploymentData& d) {
  return Either(d.sevis_end_date(), d.end_date());
}

void AddCptEmployment(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                      const Alert& alert) {
  const v1::EmploymentData& d = alert.employment();
  const v1::EmployerData& employer =
      d.employers().empty() ? v1::EmployerData::default_instance() : d.employers(0);
  Element* group = dom.Add(student, "CPTEmployment");
  if (alert.event_type() == v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD) {
    Element* e = dom.Add(group, "Add");
    SetPrintForm(dom, e, spec);
    dom.AddText(e, "StartDate", d.start_date());
    dom.AddText(e, "EndDate", d.end_date());
    dom.AddText(e, "FullPartTimeIndicator", TimeCode(d.full_part_time()));
    dom.AddText(e, "EmployerName", employer.name());
    AddUsAddressType(dom, e, "EmployerAddress", employer.address());
    dom.AddOptional(e, "CourseRelevance", employer.course_relevance());
    dom.AddOptional(e, "EmploymentRemarks", d.remarks());
    return;
  }
  Element* e = dom.Add(group, "Cancel");
  SetPrintForm(dom, e, spec);
  dom.AddText(e, "StartDate", SevisStart(d));
  dom.AddText(e, "EndDate", SevisEnd(d));
  dom.AddText(e, "FullPartTimeIndicator", TimeCode(d.full_part_time()));
  dom.AddText(e, "EmployerName", employer.name());
}

void AddOffCampusEmployment(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                            const Alert& alert) {
  const v1::EmploymentData& d = alert.employment();
  Element* group = dom.Add(student, "OffCampusEmployment");
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD: {
      Element* e = dom.Add(group, "Add");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "StartDate", d.start_date());
      dom.AddText(e, "EndDate", d.end_date());
      dom.AddText(e, "EmploymentType", d.reason());
      dom.AddOptional(e, "Recommendation", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL: {
      Element* e = dom.Add(group, "Cancel");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "StartDate", SevisStart(d));
      dom.AddText(e, "EndDate", SevisEnd(d));
      dom.AddText(e, "EmploymentType", Either(d.sevis_reason(), d.reason()));
      return;
    }
    default: {
      // Edit: the employment as SEVIS holds it, then the values that changed (the alert's
      // changes say which).
      Element* e = dom.Add(group, "Edit");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "StartDate", SevisStart(d));
      dom.AddText(e, "EndDate", SevisEnd(d));
      dom.AddText(e, "EmploymentType", Either(d.sevis_reason(), d.reason()));
      if (Changed(alert, "start_date")) dom.AddOptional(e, "NewStartDate", d.start_date());
      if (Changed(alert, "end_date")) dom.AddOptional(e, "NewEndDate", d.end_date());
      if (Changed(alert, "reason")) dom.AddOptional(e, "NewEmploymentType", d.reason());
      dom.AddOptional(e, "Recommendation", d.remarks());
      return;
    }
  }
}

// Employer (OPT Add, Extend, OPT Employer - Add) when `complete`; UpdateEmployerType (OPT
// Employer - Edit, every element optional) otherwise.
void AddEmployer(XmlBuilder& dom, Element* parent, const v1::EmploymentData& employment,
                 const v1::EmployerData& employer, bool complete) {
  Element* e = dom.Add(parent, "Employer");
  dom.AddOptional(e, "EmployerName", employer.name());
  if (complete || !employer.address().line1().empty()) {
    AddUsAddrDoctor(dom, e, "EmployerAddress", employer.address());
  }
  dom.AddOptional(e, "EmployerEIN", employer.ein());
  // IndicatorTypeYN; proto3 cannot tell "no" from "not given", so only "yes" is sent.
  if (employer.self_employed()) dom.AddText(e, "SelfEmployed", "Y");
  const std::string_view time = TimeCode(Either(employer.full_part_time(),
                                                employment.full_part_time()));
  if (complete) {
    dom.AddText(e, "CourseRelevance", employer.course_relevance());
    dom.AddText(e, "FullPartTimeIndicator", time);
    dom.AddText(e, "StartDate", employer.start_date());
  } else {
    dom.AddOptional(e, "CourseRelevance", employer.course_relevance());
    dom.AddOptional(e, "FullPartTimeIndicator", time);
    dom.AddOptional(e, "StartDate", employer.start_date());
  }
  dom.AddOptional(e, "EndDate", employer.end_date());
  dom.AddOptional(e, "SupervisorFirstName", employer.supervisor_first_name());
  dom.AddOptional(e, "SupervisorLastName", employer.supervisor_last_name());
  dom.AddOptional(e, "SupervisorPhone", employer.supervisor_phone());
  dom.AddOptional(e, "SupervisorEmail", employer.supervisor_email());
  dom.AddOptional(e, "StudentsJobTitle", employer.job_title());
}

// OPTEmploymentType: StartDate, EndDate, FullPartTimeIndicator, @printForm.
Element* AddOptBase(XmlBuilder& dom, Element* group, const char* sub,
                       const DocumentSpec& spec, std::string_view start, std::string_view end,
                       std::string_view time) {
  Element* e = dom.Add(group, sub);
  SetPrintForm(dom, e, spec);
  dom.AddText(e, "StartDate", start);
  dom.AddText(e, "EndDate", end);
  dom.AddText(e, "FullPartTimeIndicator", TimeCode(time));
  return e;
}

void AddOptEmployment(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                      const Alert& alert) {
  const v1::EmploymentData& d = alert.employment();
  Element* group = dom.Add(student, "OPTEmployment");
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD: {
      Element* e =
          AddOptBase(dom, group, "Add", spec, d.start_date(), d.end_date(), d.full_part_time());
      dom.AddText(e, "AcademicYearMet", Bool(d.academic_year_met()));
      dom.AddOptional(e, "CompletionType", CompletionCode(d.completion_type()));
      dom.AddOptional(e, "Remarks", d.remarks());
      for (const v1::EmployerData& employer : d.employers()) {
        AddEmployer(dom, e, d, employer, /*complete=*/true);
      }
      return;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL:
      AddOptBase(dom, group, "Cancel", spec, SevisStart(d), SevisEnd(d), d.full_part_time());
      return;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT: {
      Element* e =
          AddOptBase(dom, group, "Edit", spec, SevisStart(d), SevisEnd(d), d.full_part_time());
      // The rule compares the OPT "Employment Code"; when it holds a full/part-time code, the
      // change is the new indicator. AcademicYearMet is the other compared value.
      if (IsTimeCode(d.employment_code()) &&
          TimeCode(d.employment_code()) != TimeCode(d.full_part_time())) {
        dom.AddText(e, "NewFullPartTimeIndicator", TimeCode(d.employment_code()));
      }
      dom.AddText(e, "AcademicYearMet", Bool(d.academic_year_met()));
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND: {
      // The STEM extension's own period.
      Element* e = AddOptBase(dom, group, "Extend", spec, d.extension_start_date(),
                                 d.extension_end_date(), d.full_part_time());
      for (const v1::EmployerData& employer : d.employers()) {
        AddEmployer(dom, e, d, employer, /*complete=*/true);
      }
      return;
    }
    default: {
      // Report Participation: the STEM extension period being reported on, else the employment
      // as SEVIS holds it.
      const bool extension = !d.extension_start_date().empty() && !d.extension_end_date().empty();
      AddOptBase(dom, group, "ReportParticipation", spec,
                 extension ? d.extension_start_date() : SevisStart(d),
                 extension ? d.extension_end_date() : SevisEnd(d), d.full_part_time());
      return;
    }
  }
}

void AddOptEmployer(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                    const Alert& alert) {
  const v1::EmploymentData& d = alert.employment();
  Element* group = dom.Add(student, "OPTEmployer");
  const bool add = alert.event_type() == v1::EVENT_TYPE_OPT_EMPLOYER_ADD;
  Element* e = dom.Add(group, add ? "Add" : "Edit");
  SetPrintForm(dom, e, spec);
  Element* employment = dom.Add(e, "EmploymentIdentifier");
  dom.AddText(employment, "StartDate", SevisStart(d));
  dom.AddText(employment, "EndDate", SevisEnd(d));
  if (add) {
    for (const v1::EmployerData& employer : d.employers()) {
      AddEmployer(dom, e, d, employer, /*complete=*/true);
    }
    return;
  }
  const v1::EmployerData& employer =
      d.employers().empty() ? v1::EmployerData::default_instance() : d.employers(0);
  Element* identifier = dom.Add(e, "EmployerIdentifier");
  dom.AddText(identifier, "EmployerName", Either(employer.sevis_name(), employer.name()));
  dom.AddText(identifier, "StartDate", Either(employer.sevis_start_date(), employer.start_date()));
  AddEmployer(dom, e, d, employer, /*complete=*/false);
}

// ---------------------------------------------------------------------------------------------
// Dependents.

// NonImgBioType (Add) or the optional biographical elements of Dependent/Edit.
void AddDependentBio(XmlBuilder& dom, Element* e, const Alert& alert, bool edit) {
  const v1::DependentData& d = alert.dependent();
  AddFullName(dom, e,
              {d.last_name(), d.first_name(), d.middle_name(), d.suffix(), d.preferred_name(),
               d.passport_name()},
              edit ? &alert : nullptr);
  if (edit) {
    dom.AddOptional(e, "BirthDate", d.birth_date());
    dom.AddOptional(e, "Gender", d.gender());
  } else {
    dom.AddText(e, "BirthDate", d.birth_date());
    dom.AddText(e, "Gender", d.gender());
  }
  dom.AddOptional(e, "BirthCity", d.birth_city());
  if (edit) {
    dom.AddOptional(e, "BirthCountryCode", d.birth_country());
  } else {
    dom.AddText(e, "BirthCountryCode", d.birth_country());
  }
  dom.AddOptional(e, "CitizenshipStatus", d.citizenship_status());
  if (edit) {
    dom.AddOptional(e, "CitizenshipCountryCode", d.citizenship_country());
  } else {
    dom.AddText(e, "CitizenshipCountryCode", d.citizenship_country());
  }
  dom.AddOptional(e, "Email", d.email());
}

// The dependent's SEVIS id; left out when unknown, so the XSD names the record (the attribute is
// required on every sub-event but Add).
void SetDependentSevisId(XmlBuilder& dom, Element* e, const v1::DependentData& d) {
  if (!d.dependent_sevis_id().empty()) {
    dom.SetAttribute(e, "dependentSevisID", d.dependent_sevis_id());
  }
}

void AddDependent(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                  const Alert& alert) {
  const v1::DependentData& d = alert.dependent();
  Element* group = dom.Add(student, "Dependent");
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_DEPENDENT_ADD: {
      // The SIS dependent id, echoed by SEVIS next to the dependentSevisID it assigns.
      dom.AddOptional(group, "UserDefinedA", d.dependent_id());
      Element* e = dom.Add(group, "Add");
      SetPrintForm(dom, e, spec);
      AddDependentBio(dom, e, alert, /*edit=*/false);
      dom.AddText(e, "VisaType", d.visa_type());
      dom.AddText(e, "Relationship", d.relationship());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_DEPENDENT_CANCEL: {
      Element* e = dom.Add(group, "Cancel");
      SetDependentSevisId(dom, e, d);
      dom.AddText(e, "Reason", d.reason());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_DEPENDENT_EDIT: {
      Element* e = dom.Add(group, "Edit");
      SetPrintForm(dom, e, spec);
      SetDependentSevisId(dom, e, d);
      AddDependentBio(dom, e, alert, /*edit=*/true);
      dom.AddOptional(e, "Relationship", d.relationship());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_DEPENDENT_REACTIVATE:
    case v1::EVENT_TYPE_DEPENDENT_REPRINT: {
      const bool reactivate = alert.event_type() == v1::EVENT_TYPE_DEPENDENT_REACTIVATE;
      Element* e = dom.Add(group, reactivate ? "Reactivate" : "Reprint");
      SetPrintForm(dom, e, spec);
      SetDependentSevisId(dom, e, d);
      return;
    }
    default: {
      Element* e = dom.Add(group, "Terminate");
      SetDependentSevisId(dom, e, d);
      dom.AddText(e, "Reason", d.reason());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Program, education level, financial and personal data.

void AddEducationLevel(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                       const Alert& alert) {
  const v1::ProgramData& d = alert.program();
  Element* group = dom.Add(student, "EducationLevel");
  if (alert.event_type() == v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL) {
    Element* e = dom.Add(group, "Cancel");
    dom.AddOptional(e, "Remarks", d.remarks());
    return;
  }
  Element* e = dom.Add(group, "Change");
  SetPrintForm(dom, e, spec);
  AddEducationalInfo(dom, e, d, IssueDate(spec, alert));
  AddFinancialInfo(dom, e, d.financial());
  dom.AddOptional(e, "Remarks", d.remarks());
}

// English proficiency of Program/Edit (NotRequiredReason is nullable there).
void AddEngProficiency(XmlBuilder& dom, Element* parent, const v1::ProgramData& d) {
  Element* english = dom.Add(parent, "EngProficiency");
  dom.AddText(english, "EngRequired", Bool(d.english_proficiency_required()));
  if (d.english_proficiency_required()) {
    dom.AddText(english, "RequirementsMet", Bool(d.english_proficiency_met()));
  } else {
    dom.AddOptional(english, "NotRequiredReason", d.english_proficiency_notes());
  }
}

void AddProgram(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                const Alert& alert) {
  const v1::ProgramData& d = alert.program();
  Element* group = dom.Add(student, "Program");
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION: {
      Element* e = dom.Add(group, "ManageSessionDates");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "IssDate", IssueDate(spec, alert));
      dom.AddText(e, "NewPrgStartDate", d.program_start_date());
      dom.AddText(e, "NewPrgEndDate", d.program_end_date());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_PROGRAM_EDIT: {
      Element* e = dom.Add(group, "Edit");
      SetPrintForm(dom, e, spec);
      dom.AddOptional(e, "Level", d.level_of_education());
      dom.AddOptional(e, "MajorCode1", d.primary_major());
      dom.AddOptional(e, "MajorCode2", d.secondary_major());
      dom.AddOptional(e, "Minor", d.minor());
      AddEngProficiency(dom, e, d);
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_PROGRAM_EXTENSION: {
      // Explanation is required: the DSO's explanation, else the I-20 remarks (which then are
      // not repeated as Remarks).
      Element* e = dom.Add(group, "Extension");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "NewPrgEndDate", d.program_end_date());
      if (!d.explanation().empty()) dom.AddOptional(e, "Remarks", d.remarks());
      dom.AddText(e, "Explanation", Either(d.explanation(), d.remarks()));
      return;
    }
    default: {
      // Cancel Extension and Shorten: ProgramExtendType.
      const bool cancel = alert.event_type() == v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION;
      Element* e = dom.Add(group, cancel ? "CancelExtension" : "Shorten");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "NewPrgEndDate", d.program_end_date());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
  }
}

// An optional amount of FinancialNullableType: the value; or, when the alert's changes show it
// went to zero, an empty element (MonetaryNullableType) that clears it.
void AddNullableAmount(XmlBuilder& dom, Element* parent, const char* name, int64_t amount,
                       const Alert& alert, std::string_view field) {
  if (amount > 0) {
    dom.AddText(parent, name, std::to_string(amount));
  } else if (Changed(alert, field)) {
    dom.Add(parent, name);
  }
}

// FinancialAmountNullableType (Amount?, Remarks?) likewise.
void AddNullableAmountWithRemarks(XmlBuilder& dom, Element* parent, const char* name,
                                  int64_t amount, std::string_view remarks, const Alert& alert,
                                  std::string_view field) {
  if (amount > 0) {
    Element* e = dom.Add(parent, name);
    dom.AddText(e, "Amount", std::to_string(amount));
    dom.AddOptional(e, "Remarks", remarks);
  } else if (Changed(alert, field)) {
    Element* e = dom.Add(parent, name);
    dom.Add(e, "Amount");
    dom.Add(e, "Remarks");
  }
}

void AddFinancialUpdate(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                        const Alert& alert) {
  const v1::FinancialData& d = alert.financial();
  Element* e = dom.Add(student, "FinancialInfo");
  SetPrintForm(dom, e, spec);
  if (d.months_in_academic_term() != 0) {
    dom.AddText(e, "AcademicTerm", TwoDigits(d.months_in_academic_term()));
  }
  Element* expense = dom.Add(e, "Expense");
  dom.AddText(expense, "Tuition", std::to_string(d.tuition()));
  dom.AddText(expense, "LivingExpense", std::to_string(d.living_expenses()));
  AddNullableAmount(dom, expense, "DependentExp", d.dependent_expenses(), alert,
                    "dependent_expenses");
  AddNullableAmountWithRemarks(dom, expense, "Other", d.other_expenses(),
                               d.other_expenses_comment(), alert, "other_expenses");
  Element* funding = dom.Add(e, "Funding");
  dom.AddText(funding, "Personal", std::to_string(d.personal_funds()));
  AddNullableAmountWithRemarks(dom, funding, "School", d.school_funds(), d.school_funds_comment(),
                               alert, "school_funds");
  AddNullableAmountWithRemarks(dom, funding, "Other", d.other_source_funds(),
                               d.other_source_comment(), alert, "other_source_funds");
  AddNullableAmount(dom, funding, "Employment", d.on_campus_employment(), alert,
                    "on_campus_employment");
  dom.AddOptional(e, "Remarks", d.remarks());
}

void AddPersonalInfo(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                     const Alert& alert) {
  const v1::PersonalInfoData& d = alert.personal_info();
  Element* e = dom.Add(student, "PersonalInfo");
  SetPrintForm(dom, e, spec);
  AddFullName(dom, e,
              {d.last_name(), d.first_name(), d.middle_name(), d.suffix(), d.preferred_name(),
               d.passport_name()},
              &alert);
  dom.AddOptional(e, "BirthDate", d.birth_date());
  dom.AddOptional(e, "Gender", d.gender());
  dom.AddOptional(e, "BirthCity", d.birth_city());
  dom.AddOptional(e, "BirthCountryCode", d.birth_country());
  dom.AddOptional(e, "CitizenshipStatus", d.citizenship_status());
  dom.AddOptional(e, "CitizenshipCountryCode", d.citizenship_country());
  dom.AddOptional(e, "Email", d.email());
  AddTelephone(dom, e, d.phone());
  // The I-20's Commuter check box, compared by the rule: sent either way.
  dom.AddText(e, "Commuter", Bool(d.commuter()));
  if (!d.us_address().line1().empty()) {
    AddUsAddrDoctor(dom, e, "USAddress", d.us_address(), d.us_address_explanation_code(),
                    d.us_address_explanation());
  }
  if (!d.foreign_address().line1().empty() || !d.foreign_address().country().empty()) {
    AddForeignAddress(dom, e, d.foreign_address());
  }
  dom.AddOptional(e, "Remarks", d.remarks());
}

void AddRegistration(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                     const Alert& alert) {
  const v1::RegistrationData& d = alert.registration();
  Element* e = dom.Add(student, "Registration");
  SetPrintForm(dom, e, spec);
  dom.AddText(e, "LastSession", Bool(d.last_session()));
  dom.AddText(e, "CurrentSessionStartDate", d.current_session_start_date());
  dom.AddText(e, "CurrentSessionEndDate", d.current_session_end_date());
  // There is no next session to report after the last one.
  if (!d.last_session()) dom.AddOptional(e, "NextSessionStartDate", d.next_session_start_date());
  dom.AddOptional(e, "Email", d.email());
  dom.AddText(e, "Commuter", Bool(d.commuter()));
  if (!d.us_address().line1().empty()) AddUsAddrDoctor(dom, e, "USAddress", d.us_address());
  if (!d.foreign_address().line1().empty()) AddForeignAddress(dom, e, d.foreign_address());
}

// ---------------------------------------------------------------------------------------------
// Status, Reprint, Request, Disciplinary Action (StatusData).

void AddStatusEvent(XmlBuilder& dom, Element* student, const DocumentSpec& spec,
                    const Alert& alert) {
  const v1::StatusData& d = alert.status();
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION: {
      Element* e = dom.Add(student, "DisciplinaryAction");
      dom.AddText(e, "Explanation", d.explanation());
      return;
    }
    case v1::EVENT_TYPE_REPRINT: {
      Element* e = dom.Add(student, "Reprint");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "Reason", d.reason());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION: {
      Element* request = dom.Add(student, "Request");
      Element* e = dom.Add(request, "CapGapExtension");
      SetPrintForm(dom, e, spec);
      dom.AddText(e, "Status", d.cap_gap_status());
      return;
    }
    default:
      break;
  }
  Element* group = dom.Add(student, "Status");
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_STATUS_CANCEL: {
      Element* e = dom.Add(group, "Cancel");
      dom.AddText(e, "Reason", d.reason());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_STATUS_COMPLETE: {
      Element* e = dom.Add(group, "Complete");
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    case v1::EVENT_TYPE_STATUS_TERMINATE: {
      Element* e = dom.Add(group, "Terminate");
      dom.AddText(e, "Reason", d.reason());
      dom.AddOptional(e, "OtherRemarks", d.other_remarks());
      dom.AddOptional(e, "Remarks", d.remarks());
      return;
    }
    default:
      dom.Add(group, "Verify");  // common:EmptyType
      return;
  }
}

}  // namespace

absl::Status CheckStudentUpdate(const DocumentRecord& record) {
  const Alert& alert = *record.alert;
  const EventType event = alert.event_type();
  const Alert::DataCase expected = ExpectedData(event);
  if (expected == Alert::DATA_NOT_SET) {
    return absl::InvalidArgumentError(absl::StrCat("alert ", alert.alert_id(), ": event ",
                                                   v1::EventType_Name(event),
                                                   " is not an F/M student event"));
  }
  if (alert.sevis_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("alert ", alert.alert_id(), ": update event ", v1::EventType_Name(event),
                     " has no sevis_id (UpdateStudent/Student/@sevisID is required)"));
  }
  if (alert.data_case() != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        "alert ", alert.alert_id(), ": event ", v1::EventType_Name(event), " needs ",
        DataName(expected), " data, the alert has ", DataName(alert.data_case())));
  }
  return absl::OkStatus();
}

void AddUpdateStudent(XmlBuilder& dom, Element* section, const DocumentSpec& spec,
                      const DocumentRecord& record) {
  const Alert& alert = *record.alert;
  Element* student = dom.Add(section, "Student");
  dom.SetAttribute(student, "sevisID", alert.sevis_id());
  dom.SetAttribute(student, "requestID", record.request_id);
  dom.SetAttribute(student, "userID", spec.user_id);
  dom.AddOptional(student, "UserDefinedA", record.user_defined_a);
  dom.AddOptional(student, "UserDefinedB", record.user_defined_b);
  switch (alert.event_type()) {
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD:
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL:
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT:
      AddAuthDropBelow(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL:
      AddCptEmployment(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_DEPENDENT_ADD:
    case v1::EVENT_TYPE_DEPENDENT_CANCEL:
    case v1::EVENT_TYPE_DEPENDENT_EDIT:
    case v1::EVENT_TYPE_DEPENDENT_REACTIVATE:
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_DEPENDENT_TERMINATE:
      AddDependent(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL:
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE:
      AddEducationLevel(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_FINANCIAL_INFO:
      AddFinancialUpdate(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT:
      AddOffCampusEmployment(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT:
    case v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION:
      AddOptEmployment(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_OPT_EMPLOYER_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYER_EDIT:
      AddOptEmployer(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_PERSONAL_INFO:
      AddPersonalInfo(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION:
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION:
    case v1::EVENT_TYPE_PROGRAM_EDIT:
    case v1::EVENT_TYPE_PROGRAM_EXTENSION:
    case v1::EVENT_TYPE_PROGRAM_SHORTEN:
      AddProgram(dom, student, spec, alert);
      return;
    case v1::EVENT_TYPE_REGISTRATION:
      AddRegistration(dom, student, spec, alert);
      return;
    default:
      AddStatusEvent(dom, student, spec, alert);
      return;
  }
}

}  // namespace sevisflow::sevisxml::internal
