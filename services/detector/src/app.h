#pragma once
// Composition root of the detector: config → logging → metrics server → Redis → Kafka →
// Detector → gRPC; stops in reverse (gRPC NOT_SERVING, stop consuming, finish the record in
// hand, commit stored offsets, close).

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/detector/src/detector.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rules/setup.h"

namespace sevisflow::kafka {
class Consumer;
class Producer;
}  // namespace sevisflow::kafka

namespace sevisflow::rpc {
class ServerRunner;
}  // namespace sevisflow::rpc

namespace sevisflow::detector {

inline constexpr char kSnapshotGroup[] = "sevisflow-detector";
inline constexpr char kMasterGroup[] = "sevisflow-detector-master";

struct AppConfig {
  // Common keys (kafka.*, redis.*, grpc.listen, metrics.*, log.*, xsd_dir); the detector's
  // defaults are grpc.listen 127.0.0.1:50051 and metrics.port 9101.
  common::ServiceConfig service;
  // SEVISTable.xsd used to validate codes (service.xsd_dir + "/6.55/SEVISTable.xsd");
  // "" = formats only.
  std::string code_tables;
  rules::Setup setup;  // detector.setup.*
};

// Reads every key the detector knows, then Finish(): unknown keys and bad values are errors
// naming the key.
absl::StatusOr<AppConfig> LoadConfig(common::ConfigReader& reader);

class DetectorServiceImpl;

class App {
 public:
  // Loads the code tables; nothing is started yet.
  static absl::StatusOr<std::unique_ptr<App>> Create(AppConfig config, const common::Clock& clock);
  ~App();  // Stop()
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  absl::Status Start();
  // Reverse order; stored offsets are committed. Idempotent.
  void Stop();

  int grpc_port() const;
  int metrics_port() const;
  Detector& detector() { return *detector_; }
  common::MetricsRegistry& metrics() { return metrics_; }

 private:
  App(AppConfig config, const common::Clock& clock);
  // Poll → handle (retried until durable or stopping) → Store; closes the consumer at the end.
  void ConsumeLoop(kafka::Consumer& consumer, bool master);

  AppConfig config_;
  const common::Clock& clock_;
  common::MetricsRegistry metrics_;
  std::unique_ptr<common::MetricsServer> metrics_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<kafka::Consumer> snapshot_consumer_;
  std::unique_ptr<kafka::Consumer> master_consumer_;
  std::unique_ptr<Detector> detector_;
  std::unique_ptr<DetectorServiceImpl> service_;
  std::unique_ptr<rpc::ServerRunner> server_;
  std::thread snapshot_thread_;
  std::thread master_thread_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sevisflow::detector
