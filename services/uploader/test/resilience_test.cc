#include "resilience.h"

#include <gtest/gtest.h>

#include "state.h"

namespace sevisflow::uploader {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using BreakerState = CircuitBreaker::State;

sevisxml::TransactionLog LogWithUpload(const std::string& code) {
  sevisxml::TransactionLog log;
  log.batch_id = "SF000000000001";
  log.upload = sevisxml::LogStage{code, "2026-01-01T00:00:00Z"};
  return log;
}

Reply UploadAnswer(const std::string& code) {
  Reply r;
  r.http_status = 200;
  r.log = LogWithUpload(code);
  return r;
}

Reply Http(int status) {
  Reply r;
  r.http_status = status;
  return r;
}

UploadRecord Uploading() {
  UploadRecord r;
  r.org_id = "ORG";
  r.batch_id = "SF000000000001";
  r.state = State::kUploading;
  r.upload_attempts = 1;
  return r;
}

BackoffPolicy Policy() {
  BackoffPolicy p;
  p.retry_interval = seconds(1);
  p.retry_max_interval = seconds(8);
  p.max_upload_attempts = 3;
  p.jitter = 0.5;
  return p;
}

TEST(Jitter, TakesAtMostTheFractionAway) {
  EXPECT_EQ(Jittered(milliseconds(1000), 0.5, 1.0), milliseconds(1000));
  EXPECT_EQ(Jittered(milliseconds(1000), 0.5, 0.0), milliseconds(500));
  EXPECT_EQ(Jittered(milliseconds(1000), 0.5, 0.5), milliseconds(750));
  EXPECT_EQ(Jittered(milliseconds(1000), 0.0, 0.0), milliseconds(1000));
  // Out-of-range inputs are clamped, never negative or above the delay.
  EXPECT_EQ(Jittered(milliseconds(1000), 2.0, -1.0), milliseconds(0));
  EXPECT_EQ(Jittered(milliseconds(1000), 0.5, 7.0), milliseconds(1000));
}

TEST(UploadCodes, S0001AndS0003RetryS0010AndOthersAreTerminal) {
  EXPECT_EQ(ClassifyUploadCode("S0000"), UploadCodeClass::kAccepted);
  EXPECT_EQ(ClassifyUploadCode("S0001"), UploadCodeClass::kRetryable);
  EXPECT_EQ(ClassifyUploadCode("S0003"), UploadCodeClass::kRetryable);
  for (const char* code : {"S0002", "S0010", "S0011", "S0012", "S0013", "S9999"}) {
    EXPECT_EQ(ClassifyUploadCode(code), UploadCodeClass::kTerminal) << code;
  }
  EXPECT_EQ(InterpretUploadReply(UploadAnswer("S0001")).kind, Decision::Kind::kUploadFailed);
  Decision dup = InterpretUploadReply(UploadAnswer("S0010"));
  EXPECT_EQ(dup.kind, Decision::Kind::kRejected);
  EXPECT_EQ(dup.code, "S0010");
}

TEST(Retry, S0001StaysUploadingSoTheNextStepPollsFirst) {
  Decision d = InterpretUploadReply(UploadAnswer("S0001"));
  UploadRecord next = Apply(Uploading(), d, 10'000, Policy(), 1.0);
  EXPECT_EQ(next.state, State::kUploading);
  EXPECT_EQ(next.upload_result_code, "S0001");
  EXPECT_EQ(next.retries, 1);
  EXPECT_EQ(next.next_attempt_ms, 11'000);
  EXPECT_EQ(NextAction(next, 11'000), Action::kPoll);  // never a blind re-POST
}

TEST(Retry, TransportAnd5xxBackOffWithJitterUpToTheRetryCap) {
  BackoffPolicy p = Policy();
  p.max_upload_attempts = 0;  // never give up here
  UploadRecord r = Uploading();
  std::vector<int64_t> delays;
  for (int i = 0; i < 6; ++i) {
    r = Apply(r, InterpretUploadReply(Http(503)), 0, p, 1.0);
    delays.push_back(r.next_attempt_ms);
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{1000, 2000, 4000, 8000, 8000, 8000}));
  EXPECT_EQ(r.state, State::kUploading);
  UploadRecord jittered = Apply(Uploading(), InterpretUploadReply(Http(500)), 0, p, 0.0);
  EXPECT_EQ(jittered.next_attempt_ms, 500);
}

TEST(Retry, GivesUpAsFailedAfterMaxAttempts) {
  UploadRecord r = Uploading();
  r = Apply(r, InterpretUploadReply(Http(502)), 0, Policy());
  r = Apply(r, InterpretUploadReply(UploadAnswer("S0001")), 0, Policy());
  EXPECT_EQ(r.state, State::kUploading);
  r = Apply(r, InterpretUploadReply(Http(502)), 0, Policy());
  EXPECT_EQ(r.state, State::kFailed);
  EXPECT_TRUE(IsTerminal(r.state));
  EXPECT_EQ(NextAction(r, 1'000'000), Action::kNone);
}

TEST(Retry, AcceptedBatchesKeepPollingWhateverTheFailures) {
  UploadRecord r = Uploading();
  r.state = State::kUploaded;
  for (int i = 0; i < 10; ++i) {
    r = Apply(r, InterpretDownloadReply(r.state, Http(503)), 0, Policy());
  }
  EXPECT_EQ(r.state, State::kUploaded);
}

TEST(Breaker, OpensAfterThresholdThenOneTrialAfterCoolDown) {
  CircuitBreaker b({3, seconds(60)});
  int64_t now = 1'000;
  EXPECT_TRUE(b.Allow(now));
  b.OnFailure(now);
  b.OnFailure(now);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  b.OnSuccess();  // a success resets the count
  b.OnFailure(now);
  b.OnFailure(now);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  b.OnFailure(now);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.open_until_ms(), now + 60'000);
  EXPECT_FALSE(b.Allow(now + 59'999));
  EXPECT_TRUE(b.Allow(now + 60'000));
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_FALSE(b.Allow(now + 60'001));  // one trial at a time
  b.OnSuccess();
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_TRUE(b.Allow(now + 60'002));
}

TEST(Breaker, FailedTrialReopensForAnotherCoolDown) {
  CircuitBreaker b({1, seconds(10)});
  b.OnFailure(0);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  ASSERT_TRUE(b.Allow(10'000));
  b.OnFailure(10'500);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.open_until_ms(), 20'500);
  EXPECT_FALSE(b.Allow(20'499));
  EXPECT_TRUE(b.Allow(20'500));
  EXPECT_EQ(BreakerStateName(b.state()), "half_open");
}

TEST(Stuck, OnlyActiveBatchesOlderThanTheLimit) {
  UploadRecord r = Uploading();
  r.state = State::kUploaded;
  r.created_ms = 1'000;
  EXPECT_FALSE(IsStuck(r, 1'000 + 59'999, seconds(60)));
  EXPECT_TRUE(IsStuck(r, 1'000 + 60'000, seconds(60)));
  EXPECT_FALSE(IsStuck(r, 1'000 + 60'000, seconds(0)));  // disabled
  r.state = State::kDownloaded;
  EXPECT_FALSE(IsStuck(r, 10'000'000, seconds(60)));  // the result arrived
  r.state = State::kPending;
  r.created_ms = 0;  // an older record without the field
  EXPECT_FALSE(IsStuck(r, 10'000'000, seconds(60)));
}

TEST(Operator, RetryOfAPostedBatchPollsFirst) {
  UploadRecord failed = Uploading();
  failed.state = State::kFailed;
  failed.retries = 7;
  auto r = PlanRetry(failed, 5'000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state, State::kUploading);
  EXPECT_EQ(r->retries, 0);
  EXPECT_EQ(NextAction(*r, 5'000), Action::kPoll);

  UploadRecord never_posted = failed;
  never_posted.upload_attempts = 0;
  EXPECT_EQ(PlanRetry(never_posted, 5'000)->state, State::kPending);

  // A REJECTED batch's alerts went back to review: the DSO resubmits them in a new batch, so
  // this one is never sent again, whatever its code.
  for (const char* code : {"S0001", "S0002", "S0003", "S0013"}) {
    UploadRecord rejected = Uploading();
    rejected.state = State::kRejected;
    rejected.upload_result_code = code;
    absl::StatusOr<UploadRecord> r2 = PlanRetry(rejected, 5'000);
    EXPECT_EQ(r2.status().code(), absl::StatusCode::kFailedPrecondition) << code;
    EXPECT_NE(r2.status().message().find("new batch"), std::string_view::npos) << code;
  }
}

TEST(Operator, RetryRefusesDuplicatesAndLiveBatches) {
  UploadRecord dup = Uploading();
  dup.state = State::kRejected;
  dup.upload_result_code = "S0010";
  EXPECT_EQ(PlanRetry(dup, 0).status().code(), absl::StatusCode::kFailedPrecondition);
  for (State s : {State::kPending, State::kUploading, State::kUploaded, State::kDownloaded,
                  State::kCancelled}) {
    UploadRecord r = Uploading();
    r.state = s;
    EXPECT_EQ(PlanRetry(r, 0).status().code(), absl::StatusCode::kFailedPrecondition)
        << StateName(s);
  }
}

TEST(Operator, CancelOnlyBeforeAnyPost) {
  UploadRecord pending = Uploading();
  pending.state = State::kPending;
  pending.upload_attempts = 0;
  auto c = PlanCancel(pending, 1'000);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state, State::kCancelled);
  EXPECT_TRUE(IsTerminal(c->state));

  UploadRecord back_to_pending = pending;  // S0031 sent it back after a POST
  back_to_pending.upload_attempts = 1;
  EXPECT_EQ(PlanCancel(back_to_pending, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(PlanCancel(Uploading(), 0).ok());
}

}  // namespace
}  // namespace sevisflow::uploader
