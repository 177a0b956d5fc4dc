#include "sim_config.h"

#include <gtest/gtest.h>

namespace sevisflow::sim {
namespace {

TEST(ParseOrgFlagTest, UsersAndDefaultCnIsTheOrgId) {
  auto org = ParseOrgFlag("ABC214F12345000:dso0000001,dso0000002");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->org_id, "ABC214F12345000");
  EXPECT_EQ(org->user_ids, (std::set<std::string>{"dso0000001", "dso0000002"}));
  EXPECT_EQ(org->cert_cns, (std::set<std::string>{"ABC214F12345000"}));
}

TEST(ParseOrgFlagTest, ExplicitCnList) {
  auto org = ParseOrgFlag("P-1-12345:rsp0000001:sponsor-a,sponsor-b");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->cert_cns, (std::set<std::string>{"sponsor-a", "sponsor-b"}));
}

TEST(ParseOrgFlagTest, MalformedFlagsAreRefused) {
  EXPECT_FALSE(ParseOrgFlag("ABC214F12345000").ok());
  EXPECT_FALSE(ParseOrgFlag("ABC214F12345000:").ok());
  EXPECT_FALSE(ParseOrgFlag(":dso0000001").ok());
  EXPECT_FALSE(ParseOrgFlag("A:b:c:d").ok());
}

TEST(ReadSimConfigTest, ReadsYamlWithOrgsAndEnvironmentOverride) {
  auto reader = common::ConfigReader::FromString(R"(
port: 8443
tls:
  cert: /tmp/server.pem
  key: /tmp/server.key
  client_ca: /tmp/ca.pem
data_dir: /tmp/sim-data
process_delay_seconds: 5
process_at: "02:30"
faults: '{"faults": [{"kind": "http500", "count": 2}]}'
orgs:
  ABC214F12345000:
    users: [dso0000001]
  XYZ214F99999000:
    users: [dso0000009]
    cert_cns: [other-cn]
)");
  ASSERT_TRUE(reader.ok()) << reader.status();
  reader->SetEnvironment({{"SEVISFLOW_XSD_DIR", "/opt/xsd"}});
  auto c = ReadSimConfig(*reader, "/default/xsd");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->xsd_dir, "/opt/xsd");
  EXPECT_EQ(c->process_delay_seconds, 5);
  EXPECT_EQ(c->process_at_minute_utc, 150);
  EXPECT_EQ(c->faults_json, R"({"faults": [{"kind": "http500", "count": 2}]})");
  ASSERT_EQ(c->orgs.size(), 2u);
  EXPECT_EQ(c->orgs.at("ABC214F12345000").cert_cns, (std::set<std::string>{"ABC214F12345000"}));
  EXPECT_EQ(c->orgs.at("XYZ214F99999000").cert_cns, (std::set<std::string>{"other-cn"}));
  EXPECT_TRUE(ValidateSimConfig(*c).ok());
}

TEST(ReadSimConfigTest, UnknownKeyStopsStartUp) {
  auto reader = common::ConfigReader::FromString("prot: 8443\n");
  ASSERT_TRUE(reader.ok());
  reader->SetEnvironment({});
  auto c = ReadSimConfig(*reader, "/default/xsd");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("prot"), std::string::npos) << c.status();
}

TEST(ReadSimConfigTest, BadProcessAtIsAnError) {
  for (const char* bad : {"2:30", "24:00", "12:60", "noon"}) {
    EXPECT_FALSE(ParseProcessAt(bad).ok()) << bad;
  }
  EXPECT_EQ(*ParseProcessAt("00:00"), 0);
  EXPECT_EQ(*ParseProcessAt("23:59"), 23 * 60 + 59);
  auto reader = common::ConfigReader::FromString("process_at: \"25:00\"\n");
  ASSERT_TRUE(reader.ok());
  reader->SetEnvironment({});
  auto c = ReadSimConfig(*reader, "/default/xsd");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("process_at"), std::string::npos) << c.status();
}

TEST(ValidateSimConfigTest, BadFaultsAreNamed) {
  SimConfig c;
  c.faults_json = R"({"faults": [{"kind": "meteor"}]})";
  absl::Status s = ValidateSimConfig(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unknown kind"), std::string::npos) << s;
}

TEST(ValidateSimConfigTest, MissingTlsDataDirAndOrgsAreNamed) {
  SimConfig c;
  c.xsd_dir = "/x";
  absl::Status s = ValidateSimConfig(c);
  ASSERT_FALSE(s.ok());
  const std::string m(s.message());
  EXPECT_NE(m.find("tls.cert"), std::string::npos) << m;
  EXPECT_NE(m.find("data_dir"), std::string::npos) << m;
  EXPECT_NE(m.find("no organisation"), std::string::npos) << m;
}

}  // namespace
}  // namespace sevisflow::sim
