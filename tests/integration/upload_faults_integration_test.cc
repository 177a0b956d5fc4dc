// The uploader against SEVIS faults, fault by fault, with real processes: Apache Kafka (KRaft),
// redis-server, the sevis-sim binary over TLS (faults queued through POST /sim/faults), the
// importer and, per test, its own sevisflow-uploader process with short retry, backoff and poll
// settings. Every test ends by checking the end state, not only that nothing crashed:
//   - the sim accepted the batch exactly once (its /sim/stats);
//   - the uploader says DOWNLOADED (or the expected terminal state) through UploadService;
//   - exactly one BatchResult on sevis.results and, from the importer, exactly one Outcome per
//     record on sevis.outcomes — the rejected one with SEVIS's code and message — and the
//     sf:imported:<batch> marker;
//   - nothing on any .dlq topic.
// Each test has its own organisation (the sim registers them all) and batch id, so breaker,
// stuck gauge and stats of one test never show in another.

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/testing/certs.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/testing/tls.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "sevisflow/v1/upload_service.grpc.pb.h"
#include "upload_fixture.h"

namespace sevisflow {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr char kUser[] = "dso0000001";
// The operator on UploadService: a DSO granted every org of the uploader under test.
constexpr char kToken[] = "tok-upload-faults-0001";

// One organisation per test (SchoolCode pattern [A-Z]{3}214F\d{8}).
constexpr char kOrg500[] = "FLT214F10000001";
constexpr char kOrgTimeout[] = "FLT214F10000002";
constexpr char kOrgSlow[] = "FLT214F10000003";
constexpr char kOrgDrop[] = "FLT214F10000004";
constexpr char kOrgDropAfter[] = "FLT214F10000005";
constexpr char kOrgTruncated[] = "FLT214F10000006";
constexpr char kOrgCorrupt[] = "FLT214F10000007";
constexpr char kOrgNotYet[] = "FLT214F10000008";
constexpr char kOrgOutage[] = "FLT214F10000009";
constexpr char kOrgExpiredServer[] = "FLT214F10000010";
constexpr char kOrgStuck[] = "FLT214F10000011";
constexpr char kOrgDuplicate[] = "FLT214F10000012";
constexpr char kOrgBadCert[] = "FLT214F10000013";
constexpr char kOrgAuth[] = "FLT214F10000014";

const std::vector<std::string>& AllOrgs() {
  static const std::vector<std::string> orgs = {
      kOrg500,   kOrgTimeout,       kOrgSlow,  kOrgDrop,      kOrgDropAfter,
      kOrgTruncated, kOrgCorrupt,   kOrgNotYet, kOrgOutage,   kOrgExpiredServer,
      kOrgStuck, kOrgDuplicate,     kOrgBadCert, kOrgAuth};
  return orgs;
}

// A batch id per test: 14 characters, unique across the run (the sim's stats key on it).
std::string BatchIdFor(const std::string& org) { return "SFT" + org.substr(4); }

// Two creates of the same person (different SIS ids): SEVIS accepts the first and refuses the
// second with S1004 ("already exists"), so every run also carries a rejected record back.
std::string StudentXml(const std::string& request_id) {
  return "<Student requestID=\"" + request_id + "\" userID=\"" + kUser +
         "\" printForm=\"true\"><PersonalInfo><FullName><LastName>Faultperson</LastName>"
         "<FirstName>Ada</FirstName></FullName><BirthDate>2003-04-05</BirthDate>"
         "<Gender>F</Gender><BirthCountryCode>GM</BirthCountryCode>"
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

std::string RequestId(const std::string& org, int n) {
  return "00000" + org.substr(7) + "000" + std::to_string(n);  // 20 characters
}

v1::BatchDocument Document(const std::string& org) {
  const std::string batch_id = BatchIdFor(org);
  v1::BatchDocument doc;
  doc.set_batch_id(batch_id);
  doc.set_org_id(org);
  doc.set_user_id(kUser);
  doc.set_visa_family(v1::VISA_FAMILY_FM);
  doc.set_created_at("2026-02-01T12:00:00.000Z");
  doc.set_schema_version("6.55");
  std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") +
                    "<SEVISBatchCreateUpdateStudent userID=\"" + kUser +
                    "\"><BatchHeader><BatchID>" + batch_id + "</BatchID><OrgID>" + org +
                    "</OrgID></BatchHeader><CreateStudent>";
  for (int n = 1; n <= 2; ++n) {
    const std::string request_id = RequestId(org, n);
    xml += StudentXml(request_id);
    v1::BatchRecord* r = doc.add_records();
    r->set_request_id(request_id);
    r->set_alert_id(request_id);
    r->set_person_id("SIS-" + std::to_string(n));
    r->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
    v1::Alert* a = r->mutable_alert();
    a->set_alert_id(request_id);
    a->set_org_id(org);
    a->set_person_id(r->person_id());
    a->set_visa_family(v1::VISA_FAMILY_FM);
    a->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
    v1::CreateStudentData* d = a->mutable_create_student();
    d->set_visa_type("01");
    d->set_last_name("Faultperson");
    d->set_first_name("Ada");
    d->set_birth_date("2003-04-05");
    d->set_level_of_education("04");
    d->set_program_start_date("2026-08-24");
    d->set_program_end_date("2030-05-15");
  }
  doc.set_xml(xml + "</CreateStudent></SEVISBatchCreateUpdateStudent>\n");
  return doc;
}

using testing::ReadText;
using testing::TopicReader;
using testing::WriteText;

std::string UploaderBinary() {
  return std::string(SEVISFLOW_BINARY_DIR) + "/services/uploader/sevisflow-uploader";
}

// Starts sevis-sim with every test org registered; port 0 = any free port.
absl::StatusOr<testing::SimProcess> SpawnSim(const std::string& dir, const std::string& name,
                                             const std::string& cert, const std::string& key,
                                             const std::string& ca, int port) {
  return testing::SpawnSim(testing::SimSpec{.dir = dir,
                                            .name = name,
                                            .cert = cert,
                                            .key = key,
                                            .client_ca = ca,
                                            .port = port,
                                            .orgs = AllOrgs(),
                                            .user = kUser});
}

std::vector<std::string> DlqTopics();

// Kafka, Redis, TLS material, the shared sim, the importer and readers of sevis.results,
// sevis.outcomes and every .dlq topic, started once.
class Servers : public ::testing::Environment {
 public:
  void SetUp() override {
    dir = testing::ScratchDir("upload_faults_integration");
    docstore = dir + "/docstore";
    auto r = testing::RedisServer::Start("upload-faults-redis");
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server = std::move(*r);
    broker = std::make_unique<testing::KafkaBroker>(
        testing::KafkaBrokerOptions{.name = "upload-faults-kafka", .num_partitions = 1});
    ASSERT_TRUE(broker->Start().ok()) << broker->LogTail();
    ASSERT_TRUE(
        kafka::EnsureTopics(broker->bootstrap(), kafka::DefaultTopics(1), seconds(60)).ok());
    results = std::make_unique<TopicReader>(broker->bootstrap(),
                                            std::vector<std::string>{kafka::kSevisResults});
    outcomes = std::make_unique<TopicReader>(broker->bootstrap(),
                                             std::vector<std::string>{kafka::kSevisOutcomes});
    dlq = std::make_unique<TopicReader>(broker->bootstrap(), DlqTopics());
    auto t = testing::MakeTlsMaterial(dir + "/certs", AllOrgs());
    ASSERT_TRUE(t.ok()) << t.status();
    tls = *t;

    auto s = SpawnSim(dir, "sim", tls.server_cert, tls.server_key, tls.ca_cert, 0);
    ASSERT_TRUE(s.ok()) << s.status();
    sim = std::move(s->process);
    sim_port = s->port;

    importer_metrics_port = testing::FreePort();
    WriteText(dir + "/importer.yaml",
              testing::ServiceYaml(broker->bootstrap(), redis_server->port(), "127.0.0.1:0",
                                   importer_metrics_port, docstore));
    auto im = testing::ChildProcess::Spawn(
        {std::string(SEVISFLOW_BINARY_DIR) + "/services/importer/sevisflow-importer", "--config",
         dir + "/importer.yaml"},
        dir + "/importer.log");
    ASSERT_TRUE(im.ok()) << im.status();
    importer = std::move(*im);
    ASSERT_TRUE(testing::WaitForHttpOk(importer_metrics_port, "/healthz", seconds(60)))
        << importer->LogTail();
  }

  void TearDown() override {
    results.reset();
    outcomes.reset();
    dlq.reset();
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
  std::unique_ptr<testing::ChildProcess> importer;
  std::unique_ptr<TopicReader> results;
  std::unique_ptr<TopicReader> outcomes;
  std::unique_ptr<TopicReader> dlq;
  int sim_port = 0;
  int importer_metrics_port = 0;
};

Servers* const env = static_cast<Servers*>(::testing::AddGlobalTestEnvironment(new Servers));

// ---- sim control --------------------------------------------------------------------------

std::unique_ptr<httplib::SSLClient> SimClient(const std::string& org, int port) {
  const auto& client = env->tls.clients.at(org);
  auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port, client.cert, client.key);
  // Test control only; the uploader's own verification is what the tests are about.
  c->enable_server_certificate_verification(false);
  c->set_connection_timeout(seconds(30));
  c->set_read_timeout(seconds(60));
  return c;
}

void QueueFaults(const nlohmann::json& faults, int port = 0) {
  auto c = SimClient(kOrg500, port ? port : env->sim_port);
  auto res = c->Post("/sim/faults", faults.dump(), "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200) << res->body;
}

void ClearFaults() { QueueFaults({{"clear", true}}); }

nlohmann::json SimStats(int port = 0) {
  auto c = SimClient(kOrg500, port ? port : env->sim_port);
  auto res = c->Get("/sim/stats");
  EXPECT_TRUE(res) << httplib::to_string(res.error());
  if (!res || res->status != 200) return nlohmann::json::object();
  return nlohmann::json::parse(res->body);
}

int StatOf(const nlohmann::json& stats, const char* field, const std::string& batch_id) {
  if (!stats.contains(field) || !stats[field].contains(batch_id)) return 0;
  return stats[field][batch_id].get<int>();
}

int FaultsServed(const nlohmann::json& stats, const char* kind) {
  if (!stats.contains("faults_served") || !stats["faults_served"].contains(kind)) return 0;
  return stats["faults_served"][kind].get<int>();
}

// ---- the uploader under test --------------------------------------------------------------

struct OrgConfig {
  std::string org;
  std::string cert;          // default: the org's gen-certs client certificate
  std::string key;           // default: its encrypted key
  std::string key_password;  // default: its password
  std::string endpoint;      // default: the shared sim
};

OrgConfig Org(const std::string& org, const std::string& cert = "", const std::string& key = "",
              const std::string& key_password = "", const std::string& endpoint = "") {
  OrgConfig o;
  o.org = org;
  o.cert = cert;
  o.key = key;
  o.key_password = key_password;
  o.endpoint = endpoint;
  return o;
}

// The per-test uploader settings; `uploader` entries override the short defaults below.
struct UploaderSetup {
  std::string name;
  std::vector<OrgConfig> orgs;
  std::map<std::string, std::string> uploader;
};

std::string Endpoint(int port, const std::string& host = "127.0.0.1") {
  return "https://" + host + ":" + std::to_string(port) + "/sevisbatch/action/";
}

class UploaderProcess {
 public:
  // Writes the config and spawns the binary; does not wait for it.
  absl::Status Spawn(const UploaderSetup& setup) {
    name_ = setup.name;
    metrics_port_ = testing::FreePort();
    grpc_port_ = testing::FreePort();
    std::map<std::string, std::string> keys = {
        {"endpoint", "\"" + Endpoint(env->sim_port) + "\""},
        {"poll_interval_seconds", "1"},
        {"poll_max_interval_seconds", "2"},
        {"retry_interval_seconds", "1"},
        {"retry_max_interval_seconds", "2"},
        {"retry_jitter", "0"},
        {"request_timeout_seconds", "10"},
    };
    for (const auto& [k, v] : setup.uploader) keys[k] = v;
    std::string yaml =
        testing::ServiceYaml(env->broker->bootstrap(), env->redis_server->port(),
                             "127.0.0.1:" + std::to_string(grpc_port_), metrics_port_,
                             env->docstore) +
        "uploader:\n";
    for (const auto& [k, v] : keys) yaml += "  " + k + ": " + v + "\n";
    yaml += "orgs:\n";
    for (const auto& o : setup.orgs) {
      const auto& client = env->tls.clients.at(o.org);
      yaml += "  " + o.org + ":\n";
      yaml += "    cert: \"" + (o.cert.empty() ? client.cert : o.cert) + "\"\n";
      yaml += "    key: \"" + (o.key.empty() ? client.encrypted_key : o.key) + "\"\n";
      const std::string password = o.key.empty() && o.key_password.empty() ? client.key_password
                                                                           : o.key_password;
      if (!password.empty()) yaml += "    key_password: \"" + password + "\"\n";
      yaml += "    ca: \"" + env->tls.ca_cert + "\"\n";
      yaml += "    user_id: " + std::string(kUser) + "\n";
      if (!o.endpoint.empty()) yaml += "    endpoint: \"" + o.endpoint + "\"\n";
    }
    yaml += "dsos:\n  ops:\n    token_sha256: " + rpc::TokenSha256Hex(kToken) + "\n    orgs:\n";
    for (const auto& o : setup.orgs) yaml += "      " + o.org + ": {}\n";
    const std::string config = env->dir + "/uploader-" + name_ + ".yaml";
    WriteText(config, yaml);
    auto p = testing::ChildProcess::Spawn({UploaderBinary(), "--config", config},
                                          env->dir + "/uploader-" + name_ + ".log");
    if (!p.ok()) return p.status();
    process_ = std::move(*p);
    return absl::OkStatus();
  }

  // Spawns and waits for /healthz.
  absl::Status Start(const UploaderSetup& setup) {
    if (auto s = Spawn(setup); !s.ok()) return s;
    if (!testing::WaitForHttpOk(metrics_port_, "/healthz", seconds(60))) {
      return absl::DeadlineExceededError("uploader not healthy: " + process_->LogTail());
    }
    stub_ = v1::UploadService::NewStub(rpc::Dial("127.0.0.1:" + std::to_string(grpc_port_)));
    return absl::OkStatus();
  }

  ~UploaderProcess() {
    stub_.reset();  // an open channel would hold up the server's shutdown
    if (process_ && process_->Running()) {
      EXPECT_EQ(process_->Terminate(seconds(60)), 0) << process_->LogTail();
    }
  }

  testing::ChildProcess& process() { return *process_; }
  std::string Log() const { return ReadText(process_->log_path()); }
  std::string LogTail() const { return process_ ? process_->LogTail(6000) : ""; }

  // The value of a metric sample ("name{labels}"), or -1 when absent.
  double Metric(const std::string& sample) const {
    return testing::MetricValue(metrics_port_, sample);
  }

  // The status of a ListUploads call for `org` with `token` ("" = none).
  grpc::StatusCode ListStatus(const std::string& org, const std::string& token,
                              v1::ListUploadsResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    if (!token.empty()) rpc::SetBearerToken(ctx, token);
    v1::ListUploadsRequest req;
    req.set_org_id(org);
    return stub_->ListUploads(&ctx, req, resp).error_code();
  }

  // The batch through UploadService.ListUploads (nullopt: unknown or the call failed).
  std::optional<v1::UploadState> Upload(const std::string& org, const std::string& batch_id) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    rpc::SetBearerToken(ctx, kToken);
    v1::ListUploadsRequest req;
    req.set_org_id(org);
    v1::ListUploadsResponse resp;
    if (!stub_->ListUploads(&ctx, req, &resp).ok()) return std::nullopt;
    for (const auto& u : resp.uploads()) {
      if (u.batch_id() == batch_id) return u;
    }
    return std::nullopt;
  }

  // Polls ListUploads until the batch is in `state`; returns the last view.
  std::optional<v1::UploadState> WaitForState(const std::string& org, const std::string& batch_id,
                                              const std::string& state, seconds timeout) {
    std::optional<v1::UploadState> last;
    testing::WaitUntil(
        [&] {
          last = Upload(org, batch_id);
          return last && last->state() == state;
        },
        timeout);
    return last;
  }

 private:
  std::string name_;
  int metrics_port_ = 0;
  int grpc_port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
  std::unique_ptr<v1::UploadService::Stub> stub_;
};

std::vector<std::string> DlqTopics() {
  std::vector<std::string> out;
  for (const auto& t : kafka::DefaultTopics(1)) {
    if (t.name.size() > 4 && t.name.substr(t.name.size() - 4) == kafka::kDlqSuffix) {
      out.push_back(t.name);
    }
  }
  return out;
}

std::unique_ptr<redis::Client> Redis() {
  redis::ClientOptions o;
  o.port = env->redis_server->port();
  return std::move(*redis::Client::Create(o));
}

void Publish(const v1::BatchDocument& doc) {
  kafka::ProducerOptions o;
  o.brokers = env->broker->bootstrap();
  auto producer = kafka::Producer::Create(o);
  ASSERT_TRUE(producer.ok()) << producer.status();
  ASSERT_TRUE((*producer)->Send(kafka::kSevisBatches, doc.org_id(), doc.SerializeAsString()).ok());
}

// The BatchResults or Outcomes of `batch_id` among the messages seen (other batches skipped).
template <typename Proto>
std::vector<Proto> OfBatch(const std::vector<kafka::Message>& seen, const std::string& batch_id) {
  std::vector<Proto> out;
  for (const auto& m : seen) {
    Proto p;
    if (p.ParseFromString(m.value) && p.batch_id() == batch_id) out.push_back(std::move(p));
  }
  return out;
}

// Reads results and outcomes until the batch's BatchResult and its two outcomes (one per record
// of Document) have arrived, or 30 s passed.
void DrainBatch(const std::string& batch_id) {
  env->results->DrainUntil(
      [&](const auto& seen) { return !OfBatch<v1::BatchResult>(seen, batch_id).empty(); },
      seconds(30));
  env->outcomes->DrainUntil(
      [&](const auto& seen) { return OfBatch<v1::Outcome>(seen, batch_id).size() >= 2; },
      seconds(30));
}

bool Imported(const std::string& org, const std::string& batch_id) {
  auto v = Redis()->Get("sf:imported:" + org + ":" + batch_id);
  return v.ok() && v->has_value();
}

// The end state every successful scenario must reach: DOWNLOADED, the batch accepted by the sim
// once, one BatchResult, one Outcome per record (one accepted, one S1004 with SEVIS's message),
// imported once, nothing dead-lettered. Returns the final UploadState.
v1::UploadState ExpectDeliveredOnce(UploaderProcess& uploader, const std::string& org,
                                    int sim_port = 0, seconds timeout = seconds(60)) {
  const std::string batch_id = BatchIdFor(org);
  auto state = uploader.WaitForState(org, batch_id, "DOWNLOADED", timeout);
  EXPECT_TRUE(state && state->state() == "DOWNLOADED")
      << (state ? state->DebugString() : "not listed") << uploader.LogTail();
  if (!state) return {};
  EXPECT_EQ(state->upload_result_code(), "S0000");
  EXPECT_EQ(state->download_result_code(), "S0000");
  EXPECT_FALSE(state->stuck());
  EXPECT_EQ(state->circuit_state(), "closed");

  EXPECT_TRUE(testing::WaitUntil([&] { return Imported(org, batch_id); }, seconds(60)))
      << env->importer->LogTail();

  // Everything published for this batch: wait for the expected records, then leave room for
  // a wrong second copy to show up.
  DrainBatch(batch_id);
  env->results->Drain(milliseconds(500));
  env->outcomes->Drain(milliseconds(500));
  const std::vector<v1::BatchResult> results =
      OfBatch<v1::BatchResult>(env->results->seen(), batch_id);
  EXPECT_EQ(results.size(), 1u);
  for (const auto& r : results) EXPECT_TRUE(fs::exists(env->docstore + "/" + r.zip_path()));
  const std::vector<v1::Outcome> mine = OfBatch<v1::Outcome>(env->outcomes->seen(), batch_id);
  EXPECT_EQ(mine.size(), 2u);
  std::map<std::string, v1::Outcome> by_request;
  for (const auto& o : mine) by_request[o.request_id()] = o;
  if (by_request.size() != 2u) {
    ADD_FAILURE() << "not one outcome per record";
    return *state;
  }
  const v1::Outcome& accepted = by_request[RequestId(org, 1)];
  EXPECT_TRUE(accepted.accepted());
  EXPECT_THAT(accepted.sevis_id(), ::testing::MatchesRegex("N[0-9]{10}"));
  const v1::Outcome& rejected = by_request[RequestId(org, 2)];
  EXPECT_FALSE(rejected.accepted());
  EXPECT_EQ(rejected.error_code(), "S1004");
  EXPECT_FALSE(rejected.error_message().empty());
  EXPECT_EQ(rejected.person_id(), "SIS-2");
  EXPECT_TRUE(env->dlq->Drain(milliseconds(300)).empty()) << "something was dead-lettered";

  const nlohmann::json stats = SimStats(sim_port);
  EXPECT_EQ(StatOf(stats, "accepted_by_batch", batch_id), 1) << stats.dump();
  return *state;
}

UploaderSetup SetupFor(const std::string& org,
                       std::map<std::string, std::string> uploader_keys = {}) {
  return UploaderSetup{org, {Org(org)}, std::move(uploader_keys)};
}

class UploadFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClearFaults();
    served_before_ = SimStats();
  }
  void TearDown() override { ClearFaults(); }

  // Faults of `kind` the shared sim served during this test.
  int Served(const char* kind) const {
    return FaultsServed(SimStats(), kind) - FaultsServed(served_before_, kind);
  }

 private:
  nlohmann::json served_before_;
};

// ---- the operator API --------------------------------------------------------------------

TEST_F(UploadFaultsTest, UploadServiceAnswersOnlyADsoGrantedTheOrg) {
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgAuth)).ok());
  Publish(Document(kOrgAuth));
  ExpectDeliveredOnce(uploader, kOrgAuth);
  v1::ListUploadsResponse resp;
  EXPECT_EQ(uploader.ListStatus(kOrgAuth, "", &resp), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(uploader.ListStatus(kOrgAuth, "tok-someone-else", &resp),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(uploader.ListStatus(kOrgSlow, kToken, &resp), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(resp.uploads_size(), 0);
  // Without an org: every batch of the DSO's orgs, and only those (the shared Redis holds the
  // other tests' batches too).
  ASSERT_EQ(uploader.ListStatus("", kToken, &resp), grpc::StatusCode::OK);
  ASSERT_GE(resp.uploads_size(), 1);
  for (const auto& u : resp.uploads()) EXPECT_EQ(u.org_id(), kOrgAuth);
}

// ---- transport faults on upload -----------------------------------------------------------

TEST_F(UploadFaultsTest, Http500OnUploadIsRetriedAndSentOnce) {
  QueueFaults({{"faults", {{{"kind", "http500"}, {"on", "upload"}, {"count", 2}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrg500)).ok());
  Publish(Document(kOrg500));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrg500);
  // Two 500s, each followed by a poll that found nothing (S0031), then the one accepted POST.
  EXPECT_EQ(Served("http500"), 2);
  EXPECT_EQ(s.upload_attempts(), 3);
  EXPECT_EQ(StatOf(SimStats(), "uploads_by_batch", BatchIdFor(kOrg500)), 1);
}

TEST_F(UploadFaultsTest, TimeoutOnUploadIsRetriedAndSentOnce) {
  // The sim holds the request far longer than the uploader's request timeout.
  QueueFaults({{"faults", {{{"kind", "timeout"}, {"on", "upload"}, {"seconds", 20}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgTimeout, {{"request_timeout_seconds", "2"}})).ok());
  const auto start = std::chrono::steady_clock::now();
  Publish(Document(kOrgTimeout));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrgTimeout);
  EXPECT_EQ(s.upload_attempts(), 2);
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(19))
      << "the uploader waited for the server instead of timing out";
  EXPECT_THAT(uploader.Log(), HasSubstr("upload failed (transport"));
}

TEST_F(UploadFaultsTest, SlowResponsesAreWaitedForWithoutRetry) {
  QueueFaults({{"faults", {{{"kind", "slow"}, {"on", "any"}, {"count", 2}, {"seconds", 2}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgSlow)).ok());
  Publish(Document(kOrgSlow));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrgSlow);
  EXPECT_EQ(Served("slow"), 2);
  EXPECT_EQ(s.upload_attempts(), 1);
  EXPECT_EQ(s.download_attempts(), 1);
  EXPECT_EQ(StatOf(SimStats(), "uploads_by_batch", BatchIdFor(kOrgSlow)), 1);
}

TEST_F(UploadFaultsTest, DroppedConnectionOnUploadIsCheckedThenSentOnce) {
  QueueFaults({{"faults", {{{"kind", "drop"}, {"on", "upload"}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgDrop)).ok());
  Publish(Document(kOrgDrop));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrgDrop);
  EXPECT_EQ(Served("drop"), 1);
  // The lost POST was followed by a poll (S0031: never received) and only then a second POST.
  EXPECT_EQ(s.upload_attempts(), 2);
  EXPECT_THAT(uploader.Log(), HasSubstr("SEVIS never received it (S0031)"));
}

TEST_F(UploadFaultsTest, AnswerLostAfterUploadIsNotUploadedTwice) {
  // SEVIS processes the upload, but the reply never arrives.
  QueueFaults({{"faults", {{{"kind", "drop_after"}, {"on", "upload"}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgDropAfter)).ok());
  Publish(Document(kOrgDropAfter));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrgDropAfter);
  EXPECT_EQ(Served("drop_after"), 1);
  EXPECT_EQ(s.upload_attempts(), 1) << "re-posted a batch SEVIS already had";
  // The next request (on a new connection, resuming the TLS session) found the result at once.
  EXPECT_EQ(s.download_attempts(), 1);
  EXPECT_EQ(StatOf(SimStats(), "uploads_by_batch", BatchIdFor(kOrgDropAfter)), 1);
  EXPECT_THAT(uploader.Log(), ::testing::Not(HasSubstr("S0031")));
}

// ---- download faults ----------------------------------------------------------------------

void ExpectBadZipRefetched(const std::string& org, const char* kind, int served_before) {
  QueueFaults({{"faults", {{{"kind", kind}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(org)).ok());
  Publish(Document(org));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, org);
  EXPECT_EQ(FaultsServed(SimStats(), kind) - served_before, 1);
  EXPECT_EQ(s.upload_attempts(), 1);
  EXPECT_EQ(s.download_attempts(), 2) << "the damaged zip was not fetched again";
  EXPECT_EQ(uploader.Metric("sevisflow_uploader_download_polls_total{result=\"retry\"}"), 1);
  EXPECT_THAT(uploader.Log(), HasSubstr("downloading again"));
}

TEST_F(UploadFaultsTest, TruncatedZipIsDownloadedAgainAndImportedOnce) {
  ExpectBadZipRefetched(kOrgTruncated, "truncated_zip",
                        FaultsServed(SimStats(), "truncated_zip"));
}

TEST_F(UploadFaultsTest, CorruptZipIsDownloadedAgainAndImportedOnce) {
  ExpectBadZipRefetched(kOrgCorrupt, "corrupt_zip", FaultsServed(SimStats(), "corrupt_zip"));
}

TEST_F(UploadFaultsTest, NotYetProcessedIsPolledWithBackoff) {
  QueueFaults({{"faults", {{{"kind", "not_yet_processed"}, {"count", 3}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgNotYet, {{"poll_max_interval_seconds", "4"}})).ok());
  const auto start = std::chrono::steady_clock::now();
  Publish(Document(kOrgNotYet));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrgNotYet);
  const auto taken = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.upload_attempts(), 1);
  EXPECT_EQ(s.download_attempts(), 4);
  EXPECT_EQ(uploader.Metric("sevisflow_uploader_download_polls_total{result=\"not_yet\"}"), 3);
  // Polls 1 s after the upload, then after 1, 2 and 4 s: at least 8 s; fixed 1 s polls: 4 s.
  EXPECT_GE(taken, milliseconds(7500));
}

// ---- outage: the breaker --------------------------------------------------------------------

TEST_F(UploadFaultsTest, OutageOpensBreakerWhichClosesByItself) {
  QueueFaults({{"faults", {{{"kind", "http500"}, {"on", "any"}, {"count", 4}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader
                  .Start(SetupFor(kOrgOutage, {{"breaker_failures", "3"},
                                               {"breaker_cooldown_seconds", "3"},
                                               {"max_upload_attempts", "20"}}))
                  .ok());
  Publish(Document(kOrgOutage));
  const std::string gauge =
      std::string("sevisflow_uploader_circuit_state{org=\"") + kOrgOutage + "\"}";
  bool listed_open = false;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        if (uploader.Metric(gauge) != 1) return false;
        auto u = uploader.Upload(kOrgOutage, BatchIdFor(kOrgOutage));
        listed_open = u && u->circuit_state() == "open";
        return true;
      },
      seconds(60)))
      << uploader.LogTail();
  EXPECT_TRUE(listed_open);
  EXPECT_THAT(uploader.Log(), HasSubstr("circuit breaker open"));
  const v1::UploadState s = ExpectDeliveredOnce(uploader, kOrgOutage);
  EXPECT_EQ(uploader.Metric(gauge), 0);
  EXPECT_EQ(Served("http500"), 4);
  EXPECT_EQ(StatOf(SimStats(), "uploads_by_batch", BatchIdFor(kOrgOutage)), 1);
  EXPECT_EQ(s.state(), "DOWNLOADED");
}

// ---- expired server certificate ------------------------------------------------------------

TEST_F(UploadFaultsTest, ExpiredServerCertificateIsRefusedUntilReplaced) {
  const auto now = std::chrono::system_clock::now();
  auto expired = testing::MakeCertificate(testing::CertSpec{
      .dir = env->dir + "/expired-server",
      .name = "server",
      .common_name = "localhost",
      .not_before = now - std::chrono::hours(24 * 400),
      .not_after = now - std::chrono::hours(24),
      .key_password = "",
      .issuer_cert = env->tls.ca_cert,
      .issuer_key = env->tls.ca_key,
  });
  ASSERT_TRUE(expired.ok()) << expired.status();
  const int port = testing::FreePort();
  auto sim = SpawnSim(env->dir, "expired-sim", expired->cert, expired->key, env->tls.ca_cert,
                      port);
  ASSERT_TRUE(sim.ok()) << sim.status();
  ASSERT_EQ(sim->port, port);

  // The certificate's name (CN, no SAN).
  const OrgConfig org = Org(kOrgExpiredServer, "", "", "", Endpoint(port, "localhost"));
  UploaderProcess uploader;
  ASSERT_TRUE(uploader
                  .Start(UploaderSetup{"expired-server",
                                       {org},
                                       {{"max_upload_attempts", "0"},
                                        {"breaker_cooldown_seconds", "2"}}})
                  .ok());
  Publish(Document(kOrgExpiredServer));
  const std::string batch_id = BatchIdFor(kOrgExpiredServer);
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto u = uploader.Upload(kOrgExpiredServer, batch_id);
        return u && u->upload_attempts() >= 1 && u->retries() >= 2;
      },
      seconds(60)))
      << uploader.LogTail();
  auto u = uploader.Upload(kOrgExpiredServer, batch_id);
  ASSERT_TRUE(u);
  EXPECT_NE(u->state(), "DOWNLOADED");
  EXPECT_THAT(u->last_error(), HasSubstr("certificate has expired"));
  EXPECT_THAT(uploader.Log(), HasSubstr("server certificate not trusted"));
  // Nothing reached the sim's HTTP layer: the handshake failed first.
  EXPECT_EQ(StatOf(SimStats(port), "uploads_by_batch", batch_id), 0);

  // The operator renews the server certificate: same port, same data.
  EXPECT_EQ(sim->process->Terminate(seconds(30)), 0);
  auto renewed = SpawnSim(env->dir, "expired-sim", env->tls.server_cert, env->tls.server_key,
                          env->tls.ca_cert, port);
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  ExpectDeliveredOnce(uploader, kOrgExpiredServer, port);
  EXPECT_EQ(StatOf(SimStats(port), "uploads_by_batch", batch_id), 1);
  renewed->process->Terminate(seconds(30));
}

// ---- stuck batch ----------------------------------------------------------------------------

TEST_F(UploadFaultsTest, StuckBatchRaisesGaugeUntilResultsArrive) {
  QueueFaults({{"faults", {{{"kind", "not_yet_processed"}, {"count", 1000}}}}});
  UploaderProcess uploader;
  ASSERT_TRUE(uploader
                  .Start(SetupFor(kOrgStuck, {{"stuck_after_seconds", "3"},
                                              {"poll_max_interval_seconds", "1"}}))
                  .ok());
  Publish(Document(kOrgStuck));
  const std::string batch_id = BatchIdFor(kOrgStuck);
  const std::string gauge =
      std::string("sevisflow_uploader_stuck_batches{org=\"") + kOrgStuck + "\"}";
  ASSERT_TRUE(testing::WaitUntil([&] { return uploader.Metric(gauge) == 1; }, seconds(60)))
      << uploader.LogTail();
  auto u = uploader.Upload(kOrgStuck, batch_id);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->stuck());
  EXPECT_EQ(u->state(), "UPLOADED");
  EXPECT_EQ(u->download_result_code(), "S0030");
  EXPECT_THAT(uploader.Log(), HasSubstr("is stuck"));
  EXPECT_FALSE(Imported(kOrgStuck, batch_id));

  ClearFaults();  // SEVIS finally processes it
  ExpectDeliveredOnce(uploader, kOrgStuck);
  EXPECT_TRUE(testing::WaitUntil([&] { return uploader.Metric(gauge) == 0; }, seconds(30)));
  EXPECT_THAT(uploader.Log(), HasSubstr("is no longer stuck"));
}

// ---- S0010: batch id already used -------------------------------------------------------------

TEST_F(UploadFaultsTest, BatchIdAlreadyUsedIsTerminalAndNeverResent) {
  // Someone else already used the batch id with SEVIS.
  const v1::BatchDocument doc = Document(kOrgDuplicate);
  const std::string batch_id = doc.batch_id();
  {
    auto c = SimClient(kOrgDuplicate, env->sim_port);
    httplib::MultipartFormDataItems items = {
        {"orgid", kOrgDuplicate, "", ""},
        {"batchid", batch_id, "", ""},
        {"userid", kUser, "", ""},
        {"xml", doc.xml(), "other.xml", "text/xml"},
    };
    auto res = c->Post("/sevisbatch/action/batchUpload", items);
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_THAT(res->body, HasSubstr("S0000"));
  }
  UploaderProcess uploader;
  ASSERT_TRUE(uploader.Start(SetupFor(kOrgDuplicate)).ok());
  Publish(doc);
  auto u = uploader.WaitForState(kOrgDuplicate, batch_id, "REJECTED", seconds(60));
  ASSERT_TRUE(u && u->state() == "REJECTED") << uploader.LogTail();
  EXPECT_EQ(u->upload_result_code(), "S0010");
  EXPECT_EQ(u->upload_attempts(), 1);
  EXPECT_TRUE(u->next_attempt_at().empty());
  EXPECT_EQ(uploader.Metric(std::string("sevisflow_uploader_duplicate_batch_ids_total{org=\"") +
                            kOrgDuplicate + "\"}"),
            1);
  EXPECT_THAT(uploader.Log(), HasSubstr("S0010 (batch id already used): terminal"));
  // Its records go back to review: one zip-less BatchResult with S0010, imported as a
  // batch-level rejection of every record, exactly once.
  DrainBatch(batch_id);
  EXPECT_TRUE(testing::WaitUntil([&] { return Imported(kOrgDuplicate, batch_id); }, seconds(30)))
      << env->importer->LogTail();
  // Several retry intervals later: still one POST from us (two in all), one rejection, and
  // one outcome per record.
  std::this_thread::sleep_for(seconds(4));
  env->results->Drain(milliseconds(300));
  env->outcomes->Drain(milliseconds(300));
  const std::vector<v1::BatchResult> rejections =
      OfBatch<v1::BatchResult>(env->results->seen(), batch_id);
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0].upload_result_code(), "S0010");
  EXPECT_TRUE(rejections[0].zip_path().empty());
  EXPECT_EQ(rejections[0].records_size(), doc.records_size());
  const std::vector<v1::Outcome> outcomes = OfBatch<v1::Outcome>(env->outcomes->seen(), batch_id);
  EXPECT_EQ(static_cast<int>(outcomes.size()), doc.records_size());
  std::set<std::string> alerts;
  for (const v1::Outcome& o : outcomes) {
    EXPECT_FALSE(o.accepted());
    EXPECT_TRUE(o.batch_level());
    EXPECT_EQ(o.error_code(), "S0010");
    EXPECT_FALSE(o.error_message().empty());
    alerts.insert(o.alert_id());
  }
  EXPECT_EQ(static_cast<int>(alerts.size()), doc.records_size());
  const nlohmann::json stats = SimStats();
  EXPECT_EQ(StatOf(stats, "uploads_by_batch", batch_id), 2) << stats.dump();
  EXPECT_EQ(StatOf(stats, "accepted_by_batch", batch_id), 1) << stats.dump();
  u = uploader.Upload(kOrgDuplicate, batch_id);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->state(), "REJECTED");
  EXPECT_EQ(u->upload_attempts(), 1);
  EXPECT_TRUE(u->next_attempt_at().empty());
}

// ---- client certificates at start-up --------------------------------------------------------

TEST_F(UploadFaultsTest, BadClientCredentialsStopStartUpNamingOrgAndProblem) {
  const auto now = std::chrono::system_clock::now();
  const std::string dir = env->dir + "/bad-certs";
  auto expired = testing::MakeCertificate(testing::CertSpec{
      .dir = dir,
      .name = "expired",
      .common_name = kOrgBadCert,
      .not_before = now - std::chrono::hours(24 * 400),
      .not_after = now - std::chrono::hours(48),
      .key_password = "",
      .issuer_cert = env->tls.ca_cert,
      .issuer_key = env->tls.ca_key,
  });
  ASSERT_TRUE(expired.ok()) << expired.status();
  const auto& good = env->tls.clients.at(kOrgBadCert);
  const auto& other = env->tls.clients.at(kOrg500);

  struct Case {
    std::string name;
    OrgConfig org;
    std::string problem;  // expected in the message
  };
  const std::vector<Case> cases = {
      {"wrong-password", Org(kOrgBadCert, good.cert, good.encrypted_key, "not-the-password"),
       "wrong key password"},
      {"key-mismatch", Org(kOrgBadCert, good.cert, other.key, ""), "does not match"},
      {"expired-client", Org(kOrgBadCert, expired->cert, expired->key, ""), "expired on"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    UploaderProcess uploader;
    ASSERT_TRUE(uploader.Spawn(UploaderSetup{c.name, {c.org}, {}}).ok());
    ASSERT_TRUE(testing::WaitUntil([&] { return !uploader.process().Running(); }, seconds(60)))
        << "the uploader started with bad credentials";
    EXPECT_NE(uploader.process().Terminate(seconds(5)), 0);
    const std::string log = uploader.Log();
    EXPECT_THAT(log, HasSubstr(std::string("orgs.") + kOrgBadCert + ":")) << log;
    EXPECT_THAT(log, HasSubstr(c.problem)) << log;
  }
}

TEST_F(UploadFaultsTest, ClientCertificateNearExpiryWarnsAndSetsGauge) {
  const auto now = std::chrono::system_clock::now();
  auto soon = testing::MakeCertificate(testing::CertSpec{
      .dir = env->dir + "/soon-certs",
      .name = "soon",
      .common_name = kOrgBadCert,
      .not_before = now - std::chrono::hours(24 * 300),
      .not_after = now + std::chrono::hours(24 * 20),
      .key_password = "",
      .issuer_cert = env->tls.ca_cert,
      .issuer_key = env->tls.ca_key,
  });
  ASSERT_TRUE(soon.ok()) << soon.status();
  UploaderProcess uploader;
  ASSERT_TRUE(uploader
                  .Start(UploaderSetup{"near-expiry",
                                       {Org(kOrgBadCert, soon->cert, soon->key, "")},
                                       {{"cert_warning_days", "30"}}})
                  .ok())
      << uploader.LogTail();
  const double days = uploader.Metric(std::string("sevisflow_uploader_cert_expiry_days{org=\"") +
                                      kOrgBadCert + "\"}");
  // Whole days left: 19 once a moment has passed since the certificate was made.
  EXPECT_GE(days, 19.0);
  EXPECT_LE(days, 20.0);
  EXPECT_THAT(uploader.Log(), HasSubstr(std::string("org ") + kOrgBadCert +
                                        ": client certificate expires in"));
}

}  // namespace
}  // namespace sevisflow
