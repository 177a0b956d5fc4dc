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
  EXPECT_EQ(org.upload_url, c->upload_url);  // no org-level choice: the uploader's
  EXPECT_EQ(org.download_url, c->download_url);
  EXPECT_EQ(c->cert_warning_days, 30);
}

constexpr char kTwoOrgs[] = R"(
docstore:
  root: /data
orgs:
  ABC214F12345000:
    cert: /a.pem
    key: /a.key
  P-1-12345:
    cert: /p.pem
    key: /p.key
    environment: production
)";

TEST(Config, EnvironmentPerOrgOverridesTheUploaderOne) {
  auto c = Read(std::string("uploader:\n  environment: alpha\n  cert_warning_days: 45\n") +
                kTwoOrgs);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->upload_url, "https://egov.ice.gov/alphasevisbatch/action/batchUpload");
  EXPECT_EQ(c->orgs.at("ABC214F12345000").upload_url,
            "https://egov.ice.gov/alphasevisbatch/action/batchUpload");
  EXPECT_EQ(c->orgs.at("P-1-12345").upload_url,
            "https://egov.ice.gov/sevisbatch/action/batchUpload");
  EXPECT_EQ(c->orgs.at("P-1-12345").download_url,
            "https://egov.ice.gov/sevisbatch/action/batchDownload");
  EXPECT_EQ(c->cert_warning_days, 45);
}

TEST(Config, ExplicitEndpointOverridesEnvironment) {
  auto c = Read(std::string("uploader:\n  environment: beta\n"
                            "  endpoint: https://127.0.0.1:8443/sevisbatch/action\n") +
                kTwoOrgs);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->orgs.at("ABC214F12345000").upload_url,
            "https://127.0.0.1:8443/sevisbatch/action/batchUpload");
  // The org's own environment is more specific than the uploader-wide endpoint.
  EXPECT_EQ(c->orgs.at("P-1-12345").upload_url,
            "https://egov.ice.gov/sevisbatch/action/batchUpload");

  auto org_endpoint = Read(
      "uploader:\n  environment: beta\ndocstore:\n  root: /d\norgs:\n  X:\n    cert: /c\n"
      "    key: /k\n    environment: production\n    endpoint: https://127.0.0.1:9/s/action/\n");
  ASSERT_TRUE(org_endpoint.ok()) << org_endpoint.status();
  EXPECT_EQ(org_endpoint->orgs.at("X").download_url, "https://127.0.0.1:9/s/action/batchDownload");
}

TEST(Config, OrgLevelChoiceAloneIsEnough) {
  auto c = Read("docstore:\n  root: /d\norgs:\n  X:\n    cert: /c\n    key: /k\n"
                "    environment: beta\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->orgs.at("X").upload_url, "https://egov.ice.gov/sbtsevisbatch/action/batchUpload");
}

TEST(Config, BadEnvironmentAndWarningDaysAreNamed) {
  auto c = Read(std::string("uploader:\n  environment: prod\n  cert_warning_days: -1\n") +
                kOrg);
  ASSERT_FALSE(c.ok());
  std::string msg(c.status().message());
  EXPECT_NE(msg.find("uploader.environment"), std::string::npos) << msg;
  EXPECT_NE(msg.find("uploader.cert_warning_days"), std::string::npos) << msg;

  // An environment never takes a URL (that is what endpoint is for).
  auto url = Read(
      "uploader:\n  environment: beta\ndocstore:\n  root: /d\norgs:\n  X:\n    cert: /c\n"
      "    key: /k\n    environment: https://127.0.0.1/s/action/\n");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(std::string(url.status().message()).find("orgs.X.environment"), std::string::npos);
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

TEST(Config, ResilienceKeysAndDefaults) {
  auto d = Read(std::string("uploader:\n  endpoint: alpha\n") + kOrg);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->backoff.retry_max_interval, std::chrono::seconds(300));
  EXPECT_EQ(d->backoff.max_upload_attempts, 10);
  EXPECT_DOUBLE_EQ(d->backoff.jitter, 0.2);
  EXPECT_EQ(d->breaker.failure_threshold, 5);
  EXPECT_EQ(d->breaker.cool_down, std::chrono::seconds(300));
  EXPECT_EQ(d->stuck_after, std::chrono::hours(48));

  auto c = Read(std::string("uploader:\n  endpoint: alpha\n  retry_max_interval_seconds: 30\n"
                            "  max_upload_attempts: 4\n  retry_jitter: 0.5\n"
                            "  breaker_failures: 2\n  breaker_cooldown_seconds: 90\n"
                            "  stuck_after_seconds: 3600\n") +
                kOrg);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->backoff.retry_max_interval, std::chrono::seconds(30));
  EXPECT_EQ(c->backoff.max_upload_attempts, 4);
  EXPECT_DOUBLE_EQ(c->backoff.jitter, 0.5);
  EXPECT_EQ(c->breaker.failure_threshold, 2);
  EXPECT_EQ(c->breaker.cool_down, std::chrono::seconds(90));
  EXPECT_EQ(c->stuck_after, std::chrono::seconds(3600));
}

TEST(Config, RequestTimeoutsAndDefaults) {
  auto d = Read(std::string("uploader:\n  endpoint: alpha\n") + kOrg);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->connect_timeout, std::chrono::seconds(10));
  EXPECT_EQ(d->request_timeout, std::chrono::seconds(120));

  auto c = Read(std::string("uploader:\n  endpoint: alpha\n  connect_timeout_seconds: 3\n"
                            "  request_timeout_seconds: 45\n") +
                kOrg);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->connect_timeout, std::chrono::seconds(3));
  EXPECT_EQ(c->request_timeout, std::chrono::seconds(45));

  auto bad = Read(std::string("uploader:\n  endpoint: alpha\n  request_timeout_seconds: 0\n") +
                  kOrg);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("uploader.request_timeout_seconds"),
            std::string::npos)
      << bad.status();
}

TEST(Config, BadResilienceValuesAreNamed) {
  auto c = Read(std::string("uploader:\n  endpoint: alpha\n  retry_jitter: 1.5\n"
                            "  breaker_failures: 0\n") +
                kOrg);
  ASSERT_FALSE(c.ok());
  const std::string msg(c.status().message());
  EXPECT_NE(msg.find("uploader.retry_jitter"), std::string::npos) << msg;
  EXPECT_NE(msg.find("uploader.breaker_failures"), std::string::npos) << msg;
}

}  // namespace
}  // namespace sevisflow::uploader
