#include "services/detector/src/app.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "services/detector/src/cip_table.h"
#include "services/detector/src/grpc_service.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/service/runtime.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"

namespace sevisflow::detector {
namespace {

auto Log() {
  static auto logger = common::Logger("detector");
  return logger;
}

}  // namespace

absl::StatusOr<AppConfig> LoadConfig(common::ConfigReader& r) {
  AppConfig c;
  c.service.grpc_listen = "127.0.0.1:50051";
  c.service.metrics_port = 9101;
  common::ReadServiceConfig(r, c.service);
  // The official code lists (countries, states, CIP...) come from the XSD bundle's
  // SEVISTable.xsd, the same `xsd_dir` setting every service reads.
  c.code_tables = c.service.xsd_dir + "/6.55/SEVISTable.xsd";
  rules::Setup& s = c.setup;
  s.legal_name_type = r.String("detector.setup.legal_name_type", s.legal_name_type);
  s.preferred_name_type = r.String("detector.setup.preferred_name_type", s.preferred_name_type);
  s.passport_name_type = r.String("detector.setup.passport_name_type", s.passport_name_type);
  s.dummy_first_name = r.String("detector.setup.dummy_first_name", s.dummy_first_name);
  s.us_address_type = r.String("detector.setup.us_address_type", s.us_address_type);
  s.foreign_address_type = r.String("detector.setup.foreign_address_type", s.foreign_address_type);
  s.major_plan_types = r.StringList("detector.setup.major_plan_types", s.major_plan_types);
  s.minor_plan_types = r.StringList("detector.setup.minor_plan_types", s.minor_plan_types);
  s.online_instruction_modes =
      r.StringList("detector.setup.online_instruction_modes", s.online_instruction_modes);
  if (s.legal_name_type.empty()) {
    r.AddError("detector.setup.legal_name_type", "must not be empty");
  }
  if (s.major_plan_types.empty()) {
    r.AddError("detector.setup.major_plan_types", "at least one plan type is required");
  }
  for (const std::string& mode : s.online_instruction_modes) {
    if (mode.empty()) {
      r.AddError("detector.setup.online_instruction_modes", "an empty instruction mode");
    }
  }
  c.cip_table_file = r.String("detector.setup.cip_table_file", "");
  if (!c.cip_table_file.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> table = LoadCipTable(c.cip_table_file);
    if (table.ok()) {
      s.cip_table = std::make_shared<const std::map<std::string, std::string>>(std::move(*table));
    } else {
      r.AddError("detector.setup.cip_table_file", std::string(table.status().message()));
    }
  }
  const std::string daily_at = r.String("detector.schedule.daily_at", "");
  absl::StatusOr<std::optional<std::chrono::minutes>> at = common::ParseDailyAt(daily_at);
  if (at.ok()) {
    c.daily_at = *at;
  } else {
    r.AddError("detector.schedule.daily_at", std::string(at.status().message()));
  }
  c.snapshot_batch = static_cast<size_t>(
      r.Int("detector.snapshot_batch", static_cast<int64_t>(c.snapshot_batch), 1, 10000));
  if (absl::Status st = r.Finish(); !st.ok()) return st;
  return c;
}

App::App(AppConfig config, const common::Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

absl::StatusOr<std::unique_ptr<App>> App::Create(AppConfig config, const common::Clock& clock) {
  if (!config.code_tables.empty()) {
    absl::StatusOr<rules::CodeTables> tables = rules::CodeTables::Load(config.code_tables);
    if (!tables.ok()) return tables.status();
    config.setup.codes = std::make_shared<rules::CodeTables>(std::move(*tables));
  }
  return std::unique_ptr<App>(new App(std::move(config), clock));
}

App::~App() { Stop(); }

absl::Status App::Start() {
  if (started_) return absl::FailedPreconditionError("already started");
  started_ = true;
  absl::StatusOr<std::unique_ptr<common::MetricsServer>> metrics_server =
      service::StartMetricsServer(config_.service, metrics_);
  if (!metrics_server.ok()) return metrics_server.status();
  metrics_server_ = std::move(*metrics_server);

  absl::StatusOr<std::unique_ptr<redis::Client>> redis = service::MakeRedisClient(config_.service);
  if (!redis.ok()) return redis.status();
  redis_ = std::move(*redis);

  absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
      service::MakeProducer(config_.service, "sevisflow-detector");
  if (!producer.ok()) return producer.status();
  producer_ = std::move(*producer);
  publisher_ = std::make_unique<KafkaPublisher>(*producer_);
  detector_ = std::make_unique<Detector>(config_.setup, *redis_, *publisher_, clock_, metrics_);

  // Every consumer identifies as "sevisflow-detector"; each view has its own group.
  auto snapshots = service::MakeConsumer(config_.service, kSnapshotGroup, {kafka::kSisPerson},
                                         metrics_, "sevisflow-detector");
  if (!snapshots.ok()) return snapshots.status();
  snapshot_consumer_ = std::move(*snapshots);
  auto masters = service::MakeConsumer(config_.service, kMasterGroup, {kafka::kSevisMaster},
                                       metrics_, "sevisflow-detector");
  if (!masters.ok()) return masters.status();
  master_consumer_ = std::move(*masters);
  auto run_controls = service::MakeConsumer(config_.service, kRunControlGroup,
                                            {kafka::kSevisRunControl}, metrics_,
                                            "sevisflow-detector");
  if (!run_controls.ok()) return run_controls.status();
  run_control_consumer_ = std::move(*run_controls);
  auto overlays = service::MakeConsumer(config_.service, kSupplementalGroup,
                                        {kafka::kSisSupplemental}, metrics_, "sevisflow-detector");
  if (!overlays.ok()) return overlays.status();
  supplemental_consumer_ = std::move(*overlays);
  run_control_thread_ =
      std::thread([this] { ConsumeLoop(*run_control_consumer_, Input::kRunControl); });
  master_thread_ = std::thread([this] { ConsumeLoop(*master_consumer_, Input::kMaster); });
  supplemental_thread_ = std::thread([this] {
    // A changed overlay re-evaluates the person at once: not against a run control view that is
    // still being rebuilt.
    WaitForRunControlView();
    ConsumeLoop(*supplemental_consumer_, Input::kSupplemental);
  });
  snapshot_thread_ = std::thread([this] {
    // Snapshots evaluated before the run control view is rebuilt would miss the events that
    // read it (Registration, Auth Drop Below FC, Status - Complete by dates); before the overlay
    // view is rebuilt, what the DSOs entered (a dependent, a passport name ...).
    WaitForRunControlView();
    WaitForSupplementalView();
    ConsumeLoop(*snapshot_consumer_, Input::kSnapshot);
  });

  if (config_.daily_at) {
    scheduler_ = std::make_unique<common::DailyScheduler>(
        clock_, *config_.daily_at, [this](common::TimePoint due) { return ScheduledRun(due); },
        config_.schedule_tick);
    scheduler_->Start();
    Log()->info("daily SEVIS Alerts run scheduled, next at {}",
                common::FormatRfc3339(scheduler_->next_due()));
  }

  service_ = std::make_unique<DetectorServiceImpl>(*detector_);
  rpc::ServerOptions server_options;
  server_options.listen_address = config_.service.grpc_listen;
  server_ = std::make_unique<rpc::ServerRunner>(server_options);
  server_->AddService(service_.get(), v1::DetectorService::service_full_name());
  absl::StatusOr<int> port = server_->Start();
  if (!port.ok()) return port.status();
  server_->SetServing(true);
  Log()->info("detector started: grpc {}, metrics port {}", server_->address(),
              metrics_server_->port());
  return absl::OkStatus();
}

bool App::ScheduledRun(common::TimePoint due) {
  absl::StatusOr<std::optional<RunAlertsResult>> result = detector_->RunScheduled(due);
  if (!result.ok()) {
    Log()->error("scheduled run due {} failed: {}", common::FormatRfc3339(due),
                 std::string(result.status().message()));
    return false;
  }
  return true;
}

absl::Status App::Handle(const kafka::Message& message, Input input) {
  switch (input) {
    case Input::kSnapshot:
      return detector_->HandleSnapshotBatch({message});
    case Input::kMaster:
      return detector_->HandleMasterMessage(message);
    case Input::kRunControl:
      return detector_->HandleRunControlMessage(message);
    case Input::kSupplemental:
      return detector_->HandleSupplementalMessage(message);
  }
  return absl::InternalError("unknown input");
}

bool App::CaughtUp(kafka::Consumer& consumer) const {
  const auto assignment = consumer.Assignment();
  if (assignment.empty()) return false;
  const std::vector<kafka::PartitionLag> lags = consumer.Lag();
  if (lags.size() < assignment.size()) return false;  // a watermark not known yet
  return std::all_of(lags.begin(), lags.end(),
                     [](const kafka::PartitionLag& l) { return l.lag == 0; });
}

void App::WaitForView(const bool& ready, std::chrono::milliseconds timeout, const char* topic) {
  std::unique_lock lock(ready_mu_);
  const bool done =
      ready_cv_.wait_for(lock, timeout, [this, &ready] { return ready || stopping_.load(); });
  if (!done) {
    // Another replica may hold every partition; the view is shared, so go on.
    Log()->info("view of {} not confirmed current after {} ms; going on", topic,
                timeout.count());
  }
}

void App::WaitForRunControlView() {
  WaitForView(run_control_ready_, config_.run_control_catch_up, kafka::kSevisRunControl);
}

void App::WaitForSupplementalView() {
  WaitForView(supplemental_ready_, config_.supplemental_catch_up, kafka::kSisSupplemental);
}

void App::ConsumeLoop(kafka::Consumer& consumer, Input input) {
  auto backoff = std::chrono::milliseconds(100);
  // Retries `handle` until it succeeds (true) or the service stops (false: the records are
  // replayed after a restart).
  auto until_done = [&](const std::string& source, const std::function<absl::Status()>& handle) {
    while (!stopping_.load()) {
      absl::Status s = handle();
      if (s.ok()) {
        backoff = std::chrono::milliseconds(100);
        return true;
      }
      Log()->warn("{}: {} (retrying in {} ms)", source, std::string(s.message()),
                  backoff.count());
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
    return false;
  };
  while (!stopping_.load()) {
    absl::StatusOr<std::vector<kafka::Message>> batch =
        consumer.Poll(input == Input::kSnapshot ? config_.snapshot_batch : 100,
                      std::chrono::milliseconds(200));
    if (!batch.ok()) {
      Log()->critical("consumer {} failed: {}", consumer.group_id(),
                      std::string(batch.status().message()));
      break;
    }
    if (input == Input::kSnapshot) {
      // A polled batch of snapshots is handled as one: its Redis reads pipelined, its alerts
      // sent together; every offset is stored once the whole batch is durable.
      if (batch->empty()) continue;
      const std::string source = kafka::SourceOf(batch->front()) + " (+" +
                                 std::to_string(batch->size() - 1) + " records)";
      if (!until_done(source, [&] { return detector_->HandleSnapshotBatch(*batch); })) break;
      for (const kafka::Message& message : *batch) {
        if (absl::Status s = consumer.Store(message); !s.ok()) {
          Log()->info("{}: offset not stored ({})", kafka::SourceOf(message),
                      std::string(s.message()));
        }
      }
      continue;
    }
    for (const kafka::Message& message : *batch) {
      if (!until_done(kafka::SourceOf(message), [&] { return Handle(message, input); })) {
        break;  // stopping: the record is replayed after restart
      }
      // sevis.runcontrol and sis.supplemental offsets are never stored: the next start reads
      // the topic again.
      if (input == Input::kRunControl || input == Input::kSupplemental) continue;
      if (absl::Status s = consumer.Store(message); !s.ok()) {
        Log()->info("{}: offset not stored ({})", kafka::SourceOf(message),
                    std::string(s.message()));
      }
    }
    if (input == Input::kRunControl || input == Input::kSupplemental) {
      bool& ready = input == Input::kRunControl ? run_control_ready_ : supplemental_ready_;
      bool known;
      {
        std::lock_guard lock(ready_mu_);
        known = ready;
      }
      if (!known && CaughtUp(consumer)) {
        std::lock_guard lock(ready_mu_);
        ready = true;
        ready_cv_.notify_all();
        Log()->info("view caught up with {}",
                    input == Input::kRunControl ? kafka::kSevisRunControl
                                                : kafka::kSisSupplemental);
      }
    }
  }
  SettleBeforeClose(consumer);
  consumer.Close();
}

void App::SettleBeforeClose(kafka::Consumer& consumer) {
  // librdkafka 2.0 aborts when a cooperative-sticky member is destroyed between its JoinGroup
  // and its first assignment (confluentinc/librdkafka#4312, fixed in 2.3.0). A consumer stopped
  // right after start (the snapshot and overlay consumers wait for the views before their first
  // poll) first finishes joining. Records polled here are dropped: their offsets are not stored.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (consumer.Assignment().empty() && std::chrono::steady_clock::now() < deadline) {
    if (!consumer.Poll(1, std::chrono::milliseconds(100)).ok()) break;
  }
}

void App::Stop() {
  if (stopped_ || !started_) {
    stopped_ = true;
    return;
  }
  stopped_ = true;
  // A run in progress stops at the next person; what it published stays published.
  if (detector_) detector_->Cancel();
  if (scheduler_) scheduler_->Stop();
  if (server_) server_->Shutdown();
  {
    std::lock_guard lock(ready_mu_);
    stopping_.store(true);
  }
  ready_cv_.notify_all();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  if (master_thread_.joinable()) master_thread_.join();
  if (run_control_thread_.joinable()) run_control_thread_.join();
  if (supplemental_thread_.joinable()) supplemental_thread_.join();
  if (producer_) (void)producer_->Flush(std::chrono::seconds(10));
  if (metrics_server_) metrics_server_->Stop();
  Log()->info("detector stopped");
}

int App::grpc_port() const { return server_ ? server_->port() : 0; }
int App::metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

}  // namespace sevisflow::detector
