#pragma once
// Realistic F/M alerts for the student writer tests: one factory for every F/M event of
// alert.proto, filled the way the rules (libs/rules/src/fm_*.cc) or a DSO in review fill them.
// Every person, id and value is synthetic.

#include <string>
#include <vector>

#include "sevisflow/v1/alert.pb.h"

namespace sevisflow::sevisxml::testing {

// Every F/M event type of the EventType enum (codes 1..99), read from the enum's descriptor so
// that a new code is picked up without editing the tests.
std::vector<sevisflow::v1::EventType> FmEventTypes();

// The SEVIS id of synthetic student `n` ("N" + 10 digits) and of its dependent.
std::string StudentSevisId(int n);
std::string DependentSevisId(int n);
// The SIS dependent id of the dependent of student `n` (<= 10 characters).
std::string SisDependentId(int n);

// An alert of `event` for synthetic student `n`: the event's data message as the rules or the
// DSO fill it, the SEVIS id for an update, and FieldChanges where the event compares values.
// Create Student is MakeCreateStudentAlert(n). An event the factory does not know gets an alert
// without data (so the writer refuses it and the test names the event).
sevisflow::v1::Alert MakeFmAlert(sevisflow::v1::EventType event, int n);

}  // namespace sevisflow::sevisxml::testing
