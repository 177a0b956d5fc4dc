// The Uploader over a real redis-server and a scripted SEVIS gateway: the circuit breaker, S0010,
// bounded retries, the stuck-batch gauge and the operator actions. No Kafka broker is needed
// (the producer points at a closed port: a rejection's BatchResult can never be delivered, which
// the S0010 case uses to show that an undelivered rejection backs off and never re-posts).

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>

#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/v1/batch.pb.h"
#include "uploader.h"

namespace sevisflow::uploader {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kOrg[] = "ABC214F12345000";

std::string UploadLog(const std::string& batch_id, const std::string& code) {
  return "<TransactionLog><BatchHeader><BatchID>" + batch_id + "</BatchID><OrgID>" + kOrg +
         "</OrgID></BatchHeader><BatchDetail status=\"false\" system=\"PROD-SBT\"><Upload "
         "resultCode=\"" + code + "\" dateTimeStamp=\"2026-01-01T00:00:00.000+00:00\"><FileName>" +
         batch_id + ".xml</FileName></Upload></BatchDetail></TransactionLog>";
}

// Answers every call with the next scripted response (the last one repeats); counts calls.
class ScriptedGateway final : public SevisGateway {
 public:
  bool has_org = true;
  std::deque<absl::StatusOr<http::Response>> uploads;
  std::deque<absl::StatusOr<http::Response>> downloads;
  int upload_calls = 0;
  int download_calls = 0;

  bool HasOrg(const std::string&) const override { return has_org; }
  absl::StatusOr<http::Response> Upload(const std::string&, const std::string&,
                                        const std::string&, const std::string&) override {
    ++upload_calls;
    return Next(uploads);
  }
  absl::StatusOr<http::Response> Download(const std::string&, const std::string&,
                                          const std::string&) override {
    ++download_calls;
    return Next(downloads);
  }

 private:
  static absl::StatusOr<http::Response> Next(std::deque<absl::StatusOr<http::Response>>& q) {
    if (q.empty()) return absl::UnavailableError("no scripted answer");
    auto r = q.front();
    if (q.size() > 1) q.pop_front();
    return r;
  }
};

http::Response Http(long status, std::string body = "") { return {status, std::move(body), ""}; }

class WorkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = testing::RedisServer::Start("uploader-worker-redis");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server).release();
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    redis::ClientOptions ro;
    ro.port = server_->port();
    auto client = redis::Client::Create(ro);
    ASSERT_TRUE(client.ok()) << client.status();
    redis_ = std::move(*client);
    ASSERT_TRUE(redis_->Command({"FLUSHALL"}).ok());
    kafka::ProducerOptions po;
    po.brokers = "127.0.0.1:1";  // nothing listens: every send fails after message.timeout.ms
    po.close_timeout = milliseconds(100);
    po.properties["message.timeout.ms"] = "1000";
    auto producer = kafka::Producer::Create(po);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
    auto validator =
        sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(SEVISFLOW_DEFAULT_XSD_DIR));
    ASSERT_TRUE(validator.ok()) << validator.status();
    validator_ = std::move(*validator);
  }

  void Make(BackoffPolicy backoff, BreakerPolicy breaker, milliseconds stuck_after) {
    UploaderOptions o;
    o.backoff = backoff;
    o.backoff.jitter = 0.0;  // deterministic delays
    o.breaker = breaker;
    o.stuck_after = stuck_after;
    o.docstore_root = testing::ScratchDir("uploader-worker-docstore");
    uploader_ = std::make_unique<Uploader>(o, *redis_, *producer_, gateway_, *validator_, clock_,
                                           metrics_);
  }

  void Ingest(const std::string& batch_id) {
    v1::BatchDocument doc;
    doc.set_batch_id(batch_id);
    doc.set_org_id(kOrg);
    doc.set_user_id("dso0000001");
    doc.set_xml("<SEVISBatchCreateUpdateStudent/>");
    kafka::Message m;
    m.topic = "sevis.batches";
    m.key = kOrg;
    m.value = doc.SerializeAsString();
    ASSERT_TRUE(uploader_->Ingest(m).ok());
  }

  UploadRecord Get(const std::string& batch_id) {
    auto fields = redis_->HGetAll(UploadKey(kOrg, batch_id));
    EXPECT_TRUE(fields.ok());
    auto r = FromFields(*fields);
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }

  void Pass() { ASSERT_TRUE(uploader_->RunOnce(seconds(1)).ok()); }

  double GaugeValue(const std::string& name) {
    return metrics_.GetGauge(name, "", {{"org", kOrg}}).Value();
  }

  static testing::RedisServer* server_;
  common::FakeClock clock_{common::TimePoint(std::chrono::hours(24 * 365 * 56))};
  common::MetricsRegistry metrics_;
  ScriptedGateway gateway_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<sevisxml::SchemaValidator> validator_;
  std::unique_ptr<Uploader> uploader_;
};

testing::RedisServer* WorkerTest::server_ = nullptr;

TEST_F(WorkerTest, BreakerPausesTheOrgThenOneTrialClosesIt) {
  BackoffPolicy b;
  b.retry_interval = seconds(1);
  b.max_upload_attempts = 0;
  Make(b, BreakerPolicy{2, seconds(60)}, milliseconds(0));
  Ingest("SF000000000001");
  Ingest("SF000000000002");
  gateway_.uploads = {Http(503)};
  Pass();  // both POST, both 503: the second failure opens the breaker
  EXPECT_EQ(gateway_.upload_calls, 2);
  EXPECT_EQ(uploader_->BreakerState(kOrg), CircuitBreaker::State::kOpen);
  EXPECT_EQ(GaugeValue("sevisflow_uploader_circuit_state"), 1.0);

  for (int i = 0; i < 5; ++i) {  // within the cool-down: nothing goes out
    clock_.Advance(seconds(10));
    Pass();
  }
  EXPECT_EQ(gateway_.upload_calls + gateway_.download_calls, 2);
  EXPECT_EQ(Get("SF000000000001").retries, 1);  // waiting is not counted as a failure

  // After the cool-down exactly one trial goes: both batches are UPLOADING, so it is a poll;
  // SEVIS answers S0031 (never submitted), a working connection: the breaker closes.
  gateway_.downloads = {Http(200, "<TransactionLog><BatchHeader><BatchID>SF000000000001"
                                  "</BatchID><OrgID>ABC214F12345000</OrgID></BatchHeader>"
                                  "<BatchDetail status=\"false\" system=\"PROD-SBT\"><Download "
                                  "resultCode=\"S0031\" dateTimeStamp=\"2026-01-01T00:00:00.000"
                                  "+00:00\"/></BatchDetail></TransactionLog>")};
  clock_.Advance(seconds(11));
  Pass();
  EXPECT_GE(gateway_.download_calls, 1);
  EXPECT_EQ(uploader_->BreakerState(kOrg), CircuitBreaker::State::kClosed);
  EXPECT_EQ(GaugeValue("sevisflow_uploader_circuit_state"), 0.0);
}

TEST_F(WorkerTest, S0010IsTerminalCountedAndNeverResent) {
  Make(BackoffPolicy{}, BreakerPolicy{}, milliseconds(0));
  Ingest("SF000000000003");
  gateway_.uploads = {Http(200, UploadLog("SF000000000003", "S0010"))};
  Pass();
  UploadRecord r = Get("SF000000000003");
  EXPECT_EQ(r.state, State::kRejected);
  EXPECT_EQ(r.upload_result_code, "S0010");
  EXPECT_EQ(metrics_
                .GetCounter("sevisflow_uploader_duplicate_batch_ids_total", "", {{"org", kOrg}})
                .Value(),
            1.0);
  // Its alerts must go back to review: the next step publishes a zip-less BatchResult.
  EXPECT_TRUE(r.rejection_pending);
  EXPECT_EQ(NextAction(r, 0), Action::kPublishRejection);
  // It cannot be delivered (no broker): the batch stays active with the rejection pending and
  // a backed-off retry.
  Pass();
  r = Get("SF000000000003");
  EXPECT_EQ(r.state, State::kRejected);
  EXPECT_TRUE(r.rejection_pending);
  EXPECT_EQ(r.retries, 1);
  EXPECT_GT(r.next_attempt_ms, 0);
  EXPECT_EQ(NextAction(r, r.next_attempt_ms), Action::kPublishRejection);
  auto active = redis_->Command({"SISMEMBER", kActiveSetKey, ActiveMember(kOrg, r.batch_id)});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->integer, 1);
  clock_.Advance(std::chrono::hours(1));
  Pass();
  EXPECT_EQ(Get("SF000000000003").retries, 2);  // tried to publish again, not to upload
  EXPECT_EQ(gateway_.upload_calls, 1);
  EXPECT_EQ(gateway_.download_calls, 0);
  EXPECT_EQ(uploader_->Retry(kOrg, "SF000000000003").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(WorkerTest, S0001RetriesByPollingFirstThenFailsAndAnOperatorRevivesIt) {
  BackoffPolicy b;
  b.retry_interval = seconds(1);
  b.max_upload_attempts = 2;
  Make(b, BreakerPolicy{100, seconds(1)}, milliseconds(0));
  Ingest("SF000000000004");
  gateway_.uploads = {Http(200, UploadLog("SF000000000004", "S0001"))};
  Pass();
  UploadRecord r = Get("SF000000000004");
  EXPECT_EQ(r.state, State::kUploading);
  EXPECT_EQ(r.upload_result_code, "S0001");
  // The next step polls (never a blind re-POST); a 502 there is the second failure: FAILED.
  gateway_.downloads = {Http(502)};
  clock_.Advance(seconds(2));
  Pass();
  EXPECT_EQ(gateway_.upload_calls, 1);
  EXPECT_EQ(gateway_.download_calls, 1);
  EXPECT_EQ(Get("SF000000000004").state, State::kFailed);
  EXPECT_EQ(
      metrics_.GetCounter("sevisflow_uploader_failed_batches_total", "", {{"org", kOrg}}).Value(),
      1.0);
  EXPECT_EQ(uploader_->Cancel(kOrg, "SF000000000004").status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto retried = uploader_->Retry(kOrg, "SF000000000004");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->state, State::kUploading);
  Pass();  // back in the active set, and it polls first
  EXPECT_EQ(gateway_.upload_calls, 1);
  EXPECT_EQ(gateway_.download_calls, 2);
  EXPECT_EQ(uploader_->Retry(kOrg, "SF999999999999").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(WorkerTest, StuckGaugeRisesAndClearsWhenTheBatchLeaves) {
  BackoffPolicy b;
  b.max_upload_attempts = 0;
  Make(b, BreakerPolicy{}, seconds(60));
  gateway_.has_org = false;  // never POSTed: it stays PENDING
  Ingest("SF000000000005");
  Pass();
  EXPECT_EQ(GaugeValue("sevisflow_uploader_stuck_batches"), 0.0);
  clock_.Advance(seconds(61));
  Pass();
  EXPECT_EQ(GaugeValue("sevisflow_uploader_stuck_batches"), 1.0);

  auto cancelled = uploader_->Cancel(kOrg, "SF000000000005");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, State::kCancelled);
  Pass();
  EXPECT_EQ(GaugeValue("sevisflow_uploader_stuck_batches"), 0.0);
  EXPECT_EQ(gateway_.upload_calls, 0);
}

}  // namespace
}  // namespace sevisflow::uploader
