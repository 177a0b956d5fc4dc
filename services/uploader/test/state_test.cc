#include "state.h"

#include <gtest/gtest.h>

namespace sevisflow::uploader {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

sevisxml::TransactionLog LogWithUpload(const std::string& code) {
  sevisxml::TransactionLog log;
  log.batch_id = "SF000000000001";
  log.org_id = "ABC214F12345000";
  log.upload = sevisxml::LogStage{code, "2026-01-01T00:00:00Z"};
  return log;
}

sevisxml::TransactionLog LogWithDownload(const std::string& code) {
  sevisxml::TransactionLog log;
  log.batch_id = "SF000000000001";
  log.download_result_code = code;
  return log;
}

Reply HttpReply(int status, absl::StatusOr<sevisxml::TransactionLog> log) {
  Reply r;
  r.http_status = status;
  r.log = std::move(log);
  return r;
}

Reply ZipReply() {
  Reply r;
  r.http_status = 200;
  r.is_zip = true;
  return r;
}

Reply TransportFailure() {
  Reply r;
  r.transport = absl::UnavailableError("connection refused");
  return r;
}

BackoffPolicy Policy() {
  BackoffPolicy p;
  p.poll_interval = seconds(10);
  p.retry_interval = seconds(1);
  p.max_interval = seconds(60);
  return p;
}

UploadRecord Record(State state) {
  UploadRecord r;
  r.org_id = "ABC214F12345000";
  r.batch_id = "SF000000000001";
  r.state = state;
  return r;
}

TEST(StateNames, RoundTrip) {
  for (State s : {State::kPending, State::kUploading, State::kUploaded, State::kDownloaded,
                  State::kRejected, State::kFailed, State::kCancelled}) {
    EXPECT_EQ(ParseState(StateName(s)), s);
  }
  EXPECT_FALSE(ParseState("LOST").has_value());
  EXPECT_TRUE(IsTerminal(State::kRejected));
  EXPECT_TRUE(IsTerminal(State::kFailed));
  EXPECT_TRUE(IsTerminal(State::kCancelled));
  EXPECT_TRUE(IsTerminal(State::kDownloaded));
  EXPECT_FALSE(IsTerminal(State::kUploading));
}

TEST(Keys, FollowArchitecture) {
  EXPECT_EQ(UploadKey("ABC214F12345000", "SF000000000001"),
            "sf:upload:ABC214F12345000:SF000000000001");
  auto parsed = ParseActiveMember(ActiveMember("P-1-12345", "SF000000000001"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "P-1-12345");
  EXPECT_EQ(parsed->second, "SF000000000001");
  EXPECT_FALSE(ParseActiveMember("nocolon").has_value());
  EXPECT_FALSE(ParseActiveMember("a:b:c").has_value());
  EXPECT_FALSE(ParseActiveMember(":b").has_value());
}

TEST(Fields, RoundTripEveryField) {
  UploadRecord r = Record(State::kUploaded);
  r.user_id = "dso0000001";
  r.version = 7;
  r.upload_attempts = 2;
  r.download_attempts = 5;
  r.retries = 3;
  r.upload_result_code = "S0000";
  r.download_result_code = "S0030";
  r.next_attempt_ms = 1234567890123;
  r.last_error = "HTTP 503";
  r.zip_sha256 = "ab";
  r.created_at = "2026-01-01T00:00:00.000Z";
  r.updated_at = "2026-01-02T00:00:00.000Z";
  r.created_ms = 1767225600000;
  r.rejection_pending = true;
  auto back = FromFields(ToFields(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);
}

TEST(Fields, RejectBadValues) {
  auto f = ToFields(Record(State::kPending));
  f["state"] = "LOST";
  EXPECT_FALSE(FromFields(f).ok());
  f = ToFields(Record(State::kPending));
  f["version"] = "x1";
  EXPECT_FALSE(FromFields(f).ok());
}

TEST(Backoff, DoublesUpToTheCap) {
  EXPECT_EQ(ExponentialDelay(seconds(1), seconds(60), 0), seconds(1));
  EXPECT_EQ(ExponentialDelay(seconds(1), seconds(60), 1), seconds(1));
  EXPECT_EQ(ExponentialDelay(seconds(1), seconds(60), 3), seconds(4));
  EXPECT_EQ(ExponentialDelay(seconds(1), seconds(60), 7), seconds(60));
  EXPECT_EQ(ExponentialDelay(seconds(1), seconds(60), 1000), seconds(60));
}

TEST(NextAction, PendingUploadsUploadingPollsNeverPosts) {
  EXPECT_EQ(NextAction(Record(State::kPending), 0), Action::kUpload);
  // A batch found UPLOADING (crash or lost reply) is polled first, never re-posted blindly.
  EXPECT_EQ(NextAction(Record(State::kUploading), 0), Action::kPoll);
  EXPECT_EQ(NextAction(Record(State::kUploaded), 0), Action::kPoll);
  EXPECT_EQ(NextAction(Record(State::kDownloaded), 0), Action::kNone);
  EXPECT_EQ(NextAction(Record(State::kRejected), 0), Action::kNone);
  UploadRecord later = Record(State::kPending);
  later.next_attempt_ms = 1000;
  EXPECT_EQ(NextAction(later, 999), Action::kWait);
  EXPECT_EQ(NextAction(later, 1000), Action::kUpload);
}

TEST(UploadReply, S0000IsUploaded) {
  Decision d = InterpretUploadReply(HttpReply(200, LogWithUpload("S0000")));
  EXPECT_EQ(d.kind, Decision::Kind::kUploaded);
  EXPECT_EQ(d.code, "S0000");
}

// S0001 and S0003 are retried instead (resilience_test.cc, UploadCodes).
TEST(UploadReply, OtherCodesAreTerminalRejects) {
  for (const char* code : {"S0010", "S0013", "S0002", "S0011", "S0012"}) {
    Decision d = InterpretUploadReply(HttpReply(200, LogWithUpload(code)));
    EXPECT_EQ(d.kind, Decision::Kind::kRejected) << code;
    EXPECT_EQ(d.code, code);
  }
}

TEST(UploadReply, NoUsableAnswerRetries) {
  EXPECT_EQ(InterpretUploadReply(TransportFailure()).kind, Decision::Kind::kRetry);
  EXPECT_EQ(InterpretUploadReply(HttpReply(503, absl::UnknownError("x"))).kind,
            Decision::Kind::kRetry);
  EXPECT_EQ(InterpretUploadReply(HttpReply(200, absl::InvalidArgumentError("bad xml"))).kind,
            Decision::Kind::kRetry);
  EXPECT_EQ(InterpretUploadReply(HttpReply(200, LogWithDownload("S0000"))).kind,
            Decision::Kind::kRetry);
}

TEST(DownloadReply, ZipIsTheResult) {
  EXPECT_EQ(InterpretDownloadReply(State::kUploaded, ZipReply()).kind,
            Decision::Kind::kResultReady);
  EXPECT_EQ(InterpretDownloadReply(State::kUploading, ZipReply()).kind,
            Decision::Kind::kResultReady);
}

TEST(DownloadReply, S0030IsNotYet) {
  Decision d = InterpretDownloadReply(State::kUploaded, HttpReply(200, LogWithDownload("S0030")));
  EXPECT_EQ(d.kind, Decision::Kind::kNotYet);
}

TEST(DownloadReply, S0031UploadsOnlyFromUploading) {
  EXPECT_EQ(
      InterpretDownloadReply(State::kUploading, HttpReply(200, LogWithDownload("S0031"))).kind,
      Decision::Kind::kUploadNow);
  // After an accepted upload, "never submitted" is SEVIS's inconsistency: keep polling.
  Decision d = InterpretDownloadReply(State::kUploaded, HttpReply(200, LogWithDownload("S0031")));
  EXPECT_EQ(d.kind, Decision::Kind::kRetry);
  EXPECT_EQ(d.code, "S0031");
}

TEST(DownloadReply, BareProcessedLogIsAResult) {
  auto log = LogWithDownload("S0000");
  log.process = sevisxml::LogStage{"S0000", "2026-01-01T00:00:00Z"};
  EXPECT_EQ(InterpretDownloadReply(State::kUploaded, HttpReply(200, log)).kind,
            Decision::Kind::kResultReady);
}

TEST(DownloadReply, FailuresRetry) {
  EXPECT_EQ(InterpretDownloadReply(State::kUploaded, TransportFailure()).kind,
            Decision::Kind::kRetry);
  EXPECT_EQ(InterpretDownloadReply(State::kUploaded, HttpReply(502, absl::UnknownError(""))).kind,
            Decision::Kind::kRetry);
  EXPECT_EQ(
      InterpretDownloadReply(State::kUploaded, HttpReply(200, LogWithDownload("S0003"))).kind,
      Decision::Kind::kRetry);
}

TEST(Apply, UploadedSchedulesTheFirstPoll) {
  UploadRecord r = Apply(BeginUpload(Record(State::kPending), 1000),
                         {Decision::Kind::kUploaded, "S0000", ""}, 1000, Policy());
  EXPECT_EQ(r.state, State::kUploaded);
  EXPECT_EQ(r.upload_result_code, "S0000");
  EXPECT_EQ(r.upload_attempts, 1);
  EXPECT_EQ(r.next_attempt_ms, 1000 + 10000);
}

TEST(Apply, RejectedIsTerminalWithCodeAndItsRejectionIsPublishedOnce) {
  UploadRecord r = Apply(BeginUpload(Record(State::kPending), 0),
                         {Decision::Kind::kRejected, "S0010", "dup"}, 0, Policy());
  EXPECT_EQ(r.state, State::kRejected);
  EXPECT_EQ(r.upload_result_code, "S0010");
  EXPECT_TRUE(IsTerminal(r.state));
  // Nothing more goes to SEVIS, but the alerts must go back to review first.
  EXPECT_TRUE(r.rejection_pending);
  EXPECT_TRUE(NeedsWork(r));
  EXPECT_EQ(NextAction(r, 0), Action::kPublishRejection);
  r.next_attempt_ms = 500;
  EXPECT_EQ(NextAction(r, 499), Action::kWait);
  r.rejection_pending = false;
  EXPECT_FALSE(NeedsWork(r));
  EXPECT_EQ(NextAction(r, 1'000'000'000), Action::kNone);
  // A record written before the field existed has nothing pending.
  auto fields = ToFields(Record(State::kRejected));
  fields.erase("rejection_pending");
  auto old = FromFields(fields);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->rejection_pending);
}

TEST(Apply, TransportRetryKeepsUploadingAndBacksOff) {
  UploadRecord r = BeginUpload(Record(State::kPending), 0);
  Decision retry{Decision::Kind::kRetry, "", "HTTP 503"};
  r = Apply(r, retry, 0, Policy());
  EXPECT_EQ(r.state, State::kUploading);
  EXPECT_EQ(r.next_attempt_ms, 1000);
  r = Apply(r, retry, 1000, Policy());
  EXPECT_EQ(r.next_attempt_ms, 1000 + 2000);
  r = Apply(r, retry, 3000, Policy());
  EXPECT_EQ(r.next_attempt_ms, 3000 + 4000);
  EXPECT_EQ(r.last_error, "HTTP 503");
  // And the next step is a poll, not a second POST.
  EXPECT_EQ(NextAction(r, 7000), Action::kPoll);
}

TEST(Apply, NotYetFromUploadingMeansSevisHasIt) {
  UploadRecord r = BeginUpload(Record(State::kPending), 0);
  r = Apply(r, {Decision::Kind::kNotYet, "S0030", ""}, 0, Policy());
  EXPECT_EQ(r.state, State::kUploaded);
  EXPECT_EQ(r.upload_result_code, "S0000");
  EXPECT_EQ(r.next_attempt_ms, 10000);
  r = Apply(r, {Decision::Kind::kNotYet, "S0030", ""}, 10000, Policy());
  EXPECT_EQ(r.next_attempt_ms, 10000 + 20000);
  r = Apply(r, {Decision::Kind::kNotYet, "S0030", ""}, 30000, Policy());
  r = Apply(r, {Decision::Kind::kNotYet, "S0030", ""}, 70000, Policy());
  EXPECT_EQ(r.next_attempt_ms, 70000 + 60000);  // capped
}

TEST(Apply, UploadNowReturnsToPendingForOneMorePost) {
  UploadRecord r = BeginUpload(Record(State::kPending), 0);
  r = Apply(r, {Decision::Kind::kUploadNow, "S0031", "never"}, 500, Policy());
  EXPECT_EQ(r.state, State::kPending);
  EXPECT_EQ(NextAction(r, 500), Action::kUpload);
  r = BeginUpload(r, 600);
  EXPECT_EQ(r.upload_attempts, 2);
}

TEST(Apply, ResultReadyIsDownloaded) {
  UploadRecord r = Record(State::kUploaded);
  r.upload_result_code = "S0000";
  r.retries = 4;
  r = Apply(r, {Decision::Kind::kResultReady, "S0000", ""}, 0, Policy());
  EXPECT_EQ(r.state, State::kDownloaded);
  EXPECT_EQ(r.download_result_code, "S0000");
  EXPECT_EQ(r.retries, 0);
  EXPECT_TRUE(IsTerminal(r.state));
}

}  // namespace
}  // namespace sevisflow::uploader
