// sevisflow::kafka against a real Apache Kafka broker (KRaft) started by
// sevisflow::testing::KafkaBroker: topic catalogue, at-least-once consumption with committed
// offsets, and no loss / no duplicates across a broker crash.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/errors.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/testing/kafka_broker.h"

namespace sevisflow::kafka {
namespace {

using namespace std::chrono_literals;
using testing::KafkaBroker;

KafkaBroker* g_broker = nullptr;

// One broker for the whole binary (a JVM start costs seconds). Failing to start it fails the
// run: these tests are not optional.
class BrokerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    testing::KafkaBrokerOptions options;
    options.name = "kafka-it";
    broker_ = std::make_unique<KafkaBroker>(options);
    absl::Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << "cannot start Apache Kafka: " << s;
    g_broker = broker_.get();
  }
  void TearDown() override {
    g_broker = nullptr;
    if (broker_) {
      EXPECT_TRUE(broker_->Stop().ok());
    }
    broker_.reset();
  }

 private:
  std::unique_ptr<KafkaBroker> broker_;
};

::testing::Environment* const kEnv = ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);

class KafkaIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(g_broker, nullptr) << "broker did not start"; }

  static std::string Brokers() { return g_broker->bootstrap(); }

  static void CreateTopic(const std::string& name, int partitions) {
    TopicSpec spec;
    spec.name = name;
    spec.partitions = partitions;
    ASSERT_TRUE(EnsureTopics(Brokers(), {spec}, 60s).ok());
  }

  static std::unique_ptr<Producer> MakeProducer(const std::string& client_id) {
    ProducerOptions options;
    options.brokers = Brokers();
    options.client_id = client_id;
    auto p = Producer::Create(std::move(options));
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }

  static std::unique_ptr<Consumer> MakeConsumer(const std::string& group,
                                                const std::string& topic) {
    ConsumerOptions options;
    options.brokers = Brokers();
    options.group_id = group;
    options.topics = {topic};
    options.client_id = "it-" + group;
    auto c = Consumer::Create(std::move(options));
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  // Polls (storing each record) until `count` records arrived or `limit` passed.
  static std::vector<Message> ConsumeN(Consumer& c, size_t count,
                                       std::chrono::seconds limit = 120s) {
    std::vector<Message> got;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto batch = c.Poll(500, 500ms);
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      for (Message& m : *batch) {
        EXPECT_TRUE(c.Store(m).ok());
        got.push_back(std::move(m));
      }
    }
    return got;
  }
};

TEST_F(KafkaIntegrationTest, EnsureTopicsCreatesTheCatalogueAndIsIdempotent) {
  std::vector<TopicSpec> catalogue = DefaultTopics(4);
  ASSERT_TRUE(EnsureTopics(Brokers(), catalogue, 60s).ok());
  // Second run: every topic exists already, still OK.
  ASSERT_TRUE(EnsureTopics(Brokers(), catalogue, 60s).ok());

  auto listed = ListTopics(Brokers(), 30s);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::map<std::string, TopicInfo> by_name;
  for (const TopicInfo& t : *listed) by_name[t.name] = t;
  for (const TopicSpec& spec : catalogue) {
    ASSERT_EQ(by_name.count(spec.name), 1u) << spec.name;
    const TopicInfo& info = by_name[spec.name];
    EXPECT_EQ(info.partitions, 4) << spec.name;
    EXPECT_EQ(info.cleanup_policy, spec.compacted ? "compact" : "delete") << spec.name;
    if (!spec.compacted) {
      EXPECT_EQ(info.configs.at("retention.ms"), spec.configs.at("retention.ms")) << spec.name;
    }
  }
  EXPECT_EQ(by_name.count("__consumer_offsets"), 0u);
}

TEST_F(KafkaIntegrationTest, TombstoneIsANullValueAndAnEmptyRecordIsNot) {
  const std::string topic = "it.tombstone";
  CreateTopic(topic, 1);
  auto producer = MakeProducer("it-tombstone");
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send(topic, "k1", "").ok());
  ASSERT_TRUE(producer->SendTombstone(topic, "k2").ok());
  EXPECT_EQ(producer->SendTombstone(topic, "").code(), absl::StatusCode::kInvalidArgument);
  auto consumer = MakeConsumer("g-tombstone", topic);
  ASSERT_NE(consumer, nullptr);
  std::vector<Message> got = ConsumeN(*consumer, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].key, "k1");
  EXPECT_FALSE(got[0].is_tombstone);
  EXPECT_TRUE(got[0].value.empty());
  EXPECT_EQ(got[1].key, "k2");
  EXPECT_TRUE(got[1].is_tombstone);
}

TEST_F(KafkaIntegrationTest, ProducingToAMissingTopicFailsPermanently) {
  ProducerOptions options;
  options.brokers = Brokers();
  options.client_id = "it-missing";
  // Don't wait the default 30 s for the topic to show up.
  options.properties = {{"topic.metadata.propagation.max.ms", "2000"}};
  auto created = Producer::Create(std::move(options));
  ASSERT_TRUE(created.ok()) << created.status();
  std::unique_ptr<Producer> producer = *std::move(created);
  // auto.create.topics.enable=false: a typo must not create a topic.
  absl::Status s = producer->Send("no.such.topic", "k", "v");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ClassOf(s), ErrorClass::kPermanent) << s;
}

TEST_F(KafkaIntegrationTest, ThousandKeyedRecordsCommittedOnceAndReplayableByNewGroup) {
  const std::string topic = "it.thousand";
  CreateTopic(topic, 3);
  auto producer = MakeProducer("it-thousand");
  ASSERT_NE(producer, nullptr);
  constexpr int kKeys = 20;
  constexpr int kTotal = 1000;
  std::atomic<int> delivered{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < kTotal; ++i) {
    std::string key = "person-" + std::to_string(i % kKeys);
    std::string value = key + "#" + std::to_string(i / kKeys);  // per-key sequence number
    if (i % 10 == 0) {
      ASSERT_TRUE(producer->Send(topic, key, value).ok());
      ++delivered;
    } else {
      ASSERT_TRUE(producer
                      ->SendAsync(topic, key, value, {{"seq", std::to_string(i)}},
                                  [&](absl::Status s) { (s.ok() ? delivered : failed)++; })
                      .ok());
    }
  }
  ASSERT_TRUE(producer->Flush(120s).ok());
  EXPECT_EQ(delivered.load(), kTotal);
  EXPECT_EQ(failed.load(), 0);

  {
    auto consumer = MakeConsumer("g-thousand", topic);
    ASSERT_NE(consumer, nullptr);
    std::vector<Message> got = ConsumeN(*consumer, kTotal);
    ASSERT_EQ(got.size(), static_cast<size_t>(kTotal));
    std::map<std::string, int> next_seq;
    std::map<std::string, int32_t> partition_of;
    for (const Message& m : got) {
      auto hash = m.value.find('#');
      ASSERT_NE(hash, std::string::npos);
      EXPECT_EQ(m.value.substr(0, hash), m.key);
      int seq = std::stoi(m.value.substr(hash + 1));
      EXPECT_EQ(seq, next_seq[m.key]) << "order broken for " << m.key;
      next_seq[m.key] = seq + 1;
      // A key always lands on the same partition (serialisation by person / organisation).
      auto [it, inserted] = partition_of.emplace(m.key, m.partition);
      EXPECT_EQ(it->second, m.partition) << m.key;
    }
    EXPECT_EQ(next_seq.size(), static_cast<size_t>(kKeys));
    consumer->Close();
  }

  // Same group: everything is committed, so the only record seen is a new marker.
  ASSERT_TRUE(producer->Send(topic, "person-0", "marker").ok());
  {
    auto consumer = MakeConsumer("g-thousand", topic);
    ASSERT_NE(consumer, nullptr);
    std::vector<Message> got = ConsumeN(*consumer, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].value, "marker");
    consumer->Close();
  }

  // A new group starts from the beginning and sees every record.
  auto fresh = MakeConsumer("g-thousand-replay", topic);
  ASSERT_NE(fresh, nullptr);
  std::vector<Message> all = ConsumeN(*fresh, kTotal + 1);
  EXPECT_EQ(all.size(), static_cast<size_t>(kTotal + 1));
  fresh->Close();
}

TEST_F(KafkaIntegrationTest, BrokerCrashLosesNothingAndDuplicatesNothing) {
  const std::string topic = "it.crash";
  CreateTopic(topic, 3);
  ProducerOptions options;
  options.brokers = Brokers();
  options.client_id = "it-crash";
  // Keep retrying for as long as the broker may take to come back on a loaded machine.
  options.properties = {{"message.timeout.ms", "300000"}, {"retry.backoff.ms", "200"}};
  auto created = Producer::Create(std::move(options));
  ASSERT_TRUE(created.ok()) << created.status();
  std::unique_ptr<Producer> producer = *std::move(created);

  std::mutex mu;
  std::vector<absl::Status> errors;
  std::atomic<int> acked{0};
  auto on_delivery = [&](absl::Status s) {
    if (s.ok()) {
      ++acked;
    } else {
      std::lock_guard lock(mu);
      errors.push_back(s);
    }
  };
  int next = 0;
  auto send = [&](int n) {
    for (int i = 0; i < n; ++i, ++next) {
      std::string value = "r" + std::to_string(next);
      ASSERT_TRUE(producer->SendAsync(topic, "k" + std::to_string(next % 11), value, {},
                                      on_delivery)
                      .ok());
    }
  };

  send(200);
  ASSERT_TRUE(producer->Flush(120s).ok());
  ASSERT_EQ(acked.load(), 200);

  g_broker->Kill();
  send(300);  // queued locally while the broker is down; librdkafka retries
  EXPECT_EQ(acked.load(), 200);
  ASSERT_TRUE(g_broker->Restart().ok()) << g_broker->LogTail();
  send(200);
  ASSERT_TRUE(producer->Flush(300s).ok()) << producer->Outstanding() << " outstanding";
  {
    std::lock_guard lock(mu);
    for (const absl::Status& s : errors) ADD_FAILURE() << "delivery failed: " << s;
  }
  EXPECT_EQ(acked.load(), 700);
  EXPECT_TRUE(producer->FatalError().ok()) << producer->FatalError();

  auto consumer = MakeConsumer("g-crash", topic);
  ASSERT_NE(consumer, nullptr);
  std::vector<Message> got = ConsumeN(*consumer, 700);
  // Drain a little longer: a duplicate would show up as a 701st record.
  auto extra = consumer->Poll(100, 3s);
  ASSERT_TRUE(extra.ok());
  got.insert(got.end(), extra->begin(), extra->end());
  std::multiset<std::string> values;
  for (const Message& m : got) values.insert(m.value);
  EXPECT_EQ(got.size(), 700u);
  for (int i = 0; i < 700; ++i) {
    EXPECT_EQ(values.count("r" + std::to_string(i)), 1u) << "r" << i;
  }
  consumer->Close();
}

}  // namespace
}  // namespace sevisflow::kafka
