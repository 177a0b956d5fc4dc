#include "sevisflow/rules/events.h"

#include <cctype>
#include <deque>

namespace sevisflow::rules {
namespace {

constexpr v1::VisaFamily kFm = v1::VISA_FAMILY_FM;
constexpr v1::VisaFamily kJ = v1::VISA_FAMILY_J;
constexpr char kStudent[] = "UpdateStudent/Student/";
constexpr char kVisitor[] = "UpdateEV/ExchangeVisitor/";

std::vector<EventInfo> Build() {
  using E = EventInfo;
  // clang-format off
  std::vector<EventInfo> events = {
    E{v1::EVENT_TYPE_CREATE_STUDENT, "", "Create Student", "CreateStudent/Student", kFm, true, false, ""},
    E{v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD, "", "Auth Drop Below FC – Add", "AuthDropBelowFC/Add", kFm, true, true, ""},
    E{v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL, "", "Auth Drop Below FC – Cancel", "AuthDropBelowFC/Cancel", kFm, false, true, ""},
    E{v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT, "", "Auth Drop Below FC – Edit", "AuthDropBelowFC/Edit", kFm, false, true, ""},
    E{v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD, "", "CPT Employment – Add", "CPTEmployment/Add", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL, "", "CPT Employment – Cancel", "CPTEmployment/Cancel", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_DEPENDENT_ADD, "", "Dependent – Add", "Dependent/Add", kFm, true, false, "dependent id"},
    E{v1::EVENT_TYPE_DEPENDENT_CANCEL, "", "Dependent – Cancel", "Dependent/Cancel", kFm, true, false, "dependent id"},
    E{v1::EVENT_TYPE_DEPENDENT_EDIT, "", "Dependent – Edit", "Dependent/Edit", kFm, true, false, "dependent id"},
    E{v1::EVENT_TYPE_DEPENDENT_REACTIVATE, "", "Dependent – Reactivate", "Dependent/Reactivate", kFm, true, false, "dependent id"},
    E{v1::EVENT_TYPE_DEPENDENT_REPRINT, "", "Dependent – Reprint", "Dependent/Reprint", kFm, false, true, "dependent id"},
    E{v1::EVENT_TYPE_DEPENDENT_TERMINATE, "", "Dependent – Terminate", "Dependent/Terminate", kFm, true, false, "dependent id"},
    E{v1::EVENT_TYPE_DISCIPLINARY_ACTION, "", "Disciplinary Action", "DisciplinaryAction", kFm, false, true, ""},
    E{v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL, "", "Education Level – Cancel", "EducationLevel/Cancel", kFm, true, false, ""},
    E{v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE, "", "Education Level – Change", "EducationLevel/Change", kFm, true, false, ""},
    E{v1::EVENT_TYPE_FINANCIAL_INFO, "", "Financial Info", "FinancialInfo", kFm, true, false, ""},
    E{v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD, "", "Off Campus Employment – Add", "OffCampusEmployment/Add", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL, "", "Off Campus Employment – Cancel", "OffCampusEmployment/Cancel", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT, "", "Off Campus Employment – Edit", "OffCampusEmployment/Edit", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD, "", "OPT Employment – Add", "OPTEmployment/Add", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL, "", "OPT Employment – Cancel", "OPTEmployment/Cancel", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND, "", "OPT Employment – Extend", "OPTEmployment/Extend", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT, "", "OPT Employment – Edit", "OPTEmployment/Edit", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION, "", "OPT Report Participation", "OPTEmployment/ReportParticipation", kFm, true, false, "employment sequence"},
    E{v1::EVENT_TYPE_OPT_EMPLOYER_ADD, "", "OPT Employer – Add", "OPTEmployer/Add", kFm, true, false, "sequence/employer number"},
    E{v1::EVENT_TYPE_OPT_EMPLOYER_EDIT, "", "OPT Employer – Edit", "OPTEmployer/Edit", kFm, true, false, "sequence/employer number"},
    E{v1::EVENT_TYPE_PERSONAL_INFO, "", "Personal Info", "PersonalInfo", kFm, true, false, ""},
    E{v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION, "", "Program - Cancel Extension", "Program/CancelExtension", kFm, true, false, ""},
    E{v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION, "", "Program - Manage Session", "Program/ManageSessionDates", kFm, true, false, ""},
    E{v1::EVENT_TYPE_PROGRAM_EDIT, "", "Program - Edit", "Program/Edit", kFm, true, false, ""},
    E{v1::EVENT_TYPE_PROGRAM_EXTENSION, "", "Program - Extension", "Program/Extension", kFm, true, false, ""},
    E{v1::EVENT_TYPE_PROGRAM_SHORTEN, "", "Program - Shorten", "Program/Shorten", kFm, true, false, ""},
    E{v1::EVENT_TYPE_REGISTRATION, "", "Registration", "Registration", kFm, true, false, ""},
    E{v1::EVENT_TYPE_REPRINT, "", "Reprint", "Reprint", kFm, false, true, ""},
    E{v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION, "", "Request Cap – Gap Extension", "Request/CapGapExtension", kFm, true, false, ""},
    E{v1::EVENT_TYPE_STATUS_CANCEL, "", "Status - Cancel", "Status/Cancel", kFm, true, false, ""},
    E{v1::EVENT_TYPE_STATUS_COMPLETE, "", "Status - Complete", "Status/Complete", kFm, true, true, ""},
    E{v1::EVENT_TYPE_STATUS_TERMINATE, "", "Status - Terminate", "Status/Terminate", kFm, true, true, ""},
    E{v1::EVENT_TYPE_STATUS_VERIFY, "", "Status - Verify", "Status/Verify", kFm, true, false, ""},
    // J (rule book "Process SEVIS Alerts - J"; SEVISBatchCreateUpdateEV)
    E{v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, "", "Create Exchange Visitor", "CreateEV/ExchangeVisitor", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_BIOGRAPHICAL, "", "Biographical", "Biographical", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_DEPENDENT_ADD, "", "Dependent – Add", "Dependent/Add", kJ, true, false, "dependent id"},
    E{v1::EVENT_TYPE_EV_DEPENDENT_DELETE, "", "Dependent – Delete", "Dependent/Delete", kJ, true, false, "dependent id"},
    E{v1::EVENT_TYPE_EV_DEPENDENT_EDIT, "", "Dependent – Edit", "Dependent/Edit", kJ, true, false, "dependent id"},
    E{v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS, "", "Dependent – End Status", "Dependent/EndStatus", kJ, true, false, "dependent id"},
    E{v1::EVENT_TYPE_EV_DEPENDENT_REPRINT, "", "Dependent – Reprint", "Dependent/Reprint", kJ, false, true, "dependent id"},
    E{v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE, "", "Dependent – Terminate", "Dependent/Terminate", kJ, true, false, "dependent id"},
    E{v1::EVENT_TYPE_EV_FINANCIAL_INFO, "", "Financial Info", "FinancialInfo", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_PROGRAM_AMEND, "", "Program – Amend", "Program/Amend", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT, "", "Program – Edit Subject", "Program/EditSubject", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, "", "Program – Extension", "Program/Extension", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE, "", "Program - Matriculate", "Program/Matriculate", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_PROGRAM_SHORTEN, "", "Program – Shorten", "Program/Shorten", kJ, true, false, ""},
    E{v1::EVENT_TYPE_EV_REPRINT, "", "Reprint", "Reprint", kJ, false, true, ""},
    E{v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD, "", "Site of Activity – Add", "SiteOfActivity/Add", kJ, true, false, "site id"},
    E{v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE, "", "Site of Activity – Delete", "SiteOfActivity/Delete", kJ, true, false, "site id"},
    E{v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT, "", "Site of Activity – Edit", "SiteOfActivity/Edit", kJ, true, false, "site id"},
    E{v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION, "", "Status – Correct Infraction", "Status/CorrectInfraction", kJ, false, true, ""},
    E{v1::EVENT_TYPE_EV_STATUS_INVALID, "", "Status - Invalid", "Status/Invalid", kJ, false, true, ""},
    E{v1::EVENT_TYPE_EV_STATUS_NO_SHOW, "", "Status - No Show", "Status/NoShow", kJ, false, true, ""},
    E{v1::EVENT_TYPE_EV_STATUS_TERMINATE, "", "Status - Terminate", "Status/Terminate", kJ, false, true, ""},
    E{v1::EVENT_TYPE_EV_VALIDATE, "", "Validate", "Validate", kJ, true, true, ""},
  };
  // clang-format on
  // Codes and full XML paths live as long as the table (a deque never moves its elements).
  static std::deque<std::string> storage;
  for (auto& e : events) {
    storage.push_back(EventCode(e.type));
    e.code = storage.back().c_str();
    if (e.type != v1::EVENT_TYPE_CREATE_STUDENT && e.type != v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) {
      storage.push_back(std::string(e.family == kJ ? kVisitor : kStudent) + e.xml_element);
      e.xml_element = storage.back().c_str();
    }
  }
  return events;
}

}  // namespace

const std::vector<EventInfo>& EventCatalogue() {
  static const std::vector<EventInfo> catalogue = Build();
  return catalogue;
}

const EventInfo* FindEvent(v1::EventType type) {
  for (const auto& e : EventCatalogue()) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

std::string EventCode(v1::EventType type) {
  if (!v1::EventType_IsValid(type)) return "UNSPECIFIED";
  std::string name = v1::EventType_Name(type);
  constexpr std::string_view kPrefix = "EVENT_TYPE_";
  if (name.compare(0, kPrefix.size(), kPrefix) == 0) name.erase(0, kPrefix.size());
  return name;
}

v1::EventType EventFromCode(std::string_view code) {
  std::string upper;
  for (char c : code) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("EVENT_TYPE_", 0) != 0) upper = "EVENT_TYPE_" + upper;
  v1::EventType type = v1::EVENT_TYPE_UNSPECIFIED;
  if (!v1::EventType_Parse(upper, &type)) return v1::EVENT_TYPE_UNSPECIFIED;
  return type;
}

}  // namespace sevisflow::rules
