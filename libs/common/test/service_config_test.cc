#include "sevisflow/common/service_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

namespace sevisflow::common {
namespace {

using ::testing::HasSubstr;

absl::Status Read(std::string_view yaml, ServiceConfig& config,
                  std::map<std::string, std::string> env = {}) {
  absl::StatusOr<ConfigReader> reader = ConfigReader::FromString(yaml);
  if (!reader.ok()) return reader.status();
  reader->SetEnvironment(std::move(env));
  ReadServiceConfig(*reader, config);
  return reader->Finish();
}

TEST(ServiceConfig, DefaultsWhenNoKeys) {
  ServiceConfig c;
  ASSERT_TRUE(Read("{}", c).ok());
  EXPECT_EQ(c.kafka_brokers, "127.0.0.1:9092");
  EXPECT_EQ(c.redis_host, "127.0.0.1");
  EXPECT_EQ(c.redis_port, 6379);
  EXPECT_TRUE(c.redis_password.empty());
  EXPECT_EQ(c.grpc_listen, "127.0.0.1:0");
  EXPECT_EQ(c.metrics_host, "127.0.0.1");
  EXPECT_EQ(c.metrics_port, 0);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_FALSE(c.log.json);
  EXPECT_EQ(c.log.person_salt, "");
  EXPECT_EQ(c.xsd_dir, DefaultXsdDir());
  EXPECT_FALSE(c.xsd_dir.empty());
}

TEST(ServiceConfig, ServiceDefaultsOnEntryAreKept) {
  ServiceConfig c;
  c.grpc_listen = "127.0.0.1:50051";
  c.metrics_port = 9101;
  c.xsd_dir = "/service/xsd";
  ASSERT_TRUE(Read("{}", c).ok());
  EXPECT_EQ(c.grpc_listen, "127.0.0.1:50051");
  EXPECT_EQ(c.metrics_port, 9101);
  EXPECT_EQ(c.xsd_dir, "/service/xsd");
}

TEST(ServiceConfig, OverridesFromYaml) {
  ServiceConfig c;
  c.metrics_port = 9101;
  absl::Status s = Read(R"(
kafka: {brokers: "k1:9092,k2:9092"}
redis: {host: redis.local, port: 7000, password: hunter2}
grpc: {listen: "0.0.0.0:50051"}
metrics: {listen_host: 0.0.0.0, port: 9200}
log: {level: debug, json: true, person_salt: pepper}
xsd_dir: /opt/xsd
)",
                        c);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(c.kafka_brokers, "k1:9092,k2:9092");
  EXPECT_EQ(c.redis_host, "redis.local");
  EXPECT_EQ(c.redis_port, 7000);
  EXPECT_EQ(c.redis_password.Reveal(), "hunter2");
  EXPECT_EQ(c.grpc_listen, "0.0.0.0:50051");
  EXPECT_EQ(c.metrics_host, "0.0.0.0");
  EXPECT_EQ(c.metrics_port, 9200);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_TRUE(c.log.json);
  EXPECT_EQ(c.log.person_salt, "pepper");
  EXPECT_EQ(c.xsd_dir, "/opt/xsd");
}

TEST(ServiceConfig, EnvironmentOverridesXsdDir) {
  ServiceConfig c;
  ASSERT_TRUE(Read("xsd_dir: /from/file\n", c, {{"SEVISFLOW_XSD_DIR", "/from/env"}}).ok());
  EXPECT_EQ(c.xsd_dir, "/from/env");
}

TEST(ServiceConfig, BadPortIsAnErrorNamingTheKey) {
  ServiceConfig c;
  absl::Status s = Read("redis: {port: 0}\nmetrics: {port: 70000}\n", c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("redis.port: 0 is outside [1, 65535]"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("metrics.port: 70000 is outside [0, 65535]"));
  EXPECT_EQ(c.redis_port, 6379);
}

TEST(ServiceConfig, BadLevelIsAnErrorNamingTheKey) {
  ServiceConfig c;
  absl::Status s = Read("log: {level: loud}\n", c);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("log.level: 'loud' is not one of"));
}

}  // namespace
}  // namespace sevisflow::common
