// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - J": the conditions that must be
// met before a DSO / RO adds an event by hand on the Alerts Header page ("This event must be
// manually entered on the Alerts Header page. No logic exists to trigger the event."):
// Dependent - Reprint, Reprint, Status - Correct Infraction, Invalid, No Show, Terminate, and
// Validate for a nonstudent program category.
//
// Readings (docs/rule-decisions.md, as fm_manual.cc for F/M):
//  - Every manual event acts on an existing SEVIS record: no master row, no event; an F/M
//    record is not an exchange visitor's.
//  - The events act on the SEVIS record alone; their SEVIS status condition is the event's own
//    (not the "Selection Criteria for All Events", which gate the detected events).
//  - Validate: "Manually enter this event ... if the exchange visitor is in a nonstudent program
//    category": the category of the current DS-2019 (else the SEVIS Master's Visitor Category);
//    for 1A-1F the alerts process detects Validate, so it is not added by hand.
#include <cctype>
#include <string>
#include <string_view>

#include "internal.h"
#include "sevisflow/rules/events.h"
#include "sevisflow/rules/j_context.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

// The rule book's words for each condition.
constexpr char kNoRecord[] = "the exchange visitor has no SEVIS record";
constexpr char kNotJRecord[] = "the SEVIS record is not a J-1 exchange visitor record";
constexpr char kStatusActive[] = "The exchange visitor has a SEVIS Status of Active.";
constexpr char kStatusActiveOrInactive[] =
    "The exchange visitor has a SEVIS Status of Active or Inactive.";
constexpr char kStatusInitial[] = "The exchange visitor has a SEVIS Status of Initial.";
constexpr char kStatusInactiveOrActive[] =
    "The exchange visitor has a SEVIS Status of Inactive or Active.";
constexpr char kNoInactiveDependentRows[] =
    "No inactive status rows exist on the SEVIS Master Dependents page.";
constexpr char kDependentsAvailable[] =
    "Dependents with Initial or Active status are available from the Additional Data prompt "
    "list.";
constexpr char kSelectDependent[] = "You must select the dependent ID to send the event to SEVIS.";
constexpr char kNoInactiveBioSoaRows[] =
    "No inactive status rows exist on the SEVIS Master Bio/Demo and Employment/SOA pages.";
constexpr char kNonStudentCategory[] =
    "Manually enter this event on the Alerts Header page of the Select Events to Report - J "
    "component if the exchange visitor is in a nonstudent program category.";

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

std::string NotManual(v1::EventType event) {
  const EventInfo* info = FindEvent(event);
  if (info != nullptr && info->family == v1::VISA_FAMILY_J) {
    return std::string(info->rule_book_name) +
           " is not added by hand: the alerts process detects it";
  }
  return EventCode(event) + " is not a J event that is added by hand";
}

// Dependent - Reprint: "No inactive status rows exist on the SEVIS Master Dependents page.
// Dependents with Initial or Active status are available from the Additional Data prompt list.
// You must select the dependent ID to send the event to SEVIS."
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
    unmet.emplace_back(kDependentsAvailable);
  }
}

}  // namespace

ManualCheck CheckManualJ(v1::EventType event, const v1::SisPersonSnapshot& snapshot,
                         const std::optional<v1::MasterRecord>& master, std::string_view subject,
                         const Setup& /*setup*/, common::Date today) {
  ManualCheck check;
  switch (event) {
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_EV_REPRINT:
    case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION:
    case v1::EVENT_TYPE_EV_STATUS_INVALID:
    case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
    case v1::EVENT_TYPE_EV_STATUS_TERMINATE:
    case v1::EVENT_TYPE_EV_VALIDATE:
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
  if (m.visa_family() == v1::VISA_FAMILY_FM) {
    check.unmet.emplace_back(kNotJRecord);
    return check;
  }
  const v1::SevisStatus status = m.sevis_status();
  const bool initial = status == v1::SEVIS_STATUS_INITIAL;
  const bool active = status == v1::SEVIS_STATUS_ACTIVE;
  const bool inactive = status == v1::SEVIS_STATUS_INACTIVE;
  std::vector<std::string>& unmet = check.unmet;
  switch (event) {
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
      // "The exchange visitor has a SEVIS Status of Active." and the dependent conditions.
      if (!active) unmet.emplace_back(kStatusActive);
      CheckDependent(m, subject, unmet);
      break;
    case v1::EVENT_TYPE_EV_REPRINT:
      // "The exchange visitor has a SEVIS Status of Active."
      if (!active) unmet.emplace_back(kStatusActive);
      break;
    case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION:
      // "The exchange visitor has a SEVIS Status of Active or Inactive."
      if (!active && !inactive) unmet.emplace_back(kStatusActiveOrInactive);
      break;
    case v1::EVENT_TYPE_EV_STATUS_INVALID:
    case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
      // "The exchange visitor has a SEVIS Status of Initial. No inactive status rows exist on
      // the SEVIS Master Bio/Demo and Employment/SOA pages."
      if (!initial) unmet.emplace_back(kStatusInitial);
      if (m.bio_inactive_rows() || m.soa_inactive_rows()) unmet.emplace_back(kNoInactiveBioSoaRows);
      break;
    case v1::EVENT_TYPE_EV_STATUS_TERMINATE:
      // "The exchange visitor has a SEVIS Status of Inactive or Active. No inactive status rows
      // exist on the SEVIS Master Bio/Demo and Employment/SOA pages."
      if (!inactive && !active) unmet.emplace_back(kStatusInactiveOrActive);
      if (m.bio_inactive_rows() || m.soa_inactive_rows()) unmet.emplace_back(kNoInactiveBioSoaRows);
      break;
    case v1::EVENT_TYPE_EV_VALIDATE: {
      // Validate: "The exchange visitor has a SEVIS Status of Initial." and "Note: Manually
      // enter this event ... if the exchange visitor is in a nonstudent program category."
      if (!initial) unmet.emplace_back(kStatusInitial);
      const v1::Ds2019Form* ds = CurrentDs2019(snapshot, today);
      const std::string_view category =
          TrimView(ds != nullptr ? ds->program_category() : m.program_category());
      if (category.empty() || IsStudentCategory(category)) {
        unmet.emplace_back(kNonStudentCategory);
      }
      break;
    }
    default:
      break;
  }
  check.allowed = unmet.empty();
  return check;
}

}  // namespace sevisflow::rules
