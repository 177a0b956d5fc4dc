#pragma once
// F/M event detection over one SIS snapshot and the SEVIS Master view: a pure function.
//
//   auto detections = rules::DetectFm(snapshot, lookup, setup, today);
//
// Each Detection is an alert to publish unless the same alert id was already emitted for its
// emitted_key (the detector keeps sf:emitted:<person>).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace google::protobuf {
class MessageLite;
}

namespace sevisflow::rules {

// The SEVIS Master row of this person for an organisation (school code), or null. A record
// marked `deleted` counts as absent. The row must stay valid for the whole DetectFm call (the
// lookups hand out pointers so a person's evaluation copies no master record).
using MasterLookup = std::function<const v1::MasterRecord*(const std::string& org)>;

// The run control of an organisation, if one was set. Without one, the events that read it
// (Registration, Auth Drop Below FC - Add, Status - Complete by dates) do not fire, and CIP
// codes are validated.
// Null when the school has none; valid for the whole DetectFm call.
using RunControlLookup = std::function<const v1::RunControl*(const std::string& org)>;

struct Detection {
  v1::Alert alert;          // alert_id, org, person, event, data and issues set; detected_at not
  std::string emitted_key;  // "<org>|<event>|<subject>" (field of sf:emitted:<person>)
};

// Every F/M event of the rule book for one person. `run_control` may be empty (no run control).
std::vector<Detection> DetectFm(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                                const RunControlLookup& run_control, const Setup& setup,
                                common::Date today);

// "Create Student" alone (the rule book's trigger logic for that event); nullopt when the
// trigger does not hold.
std::optional<Detection> DetectCreateStudent(const v1::SisPersonSnapshot& snapshot,
                                             const MasterLookup& master, const Setup& setup,
                                             common::Date today, bool validate_cip = true);

// First 20 hex characters of SHA-256 over (org, person, event, subject, data serialised
// deterministically), each part length-prefixed so no two tuples collide by concatenation.
std::string AlertId(std::string_view org, std::string_view person, v1::EventType event,
                    std::string_view subject, const google::protobuf::MessageLite& data);

// "<org>|<event name>|<subject>".
std::string EmittedKey(std::string_view org, v1::EventType event, std::string_view subject);

}  // namespace sevisflow::rules
