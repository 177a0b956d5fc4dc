#pragma once
// PLACEHOLDER: run control validation (written next).
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/v1/run_control.pb.h"

namespace sevisflow::rules {

// The rule book's checks of the Process SEVIS Alerts page. InvalidArgument naming the field
// ("terms[0].as_of_date: ...") when a value breaks them.
absl::Status ValidateRunControl(const v1::RunControl& run_control);

// Non-blocking remarks for the operator (e.g. an as-of date still in the future).
std::vector<std::string> RunControlWarnings(const v1::RunControl& run_control, common::Date today);

}  // namespace sevisflow::rules
