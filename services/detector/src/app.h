#pragma once
// Composition root of the detector: config → logging → metrics server → Redis → Kafka →
// Detector → consumers (views first: run control, overlays; then snapshots) → daily schedule →
// gRPC; stops in reverse (runs cancelled, schedule stopped, gRPC NOT_SERVING, stop consuming,
// finish the record in hand, commit stored offsets, close).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/detector/src/detector.h"
#include "sevisflow/common/daily_schedule.h"
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
// Never commits: every start reads the whole (compacted, small) sevis.runcontrol topic again,
// so a lost or fresh Redis view is rebuilt from Kafka.
inline constexpr char kRunControlGroup[] = "sevisflow-detector-runcontrol";
// Never commits either: every start reads the compacted sis.supplemental topic again into the
// sf:supp view (records already applied are skipped by their offset).
inline constexpr char kSupplementalGroup[] = "sevisflow-detector-supplemental";

struct AppConfig {
  // Common keys (kafka.*, redis.*, grpc.listen, metrics.*, log.*, xsd_dir); the detector's
  // defaults are grpc.listen 127.0.0.1:50051 and metrics.port 9101.
  common::ServiceConfig service;
  // SEVISTable.xsd used to validate codes (service.xsd_dir + "/6.55/SEVISTable.xsd");
  // "" = formats only.
  std::string code_tables;
  rules::Setup setup;  // detector.setup.* (cip_table loaded from detector.setup.cip_table_file)
  std::string cip_table_file;
  // detector.schedule.daily_at ("HH:MM" UTC): RunAlerts("") once a day; nullopt = off.
  std::optional<std::chrono::minutes> daily_at;
  // detector.snapshot_batch: the most sis.person records polled and handled as one batch
  // (Detector::HandleSnapshotBatch).
  size_t snapshot_batch = 500;
  // Not config keys (tests shorten them): how often the schedule reads the clock, and how long
  // the snapshot consumer waits at start-up for the run control view to catch up with
  // sevis.runcontrol, then for the overlay view to catch up with sis.supplemental, before it
  // evaluates anything.
  std::chrono::milliseconds schedule_tick{2000};
  std::chrono::milliseconds run_control_catch_up{15000};
  std::chrono::milliseconds supplemental_catch_up{15000};
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
  enum class Input { kSnapshot, kMaster, kRunControl, kSupplemental };
  // Poll → handle (retried until durable or stopping) → Store (not for the views re-read at
  // every start: kRunControl, kSupplemental); closes the consumer at the end.
  void ConsumeLoop(kafka::Consumer& consumer, Input input);
  absl::Status Handle(const kafka::Message& message, Input input);
  // Before Close(): polls (up to 2 s) until the consumer got its first assignment.
  static void SettleBeforeClose(kafka::Consumer& consumer);
  // True once every partition assigned to `consumer` has been read to its end.
  bool CaughtUp(kafka::Consumer& consumer) const;
  // Blocks until `ready` (a view caught up), `timeout` passed, or stopping.
  void WaitForView(const bool& ready, std::chrono::milliseconds timeout, const char* topic);
  void WaitForRunControlView();
  void WaitForSupplementalView();
  bool ScheduledRun(common::TimePoint due);

  AppConfig config_;
  const common::Clock& clock_;
  common::MetricsRegistry metrics_;
  std::unique_ptr<common::MetricsServer> metrics_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<kafka::Consumer> snapshot_consumer_;
  std::unique_ptr<kafka::Consumer> master_consumer_;
  std::unique_ptr<kafka::Consumer> run_control_consumer_;
  std::unique_ptr<kafka::Consumer> supplemental_consumer_;
  std::unique_ptr<Detector> detector_;
  std::unique_ptr<DetectorServiceImpl> service_;
  std::unique_ptr<rpc::ServerRunner> server_;
  std::thread snapshot_thread_;
  std::thread master_thread_;
  std::thread run_control_thread_;
  std::thread supplemental_thread_;
  std::unique_ptr<common::DailyScheduler> scheduler_;
  std::mutex ready_mu_;
  std::condition_variable ready_cv_;
  bool run_control_ready_ = false;
  bool supplemental_ready_ = false;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sevisflow::detector
