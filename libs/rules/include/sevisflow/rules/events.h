#pragma once
// The event catalogue: every event of the rule book with its stable code, its rule-book name and
// the SEVIS batch XML element it becomes. docs/events.md is this table for people; a unit test
// keeps the two in step.

#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/common.pb.h"

namespace sevisflow::rules {

struct EventInfo {
  v1::EventType type;
  const char* code;             // stable: the EventType name without "EVENT_TYPE_"
  const char* rule_book_name;   // as the rule book spells it, e.g. "Auth Drop Below FC – Add"
  const char* xml_element;      // e.g. "UpdateStudent/Student/AuthDropBelowFC/Add"
  v1::VisaFamily family;
  bool detected;                // the rules find it
  bool manual;                  // a DSO may add it by hand (rules::CheckManualFm)
  const char* subject;          // what the alert subject holds ("" person-level)
};

// Every event, in the rule book's order.
const std::vector<EventInfo>& EventCatalogue();
// Null for EVENT_TYPE_UNSPECIFIED or an unknown value.
const EventInfo* FindEvent(v1::EventType type);
// "AUTH_DROP_BELOW_FC_ADD"; "UNSPECIFIED" for unknown values.
std::string EventCode(v1::EventType type);
// The type of a stable code (case-insensitive; the EVENT_TYPE_ prefix is optional);
// EVENT_TYPE_UNSPECIFIED when unknown.
v1::EventType EventFromCode(std::string_view code);

}  // namespace sevisflow::rules
