// Unit tests of the detector's pure parts: payload parsing and config loading.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "services/detector/src/app.h"
#include "services/detector/src/detector.h"

namespace sevisflow::detector {
namespace {

v1::SisPersonSnapshot Sample() {
  v1::SisPersonSnapshot s;
  s.set_person_id("SIS0000042");
  s.set_version(7);
  s.add_port_of_entry()->set_immigration_status("01");
  return s;
}

TEST(ParseSnapshotTest, Binary) {
  auto parsed = ParseSnapshot(Sample().SerializeAsString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->person_id(), "SIS0000042");
  EXPECT_EQ(parsed->version(), 7);
}

TEST(ParseSnapshotTest, JsonWithLeadingSpaceCamelAndSnakeCase) {
  auto parsed = ParseSnapshot("  \n{\"personId\":\"SIS0000042\",\"version\":\"7\","
                              "\"port_of_entry\":[{\"immigration_status\":\"02\"}],"
                              "\"someFutureField\":1}");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->person_id(), "SIS0000042");
  EXPECT_EQ(parsed->port_of_entry(0).immigration_status(), "02");
}

TEST(ParseSnapshotTest, GarbageIsRejectedWithoutEchoingPayload) {
  auto json = ParseSnapshot("{\"person_id\": \"SIS0000042\", broken");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(std::string(json.status().message()).find("SIS0000042"), std::string::npos);
  EXPECT_FALSE(ParseSnapshot("\xff\xff\xff garbage").ok());
  EXPECT_FALSE(ParseSnapshot("").ok());
}

TEST(RedisKeysTest, FollowArchitecture) {
  EXPECT_EQ(SnapshotKey("P1"), "sf:snap:P1");
  EXPECT_EQ(EmittedKey("P1"), "sf:emitted:P1");
  EXPECT_EQ(MasterKey("ORG", "P1"), "sf:master:ORG/P1");
  EXPECT_EQ(MasterOrgsKey("P1"), "sf:master-orgs:P1");
}

TEST(LoadConfigTest, ReadsSetupKeys) {
  auto reader = common::ConfigReader::FromString(R"(
kafka: {brokers: "127.0.0.1:1234"}
redis: {host: 127.0.0.1, port: 7000}
grpc: {listen: "127.0.0.1:0"}
metrics: {port: 0}
detector:
  setup:
    dummy_first_name: FNU
    preferred_name_type: PRF
    us_address_type: CAMP
    major_plan_types: [MAJ, CON]
)");
  ASSERT_TRUE(reader.ok());
  reader->SetEnvironment({});
  auto config = LoadConfig(*reader);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->service.kafka_brokers, "127.0.0.1:1234");
  EXPECT_EQ(config->service.redis_port, 7000);
  EXPECT_EQ(config->setup.dummy_first_name, "FNU");
  EXPECT_EQ(config->setup.preferred_name_type, "PRF");
  EXPECT_EQ(config->setup.us_address_type, "CAMP");
  EXPECT_EQ(config->setup.foreign_address_type, "HOME");
  EXPECT_EQ(config->setup.major_plan_types, (std::vector<std::string>{"MAJ", "CON"}));
  EXPECT_EQ(config->setup.legal_name_type, "PRI");
}

TEST(LoadConfigTest, UnknownKeyIsAnError) {
  auto reader = common::ConfigReader::FromString("detector:\n  setup:\n    dumy_first_name: X\n");
  ASSERT_TRUE(reader.ok());
  reader->SetEnvironment({});
  auto config = LoadConfig(*reader);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string(config.status().message()).find("dumy_first_name"), std::string::npos);
}

TEST(LoadConfigTest, EnvironmentOverrides) {
  auto reader = common::ConfigReader::FromString("");
  ASSERT_TRUE(reader.ok());
  reader->SetEnvironment({{"SEVISFLOW_DETECTOR_SETUP_DUMMY_FIRST_NAME", "NFN"}});
  auto config = LoadConfig(*reader);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->setup.dummy_first_name, "NFN");
}

TEST(AppTest, BadCodeTablePathFailsCreate) {
  AppConfig config;
  config.code_tables = "/nonexistent/SEVISTable.xsd";
  common::SystemClock clock;
  EXPECT_FALSE(App::Create(config, clock).ok());
}

}  // namespace
}  // namespace sevisflow::detector

namespace sevisflow::detector {
namespace {

TEST(ExampleConfigTest, LoadsWithoutUnknownKeys) {
  auto reader = common::ConfigReader::FromFile(std::string(SEVISFLOW_SOURCE_DIR) +
                                               "/services/detector/detector.example.yaml");
  ASSERT_TRUE(reader.ok()) << reader.status();
  reader->SetEnvironment({});
  auto config = LoadConfig(*reader);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->setup.dummy_first_name, "FNU");
  EXPECT_EQ(config->setup.preferred_name_type, "PRF");
  EXPECT_EQ(config->service.grpc_listen, "127.0.0.1:50051");
}

}  // namespace
}  // namespace sevisflow::detector
