#pragma once
// Pure decisions around the upload state machine (state.h): the per-org circuit breaker, the
// stuck-batch test and the operator actions of UploadService (retry, cancel). No I/O, no clock:
// callers pass Unix milliseconds.

#include <chrono>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "state.h"

namespace sevisflow::uploader {

struct BreakerPolicy {
  int failure_threshold = 5;  // consecutive transport/5xx failures that open the breaker
  std::chrono::milliseconds cool_down{std::chrono::seconds(300)};
};

// One org's breaker. CLOSED: requests flow. OPEN (after failure_threshold consecutive
// failures): nothing is sent until cool_down has passed. HALF_OPEN: exactly one trial request;
// its success closes the breaker, its failure opens it for another cool_down.
class CircuitBreaker {
 public:
  enum class State { kClosed = 0, kOpen = 1, kHalfOpen = 2 };

  explicit CircuitBreaker(BreakerPolicy policy) : policy_(policy) {}

  // True when a request may go now (an OPEN breaker whose cool-down is over lets one trial go
  // and becomes HALF_OPEN; further calls say false until that trial's outcome is reported).
  bool Allow(int64_t now_ms);
  // The outcome of an allowed request: a failure is a transport error or an HTTP 5xx; any
  // other HTTP answer (even a SEVIS error code) is a success of the connection.
  void OnSuccess();
  void OnFailure(int64_t now_ms);

  State state() const { return state_; }
  // When an OPEN breaker lets its trial go (meaningful when OPEN).
  int64_t open_until_ms() const { return open_until_ms_; }
  int consecutive_failures() const { return failures_; }

 private:
  BreakerPolicy policy_;
  State state_ = State::kClosed;
  int failures_ = 0;
  int64_t open_until_ms_ = 0;
  bool trial_in_flight_ = false;
};

std::string_view BreakerStateName(CircuitBreaker::State state);

// True for a batch still waiting for its result longer than stuck_after since ingest
// (stuck_after <= 0 disables the check; records without created_ms are never stuck).
bool IsStuck(const UploadRecord& record, int64_t now_ms, std::chrono::milliseconds stuck_after);

// Operator retry (UploadService.RetryUpload) of a FAILED batch, or of one REJECTED with a code
// a config fix can cure (S0001/S0002/S0003). The batch goes back to work due at once: to
// UPLOADING when it was ever POSTed (so it polls first: exactly-once), else to PENDING.
// FailedPrecondition for any other state or code (S0010-S0013 need a new batch id).
absl::StatusOr<UploadRecord> PlanRetry(UploadRecord record, int64_t now_ms);

// Operator cancel (UploadService.CancelUpload): only a PENDING batch never POSTed becomes
// CANCELLED. FailedPrecondition otherwise (a POST may have reached SEVIS).
absl::StatusOr<UploadRecord> PlanCancel(UploadRecord record, int64_t now_ms);

}  // namespace sevisflow::uploader
