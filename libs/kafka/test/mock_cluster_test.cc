// Producer / consumer behaviour against librdkafka's built-in mock cluster (in-process, no
// server): round trips, offset store/commit semantics, retries and error classes. The real
// broker is exercised by tests/integration/kafka_integration_test.cc.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/errors.h"
#include "sevisflow/kafka/producer.h"

namespace sevisflow::kafka {
namespace {

using namespace std::chrono_literals;

// One mock cluster shared by the producers and consumers of a test (each client given
// test.mock.num.brokers would get its own private cluster).
class MockCluster {
 public:
  MockCluster() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    mcluster_ = rd_kafka_mock_cluster_new(rk_, 1);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(mcluster_);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mcluster_);
    rd_kafka_destroy(rk_);
  }
  const std::string& bootstrap() const { return bootstrap_; }
  rd_kafka_mock_cluster_t* get() { return mcluster_; }
  void CreateTopic(const std::string& name, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(mcluster_, name.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }

 private:
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_mock_cluster_t* mcluster_ = nullptr;
  std::string bootstrap_;
};

std::unique_ptr<Producer> MakeProducer(const MockCluster& cluster,
                                       std::map<std::string, std::string> props = {}) {
  ProducerOptions options;
  options.brokers = cluster.bootstrap();
  options.client_id = "test-producer";
  options.properties = std::move(props);
  auto p = Producer::Create(std::move(options));
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

std::unique_ptr<Consumer> MakeConsumer(const MockCluster& cluster, const std::string& group,
                                       const std::string& topic) {
  ConsumerOptions options;
  options.brokers = cluster.bootstrap();
  options.group_id = group;
  options.topics = {topic};
  options.client_id = "test-consumer";
  options.properties = {{"session.timeout.ms", "6000"}, {"auto.commit.interval.ms", "200"}};
  auto c = Consumer::Create(std::move(options));
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

// Polls until `count` records arrived or ~60 s passed (generous: loaded CI machines).
std::vector<Message> ConsumeN(Consumer& c, size_t count, bool store) {
  std::vector<Message> got;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto batch = c.Poll(100, 200ms);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) break;
    for (Message& m : *batch) {
      if (store) {
        EXPECT_TRUE(c.Store(m).ok());
      }
      got.push_back(std::move(m));
    }
  }
  return got;
}

TEST(MockClusterTest, SendRoundTripKeepsKeyValueAndHeaders) {
  MockCluster cluster;
  cluster.CreateTopic("t.round", 3);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send("t.round", "k1", "v1", {{"h", "x"}}).ok());
  ASSERT_TRUE(producer->Send("t.round", "k2", std::string("bin\0ary", 7)).ok());

  auto consumer = MakeConsumer(cluster, "g-round", "t.round");
  ASSERT_NE(consumer, nullptr);
  std::vector<Message> got = ConsumeN(*consumer, 2, true);
  ASSERT_EQ(got.size(), 2u);
  std::map<std::string, Message> by_key;
  for (Message& m : got) by_key[m.key] = m;
  EXPECT_EQ(by_key["k1"].value, "v1");
  EXPECT_EQ(by_key["k1"].Header("h"), "x");
  EXPECT_EQ(by_key["k1"].topic, "t.round");
  EXPECT_GT(by_key["k1"].timestamp_ms, 0);
  EXPECT_EQ(by_key["k2"].value, std::string("bin\0ary", 7));
  EXPECT_FALSE(by_key["k2"].is_tombstone);
}

TEST(MockClusterTest, StoredOffsetsAreCommittedAtCloseAndOnlyThose) {
  MockCluster cluster;
  cluster.CreateTopic("t.commit", 1);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(producer->Send("t.commit", "k", "m" + std::to_string(i)).ok());
  }
  {
    auto consumer = MakeConsumer(cluster, "g-commit", "t.commit");
    ASSERT_NE(consumer, nullptr);
    std::vector<Message> got = ConsumeN(*consumer, 10, false);
    ASSERT_EQ(got.size(), 10u);
    // Only the first 6 are "processed": the other 4 must come back to the next member.
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(consumer->Store(got[i]).ok());
    ASSERT_TRUE(consumer->CommitSync().ok());
    consumer->Close();
  }
  auto again = MakeConsumer(cluster, "g-commit", "t.commit");
  ASSERT_NE(again, nullptr);
  std::vector<Message> rest = ConsumeN(*again, 4, true);
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.front().value, "m6");
  EXPECT_EQ(rest.front().offset, 6);
  EXPECT_EQ(rest.back().value, "m9");
}

TEST(MockClusterTest, StoreOfPartitionNotAssignedIsFailedPrecondition) {
  MockCluster cluster;
  cluster.CreateTopic("t.store", 1);
  auto consumer = MakeConsumer(cluster, "g-store", "t.store");
  ASSERT_NE(consumer, nullptr);
  Message foreign;
  foreign.topic = "t.store";
  foreign.partition = 0;
  foreign.offset = 3;
  // Not assigned yet (no poll has run the rebalance): the offset must not be stored.
  absl::Status s = consumer->Store(foreign);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(ClassOf(s), ErrorClass::kPermanent);
}

TEST(MockClusterTest, RetriableProduceErrorsAreRetriedTransparently) {
  MockCluster cluster;
  cluster.CreateTopic("t.retry", 1);
  auto producer = MakeProducer(cluster, {{"retry.backoff.ms", "10"}});
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send("t.retry", "k", "warm-up").ok());
  rd_kafka_mock_push_request_errors(cluster.get(), 0 /* Produce */, 3,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  EXPECT_TRUE(producer->Send("t.retry", "k", "after errors").ok());
  EXPECT_TRUE(producer->FatalError().ok());

  auto consumer = MakeConsumer(cluster, "g-retry", "t.retry");
  ASSERT_NE(consumer, nullptr);
  std::vector<Message> got = ConsumeN(*consumer, 2, true);
  ASSERT_EQ(got.size(), 2u);
  // Idempotence: the retried batch is written once.
  EXPECT_EQ(got[1].value, "after errors");
  EXPECT_EQ(got[1].offset, 1);
}

TEST(MockClusterTest, PermanentProduceErrorIsReportedAsPermanent) {
  MockCluster cluster;
  cluster.CreateTopic("t.perm", 1);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send("t.perm", "k", "warm-up").ok());
  rd_kafka_mock_push_request_errors(cluster.get(), 0 /* Produce */, 1,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  absl::Status s = producer->Send("t.perm", "k", "denied");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ClassOf(s), ErrorClass::kPermanent) << s;
  EXPECT_EQ(KafkaErrorCode(s), RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
}

TEST(MockClusterTest, OversizedRecordIsRejectedBeforeSending) {
  MockCluster cluster;
  cluster.CreateTopic("t.big", 1);
  auto producer = MakeProducer(cluster, {{"message.max.bytes", "100000"}});
  ASSERT_NE(producer, nullptr);
  std::atomic<bool> called{false};
  absl::Status s = producer->SendAsync("t.big", "k", std::string(200000, 'x'), {},
                                       [&](absl::Status) { called = true; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ClassOf(s), ErrorClass::kPermanent) << s;
  EXPECT_TRUE(producer->Flush(30s).ok());
  EXPECT_FALSE(called.load());  // not enqueued: no delivery callback
}

TEST(MockClusterTest, IdempotenceViolationIsFatal) {
  MockCluster cluster;
  cluster.CreateTopic("t.fatal", 1);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send("t.fatal", "k", "warm-up").ok());
  // The broker claims a sequence gap: the idempotent producer can no longer guarantee
  // ordering without duplicates, which librdkafka raises as a fatal error.
  rd_kafka_mock_push_request_errors(cluster.get(), 0 /* Produce */, 1,
                                    RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
  absl::Status s = producer->Send("t.fatal", "k", "gap");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ClassOf(s), ErrorClass::kFatal) << s;
  // Every later send fails fast with the same fatal class.
  EXPECT_EQ(ClassOf(producer->Send("t.fatal", "k", "later")), ErrorClass::kFatal);
  EXPECT_EQ(ClassOf(producer->FatalError()), ErrorClass::kFatal);
}

TEST(MockClusterTest, AsyncSendsAllDeliverAndFlushWaitsForCallbacks) {
  MockCluster cluster;
  cluster.CreateTopic("t.async", 3);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(producer
                    ->SendAsync("t.async", "k" + std::to_string(i % 7), "v", {},
                                [&](absl::Status s) { (s.ok() ? ok : failed)++; })
                    .ok());
  }
  ASSERT_TRUE(producer->Flush(60s).ok());
  EXPECT_EQ(ok.load(), 500);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(producer->Outstanding(), 0);
}

TEST(MockClusterTest, SendAllDeliversEveryRecordInOrderPerKey) {
  MockCluster cluster;
  cluster.CreateTopic("t.all", 3);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  std::vector<OutgoingMessage> records;
  for (int i = 0; i < 300; ++i) {
    records.push_back({"t.all", "k" + std::to_string(i % 5), std::to_string(i), {}});
  }
  ASSERT_TRUE(producer->SendAll(records).ok());
  auto consumer = MakeConsumer(cluster, "g-all", "t.all");
  ASSERT_NE(consumer, nullptr);
  std::vector<Message> got = ConsumeN(*consumer, 300, false);
  ASSERT_EQ(got.size(), 300u);
  std::map<std::string, int> last_per_key;
  for (const Message& m : got) {
    int v = std::stoi(m.value);
    auto it = last_per_key.find(m.key);
    if (it != last_per_key.end()) {
      EXPECT_LT(it->second, v) << m.key;
    }
    last_per_key[m.key] = v;
  }
  EXPECT_TRUE(producer->SendAll({}).ok());
}

TEST(MockClusterTest, SendAllReportsAFailedRecordAfterWaitingForTheRest) {
  MockCluster cluster;
  cluster.CreateTopic("t.allfail", 1);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send("t.allfail", "k", "warm-up").ok());
  rd_kafka_mock_push_request_errors(cluster.get(), 0 /* Produce */, 1,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  absl::Status s = producer->SendAll({{"t.allfail", "k", "a", {}}, {"t.allfail", "k", "b", {}}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ClassOf(s), ErrorClass::kPermanent) << s;
}

TEST(MockClusterTest, LagIsHighWatermarkMinusPositionAndIsExported) {
  MockCluster cluster;
  cluster.CreateTopic("t.lag", 1);
  auto producer = MakeProducer(cluster);
  ASSERT_NE(producer, nullptr);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(producer->Send("t.lag", "k", "v").ok());

  auto consumer = MakeConsumer(cluster, "g-lag", "t.lag");
  ASSERT_NE(consumer, nullptr);
  std::vector<Message> got;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (got.size() < 4 && std::chrono::steady_clock::now() < deadline) {
    auto batch = consumer->Poll(4 - got.size(), 200ms);
    ASSERT_TRUE(batch.ok());
    for (Message& m : *batch) got.push_back(std::move(m));
  }
  ASSERT_EQ(got.size(), 4u);
  std::vector<PartitionLag> lag = consumer->Lag();
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_EQ(lag[0].topic, "t.lag");
  EXPECT_EQ(lag[0].partition, 0);
  EXPECT_EQ(lag[0].high_watermark, 10);
  EXPECT_EQ(lag[0].position, 4);
  EXPECT_EQ(lag[0].lag, 6);

  common::MetricsRegistry registry;
  ExportConsumerLag(*consumer, registry);
  std::string text = registry.Expose();
  EXPECT_NE(text.find("sevisflow_kafka_consumer_lag{"), std::string::npos) << text;
  EXPECT_NE(text.find("group=\"g-lag\""), std::string::npos) << text;
  EXPECT_NE(text.find("topic=\"t.lag\""), std::string::npos) << text;
  EXPECT_NE(text.find("} 6\n"), std::string::npos) << text;

  consumer.reset();  // the hook must survive its consumer
  EXPECT_NO_FATAL_FAILURE(registry.Expose());
}

}  // namespace
}  // namespace sevisflow::kafka
