#include "upload_fixture.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "sevisflow/testing/ports.h"

namespace sevisflow::testing {

namespace fs = std::filesystem;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

double MetricValue(int port, const std::string& sample) {
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

absl::StatusOr<SimProcess> SpawnSim(const SimSpec& spec) {
  const std::string port_file = spec.dir + "/" + spec.name + ".port";
  fs::remove(port_file);
  std::vector<std::string> argv = {
      std::string(SEVISFLOW_BINARY_DIR) + "/tools/sevis-sim/sevis-sim",
      "--cert", spec.cert, "--key", spec.key, "--client-ca", spec.client_ca,
      "--data-dir", spec.dir + "/" + spec.name + "-data",
      "--port", std::to_string(spec.port), "--port-file", port_file,
      "--xsd-dir", XsdDir()};
  for (const auto& org : spec.orgs) {
    argv.push_back("--org");
    argv.push_back(org + ":" + spec.user);
  }
  auto child = ChildProcess::Spawn(argv, spec.dir + "/" + spec.name + ".log");
  if (!child.ok()) return child.status();
  if (!WaitUntil([&] { return !ReadText(port_file).empty(); }, std::chrono::seconds(30))) {
    return absl::DeadlineExceededError("sevis-sim did not start: " + (*child)->LogTail());
  }
  SimProcess out;
  out.port = std::stoi(ReadText(port_file));
  out.process = std::move(*child);
  return out;
}

std::string ServiceYaml(const std::string& brokers, int redis_port, const std::string& grpc_listen,
                        int metrics_port, const std::string& docstore_root) {
  return "kafka: {brokers: \"" + brokers + "\"}\n" +
         "redis: {host: 127.0.0.1, port: " + std::to_string(redis_port) + "}\n" +
         "grpc: {listen: \"" + grpc_listen + "\"}\n" +
         "metrics: {listen_host: 127.0.0.1, port: " + std::to_string(metrics_port) + "}\n" +
         "log: {level: debug}\n" + "xsd_dir: \"" + XsdDir() + "\"\n" +
         "docstore: {root: \"" + docstore_root + "\"}\n";
}

TopicReader::TopicReader(const std::string& brokers, std::vector<std::string> topics) {
  static int counter = 0;
  kafka::ConsumerOptions o;
  o.brokers = brokers;
  o.group_id = "it-reader-" + std::to_string(++counter) + "-" + topics.front();
  o.topics = std::move(topics);
  auto c = kafka::Consumer::Create(o);
  EXPECT_TRUE(c.ok()) << c.status();
  if (c.ok()) consumer_ = std::move(*c);
}

void TopicReader::PollOnce() {
  auto batch = consumer_->Poll(100, std::chrono::milliseconds(200));
  if (batch.ok()) {
    for (auto& m : *batch) seen_.push_back(std::move(m));
  }
}

const std::vector<kafka::Message>& TopicReader::Drain(std::chrono::milliseconds timeout) {
  if (!consumer_) return seen_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    PollOnce();
  } while (std::chrono::steady_clock::now() < deadline);
  return seen_;
}

}  // namespace sevisflow::testing
