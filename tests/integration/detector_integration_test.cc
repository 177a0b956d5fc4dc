// The detector against a real Apache Kafka broker and a real redis-server: snapshots (JSON and
// binary) in, Create Student alerts out, garbage dead-lettered, republished snapshots silent,
// a SEVIS Master row suppressing Create Student. Synthetic people only.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
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
#include "sevisflow/rpc/client.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"
#include "sevisflow/v1/master.pb.h"

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
    detector::AppConfig config;
    config.service.kafka_brokers = broker_->bootstrap();
    config.service.redis_host = redis_server_->host();
    config.service.redis_port = redis_server_->port();
    config.service.grpc_listen = "127.0.0.1:0";
    config.service.metrics_port = 0;
    config.code_tables = testing::XsdDir() + "/6.55/SEVISTable.xsd";
    auto app = detector::App::Create(config, clock_);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = std::move(*app);
    absl::Status started = app_->Start();
    ASSERT_TRUE(started.ok()) << started;

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
  std::vector<kafka::Message> after = ReadN(*alerts, 2, 5s);
  ASSERT_EQ(after.size(), 1u);
  v1::Alert changed;
  ASSERT_TRUE(changed.ParseFromString(after[0].value));
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
    EXPECT_EQ(resp.alerts_size(), 0);
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

}  // namespace
}  // namespace sevisflow
