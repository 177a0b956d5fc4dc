// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": the conditions that must be
// met before a DSO adds an event by hand on the Alerts - F/M page ("To manually enter the event,
// the following conditions must be met"): Auth Drop Below FC - Cancel, Auth Drop Below FC -
// Edit, Dependent - Reprint, Disciplinary Action, Reprint, and the manual entry of Auth Drop
// Below FC - Add, Status - Complete and Status - Terminate.
//
// Readings (recorded with the rule decisions, "manual events"):
//  - Every manual event acts on an existing SEVIS record: no master row, no event.
//  - The "Selection Criteria for All Events" (F-1/M-1 visa, current I-20 Active with Funding
//    Verified) gate events built from SIS data. Of the manual events only Auth Drop Below FC -
//    Add is (it reports the I-20 program's full course load); the others act on the SEVIS record
//    alone, and a DSO must be able to reprint, discipline, complete or terminate a student whose
//    I-20 was already inactivated in the SIS. Their SEVIS status condition is the event's own.
#include <cctype>
#include <string>
#include <string_view>

#include "internal.h"
#include "sevisflow/rules/events.h"
#include "sevisflow/rules/fm_context.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

// The rule book's words for each condition.
constexpr char kNoRecord[] = "the student has no SEVIS record";
constexpr char kNotFmRecord[] = "the SEVIS record is not an F-1/M-1 student record";
constexpr char kFmVisa[] =
    "The student has an immigration status on the Port of Entry Data page that equals the SEVIS "
    "visa type 01 (F-1) or 02 (M-1).";
constexpr char kI20Active[] =
    "The most recent effective-dated I-20 form has an Effective Status of Active.";
constexpr char kI20Funded[] =
    "The most recent effective-dated I-20 form has Funding Verified set to Y.";
constexpr char kStatusActive[] = "The student has a SEVIS Status of Active.";
constexpr char kStatusIsActive[] = "SEVIS Status is Active.";
constexpr char kStatusInitialOrActive[] = "The student has a SEVIS Status of Initial or Active.";
constexpr char kNoInactiveRegistrationRows[] =
    "No inactive effective status rows exist on the SEVIS Master component, Registration page.";
constexpr char kAuthReasonExists[] = "A Drop Below Full Course Auth Reason value exists.";
constexpr char kAuthStartLater[] =
    "The Drop Below Full Course Start Date value on the SEVIS Master component is later than the "
    "current system date.";
constexpr char kNoInactiveDependentRows[] =
    "No inactive status rows exist on the Dependents page in the SEVIS Master component.";
constexpr char kSelectDependent[] = "You must select the dependent ID to send the event to SEVIS.";
constexpr char kDependentInitialOrActive[] =
    "The Additional Data prompt displays initial or active status dependents from which to select.";
constexpr char kNoInactiveBioRows[] =
    "No inactive rows exist on the Bio/Demo page of the SEVIS Master component.";

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsActive(const v1::MasterRecord& m) { return m.sevis_status() == v1::SEVIS_STATUS_ACTIVE; }
bool IsInitialOrActive(const v1::MasterRecord& m) {
  return m.sevis_status() == v1::SEVIS_STATUS_INITIAL || IsActive(m);
}

std::string NotManual(v1::EventType event) {
  const EventInfo* info = FindEvent(event);
  if (info != nullptr && info->family == v1::VISA_FAMILY_FM) {
    return std::string(info->rule_book_name) +
           " is not added by hand: the alerts process detects it";
  }
  return EventCode(event) + " is not an F/M event that is added by hand";
}

// The general selection criteria, for the manual events built from SIS data.
void CheckSelection(const v1::SisPersonSnapshot& snapshot, common::Date today,
                    std::vector<std::string>& unmet) {
  if (!SelectFmVisa(snapshot, /*require_usa=*/false)) unmet.emplace_back(kFmVisa);
  const v1::I20Form* i20 = CurrentI20(snapshot, today);
  if (i20 == nullptr || i20->effective_status() != v1::FORM_STATUS_ACTIVE) {
    unmet.emplace_back(kI20Active);
  }
  if (i20 == nullptr || !i20->funding_verified()) unmet.emplace_back(kI20Funded);
}

// Dependent - Reprint: "The Additional Data prompt displays initial or active status dependents
// from which to select. You must select the dependent ID to send the event to SEVIS."
void CheckDependent(const v1::MasterRecord& m, std::string_view subject,
                    std::vector<std::string>& unmet) {
  bool inactive_rows = false;
  bool selectable = false;
  const std::string_view id = TrimView(subject);
  for (const auto& dep : m.dependents()) {
    const std::string_view status = TrimView(dep.relationship_status());
    if (EqualsNoCase(status, "INACTIVE")) inactive_rows = true;
    if (!id.empty() && TrimView(dep.dependent_id()) == id &&
        (EqualsNoCase(status, "INITIAL") || EqualsNoCase(status, "ACTIVE"))) {
      selectable = true;
    }
  }
  if (inactive_rows) unmet.emplace_back(kNoInactiveDependentRows);
  if (id.empty()) {
    unmet.emplace_back(kSelectDependent);
  } else if (!selectable) {
    unmet.emplace_back(kDependentInitialOrActive);
  }
}

}  // namespace

ManualCheck CheckManualFm(v1::EventType event, const v1::SisPersonSnapshot& snapshot,
                          const std::optional<v1::MasterRecord>& master, std::string_view subject,
                          const Setup& /*setup*/, common::Date today) {
  ManualCheck check;
  switch (event) {
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD:
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL:
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT:
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION:
    case v1::EVENT_TYPE_REPRINT:
    case v1::EVENT_TYPE_STATUS_COMPLETE:
    case v1::EVENT_TYPE_STATUS_TERMINATE:
      break;
    default:
      check.unmet.push_back(NotManual(event));
      return check;
  }
  if (!master || master->deleted()) {
    check.unmet.emplace_back(kNoRecord);
    return check;
  }
  const v1::MasterRecord& m = *master;
  if (m.visa_family() == v1::VISA_FAMILY_J) {
    check.unmet.emplace_back(kNotFmRecord);
    return check;
  }
  std::vector<std::string>& unmet = check.unmet;
  switch (event) {
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD:
      // "Note: You can also manually enter this event": its own condition, "The student has a
      // SEVIS Status of Active."; the other conditions are the DSO's judgement when adding it.
      CheckSelection(snapshot, today, unmet);
      if (!IsActive(m)) unmet.emplace_back(kStatusActive);
      break;
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL: {
      // "SEVIS Status is Active. AND No inactive effective status rows exist on the SEVIS Master
      // component, Registration page. AND A Drop Below Full Course Auth Reason value exists, AND
      // The Drop Below Full Course Start Date value on the SEVIS Master component is later than
      // the current system date." A blank or invalid start date is not later than today.
      if (!IsActive(m)) unmet.emplace_back(kStatusIsActive);
      if (m.registration_inactive_rows()) unmet.emplace_back(kNoInactiveRegistrationRows);
      if (TrimView(m.auth_reason()).empty()) unmet.emplace_back(kAuthReasonExists);
      const auto start = common::Date::Parse(TrimView(m.auth_start_date()));
      if (!start || *start <= today) unmet.emplace_back(kAuthStartLater);
      break;
    }
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT:
      // "The student has a SEVIS Status of Active, AND No inactive effective status rows exist
      // on the SEVIS Master component, Registration page. AND A Drop Below Full Course Auth
      // Reason value exists." The New Start / End Date rules apply to the dates the DSO enters
      // in review.
      if (!IsActive(m)) unmet.emplace_back(kStatusActive);
      if (m.registration_inactive_rows()) unmet.emplace_back(kNoInactiveRegistrationRows);
      if (TrimView(m.auth_reason()).empty()) unmet.emplace_back(kAuthReasonExists);
      break;
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
      // "The student has a SEVIS Status of Initial or Active. No inactive status rows exist on
      // the Dependents page in the SEVIS Master component." and the selected dependent.
      if (!IsInitialOrActive(m)) unmet.emplace_back(kStatusInitialOrActive);
      CheckDependent(m, subject, unmet);
      break;
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION:
      // "The student has a SEVIS Status of Active. No inactive rows exist on the Bio/Demo page of
      // the SEVIS Master component."
      if (!IsActive(m)) unmet.emplace_back(kStatusActive);
      if (m.bio_inactive_rows()) unmet.emplace_back(kNoInactiveBioRows);
      break;
    case v1::EVENT_TYPE_REPRINT:
      // "The student has a SEVIS Status of Initial or Active." ("Reprint Reason is Required on
      // the Additional Data page" is enforced in review.)
    case v1::EVENT_TYPE_STATUS_TERMINATE:
      // Status - Terminate: "The student has a SEVIS Status of Initial or Active."
      if (!IsInitialOrActive(m)) unmet.emplace_back(kStatusInitialOrActive);
      break;
    case v1::EVENT_TYPE_STATUS_COMPLETE:
      // Status - Complete: "The student has a SEVIS Status of Active."
      if (!IsActive(m)) unmet.emplace_back(kStatusActive);
      break;
    default:
      break;
  }
  check.allowed = unmet.empty();
  return check;
}

}  // namespace sevisflow::rules
