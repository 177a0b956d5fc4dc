// uploader + importer end to end against real servers: Apache Kafka (KRaft), redis-server, TLS
// material from scripts/gen-certs.sh and the real sevis-sim binary. The two services run as
// processes (their own binaries), exactly as deployed.
//
// Walking skeleton (Create Student): a 2-student batch goes sevis.batches → uploader → sim →
// sevis.results → importer → sevis.master + sevis.outcomes + PDFs; it is uploaded exactly once,
// a re-published document uploads nothing, and a replayed BatchResult imports nothing twice.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "sevisflow/http/client.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/testing/tls.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "upload_fixture.h"

namespace sevisflow {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kUser[] = "dso0000001";
constexpr char kBatchId[] = "SF000000000001";

struct Student {
  std::string request_id;  // = alert id, 20 hex characters
  std::string person_id;
  std::string last_name;
  std::string first_name;
  std::string birth_date;
};

const std::vector<Student>& Students() {
  static const std::vector<Student> students = {
      {"0123456789abcdef0001", "SIS-1001", "Testperson", "Alma", "2003-04-05"},
      {"0123456789abcdef0002", "SIS-1002", "Sampleton", "Bruno", "2002-11-30"},
  };
  return students;
}

// CreateStudent/Student with the required elements of Create-UpdateStudent.xsd 6.55; the test
// checks the whole document against the XSD before publishing it.
std::string StudentXml(const Student& s) {
  return "<Student requestID=\"" + s.request_id + "\" userID=\"" + kUser +
         "\" printForm=\"true\"><PersonalInfo><FullName><LastName>" + s.last_name +
         "</LastName><FirstName>" + s.first_name + "</FirstName></FullName><BirthDate>" +
         s.birth_date +
         "</BirthDate><Gender>F</Gender><BirthCountryCode>GM</BirthCountryCode>"
         "<CitizenshipCountryCode>GM</CitizenshipCountryCode><VisaType>01</VisaType>"
         "</PersonalInfo><IssueReason>I</IssueReason><ForeignAddress><Address1>5 Example Str"
         "</Address1><City>Exampleburg</City><CountryCode>GM</CountryCode><PostalCode>10115"
         "</PostalCode></ForeignAddress><EducationalInfo><EduLevel><Level>04</Level></EduLevel>"
         "<MajorCode1>11.0701</MajorCode1><IssDate>2026-02-01</IssDate><PrgStartDate>2026-08-24"
         "</PrgStartDate><PrgEndDate>2030-05-15</PrgEndDate><EngProficiency><EngRequired>true"
         "</EngRequired><RequirementsMet>true</RequirementsMet></EngProficiency>"
         "</EducationalInfo><FinancialInfo><AcademicTerm>09</AcademicTerm><Expense><Tuition>"
         "40000</Tuition><LivingExpense>18000</LivingExpense></Expense><Funding><Personal>"
         "58000</Personal></Funding></FinancialInfo></Student>";
}

std::string DocumentXml() {
  std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") +
                    "<SEVISBatchCreateUpdateStudent userID=\"" + kUser +
                    "\"><BatchHeader><BatchID>" + kBatchId + "</BatchID><OrgID>" + kOrg +
                    "</OrgID></BatchHeader><CreateStudent>";
  for (const auto& s : Students()) xml += StudentXml(s);
  return xml + "</CreateStudent></SEVISBatchCreateUpdateStudent>\n";
}

v1::BatchDocument Document() {
  v1::BatchDocument doc;
  doc.set_batch_id(kBatchId);
  doc.set_org_id(kOrg);
  doc.set_user_id(kUser);
  doc.set_visa_family(v1::VISA_FAMILY_FM);
  doc.set_xml(DocumentXml());
  doc.set_created_at("2026-02-01T12:00:00.000Z");
  doc.set_schema_version("6.55");
  for (const auto& s : Students()) {
    v1::BatchRecord* r = doc.add_records();
    r->set_request_id(s.request_id);
    r->set_alert_id(s.request_id);
    r->set_person_id(s.person_id);
    r->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
    v1::Alert* a = r->mutable_alert();
    a->set_alert_id(s.request_id);
    a->set_org_id(kOrg);
    a->set_person_id(s.person_id);
    a->set_visa_family(v1::VISA_FAMILY_FM);
    a->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
    v1::CreateStudentData* d = a->mutable_create_student();
    d->set_visa_type("01");
    d->set_last_name(s.last_name);
    d->set_first_name(s.first_name);
    d->set_birth_date(s.birth_date);
    d->set_level_of_education("04");
    d->set_program_start_date("2026-08-24");
    d->set_program_end_date("2030-05-15");
  }
  return doc;
}

using testing::MetricValue;
using testing::ReadText;
using testing::TopicReader;
using testing::WriteText;

// Everything the scenario needs, started once.
class Servers : public ::testing::Environment {
 public:
  void SetUp() override {
    dir = testing::ScratchDir("uploader_importer_integration");
    docstore = dir + "/docstore";

    auto r = testing::RedisServer::Start("uploader-importer-redis");
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server = std::move(*r);
    broker = std::make_unique<testing::KafkaBroker>(
        testing::KafkaBrokerOptions{.name = "uploader-importer-kafka", .num_partitions = 1});
    ASSERT_TRUE(broker->Start().ok()) << broker->LogTail();
    ASSERT_TRUE(kafka::EnsureTopics(broker->bootstrap(), kafka::DefaultTopics(1), seconds(60)).ok());

    auto t = testing::MakeTlsMaterial(dir + "/certs", {kOrg});
    ASSERT_TRUE(t.ok()) << t.status();
    tls = *t;

    // sevis-sim, results at once (like SEVIS Beta).
    auto sim_proc = testing::SpawnSim(testing::SimSpec{.dir = dir,
                                                       .name = "sim",
                                                       .cert = tls.server_cert,
                                                       .key = tls.server_key,
                                                       .client_ca = tls.ca_cert,
                                                       .port = 0,
                                                       .orgs = {kOrg},
                                                       .user = kUser});
    ASSERT_TRUE(sim_proc.ok()) << sim_proc.status();
    sim = std::move(sim_proc->process);
    sim_port = sim_proc->port;

    uploader_metrics_port = testing::FreePort();
    const auto& client = tls.clients.at(kOrg);
    WriteText(dir + "/uploader.yaml",
              testing::ServiceYaml(broker->bootstrap(), redis_server->port(), "127.0.0.1:0",
                                   uploader_metrics_port, docstore) +
                  "uploader:\n  endpoint: \"https://127.0.0.1:" + std::to_string(sim_port) +
                  "/sevisbatch/action/\"\n  poll_interval_seconds: 1\n"
                  "  poll_max_interval_seconds: 2\n" +
                  "orgs:\n  " + kOrg + ":\n    cert: \"" + client.cert + "\"\n    key: \"" +
                  client.encrypted_key + "\"\n    key_password: \"" + client.key_password +
                  "\"\n    ca: \"" + tls.ca_cert + "\"\n    user_id: " + kUser + "\n");
    importer_metrics_port = testing::FreePort();
    WriteText(dir + "/importer.yaml",
              testing::ServiceYaml(broker->bootstrap(), redis_server->port(), "127.0.0.1:0",
                                   importer_metrics_port, docstore));
    auto up = testing::ChildProcess::Spawn(
        {std::string(SEVISFLOW_BINARY_DIR) + "/services/uploader/sevisflow-uploader", "--config",
         dir + "/uploader.yaml"},
        dir + "/uploader.log");
    ASSERT_TRUE(up.ok()) << up.status();
    uploader = std::move(*up);
    auto im = testing::ChildProcess::Spawn(
        {std::string(SEVISFLOW_BINARY_DIR) + "/services/importer/sevisflow-importer", "--config",
         dir + "/importer.yaml"},
        dir + "/importer.log");
    ASSERT_TRUE(im.ok()) << im.status();
    importer = std::move(*im);
    ASSERT_TRUE(testing::WaitForHttpOk(uploader_metrics_port, "/healthz", seconds(60)))
        << uploader->LogTail();
    ASSERT_TRUE(testing::WaitForHttpOk(importer_metrics_port, "/healthz", seconds(60)))
        << importer->LogTail();
  }

  void TearDown() override {
    if (uploader) {
      EXPECT_EQ(uploader->Terminate(seconds(60)), 0) << uploader->LogTail();
    }
    if (importer) {
      EXPECT_EQ(importer->Terminate(seconds(60)), 0) << importer->LogTail();
    }
    if (sim) sim->Terminate(seconds(30));
    if (broker) (void)broker->Stop();
    if (redis_server) redis_server->Stop();
  }

  std::string dir;
  std::string docstore;
  std::unique_ptr<testing::RedisServer> redis_server;
  std::unique_ptr<testing::KafkaBroker> broker;
  testing::TlsMaterial tls;
  std::unique_ptr<testing::ChildProcess> sim;
  std::unique_ptr<testing::ChildProcess> uploader;
  std::unique_ptr<testing::ChildProcess> importer;
  int sim_port = 0;
  int uploader_metrics_port = 0;
  int importer_metrics_port = 0;
};

Servers* const env = static_cast<Servers*>(::testing::AddGlobalTestEnvironment(new Servers));

nlohmann::json SimStats() {
  const auto& client = env->tls.clients.at(kOrg);
  http::TlsOptions tls;
  tls.client_cert_path = client.cert;
  tls.client_key_path = client.key;
  tls.ca_bundle_path = env->tls.ca_cert;
  http::HttpsClient https(tls);
  auto r = https.Get("https://127.0.0.1:" + std::to_string(env->sim_port) + "/sim/stats");
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok() || r->status != 200) return nlohmann::json::object();
  return nlohmann::json::parse(r->body);
}

int UploadsOf(const nlohmann::json& stats, const char* field) {
  if (!stats.contains(field) || !stats[field].contains(kBatchId)) return 0;
  return stats[field][kBatchId].get<int>();
}

std::unique_ptr<redis::Client> Redis() {
  redis::ClientOptions o;
  o.port = env->redis_server->port();
  return std::move(*redis::Client::Create(o));
}

TEST(UploaderImporterIntegrationTest, BatchUploadedOnceImportedOnce) {
  // The document is schema-valid before it goes anywhere.
  auto student_schema =
      sevisxml::SchemaValidator::Load(sevisxml::StudentSchemaPath(testing::XsdDir()));
  ASSERT_TRUE(student_schema.ok()) << student_schema.status();
  const v1::BatchDocument doc = Document();
  auto errors = (*student_schema)->Validate(doc.xml());
  ASSERT_TRUE(errors.empty()) << sevisxml::FormatErrors(errors);

  kafka::ProducerOptions producer_options;
  producer_options.brokers = env->broker->bootstrap();
  auto producer = kafka::Producer::Create(producer_options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  TopicReader results(env->broker->bootstrap(), {kafka::kSevisResults});
  TopicReader master(env->broker->bootstrap(), {kafka::kSevisMaster});
  TopicReader outcomes(env->broker->bootstrap(), {kafka::kSevisOutcomes});

  ASSERT_TRUE((*producer)->Send(kafka::kSevisBatches, kOrg, doc.SerializeAsString()).ok());

  // 1. A BatchResult on sevis.results, its zip stored with the announced sha256.
  const auto& got_results = results.WaitFor(1, seconds(120));
  ASSERT_EQ(got_results.size(), 1u) << env->uploader->LogTail();
  EXPECT_EQ(got_results[0].key, kOrg);
  v1::BatchResult result;
  ASSERT_TRUE(result.ParseFromString(got_results[0].value));
  EXPECT_EQ(result.batch_id(), kBatchId);
  EXPECT_EQ(result.org_id(), kOrg);
  EXPECT_EQ(result.upload_result_code(), "S0000");
  EXPECT_EQ(result.download_result_code(), "S0000");
  EXPECT_EQ(result.user_id(), kUser);
  EXPECT_EQ(result.zip_path(), std::string(kOrg) + "/batches/" + kBatchId + "/result.zip");
  ASSERT_EQ(result.records_size(), 2);
  EXPECT_EQ(result.records(1).alert().create_student().last_name(), "Sampleton");
  EXPECT_TRUE(fs::exists(env->docstore + "/" + kOrg + "/batches/" + kBatchId + "/batch.xml"));
  ASSERT_TRUE(fs::exists(env->docstore + "/" + result.zip_path()));
  EXPECT_EQ(ReadText(env->docstore + "/" + kOrg + "/batches/" + kBatchId + "/batch.xml"),
            doc.xml());

  // 2. Two MasterRecords with new SEVIS ids, keyed <org>/<person>.
  const auto& got_master = master.WaitFor(2, seconds(60));
  ASSERT_EQ(got_master.size(), 2u) << env->importer->LogTail();
  std::map<std::string, v1::MasterRecord> by_person;
  const std::regex sevis_id("N\\d{10}");
  for (const auto& m : got_master) {
    v1::MasterRecord record;
    ASSERT_TRUE(record.ParseFromString(m.value));
    EXPECT_EQ(m.key, std::string(kOrg) + "/" + record.person_id());
    EXPECT_TRUE(std::regex_match(record.sevis_id(), sevis_id)) << record.sevis_id();
    EXPECT_EQ(record.sevis_status(), v1::SEVIS_STATUS_INITIAL);
    EXPECT_EQ(record.visa_family(), v1::VISA_FAMILY_FM);
    EXPECT_EQ(record.visa_type(), "01");
    EXPECT_EQ(record.last_batch_id(), kBatchId);
    EXPECT_EQ(record.program_end_date(), "2030-05-15");
    by_person[record.person_id()] = record;
  }
  ASSERT_EQ(by_person.size(), 2u);
  EXPECT_EQ(by_person["SIS-1001"].last_name(), "Testperson");
  EXPECT_EQ(by_person["SIS-1001"].birth_date(), "2003-04-05");
  EXPECT_EQ(by_person["SIS-1002"].first_name(), "Bruno");
  EXPECT_EQ(by_person["SIS-1002"].last_request_id(), "0123456789abcdef0002");
  EXPECT_NE(by_person["SIS-1001"].sevis_id(), by_person["SIS-1002"].sevis_id());

  // 3. Two accepted outcomes, keyed by person, carrying the same SEVIS ids.
  const auto& got_outcomes = outcomes.WaitFor(2, seconds(60));
  ASSERT_EQ(got_outcomes.size(), 2u);
  for (const auto& m : got_outcomes) {
    v1::Outcome o;
    ASSERT_TRUE(o.ParseFromString(m.value));
    EXPECT_EQ(m.key, o.person_id());
    EXPECT_TRUE(o.accepted());
    EXPECT_EQ(o.batch_id(), kBatchId);
    EXPECT_EQ(o.alert_id(), o.request_id());
    EXPECT_EQ(o.sevis_id(), by_person[o.person_id()].sevis_id());
    EXPECT_TRUE(o.error_code().empty());
  }

  // 4. The I-20 PDFs filed per person.
  for (const auto& [person, record] : by_person) {
    const std::string pdf = env->docstore + "/" + kOrg + "/persons/" + person + "/" + kBatchId +
                            "_" + record.sevis_id() + ".pdf";
    ASSERT_TRUE(fs::exists(pdf)) << pdf;
    EXPECT_EQ(ReadText(pdf).substr(0, 5), "%PDF-");
  }

  // 5. Uploaded exactly once; the state machine ended DOWNLOADED and left the active set.
  nlohmann::json stats = SimStats();
  EXPECT_EQ(UploadsOf(stats, "uploads_by_batch"), 1) << stats.dump();
  EXPECT_EQ(UploadsOf(stats, "accepted_by_batch"), 1) << stats.dump();
  auto redis = Redis();
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto h = redis->HGetAll(std::string("sf:upload:") + kOrg + ":" + kBatchId);
        return h.ok() && (*h)["state"] == "DOWNLOADED";
      },
      seconds(30)));
  auto record = redis->HGetAll(std::string("sf:upload:") + kOrg + ":" + kBatchId);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ((*record)["upload_attempts"], "1");
  EXPECT_EQ((*record)["upload_result_code"], "S0000");
  auto active = redis->Command({"SISMEMBER", "sf:uploads:active",
                                std::string(kOrg) + ":" + kBatchId});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->integer, 0);
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto v = redis->Get(std::string("sf:imported:") + kOrg + ":" + kBatchId);
        return v.ok() && v->has_value();
      },
      seconds(30)));

  // 6. Re-publishing the same document: recognised as known, no second upload.
  ASSERT_TRUE((*producer)->Send(kafka::kSevisBatches, kOrg, doc.SerializeAsString()).ok());
  const std::string duplicate =
      "sevisflow_uploader_batches_received_total{result=\"duplicate\"}";
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return MetricValue(env->uploader_metrics_port, duplicate) >= 1; }, seconds(60)))
      << env->uploader->LogTail();
  std::this_thread::sleep_for(seconds(3));  // room for a wrong upload or result to show up
  stats = SimStats();
  EXPECT_EQ(UploadsOf(stats, "uploads_by_batch"), 1) << stats.dump();
  EXPECT_EQ(results.Drain(milliseconds(500)).size(), 1u);

  // 7. A replayed BatchResult imports nothing twice.
  ASSERT_TRUE((*producer)->Send(kafka::kSevisResults, kOrg, got_results[0].value).ok());
  const std::string replayed = "sevisflow_importer_imports_total{result=\"duplicate\"}";
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return MetricValue(env->importer_metrics_port, replayed) >= 1; }, seconds(60)))
      << env->importer->LogTail();
  std::this_thread::sleep_for(seconds(2));
  EXPECT_EQ(master.Drain(seconds(1)).size(), 2u);
  EXPECT_EQ(outcomes.Drain(seconds(1)).size(), 2u);
  EXPECT_EQ(MetricValue(env->importer_metrics_port,
                   "sevisflow_importer_imports_total{result=\"imported\"}"),
            1);
  EXPECT_EQ(MetricValue(env->importer_metrics_port,
                   "sevisflow_importer_records_total{code=\"S0000\",result=\"accepted\"}"),
            2);
}

}  // namespace
}  // namespace sevisflow
