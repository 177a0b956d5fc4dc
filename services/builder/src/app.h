#pragma once
// Composition root of the builder: config → logging → metrics server → Redis → Kafka →
// Builder → gRPC; stops in reverse (gRPC NOT_SERVING, close timer, consumer loop, commit, close).

#include <atomic>
#include <chrono>
#include <optional>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/builder/src/builder.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/daily_schedule.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/batching/build.h"

namespace sevisflow::kafka {
class Consumer;
class Producer;
struct Message;
}  // namespace sevisflow::kafka

namespace sevisflow::rpc {
class ServerRunner;
}  // namespace sevisflow::rpc

namespace sevisflow::builder {

inline constexpr char kConsumerGroup[] = "sevisflow-builder";

struct AppConfig {
  // Common keys (kafka.*, redis.*, grpc.listen, metrics.*, log.*, xsd_dir); the builder's
  // defaults are grpc.listen 127.0.0.1:50052 and metrics.port 9102.
  common::ServiceConfig service;
  int close_interval_seconds = 0;      // builder.close_interval_seconds; 0 = no timer
  // builder.close_daily_at "HH:MM" (UTC): close every configured org's selection once a day.
  std::optional<std::chrono::minutes> close_daily_at;
  std::string detector_address;        // builder.detector_address (manual events)
  BuilderOptions builder;
  std::vector<rpc::Dso> dsos;          // dsos.<name>.token_sha256, dsos.<name>.orgs.<org>.user_id
};

// Reads every key the builder knows, then Finish(): unknown keys and bad values are errors
// naming the key. xsd_dir defaults to $SEVISFLOW_XSD_DIR, else the build's XSD bundle.
absl::StatusOr<AppConfig> LoadConfig(common::ConfigReader& reader);

class ReviewServiceImpl;

class App {
 public:
  // Loads both XSDs (once) and checks the options; nothing is started yet.
  static absl::StatusOr<std::unique_ptr<App>> Create(AppConfig config,
                                                     const common::Clock& clock);
  ~App();  // Stop()
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Starts metrics, Redis, Kafka, re-publishes RESERVED batches, starts the consumer loop,
  // the close timer and gRPC.
  absl::Status Start();
  // Reverse order; stored offsets are committed. Idempotent.
  void Stop();

  int grpc_port() const;
  int metrics_port() const;
  Builder& builder() { return *builder_; }
  common::MetricsRegistry& metrics() { return metrics_; }

 private:
  App(AppConfig config, const common::Clock& clock);
  void ConsumeLoop();
  void TimerLoop();
  void AuditLoop();
  // Runs one record's effect until it is durable (or the app stops); false when stopping.
  bool Process(const kafka::Message& message);

  AppConfig config_;
  const common::Clock& clock_;
  common::MetricsRegistry metrics_;
  std::unique_ptr<common::MetricsServer> metrics_server_;
  batching::LoadedValidators validators_;
  rpc::DsoDirectory dsos_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<Builder> builder_;
  std::unique_ptr<ReviewServiceImpl> service_;
  std::unique_ptr<rpc::ServerRunner> server_;
  std::thread consume_thread_;
  std::thread timer_thread_;
  std::thread audit_thread_;
  std::unique_ptr<common::DailyScheduler> daily_close_;
  std::atomic<bool> stopping_{false};
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sevisflow::builder
