#include "resilience.h"

#include <string>

#include "sevisflow/common/clock.h"

namespace sevisflow::uploader {
namespace {

std::string Rfc3339(int64_t ms) {
  return common::FormatRfc3339(common::TimePoint(std::chrono::milliseconds(ms)));
}

}  // namespace

bool CircuitBreaker::Allow(int64_t now_ms) {
  switch (state_) {
    case State::kClosed: return true;
    case State::kOpen:
      if (now_ms < open_until_ms_) return false;
      state_ = State::kHalfOpen;
      trial_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::OnSuccess() {
  state_ = State::kClosed;
  failures_ = 0;
  trial_in_flight_ = false;
}

void CircuitBreaker::OnFailure(int64_t now_ms) {
  ++failures_;
  trial_in_flight_ = false;
  if (state_ == State::kHalfOpen || failures_ >= policy_.failure_threshold) {
    state_ = State::kOpen;
    open_until_ms_ = now_ms + policy_.cool_down.count();
  }
}

std::string_view BreakerStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed: return "closed";
    case CircuitBreaker::State::kOpen: return "open";
    case CircuitBreaker::State::kHalfOpen: return "half_open";
  }
  return "unknown";
}

bool IsStuck(const UploadRecord& record, int64_t now_ms, std::chrono::milliseconds stuck_after) {
  if (stuck_after.count() <= 0 || record.created_ms <= 0 || IsTerminal(record.state)) {
    return false;
  }
  return now_ms - record.created_ms >= stuck_after.count();
}

absl::StatusOr<UploadRecord> PlanRetry(UploadRecord r, int64_t now_ms) {
  // A REJECTED batch's alerts go back to review (a zip-less BatchResult with the code), where
  // the DSO resubmits them under a new batch id: re-sending this one too could send them twice.
  if (r.state != State::kFailed) {
    return absl::FailedPreconditionError(
        "batch " + r.batch_id + " is " + std::string(StateName(r.state)) +
        (r.upload_result_code.empty() ? "" : " with " + r.upload_result_code) +
        (r.state == State::kRejected
             ? ": its alerts went back to review; close them into a new batch"
             : ": only FAILED batches can be retried"));
  }
  // Ever POSTed: SEVIS may hold it, so the next step polls first (S0031 allows the POST).
  r.state = r.upload_attempts > 0 ? State::kUploading : State::kPending;
  r.retries = 0;
  r.next_attempt_ms = now_ms;
  r.last_error = "retried by operator";
  r.updated_at = Rfc3339(now_ms);
  return r;
}

absl::StatusOr<UploadRecord> PlanCancel(UploadRecord r, int64_t now_ms) {
  if (r.state != State::kPending || r.upload_attempts > 0) {
    return absl::FailedPreconditionError(
        "batch " + r.batch_id + " is " + std::string(StateName(r.state)) +
        (r.upload_attempts > 0 ? " and was posted to SEVIS" : "") +
        ": only a PENDING batch never posted can be cancelled");
  }
  r.state = State::kCancelled;
  r.next_attempt_ms = 0;
  r.last_error = "cancelled by operator";
  r.updated_at = Rfc3339(now_ms);
  return r;
}

}  // namespace sevisflow::uploader
