// The Importer (src/importer.h) in-process against a real redis-server and Apache Kafka broker:
// a batch SEVIS failed as a whole returns every alert to review with the batch-level code and
// counts it; a replay changes nothing; results that are not final are dead-lettered; sites of
// an accepted CreateEV reach the master with their SiteIds.

#include "importer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/docstore/docstore.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "test_zip.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"

namespace sevisflow::importer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kOrg[] = "P-1-12345";

class Servers : public ::testing::Environment {
 public:
  void SetUp() override {
    auto r = testing::RedisServer::Start("importer-it-redis");
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server = std::move(*r);
    broker = std::make_unique<testing::KafkaBroker>(
        testing::KafkaBrokerOptions{.name = "importer-it-kafka", .num_partitions = 1});
    ASSERT_TRUE(broker->Start().ok()) << broker->LogTail();
    ASSERT_TRUE(
        kafka::EnsureTopics(broker->bootstrap(), kafka::DefaultTopics(1), seconds(60)).ok());
  }
  void TearDown() override {
    if (broker) (void)broker->Stop();
    if (redis_server) redis_server->Stop();
  }
  std::unique_ptr<testing::RedisServer> redis_server;
  std::unique_ptr<testing::KafkaBroker> broker;
};

Servers* const env = static_cast<Servers*>(::testing::AddGlobalTestEnvironment(new Servers));

// Reads a topic from the beginning with its own group.
class TopicReader {
 public:
  explicit TopicReader(const std::string& topic) {
    kafka::ConsumerOptions o;
    o.brokers = env->broker->bootstrap();
    o.group_id = "importer-it-" + topic;
    o.topics = {topic};
    auto c = kafka::Consumer::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    if (c.ok()) consumer_ = std::move(*c);
  }
  // Everything seen so far after polling until n records or the timeout.
  const std::vector<kafka::Message>& WaitFor(size_t n, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (consumer_ && seen_.size() < n && std::chrono::steady_clock::now() < deadline) {
      auto batch = consumer_->Poll(100, milliseconds(300));
      if (batch.ok()) {
        for (auto& m : *batch) seen_.push_back(std::move(m));
      }
    }
    return seen_;
  }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<kafka::Message> seen_;
};

class ImporterIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    docstore_ = testing::ScratchDir("importer_it_docstore");
    auto validator =
        sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(testing::XsdDir()));
    ASSERT_TRUE(validator.ok()) << validator.status();
    validator_ = std::move(*validator);
    redis::ClientOptions ro;
    ro.port = env->redis_server->port();
    auto redis = redis::Client::Create(ro);
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    kafka::ProducerOptions po;
    po.brokers = env->broker->bootstrap();
    auto producer = kafka::Producer::Create(po);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
    ImporterOptions io;
    io.docstore_root = docstore_;
    auto codes = ResultCodes::Load(testing::XsdDir() + "/../result-codes.tsv");
    ASSERT_TRUE(codes.ok()) << codes.status();
    io.result_codes = *codes;
    importer_ = std::make_unique<Importer>(io, *redis_, *producer_, *validator_, clock_, metrics_);
  }

  // A BatchResult for `records` whose zip (stored in the document store) holds `log`.
  kafka::Message Result(const std::string& batch_id, const std::vector<v1::BatchRecord>& records,
                        const sevisxml::TransactionLog* log) {
    v1::BatchResult result;
    result.set_batch_id(batch_id);
    result.set_org_id(kOrg);
    result.set_upload_result_code("S0000");
    result.set_download_result_code("S0000");
    result.set_fetched_at("2026-03-02T08:00:00Z");
    for (const auto& r : records) *result.add_records() = r;
    if (log != nullptr) {
      const std::string zip = MakeZip({{kLogEntryName, sevisxml::WriteTransactionLog(*log)}});
      const std::string path = docstore::BatchDir(kOrg, batch_id) + "/result.zip";
      EXPECT_TRUE(docstore::WriteFileAtomic(docstore_, path, zip).ok());
      result.set_zip_path(path);
      result.set_zip_sha256(docstore::Sha256Hex(zip));
    }
    kafka::Message m;
    m.topic = kafka::kSevisResults;
    m.partition = 0;
    m.offset = ++offset_;
    m.key = kOrg;
    m.value = result.SerializeAsString();
    return m;
  }

  static v1::BatchRecord Record(const std::string& id, const std::string& person,
                                v1::EventType event) {
    v1::BatchRecord r;
    r.set_request_id(id);
    r.set_alert_id("alert-" + id);
    r.set_person_id(person);
    r.set_event_type(event);
    r.mutable_alert()->set_event_type(event);
    return r;
  }

  static sevisxml::TransactionLog BaseLog(const std::string& batch_id) {
    sevisxml::TransactionLog log;
    log.batch_id = batch_id;
    log.org_id = kOrg;
    log.upload = sevisxml::LogStage{"S0000", "2026-03-01T09:00:00.000Z"};
    log.process = sevisxml::LogStage{"S0000", "2026-03-01T10:00:00.000Z"};
    log.download_result_code = "S0000";
    log.status = true;
    return log;
  }

  double Counter(const std::string& name, const common::Labels& labels) {
    return metrics_.GetCounter(name, "", labels).Value();
  }

  common::FakeClock clock_{common::TimePoint(seconds(1795000000))};
  common::MetricsRegistry metrics_;
  std::string docstore_;
  std::unique_ptr<sevisxml::SchemaValidator> validator_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<Importer> importer_;
  int64_t offset_ = 100;
};

TEST_F(ImporterIntegrationTest, BatchLevelFailuresReturnEveryAlertOnceAndNotFinalOnesNone) {
  TopicReader outcomes(kafka::kSevisOutcomes);
  TopicReader dlq(kafka::kSevisResultsDlq);

  // 1. The log says the upload was refused (S0013): both alerts back to review.
  sevisxml::TransactionLog refused = BaseLog("SFIT0000000001");
  refused.status = false;
  refused.upload = sevisxml::LogStage{"S0013", "2026-03-01T09:00:00.000Z"};
  refused.process.reset();
  refused.download_result_code.reset();
  const std::vector<v1::BatchRecord> records = {
      Record("r1", "P1", v1::EVENT_TYPE_REGISTRATION),
      Record("r2", "P2", v1::EVENT_TYPE_CREATE_STUDENT)};
  const kafka::Message first = Result("SFIT0000000001", records, &refused);
  ASSERT_TRUE(importer_->Handle(first).ok());
  const auto& seen = outcomes.WaitFor(2, seconds(60));
  ASSERT_EQ(seen.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    v1::Outcome o;
    ASSERT_TRUE(o.ParseFromString(seen[i].value));
    EXPECT_EQ(seen[i].key, records[i].person_id());
    EXPECT_EQ(o.alert_id(), records[i].alert_id());
    EXPECT_FALSE(o.accepted());
    EXPECT_TRUE(o.batch_level());
    EXPECT_EQ(o.error_code(), "S0013");
    EXPECT_EQ(o.error_message(), "XML does not comply with SEVIS schema");
  }
  EXPECT_EQ(Counter("sevisflow_importer_batch_results_total", {{"code", "S0013"}}), 1);
  auto marker = redis_->Get(ImportedKey(kOrg, "SFIT0000000001"));
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->has_value());

  // 2. The same result again: nothing published, nothing counted twice.
  ASSERT_TRUE(importer_->Handle(first).ok());
  EXPECT_EQ(Counter("sevisflow_importer_imports_total", {{"result", "duplicate"}}), 1);
  EXPECT_EQ(Counter("sevisflow_importer_batch_results_total", {{"code", "S0013"}}), 1);
  EXPECT_EQ(outcomes.WaitFor(3, seconds(3)).size(), 2u);

  // 3. No zip at all, the upload reply's code only (S0012).
  v1::BatchResult bare;
  ASSERT_TRUE(bare.ParseFromString(Result("SFIT0000000002", {records[0]}, nullptr).value));
  bare.set_upload_result_code("S0012");
  kafka::Message no_zip = Result("SFIT0000000002", {records[0]}, nullptr);
  no_zip.value = bare.SerializeAsString();
  ASSERT_TRUE(importer_->Handle(no_zip).ok());
  EXPECT_EQ(outcomes.WaitFor(3, seconds(60)).size(), 3u);
  v1::Outcome third;
  ASSERT_TRUE(third.ParseFromString(outcomes.WaitFor(3, seconds(1))[2].value));
  EXPECT_EQ(third.error_code(), "S0012");
  EXPECT_TRUE(third.batch_level());
  EXPECT_EQ(Counter("sevisflow_importer_batch_results_total", {{"code", "S0012"}}), 1);

  // 4. Not yet processed: dead-lettered, no outcome, no marker (a real result may follow).
  sevisxml::TransactionLog pending = BaseLog("SFIT0000000003");
  pending.status = false;
  pending.process.reset();
  pending.download_result_code = "S0030";
  ASSERT_TRUE(importer_->Handle(Result("SFIT0000000003", {records[0]}, &pending)).ok());
  EXPECT_EQ(dlq.WaitFor(1, seconds(60)).size(), 1u);
  auto no_marker = redis_->Get(ImportedKey(kOrg, "SFIT0000000003"));
  ASSERT_TRUE(no_marker.ok());
  EXPECT_FALSE(no_marker->has_value());
  EXPECT_EQ(outcomes.WaitFor(4, seconds(3)).size(), 3u);
}

TEST_F(ImporterIntegrationTest, AcceptedVisitorSitesReachTheMasterWithTheirSiteIds) {
  TopicReader master(kafka::kSevisMaster);
  v1::BatchRecord create = Record("e1", "EV1", v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  auto* d = create.mutable_alert()->mutable_create_exchange_visitor();
  d->set_last_name("Visitor");
  v1::SiteOfActivityData* site = d->add_sites();
  site->set_site_id("SIS-SITE-1");
  site->set_name("Harbor Lab");
  site->mutable_address()->set_line1("12 harbor street");
  site->mutable_address()->set_postal_code("02115");
  sevisxml::TransactionLog log = BaseLog("SFIT0000000010");
  sevisxml::LogRecord lr;
  lr.request_id = "e1";
  lr.sevis_id = "N0000000777";
  lr.success = true;
  lr.process_date = "2026-03-01T10:00:01.000Z";
  sevisxml::LogSite ls;
  ls.site_id = "SOA000000001";
  ls.site_name = "HARBOR LAB";
  ls.address.provided = sevisxml::LogAddress{"12 harbor street", "", "", "", "02115"};
  ls.address.corrected = sevisxml::LogAddress{"12 HARBOR ST", "", "BOSTON", "MA", "02115-1234"};
  ls.address.result = "S0000";
  lr.sites.push_back(ls);
  log.records.push_back(lr);
  log.success_count = 1;
  ASSERT_TRUE(importer_->Handle(Result("SFIT0000000010", {create}, &log)).ok());
  const auto& rows = master.WaitFor(1, seconds(60));
  ASSERT_EQ(rows.size(), 1u);
  v1::MasterRecord m;
  ASSERT_TRUE(m.ParseFromString(rows[0].value));
  ASSERT_EQ(m.sites_size(), 1);
  EXPECT_EQ(m.sites(0).site_id(), "SIS-SITE-1");
  EXPECT_EQ(m.sites(0).sevis_site_id(), "SOA000000001");
  EXPECT_EQ(m.sites(0).sevis_corrected_address().postal_code(), "02115-1234");
  // GetMaster (the importer's own view) answers with the same identity.
  auto view = importer_->GetMaster(kOrg, "EV1");
  ASSERT_TRUE(view.ok()) << view.status();
  ASSERT_TRUE(view->has_value());
  EXPECT_EQ((*view)->sites(0).sevis_site_id(), "SOA000000001");
}

}  // namespace
}  // namespace sevisflow::importer
