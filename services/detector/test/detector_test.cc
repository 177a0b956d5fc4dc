// Unit tests of the detector's pure parts: payload parsing, config loading, the emitted-key
// forgetting, the 12-hour run warning, the daily schedule (fake clock), the CIP table file, and
// sis.supplemental records (checks and dead-letter reasons, the replay guard, the visa family).
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "services/detector/src/app.h"
#include "services/detector/src/cip_table.h"
#include "services/detector/src/detector.h"
#include "sevisflow/common/daily_schedule.h"

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

TEST(SnapshotVersionTest, ReadsTheVersionAsAFullParseWould) {
  v1::SisPersonSnapshot rich = Sample();
  rich.add_names()->set_last_name("Nguyen");
  rich.add_i20()->set_school_code("ABC214F12345000");
  rich.mutable_bio()->set_birth_country("VN");
  for (int64_t version : {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{1} << 40}) {
    rich.set_version(version);
    EXPECT_EQ(SnapshotVersion(rich.SerializeAsString()), version);
  }
  // Absent (proto3 zero) and empty bytes are version 0.
  v1::SisPersonSnapshot bare;
  bare.set_person_id("SIS0000042");
  EXPECT_EQ(SnapshotVersion(bare.SerializeAsString()), 0);
  EXPECT_EQ(SnapshotVersion(""), 0);
  // A field repeated on the wire: the last occurrence wins, as in ParseFromString.
  v1::SisPersonSnapshot later;
  later.set_version(9);
  const std::string twice = rich.SerializeAsString() + later.SerializeAsString();
  v1::SisPersonSnapshot parsed;
  ASSERT_TRUE(parsed.ParseFromString(twice));
  EXPECT_EQ(SnapshotVersion(twice), parsed.version());
  EXPECT_EQ(SnapshotVersion(twice), 9);
}

TEST(SnapshotVersionTest, MalformedBytesHaveNoVersion) {
  const std::string good = Sample().SerializeAsString();
  EXPECT_FALSE(SnapshotVersion(good.substr(0, good.size() - 3)).has_value());  // truncated
  EXPECT_FALSE(SnapshotVersion("\xff\xff\xff garbage").has_value());
}

TEST(RedisKeysTest, FollowArchitecture) {
  EXPECT_EQ(SnapshotKey("P1"), "sf:snap:P1");
  EXPECT_EQ(EmittedKey("P1"), "sf:emitted:P1");
  EXPECT_EQ(MasterKey("ORG", "P1"), "sf:master:ORG/P1");
  EXPECT_EQ(RunControlKey("ABC214F12345000"), "sf:runctl:ABC214F12345000");
  EXPECT_EQ(LastRunKey("ABC214F12345000"), "sf:lastrun:ABC214F12345000");
  EXPECT_EQ(ScheduledRunKey(*common::Date::Parse("2026-03-04")), "sf:scheduled-run:2026-03-04");
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

namespace sevisflow::detector {
namespace {

using namespace std::chrono_literals;

common::TimePoint At(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours(hh) +
         std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

rules::Detection Found(const std::string& key, const std::string& id) {
  rules::Detection d;
  d.emitted_key = key;
  d.alert.set_alert_id(id);
  return d;
}

// ---- "an alert is not re-emitted while an identical one is open" ----------------------------

TEST(StaleEmittedKeysTest, KeysNoLongerDetectedAreForgotten) {
  const std::map<std::string, std::string> emitted = {
      {"ORG1|EVENT_TYPE_REGISTRATION|", "aaa"},
      {"ORG1|EVENT_TYPE_PERSONAL_INFO|", "bbb"},
      {"ORG2|EVENT_TYPE_FINANCIAL_INFO|", "ccc"},
  };
  // Personal Info still holds (even with another id: PublishNew replaces it, not forgets it).
  const std::vector<rules::Detection> now = {Found("ORG1|EVENT_TYPE_PERSONAL_INFO|", "bbb2")};
  auto stale = StaleEmittedKeys(emitted, now, "");
  EXPECT_EQ(stale, (std::vector<std::pair<std::string, std::string>>{
                       {"ORG1|EVENT_TYPE_REGISTRATION|", "aaa"},
                       {"ORG2|EVENT_TYPE_FINANCIAL_INFO|", "ccc"}}));
}

TEST(StaleEmittedKeysTest, ARunForOneOrgForgetsOnlyThatOrgsKeys) {
  const std::map<std::string, std::string> emitted = {
      {"ORG1|EVENT_TYPE_REGISTRATION|", "aaa"},
      {"ORG10|EVENT_TYPE_REGISTRATION|", "ddd"},  // a prefix of another org is not that org
      {"ORG2|EVENT_TYPE_FINANCIAL_INFO|", "ccc"},
  };
  auto stale = StaleEmittedKeys(emitted, {}, "ORG1");
  EXPECT_EQ(stale, (std::vector<std::pair<std::string, std::string>>{
                       {"ORG1|EVENT_TYPE_REGISTRATION|", "aaa"}}));
  EXPECT_TRUE(StaleEmittedKeys(emitted, {}, "ORG3").empty());
}

TEST(StaleEmittedKeysTest, EverythingStillDetectedIsKept) {
  const std::map<std::string, std::string> emitted = {{"ORG1|EVENT_TYPE_DEPENDENT_ADD|D1", "a"},
                                                      {"ORG1|EVENT_TYPE_DEPENDENT_ADD|D2", "b"}};
  const std::vector<rules::Detection> now = {Found("ORG1|EVENT_TYPE_DEPENDENT_ADD|D1", "a"),
                                             Found("ORG1|EVENT_TYPE_DEPENDENT_ADD|D2", "b")};
  EXPECT_TRUE(StaleEmittedKeys(emitted, now, "").empty());
  EXPECT_TRUE(StaleEmittedKeys(emitted, now, "ORG1").empty());
  // The subject is part of the key: D2 gone -> only D2 forgotten.
  auto stale = StaleEmittedKeys(emitted, {now[0]}, "ORG1");
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].first, "ORG1|EVENT_TYPE_DEPENDENT_ADD|D2");
}

// ---- "A warning message appears if the SEVIS Alerts process has been run in the past 12 hours"

TEST(RecentRunWarningTest, WithinTwelveHoursWarns) {
  const auto previous = At(2026, 1, 15, 8, 0, 0);
  const std::string w = RecentRunWarning("ABC214F12345000", previous, At(2026, 1, 15, 19, 59, 59));
  EXPECT_EQ(w,
            "the SEVIS Alerts process ran for ABC214F12345000 at 2026-01-15T08:00:00.000Z, less "
            "than 12 hours ago");
  EXPECT_FALSE(RecentRunWarning("X", previous, previous).empty());
}

TEST(RecentRunWarningTest, TwelveHoursOrMoreIsSilent) {
  const auto previous = At(2026, 1, 15, 8, 0, 0);
  EXPECT_EQ(RecentRunWarning("X", previous, At(2026, 1, 15, 20, 0, 0)), "");
  EXPECT_EQ(RecentRunWarning("X", previous, At(2026, 1, 17, 8, 0, 0)), "");
}

TEST(RecentRunWarningTest, APreviousRunInTheFutureCountsAsRecent) {
  EXPECT_FALSE(
      RecentRunWarning("X", At(2026, 1, 15, 8, 0, 5), At(2026, 1, 15, 8, 0, 0)).empty());
}

// ---- detector.schedule.daily_at ---------------------------------------------------------------

TEST(CipTableTest, ParsesRowsWithNoAsEmpty) {
  auto table = ParseCipTable(
      "\xEF\xBB\xBF"
      "cip_code,valid_sevis_cip_code\r\n"
      "11.0701,11.0701\r\n"
      "\r\n"
      " 52.0201 , \r\n"
      "14.0901,14.0999\n",
      "cip.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(*table, (std::map<std::string, std::string>{
                        {"11.0701", "11.0701"}, {"52.0201", ""}, {"14.0901", "14.0999"}}));
}

void ExpectCipError(const std::string& text, const std::string& where, const std::string& what) {
  auto table = ParseCipTable(text, "cip.csv");
  ASSERT_FALSE(table.ok()) << text;
  const std::string message(table.status().message());
  EXPECT_EQ(message.rfind(where, 0), 0u) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

TEST(CipTableTest, BadFilesNameFileLineAndReason) {
  ExpectCipError("", "cip.csv:1:", "empty file");
  ExpectCipError("cip,valid\n11.0701,11.0701\n", "cip.csv:1:", "header");
  ExpectCipError("cip_code,valid_sevis_cip_code\n", "cip.csv:1:", "no rows");
  ExpectCipError("cip_code,valid_sevis_cip_code\n11.0701,11.0701\n11.0702\n", "cip.csv:3:",
                 "expected 2 fields");
  ExpectCipError("cip_code,valid_sevis_cip_code\n11.0701,11.0701,x\n", "cip.csv:2:",
                 "expected 2 fields");
  ExpectCipError("cip_code,valid_sevis_cip_code\n\n110701,11.0701\n", "cip.csv:3:",
                 "cip_code \"110701\"");
  ExpectCipError("cip_code,valid_sevis_cip_code\n11.0701,No\n", "cip.csv:2:",
                 "valid_sevis_cip_code \"No\"");
  ExpectCipError("cip_code,valid_sevis_cip_code\n11.0701,11.0701\n11.0701,\n", "cip.csv:3:",
                 "repeats line 2");
}

TEST(CipTableTest, MissingFileIsNotFound) {
  auto table = LoadCipTable("/nonexistent/cip.csv");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kNotFound);
}

// ---- config -----------------------------------------------------------------------------------

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

absl::StatusOr<AppConfig> Load(const std::string& yaml) {
  auto reader = common::ConfigReader::FromString(yaml);
  if (!reader.ok()) return reader.status();
  reader->SetEnvironment({});
  return LoadConfig(*reader);
}

TEST(LoadConfigTest, ReadsScheduleInstructionModesAndCipTable) {
  const std::string cip = WriteFile("good_cip.csv",
                                    "cip_code,valid_sevis_cip_code\n11.0701,11.0701\n52.0201,\n");
  auto config = Load("detector:\n  schedule: {daily_at: \"05:45\"}\n  setup:\n"
                     "    online_instruction_modes: [OL, HY]\n    cip_table_file: " +
                     cip + "\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->daily_at.has_value());
  EXPECT_EQ(*config->daily_at, std::chrono::minutes(5 * 60 + 45));
  EXPECT_EQ(config->setup.online_instruction_modes, (std::vector<std::string>{"OL", "HY"}));
  ASSERT_NE(config->setup.cip_table, nullptr);
  EXPECT_EQ(config->setup.cip_table->at("52.0201"), "");
  EXPECT_EQ(config->setup.cip_table->size(), 2u);
}

TEST(LoadConfigTest, DefaultsAreNoScheduleAndNoCipTable) {
  auto config = Load("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->daily_at.has_value());
  EXPECT_EQ(config->setup.cip_table, nullptr);
  EXPECT_TRUE(config->setup.online_instruction_modes.empty());
}

TEST(LoadConfigTest, BadDailyAtNamesTheKey) {
  auto config = Load("detector:\n  schedule:\n    daily_at: \"25:00\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string(config.status().message()).find("detector.schedule.daily_at"),
            std::string::npos)
      << config.status();
}

TEST(LoadConfigTest, BadCipTableFileStopsWithFileLineAndReason) {
  const std::string cip = WriteFile(
      "bad_cip.csv", "cip_code,valid_sevis_cip_code\n11.0701,11.0701\n11.07O1,11.0701\n");
  auto config = Load("detector:\n  setup:\n    cip_table_file: " + cip + "\n");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_NE(message.find("detector.setup.cip_table_file"), std::string::npos) << message;
  EXPECT_NE(message.find(cip + ":3:"), std::string::npos) << message;
  EXPECT_NE(message.find("11.07O1"), std::string::npos) << message;
}

TEST(LoadConfigTest, MissingCipTableFileIsAnError) {
  auto config = Load("detector:\n  setup:\n    cip_table_file: /nonexistent/cip.csv\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string(config.status().message()).find("/nonexistent/cip.csv"),
            std::string::npos);
}

TEST(LoadConfigTest, ScheduleFromEnvironment) {
  auto reader = common::ConfigReader::FromString("");
  ASSERT_TRUE(reader.ok());
  reader->SetEnvironment({{"SEVISFLOW_DETECTOR_SCHEDULE_DAILY_AT", "07:00"},
                          {"SEVISFLOW_DETECTOR_SETUP_ONLINE_INSTRUCTION_MODES", "OL,WW"}});
  auto config = LoadConfig(*reader);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(*config->daily_at, std::chrono::minutes(7 * 60));
  EXPECT_EQ(config->setup.online_instruction_modes, (std::vector<std::string>{"OL", "WW"}));
}

}  // namespace
}  // namespace sevisflow::detector

// ---- sis.supplemental: record checks, replay guard, family ---------------------------------

namespace sevisflow::detector {
namespace {

kafka::Message SupplementalMessage(const std::string& key, const v1::SupplementalData& data) {
  kafka::Message m;
  m.topic = "sis.supplemental";
  m.partition = 2;
  m.offset = 41;
  m.key = key;
  m.value = data.SerializeAsString();
  return m;
}

v1::SupplementalData GoodOverlay() {
  v1::SupplementalData o;
  o.set_org_id("ABC214F12345000");
  o.set_person_id("SIS0000042");
  auto* d = o.add_i20_dependents();
  d->set_dependent_id("D1");
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d->mutable_name()->set_last_name("Quispe");
  return o;
}

TEST(SupplementalKeysTest, FollowTheDetectorLayout) {
  EXPECT_EQ(SupplementalKey("P1"), "sf:supp:P1");
  EXPECT_EQ(std::string(kSupplementalOffsetsKey), "sf:supp-offsets");
}

TEST(ParseSupplementalRecordTest, AValidOverlay) {
  const SupplementalRecord r =
      ParseSupplementalRecord(SupplementalMessage("ABC214F12345000/SIS0000042", GoodOverlay()));
  EXPECT_EQ(r.dead_letter_reason, "");
  EXPECT_EQ(r.org, "ABC214F12345000");
  EXPECT_EQ(r.person, "SIS0000042");
  ASSERT_TRUE(r.data.has_value());
  EXPECT_EQ(r.data->i20_dependents(0).dependent_id(), "D1");
}

TEST(ParseSupplementalRecordTest, ATombstoneClears) {
  kafka::Message m = SupplementalMessage("P-1-12345/SIS0000042", {});
  m.value.clear();
  m.is_tombstone = true;
  const SupplementalRecord r = ParseSupplementalRecord(m);
  EXPECT_EQ(r.dead_letter_reason, "");
  EXPECT_EQ(r.org, "P-1-12345");
  EXPECT_EQ(r.person, "SIS0000042");
  EXPECT_FALSE(r.data.has_value());
  // An empty value (what kafka::Producer sends for a null one) clears as well.
  m.is_tombstone = false;
  const SupplementalRecord empty = ParseSupplementalRecord(m);
  EXPECT_EQ(empty.dead_letter_reason, "");
  EXPECT_EQ(empty.org, "P-1-12345");
  EXPECT_FALSE(empty.data.has_value());
}

TEST(ParseSupplementalRecordTest, BadRecordsAreDeadLetteredWithAReasonAndNoPersonalData) {
  struct Case {
    std::string name;
    kafka::Message message;
    std::string reason;
    std::string label;
  };
  std::vector<Case> cases;
  cases.push_back({"no slash", SupplementalMessage("SIS0000042", GoodOverlay()),
                   "record key is not <org_id>/<person_id>", "bad_key"});
  cases.push_back({"empty person", SupplementalMessage("ABC214F12345000/", GoodOverlay()),
                   "record key is not <org_id>/<person_id>", "bad_key"});
  kafka::Message tombstone_without_org = SupplementalMessage("/SIS0000042", {});
  tombstone_without_org.is_tombstone = true;
  cases.push_back({"tombstone without org", tombstone_without_org,
                   "record key is not <org_id>/<person_id>", "bad_key"});
  kafka::Message garbage = SupplementalMessage("ABC214F12345000/SIS0000042", {});
  garbage.value = std::string("\xff\xff\xff Quispe", 10);
  cases.push_back({"garbage", garbage, "not a SupplementalData in protobuf binary", "parse"});
  v1::SupplementalData duplicate = GoodOverlay();
  *duplicate.add_i20_dependents() = duplicate.i20_dependents(0);
  cases.push_back({"invalid", SupplementalMessage("ABC214F12345000/SIS0000042", duplicate),
                   "i20_dependents[1].dependent_id: duplicate", "invalid"});
  cases.push_back({"other person", SupplementalMessage("ABC214F12345000/SIS0000043", GoodOverlay()),
                   "record key differs from org_id/person_id", "key_mismatch"});
  cases.push_back({"other org", SupplementalMessage("XYZ214F12345000/SIS0000042", GoodOverlay()),
                   "record key differs from org_id/person_id", "key_mismatch"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const SupplementalRecord r = ParseSupplementalRecord(c.message);
    EXPECT_EQ(r.dead_letter_reason, c.reason);
    EXPECT_EQ(r.dead_letter_label, c.label);
    EXPECT_EQ(r.dead_letter_reason.find("Quispe"), std::string::npos);
    EXPECT_EQ(r.dead_letter_reason.find("SIS00000"), std::string::npos);
  }
}

TEST(SupplementalAppliedTest, OnlyOffsetsNotAfterTheLastOneHandled) {
  EXPECT_FALSE(SupplementalAlreadyApplied(std::nullopt, 0));
  EXPECT_TRUE(SupplementalAlreadyApplied(std::string("41"), 41));
  EXPECT_TRUE(SupplementalAlreadyApplied(std::string("41"), 0));
  EXPECT_FALSE(SupplementalAlreadyApplied(std::string("41"), 42));
  // An unreadable value is treated as none: the record is handled again.
  for (const char* bad : {"", "garbage", "4x", "-", " 41"}) {
    EXPECT_FALSE(SupplementalAlreadyApplied(std::string(bad), 3)) << bad;
  }
}

TEST(PersonVisaFamilyTest, TheRulesSelectionDecides) {
  v1::SisPersonSnapshot s;
  s.set_person_id("SIS0000042");
  EXPECT_EQ(PersonVisaFamily(s, "ABC214F12345000"), v1::VISA_FAMILY_UNSPECIFIED);
  s.add_port_of_entry()->set_immigration_status("01");
  EXPECT_EQ(PersonVisaFamily(s, "ABC214F12345000"), v1::VISA_FAMILY_FM);
  s.mutable_port_of_entry(0)->set_immigration_status("02");
  EXPECT_EQ(PersonVisaFamily(s, "ABC214F12345000"), v1::VISA_FAMILY_FM);
  s.mutable_port_of_entry(0)->set_immigration_status("03");
  EXPECT_EQ(PersonVisaFamily(s, "P-1-12345"), v1::VISA_FAMILY_J);
  // Blank status: the Visa/Permit page; with both visas the org's form decides.
  s.mutable_port_of_entry(0)->set_immigration_status("");
  auto* j1 = s.add_visas();
  j1->set_visa_type("03");
  j1->set_country("USA");
  EXPECT_EQ(PersonVisaFamily(s, "P-1-12345"), v1::VISA_FAMILY_J);
  s.add_visas()->set_visa_type("01");
  EXPECT_EQ(PersonVisaFamily(s, "P-1-12345"), v1::VISA_FAMILY_FM);
  s.add_ds2019()->set_program_number(" P-1-12345 ");
  EXPECT_EQ(PersonVisaFamily(s, "P-1-12345"), v1::VISA_FAMILY_J);
  EXPECT_EQ(PersonVisaFamily(s, "ABC214F12345000"), v1::VISA_FAMILY_FM);
}

}  // namespace
}  // namespace sevisflow::detector
