#include "config.h"

#include <gtest/gtest.h>

namespace sevisflow::uploader {
namespace {

absl::StatusOr<UploaderConfig> Read(const std::string& yaml) {
  auto reader = common::ConfigReader::FromString(yaml);
  if (!reader.ok()) return reader.status();
  reader->SetEnvironment({});
  return ReadUploaderConfig(*reader, "/xsd");
}

constexpr char kOrg[] = R"(
docstore:
  root: /data
orgs:
  ABC214F12345000:
    cert: /c.pem
    key: /k.pem
    key_password: secret
    ca: /ca.pem
    user_id: dso0000001
)";

TEST(Endpoint, Presets) {
  EXPECT_EQ(*ResolveEndpoint("production"), "https://egov.ice.gov/sevisbatch/action/");
  EXPECT_EQ(*ResolveEndpoint("beta"), "https://egov.ice.gov/sbtsevisbatch/action/");
  EXPECT_EQ(*ResolveEndpoint("alpha"), "https://egov.ice.gov/alphasevisbatch/action/");
  EXPECT_EQ(*ResolveEndpoint("https://127.0.0.1:8443/sevisbatch/action"),
            "https://127.0.0.1:8443/sevisbatch/action/");
  EXPECT_FALSE(ResolveEndpoint("http://egov.ice.gov/sevisbatch/action/").ok());
  EXPECT_FALSE(ResolveEndpoint("prod").ok());
}

TEST(Config, ReadsOrgsAndUrls) {
  auto c = Read(std::string("uploader:\n  endpoint: beta\n  poll_interval_seconds: 5\n") + kOrg);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->upload_url, "https://egov.ice.gov/sbtsevisbatch/action/batchUpload");
  EXPECT_EQ(c->download_url, "https://egov.ice.gov/sbtsevisbatch/action/batchDownload");
  EXPECT_EQ(c->backoff.poll_interval, std::chrono::seconds(5));
  ASSERT_EQ(c->orgs.size(), 1u);
  const auto& org = c->orgs.at("ABC214F12345000");
  EXPECT_EQ(org.key_password.Reveal(), "secret");
  EXPECT_EQ(org.user_id, "dso0000001");
  EXPECT_EQ(c->service.xsd_dir, "/xsd");
}

TEST(Config, UnknownKeyAndMissingEndpointNamed) {
  auto c = Read(std::string("uploader:\n  bogus: 1\n") + kOrg);
  ASSERT_FALSE(c.ok());
  std::string msg(c.status().message());
  EXPECT_NE(msg.find("uploader.bogus"), std::string::npos) << msg;
  EXPECT_NE(msg.find("uploader.endpoint"), std::string::npos) << msg;
}

TEST(Config, OrgNeedsCertAndKey) {
  auto c = Read("uploader:\n  endpoint: alpha\ndocstore:\n  root: /d\norgs:\n  X:\n    ca: /ca\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("orgs.X.cert"), std::string::npos);
}

TEST(Config, PollMaxBelowPollIsAnError) {
  auto c = Read(std::string("uploader:\n  endpoint: alpha\n  poll_interval_seconds: 60\n"
                            "  poll_max_interval_seconds: 10\n") +
                kOrg);
  EXPECT_FALSE(c.ok());
}

}  // namespace
}  // namespace sevisflow::uploader
