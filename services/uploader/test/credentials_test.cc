// Start-up credential checks and the certificate-expiry monitor, with real certificates made in
// the test (sevisflow::testing::MakeCertificate), and the App refusing to start with a bad org.
#include "credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "app.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/testing/certs.h"
#include "sevisflow/testing/ports.h"

namespace sevisflow::uploader {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::chrono::hours Days(int n) { return std::chrono::hours(24 * n); }

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("uploader-credentials");
    now_ = std::chrono::system_clock::now();
  }

  // An org whose certificate expires `valid_for` from now, key encrypted with `password`.
  OrgCredentials Org(const std::string& org_id, std::chrono::hours valid_for,
                     const std::string& password = "pw-ok") {
    auto f = testing::MakeCertificateValidUntil(dir_, org_id, now_ + valid_for, password);
    EXPECT_TRUE(f.ok()) << f.status();
    OrgCredentials org;
    org.org_id = org_id;
    if (f.ok()) {
      org.cert = f->cert;
      org.key = f->key;
    }
    org.key_password = common::Secret(password);
    org.ca = f.ok() ? f->cert : "";  // any PEM certificate is a readable CA bundle
    return org;
  }

  std::string dir_;
  std::chrono::system_clock::time_point now_;
};

TEST_F(CredentialsTest, GoodOrgGivesItsExpiry) {
  auto org = Org("GOOD214F00000000", Days(200) + std::chrono::hours(1));
  auto info = CheckOrgCredentials(org, now_);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->days_to_expiry, 200);
  EXPECT_EQ(info->subject_cn, "GOOD214F00000000");
}

TEST_F(CredentialsTest, EachProblemNamesTheOrgAndTheProblem) {
  auto wrong_pw = Org("PWD214F00000000", Days(100));
  wrong_pw.key_password = common::Secret("not-the-password");
  auto other = Org("OTHER14F00000000", Days(100));
  auto mismatch = Org("MIS214F00000000", Days(100));
  mismatch.key = other.key;
  mismatch.key_password = other.key_password;
  auto expired = Org("EXP214F00000000", -Days(2));
  auto no_ca = Org("NCA214F00000000", Days(100));
  no_ca.ca = dir_ + "/missing-ca.pem";
  auto no_cert = Org("NCE214F00000000", Days(100));
  no_cert.cert = dir_ + "/missing-cert.pem";

  struct Case {
    OrgCredentials org;
    std::string problem;
  };
  for (const auto& [org, problem] :
       {Case{wrong_pw, "wrong key password"}, Case{mismatch, "does not match certificate"},
        Case{expired, "expired on"}, Case{no_ca, "CA bundle file not found"},
        Case{no_cert, "client certificate file not found"}}) {
    auto info = CheckOrgCredentials(org, now_);
    ASSERT_FALSE(info.ok()) << org.org_id;
    std::string msg(info.status().message());
    EXPECT_THAT(msg, HasSubstr("orgs." + org.org_id + ": ")) << msg;
    EXPECT_THAT(msg, HasSubstr(problem)) << msg;
  }
}

TEST_F(CredentialsTest, AllOrgsReportsEveryBadOrgAndOnlyThose) {
  std::map<std::string, OrgCredentials> orgs;
  auto good = Org("GOOD214F00000000", Days(100) + std::chrono::hours(1));
  auto bad_pw = Org("PWD214F00000000", Days(100));
  bad_pw.key_password = common::Secret("wrong");
  auto expired = Org("EXP214F00000000", -Days(1));
  for (const auto& o : {good, bad_pw, expired}) orgs.emplace(o.org_id, o);

  auto all = CheckAllOrgCredentials(orgs, now_);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), absl::StatusCode::kFailedPrecondition);
  std::string msg(all.status().message());
  EXPECT_THAT(msg, HasSubstr("orgs.PWD214F00000000: wrong key password"));
  EXPECT_THAT(msg, HasSubstr("orgs.EXP214F00000000: client certificate"));
  EXPECT_THAT(msg, Not(HasSubstr("GOOD214F00000000")));
  EXPECT_THAT(msg, Not(HasSubstr("wrong\"")));  // the password itself is never quoted

  orgs.erase("PWD214F00000000");
  orgs.erase("EXP214F00000000");
  auto ok = CheckAllOrgCredentials(orgs, now_);
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ(ok->at("GOOD214F00000000").days_to_expiry, 100);
}

TEST(DaysToExpiryTest, RoundsDown) {
  auto t = std::chrono::system_clock::now();
  EXPECT_EQ(DaysToExpiry(t + Days(20) + std::chrono::hours(23), t), 20);
  EXPECT_EQ(DaysToExpiry(t + std::chrono::hours(1), t), 0);
  EXPECT_EQ(DaysToExpiry(t - std::chrono::hours(1), t), -1);
}

TEST_F(CredentialsTest, MonitorWarnsFromThirtyDaysAndSetsTheMetric) {
  auto soon = Org("SOON214F0000000", Days(20) + std::chrono::hours(1));
  auto later = Org("LATE214F0000000", Days(120) + std::chrono::hours(1));
  std::map<std::string, OrgCredentials> orgs{{soon.org_id, soon}, {later.org_id, later}};
  auto infos = CheckAllOrgCredentials(orgs, now_);
  ASSERT_TRUE(infos.ok()) << infos.status();

  std::map<std::string, std::chrono::system_clock::time_point> not_after;
  for (const auto& [id, info] : *infos) not_after[id] = info.not_after;
  common::MetricsRegistry metrics;
  CertExpiryMonitor monitor(not_after, 30, std::chrono::hours(24), metrics);

  // The warning goes to the "uploader.certs" log (captured here).
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto logger = common::Logger("uploader.certs");
  logger->sinks().push_back(sink);
  auto warnings = monitor.Check(now_);
  logger->sinks().pop_back();
  auto lines = sink->last_formatted();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("org SOON214F0000000: client certificate expires in 20 day(s)"));
  EXPECT_THAT(lines[0], HasSubstr("warning"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].org_id, "SOON214F0000000");
  EXPECT_EQ(warnings[0].days, 20);
  auto gauge = [&metrics](const std::string& org) {
    return metrics.GetGauge("sevisflow_uploader_cert_expiry_days", "", {{"org", org}}).Value();
  };
  EXPECT_EQ(gauge("SOON214F0000000"), 20.0);
  EXPECT_EQ(gauge("LATE214F0000000"), 120.0);
  std::string text = metrics.Expose();
  EXPECT_THAT(text, HasSubstr("sevisflow_uploader_cert_expiry_days{org=\"SOON214F0000000\"} 20"));

  // Re-checked daily: not due within the day, due after it; 91 days on, the later one warns.
  EXPECT_FALSE(monitor.Due(now_ + std::chrono::hours(23)));
  EXPECT_TRUE(monitor.CheckIfDue(now_ + std::chrono::hours(23)).empty());
  EXPECT_TRUE(monitor.Due(now_ + Days(1)));
  auto day91 = monitor.CheckIfDue(now_ + Days(91));
  ASSERT_EQ(day91.size(), 2u);
  EXPECT_EQ(day91[0].org_id, "LATE214F0000000");
  EXPECT_EQ(day91[0].days, 29);
  EXPECT_EQ(day91[1].days, -71);  // expired while running: still reported, negative
  EXPECT_EQ(gauge("SOON214F0000000"), -71.0);

  // Between checks the gauges follow the clock (refreshed before each scrape).
  monitor.RefreshGauges(now_ + Days(100));
  EXPECT_EQ(gauge("LATE214F0000000"), 20.0);
}

TEST_F(CredentialsTest, WarningWindowIsConfigurable) {
  auto soon = Org("SOON214F0000000", Days(20) + std::chrono::hours(1));
  auto info = CheckOrgCredentials(soon, now_);
  ASSERT_TRUE(info.ok()) << info.status();
  common::MetricsRegistry metrics;
  CertExpiryMonitor narrow({{soon.org_id, info->not_after}}, 10, std::chrono::hours(24), metrics);
  EXPECT_TRUE(narrow.Check(now_).empty());
  EXPECT_EQ(narrow.Check(now_ + Days(10)).size(), 1u);
}

TEST_F(CredentialsTest, AppRefusesToStartWithABadOrg) {
  UploaderConfig config;
  config.service.xsd_dir = dir_ + "/no-xsd";  // never reached: credentials are checked first
  config.docstore_root = dir_ + "/docstore";
  config.endpoint = "https://127.0.0.1:1/sevisbatch/action/";
  auto good = Org("GOOD214F00000000", Days(100));
  auto bad = Org("BAD214F00000000", Days(100));
  bad.key_password = common::Secret("wrong-one");
  for (auto* o : {&good, &bad}) {
    o->endpoint = config.endpoint;
    o->upload_url = config.endpoint + "batchUpload";
    o->download_url = config.endpoint + "batchDownload";
    config.orgs.emplace(o->org_id, *o);
  }
  common::SystemClock clock;
  auto app = App::Create(config, clock);
  ASSERT_FALSE(app.ok());
  std::string msg(app.status().message());
  EXPECT_THAT(msg, HasSubstr("orgs.BAD214F00000000: wrong key password"));
  EXPECT_THAT(msg, Not(HasSubstr("GOOD214F00000000")));

  // An unreadable (missing) key file also names its org.
  config.orgs.erase("BAD214F00000000");
  config.orgs.at("GOOD214F00000000").key = dir_ + "/gone.key";
  auto missing = App::Create(config, clock);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("orgs.GOOD214F00000000: client key file not found"));
}

}  // namespace
}  // namespace sevisflow::uploader
