// The DSO review workflow end to end, with real Apache Kafka and redis-server, the detector and
// the builder running in-process and talking over real gRPC: supplemental data that survives the
// next SIS message and yields Dependent - Add, a manual event refused on its preconditions and
// one accepted, supersede, reject, hold-and-release, the 250 auto-close, a 600-alert close into
// three documents, the audit log (store and sevis.audit), and DSOs refused outside their orgs.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/builder/src/app.h"
#include "services/detector/src/app.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/v1/review_service.grpc.pb.h"
#include "ev_test_alerts.h"
#include "test_snapshots.h"

namespace sevisflow {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr char kOrg[] = "ABC214F12345000";      // the fixtures' school (manual review)
constexpr char kOrgAuto[] = "DEF214F12345000";  // auto-select
constexpr char kOrgBulk[] = "GHI214F12345000";  // manual review, the 600-alert close
constexpr char kOrgOther[] = "XYZ214F12345000"; // granted to frank only
constexpr char kProgram[] = "P-1-12345";        // an exchange-visitor program (J), beside schools
constexpr char kTokenErin[] = "erin-token";
constexpr char kTokenFrank[] = "frank-token";
constexpr char kErinUser[] = "erindso001";
constexpr char kSystemUser[] = "sysdso0001";

v1::Alert CreateAlert(const std::string& org, const std::string& person, int n) {
  v1::Alert alert;
  alert.set_alert_id(absl::StrFormat("%s%017d", org.substr(0, 3), n));  // 20 characters
  alert.set_org_id(org);
  alert.set_person_id(person);
  alert.set_visa_family(v1::VISA_FAMILY_FM);
  alert.set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  alert.set_snapshot_version(1);
  alert.set_detected_at("2026-11-20T10:00:00Z");
  v1::CreateStudentData* d = alert.mutable_create_student();
  d->set_visa_type("01");
  d->set_last_name("Synthetic");
  d->set_first_name("Testa");
  d->set_birth_date("2004-02-11");
  d->set_gender("F");
  d->set_birth_city("Pune");
  d->set_birth_country("IN");
  d->set_citizenship_country("IN");
  d->set_issue_reason("I");
  d->mutable_foreign_address()->set_line1("7 Sample Road");
  d->mutable_foreign_address()->set_city("Pune");
  d->mutable_foreign_address()->set_country("IN");
  d->set_level_of_education("04");
  d->set_primary_major("11.0701");
  d->set_program_start_date("2027-01-10");
  d->set_program_end_date("2028-12-15");
  d->set_english_proficiency_required(true);
  d->set_english_proficiency_met(true);
  d->set_months_in_academic_term(9);
  d->set_tuition(30000);
  d->set_living_expenses(15000);
  d->set_personal_funds(50000);
  return alert;
}

// A synthetic update alert (never batched in these tests: superseded, rejected or held).
v1::Alert FinancialAlert(const std::string& org, const std::string& person, int64_t version,
                         int64_t tuition) {
  v1::Alert alert;
  alert.set_alert_id(absl::StrFormat("ff%06d%012d", static_cast<int>(version), tuition));
  alert.set_org_id(org);
  alert.set_person_id(person);
  alert.set_visa_family(v1::VISA_FAMILY_FM);
  alert.set_event_type(v1::EVENT_TYPE_FINANCIAL_INFO);
  alert.set_sevis_id("N0001234567");
  alert.set_snapshot_version(version);
  alert.set_detected_at(absl::StrCat("2026-11-2", version % 10, "T10:00:00Z"));
  alert.mutable_financial()->set_months_in_academic_term(9);
  alert.mutable_financial()->set_tuition(tuition);
  return alert;
}

class ReviewIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new testing::KafkaBroker({.name = "review-kafka"});
    absl::Status started = broker_->Start();
    ASSERT_TRUE(started.ok()) << started;
    auto redis = testing::RedisServer::Start("review-redis");
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = redis->release();
    ASSERT_TRUE(kafka::EnsureTopics(broker_->bootstrap(), kafka::DefaultTopics(3), 60s).ok());

    detector::AppConfig dconfig;
    dconfig.service.kafka_brokers = broker_->bootstrap();
    dconfig.service.redis_host = redis_server_->host();
    dconfig.service.redis_port = redis_server_->port();
    dconfig.service.grpc_listen = "127.0.0.1:0";
    dconfig.service.metrics_port = 0;
    dconfig.code_tables = testing::XsdDir() + "/6.55/SEVISTable.xsd";
    auto detector = detector::App::Create(dconfig, clock_);
    ASSERT_TRUE(detector.ok()) << detector.status();
    detector_ = detector->release();
    ASSERT_TRUE(detector_->Start().ok());

    builder::AppConfig bconfig;
    bconfig.service.kafka_brokers = broker_->bootstrap();
    bconfig.service.redis_host = redis_server_->host();
    bconfig.service.redis_port = redis_server_->port();
    bconfig.service.grpc_listen = "127.0.0.1:0";
    bconfig.service.metrics_port = 0;
    bconfig.service.xsd_dir = testing::XsdDir();
    bconfig.detector_address = absl::StrCat("127.0.0.1:", detector_->grpc_port());
    bconfig.builder.orgs[kOrg] = builder::OrgOptions{kSystemUser, false, std::nullopt, ""};
    bconfig.builder.orgs[kOrgAuto] = builder::OrgOptions{kSystemUser, true, std::nullopt, "AU"};
    bconfig.builder.orgs[kOrgBulk] = builder::OrgOptions{kSystemUser, false, std::nullopt, "BK"};
    bconfig.builder.orgs[kProgram] = builder::OrgOptions{kSystemUser, false, std::nullopt, "EV"};
    bconfig.dsos.push_back(rpc::Dso{"erin", rpc::TokenSha256Hex(kTokenErin),
                                    {{kOrg, kErinUser}, {kOrgAuto, kErinUser},
                                     {kOrgBulk, kErinUser}, {kProgram, "erinro0001"}}});
    bconfig.dsos.push_back(
        rpc::Dso{"frank", rpc::TokenSha256Hex(kTokenFrank), {{kOrgOther, "frankdso01"}}});
    auto builder = builder::App::Create(bconfig, clock_);
    ASSERT_TRUE(builder.ok()) << builder.status();
    builder_ = builder->release();
    ASSERT_TRUE(builder_->Start().ok());

    kafka::ProducerOptions p;
    p.brokers = broker_->bootstrap();
    auto producer = kafka::Producer::Create(p);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = producer->release();
    stub_ = v1::ReviewService::NewStub(rpc::Dial(absl::StrCat("127.0.0.1:", builder_->grpc_port())))
                .release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete producer_;
    if (builder_ != nullptr) builder_->Stop();
    delete builder_;
    if (detector_ != nullptr) detector_->Stop();
    delete detector_;
    delete redis_server_;
    delete broker_;
  }

  static void Publish(const std::string& topic, const std::string& key, const std::string& value) {
    ASSERT_TRUE(producer_->Send(topic, key, value).ok());
  }

  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + 60s);
    if (!token.empty()) rpc::SetBearerToken(*context, token);
    return context;
  }

  static std::vector<v1::ReviewAlert> List(v1::ListAlertsRequest request,
                                           const std::string& token = kTokenErin) {
    v1::ListAlertsResponse response;
    grpc::Status status = stub_->ListAlerts(As(token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.alerts().begin(), response.alerts().end()};
  }

  static std::vector<v1::ReviewAlert> ListPerson(const std::string& org, const std::string& person,
                                                 v1::EventType event = v1::EVENT_TYPE_UNSPECIFIED) {
    v1::ListAlertsRequest request;
    request.set_org_id(org);
    request.set_person_id(person);
    if (event != v1::EVENT_TYPE_UNSPECIFIED) request.add_event_types(event);
    return List(request);
  }

  // Polls until `predicate(alerts of the request)` holds (60 s).
  template <typename Pred>
  static std::vector<v1::ReviewAlert> WaitUntil(const v1::ListAlertsRequest& request, Pred pred) {
    std::vector<v1::ReviewAlert> alerts;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      alerts = List(request);
      if (pred(alerts)) break;
      std::this_thread::sleep_for(100ms);
    }
    return alerts;
  }

  static v1::ReviewAlert Get(const std::string& org, const std::string& id) {
    v1::GetAlertRequest request;
    request.set_org_id(org);
    request.set_alert_id(id);
    v1::ReviewAlert alert;
    grpc::Status status = stub_->GetAlert(As(kTokenErin).get(), request, &alert);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return alert;
  }

  static v1::ReviewAlert WaitState(const std::string& org, const std::string& id,
                                   v1::AlertState state) {
    v1::ReviewAlert alert;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      v1::GetAlertRequest request;
      request.set_org_id(org);
      request.set_alert_id(id);
      if (stub_->GetAlert(As(kTokenErin).get(), request, &alert).ok() && alert.state() == state) {
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    return alert;
  }

  static std::vector<v1::AuditEntry> Audit(const std::string& org, const std::string& person,
                                           const std::string& batch = "") {
    v1::QueryAuditRequest request;
    request.set_org_id(org);
    request.set_person_id(person);
    request.set_batch_id(batch);
    request.set_limit(1000);
    v1::QueryAuditResponse response;
    grpc::Status status = stub_->QueryAudit(As(kTokenErin).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  static bool HasAction(const std::vector<v1::AuditEntry>& entries, const std::string& action,
                        const std::string& actor, const std::string& alert_id = "") {
    for (const v1::AuditEntry& e : entries) {
      if (e.action() == action && e.actor() == actor &&
          (alert_id.empty() || e.alert_id() == alert_id)) {
        return true;
      }
    }
    return false;
  }

  static std::unique_ptr<kafka::Consumer> Reader(const std::string& topic,
                                                 const std::string& group) {
    kafka::ConsumerOptions o;
    o.brokers = broker_->bootstrap();
    o.group_id = group;
    o.topics = {topic};
    auto c = kafka::Consumer::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  static std::vector<v1::BatchDocument> ReadBatches(kafka::Consumer& consumer,
                                                    const std::string& org, size_t count) {
    std::vector<v1::BatchDocument> documents;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (documents.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto messages = consumer.Poll(100, 200ms);
      if (!messages.ok()) break;
      for (const kafka::Message& m : *messages) {
        v1::BatchDocument document;
        EXPECT_TRUE(document.ParseFromString(m.value));
        if (document.org_id() == org) documents.push_back(std::move(document));
      }
    }
    return documents;
  }

  static int Xmllint(const std::string& xml, const std::string& name) {
    const std::filesystem::path dir = testing::ScratchDir("review-it-xml");
    const std::string file = (dir / name).string();
    std::ofstream(file, std::ios::binary) << xml;
    const std::string command =
        absl::StrCat("xmllint --noout --schema '", sevisxml::StudentSchemaPath(testing::XsdDir()),
                     "' '", file, "' 2>/dev/null");
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  static common::SystemClock clock_;
  static testing::KafkaBroker* broker_;
  static testing::RedisServer* redis_server_;
  static detector::App* detector_;
  static builder::App* builder_;
  static kafka::Producer* producer_;
  static v1::ReviewService::Stub* stub_;
};

common::SystemClock ReviewIntegrationTest::clock_;
testing::KafkaBroker* ReviewIntegrationTest::broker_ = nullptr;
testing::RedisServer* ReviewIntegrationTest::redis_server_ = nullptr;
detector::App* ReviewIntegrationTest::detector_ = nullptr;
builder::App* ReviewIntegrationTest::builder_ = nullptr;
kafka::Producer* ReviewIntegrationTest::producer_ = nullptr;
v1::ReviewService::Stub* ReviewIntegrationTest::stub_ = nullptr;

TEST_F(ReviewIntegrationTest, SupplementalDependentSurvivesTheNextSisMessageAndYieldsDependentAdd) {
  const std::string person = "SIS100001";
  Publish(kafka::kSevisMaster, absl::StrCat(kOrg, "/", person),
          rules::testing::ActiveMaster(person).SerializeAsString());
  v1::SisPersonSnapshot snapshot = rules::testing::RegisteredF1(person);
  snapshot.set_version(1);
  Publish(kafka::kSisPerson, person, snapshot.SerializeAsString());

  // Frank is not granted the org: refused, nothing published.
  v1::SetSupplementalRequest request;
  request.mutable_data()->set_org_id(kOrg);
  request.mutable_data()->set_person_id(person);
  v1::I20Dependent* dependent = request.mutable_data()->add_i20_dependents();
  dependent->set_dependent_id("01");
  dependent->set_relationship("01");
  dependent->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  dependent->mutable_name()->set_name_type("PRI");
  dependent->mutable_name()->set_last_name("Synthetic");
  dependent->mutable_name()->set_first_name("Spouse");
  dependent->mutable_bio()->set_birth_date("2001-03-04");
  dependent->mutable_bio()->set_gender("M");
  dependent->mutable_bio()->set_birth_city("Pune");
  dependent->mutable_bio()->set_birth_country("IN");
  dependent->mutable_bio()->set_citizenship_country("IN");
  v1::SetSupplementalResponse set;
  EXPECT_EQ(stub_->SetSupplemental(As(kTokenFrank).get(), request, &set).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::Status status = stub_->SetSupplemental(As(kTokenErin).get(), request, &set);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(set.data().updated_by(), "erin");
  EXPECT_EQ(set.data().version(), 1);

  v1::ListAlertsRequest adds;
  adds.set_org_id(kOrg);
  adds.set_person_id(person);
  adds.add_event_types(v1::EVENT_TYPE_DEPENDENT_ADD);
  std::vector<v1::ReviewAlert> found =
      WaitUntil(adds, [](const auto& alerts) { return !alerts.empty(); });
  ASSERT_EQ(found.size(), 1u);
  const std::string add_id = found[0].alert().alert_id();
  EXPECT_EQ(found[0].alert().subject(), "01");
  EXPECT_EQ(found[0].alert().dependent().dependent_id(), "01");
  EXPECT_EQ(found[0].state(), v1::ALERT_STATE_OPEN);

  // The next SIS message (newer version, still without the dependent) does not undo it.
  snapshot.set_version(2);
  snapshot.mutable_bio()->set_preferred_phone("6175550100");
  Publish(kafka::kSisPerson, person, snapshot.SerializeAsString());
  std::this_thread::sleep_for(3s);  // time for the detector to evaluate version 2
  v1::ReviewAlert after = Get(kOrg, add_id);
  EXPECT_EQ(after.state(), v1::ALERT_STATE_OPEN);
  EXPECT_TRUE(ListPerson(kOrg, person, v1::EVENT_TYPE_DEPENDENT_CANCEL).empty());
  EXPECT_TRUE(ListPerson(kOrg, person, v1::EVENT_TYPE_DEPENDENT_TERMINATE).empty());
  v1::GetSupplementalRequest get;
  get.set_org_id(kOrg);
  get.set_person_id(person);
  v1::GetSupplementalResponse got;
  ASSERT_TRUE(stub_->GetSupplemental(As(kTokenErin).get(), get, &got).ok());
  EXPECT_TRUE(got.found());
  EXPECT_EQ(got.data().i20_dependents_size(), 1);
  // Audited under the DSO's name.
  EXPECT_TRUE(HasAction(Audit(kOrg, person), "SUPPLEMENTAL_SET", "erin"));
}

TEST_F(ReviewIntegrationTest, ManualEventIsRefusedOnItsPreconditionsAndAddedWhenTheyHold) {
  const std::string person = "SIS100002";
  Publish(kafka::kSevisMaster, absl::StrCat(kOrg, "/", person),
          rules::testing::ActiveMaster(person).SerializeAsString());
  v1::SisPersonSnapshot snapshot = rules::testing::RegisteredF1(person);
  Publish(kafka::kSisPerson, person, snapshot.SerializeAsString());

  // Disciplinary Action holds for an active student: added, OPEN, manual, audited. Retried
  // until the detector has stored the snapshot and the SEVIS Master row.
  v1::AddManualEventRequest disciplinary;
  disciplinary.set_org_id(kOrg);
  disciplinary.set_person_id(person);
  disciplinary.set_event_type(v1::EVENT_TYPE_DISCIPLINARY_ACTION);
  disciplinary.mutable_data()->mutable_status()->set_explanation(
      "Student convicted of a crime; see case file.");
  v1::AddManualEventResponse added;
  grpc::Status status;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  do {
    status = stub_->AddManualEvent(As(kTokenErin).get(), disciplinary, &added);
    if (status.ok()) break;
    std::this_thread::sleep_for(200ms);
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(added.alert().state(), v1::ALERT_STATE_OPEN);
  EXPECT_TRUE(added.alert().alert().manual());
  EXPECT_EQ(added.alert().alert().sevis_id(), "N0001234567");
  EXPECT_EQ(added.alert().updated_by(), "erin");
  EXPECT_TRUE(HasAction(Audit(kOrg, person), "MANUAL_ADD", "erin",
                        added.alert().alert().alert_id()));

  // Dependent - Reprint of a dependent the SEVIS Master does not hold: refused, with the rule
  // book's condition, and nothing is added.
  v1::AddManualEventRequest reprint;
  reprint.set_org_id(kOrg);
  reprint.set_person_id(person);
  reprint.set_event_type(v1::EVENT_TYPE_DEPENDENT_REPRINT);
  reprint.set_subject("99");
  reprint.mutable_data()->mutable_dependent()->set_dependent_id("99");
  reprint.mutable_data()->mutable_dependent()->set_dependent_sevis_id("N0009999999");
  reprint.mutable_data()->mutable_dependent()->set_reason("03");
  grpc::Status refused = stub_->AddManualEvent(As(kTokenErin).get(), reprint, &added);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("preconditions not met"));
  EXPECT_THAT(refused.error_message(), HasSubstr("ependent"));
  EXPECT_TRUE(ListPerson(kOrg, person, v1::EVENT_TYPE_DEPENDENT_REPRINT).empty());

  // A detected-only event cannot be added by hand.
  v1::AddManualEventRequest detected = reprint;
  detected.set_event_type(v1::EVENT_TYPE_REGISTRATION);
  EXPECT_EQ(stub_->AddManualEvent(As(kTokenErin).get(), detected, &added).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReviewIntegrationTest, NewerAlertSupersedesAnUnbatchedOneAndRejectNeedsAReason) {
  const std::string person = "SIS100003";
  v1::Alert v1_alert = FinancialAlert(kOrg, person, 1, 20000);
  v1::Alert v2_alert = FinancialAlert(kOrg, person, 2, 21000);
  v1::Alert v0_alert = FinancialAlert(kOrg, person, 0, 19000);  // older, arrives last
  Publish(kafka::kSevisAlerts, kOrg, v1_alert.SerializeAsString());
  ASSERT_EQ(WaitState(kOrg, v1_alert.alert_id(), v1::ALERT_STATE_OPEN).state(),
            v1::ALERT_STATE_OPEN);
  Publish(kafka::kSevisAlerts, kOrg, v2_alert.SerializeAsString());
  v1::ReviewAlert old = WaitState(kOrg, v1_alert.alert_id(), v1::ALERT_STATE_SUPERSEDED);
  EXPECT_EQ(old.state(), v1::ALERT_STATE_SUPERSEDED);
  EXPECT_EQ(old.superseded_by(), v2_alert.alert_id());
  Publish(kafka::kSevisAlerts, kOrg, v0_alert.SerializeAsString());
  v1::ReviewAlert late = WaitState(kOrg, v0_alert.alert_id(), v1::ALERT_STATE_SUPERSEDED);
  EXPECT_EQ(late.state(), v1::ALERT_STATE_SUPERSEDED);
  EXPECT_EQ(late.superseded_by(), v2_alert.alert_id());
  EXPECT_EQ(Get(kOrg, v2_alert.alert_id()).state(), v1::ALERT_STATE_OPEN);
  std::vector<v1::ReviewAlert> open = ListPerson(kOrg, person, v1::EVENT_TYPE_FINANCIAL_INFO);
  int in_review = 0;
  for (const auto& a : open) in_review += a.state() == v1::ALERT_STATE_OPEN;
  EXPECT_EQ(in_review, 1);

  // Select, then reject: the reason is required, recorded and audited.
  v1::SelectAlertsRequest select;
  select.set_org_id(kOrg);
  select.add_alert_ids(v2_alert.alert_id());
  select.add_alert_ids(v1_alert.alert_id());
  v1::SelectAlertsResponse selected;
  ASSERT_TRUE(stub_->SelectAlerts(As(kTokenErin).get(), select, &selected).ok());
  EXPECT_EQ(selected.changed(), 1);
  ASSERT_EQ(selected.refused_size(), 1);
  EXPECT_THAT(selected.refused_reasons(0), HasSubstr("SUPERSEDED"));
  EXPECT_EQ(Get(kOrg, v2_alert.alert_id()).state(), v1::ALERT_STATE_SELECTED);

  v1::RejectAlertsRequest reject;
  reject.set_org_id(kOrg);
  reject.add_alert_ids(v2_alert.alert_id());
  v1::RejectAlertsResponse rejected;
  EXPECT_EQ(stub_->RejectAlerts(As(kTokenErin).get(), reject, &rejected).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  reject.set_reason("Tuition change already reported on paper");
  ASSERT_TRUE(stub_->RejectAlerts(As(kTokenErin).get(), reject, &rejected).ok());
  EXPECT_EQ(rejected.changed(), 1);
  v1::ReviewAlert gone = Get(kOrg, v2_alert.alert_id());
  EXPECT_EQ(gone.state(), v1::ALERT_STATE_REJECTED);
  EXPECT_EQ(gone.reject_reason(), "Tuition change already reported on paper");
  const std::vector<v1::AuditEntry> audit = Audit(kOrg, person);
  EXPECT_TRUE(HasAction(audit, "REJECT", "erin", v2_alert.alert_id()));
  EXPECT_TRUE(HasAction(audit, "SELECT", "erin", v2_alert.alert_id()));
  EXPECT_TRUE(HasAction(audit, "SUPERSEDE", "system", v1_alert.alert_id()));
  // A DSO outside the org sees nothing of it.
  v1::ListAlertsRequest other;
  other.set_org_id(kOrg);
  v1::ListAlertsResponse response;
  EXPECT_EQ(stub_->ListAlerts(As(kTokenFrank).get(), other, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReviewIntegrationTest, AlertsOfAPersonAwaitingResultsAreHeldAndReleasedByTheOutcome) {
  const std::string person = "SIS100004";
  auto batches = Reader(kafka::kSevisBatches, "review-it-hold");
  v1::Alert create = CreateAlert(kOrg, person, 4);
  Publish(kafka::kSevisAlerts, kOrg, create.SerializeAsString());
  ASSERT_EQ(WaitState(kOrg, create.alert_id(), v1::ALERT_STATE_OPEN).state(),
            v1::ALERT_STATE_OPEN);
  v1::SelectAlertsRequest select;
  select.set_org_id(kOrg);
  select.add_alert_ids(create.alert_id());
  v1::SelectAlertsResponse selected;
  ASSERT_TRUE(stub_->SelectAlerts(As(kTokenErin).get(), select, &selected).ok());
  ASSERT_EQ(selected.changed(), 1);
  v1::CloseBatchRequest close;
  close.set_org_id(kOrg);
  v1::CloseBatchResponse closed;
  grpc::Status status = stub_->CloseBatch(As(kTokenErin).get(), close, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(closed.batch_ids_size(), 1);
  const std::string batch_id = closed.batch_ids(0);
  std::vector<v1::BatchDocument> documents = ReadBatches(*batches, kOrg, 1);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].user_id(), kErinUser);

  // A new alert of the same person while the batch awaits results: HELD, not selectable.
  v1::Alert update = FinancialAlert(kOrg, person, 5, 25000);
  Publish(kafka::kSevisAlerts, kOrg, update.SerializeAsString());
  v1::ReviewAlert held = WaitState(kOrg, update.alert_id(), v1::ALERT_STATE_HELD);
  ASSERT_EQ(held.state(), v1::ALERT_STATE_HELD);
  EXPECT_EQ(held.held_by_batch(), batch_id);
  v1::SelectAlertsRequest select_held;
  select_held.set_org_id(kOrg);
  select_held.add_alert_ids(update.alert_id());
  ASSERT_TRUE(stub_->SelectAlerts(As(kTokenErin).get(), select_held, &selected).ok());
  EXPECT_EQ(selected.changed(), 0);
  ASSERT_EQ(selected.refused_size(), 1);
  EXPECT_THAT(selected.refused_reasons(0), HasSubstr("held"));

  // The results come in: the create is accepted and the held alert is released.
  v1::Outcome outcome;
  outcome.set_alert_id(create.alert_id());
  outcome.set_batch_id(batch_id);
  outcome.set_org_id(kOrg);
  outcome.set_person_id(person);
  outcome.set_accepted(true);
  outcome.set_sevis_id("N0000000444");
  Publish(kafka::kSevisOutcomes, person, outcome.SerializeAsString());
  EXPECT_EQ(WaitState(kOrg, create.alert_id(), v1::ALERT_STATE_ACCEPTED).state(),
            v1::ALERT_STATE_ACCEPTED);
  v1::ReviewAlert released = WaitState(kOrg, update.alert_id(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(released.state(), v1::ALERT_STATE_OPEN);
  EXPECT_TRUE(released.held_by_batch().empty());
  const std::vector<v1::AuditEntry> audit = Audit(kOrg, person);
  EXPECT_TRUE(HasAction(audit, "HOLD", "system", update.alert_id()));
  EXPECT_TRUE(HasAction(audit, "RELEASE", "system", update.alert_id()));
  EXPECT_TRUE(HasAction(audit, "CLOSE_BATCH", "erin", create.alert_id()));
  EXPECT_TRUE(HasAction(audit, "OUTCOME", "system", create.alert_id()));
  EXPECT_FALSE(Audit(kOrg, "", batch_id).empty());
}

TEST_F(ReviewIntegrationTest, TwoHundredFiftyAutoSelectedAlertsCloseABatchByThemselves) {
  auto batches = Reader(kafka::kSevisBatches, "review-it-auto");
  for (int n = 0; n < 250; ++n) {
    v1::Alert alert = CreateAlert(kOrgAuto, absl::StrCat("AUTO", n), n);
    Publish(kafka::kSevisAlerts, kOrgAuto, alert.SerializeAsString());
  }
  std::vector<v1::BatchDocument> documents = ReadBatches(*batches, kOrgAuto, 1);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].records_size(), 250);
  EXPECT_EQ(documents[0].user_id(), kSystemUser);  // a system close uses the org's userID
  EXPECT_EQ(documents[0].batch_id().substr(0, 2), "AU");
  v1::ListAlertsRequest selected;
  selected.set_org_id(kOrgAuto);
  selected.set_state(v1::ALERT_STATE_SELECTED);
  EXPECT_TRUE(List(selected).empty());
  v1::ListAlertsRequest batched;
  batched.set_org_id(kOrgAuto);
  batched.set_state(v1::ALERT_STATE_BATCHED);
  batched.set_limit(1000);
  EXPECT_EQ(List(batched).size(), 250u);
}

TEST_F(ReviewIntegrationTest, SixHundredSelectedAlertsCloseIntoThreeValidDocuments) {
  auto batches = Reader(kafka::kSevisBatches, "review-it-bulk");
  std::vector<std::string> ids;
  for (int n = 0; n < 600; ++n) {
    v1::Alert alert = CreateAlert(kOrgBulk, absl::StrCat("BULK", n), n);
    ids.push_back(alert.alert_id());
    Publish(kafka::kSevisAlerts, kOrgBulk, alert.SerializeAsString());
  }
  v1::ListAlertsRequest open;
  open.set_org_id(kOrgBulk);
  open.set_state(v1::ALERT_STATE_OPEN);
  open.set_limit(1000);
  ASSERT_EQ(WaitUntil(open, [](const auto& a) { return a.size() >= 600; }).size(), 600u);

  // One selection of 600 passes the 250 auto-close size: the whole selection is closed.
  v1::SelectAlertsRequest select;
  select.set_org_id(kOrgBulk);
  for (const std::string& id : ids) select.add_alert_ids(id);
  v1::SelectAlertsResponse selected;
  grpc::Status status = stub_->SelectAlerts(As(kTokenErin).get(), select, &selected);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(selected.changed(), 600);
  ASSERT_EQ(selected.batch_ids_size(), 3);
  std::set<std::string> unique(selected.batch_ids().begin(), selected.batch_ids().end());
  EXPECT_EQ(unique.size(), 3u);

  std::vector<v1::BatchDocument> documents = ReadBatches(*batches, kOrgBulk, 3);
  ASSERT_EQ(documents.size(), 3u);
  auto validator = sevisxml::SchemaValidator::Load(sevisxml::StudentSchemaPath(testing::XsdDir()));
  ASSERT_TRUE(validator.ok());
  std::set<std::string> alert_ids;
  std::vector<int> sizes;
  for (const v1::BatchDocument& document : documents) {
    EXPECT_TRUE(unique.contains(document.batch_id()));
    EXPECT_EQ(document.batch_id().size(), 14u);
    EXPECT_EQ(document.batch_id().substr(0, 2), "BK");
    EXPECT_TRUE((*validator)->Validate(document.xml()).empty());
    EXPECT_EQ(Xmllint(document.xml(), document.batch_id() + ".xml"), 0);
    sizes.push_back(document.records_size());
    for (const v1::BatchRecord& r : document.records()) alert_ids.insert(r.alert_id());
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<int>{100, 250, 250}));
  EXPECT_EQ(alert_ids.size(), 600u);
}

TEST_F(ReviewIntegrationTest, ExchangeVisitorAlertsOfAProgramCloseIntoAValidEvDocument) {
  auto batches = Reader(kafka::kSevisBatches, "review-it-ev");
  std::vector<v1::Alert> alerts = {
      sevisxml::testing::MakeCreateEvAlert(1, 2, 2),
      sevisxml::testing::MakeEvAlert(v1::EVENT_TYPE_EV_BIOGRAPHICAL, 2),
      sevisxml::testing::MakeEvAlert(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD, 3),
      sevisxml::testing::MakeEvAlert(v1::EVENT_TYPE_EV_PROGRAM_EXTENSION, 4)};
  v1::SelectAlertsRequest select;
  select.set_org_id(kProgram);
  for (size_t i = 0; i < alerts.size(); ++i) {
    alerts[i].set_alert_id(absl::StrFormat("ev%018d", static_cast<int>(i)));
    ASSERT_EQ(alerts[i].org_id(), kProgram);
    Publish(kafka::kSevisAlerts, kProgram, alerts[i].SerializeAsString());
    select.add_alert_ids(alerts[i].alert_id());
  }
  ASSERT_EQ(WaitState(kProgram, alerts.back().alert_id(), v1::ALERT_STATE_OPEN).state(),
            v1::ALERT_STATE_OPEN);
  v1::SelectAlertsResponse selected;
  ASSERT_TRUE(stub_->SelectAlerts(As(kTokenErin).get(), select, &selected).ok());
  ASSERT_EQ(selected.changed(), 4);
  v1::CloseBatchRequest close;
  close.set_org_id(kProgram);
  v1::CloseBatchResponse closed;
  grpc::Status status = stub_->CloseBatch(As(kTokenErin).get(), close, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(closed.returned_to_review(), 0);
  ASSERT_EQ(closed.batch_ids_size(), 1);

  std::vector<v1::BatchDocument> documents = ReadBatches(*batches, kProgram, 1);
  ASSERT_EQ(documents.size(), 1u);
  const v1::BatchDocument& document = documents[0];
  EXPECT_EQ(document.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(document.schema_version(), "6.27");
  EXPECT_EQ(document.user_id(), "erinro0001");  // the RO's own userID for the program
  EXPECT_EQ(document.batch_id().substr(0, 2), "EV");
  EXPECT_EQ(document.records_size(), 4);
  EXPECT_THAT(document.xml(), HasSubstr("<SEVISBatchCreateUpdateEV"));
  EXPECT_THAT(document.xml(), HasSubstr("<OrgID>P-1-12345</OrgID>"));
  auto validator =
      sevisxml::SchemaValidator::Load(sevisxml::ExchangeVisitorSchemaPath(testing::XsdDir()));
  ASSERT_TRUE(validator.ok());
  EXPECT_TRUE((*validator)->Validate(document.xml()).empty())
      << sevisxml::FormatErrors((*validator)->Validate(document.xml()));
  const std::filesystem::path file =
      std::filesystem::path(testing::ScratchDir("review-it-ev")) / "ev.xml";
  std::ofstream(file, std::ios::binary) << document.xml();
  const std::string command = absl::StrCat(
      "xmllint --noout --schema '", sevisxml::ExchangeVisitorSchemaPath(testing::XsdDir()), "' '",
      file.string(), "' 2>/dev/null");
  const int rc = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

TEST_F(ReviewIntegrationTest, AuditEntriesReachTheAuditTopic) {
  auto audit = Reader(kafka::kSevisAudit, "review-it-audit");
  const std::string person = "SIS100006";
  v1::Alert alert = FinancialAlert(kOrg, person, 7, 31000);
  Publish(kafka::kSevisAlerts, kOrg, alert.SerializeAsString());
  ASSERT_EQ(WaitState(kOrg, alert.alert_id(), v1::ALERT_STATE_OPEN).state(),
            v1::ALERT_STATE_OPEN);
  v1::RejectAlertsRequest reject;
  reject.set_org_id(kOrg);
  reject.add_alert_ids(alert.alert_id());
  reject.set_reason("duplicate of a paper filing");
  v1::RejectAlertsResponse rejected;
  ASSERT_TRUE(stub_->RejectAlerts(As(kTokenErin).get(), reject, &rejected).ok());
  bool seen = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    auto messages = audit->Poll(100, 200ms);
    ASSERT_TRUE(messages.ok());
    for (const kafka::Message& m : *messages) {
      v1::AuditEntry entry;
      ASSERT_TRUE(entry.ParseFromString(m.value));
      EXPECT_EQ(m.key, entry.org_id());
      if (entry.alert_id() == alert.alert_id() && entry.action() == "REJECT") {
        EXPECT_EQ(entry.actor(), "erin");
        EXPECT_EQ(entry.sevis_user_id(), kErinUser);
        EXPECT_EQ(entry.detail(), "duplicate of a paper filing");
        seen = true;
      }
    }
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace sevisflow
