// The detector against a real Apache Kafka broker and a real redis-server: snapshots (JSON and
// binary) in, Create Student alerts out, garbage dead-lettered, republished snapshots silent,
// a SEVIS Master row suppressing Create Student; run control stored on sevis.runcontrol and
// rebuilt into Redis from it; RunAlerts and its 12-hour warning; Registration only once a run
// control names the current term; emitted keys forgotten when the condition goes; sevisctl
// alerts run / runctl get|set against the running service; the daily schedule (fake clock)
// taken by one replica; DSO supplemental data (sis.supplemental) merged before detection,
// surviving newer snapshots, cleared, dead-lettered, not replayed on restart. Synthetic people
// only.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "services/detector/src/app.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/redis/packed.h"
#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/run_control.pb.h"

namespace sevisflow {
namespace {

using namespace std::chrono_literals;

constexpr char kOrg[] = "ABC214F12345000";

v1::SisPersonSnapshot Student(const std::string& person_id, const std::string& visa,
                              int64_t version) {
  v1::SisPersonSnapshot s;
  s.set_person_id(person_id);
  s.set_version(version);
  auto* n = s.add_names();
  n->set_name_type("PRI");
  n->set_last_name("D\u0105browska");
  n->set_first_name("Zo\u00eb");
  auto* bio = s.mutable_bio();
  bio->set_birth_date("2002-02-02");
  bio->set_gender("F");
  bio->set_birth_country("PL");
  bio->set_citizenship_country("PL");
  s.add_port_of_entry()->set_immigration_status(visa);
  auto* home = s.add_addresses();
  home->set_address_type("HOME");
  home->mutable_address()->set_line1("1 Main Road");
  home->mutable_address()->set_country("PL");
  auto* i20 = s.add_i20();
  i20->set_effective_date("2025-05-01");
  i20->set_effective_status(v1::FORM_STATUS_ACTIVE);
  i20->set_funding_verified(true);
  i20->set_school_code(kOrg);
  i20->set_issue_reason("I");
  i20->set_level_of_education("04");
  i20->set_from_date("2025-08-20");
  i20->set_to_date("2027-05-15");
  i20->set_months_in_academic_term(9);
  i20->set_tuition(20000);
  i20->set_living_expenses(12000);
  i20->set_personal_funds(32000);
  auto* plan = s.add_plans();
  plan->set_sequence(10);
  plan->set_plan_type("MAJ");
  plan->set_plan("CSCI");
  plan->set_cip_code("11.0701");
  plan->set_active(true);
  return s;
}

std::string Json(const v1::SisPersonSnapshot& s) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(s, &out).ok());
  return out;
}

class DetectorIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new testing::KafkaBroker({.name = "detector-kafka"});
    absl::Status started = broker_->Start();
    ASSERT_TRUE(started.ok()) << started;
    auto redis = testing::RedisServer::Start("detector-redis");
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = redis->release();
    absl::Status topics =
        kafka::EnsureTopics(broker_->bootstrap(), kafka::DefaultTopics(3), 60s);
    ASSERT_TRUE(topics.ok()) << topics;
  }
  static void TearDownTestSuite() {
    delete redis_server_;
    delete broker_;
  }

  void SetUp() override {
    StartApp();

    kafka::ProducerOptions p;
    p.brokers = broker_->bootstrap();
    auto producer = kafka::Producer::Create(p);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);

    redis::ClientOptions r;
    r.host = redis_server_->host();
    r.port = redis_server_->port();
    auto client = redis::Client::Create(r);
    ASSERT_TRUE(client.ok());
    redis_ = std::move(*client);
  }

  void StartApp(const std::function<void(detector::AppConfig&)>& tweak = {}) {
    detector::AppConfig config;
    config.service.kafka_brokers = broker_->bootstrap();
    config.service.redis_host = redis_server_->host();
    config.service.redis_port = redis_server_->port();
    config.service.grpc_listen = "127.0.0.1:0";
    config.service.metrics_port = 0;
    config.code_tables = testing::XsdDir() + "/6.55/SEVISTable.xsd";
    if (tweak) tweak(config);
    auto app = detector::App::Create(config, clock_);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = std::move(*app);
    absl::Status started = app_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  void RestartApp() {
    app_->Stop();
    app_.reset();
    StartApp();
  }

  std::unique_ptr<v1::DetectorService::Stub> Stub() {
    return v1::DetectorService::NewStub(
        rpc::Dial("127.0.0.1:" + std::to_string(app_->grpc_port())));
  }

  grpc::Status SetRunControl(const v1::RunControl& rc, const std::string& user,
                             v1::SetRunControlResponse* response) {
    grpc::ClientContext ctx;
    if (!user.empty()) rpc::SetCaller(ctx, user);
    v1::SetRunControlRequest req;
    *req.mutable_run_control() = rc;
    return Stub()->SetRunControl(&ctx, req, response);
  }

  v1::RunAlertsResponse RunAlerts(const std::string& org) {
    grpc::ClientContext ctx;
    v1::RunAlertsRequest req;
    req.set_org_id(org);
    v1::RunAlertsResponse resp;
    grpc::Status status = Stub()->RunAlerts(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp;
  }

  void TearDown() override {
    if (app_) app_->Stop();
  }

  std::unique_ptr<kafka::Consumer> Reader(const std::string& topic) {
    kafka::ConsumerOptions o;
    o.brokers = broker_->bootstrap();
    o.group_id = "detector-it-" + topic;
    o.topics = {topic};
    auto c = kafka::Consumer::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Reads until `want` records arrived or `timeout` passed; returns what was read.
  static std::vector<kafka::Message> ReadN(kafka::Consumer& c, size_t want,
                                           std::chrono::milliseconds timeout) {
    std::vector<kafka::Message> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
      auto batch = c.Poll(100, 500ms);
      if (!batch.ok()) break;
      for (auto& m : *batch) out.push_back(std::move(m));
    }
    return out;
  }

  double Consumed(const std::string& topic) {
    return app_->metrics()
        .GetCounter("sevisflow_detector_messages_consumed_total", "Records consumed",
                    {{"topic", topic}})
        .Value();
  }

  // sis.supplemental records handled by the running app, by outcome (set, cleared,
  // dead_lettered, replayed).
  double SupplementalCount(const std::string& result) {
    return app_->metrics()
        .GetCounter("sevisflow_detector_supplemental_total",
                    "sis.supplemental records by outcome (set, cleared, dead_lettered, replayed)",
                    {{"result", result}})
        .Value();
  }

  // Waits until the detector has consumed `n` records of `topic` in total.
  bool WaitConsumed(const std::string& topic, double n) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Consumed(topic) >= n) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  void Publish(const std::string& topic, const std::string& key, const std::string& value) {
    absl::Status s = producer_->Send(topic, key, value);
    ASSERT_TRUE(s.ok()) << s;
  }

  static testing::KafkaBroker* broker_;
  static testing::RedisServer* redis_server_;
  common::FakeClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};
  std::unique_ptr<detector::App> app_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<redis::Client> redis_;
};

testing::KafkaBroker* DetectorIntegrationTest::broker_ = nullptr;
testing::RedisServer* DetectorIntegrationTest::redis_server_ = nullptr;

TEST_F(DetectorIntegrationTest, CreateStudentEndToEnd) {
  auto alerts = Reader(kafka::kSevisAlerts);
  auto dlq = Reader(kafka::kSisPersonDlq);
  ASSERT_NE(alerts, nullptr);
  ASSERT_NE(dlq, nullptr);

  const v1::SisPersonSnapshot p1 = Student("SIS9000001", "01", 1);
  const v1::SisPersonSnapshot p2 = Student("SIS9000002", "01", 1);
  const v1::SisPersonSnapshot p3 = Student("SIS9000003", "02", 1);  // M-1
  auto publish_three = [&] {
    Publish(kafka::kSisPerson, p1.person_id(), "  " + Json(p1));  // JSON
    Publish(kafka::kSisPerson, p2.person_id(), p2.SerializeAsString());
    Publish(kafka::kSisPerson, p3.person_id(), p3.SerializeAsString());
  };
  publish_three();
  Publish(kafka::kSisPerson, "SIS9000099", std::string("\xff\x01not a snapshot", 16));

  // Three Create Student alerts, keyed by org.
  std::vector<kafka::Message> got = ReadN(*alerts, 3, 90s);
  ASSERT_EQ(got.size(), 3u);
  std::map<std::string, v1::Alert> by_person;
  for (const auto& m : got) {
    v1::Alert a;
    ASSERT_TRUE(a.ParseFromString(m.value));
    EXPECT_EQ(m.key, kOrg);
    EXPECT_EQ(a.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
    EXPECT_EQ(a.alert_id().size(), 20u);
    EXPECT_EQ(a.detected_at().rfind("2026-01-15T", 0), 0u) << a.detected_at();
    EXPECT_EQ(a.create_student().last_name(), "Dabrowska");
    EXPECT_EQ(a.create_student().first_name(), "Zoe");
    EXPECT_EQ(a.issues_size(), 0) << a.issues(0).code();
    by_person[a.person_id()] = a;
  }
  ASSERT_EQ(by_person.size(), 3u);
  EXPECT_EQ(by_person["SIS9000001"].create_student().visa_type(), "01");
  EXPECT_EQ(by_person["SIS9000003"].create_student().visa_type(), "02");

  // The garbage record is dead-lettered with its reason.
  std::vector<kafka::Message> dead = ReadN(*dlq, 1, 60s);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "SIS9000099");
  auto reason = dead[0].Header(kafka::kErrorHeader);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("SisPersonSnapshot"), std::string::npos) << *reason;
  EXPECT_TRUE(dead[0].Header(kafka::kSourceHeader).has_value());
  EXPECT_TRUE(WaitConsumed(kafka::kSisPerson, 4));

  // The same three again: nothing new.
  publish_three();
  ASSERT_TRUE(WaitConsumed(kafka::kSisPerson, 7));
  EXPECT_TRUE(ReadN(*alerts, 1, 3s).empty());

  // SEVIS now holds SIS9000002 at this school: a changed snapshot gives no Create Student.
  v1::MasterRecord master;
  master.set_org_id(kOrg);
  master.set_person_id(p2.person_id());
  master.set_sevis_id("N0000000002");
  master.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  Publish(kafka::kSevisMaster, std::string(kOrg) + "/" + p2.person_id(),
          master.SerializeAsString());
  ASSERT_TRUE(WaitConsumed(kafka::kSevisMaster, 1));
  auto stored = redis_->Get(detector::MasterKey(kOrg, p2.person_id()));
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->has_value());

  v1::SisPersonSnapshot p2_changed = Student("SIS9000002", "01", 2);
  p2_changed.mutable_i20(0)->set_tuition(25000);
  Publish(kafka::kSisPerson, p2_changed.person_id(), p2_changed.SerializeAsString());
  // Control: a changed snapshot of a person SEVIS does not know yet does give a new alert.
  v1::SisPersonSnapshot p1_changed = Student("SIS9000001", "01", 2);
  p1_changed.mutable_i20(0)->set_tuition(25000);
  Publish(kafka::kSisPerson, p1_changed.person_id(), p1_changed.SerializeAsString());
  // An older version than the stored one is ignored.
  Publish(kafka::kSisPerson, p3.person_id(), Student("SIS9000003", "01", 0).SerializeAsString());
  ASSERT_TRUE(WaitConsumed(kafka::kSisPerson, 10));
  // SIS9000002 may now get update events against its (bare) master row, never Create Student.
  std::vector<kafka::Message> after = ReadN(*alerts, 100, 5s);
  std::vector<v1::Alert> creates;
  for (const auto& m : after) {
    v1::Alert a;
    ASSERT_TRUE(a.ParseFromString(m.value));
    if (a.event_type() == v1::EVENT_TYPE_CREATE_STUDENT) {
      creates.push_back(a);
    } else {
      EXPECT_EQ(a.person_id(), "SIS9000002") << v1::EventType_Name(a.event_type());
      EXPECT_EQ(a.sevis_id(), "N0000000002");
    }
  }
  ASSERT_EQ(creates.size(), 1u);
  const v1::Alert& changed = creates[0];
  EXPECT_EQ(changed.person_id(), "SIS9000001");
  EXPECT_NE(changed.alert_id(), by_person["SIS9000001"].alert_id());
  EXPECT_EQ(changed.create_student().tuition(), 25000);

  // gRPC Explain: the rules on one stored person, nothing published.
  auto stub = v1::DetectorService::NewStub(
      rpc::Dial("127.0.0.1:" + std::to_string(app_->grpc_port())));
  {
    grpc::ClientContext ctx;
    v1::ExplainRequest req;
    req.set_person_id("SIS9000002");
    v1::ExplainResponse resp;
    ASSERT_TRUE(stub->Explain(&ctx, req, &resp).ok());
    EXPECT_TRUE(resp.found());
    for (const auto& a : resp.alerts()) {
      EXPECT_NE(a.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
      EXPECT_EQ(a.sevis_id(), "N0000000002");
    }
  }
  {
    grpc::ClientContext ctx;
    v1::ExplainRequest req;
    req.set_person_id("SIS9000003");
    v1::ExplainResponse resp;
    ASSERT_TRUE(stub->Explain(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.alerts_size(), 1);
    EXPECT_EQ(resp.alerts(0).create_student().visa_type(), "02");  // the older v0 was ignored
  }
  {
    grpc::ClientContext ctx;
    v1::RunAlertsRequest req;
    req.set_org_id(kOrg);
    v1::RunAlertsResponse resp;
    ASSERT_TRUE(stub->RunAlerts(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.persons(), 3);
    EXPECT_EQ(resp.alerts(), 0);  // everything was already emitted
  }
  EXPECT_TRUE(ReadN(*alerts, 1, 2s).empty());

  // Metrics are exposed (no personal data in them).
  const std::string exposed = app_->metrics().Expose();
  EXPECT_NE(exposed.find("sevisflow_detector_alerts_emitted_total"), std::string::npos);
  EXPECT_NE(exposed.find("sevisflow_detector_dlq_total"), std::string::npos);
  EXPECT_EQ(exposed.find("SIS9000001"), std::string::npos);
}


// A backlog is handled a polled batch at a time (HandleSnapshotBatch): one alert per person,
// the newest snapshot of a person wins even when an older one follows it in the same batch, bad
// records of the batch are dead-lettered, and every record is consumed once.
TEST_F(DetectorIntegrationTest, ABacklogIsHandledInBatchesWithNothingLostOrDoubled) {
  constexpr char kBatchOrg[] = "PQR214F44444000";
  constexpr int kPersons = 300;
  auto alerts = Reader(kafka::kSevisAlerts);
  auto dlq = Reader(kafka::kSisPersonDlq);
  ASSERT_NE(alerts, nullptr);
  ASSERT_NE(dlq, nullptr);
  app_->Stop();  // the backlog builds up while the detector is down

  auto person = [&](int i, int64_t version, int64_t tuition) {
    v1::SisPersonSnapshot s = Student("SIS80" + std::to_string(10000 + i), "01", version);
    s.mutable_i20(0)->set_school_code(kBatchOrg);
    s.mutable_i20(0)->set_tuition(tuition);
    return s;
  };
  std::vector<kafka::OutgoingMessage> backlog;
  auto add = [&](const std::string& key, const std::string& value) {
    backlog.push_back({kafka::kSisPerson, key, value, {}});
  };
  for (int i = 0; i < kPersons; ++i) {
    const v1::SisPersonSnapshot s = person(i, 1, 20000);
    add(s.person_id(), s.SerializeAsString());
  }
  // Person 7: version 3 (tuition 23000), then a late version 2 (22000) right after it.
  const v1::SisPersonSnapshot v3 = person(7, 3, 23000);
  add(v3.person_id(), v3.SerializeAsString());
  add(v3.person_id(), person(7, 2, 22000).SerializeAsString());
  add("SIS8099999", "{not json");                                      // parse
  add("SIS8099998", person(8, 1, 20000).SerializeAsString());          // key mismatch
  ASSERT_TRUE(producer_->SendAll(backlog).ok());
  StartApp();
  const double total = static_cast<double>(backlog.size());
  ASSERT_TRUE(WaitConsumed(kafka::kSisPerson, total)) << Consumed(kafka::kSisPerson);

  // The reader's group starts at the topic's beginning: other tests' alerts are skipped.
  std::map<std::string, std::vector<v1::Alert>> creates;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  auto quiet_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline &&
         (creates.size() < static_cast<size_t>(kPersons) ||
          std::chrono::steady_clock::now() - quiet_since < 2s)) {
    auto batch = alerts->Poll(500, 200ms);
    ASSERT_TRUE(batch.ok());
    for (const kafka::Message& m : *batch) {
      v1::Alert a;
      ASSERT_TRUE(a.ParseFromString(m.value));
      if (a.org_id() != kBatchOrg) continue;
      ASSERT_EQ(a.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
      creates[a.person_id()].push_back(a);
      quiet_since = std::chrono::steady_clock::now();
    }
  }
  ASSERT_EQ(creates.size(), static_cast<size_t>(kPersons));
  for (const auto& [id, list] : creates) {
    // Person 7 may get one alert for version 1 when its records fell into two batches.
    if (id == v3.person_id()) continue;
    EXPECT_EQ(list.size(), 1u) << "person index " << id.substr(4);
  }
  const std::vector<v1::Alert>& seventh = creates[v3.person_id()];
  EXPECT_EQ(seventh.back().create_student().tuition(), 23000);
  for (const v1::Alert& a : seventh) EXPECT_NE(a.create_student().tuition(), 22000);
  auto stored = redis_->Get(detector::SnapshotKey(v3.person_id()));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  auto unpacked = redis::Unpack(**stored);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status();
  v1::SisPersonSnapshot kept;
  ASSERT_TRUE(kept.ParseFromString(*unpacked));
  EXPECT_EQ(kept.version(), 3);
  for (int i : {0, 150, kPersons - 1}) {
    auto emitted = redis_->HGetAll(detector::EmittedKey(person(i, 1, 0).person_id()));
    ASSERT_TRUE(emitted.ok());
    EXPECT_EQ(emitted->size(), 1u);
  }

  std::set<std::string> dead_keys;
  for (const kafka::Message& m : ReadN(*dlq, 100, 5s)) {
    if (m.key.rfind("SIS80", 0) == 0) dead_keys.insert(m.key);
  }
  EXPECT_EQ(dead_keys, (std::set<std::string>{"SIS8099998", "SIS8099999"}));
  EXPECT_EQ(Consumed(kafka::kSisPerson), total);

  // A sweep of the org (a SCAN page at a time) finds every person and publishes nothing new.
  const v1::RunAlertsResponse run = RunAlerts(kBatchOrg);
  EXPECT_EQ(run.persons(), kPersons);
  EXPECT_EQ(run.alerts(), 0);
  for (const kafka::Message& m : ReadN(*alerts, 1, 2s)) {
    v1::Alert a;
    ASSERT_TRUE(a.ParseFromString(m.value));
    EXPECT_NE(a.org_id(), kBatchOrg);
  }
}

// Views written before values were packed (plain protobuf) are read as they are, and the master
// row is found from the snapshot's form rows (no per-person set of orgs).
TEST_F(DetectorIntegrationTest, PlainValuesStoredBeforePackingAreStillRead) {
  constexpr char kPlainOrg[] = "STU214F55555000";
  v1::SisPersonSnapshot s = Student("SIS8200001", "01", 4);
  s.mutable_i20(0)->set_school_code(kPlainOrg);
  ASSERT_TRUE(redis_->Set(detector::SnapshotKey(s.person_id()), s.SerializeAsString()).ok());
  auto stub = Stub();
  auto explain = [&] {
    grpc::ClientContext ctx;
    v1::ExplainRequest req;
    req.set_person_id(s.person_id());
    v1::ExplainResponse resp;
    EXPECT_TRUE(stub->Explain(&ctx, req, &resp).ok());
    return resp;
  };
  v1::ExplainResponse before = explain();
  ASSERT_TRUE(before.found());
  ASSERT_EQ(before.alerts_size(), 1);
  EXPECT_EQ(before.alerts(0).event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
  EXPECT_EQ(before.alerts(0).create_student().tuition(), 20000);

  v1::MasterRecord master;
  master.set_org_id(kPlainOrg);
  master.set_person_id(s.person_id());
  master.set_sevis_id("N0000082001");
  master.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  ASSERT_TRUE(
      redis_->Set(detector::MasterKey(kPlainOrg, s.person_id()), master.SerializeAsString()).ok());
  const v1::ExplainResponse after = explain();
  ASSERT_TRUE(after.found());
  for (const v1::Alert& a : after.alerts()) {
    EXPECT_NE(a.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
    EXPECT_EQ(a.sevis_id(), "N0000082001");
  }
}

// ---- Run control, RunAlerts, Registration --------------------------------------------------

// Each test uses its own organisation: Redis and the topics are shared by the whole suite.
constexpr char kRcOrg[] = "DEF214F54321000";
constexpr char kRunOrg[] = "GHI214F11111000";
constexpr char kRegOrg[] = "JKL214F22222000";
constexpr char kCliOrg[] = "MNO214F33333000";

// "Academic Information Selection" for UNIV1/GRAD: fall 2026 current, as-of 2026-09-01.
v1::RunControl FallRunControl(const std::string& org) {
  v1::RunControl rc;
  rc.set_org_id(org);
  rc.set_visa_family(v1::VISA_FAMILY_FM);
  rc.set_validate_cip(false);
  rc.set_complete_after_days_f(30);
  rc.set_complete_after_days_m(15);
  auto* t = rc.add_terms();
  t->set_institution("UNIV1");
  t->set_career("GRAD");
  t->set_current_term("2026FA");
  t->set_current_term_begin_date("2026-08-20");
  t->set_current_term_end_date("2026-12-15");
  t->set_next_term("2027SP");
  t->set_next_term_begin_date("2027-01-12");
  t->set_as_of_date("2026-09-01");
  return rc;
}

// An F-1 student of `org` enrolled full time (3 x 3 units, status "E") in UNIV1/GRAD 2026FA,
// as the SIS publishes it (protobuf JSON).
std::string RegisteredStudentJson(const std::string& person, const std::string& org,
                                  int version) {
  return R"({
  "person_id": ")" + person + R"(", "version": ")" + std::to_string(version) + R"(",
  "names": [{"name_type": "PRI", "last_name": "Quispe", "first_name": "Rosa"}],
  "bio": {"birth_date": "2003-04-05", "gender": "F", "birth_city": "Lima",
          "birth_country": "PE", "citizenship_country": "PE",
          "preferred_email": "student9@example.edu"},
  "port_of_entry": [{"immigration_status": "01"}],
  "addresses": [
    {"address_type": "LOCL", "address": {"line1": "12 College Ave", "city": "Springfield",
                                         "state": "IL", "postal_code": "62701"}},
    {"address_type": "HOME", "address": {"line1": "Av. Siempre Viva 742", "city": "Lima",
                                         "country": "PE"}}],
  "i20": [{"effective_date": "2026-01-10", "effective_status": "FORM_STATUS_ACTIVE",
           "funding_verified": true, "school_code": ")" + org + R"(", "institution": "UNIV1",
           "career": "GRAD", "academic_program": "CSCI-MS", "issue_reason": "I",
           "level_of_education": "04", "from_date": "2026-08-20", "to_date": "2028-05-15",
           "english_proficiency_required": true, "english_proficiency_met": true,
           "months_in_academic_term": 9, "tuition": "30000", "living_expenses": "15000",
           "personal_funds": "45000", "min_full_time_units": 9}],
  "enrollment": [
    {"institution": "UNIV1", "career": "GRAD", "term": "2026FA", "class_number": "1001",
     "instruction_mode": "P", "units_taken": 3, "status": "E"},
    {"institution": "UNIV1", "career": "GRAD", "term": "2026FA", "class_number": "1002",
     "instruction_mode": "P", "units_taken": 3, "status": "E"},
    {"institution": "UNIV1", "career": "GRAD", "term": "2026FA", "class_number": "1003",
     "instruction_mode": "P", "units_taken": 3, "status": "E"}],
  "plans": [{"sequence": 10, "plan_type": "MAJ", "plan": "CSCI-MS", "cip_code": "11.0701",
             "active": true}]
})";
}

// What SEVIS holds for that student: ACTIVE, values as reported, no registration yet.
v1::MasterRecord ActiveMaster(const std::string& person, const std::string& org) {
  v1::MasterRecord m;
  m.set_org_id(org);
  m.set_person_id(person);
  m.set_sevis_id("N0009100001");
  m.set_visa_family(v1::VISA_FAMILY_FM);
  m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  m.set_visa_type("01");
  m.set_last_name("Quispe");
  m.set_first_name("Rosa");
  m.set_birth_date("2003-04-05");
  m.set_gender("F");
  m.set_birth_country("PE");
  m.set_citizenship_country("PE");
  m.set_email("student9@example.edu");
  auto* us = m.mutable_us_address();
  us->set_line1("12 College Ave");
  us->set_city("Springfield");
  us->set_state("IL");
  us->set_postal_code("62701");
  auto* home = m.mutable_foreign_address();
  home->set_line1("Av. Siempre Viva 742");
  home->set_city("Lima");
  home->set_country("PE");
  m.set_level_of_education("04");
  m.set_program_start_date("2026-08-20");
  m.set_program_end_date("2028-05-15");
  m.set_original_program_end_date("2028-05-15");
  m.set_english_proficiency_required(true);
  m.set_english_proficiency_met(true);
  m.set_primary_major("11.0701");
  m.set_secondary_major("00.0000");
  m.set_minor("00.0000");
  auto* program = m.add_programs();
  program->set_status("ACTIVE");
  program->set_effective_date("2026-01-10");
  program->set_level_of_education("04");
  program->set_from_date("2026-08-20");
  program->set_to_date("2028-05-15");
  m.set_months_in_academic_term(9);
  m.set_tuition(30000);
  m.set_living_expenses(15000);
  m.set_personal_funds(45000);
  m.set_registration_term("");  // blank: no Registration reported yet
  m.set_effective_date("2026-09-01");
  return m;
}

// Reads `consumer` until an alert of `person` and `event` arrives (others are skipped).
std::optional<v1::Alert> WaitForAlert(kafka::Consumer& consumer, const std::string& person,
                                      v1::EventType event, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto batch = consumer.Poll(100, 500ms);
    if (!batch.ok()) return std::nullopt;
    for (const auto& m : *batch) {
      v1::Alert a;
      if (a.ParseFromString(m.value) && a.person_id() == person && a.event_type() == event) {
        return a;
      }
    }
  }
  return std::nullopt;
}

TEST_F(DetectorIntegrationTest, RunControlIsStoredOnTheTopicAndRebuiltIntoRedis) {
  auto topic = Reader(kafka::kSevisRunControl);
  ASSERT_NE(topic, nullptr);

  // Set over gRPC: stamped with the caller and the clock.
  v1::SetRunControlResponse set;
  grpc::Status status = SetRunControl(FallRunControl(kRcOrg), "DSO0000001", &set);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(set.run_control().org_id(), kRcOrg);
  EXPECT_EQ(set.run_control().updated_by(), "DSO0000001");
  EXPECT_EQ(set.run_control().updated_at().rfind("2026-01-15T", 0), 0u)
      << set.run_control().updated_at();
  EXPECT_EQ(set.run_control().terms(0).as_of_date(), "2026-09-01");

  // The record is on sevis.runcontrol, keyed by org, protobuf binary.
  std::optional<v1::RunControl> on_topic;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!on_topic && std::chrono::steady_clock::now() < deadline) {
    for (const auto& m : ReadN(*topic, 1, 2s)) {
      v1::RunControl rc;
      if (m.key == kRcOrg && rc.ParseFromString(m.value)) on_topic = rc;
    }
  }
  ASSERT_TRUE(on_topic.has_value());
  EXPECT_EQ(on_topic->SerializeAsString(), set.run_control().SerializeAsString());

  auto get = [&](const std::string& org) {
    grpc::ClientContext ctx;
    v1::GetRunControlRequest req;
    req.set_org_id(org);
    v1::GetRunControlResponse resp;
    grpc::Status s = Stub()->GetRunControl(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  };
  v1::GetRunControlResponse got = get(kRcOrg);
  EXPECT_TRUE(got.found());
  EXPECT_EQ(got.run_control().SerializeAsString(), set.run_control().SerializeAsString());
  EXPECT_FALSE(get("ZZZ214F00000000").found());

  // Without a caller identity: refused.
  {
    v1::SetRunControlResponse resp;
    grpc::Status s = SetRunControl(FallRunControl(kRcOrg), "", &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  }
  // Invalid: refused with the field named, and nothing stored.
  {
    v1::RunControl bad = FallRunControl("PQR214F44444000");
    bad.set_complete_after_days_f(61);  // "The number can be between 0 and 60."
    v1::SetRunControlResponse resp;
    grpc::Status s = SetRunControl(bad, "DSO0000001", &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("complete_after_days_f"), std::string::npos)
        << s.error_message();
    EXPECT_FALSE(get("PQR214F44444000").found());
  }
  {
    v1::RunControl bad = FallRunControl("");
    v1::SetRunControlResponse resp;
    grpc::Status s = SetRunControl(bad, "DSO0000001", &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("org_id"), std::string::npos) << s.error_message();
  }

  // Redis is a view: delete it, restart, and the detector rebuilds it from the topic.
  ASSERT_TRUE(redis_->Del({detector::RunControlKey(kRcOrg)}).ok());
  RestartApp();
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto v = redis_->Get(detector::RunControlKey(kRcOrg));
        return v.ok() && v->has_value();
      },
      60s));
  got = get(kRcOrg);
  EXPECT_TRUE(got.found());
  EXPECT_EQ(got.run_control().SerializeAsString(), set.run_control().SerializeAsString());
}

TEST_F(DetectorIntegrationTest, RunAlertsTwiceWithinTwelveHoursWarns) {
  const v1::SisPersonSnapshot p = [] {
    v1::SisPersonSnapshot s = Student("SIS9200001", "01", 1);
    s.mutable_i20(0)->set_school_code(kRunOrg);
    return s;
  }();
  Publish(kafka::kSisPerson, p.person_id(), p.SerializeAsString());
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto v = redis_->Get(detector::SnapshotKey(p.person_id()));
        return v.ok() && v->has_value();
      },
      60s));

  v1::RunAlertsResponse first = RunAlerts(kRunOrg);
  EXPECT_EQ(first.persons(), 1);
  EXPECT_EQ(first.warning(), "");
  EXPECT_EQ(first.previous_run_at(), "");
  auto stored = redis_->Get(detector::LastRunKey(kRunOrg));
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(stored->value().rfind("2026-01-15T", 0), 0u) << stored->value();

  clock_.Advance(std::chrono::hours(11));
  v1::RunAlertsResponse second = RunAlerts(kRunOrg);
  EXPECT_EQ(second.persons(), 1);
  EXPECT_EQ(second.previous_run_at(), stored->value());
  EXPECT_NE(second.warning().find(kRunOrg), std::string::npos) << second.warning();
  EXPECT_NE(second.warning().find("less than 12 hours ago"), std::string::npos)
      << second.warning();
  EXPECT_NE(second.warning().find(stored->value()), std::string::npos) << second.warning();

  // Another organisation's run is not this one's.
  EXPECT_EQ(RunAlerts("STU214F55555000").warning(), "");

  clock_.Advance(std::chrono::hours(12));
  v1::RunAlertsResponse third = RunAlerts(kRunOrg);
  EXPECT_EQ(third.warning(), "");
  EXPECT_FALSE(third.previous_run_at().empty());

  const std::string exposed = app_->metrics().Expose();
  EXPECT_NE(exposed.find("sevisflow_detector_runs_total{trigger=\"request\"}"), std::string::npos)
      << exposed;
  EXPECT_NE(exposed.find(std::string("sevisflow_detector_last_run_timestamp_seconds{org=\"") +
                         kRunOrg + "\"}"),
            std::string::npos);
  EXPECT_EQ(exposed.find("SIS9200001"), std::string::npos);
}

TEST_F(DetectorIntegrationTest, RegistrationOnlyOnceTheRunControlIsSetAndAgainWhenItComesBack) {
  // Inside the fall term, after its as-of date.
  clock_.Set(std::chrono::sys_days{std::chrono::year{2026} / 10 / 1} + std::chrono::hours(9));
  const std::string person = "SIS9300001";
  auto alerts = Reader(kafka::kSevisAlerts);
  ASSERT_NE(alerts, nullptr);
  const double masters_before = Consumed(kafka::kSevisMaster);
  const double snapshots_before = Consumed(kafka::kSisPerson);

  const v1::MasterRecord master = ActiveMaster(person, kRegOrg);
  Publish(kafka::kSevisMaster, std::string(kRegOrg) + "/" + person, master.SerializeAsString());
  ASSERT_TRUE(WaitConsumed(kafka::kSevisMaster, masters_before + 1));
  Publish(kafka::kSisPerson, person, RegisteredStudentJson(person, kRegOrg, 1));
  ASSERT_TRUE(WaitConsumed(kafka::kSisPerson, snapshots_before + 1));

  // No run control for the school: Registration cannot fire (no current term).
  RunAlerts(kRegOrg);
  EXPECT_FALSE(WaitForAlert(*alerts, person, v1::EVENT_TYPE_REGISTRATION, 3s).has_value());

  v1::SetRunControlResponse set;
  grpc::Status status = SetRunControl(FallRunControl(kRegOrg), "DSO0000001", &set);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::RunAlertsResponse run = RunAlerts(kRegOrg);
  EXPECT_EQ(run.persons(), 1);
  EXPECT_GE(run.alerts(), 1);
  std::optional<v1::Alert> registration =
      WaitForAlert(*alerts, person, v1::EVENT_TYPE_REGISTRATION, 30s);
  ASSERT_TRUE(registration.has_value());
  EXPECT_EQ(registration->org_id(), kRegOrg);
  EXPECT_EQ(registration->sevis_id(), "N0009100001");
  EXPECT_EQ(registration->registration().term(), "2026FA");

  // Nothing new on a second run: the same alert is still open.
  EXPECT_EQ(RunAlerts(kRegOrg).alerts(), 0);
  const std::string field = rules::EmittedKey(kRegOrg, v1::EVENT_TYPE_REGISTRATION, "");
  auto emitted = redis_->HGetAll(detector::EmittedKey(person));
  ASSERT_TRUE(emitted.ok());
  ASSERT_EQ(emitted->count(field), 1u);
  EXPECT_EQ(emitted->at(field), registration->alert_id());

  // SEVIS accepted the registration: the condition is gone, the emitted key is forgotten.
  v1::MasterRecord registered = master;
  registered.set_registration_term("2026FA");
  Publish(kafka::kSevisMaster, std::string(kRegOrg) + "/" + person,
          registered.SerializeAsString());
  ASSERT_TRUE(WaitConsumed(kafka::kSevisMaster, masters_before + 2));
  RunAlerts(kRegOrg);
  emitted = redis_->HGetAll(detector::EmittedKey(person));
  ASSERT_TRUE(emitted.ok());
  EXPECT_EQ(emitted->count(field), 0u);

  // The condition comes back (e.g. SEVIS's record was corrected): the alert is emitted again.
  Publish(kafka::kSevisMaster, std::string(kRegOrg) + "/" + person, master.SerializeAsString());
  ASSERT_TRUE(WaitConsumed(kafka::kSevisMaster, masters_before + 3));
  EXPECT_GE(RunAlerts(kRegOrg).alerts(), 1);
  std::optional<v1::Alert> again = WaitForAlert(*alerts, person, v1::EVENT_TYPE_REGISTRATION, 30s);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->alert_id(), registration->alert_id());

  // The manual-event check reads the same stored person; an unknown person is NOT_FOUND.
  {
    grpc::ClientContext ctx;
    v1::CheckManualEventRequest req;
    req.set_person_id(person);
    req.set_org_id(kRegOrg);
    req.set_event_type(v1::EVENT_TYPE_REPRINT);
    v1::CheckManualEventResponse resp;
    grpc::Status s = Stub()->CheckManualEvent(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    v1::CheckManualEventRequest req;
    req.set_person_id("SIS9399999");
    req.set_org_id(kRegOrg);
    req.set_event_type(v1::EVENT_TYPE_REPRINT);
    v1::CheckManualEventResponse resp;
    EXPECT_EQ(Stub()->CheckManualEvent(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

// Runs sevisctl with `args`; returns the exit code and fills stdout / stderr.
int Sevisctl(const std::string& args, std::string* out, std::string* err) {
  static int n = 0;
  const std::string dir = testing::ScratchDir("detector-sevisctl-" + std::to_string(++n));
  const std::string command = std::string(SEVISFLOW_BINARY_DIR) + "/tools/sevisctl/sevisctl " +
                              args + " >" + dir + "/out 2>" + dir + "/err";
  const int rc = std::system(command.c_str());
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  *out = slurp(dir + "/out");
  *err = slurp(dir + "/err");
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string WriteScratch(const std::string& name, const std::string& text) {
  const std::string path = testing::ScratchDir("detector-sevisctl-files") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST_F(DetectorIntegrationTest, SevisctlRunControlAndAlertsRun) {
  const std::string addr = "--detector 127.0.0.1:" + std::to_string(app_->grpc_port());
  std::string out, err;

  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(FallRunControl(kCliOrg), &json).ok());
  const std::string good = WriteScratch("good.json", json);
  EXPECT_EQ(Sevisctl("runctl set --file " + good + " --user DSO0000002 " + addr, &out, &err), 0)
      << err;
  EXPECT_NE(out.find("\"updated_by\": \"DSO0000002\""), std::string::npos) << out;

  EXPECT_EQ(Sevisctl("runctl get " + std::string(kCliOrg) + " " + addr, &out, &err), 0) << err;
  v1::RunControl printed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &printed).ok()) << out;
  EXPECT_EQ(printed.org_id(), kCliOrg);
  EXPECT_EQ(printed.terms(0).current_term(), "2026FA");
  EXPECT_NE(Sevisctl("runctl get ZZZ214F00000001 " + addr, &out, &err), 0);

  // A file that is not a RunControl: refused before any call, naming the file.
  const std::string broken = WriteScratch("broken.json", "{\"org_id\": \"X\", \"terms\": [");
  EXPECT_EQ(Sevisctl("runctl set --file " + broken + " --user DSO0000002 " + addr, &out, &err), 2);
  EXPECT_NE(err.find(broken), std::string::npos) << err;
  const std::string typo = WriteScratch("typo.json", "{\"org_id\": \"X\", \"as_of\": \"1\"}");
  EXPECT_EQ(Sevisctl("runctl set --file " + typo + " --user DSO0000002 " + addr, &out, &err), 2);
  EXPECT_NE(err.find(typo), std::string::npos) << err;

  // The server's validation error is printed and the exit code is non-zero.
  v1::RunControl invalid = FallRunControl(kCliOrg);
  invalid.set_complete_after_days_m(31);  // "The number can be between 0 and 30."
  json.clear();  // MessageToJsonString appends
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(invalid, &json).ok());
  const std::string bad = WriteScratch("bad.json", json);
  EXPECT_NE(Sevisctl("runctl set --file " + bad + " --user DSO0000002 " + addr, &out, &err), 0);
  EXPECT_NE(err.find("complete_after_days_m"), std::string::npos) << err;

  // alerts run: persons and alerts on stdout; the second run's warning on stderr.
  EXPECT_EQ(Sevisctl("alerts run " + std::string(kCliOrg) + " " + addr, &out, &err), 0) << err;
  EXPECT_NE(out.find("persons\t0"), std::string::npos) << out;
  EXPECT_NE(out.find("alerts\t0"), std::string::npos) << out;
  EXPECT_EQ(err.find("warning"), std::string::npos) << err;
  EXPECT_EQ(Sevisctl("alerts run " + std::string(kCliOrg) + " " + addr, &out, &err), 0) << err;
  EXPECT_NE(err.find("warning: the SEVIS Alerts process ran for " + std::string(kCliOrg)),
            std::string::npos)
      << err;
}

TEST_F(DetectorIntegrationTest, DailyScheduleRunsEveryOrgOnceADayOnOneReplica) {
  constexpr char kSchedOrg[] = "VWX214F66666000";
  // 2026-01-15 00:00 now; the run is due at 06:00 UTC. The default app has no schedule.
  app_->Stop();
  app_.reset();
  StartApp([](detector::AppConfig& c) {
    c.daily_at = std::chrono::minutes(6 * 60);
    c.schedule_tick = 20ms;
  });
  v1::SisPersonSnapshot p = Student("SIS9400001", "01", 1);
  p.mutable_i20(0)->set_school_code(kSchedOrg);
  Publish(kafka::kSisPerson, p.person_id(), p.SerializeAsString());
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto v = redis_->Get(detector::SnapshotKey(p.person_id()));
        return v.ok() && v->has_value();
      },
      60s));
  auto runs = [&] {
    return app_->metrics()
        .GetCounter("sevisflow_detector_runs_total", "SEVIS Alerts runs completed",
                    {{"trigger", "schedule"}})
        .Value();
  };
  const std::string guard = detector::ScheduledRunKey(*common::Date::Parse("2026-01-15"));
  ASSERT_TRUE(redis_->Del({guard}).ok());
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(runs(), 0);

  clock_.Set(std::chrono::sys_days{std::chrono::year{2026} / 1 / 15} + std::chrono::hours(6));
  ASSERT_TRUE(testing::WaitUntil([&] { return runs() >= 1; }, 60s));
  auto taken = redis_->Get(guard);
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(taken->has_value());
  // Every org met was recorded.
  auto last = redis_->Get(detector::LastRunKey(kSchedOrg));
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ(**last, "2026-01-15T06:00:00.000Z");

  // Another replica due at the same time finds the day taken.
  auto second = app_->detector().RunScheduled(
      std::chrono::sys_days{std::chrono::year{2026} / 1 / 15} + std::chrono::hours(6));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->has_value());
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(runs(), 1);
}

// ---- DSO supplemental data (sis.supplemental) ------------------------------------------------

constexpr char kSuppOrg[] = "SUP214F77777000";

// What a DSO entered for `person` at kSuppOrg: one child the SIS does not hold.
v1::SupplementalData DependentOverlay(const std::string& person, int64_t version) {
  v1::SupplementalData o;
  o.set_org_id(kSuppOrg);
  o.set_person_id(person);
  auto* d = o.add_i20_dependents();
  d->set_dependent_id("DEP1");
  d->set_relationship("02");
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d->mutable_name()->set_name_type("PRI");
  d->mutable_name()->set_last_name("Quispe");
  d->mutable_name()->set_first_name("Ana");
  d->mutable_bio()->set_birth_date("2021-03-04");
  d->mutable_bio()->set_gender("F");
  d->mutable_bio()->set_birth_city("Lima");
  d->mutable_bio()->set_birth_country("PE");
  d->mutable_bio()->set_citizenship_country("PE");
  o.set_updated_by("DSO0000003");
  o.set_updated_at("2026-10-01T09:30:00.000Z");
  o.set_version(version);
  return o;
}

// Every alert of `person` read within `timeout`.
std::vector<v1::Alert> AlertsOf(kafka::Consumer& consumer, const std::string& person,
                                std::chrono::milliseconds timeout) {
  std::vector<v1::Alert> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto batch = consumer.Poll(100, 500ms);
    if (!batch.ok()) break;
    for (const auto& m : *batch) {
      v1::Alert a;
      if (a.ParseFromString(m.value) && a.person_id() == person) out.push_back(a);
    }
  }
  return out;
}

TEST_F(DetectorIntegrationTest, SupplementalDependentSurvivesNewerSnapshotsUntilCleared) {
  clock_.Set(std::chrono::sys_days{std::chrono::year{2026} / 10 / 1} + std::chrono::hours(9));
  const std::string person = "SIS9500001";
  const std::string key = std::string(kSuppOrg) + "/" + person;
  auto alerts = Reader(kafka::kSevisAlerts);
  auto dlq = Reader(kafka::kSisSupplementalDlq);
  ASSERT_NE(alerts, nullptr);
  ASSERT_NE(dlq, nullptr);
  const double masters_before = Consumed(kafka::kSevisMaster);
  const double snapshots_before = Consumed(kafka::kSisPerson);
  const double overlays_before = Consumed(kafka::kSisSupplemental);

  // A registered F-1 whose SIS holds no dependent, and SEVIS agreeing.
  Publish(kafka::kSevisMaster, key, ActiveMaster(person, kSuppOrg).SerializeAsString());
  ASSERT_TRUE(WaitConsumed(kafka::kSevisMaster, masters_before + 1));
  Publish(kafka::kSisPerson, person, RegisteredStudentJson(person, kSuppOrg, 1));
  ASSERT_TRUE(WaitConsumed(kafka::kSisPerson, snapshots_before + 1));
  for (const v1::Alert& a : AlertsOf(*alerts, person, 2s)) {
    EXPECT_NE(a.event_type(), v1::EVENT_TYPE_DEPENDENT_ADD);
  }

  // The DSO adds a child: Dependent - Add with the child's data, at once.
  Publish(kafka::kSisSupplemental, key, DependentOverlay(person, 1).SerializeAsString());
  std::optional<v1::Alert> add =
      WaitForAlert(*alerts, person, v1::EVENT_TYPE_DEPENDENT_ADD, 60s);
  ASSERT_TRUE(add.has_value());
  EXPECT_EQ(add->org_id(), kSuppOrg);
  EXPECT_EQ(add->subject(), "DEP1");
  EXPECT_EQ(add->sevis_id(), "N0009100001");
  EXPECT_EQ(add->snapshot_version(), 1);
  EXPECT_EQ(add->dependent().dependent_id(), "DEP1");
  EXPECT_EQ(add->dependent().last_name(), "Quispe");
  EXPECT_EQ(add->dependent().first_name(), "Ana");
  EXPECT_EQ(add->dependent().birth_date(), "2021-03-04");
  EXPECT_EQ(add->dependent().relationship(), "02");
  // The overlay is a view of its own; the stored snapshot stays the SIS's.
  auto view = redis_->HGetAll(detector::SupplementalKey(person));
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->count(kSuppOrg), 1u);
  auto raw = redis_->Get(detector::SnapshotKey(person));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->has_value());
  v1::SisPersonSnapshot stored;
  auto unpacked = redis::Unpack(**raw);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status();
  ASSERT_TRUE(stored.ParseFromString(*unpacked));
  EXPECT_TRUE(stored.i20(0).dependents().empty());

  // A newer SIS snapshot, still without the child: no Dependent event about it, and the
  // overlay still applies (the Add stays emitted, Explain still gives it).
  Publish(kafka::kSisPerson, person, RegisteredStudentJson(person, kSuppOrg, 2));
  ASSERT_TRUE(WaitConsumed(kafka::kSisPerson, snapshots_before + 2));
  for (const v1::Alert& a : AlertsOf(*alerts, person, 4s)) {
    EXPECT_NE(a.subject(), "DEP1") << v1::EventType_Name(a.event_type());
    EXPECT_NE(a.event_type(), v1::EVENT_TYPE_DEPENDENT_CANCEL);
    EXPECT_NE(a.event_type(), v1::EVENT_TYPE_DEPENDENT_TERMINATE);
  }
  const std::string add_field = rules::EmittedKey(kSuppOrg, v1::EVENT_TYPE_DEPENDENT_ADD, "DEP1");
  auto emitted = redis_->HGetAll(detector::EmittedKey(person));
  ASSERT_TRUE(emitted.ok());
  ASSERT_EQ(emitted->count(add_field), 1u);
  EXPECT_EQ(emitted->at(add_field), add->alert_id());
  auto explain = [&] {
    grpc::ClientContext ctx;
    v1::ExplainRequest req;
    req.set_person_id(person);
    v1::ExplainResponse resp;
    grpc::Status s = Stub()->Explain(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> adds;
    for (const auto& a : resp.alerts()) {
      if (a.event_type() == v1::EVENT_TYPE_DEPENDENT_ADD) adds.push_back(a.subject());
    }
    return adds;
  };
  EXPECT_EQ(explain(), std::vector<std::string>{"DEP1"});
  // A run re-evaluates with the overlay too: nothing new, nothing forgotten.
  EXPECT_EQ(RunAlerts(kSuppOrg).alerts(), 0);
  emitted = redis_->HGetAll(detector::EmittedKey(person));
  ASSERT_TRUE(emitted.ok());
  EXPECT_EQ(emitted->count(add_field), 1u);

  // The manual-event check sees the dependent and names the SEVIS ID and family.
  {
    grpc::ClientContext ctx;
    v1::CheckManualEventRequest req;
    req.set_person_id(person);
    req.set_org_id(kSuppOrg);
    req.set_event_type(v1::EVENT_TYPE_DEPENDENT_REPRINT);
    req.set_subject("DEP1");
    v1::CheckManualEventResponse resp;
    grpc::Status s = Stub()->CheckManualEvent(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.sevis_id(), "N0009100001");
    EXPECT_EQ(resp.visa_family(), v1::VISA_FAMILY_FM);
  }
  {
    grpc::ClientContext ctx;
    v1::CheckManualEventRequest req;
    req.set_person_id(person);
    req.set_org_id("NOT214F00000000");  // no master row there
    req.set_event_type(v1::EVENT_TYPE_REPRINT);
    v1::CheckManualEventResponse resp;
    grpc::Status s = Stub()->CheckManualEvent(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.sevis_id(), "");
    EXPECT_EQ(resp.visa_family(), v1::VISA_FAMILY_FM);
  }

  // A bad overlay (the same dependent twice) lands on the DLQ with its reason; the view keeps
  // the last good one.
  v1::SupplementalData bad = DependentOverlay(person, 2);
  *bad.add_i20_dependents() = bad.i20_dependents(0);
  Publish(kafka::kSisSupplemental, key, bad.SerializeAsString());
  std::vector<kafka::Message> dead;
  const auto dlq_deadline = std::chrono::steady_clock::now() + 60s;
  while (dead.empty() && std::chrono::steady_clock::now() < dlq_deadline) {
    for (auto& m : ReadN(*dlq, 1, 2s)) {
      if (m.key == key) dead.push_back(std::move(m));
    }
  }
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, bad.SerializeAsString());
  EXPECT_EQ(dead[0].Header(kafka::kErrorHeader).value_or(""),
            "i20_dependents[1].dependent_id: duplicate");
  EXPECT_EQ(dead[0].Header(kafka::kSourceHeader).value_or("").rfind("sis.supplemental/", 0), 0u);
  EXPECT_EQ(explain(), std::vector<std::string>{"DEP1"});

  // A tombstone clears it (sent as the builder sends its clear): the view field goes, the person
  // is re-evaluated at once and the Add is forgotten (it would be emitted again if the DSO
  // re-entered the child).
  ASSERT_TRUE(producer_->Send(kafka::kSisSupplemental, key, std::string_view()).ok());
  ASSERT_TRUE(WaitConsumed(kafka::kSisSupplemental, overlays_before + 3));
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto e = redis_->HGetAll(detector::EmittedKey(person));
        return e.ok() && e->count(add_field) == 0;
      },
      30s));
  view = redis_->HGetAll(detector::SupplementalKey(person));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->count(kSuppOrg), 0u);
  EXPECT_TRUE(explain().empty());

  // A restart reads sis.supplemental from its start again: the records already handled are
  // skipped, so the old overlay with the child is not evaluated again (no second Add) and the
  // bad record is not dead-lettered twice.
  RestartApp();
  ASSERT_TRUE(testing::WaitUntil([&] { return SupplementalCount("replayed") >= 3; }, 60s));
  EXPECT_EQ(SupplementalCount("set"), 0);
  EXPECT_EQ(SupplementalCount("dead_lettered"), 0);
  for (const v1::Alert& a : AlertsOf(*alerts, person, 4s)) {
    EXPECT_NE(a.event_type(), v1::EVENT_TYPE_DEPENDENT_ADD);
  }
  for (const auto& m : ReadN(*dlq, 10, 2s)) EXPECT_NE(m.key, key);
  EXPECT_TRUE(explain().empty());

  // Counted, with no personal data in the labels.
  const std::string exposed = app_->metrics().Expose();
  EXPECT_EQ(exposed.find(person), std::string::npos);
  EXPECT_EQ(exposed.find("Quispe"), std::string::npos);
}

TEST_F(DetectorIntegrationTest, SupplementalMetricsCountAppliedAndDeadLettered) {
  const std::string person = "SIS9500002";
  const std::string key = std::string(kSuppOrg) + "/" + person;
  const double set_before = SupplementalCount("set");
  const double cleared_before = SupplementalCount("cleared");
  const double dead_before = SupplementalCount("dead_lettered");
  Publish(kafka::kSisSupplemental, key, DependentOverlay(person, 1).SerializeAsString());
  Publish(kafka::kSisSupplemental, key, std::string("\xff\xff\xff garbage", 11));
  Publish(kafka::kSisSupplemental, "no-slash-key", DependentOverlay(person, 2).SerializeAsString());
  ASSERT_TRUE(producer_->Send(kafka::kSisSupplemental, key, std::string_view()).ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        return SupplementalCount("set") + SupplementalCount("cleared") +
                   SupplementalCount("dead_lettered") >=
               set_before + cleared_before + dead_before + 4;
      },
      60s));
  EXPECT_EQ(SupplementalCount("set"), set_before + 1);
  EXPECT_EQ(SupplementalCount("cleared"), cleared_before + 1);
  EXPECT_EQ(SupplementalCount("dead_lettered"), dead_before + 2);
  const std::string exposed = app_->metrics().Expose();
  for (const char* reason : {"parse", "bad_key"}) {
    EXPECT_NE(exposed.find(std::string("sevisflow_detector_dlq_total{reason=\"") + reason +
                           "\",topic=\"sis.supplemental\"}"),
              std::string::npos)
        << reason << "\n" << exposed;
  }
  EXPECT_EQ(exposed.find(person), std::string::npos);
  // The view holds nothing for the person any more (set, then cleared).
  auto view = redis_->HGetAll(detector::SupplementalKey(person));
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->empty());
}

}  // namespace
}  // namespace sevisflow
