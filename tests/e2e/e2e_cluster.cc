#include "e2e_cluster.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sevisflow/http/client.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/testing/ports.h"

namespace sevisflow::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

}  // namespace

std::string Bin(const std::string& rel) { return std::string(SEVISFLOW_BINARY_DIR) + "/" + rel; }

std::string AutoCloseBuilderYaml() {
  return std::string("builder:\n  auto_select: true\n  close_interval_seconds: 2\n") +
         "orgs:\n  " + kOrg + ":\n    user_id: " + kUser + "\n";
}

void Cluster::Start() {
  dir = testing::ScratchDir(options_.name);
  docstore = dir + "/docstore";
  auto r = testing::RedisServer::Start(options_.name + "-redis");
  ASSERT_TRUE(r.ok()) << r.status();
  redis_server = std::move(*r);
  broker = std::make_unique<testing::KafkaBroker>(testing::KafkaBrokerOptions{
      .name = options_.name + "-kafka", .num_partitions = options_.partitions});
  ASSERT_TRUE(broker->Start().ok()) << broker->LogTail();
  ASSERT_TRUE(kafka::EnsureTopics(broker->bootstrap(), kafka::DefaultTopics(options_.partitions),
                                  seconds(60))
                  .ok());
  auto t = testing::MakeTlsMaterial(dir + "/certs", {kOrg});
  ASSERT_TRUE(t.ok()) << t.status();
  tls = *t;

  sim_port = testing::FreePort();
  StartSim(0);
  if (::testing::Test::HasFatalFailure()) return;

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

void Cluster::Stop() {
  for (auto& s : services) {
    if (s.process && s.process->Running()) s.process->Terminate(seconds(30));
  }
  if (sim) sim->Terminate(seconds(30));
  if (broker) (void)broker->Stop();
  if (redis_server) redis_server->Stop();
}

void Cluster::StartSim(int process_delay_seconds) {
  auto p = testing::ChildProcess::Spawn(
      {Bin("tools/sevis-sim/sevis-sim"), "--cert", tls.server_cert, "--key", tls.server_key,
       "--client-ca", tls.ca_cert, "--data-dir", dir + "/sim-data", "--org",
       std::string(kOrg) + ":" + kUser, "--port", std::to_string(sim_port), "--xsd-dir",
       testing::XsdDir(), "--process-delay-seconds", std::to_string(process_delay_seconds)},
      dir + "/sim.log");
  ASSERT_TRUE(p.ok()) << p.status();
  sim = std::move(*p);
  ASSERT_TRUE(
      testing::WaitUntil([&] { return SimStats().contains("total_uploads"); }, seconds(30)))
      << sim->LogTail();
}

void Cluster::StartService(Service& s) {
  auto p = testing::ChildProcess::Spawn({s.binary, "--config", ConfigPath(s)},
                                        dir + "/" + s.name + ".log");
  ASSERT_TRUE(p.ok()) << p.status();
  s.process = std::move(*p);
}

Service& Cluster::Get(const std::string& name) {
  for (auto& s : services) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no service " + name);
}

std::string Cluster::ConfigPath(const Service& s) const { return dir + "/" + s.name + ".yaml"; }

std::string Cluster::Config(const Service& s) const {
  std::string c = "kafka: {brokers: \"" + broker->bootstrap() + "\"}\n" +
                  "redis: {host: 127.0.0.1, port: " + std::to_string(redis_server->port()) +
                  "}\n" + "grpc: {listen: \"127.0.0.1:" + std::to_string(s.grpc_port) +
                  "\"}\n" + "metrics: {listen_host: 127.0.0.1, port: " +
                  std::to_string(s.metrics_port) + "}\n" + "log: {level: info}\n";
  const std::string xsd = testing::XsdDir();
  if (s.name == "detector") {
    c += "xsd_dir: \"" + xsd + "\"\n";
  } else if (s.name == "builder") {
    c += "xsd_dir: \"" + xsd + "\"\n" + options_.builder;
  } else if (s.name == "uploader") {
    const auto& client = tls.clients.at(kOrg);
    c += "xsd_dir: \"" + xsd + "\"\ndocstore: {root: \"" + docstore + "\"}\n" +
         "uploader:\n  endpoint: \"https://127.0.0.1:" + std::to_string(sim_port) +
         "/sevisbatch/action/\"\n  poll_interval_seconds: 1\n  poll_max_interval_seconds: 2\n" +
         "orgs:\n  " + kOrg + ":\n    cert: \"" + client.cert + "\"\n    key: \"" +
         client.encrypted_key + "\"\n    key_password: \"" + client.key_password +
         "\"\n    ca: \"" + tls.ca_cert + "\"\n    user_id: " + kUser + "\n" + options_.dsos;
  } else if (s.name == "importer") {
    c += "xsd_dir: \"" + xsd + "\"\ndocstore: {root: \"" + docstore + "\"}\n" + options_.dsos;
  }
  return c;
}

nlohmann::json Cluster::SimStats() const {
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

int Cluster::Sisgen(int count, int seed, const std::string& id_prefix) const {
  std::string cmd = Bin("tools/sisgen/sisgen") + " --count " + std::to_string(count) +
                    " --seed " + std::to_string(seed) + " --org " + kOrg +
                    " --j1-percent 0 --id-prefix " + id_prefix + " --brokers " +
                    broker->bootstrap() + " --topic " + kafka::kSisPerson + " > " + dir +
                    "/sisgen.log 2>&1";
  return std::system(cmd.c_str());
}

TopicReader::TopicReader(const std::string& bootstrap, const std::string& topic) {
  kafka::ConsumerOptions o;
  o.brokers = bootstrap;
  o.group_id = "e2e-reader-" + topic + "-" + std::to_string(++counter_);
  o.topics = {topic};
  auto c = kafka::Consumer::Create(o);
  EXPECT_TRUE(c.ok()) << c.status();
  if (c.ok()) consumer_ = std::move(*c);
}

const std::vector<kafka::Message>& TopicReader::Drain(milliseconds timeout) {
  if (consumer_) {
    auto batch = consumer_->Poll(500, timeout);
    if (batch.ok()) {
      for (auto& m : *batch) seen_.push_back(std::move(m));
    }
  }
  return seen_;
}

const std::vector<kafka::Message>& TopicReader::Settle(milliseconds quiet) {
  auto deadline = std::chrono::steady_clock::now() + quiet;
  while (std::chrono::steady_clock::now() < deadline) Drain(milliseconds(500));
  return seen_;
}

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

}  // namespace sevisflow::e2e
