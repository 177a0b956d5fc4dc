#include "sevisflow/service/runtime.h"

#include <gtest/gtest.h>
#include <httplib.h>

namespace sevisflow::service {
namespace {

// Nothing listens on port 1: clients must be creatable anyway (they connect lazily).
common::ServiceConfig Unreachable() {
  common::ServiceConfig config;
  config.kafka_brokers = "127.0.0.1:1";
  config.redis_host = "127.0.0.1";
  config.redis_port = 1;
  config.metrics_host = "127.0.0.1";
  config.metrics_port = 0;
  return config;
}

TEST(MakeRedisClient, CreatesWithoutServerAndCommandsAreUnavailable) {
  auto client = MakeRedisClient(Unreachable());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_FALSE((*client)->connected());
  absl::Status ping = (*client)->Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable) << ping;
}

TEST(MakeRedisClient, RejectsBadPort) {
  common::ServiceConfig config = Unreachable();
  config.redis_port = 0;
  EXPECT_FALSE(MakeRedisClient(config).ok());
}

TEST(MakeProducer, CreatesWithoutBroker) {
  auto producer = MakeProducer(Unreachable(), "sevisflow-test");
  ASSERT_TRUE(producer.ok()) << producer.status();
}

TEST(MakeConsumer, CreatesWithoutBrokerAndExportsLag) {
  common::MetricsRegistry metrics;
  auto consumer = MakeConsumer(Unreachable(), "sevisflow-test-group", {"sevisflow.test"}, metrics);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  EXPECT_EQ((*consumer)->group_id(), "sevisflow-test-group");
  (void)metrics.Expose();  // runs the lag hook: nothing assigned, nothing reported
  (*consumer)->Close();
  (void)metrics.Expose();  // closed consumer: the hook does nothing
  consumer->reset();
  (void)metrics.Expose();  // destroyed consumer: the hook does nothing
}

TEST(MakeConsumer, AcceptsSeparateClientId) {
  common::MetricsRegistry metrics;
  auto consumer = MakeConsumer(Unreachable(), "sevisflow-test-master", {"sevisflow.test"},
                               metrics, "sevisflow-test");
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  EXPECT_EQ((*consumer)->group_id(), "sevisflow-test-master");
  (*consumer)->Close();
}

TEST(StartMetricsServer, ServesHealthzOnAFreePort) {
  common::MetricsRegistry metrics;
  metrics.GetCounter("sevisflow_test_up_total", "Up.").Inc();
  auto server = StartMetricsServer(Unreachable(), metrics);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  httplib::Client client("127.0.0.1", (*server)->port());
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto scrape = client.Get("/metrics");
  ASSERT_TRUE(scrape);
  EXPECT_NE(scrape->body.find("sevisflow_test_up_total 1"), std::string::npos);
  (*server)->Stop();
}

TEST(StartMetricsServer, FailsWhenThePortIsTaken) {
  common::MetricsRegistry metrics;
  auto first = StartMetricsServer(Unreachable(), metrics);
  ASSERT_TRUE(first.ok()) << first.status();
  common::ServiceConfig config = Unreachable();
  config.metrics_port = (*first)->port();
  EXPECT_FALSE(StartMetricsServer(config, metrics).ok());
  (*first)->Stop();
}

}  // namespace
}  // namespace sevisflow::service
