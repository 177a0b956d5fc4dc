#include "services/builder/src/review_state.h"

#include <algorithm>

#include "absl/time/time.h"

namespace sevisflow::builder {
namespace {

constexpr char kSevisIssueField[] = "sevis";

// RFC 3339 to an absolute time; InfinitePast when absent or unparsable.
absl::Time DetectedTime(const sevisflow::v1::Alert& alert) {
  absl::Time t;
  std::string error;
  if (alert.detected_at().empty() ||
      !absl::ParseTime(absl::RFC3339_full, alert.detected_at(), &t, &error)) {
    return absl::InfinitePast();
  }
  return t;
}

}  // namespace

bool HasIssues(const sevisflow::v1::ReviewAlert& alert) {
  return alert.alert().issues_size() > 0 || alert.review_issues_size() > 0;
}

bool IsSelectable(const sevisflow::v1::ReviewAlert& alert) {
  return (alert.state() == sevisflow::v1::ALERT_STATE_OPEN ||
          alert.state() == sevisflow::v1::ALERT_STATE_SELECTED) &&
         !HasIssues(alert);
}

bool IsUnbatched(sevisflow::v1::AlertState state) {
  return state == sevisflow::v1::ALERT_STATE_OPEN || state == sevisflow::v1::ALERT_STATE_SELECTED ||
         state == sevisflow::v1::ALERT_STATE_FAILED || state == sevisflow::v1::ALERT_STATE_HELD;
}

void ApplyOutcome(const sevisflow::v1::Outcome& outcome, sevisflow::v1::ReviewAlert& alert) {
  // A replayed outcome replaces the issue it added the first time.
  auto* issues = alert.mutable_review_issues();
  issues->erase(std::remove_if(issues->begin(), issues->end(),
                               [](const sevisflow::v1::ValidationIssue& issue) {
                                 return issue.field() == kSevisIssueField;
                               }),
                issues->end());
  if (!outcome.batch_id().empty()) alert.set_batch_id(outcome.batch_id());
  if (outcome.accepted()) {
    alert.set_state(sevisflow::v1::ALERT_STATE_ACCEPTED);
    return;
  }
  alert.set_state(sevisflow::v1::ALERT_STATE_FAILED);
  sevisflow::v1::ValidationIssue* issue = alert.add_review_issues();
  issue->set_field(kSevisIssueField);
  issue->set_code(outcome.error_code().empty() ? "SEVIS_REJECTED" : outcome.error_code());
  issue->set_message(outcome.error_message());
}

bool IsNewer(const sevisflow::v1::Alert& candidate, const sevisflow::v1::Alert& current) {
  if (candidate.snapshot_version() != current.snapshot_version()) {
    return candidate.snapshot_version() > current.snapshot_version();
  }
  const absl::Time a = DetectedTime(candidate);
  const absl::Time b = DetectedTime(current);
  if (a != b) return a > b;
  return candidate.alert_id() > current.alert_id();
}

}  // namespace sevisflow::builder
