#pragma once
// Run control of the SEVIS Alerts process (rule book: "Process SEVIS Alerts - F/M" page):
// validation of what an operator sets, and remarks that do not block a run.
//
//   if (absl::Status st = rules::ValidateRunControl(rc); !st.ok()) ...  // refuse it
//   for (const std::string& w : rules::RunControlWarnings(rc, today)) ...  // tell the operator

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/v1/run_control.pb.h"

namespace sevisflow::rules {

// "Trigger Complete Program After": "The number can be between 0 and 60" (F students) and
// "between 0 and 30" (M students).
inline constexpr int kMaxCompleteAfterDaysF = 60;
inline constexpr int kMaxCompleteAfterDaysM = 30;
// "As of Date": "report the Registration event within 30 days of the current term start date".
inline constexpr int kMaxAsOfDaysAfterTermBegin = 30;

// Every violation of the page's rules, each "<field path>: <reason>" (e.g.
// "terms[1].as_of_date: 2026-10-05 is more than 30 days after the current term begins
// (2026-08-20)"), in field order. Empty when the run control is valid.
std::vector<std::string> RunControlErrors(const v1::RunControl& run_control);

// OK, or InvalidArgument with every RunControlErrors() entry joined by "; ".
absl::Status ValidateRunControl(const v1::RunControl& run_control);

// Non-blocking remarks for the operator, each "<field path>: <remark>": an as-of date still in
// the future, a missing next term or current term end date, a current term that already ended.
// Fields that are missing or malformed are left to ValidateRunControl.
std::vector<std::string> RunControlWarnings(const v1::RunControl& run_control, common::Date today);

}  // namespace sevisflow::rules
