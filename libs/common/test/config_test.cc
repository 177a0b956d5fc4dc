#include "sevisflow/common/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace sevisflow::common {
namespace {

using ::testing::HasSubstr;

TEST(ConfigReader, ReadsTypedValuesAndDefaults) {
  auto r = ConfigReader::FromString(R"(
kafka:
  brokers: 127.0.0.1:9092
  partitions: 6
redis:
  enabled: true
topics: [a, b]
)");
  ASSERT_TRUE(r.ok()) << r.status();
  r->SetEnvironment({});
  EXPECT_EQ(r->String("kafka.brokers", "x"), "127.0.0.1:9092");
  EXPECT_EQ(r->Int("kafka.partitions", 1), 6);
  EXPECT_TRUE(r->Bool("redis.enabled", false));
  EXPECT_EQ(r->StringList("topics", {}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r->String("missing.key", "dflt"), "dflt");
  EXPECT_TRUE(r->Finish().ok()) << r->Finish();
}

TEST(ConfigReader, UnknownKeyIsAnErrorNamingIt) {
  auto r = ConfigReader::FromString("kafka:\n  brokers: x\n  brokres_typo: y\n");
  ASSERT_TRUE(r.ok());
  r->SetEnvironment({});
  r->String("kafka.brokers", "");
  absl::Status s = r->Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("kafka.brokres_typo: unknown key"));
}

TEST(ConfigReader, BadValueIsAnErrorNamingTheKey) {
  auto r = ConfigReader::FromString("port: eighty\nlevel: loud\ncount: 99\n");
  ASSERT_TRUE(r.ok());
  r->SetEnvironment({});
  EXPECT_EQ(r->Int("port", 80), 80);
  r->Enum("level", "info", {"debug", "info"});
  r->Int("count", 1, 0, 10);
  std::string msg(r->Finish().message());
  EXPECT_THAT(msg, HasSubstr("port: 'eighty' is not an integer"));
  EXPECT_THAT(msg, HasSubstr("level: 'loud' is not one of: debug, info"));
  EXPECT_THAT(msg, HasSubstr("count: 99 is outside [0, 10]"));
}

TEST(ConfigReader, EnvironmentOverridesTheFile) {
  auto r = ConfigReader::FromString("kafka:\n  brokers: file:9092\n");
  ASSERT_TRUE(r.ok());
  r->SetEnvironment({{"SEVISFLOW_KAFKA_BROKERS", "env:9092"}, {"SEVISFLOW_GRPC_PORT", "7001"},
                     {"SEVISFLOW_ORGS", "A,B"}});
  EXPECT_EQ(r->String("kafka.brokers", ""), "env:9092");
  EXPECT_EQ(r->Int("grpc.port", 0), 7001);
  EXPECT_EQ(r->StringList("orgs", {}), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(r->Finish().ok());
  EXPECT_EQ(ConfigReader::EnvName("uploader.download-poll.max_seconds"),
            "SEVISFLOW_UPLOADER_DOWNLOAD_POLL_MAX_SECONDS");
}

TEST(ConfigReader, MapKeysAndNestedUnknowns) {
  auto r = ConfigReader::FromString(R"(
orgs:
  ABC214F12345000:
    user_id: dso0000001
    extra: 1
)");
  ASSERT_TRUE(r.ok());
  r->SetEnvironment({});
  auto keys = r->Keys("orgs");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(r->String("orgs." + keys[0] + ".user_id", ""), "dso0000001");
  EXPECT_THAT(std::string(r->Finish().message()), HasSubstr("orgs.ABC214F12345000.extra"));
}

TEST(ConfigReader, MissingFileAndBadYamlAreErrors) {
  EXPECT_EQ(ConfigReader::FromFile("/nonexistent/x.yaml").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(ConfigReader::FromString("a: [1, 2").ok());
  EXPECT_FALSE(ConfigReader::FromString("- just\n- a list\n").ok());
}

TEST(Secret, NeverPrintsItsValue) {
  Secret s("hunter2");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
  EXPECT_EQ(s.Reveal(), "hunter2");
}

}  // namespace
}  // namespace sevisflow::common
