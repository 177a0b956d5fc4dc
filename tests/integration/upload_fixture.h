#pragma once
// Shared pieces of the integration tests that run the uploader, the importer and sevis-sim as
// processes (uploader_importer_integration_test, upload_faults_integration_test): files, the
// sim process, the services' common config keys, /metrics samples and a topic reader.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/testing/process.h"

namespace sevisflow::testing {

void WriteText(const std::string& path, const std::string& text);
std::string ReadText(const std::string& path);

// The value of a sample ("name{labels}") on http://127.0.0.1:<port>/metrics, -1 when absent.
double MetricValue(int port, const std::string& sample);

struct SimSpec {
  std::string dir;   // scratch folder: <name>.log, <name>.port, <name>-data/ go there
  std::string name;  // "sim"
  std::string cert;  // server certificate and key (PEM)
  std::string key;
  std::string client_ca;
  int port = 0;  // 0: any free port
  std::vector<std::string> orgs;  // each registered as --org <org>:<user>
  std::string user;
};

struct SimProcess {
  std::unique_ptr<ChildProcess> process;
  int port = 0;
};

// Spawns SEVISFLOW_BINARY_DIR's sevis-sim and waits until it listens.
absl::StatusOr<SimProcess> SpawnSim(const SimSpec& spec);

// The common YAML keys of a service (kafka, redis, grpc, metrics, log, xsd_dir, docstore).
std::string ServiceYaml(const std::string& brokers, int redis_port, const std::string& grpc_listen,
                        int metrics_port, const std::string& docstore_root);

// Reads topics from the beginning with a fresh consumer group and keeps everything it saw.
class TopicReader {
 public:
  TopicReader(const std::string& brokers, std::vector<std::string> topics);

  // Polls until `done(seen())` or the timeout.
  template <typename Pred>
  const std::vector<kafka::Message>& DrainUntil(Pred done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (consumer_ && !done(seen_) && std::chrono::steady_clock::now() < deadline) PollOnce();
    return seen_;
  }
  // Polls until at least n records were seen in total, or the timeout.
  const std::vector<kafka::Message>& WaitFor(size_t n, std::chrono::milliseconds timeout) {
    return DrainUntil([n](const auto& seen) { return seen.size() >= n; }, timeout);
  }
  // Polls for `timeout` (at least once).
  const std::vector<kafka::Message>& Drain(std::chrono::milliseconds timeout);
  const std::vector<kafka::Message>& seen() const { return seen_; }

 private:
  void PollOnce();

  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<kafka::Message> seen_;
};

}  // namespace sevisflow::testing
