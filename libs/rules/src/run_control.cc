// PLACEHOLDER until written.
#include "sevisflow/rules/run_control.h"
namespace sevisflow::rules {
absl::Status ValidateRunControl(const v1::RunControl&) { return absl::OkStatus(); }
std::vector<std::string> RunControlWarnings(const v1::RunControl&, common::Date) { return {}; }
}  // namespace sevisflow::rules
