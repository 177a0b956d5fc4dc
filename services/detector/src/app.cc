#include "services/detector/src/app.h"

#include <chrono>

#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
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
  if (s.legal_name_type.empty()) {
    r.AddError("detector.setup.legal_name_type", "must not be empty");
  }
  if (s.major_plan_types.empty()) {
    r.AddError("detector.setup.major_plan_types", "at least one plan type is required");
  }
  if (absl::Status st = r.Finish(); !st.ok()) return st;
  return c;
}

// gRPC DetectorService over the Detector.
class DetectorServiceImpl final : public v1::DetectorService::Service {
 public:
  explicit DetectorServiceImpl(Detector& detector) : detector_(detector) {}

  grpc::Status RunAlerts(grpc::ServerContext*, const v1::RunAlertsRequest* request,
                     v1::RunAlertsResponse* response) override {
    absl::StatusOr<SweepResult> result = detector_.Sweep(request->org_id());
    if (!result.ok()) return rpc::ToGrpcStatus(result.status());
    response->set_persons(result->persons);
    response->set_alerts(result->alerts);
    return grpc::Status::OK;
  }

  grpc::Status Explain(grpc::ServerContext*, const v1::ExplainRequest* request,
                       v1::ExplainResponse* response) override {
    if (request->person_id().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "person_id is required");
    }
    auto alerts = detector_.Explain(request->person_id());
    if (!alerts.ok()) return rpc::ToGrpcStatus(alerts.status());
    response->set_found(alerts->has_value());
    if (alerts->has_value()) {
      for (auto& a : **alerts) *response->add_alerts() = std::move(a);
    }
    return grpc::Status::OK;
  }

 private:
  Detector& detector_;
};

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

  // Both consumers identify as "sevisflow-detector"; the master view has its own group.
  auto snapshots = service::MakeConsumer(config_.service, kSnapshotGroup, {kafka::kSisPerson},
                                         metrics_, "sevisflow-detector");
  if (!snapshots.ok()) return snapshots.status();
  snapshot_consumer_ = std::move(*snapshots);
  auto masters = service::MakeConsumer(config_.service, kMasterGroup, {kafka::kSevisMaster},
                                       metrics_, "sevisflow-detector");
  if (!masters.ok()) return masters.status();
  master_consumer_ = std::move(*masters);
  master_thread_ = std::thread([this] { ConsumeLoop(*master_consumer_, true); });
  snapshot_thread_ = std::thread([this] { ConsumeLoop(*snapshot_consumer_, false); });

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

void App::ConsumeLoop(kafka::Consumer& consumer, bool master) {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_.load()) {
    absl::StatusOr<std::vector<kafka::Message>> batch =
        consumer.Poll(100, std::chrono::milliseconds(200));
    if (!batch.ok()) {
      Log()->critical("consumer {} failed: {}", consumer.group_id(),
                      std::string(batch.status().message()));
      break;
    }
    for (const kafka::Message& message : *batch) {
      bool done = false;
      while (!done && !stopping_.load()) {
        absl::Status s = master ? detector_->HandleMasterMessage(message)
                                : detector_->HandleSnapshotMessage(message);
        if (s.ok()) {
          done = true;
          backoff = std::chrono::milliseconds(100);
          break;
        }
        Log()->warn("{}: {} (retrying in {} ms)", kafka::SourceOf(message),
                    std::string(s.message()), backoff.count());
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      }
      if (!done) break;  // stopping: the record is replayed after restart
      if (absl::Status s = consumer.Store(message); !s.ok()) {
        Log()->info("{}: offset not stored ({})", kafka::SourceOf(message),
                    std::string(s.message()));
      }
    }
  }
  consumer.Close();
}

void App::Stop() {
  if (stopped_ || !started_) {
    stopped_ = true;
    return;
  }
  stopped_ = true;
  if (server_) server_->Shutdown();
  stopping_.store(true);
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  if (master_thread_.joinable()) master_thread_.join();
  if (producer_) (void)producer_->Flush(std::chrono::seconds(10));
  if (metrics_server_) metrics_server_->Stop();
  Log()->info("detector stopped");
}

int App::grpc_port() const { return server_ ? server_->port() : 0; }
int App::metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

}  // namespace sevisflow::detector
