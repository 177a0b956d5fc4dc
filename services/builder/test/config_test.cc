#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "services/builder/src/app.h"

namespace sevisflow::builder {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<AppConfig> Load(std::string_view yaml) {
  absl::StatusOr<common::ConfigReader> reader = common::ConfigReader::FromString(yaml);
  if (!reader.ok()) return reader.status();
  reader->SetEnvironment({});
  return LoadConfig(*reader);
}

TEST(ConfigTest, ReadsBuilderAndOrgKeys) {
  absl::StatusOr<AppConfig> config = Load(R"(
kafka: {brokers: "127.0.0.1:9092"}
builder:
  auto_select: false
  batch_id_prefix: UNI2
  max_records_per_section: 100
  close_interval_seconds: 60
xsd_dir: /tmp/xsd
orgs:
  BOS214F00123000: {user_id: tpdso-4140, auto_select: true}
  P-1-12345: {user_id: kander6952}
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->builder.batch_id_prefix, "UNI2");
  EXPECT_EQ(config->builder.max_records_per_section, 100);
  EXPECT_EQ(config->close_interval_seconds, 60);
  EXPECT_EQ(config->service.xsd_dir, "/tmp/xsd");
  ASSERT_EQ(config->builder.orgs.size(), 2u);
  const OrgOptions& bos = config->builder.orgs.at("BOS214F00123000");
  EXPECT_EQ(bos.user_id, "tpdso-4140");
  ASSERT_TRUE(bos.auto_select.has_value());
  EXPECT_TRUE(*bos.auto_select);
  EXPECT_FALSE(config->builder.orgs.at("P-1-12345").auto_select.has_value());
}

TEST(ConfigTest, DefaultsArePrefixSfAndTwoHundredFifty) {
  absl::StatusOr<AppConfig> config = Load("{}");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->builder.batch_id_prefix, "SF");
  EXPECT_EQ(config->builder.max_records_per_section, 250);
  EXPECT_EQ(config->close_interval_seconds, 0);
  EXPECT_FALSE(config->builder.auto_select);
}

TEST(ConfigTest, UnknownKeyIsAnError) {
  absl::StatusOr<AppConfig> config = Load("builder: {auto_selekt: true}\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("builder.auto_selekt"));
}

TEST(ConfigTest, BadPrefixUserIdAndOrgAreErrorsNamingTheKey) {
  absl::StatusOr<AppConfig> config = Load(R"(
builder: {batch_id_prefix: "SF-"}
orgs:
  NOTANORG: {user_id: short}
)");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(message, HasSubstr("builder.batch_id_prefix"));
  EXPECT_THAT(message, HasSubstr("orgs.NOTANORG.user_id"));
  EXPECT_THAT(message, HasSubstr("orgs.NOTANORG"));
}

TEST(ConfigTest, ReadsDsosAutoSelectEventsAndOrgPrefix) {
  const std::string hash(64, 'a');
  absl::StatusOr<AppConfig> config = Load(R"(
builder:
  auto_select_events: [REGISTRATION, PERSONAL_INFO]
  auto_close_selected: 0
  detector_address: "127.0.0.1:50051"
  close_daily_at: "17:30"
orgs:
  BOS214F00123000: {user_id: tpdso-4140, batch_id_prefix: UNIV, auto_select_events: [EV_VALIDATE]}
dsos:
  alice:
    token_sha256: )" + hash + R"(
    orgs:
      BOS214F00123000: {user_id: alicedso01}
      P-1-12345: {user_id: alicero001}
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->builder.auto_select_events,
            (std::set<sevisflow::v1::EventType>{sevisflow::v1::EVENT_TYPE_REGISTRATION,
                                                sevisflow::v1::EVENT_TYPE_PERSONAL_INFO}));
  EXPECT_EQ(config->builder.auto_close_selected, 0);
  EXPECT_EQ(config->detector_address, "127.0.0.1:50051");
  ASSERT_TRUE(config->close_daily_at.has_value());
  EXPECT_EQ(*config->close_daily_at, std::chrono::minutes(17 * 60 + 30));
  const OrgOptions& bos = config->builder.orgs.at("BOS214F00123000");
  EXPECT_EQ(bos.batch_id_prefix, "UNIV");
  ASSERT_TRUE(bos.auto_select_events.has_value());
  EXPECT_TRUE(bos.auto_select_events->contains(sevisflow::v1::EVENT_TYPE_EV_VALIDATE));
  ASSERT_EQ(config->dsos.size(), 1u);
  EXPECT_EQ(config->dsos[0].name, "alice");
  EXPECT_EQ(config->dsos[0].orgs.at("P-1-12345"), "alicero001");
}

TEST(ConfigTest, BadDsoAndEventCodeAreErrorsNamingTheKey) {
  absl::StatusOr<AppConfig> config = Load(R"(
builder: {auto_select_events: [NOT_AN_EVENT], close_daily_at: "25:00"}
dsos:
  bob:
    token_sha256: abc
    orgs:
      BOS214F00123000: {user_id: short}
)");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(message, HasSubstr("builder.auto_select_events"));
  EXPECT_THAT(message, HasSubstr("builder.close_daily_at"));
  EXPECT_THAT(message, HasSubstr("dsos.bob.orgs.BOS214F00123000.user_id"));
  absl::StatusOr<AppConfig> bad_hash = Load(R"(
dsos:
  bob:
    token_sha256: abc
    orgs:
      BOS214F00123000: {user_id: bobdso0001}
)");
  ASSERT_FALSE(bad_hash.ok());
  EXPECT_THAT(std::string(bad_hash.status().message()), HasSubstr("dsos.bob.token_sha256"));
}

TEST(ConfigTest, TooManyRecordsPerDocumentIsRefused) {
  EXPECT_FALSE(Load("builder: {max_records_per_section: 251}\n").ok());
}

}  // namespace
}  // namespace sevisflow::builder
