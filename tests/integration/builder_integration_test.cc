// services/builder against a real Apache Kafka broker, a real redis-server and the official
// SEVIS 6.55 XSD: alerts in, review over gRPC, one XSD-valid BatchDocument out, idempotent
// replays, invalid records kept back in review, outcomes applied, crash-safe re-publication.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
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
#include "absl/time/time.h"
#include "services/builder/src/app.h"
#include "services/builder/src/builder.h"
#include "sevisflow/batching/build.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr char kOrgA[] = "BOS214F00123000";
constexpr char kOrgB[] = "NYC214F00456000";
constexpr char kOrgC[] = "SFO214F00789000";
constexpr char kUserA[] = "tpdso-4140";   // configured for org A
constexpr char kUserB[] = "kander6952";   // configured for org B
constexpr char kCaller[] = "dsocal0001";  // SEVIS userID of DSO "carol" for org A
// DSO bearer tokens (the builder is configured with their SHA-256).
constexpr char kTokenCarol[] = "token-carol";  // orgs A, B (as kUserB), C (as kUserB)
constexpr char kTokenDave[] = "token-dave";    // org B only

testing::KafkaBroker* g_broker = nullptr;
testing::RedisServer* g_redis = nullptr;

class ServersEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    testing::KafkaBrokerOptions options;
    options.name = "kafka-builder-it";
    broker_ = std::make_unique<testing::KafkaBroker>(options);
    absl::Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << "cannot start Apache Kafka: " << s;
    ASSERT_TRUE(kafka::EnsureTopics(broker_->bootstrap(), kafka::DefaultTopics(3), 60s).ok());
    absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis =
        testing::RedisServer::Start("redis-builder-it");
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    g_broker = broker_.get();
    g_redis = redis_.get();
  }
  void TearDown() override {
    g_broker = nullptr;
    g_redis = nullptr;
    redis_.reset();
    if (broker_) {
      EXPECT_TRUE(broker_->Stop().ok());
    }
    broker_.reset();
  }

 private:
  std::unique_ptr<testing::KafkaBroker> broker_;
  std::unique_ptr<testing::RedisServer> redis_;
};

::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new ServersEnvironment);

// A hand-built Create Student alert; every code checked against 6.55 SEVISTable.xsd:
// VisaType 01 (StudentVisaCodeType), Gender F/M, countries IN / FR (BirthCntryCodeType,
// CntryCodeWithoutType), IssueReason I (StudentCreationReason), EduLevel 04 (EduLevelCodeType),
// majors 11.0701 / 00.0000, state MA (StateCodeType).
v1::Alert CreateStudentAlert(const std::string& org, int n) {
  v1::Alert alert;
  alert.set_alert_id(absl::StrFormat("%s%08x", org == kOrgA ? "a0a0a0a0a0a0" : "b0b0b0b0b0b0",
                                     static_cast<unsigned>(n)));
  if (org == kOrgC) alert.set_alert_id(absl::StrFormat("c0c0c0c0c0c0%08x", n));
  alert.set_org_id(org);
  alert.set_person_id(absl::StrCat("SYN", org.substr(0, 3), n));
  alert.set_visa_family(v1::VISA_FAMILY_FM);
  alert.set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  alert.set_detected_at(absl::StrFormat("2026-11-2%dT10:00:00Z", n % 10));
  v1::CreateStudentData* d = alert.mutable_create_student();
  d->set_visa_type("01");
  d->set_last_name(absl::StrCat("Synthetic", std::string(1, static_cast<char>('a' + n % 26))));
  d->set_first_name("Testa");
  d->set_birth_date("2004-02-1" + std::to_string(n % 10));
  d->set_gender(n % 2 == 0 ? "F" : "M");
  d->set_birth_city("Pune");
  d->set_birth_country("IN");
  d->set_citizenship_country(n % 2 == 0 ? "IN" : "FR");
  d->set_email(absl::StrCat("synthetic", n, "@example.edu"));
  d->set_issue_reason("I");
  v1::Address* us = d->mutable_us_address();
  us->set_line1("1 Example Way");
  us->set_city("Boston");
  us->set_state("MA");
  us->set_postal_code("02115");
  v1::Address* foreign = d->mutable_foreign_address();
  foreign->set_line1("7 Sample Road");
  foreign->set_city("Pune");
  foreign->set_country("IN");
  foreign->set_postal_code("411001");
  d->set_level_of_education("04");
  d->set_primary_major("11.0701");
  d->set_secondary_major("00.0000");
  d->set_minor("00.0000");
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

class BuilderIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_NE(g_broker, nullptr) << "broker did not start";
    ASSERT_NE(g_redis, nullptr) << "redis did not start";
    builder::AppConfig config;
    config.service.kafka_brokers = g_broker->bootstrap();
    config.service.redis_host = g_redis->host();
    config.service.redis_port = g_redis->port();
    config.service.grpc_listen = "127.0.0.1:0";
    config.service.metrics_port = 0;
    config.service.xsd_dir = testing::XsdDir();
    config.builder.orgs[kOrgA] = builder::OrgOptions{kUserA, true, std::nullopt, ""};
    config.builder.orgs[kOrgB] = builder::OrgOptions{kUserB, true, std::nullopt, ""};
    // Manual review, and its own batch ID prefix.
    config.builder.orgs[kOrgC] = builder::OrgOptions{kUserB, std::nullopt, std::nullopt, "CC"};
    config.dsos.push_back(rpc::Dso{"carol", rpc::TokenSha256Hex(kTokenCarol),
                                   {{kOrgA, kCaller}, {kOrgB, kUserB}, {kOrgC, kUserB}}});
    config.dsos.push_back(rpc::Dso{"dave", rpc::TokenSha256Hex(kTokenDave), {{kOrgB, kUserB}}});
    absl::StatusOr<std::unique_ptr<builder::App>> app =
        builder::App::Create(std::move(config), clock_);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = std::move(*app);
    absl::Status started = app_->Start();
    ASSERT_TRUE(started.ok()) << started;

    kafka::ProducerOptions producer_options;
    producer_options.brokers = g_broker->bootstrap();
    producer_options.client_id = "builder-it";
    absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
        kafka::Producer::Create(producer_options);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);

    kafka::ConsumerOptions consumer_options;
    consumer_options.brokers = g_broker->bootstrap();
    consumer_options.group_id = "builder-it-batches";
    consumer_options.topics = {kafka::kSevisBatches};
    absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer =
        kafka::Consumer::Create(consumer_options);
    ASSERT_TRUE(consumer.ok()) << consumer.status();
    batches_ = std::move(*consumer);

    stub_ = v1::ReviewService::NewStub(
        rpc::Dial(absl::StrCat("127.0.0.1:", app_->grpc_port())));
  }

  static void TearDownTestSuite() {
    stub_.reset();
    batches_.reset();
    producer_.reset();
    if (app_) app_->Stop();
    app_.reset();
  }

  void SetUp() override { ASSERT_NE(app_, nullptr); }

  static void PublishAlert(const v1::Alert& alert) {
    ASSERT_TRUE(
        producer_->Send(kafka::kSevisAlerts, alert.org_id(), alert.SerializeAsString()).ok());
  }

  static std::vector<v1::ReviewAlert> List(const std::string& org, v1::AlertState state) {
    v1::ListAlertsRequest request;
    request.set_org_id(org);
    request.set_state(state);
    v1::ListAlertsResponse response;
    grpc::ClientContext context;
    rpc::SetBearerToken(context, kTokenCarol);
    grpc::Status status = stub_->ListAlerts(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.alerts().begin(), response.alerts().end()};
  }

  // Polls ListAlerts until `count` alerts are in `state` (or 60 s passed).
  static std::vector<v1::ReviewAlert> WaitFor(const std::string& org, v1::AlertState state,
                                              size_t count) {
    std::vector<v1::ReviewAlert> alerts;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      alerts = List(org, state);
      if (alerts.size() >= count) break;
      std::this_thread::sleep_for(100ms);
    }
    return alerts;
  }

  static grpc::Status Close(const std::string& org, const std::string& token,
                            v1::CloseBatchResponse* response) {
    v1::CloseBatchRequest request;
    request.set_org_id(org);
    grpc::ClientContext context;
    if (!token.empty()) rpc::SetBearerToken(context, token);
    return stub_->CloseBatch(&context, request, response);
  }

  // Documents of `org` on sevis.batches read within `wait`.
  static std::vector<v1::BatchDocument> ReadBatches(const std::string& org,
                                                    std::chrono::milliseconds wait,
                                                    size_t stop_at) {
    std::vector<v1::BatchDocument> documents;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline && documents.size() < stop_at) {
      absl::StatusOr<std::vector<kafka::Message>> messages = batches_->Poll(100, 200ms);
      EXPECT_TRUE(messages.ok()) << messages.status();
      if (!messages.ok()) break;
      for (const kafka::Message& m : *messages) {
        EXPECT_TRUE(batches_->Store(m).ok());
        v1::BatchDocument document;
        EXPECT_TRUE(document.ParseFromString(m.value));
        EXPECT_EQ(m.key, document.org_id());
        if (document.org_id() == org) documents.push_back(std::move(document));
      }
    }
    return documents;
  }

  static double Counter(const std::string& name, const common::Labels& labels) {
    return app_->metrics().GetCounter(name, "", labels).Value();
  }

  static common::SystemClock clock_;
  static std::unique_ptr<builder::App> app_;
  static std::unique_ptr<kafka::Producer> producer_;
  static std::unique_ptr<kafka::Consumer> batches_;
  static std::unique_ptr<v1::ReviewService::Stub> stub_;
};

common::SystemClock BuilderIntegrationTest::clock_;
std::unique_ptr<builder::App> BuilderIntegrationTest::app_;
std::unique_ptr<kafka::Producer> BuilderIntegrationTest::producer_;
std::unique_ptr<kafka::Consumer> BuilderIntegrationTest::batches_;
std::unique_ptr<v1::ReviewService::Stub> BuilderIntegrationTest::stub_;

int Xmllint(const std::string& xml) {
  const std::filesystem::path dir = testing::ScratchDir("builder-it-xml");
  const std::string file = (dir / "batch.xml").string();
  std::ofstream(file, std::ios::binary) << xml;
  const std::string xsd = sevisxml::StudentSchemaPath(testing::XsdDir());
  const std::string command = absl::StrCat("xmllint --noout --schema '", xsd, "' '", file, "'");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(BuilderIntegrationTest, ThreeAlertsBecomeOneValidDocumentAndReplaysAddNothing) {
  std::vector<v1::Alert> alerts;
  for (int n = 1; n <= 3; ++n) alerts.push_back(CreateStudentAlert(kOrgA, n));
  for (const v1::Alert& alert : alerts) PublishAlert(alert);

  // auto_select: alerts without issues are SELECTED on arrival.
  ASSERT_EQ(WaitFor(kOrgA, v1::ALERT_STATE_SELECTED, 3).size(), 3u);

  v1::CloseBatchResponse closed;
  grpc::Status status = Close(kOrgA, kTokenCarol, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(closed.batch_ids_size(), 1);
  EXPECT_EQ(closed.records(), 3);
  const std::string batch_id = closed.batch_ids(0);
  EXPECT_EQ(batch_id, "SF000000000001");

  std::vector<v1::BatchDocument> documents = ReadBatches(kOrgA, 60s, 1);
  ASSERT_EQ(documents.size(), 1u);
  const v1::BatchDocument& document = documents[0];
  EXPECT_EQ(document.batch_id(), batch_id);
  EXPECT_EQ(document.batch_id().size(), 14u);
  EXPECT_EQ(document.user_id(), kCaller);  // the closing DSO's userID for the org
  ASSERT_EQ(document.records_size(), 3);
  std::set<std::string> expected_ids, record_ids;
  for (const v1::Alert& alert : alerts) expected_ids.insert(alert.alert_id());
  for (const v1::BatchRecord& record : document.records()) {
    EXPECT_EQ(record.request_id(), record.alert_id());
    EXPECT_EQ(record.alert().alert_id(), record.alert_id());
    EXPECT_EQ(record.alert().person_id(), record.person_id());
    EXPECT_EQ(record.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
    EXPECT_THAT(document.xml(), HasSubstr(absl::StrCat("requestID=\"", record.request_id())));
    record_ids.insert(record.alert_id());
  }
  EXPECT_EQ(record_ids, expected_ids);

  // The XML is valid for Xerces (a fresh validator) and for libxml2.
  absl::StatusOr<std::unique_ptr<sevisxml::SchemaValidator>> validator =
      sevisxml::SchemaValidator::Load(sevisxml::StudentSchemaPath(testing::XsdDir()));
  ASSERT_TRUE(validator.ok()) << validator.status();
  EXPECT_TRUE((*validator)->Validate(document.xml()).empty())
      << sevisxml::FormatErrors((*validator)->Validate(document.xml()));
  EXPECT_EQ(Xmllint(document.xml()), 0);
  EXPECT_THAT(document.xml(), HasSubstr(absl::StrCat("<BatchID>", batch_id, "</BatchID>")));

  EXPECT_EQ(WaitFor(kOrgA, v1::ALERT_STATE_BATCHED, 3).size(), 3u);

  // Replaying the same alerts changes nothing: known ids are ignored.
  const double duplicates_before =
      Counter("sevisflow_builder_alerts_received_total", {{"result", "duplicate"}});
  for (const v1::Alert& alert : alerts) PublishAlert(alert);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (Counter("sevisflow_builder_alerts_received_total", {{"result", "duplicate"}}) <
             duplicates_before + 3 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GE(Counter("sevisflow_builder_alerts_received_total", {{"result", "duplicate"}}),
            duplicates_before + 3);
  EXPECT_TRUE(List(kOrgA, v1::ALERT_STATE_SELECTED).empty());
  EXPECT_TRUE(List(kOrgA, v1::ALERT_STATE_OPEN).empty());
  v1::CloseBatchResponse again;
  ASSERT_TRUE(Close(kOrgA, kTokenCarol, &again).ok());
  EXPECT_EQ(again.batch_ids_size(), 0);
  EXPECT_TRUE(ReadBatches(kOrgA, 3s, 1).empty());

  // An outcome marks its alert ACCEPTED and the batch PROCESSED.
  v1::Outcome outcome;
  outcome.set_alert_id(alerts[0].alert_id());
  outcome.set_batch_id(batch_id);
  outcome.set_request_id(alerts[0].alert_id());
  outcome.set_org_id(kOrgA);
  outcome.set_person_id(alerts[0].person_id());
  outcome.set_accepted(true);
  outcome.set_sevis_id("N0000000001");
  ASSERT_TRUE(producer_
                  ->Send(kafka::kSevisOutcomes, outcome.person_id(),
                         outcome.SerializeAsString())
                  .ok());
  std::vector<v1::ReviewAlert> accepted = WaitFor(kOrgA, v1::ALERT_STATE_ACCEPTED, 1);
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].alert().alert_id(), alerts[0].alert_id());
  EXPECT_EQ(accepted[0].batch_id(), batch_id);

  v1::ListBatchesRequest list_request;
  list_request.set_org_id(kOrgA);
  v1::ListBatchesResponse listed;
  grpc::ClientContext context;
  rpc::SetBearerToken(context, kTokenCarol);
  ASSERT_TRUE(stub_->ListBatches(&context, list_request, &listed).ok());
  ASSERT_EQ(listed.batches_size(), 1);
  EXPECT_EQ(listed.batches(0).batch_id(), batch_id);
  EXPECT_EQ(listed.batches(0).records(), 3);
  EXPECT_EQ(listed.batches(0).state(), "PROCESSED");
  EXPECT_EQ(listed.batches(0).closed_by(), "carol");
  EXPECT_EQ(listed.batches(0).user_id(), kCaller);
}

TEST_F(BuilderIntegrationTest, InvalidRecordNeverLeavesAndIsBackInReviewWithTheXsdMessage) {
  v1::Alert good = CreateStudentAlert(kOrgB, 1);
  v1::Alert bad = CreateStudentAlert(kOrgB, 2);
  bad.mutable_create_student()->set_birth_country("ZZ");  // not in BirthCntryCodeType
  PublishAlert(good);
  PublishAlert(bad);
  ASSERT_EQ(WaitFor(kOrgB, v1::ALERT_STATE_SELECTED, 2).size(), 2u);

  // Dave's SEVIS userID for org B goes into the document.
  v1::CloseBatchResponse closed;
  grpc::Status status = Close(kOrgB, kTokenDave, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(closed.batch_ids_size(), 1);
  EXPECT_EQ(closed.records(), 1);

  std::vector<v1::BatchDocument> documents = ReadBatches(kOrgB, 60s, 1);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].user_id(), kUserB);
  ASSERT_EQ(documents[0].records_size(), 1);
  EXPECT_EQ(documents[0].records(0).alert_id(), good.alert_id());
  EXPECT_THAT(documents[0].xml(), ::testing::Not(HasSubstr(bad.alert_id())));
  EXPECT_EQ(Xmllint(documents[0].xml()), 0);

  std::vector<v1::ReviewAlert> open = List(kOrgB, v1::ALERT_STATE_OPEN);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].alert().alert_id(), bad.alert_id());
  ASSERT_GE(open[0].review_issues_size(), 1);
  EXPECT_EQ(open[0].review_issues(0).code(), "XSD_INVALID");
  EXPECT_THAT(open[0].review_issues(0).field(), HasSubstr("BirthCountryCode"));
  EXPECT_THAT(open[0].review_issues(0).message(), HasSubstr("ZZ"));

  // An alert with issues can never be selected again.
  v1::SelectAlertsRequest select;
  select.set_org_id(kOrgB);
  select.add_alert_ids(bad.alert_id());
  v1::SelectAlertsResponse selected;
  grpc::ClientContext context;
  rpc::SetBearerToken(context, kTokenDave);
  ASSERT_TRUE(stub_->SelectAlerts(&context, select, &selected).ok());
  EXPECT_EQ(selected.changed(), 0);
  ASSERT_EQ(selected.refused_size(), 1);
  EXPECT_EQ(selected.refused(0), bad.alert_id());
  EXPECT_THAT(selected.refused_reasons(0), HasSubstr("validation errors"));

  v1::CloseBatchResponse again;
  ASSERT_TRUE(Close(kOrgB, kTokenDave, &again).ok());
  EXPECT_EQ(again.batch_ids_size(), 0);
  EXPECT_TRUE(ReadBatches(kOrgB, 3s, 1).empty());
}

TEST_F(BuilderIntegrationTest, ManualSelectionAndUserIdRules) {
  v1::Alert alert = CreateStudentAlert(kOrgC, 1);
  v1::Alert flagged = CreateStudentAlert(kOrgC, 2);
  v1::ValidationIssue* issue = flagged.add_issues();
  issue->set_field("names.legal.last_name");
  issue->set_code("NAME_INVALID_CHARACTER");
  PublishAlert(alert);
  PublishAlert(flagged);
  // No auto-select for org C: both arrive OPEN.
  ASSERT_EQ(WaitFor(kOrgC, v1::ALERT_STATE_OPEN, 2).size(), 2u);

  v1::SelectAlertsRequest select;
  select.set_org_id(kOrgC);
  select.add_alert_ids(alert.alert_id());
  select.add_alert_ids(flagged.alert_id());
  v1::SelectAlertsResponse selected;
  {
    // Dave is not granted org C: refused, nothing changes.
    grpc::ClientContext context;
    rpc::SetBearerToken(context, kTokenDave);
    grpc::Status denied = stub_->SelectAlerts(&context, select, &selected);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(denied.error_message(), HasSubstr(kOrgC));
  }
  {
    // No token, or an unknown one: unauthenticated.
    grpc::ClientContext none;
    EXPECT_EQ(stub_->SelectAlerts(&none, select, &selected).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    grpc::ClientContext wrong;
    rpc::SetBearerToken(wrong, "not-a-token");
    EXPECT_EQ(stub_->SelectAlerts(&wrong, select, &selected).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_TRUE(List(kOrgC, v1::ALERT_STATE_SELECTED).empty());
  {
    grpc::ClientContext context;
    rpc::SetBearerToken(context, kTokenCarol);
    ASSERT_TRUE(stub_->SelectAlerts(&context, select, &selected).ok());
  }
  EXPECT_EQ(selected.changed(), 1);
  ASSERT_EQ(selected.refused_size(), 1);
  EXPECT_EQ(selected.refused(0), flagged.alert_id());

  // The close timer's work: every configured org, with its configured user id.
  app_->builder().CloseAllConfiguredOrgs();
  std::vector<v1::BatchDocument> documents = ReadBatches(kOrgC, 60s, 1);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].user_id(), kUserB);
  EXPECT_EQ(documents[0].batch_id().substr(0, 2), "CC");  // the org's own prefix
  ASSERT_EQ(documents[0].records_size(), 1);
  EXPECT_EQ(documents[0].records(0).alert_id(), alert.alert_id());
  EXPECT_TRUE(List(kOrgC, v1::ALERT_STATE_SELECTED).empty());
  EXPECT_EQ(List(kOrgC, v1::ALERT_STATE_OPEN).size(), 1u);  // the flagged one stays
}

TEST_F(BuilderIntegrationTest, ReservedBatchIsRepublishedUnchanged) {
  // A batch reserved by a builder that died before Kafka acknowledged it.
  redis::ClientOptions redis_options;
  redis_options.host = g_redis->host();
  redis_options.port = g_redis->port();
  absl::StatusOr<std::unique_ptr<redis::Client>> redis = redis::Client::Create(redis_options);
  ASSERT_TRUE(redis.ok());
  v1::BatchDocument document;
  document.set_batch_id("SF000000000777");
  document.set_org_id(kOrgC);
  document.set_user_id(kUserB);
  document.set_xml("<SEVISBatchCreateUpdateStudent/>");
  ASSERT_TRUE((*redis)
                  ->HSet(builder::BatchKey(document.batch_id()),
                         {{"org", kOrgC},
                          {"state", builder::kBatchReserved},
                          {"records", "0"},
                          {"document", document.SerializeAsString()}})
                  .ok());
  ASSERT_TRUE(
      (*redis)->Command({"SADD", builder::kReservedBatchesKey, document.batch_id()}).ok());

  absl::StatusOr<int> republished = app_->builder().RepublishReserved();
  ASSERT_TRUE(republished.ok()) << republished.status();
  EXPECT_EQ(*republished, 1);
  std::vector<v1::BatchDocument> documents = ReadBatches(kOrgC, 60s, 1);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].batch_id(), "SF000000000777");
  EXPECT_EQ(documents[0].xml(), document.xml());
  absl::StatusOr<std::map<std::string, std::string>> stored =
      (*redis)->HGetAll(builder::BatchKey(document.batch_id()));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->at("state"), builder::kBatchBuilt);
  EXPECT_FALSE(stored->contains("document"));
  // Once published it is not published again.
  EXPECT_EQ(*app_->builder().RepublishReserved(), 0);
}

TEST_F(BuilderIntegrationTest, StartUpMarksTheReviewIndexesComplete) {
  // App::Start ran EnsureReviewIndexes on the (empty) Redis: the indexes are complete.
  redis::ClientOptions redis_options;
  redis_options.host = g_redis->host();
  redis_options.port = g_redis->port();
  absl::StatusOr<std::unique_ptr<redis::Client>> redis = redis::Client::Create(redis_options);
  ASSERT_TRUE(redis.ok());
  absl::StatusOr<std::optional<std::string>> marker = (*redis)->Get(builder::kReviewIndexKey);
  ASSERT_TRUE(marker.ok()) << marker.status();
  EXPECT_EQ(marker->value_or(""), "1");
}

// ListAlerts over the review indexes (person, detection time): a Builder in-process over the
// same redis-server (no Kafka: its ports record what would be published) and a fake clock.
constexpr char kIdxOrgPerson[] = "IDX214F00901000";
constexpr char kIdxOrgAge[] = "IDX214F00902000";
constexpr char kIdxOrgRebuild[] = "IDX214F00903000";

class ReviewIndexTest : public ::testing::Test {
 protected:
  static constexpr int64_t kNowSeconds = 1795521600;  // 2026-11-24T12:00:00Z

  void SetUp() override {
    ASSERT_NE(g_redis, nullptr);
    redis::ClientOptions redis_options;
    redis_options.host = g_redis->host();
    redis_options.port = g_redis->port();
    absl::StatusOr<std::unique_ptr<redis::Client>> redis = redis::Client::Create(redis_options);
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    absl::StatusOr<batching::LoadedValidators> validators =
        batching::LoadValidators(testing::XsdDir());
    ASSERT_TRUE(validators.ok()) << validators.status();
    validators_ = *std::move(validators);
    builder_ = MakeBuilder();
    absl::StatusOr<int> ensured = builder_->EnsureReviewIndexes();
    ASSERT_TRUE(ensured.ok()) << ensured.status();
  }

  std::unique_ptr<builder::Builder> MakeBuilder() {
    builder::BuilderOptions options;
    options.auto_close_selected = 0;
    builder::BuilderPorts ports;
    ports.publish_batch = [this](const v1::BatchDocument& document) {
      published_.push_back(document.batch_id());
      return absl::OkStatus();
    };
    ports.publish_audit = [](const v1::AuditEntry&) { return absl::OkStatus(); };
    return std::make_unique<builder::Builder>(options, *redis_, validators_.view(),
                                              std::move(ports), clock_, metrics_);
  }

  static std::string At(int64_t seconds_ago) {
    return absl::FormatTime(absl::RFC3339_full, absl::FromUnixSeconds(kNowSeconds - seconds_ago),
                            absl::UTCTimeZone());
  }

  // A valid Create Student alert of `org` for `person`, detected `seconds_ago` ("" = no time).
  static v1::Alert MakeAlert(const std::string& org, int n, const std::string& person,
                             const std::string& subject, std::optional<int64_t> seconds_ago) {
    v1::Alert alert = CreateStudentAlert(org, n);
    alert.set_alert_id(absl::StrFormat("d%c0d0d0d0d0d%08x", org[11], static_cast<unsigned>(n)));
    alert.set_person_id(person);
    alert.set_subject(subject);
    alert.set_snapshot_version(1);
    alert.set_detected_at(seconds_ago.has_value() ? At(*seconds_ago) : "");
    return alert;
  }

  v1::ListAlertsResponse List(v1::ListAlertsRequest request) {
    absl::StatusOr<v1::ListAlertsResponse> listed = builder_->ListAlerts(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : v1::ListAlertsResponse();
  }

  static std::vector<std::string> Ids(const v1::ListAlertsResponse& response) {
    std::vector<std::string> ids;
    for (const v1::ReviewAlert& a : response.alerts()) ids.push_back(a.alert().alert_id());
    return ids;
  }

  // What today's whole-org reading returns: the listing without person and age filters (the
  // open set read whole), filtered here, cut at `limit`.
  std::vector<std::string> Reference(v1::ListAlertsRequest request) {
    const int limit = request.limit() <= 0 ? 100 : request.limit();
    const std::string person = request.person_id();
    const int64_t min_age = request.min_age_seconds();
    const int64_t max_age = request.max_age_seconds();
    request.clear_person_id();
    request.clear_min_age_seconds();
    request.clear_max_age_seconds();
    request.set_limit(10000);
    std::vector<std::string> ids;
    const v1::ListAlertsResponse whole = List(request);
    for (const v1::ReviewAlert& a : whole.alerts()) {
      if (!person.empty() && a.alert().person_id() != person) continue;
      absl::Time detected;
      std::string error;
      int64_t age_ms = 0;
      if (absl::ParseTime(absl::RFC3339_full, a.alert().detected_at(), &detected, &error)) {
        age_ms = kNowSeconds * 1000 - absl::ToUnixMillis(detected);
      }
      if (min_age > 0 && age_ms < min_age * 1000) continue;
      if (max_age > 0 && age_ms > max_age * 1000) continue;
      if (static_cast<int>(ids.size()) < limit) ids.push_back(a.alert().alert_id());
    }
    return ids;
  }

  // Every state, with and without a limit: the person's listing is the reference's.
  void ExpectPersonListingsMatch(const std::string& org, const std::string& person) {
    for (int state = v1::AlertState_MIN; state <= v1::AlertState_MAX; ++state) {
      for (int limit : {0, 1, 10000}) {
        v1::ListAlertsRequest request;
        request.set_org_id(org);
        request.set_person_id(person);
        request.set_state(static_cast<v1::AlertState>(state));
        request.set_limit(limit);
        EXPECT_EQ(Ids(List(request)), Reference(request))
            << person << " state " << v1::AlertState_Name(static_cast<v1::AlertState>(state))
            << " limit " << limit;
      }
    }
  }

  std::vector<std::string> PersonIds(const std::string& org, const std::string& person,
                                     v1::AlertState state) {
    v1::ListAlertsRequest request;
    request.set_org_id(org);
    request.set_person_id(person);
    request.set_state(state);
    return Ids(List(request));
  }

  // The members of a sorted set with their scores, in order.
  std::vector<std::string> ZRange(const std::string& key) {
    absl::StatusOr<redis::Reply> reply =
        redis_->Command({"ZRANGE", key, "0", "-1", "WITHSCORES"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    std::vector<std::string> out;
    if (reply.ok()) {
      for (const redis::Reply& e : reply->elements) out.push_back(e.str);
    }
    return out;
  }

  common::FakeClock clock_{common::TimePoint(std::chrono::seconds(kNowSeconds))};
  common::MetricsRegistry metrics_;
  std::unique_ptr<redis::Client> redis_;
  batching::LoadedValidators validators_;
  std::vector<std::string> published_;
  std::unique_ptr<builder::Builder> builder_;
};

TEST_F(ReviewIndexTest, PersonFilterFollowsSupersedeRejectBatchOutcomeAndRelease) {
  const std::string org = kIdxOrgPerson;
  const builder::Actor dso{"carol", kCaller};
  // P1: a (superseded by a2), c (rejected), d (held, then released); P2: e (batched, accepted);
  // P3..P6: one alert each, detected between P1's alerts.
  v1::Alert a = MakeAlert(org, 1, "IDXP1", "", 500);
  v1::Alert c = MakeAlert(org, 3, "IDXP1", "c", 400);
  v1::Alert d = MakeAlert(org, 4, "IDXP1", "d", 300);
  v1::Alert e = MakeAlert(org, 5, "IDXP2", "", 450);
  for (const v1::Alert& alert : {a, c, d, e}) ASSERT_TRUE(builder_->HandleAlert(alert).ok());
  for (int n = 3; n <= 6; ++n) {
    ASSERT_TRUE(builder_
                    ->HandleAlert(MakeAlert(org, 10 + n, absl::StrCat("IDXP", n), "",
                                            100 * n + 50))
                    .ok());
  }
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_OPEN),
            (std::vector<std::string>{a.alert_id(), c.alert_id(), d.alert_id()}));
  ExpectPersonListingsMatch(org, "IDXP1");

  // Supersede: a newer snapshot of the same (person, event, subject).
  v1::Alert a2 = MakeAlert(org, 2, "IDXP1", "", 200);
  a2.set_snapshot_version(2);
  ASSERT_TRUE(builder_->HandleAlert(a2).ok());
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_OPEN),
            (std::vector<std::string>{c.alert_id(), d.alert_id(), a2.alert_id()}));
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_SUPERSEDED),
            (std::vector<std::string>{a.alert_id()}));
  ExpectPersonListingsMatch(org, "IDXP1");

  // Reject.
  v1::RejectAlertsRequest reject;
  reject.set_org_id(org);
  reject.add_alert_ids(c.alert_id());
  reject.set_reason("duplicate of a manual entry");
  absl::StatusOr<v1::RejectAlertsResponse> rejected = builder_->RejectAlerts(dso, reject);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->changed(), 1);
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_OPEN),
            (std::vector<std::string>{d.alert_id(), a2.alert_id()}));
  ExpectPersonListingsMatch(org, "IDXP1");

  // Batch: a2 and e go out; d is held while a2 awaits results.
  v1::SelectAlertsRequest select;
  select.set_org_id(org);
  select.add_alert_ids(a2.alert_id());
  select.add_alert_ids(e.alert_id());
  absl::StatusOr<v1::SelectAlertsResponse> selected = builder_->SelectAlerts(dso, select);
  ASSERT_TRUE(selected.ok()) << selected.status();
  ASSERT_EQ(selected->changed(), 2);
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_SELECTED),
            (std::vector<std::string>{a2.alert_id()}));
  absl::StatusOr<v1::CloseBatchResponse> closed = builder_->CloseBatch(dso, org);
  ASSERT_TRUE(closed.ok()) << closed.status();
  ASSERT_EQ(closed->batch_ids_size(), 1);
  EXPECT_EQ(closed->records(), 2);
  EXPECT_TRUE(PersonIds(org, "IDXP1", v1::ALERT_STATE_OPEN).empty());
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_HELD),
            (std::vector<std::string>{d.alert_id()}));
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_BATCHED),
            (std::vector<std::string>{a2.alert_id()}));
  EXPECT_EQ(PersonIds(org, "IDXP2", v1::ALERT_STATE_UNSPECIFIED),
            (std::vector<std::string>{e.alert_id()}));
  EXPECT_EQ(ZRange(builder::PersonOpenKey(org, "IDXP2")).size(), 0u);
  ExpectPersonListingsMatch(org, "IDXP1");
  ExpectPersonListingsMatch(org, "IDXP2");

  // Outcomes: e accepted (leaves review), a2 refused by SEVIS (back in review, FAILED), which
  // releases d.
  v1::Outcome accepted;
  accepted.set_alert_id(e.alert_id());
  accepted.set_batch_id(closed->batch_ids(0));
  accepted.set_org_id(org);
  accepted.set_person_id("IDXP2");
  accepted.set_accepted(true);
  ASSERT_TRUE(builder_->HandleOutcome(accepted).ok());
  v1::Outcome failed = accepted;
  failed.set_alert_id(a2.alert_id());
  failed.set_person_id("IDXP1");
  failed.set_accepted(false);
  failed.set_error_code("S1024");
  ASSERT_TRUE(builder_->HandleOutcome(failed).ok());
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_FAILED),
            (std::vector<std::string>{a2.alert_id()}));
  EXPECT_EQ(PersonIds(org, "IDXP1", v1::ALERT_STATE_OPEN),
            (std::vector<std::string>{d.alert_id()}));
  EXPECT_TRUE(PersonIds(org, "IDXP1", v1::ALERT_STATE_HELD).empty());
  EXPECT_EQ(PersonIds(org, "IDXP2", v1::ALERT_STATE_ACCEPTED),
            (std::vector<std::string>{e.alert_id()}));
  // The person's index holds exactly the person's ids of the open set, with its scores.
  EXPECT_EQ(ZRange(builder::PersonOpenKey(org, "IDXP1")),
            (std::vector<std::string>{d.alert_id(), std::to_string((kNowSeconds - 300) * 1000),
                                      a2.alert_id(),
                                      std::to_string((kNowSeconds - 200) * 1000)}));
  for (int n = 1; n <= 6; ++n) ExpectPersonListingsMatch(org, absl::StrCat("IDXP", n));
  ExpectPersonListingsMatch(org, "IDXP-nobody");
}

TEST_F(ReviewIndexTest, AgeWindowReturnsExactlyItsAlertsInOrderHonouringLimit) {
  const std::string org = kIdxOrgAge;
  const builder::Actor dso{"carol", kCaller};
  // Ages (s): 5, 30 (twice: the tie goes by id), 60 (the boundary, in), 61 (out), 3600, and
  // two without a detection time (0 s old), stored 2 h and 20 s ago (their open-set scores).
  v1::Alert a5 = MakeAlert(org, 5, "IDXQ1", "", 5);
  v1::Alert a30x = MakeAlert(org, 31, "IDXQ2", "", 30);
  v1::Alert a30y = MakeAlert(org, 32, "IDXQ3", "", 30);
  v1::Alert a60 = MakeAlert(org, 60, "IDXQ4", "", 60);
  v1::Alert a61 = MakeAlert(org, 61, "IDXQ5", "", 61);
  v1::Alert a3600 = MakeAlert(org, 3600, "IDXQ6", "", 3600);
  v1::Alert undated_old = MakeAlert(org, 7, "IDXQ7", "", std::nullopt);
  v1::Alert undated_new = MakeAlert(org, 8, "IDXQ8", "", std::nullopt);
  v1::Alert rejected = MakeAlert(org, 9, "IDXQ9", "", 10);
  v1::Alert selected = MakeAlert(org, 10, "IDXQ10", "", 40);
  clock_.Set(common::TimePoint(std::chrono::seconds(kNowSeconds - 7200)));
  ASSERT_TRUE(builder_->HandleAlert(undated_old).ok());
  clock_.Set(common::TimePoint(std::chrono::seconds(kNowSeconds - 20)));
  ASSERT_TRUE(builder_->HandleAlert(undated_new).ok());
  clock_.Set(common::TimePoint(std::chrono::seconds(kNowSeconds)));
  for (const v1::Alert& alert : {a5, a30y, a30x, a60, a61, a3600, rejected, selected}) {
    ASSERT_TRUE(builder_->HandleAlert(alert).ok());
  }
  v1::RejectAlertsRequest reject;
  reject.set_org_id(org);
  reject.add_alert_ids(rejected.alert_id());
  reject.set_reason("not needed");
  ASSERT_TRUE(builder_->RejectAlerts(dso, reject).ok());
  v1::SelectAlertsRequest select;
  select.set_org_id(org);
  select.add_alert_ids(selected.alert_id());
  ASSERT_TRUE(builder_->SelectAlerts(dso, select).ok());
  EXPECT_EQ(ZRange(builder::UndatedOpenKey(org)),
            (std::vector<std::string>{undated_old.alert_id(),
                                      std::to_string((kNowSeconds - 7200) * 1000),
                                      undated_new.alert_id(),
                                      std::to_string((kNowSeconds - 20) * 1000)}));

  // The latency benchmark's question: OPEN alerts of the last 60 s, oldest detection first.
  v1::ListAlertsRequest request;
  request.set_org_id(org);
  request.set_state(v1::ALERT_STATE_OPEN);
  request.set_max_age_seconds(60);
  request.set_limit(10000);
  const std::vector<std::string> window = {undated_old.alert_id(), a60.alert_id(),
                                           a30x.alert_id(),        a30y.alert_id(),
                                           undated_new.alert_id(), a5.alert_id()};
  ASSERT_LT(a30x.alert_id(), a30y.alert_id());
  EXPECT_EQ(Ids(List(request)), window);
  request.set_limit(3);
  EXPECT_EQ(Ids(List(request)), std::vector<std::string>(window.begin(), window.begin() + 3));
  request.set_min_age_seconds(30);
  EXPECT_EQ(Ids(List(request)),
            (std::vector<std::string>{a60.alert_id(), a30x.alert_id(), a30y.alert_id()}));
  request.set_state(v1::ALERT_STATE_UNSPECIFIED);
  request.set_limit(10000);
  EXPECT_EQ(Ids(List(request)), (std::vector<std::string>{a60.alert_id(), selected.alert_id(),
                                                           a30x.alert_id(), a30y.alert_id()}));
  request.set_min_age_seconds(61);
  request.set_max_age_seconds(0);
  EXPECT_EQ(Ids(List(request)), (std::vector<std::string>{a3600.alert_id(), a61.alert_id()}));

  // Every combination of bounds, state and limit is what the whole-org reading gives.
  constexpr int64_t kHuge = 1'000'000'000'000'000;  // no score bound (the builder's limit)
  for (int64_t min_age : {int64_t{0}, int64_t{5}, int64_t{30}, int64_t{31}, int64_t{61},
                          int64_t{100000}, kHuge}) {
    for (int64_t max_age : {int64_t{0}, int64_t{5}, int64_t{29}, int64_t{30}, int64_t{60},
                            int64_t{61}, int64_t{3600}, kHuge}) {
      for (int state = v1::AlertState_MIN; state <= v1::AlertState_MAX; ++state) {
        for (int limit : {0, 1, 2, 10000}) {
          v1::ListAlertsRequest r;
          r.set_org_id(org);
          r.set_state(static_cast<v1::AlertState>(state));
          r.set_min_age_seconds(min_age);
          r.set_max_age_seconds(max_age);
          r.set_limit(limit);
          ASSERT_EQ(Ids(List(r)), Reference(r)) << "min " << min_age << " max " << max_age
                                                << " state " << state << " limit " << limit;
        }
      }
    }
  }
}

TEST_F(ReviewIndexTest, MissingIndexesAreRebuiltAtStartUpAndListingsAreUnchanged) {
  const std::string org = kIdxOrgRebuild;
  const builder::Actor dso{"carol", kCaller};
  std::vector<std::string> persons;
  for (int n = 0; n < 12; ++n) {
    const std::string person = absl::StrCat("IDXR", n % 4);
    if (n < 4) persons.push_back(person);
    std::optional<int64_t> age;
    if (n % 5 != 4) age = 10 * n + 1;
    clock_.Set(common::TimePoint(std::chrono::seconds(kNowSeconds - 3 * n)));
    ASSERT_TRUE(builder_->HandleAlert(MakeAlert(org, n, person, absl::StrCat("s", n), age)).ok());
  }
  clock_.Set(common::TimePoint(std::chrono::seconds(kNowSeconds)));
  v1::RejectAlertsRequest reject;
  reject.set_org_id(org);
  reject.add_alert_ids(MakeAlert(org, 2, "", "", 0).alert_id());
  reject.set_reason("not needed");
  ASSERT_TRUE(builder_->RejectAlerts(dso, reject).ok());

  std::vector<v1::ListAlertsRequest> requests;
  for (v1::AlertState state : {v1::ALERT_STATE_UNSPECIFIED, v1::ALERT_STATE_OPEN,
                               v1::ALERT_STATE_REJECTED}) {
    for (const std::string& person : {std::string(), persons[0], persons[1], persons[3]}) {
      for (int64_t max_age : {0, 40, 60}) {
        v1::ListAlertsRequest r;
        r.set_org_id(org);
        r.set_state(state);
        r.set_person_id(person);
        r.set_max_age_seconds(max_age);
        requests.push_back(r);
        r.set_min_age_seconds(30);
        requests.push_back(r);
      }
    }
  }
  std::vector<std::vector<std::string>> before;
  for (const v1::ListAlertsRequest& r : requests) {
    before.push_back(Ids(List(r)));
    EXPECT_EQ(before.back(), Reference(r));
  }
  std::vector<std::vector<std::string>> indexes;
  for (const std::string& person : persons) {
    indexes.push_back(ZRange(builder::PersonOpenKey(org, person)));
  }
  indexes.push_back(ZRange(builder::UndatedOpenKey(org)));
  ASSERT_EQ(indexes.back().size(), 4u);  // alerts 4 and 9: no detection time

  // The data as a version without the indexes left it, plus a stale entry of a rebuild that
  // stopped half-way.
  std::vector<std::string> dropped = {builder::kReviewIndexKey, builder::UndatedOpenKey(org)};
  for (const std::string& person : persons) {
    dropped.push_back(builder::PersonOpenKey(org, person));
  }
  ASSERT_TRUE(redis_->Del(dropped).ok());
  ASSERT_TRUE(redis_
                  ->Command({"ZADD", builder::PersonOpenKey(org, persons[0]), "1",
                             MakeAlert(org, 2, "", "", 0).alert_id()})
                  .ok());

  // A builder starting on that data: until its indexes are rebuilt it reads whole open sets.
  builder_ = MakeBuilder();
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(Ids(List(requests[i])), before[i]);
  absl::StatusOr<int> rebuilt = builder_->EnsureReviewIndexes();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_GE(*rebuilt, 1);  // this test's org, and any other org of this Redis
  std::vector<std::vector<std::string>> after;
  for (const std::string& person : persons) {
    after.push_back(ZRange(builder::PersonOpenKey(org, person)));
  }
  after.push_back(ZRange(builder::UndatedOpenKey(org)));
  EXPECT_EQ(after, indexes);
  absl::StatusOr<std::optional<std::string>> marker = redis_->Get(builder::kReviewIndexKey);
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(marker->value_or(""), "1");
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(Ids(List(requests[i])), before[i]) << i;
  }
  // Once complete, a later start rebuilds nothing.
  builder_ = MakeBuilder();
  absl::StatusOr<int> again = builder_->EnsureReviewIndexes();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(Ids(List(requests[i])), before[i]);
}

}  // namespace
}  // namespace sevisflow
