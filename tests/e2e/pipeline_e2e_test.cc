// The walking skeleton end to end: sisgen publishes F-1/M-1 students to sis.person; the four
// services and sevis-sim run as real processes (their own binaries) against a real Apache Kafka
// broker (KRaft), a real redis-server and real TLS certificates; every student ends with a
// SEVIS ID in the SEVIS Master.
//
// Tests run in order and share the pipeline:
//  1. 50 students → 50 SEVIS IDs on sevis.master; every uploaded document also validates with
//     xmllint (an independent validator); republishing the same snapshots creates no alert.
//  2. the uploader is SIGKILLed after its upload and before the result is imported; restarted,
//     the batch is uploaded exactly once and its result imported once.
//  3. every service answers gRPC health and /metrics, and stops cleanly on SIGTERM.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sevisflow/http/client.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/testing/tls.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"

namespace sevisflow {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kUser[] = "dso0000001";

std::string Bin(const std::string& rel) { return std::string(SEVISFLOW_BINARY_DIR) + "/" + rel; }

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

struct Service {
  std::string name;
  std::string binary;
  int grpc_port = 0;
  int metrics_port = 0;
  std::unique_ptr<testing::ChildProcess> process;
};

class Pipeline : public ::testing::Environment {
 public:
  void SetUp() override {
    dir = testing::ScratchDir("pipeline_e2e");
    docstore = dir + "/docstore";
    auto r = testing::RedisServer::Start("pipeline-e2e-redis");
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server = std::move(*r);
    broker = std::make_unique<testing::KafkaBroker>(
        testing::KafkaBrokerOptions{.name = "pipeline-e2e-kafka", .num_partitions = 3});
    ASSERT_TRUE(broker->Start().ok()) << broker->LogTail();
    ASSERT_TRUE(
        kafka::EnsureTopics(broker->bootstrap(), kafka::DefaultTopics(3), seconds(60)).ok());
    auto t = testing::MakeTlsMaterial(dir + "/certs", {kOrg});
    ASSERT_TRUE(t.ok()) << t.status();
    tls = *t;

    sim_port = testing::FreePort();
    StartSim(0);

    for (const char* name : {"detector", "builder", "uploader", "importer"}) {
      Service s;
      s.name = name;
      s.binary = Bin(std::string("services/") + name + "/sevisflow-" + name);
      s.grpc_port = testing::FreePort();
      s.metrics_port = testing::FreePort();
      services.push_back(std::move(s));
    }
    for (auto& s : services) {
      WriteText(ConfigPath(s), Config(s));
      StartService(s);
    }
    for (auto& s : services) {
      ASSERT_TRUE(testing::WaitForHttpOk(s.metrics_port, "/healthz", seconds(90)))
          << s.name << ": " << s.process->LogTail();
    }
  }

  void TearDown() override {
    for (auto& s : services) {
      if (s.process) s.process->Terminate(seconds(30));
    }
    if (sim) sim->Terminate(seconds(30));
    if (broker) (void)broker->Stop();
    if (redis_server) redis_server->Stop();
  }

  // sevis-sim on a fixed port (the uploader's endpoint), its state in one folder for restarts.
  void StartSim(int process_delay_seconds) {
    auto p = testing::ChildProcess::Spawn(
        {Bin("tools/sevis-sim/sevis-sim"), "--cert", tls.server_cert, "--key", tls.server_key,
         "--client-ca", tls.ca_cert, "--data-dir", dir + "/sim-data", "--org",
         std::string(kOrg) + ":" + kUser, "--port", std::to_string(sim_port), "--xsd-dir",
         testing::XsdDir(), "--process-delay-seconds", std::to_string(process_delay_seconds)},
        dir + "/sim.log");
    ASSERT_TRUE(p.ok()) << p.status();
    sim = std::move(*p);
    ASSERT_TRUE(testing::WaitUntil([&] { return SimStats().contains("total_uploads"); },
                                   seconds(30)))
        << sim->LogTail();
  }

  void StartService(Service& s) {
    auto p = testing::ChildProcess::Spawn({s.binary, "--config", ConfigPath(s)},
                                          dir + "/" + s.name + ".log");
    ASSERT_TRUE(p.ok()) << p.status();
    s.process = std::move(*p);
  }

  Service& Get(const std::string& name) {
    for (auto& s : services) {
      if (s.name == name) return s;
    }
    throw std::runtime_error("no service " + name);
  }

  std::string ConfigPath(const Service& s) const { return dir + "/" + s.name + ".yaml"; }

  std::string Config(const Service& s) const {
    std::string c = "kafka: {brokers: \"" + broker->bootstrap() + "\"}\n" +
                    "redis: {host: 127.0.0.1, port: " + std::to_string(redis_server->port()) +
                    "}\n" + "grpc: {listen: \"127.0.0.1:" + std::to_string(s.grpc_port) +
                    "\"}\n" + "metrics: {listen_host: 127.0.0.1, port: " +
                    std::to_string(s.metrics_port) + "}\n" + "log: {level: info}\n";
    const std::string xsd = testing::XsdDir();
    if (s.name == "detector") {
      c += "xsd_dir: \"" + xsd + "\"\n";
    } else if (s.name == "builder") {
      c += "xsd_dir: \"" + xsd + "\"\nbuilder:\n  auto_select: true\n  close_interval_seconds: 2\n" +
           "orgs:\n  " + kOrg + ":\n    user_id: " + kUser + "\n";
    } else if (s.name == "uploader") {
      const auto& client = tls.clients.at(kOrg);
      c += "xsd_dir: \"" + xsd + "\"\ndocstore: {root: \"" + docstore + "\"}\n" +
           "uploader:\n  endpoint: \"https://127.0.0.1:" + std::to_string(sim_port) +
           "/sevisbatch/action/\"\n  poll_interval_seconds: 1\n  poll_max_interval_seconds: 2\n" +
           "orgs:\n  " + kOrg + ":\n    cert: \"" + client.cert + "\"\n    key: \"" +
           client.encrypted_key + "\"\n    key_password: \"" + client.key_password +
           "\"\n    ca: \"" + tls.ca_cert + "\"\n    user_id: " + kUser + "\n";
    } else if (s.name == "importer") {
      c += "xsd_dir: \"" + xsd + "\"\ndocstore: {root: \"" + docstore + "\"}\n";
    }
    return c;
  }

  nlohmann::json SimStats() const {
    const auto& client = tls.clients.at(kOrg);
    http::TlsOptions o;
    o.client_cert_path = client.cert;
    o.client_key_path = client.key;
    o.ca_bundle_path = tls.ca_cert;
    http::HttpsClient https(o);
    auto r = https.Get("https://127.0.0.1:" + std::to_string(sim_port) + "/sim/stats");
    if (!r.ok() || r->status != 200) return nlohmann::json::object();
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  std::string dir;
  std::string docstore;
  std::unique_ptr<testing::RedisServer> redis_server;
  std::unique_ptr<testing::KafkaBroker> broker;
  testing::TlsMaterial tls;
  int sim_port = 0;
  std::unique_ptr<testing::ChildProcess> sim;
  std::vector<Service> services;
};

Pipeline* const env = static_cast<Pipeline*>(::testing::AddGlobalTestEnvironment(new Pipeline));

// Reads a topic from the beginning with a group of its own, keeping everything it saw.
class TopicReader {
 public:
  explicit TopicReader(const std::string& topic) {
    kafka::ConsumerOptions o;
    o.brokers = env->broker->bootstrap();
    o.group_id = "e2e-reader-" + topic + "-" + std::to_string(++counter_);
    o.topics = {topic};
    auto c = kafka::Consumer::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    if (c.ok()) consumer_ = std::move(*c);
  }
  const std::vector<kafka::Message>& Drain(milliseconds timeout) {
    if (consumer_) {
      auto batch = consumer_->Poll(500, timeout);
      if (batch.ok()) {
        for (auto& m : *batch) seen_.push_back(std::move(m));
      }
    }
    return seen_;
  }
  // Polls until pred(seen) holds or the timeout passes.
  template <typename Pred>
  bool WaitFor(Pred pred, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      Drain(milliseconds(500));
      if (pred(seen_)) return true;
    }
    return pred(seen_);
  }
  // Reads for `quiet` more, to see anything that was still on its way.
  const std::vector<kafka::Message>& Settle(milliseconds quiet) {
    auto deadline = std::chrono::steady_clock::now() + quiet;
    while (std::chrono::steady_clock::now() < deadline) Drain(milliseconds(500));
    return seen_;
  }

 private:
  static inline int counter_ = 0;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<kafka::Message> seen_;
};

// person_id → SEVIS ID, from the master records seen (the latest per key wins, as compaction).
std::map<std::string, std::string> SevisIds(const std::vector<kafka::Message>& records) {
  std::map<std::string, std::string> out;
  for (const auto& m : records) {
    v1::MasterRecord r;
    if (!m.is_tombstone && r.ParseFromString(m.value) && r.org_id() == kOrg) {
      out[r.person_id()] = r.sevis_id();
    }
  }
  return out;
}

std::set<std::string> PeopleWithPrefix(const std::map<std::string, std::string>& ids,
                                       const std::string& prefix) {
  std::set<std::string> out;
  for (const auto& [person, sevis] : ids) {
    if (person.rfind(prefix, 0) == 0) out.insert(person);
  }
  return out;
}

int Sisgen(int count, int seed, const std::string& id_prefix) {
  std::string cmd = Bin("tools/sisgen/sisgen") + " --count " + std::to_string(count) +
                    " --seed " + std::to_string(seed) + " --org " + kOrg + " --j1-percent 0 --id-prefix " +
                    id_prefix + " --brokers " + env->broker->bootstrap() + " --topic " +
                    kafka::kSisPerson + " > " + env->dir + "/sisgen.log 2>&1";
  return std::system(cmd.c_str());
}

// The value of the metric sample "name{labels}" on a service's /metrics, -1 when absent.
double Metric(int port, const std::string& sample) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get("/metrics");
  if (!res || res->status != 200) return -1;
  std::istringstream in(res->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(sample + " ", 0) == 0) return std::stod(line.substr(sample.size() + 1));
  }
  return -1;
}

int CountCreateAlerts(const std::vector<kafka::Message>& alerts, const std::string& prefix) {
  int n = 0;
  for (const auto& m : alerts) {
    v1::Alert a;
    if (a.ParseFromString(m.value) && a.event_type() == v1::EVENT_TYPE_CREATE_STUDENT &&
        a.person_id().rfind(prefix, 0) == 0) {
      ++n;
    }
  }
  return n;
}

const std::regex kSevisIdPattern("N[0-9]{10}");

TEST(PipelineE2ETest, FiftyStudentsGetSevisIdsAndARepublishCreatesNothing) {
  TopicReader master(kafka::kSevisMaster);
  TopicReader alerts(kafka::kSevisAlerts);
  ASSERT_EQ(Sisgen(50, 7, "E2EA"), 0);

  ASSERT_TRUE(master.WaitFor(
      [](const auto& seen) { return PeopleWithPrefix(SevisIds(seen), "E2EA").size() >= 50; },
      seconds(300)))
      << "master records: " << SevisIds(master.Drain(milliseconds(10))).size() << "\n"
      << env->Get("builder").process->LogTail() << env->Get("uploader").process->LogTail();
  auto ids = SevisIds(master.Drain(milliseconds(10)));
  std::set<std::string> distinct_sevis_ids;
  for (const auto& person : PeopleWithPrefix(ids, "E2EA")) {
    EXPECT_TRUE(std::regex_match(ids[person], kSevisIdPattern)) << ids[person];
    distinct_sevis_ids.insert(ids[person]);
  }
  EXPECT_EQ(distinct_sevis_ids.size(), 50u);
  EXPECT_EQ(CountCreateAlerts(alerts.Settle(seconds(2)), "E2EA"), 50);

  // Every document that was uploaded validates with xmllint too (an independent validator).
  int documents = 0;
  const std::string xsd = testing::XsdDir() + "/6.55/Create-UpdateStudent.xsd";
  for (const auto& entry : fs::recursive_directory_iterator(env->docstore)) {
    if (entry.path().filename() != "batch.xml") continue;
    ++documents;
    std::string cmd = "xmllint --noout --schema '" + xsd + "' '" + entry.path().string() +
                      "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << entry.path();
  }
  EXPECT_GE(documents, 1);

  // Republishing the same snapshots: the detector reads them all, and emits nothing new.
  auto& detector = env->Get("detector");
  const std::string consumed = "sevisflow_detector_messages_consumed_total{topic=\"sis.person\"}";
  double before = Metric(detector.metrics_port, consumed);
  ASSERT_GE(before, 50);
  ASSERT_EQ(Sisgen(50, 7, "E2EA"), 0);
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return Metric(detector.metrics_port, consumed) >= before + 50; }, seconds(120)));
  EXPECT_EQ(CountCreateAlerts(alerts.Settle(seconds(5)), "E2EA"), 50);
  EXPECT_EQ(PeopleWithPrefix(SevisIds(master.Settle(seconds(2))), "E2EA").size(), 50u);
}

TEST(PipelineE2ETest, UploaderKilledAfterUploadIsNotUploadedTwiceAndImportsOnce) {
  // SEVIS answers "not yet processed" for a while, as production does, so the uploader can be
  // killed between its upload and the import of the result.
  env->sim->Terminate(seconds(30));
  env->StartSim(20);
  auto before = env->SimStats();
  std::set<std::string> known_batches;
  for (auto& [batch, n] : before["accepted_by_batch"].items()) known_batches.insert(batch);

  TopicReader master(kafka::kSevisMaster);
  TopicReader results(kafka::kSevisResults);
  TopicReader outcomes(kafka::kSevisOutcomes);
  ASSERT_EQ(Sisgen(5, 8, "E2EB"), 0);

  std::string new_batch;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto stats = env->SimStats();
        for (auto& [batch, n] : stats["accepted_by_batch"].items()) {
          if (!known_batches.count(batch)) new_batch = batch;
        }
        return !new_batch.empty();
      },
      seconds(120)))
      << env->Get("uploader").process->LogTail();

  auto& uploader = env->Get("uploader");
  uploader.process->Kill();  // after the upload, before the result exists
  EXPECT_TRUE(PeopleWithPrefix(SevisIds(master.Settle(seconds(1))), "E2EB").empty())
      << "the result was imported before the uploader was killed; the test proves nothing";
  env->StartService(uploader);
  ASSERT_TRUE(testing::WaitForHttpOk(uploader.metrics_port, "/healthz", seconds(60)));

  ASSERT_TRUE(master.WaitFor(
      [](const auto& seen) { return PeopleWithPrefix(SevisIds(seen), "E2EB").size() >= 5; },
      seconds(180)))
      << uploader.process->LogTail();

  auto stats = env->SimStats();
  EXPECT_EQ(stats["uploads_by_batch"][new_batch].get<int>(), 1) << stats.dump();
  EXPECT_EQ(stats["accepted_by_batch"][new_batch].get<int>(), 1) << stats.dump();

  int results_for_batch = 0;
  for (const auto& m : results.Settle(seconds(3))) {
    v1::BatchResult r;
    if (r.ParseFromString(m.value) && r.batch_id() == new_batch) ++results_for_batch;
  }
  EXPECT_EQ(results_for_batch, 1);
  std::map<std::string, int> outcomes_per_alert;
  for (const auto& m : outcomes.Settle(seconds(1))) {
    v1::Outcome o;
    if (o.ParseFromString(m.value) && o.batch_id() == new_batch) {
      ++outcomes_per_alert[o.alert_id()];
      EXPECT_TRUE(o.accepted()) << o.error_code();
    }
  }
  EXPECT_EQ(outcomes_per_alert.size(), 5u);
  for (const auto& [alert, n] : outcomes_per_alert) EXPECT_EQ(n, 1) << alert;
}

TEST(PipelineE2ETest, EveryServiceIsHealthyExposesMetricsAndStopsCleanly) {
  for (auto& s : env->services) {
    auto health = rpc::CheckHealth("127.0.0.1:" + std::to_string(s.grpc_port), "", seconds(10));
    ASSERT_TRUE(health.ok()) << s.name << ": " << health.status();
    EXPECT_TRUE(*health) << s.name;
    // Consumer lag is exported per assigned partition; a member restarted after a SIGKILL gets
    // its partitions once the group's session timeout has retired the dead member.
    std::string body;
    EXPECT_TRUE(testing::WaitUntil(
        [&] {
          httplib::Client c("127.0.0.1", s.metrics_port);
          auto res = c.Get("/metrics");
          body = res ? res->body : "";
          return body.find("sevisflow_kafka_consumer_lag{") != std::string::npos;
        },
        seconds(90)))
        << s.name << ": " << body;
    EXPECT_THAT(body, ::testing::HasSubstr("sevisflow_" + s.name + "_")) << s.name;
  }
  for (auto& s : env->services) {
    EXPECT_EQ(s.process->Terminate(seconds(60)), 0) << s.name << ": " << s.process->LogTail();
  }
}

}  // namespace
}  // namespace sevisflow
