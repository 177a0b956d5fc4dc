#include "services/builder/src/app.h"

#include <chrono>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/batching/planner.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
#include "sevisflow/service/runtime.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/rules/events.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow::builder {
namespace {

std::shared_ptr<spdlog::logger> Log() { return common::Logger("builder"); }

}  // namespace

// "REGISTRATION,PERSONAL_INFO" style lists of event codes; a bad code is an error naming the key.
std::optional<std::set<sevisflow::v1::EventType>> ReadEvents(common::ConfigReader& reader,
                                                             const std::string& key) {
  if (!reader.Has(key)) return std::nullopt;
  std::set<sevisflow::v1::EventType> events;
  for (const std::string& code : reader.StringList(key, {})) {
    sevisflow::v1::EventType event = rules::EventFromCode(code);
    if (event == sevisflow::v1::EVENT_TYPE_UNSPECIFIED) {
      reader.AddError(key, absl::StrCat("unknown event code ", code, " (docs/events.md)"));
      continue;
    }
    events.insert(event);
  }
  return events;
}

absl::StatusOr<AppConfig> LoadConfig(common::ConfigReader& reader) {
  AppConfig c;
  c.service.grpc_listen = "127.0.0.1:50052";
  c.service.metrics_port = 9102;
  common::ReadServiceConfig(reader, c.service);

  c.close_interval_seconds =
      static_cast<int>(reader.Int("builder.close_interval_seconds", 0, 0, 7 * 24 * 3600));
  c.detector_address = reader.String("builder.detector_address", "");
  {
    const std::string daily_at = reader.String("builder.close_daily_at", "");
    absl::StatusOr<std::optional<std::chrono::minutes>> at = common::ParseDailyAt(daily_at);
    if (!at.ok()) {
      reader.AddError("builder.close_daily_at", std::string(at.status().message()));
    } else {
      c.close_daily_at = *at;
    }
  }
  c.builder.auto_select = reader.Bool("builder.auto_select", false);
  if (auto events = ReadEvents(reader, "builder.auto_select_events")) {
    c.builder.auto_select_events = *events;
  }
  c.builder.max_records_per_section = static_cast<int>(
      reader.Int("builder.max_records_per_section", batching::kMaxRecordsPerSection, 1,
                 batching::kMaxRecordsPerSection));
  c.builder.auto_close_selected = static_cast<int>(reader.Int(
      "builder.auto_close_selected", batching::kMaxRecordsPerSection, 0, 1000000));
  c.builder.print_form = reader.Bool("builder.print_form", true);
  c.builder.batch_id_prefix = reader.String("builder.batch_id_prefix", "SF");
  if (absl::Status s = batching::CheckBatchIdPrefix(c.builder.batch_id_prefix); !s.ok()) {
    reader.AddError("builder.batch_id_prefix", std::string(s.message()));
  }
  if (reader.Has("orgs")) {
    for (const std::string& org : reader.Keys("orgs")) {
      const std::string base = absl::StrCat("orgs.", org);
      if (!rpc::IsOrgId(org)) {
        reader.AddError(base, "not a SEVIS school code or program number");
      }
      OrgOptions o;
      o.user_id = reader.String(base + ".user_id", "");
      if (!o.user_id.empty()) {
        if (absl::Status s = batching::CheckUserId(o.user_id); !s.ok()) {
          reader.AddError(base + ".user_id", std::string(s.message()));
        }
      }
      if (reader.Has(base + ".auto_select")) {
        o.auto_select = reader.Bool(base + ".auto_select", false);
      }
      o.auto_select_events = ReadEvents(reader, base + ".auto_select_events");
      o.batch_id_prefix = reader.String(base + ".batch_id_prefix", "");
      if (!o.batch_id_prefix.empty()) {
        if (absl::Status s = batching::CheckBatchIdPrefix(o.batch_id_prefix); !s.ok()) {
          reader.AddError(base + ".batch_id_prefix", std::string(s.message()));
        }
      }
      c.builder.orgs.emplace(org, std::move(o));
    }
  }
  c.dsos = rpc::ReadDsos(reader);
  for (const rpc::Dso& dso : c.dsos) {
    for (const auto& [org, user] : dso.orgs) {
      if (absl::Status s = batching::CheckUserId(user); !s.ok()) {
        reader.AddError(absl::StrCat("dsos.", dso.name, ".orgs.", org, ".user_id"),
                        std::string(s.message()));
      }
    }
  }
  if (absl::Status s = reader.Finish(); !s.ok()) return s;
  if (absl::StatusOr<rpc::DsoDirectory> dir = rpc::DsoDirectory::Create(c.dsos); !dir.ok()) {
    return dir.status();
  }
  return c;
}

// gRPC handlers: thin, never throw, statuses converted once. Every call authenticates the DSO
// from its bearer token and checks the org it names.
class ReviewServiceImpl final : public sevisflow::v1::ReviewService::Service {
 public:
  ReviewServiceImpl(Builder& builder, const rpc::DsoDirectory& dsos)
      : builder_(builder), dsos_(dsos) {}

  grpc::Status WhoAmI(grpc::ServerContext* context, const sevisflow::v1::WhoAmIRequest*,
                      sevisflow::v1::WhoAmIResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Authenticate(*context);
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    response->set_dso(dso->name);
    for (const auto& [org, user] : dso->orgs) {
      response->add_org_ids(org);
      (*response->mutable_sevis_user_ids())[org] = user;
    }
    return grpc::Status::OK;
  }
  grpc::Status ListAlerts(grpc::ServerContext* context,
                          const sevisflow::v1::ListAlertsRequest* request,
                          sevisflow::v1::ListAlertsResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.ListAlerts(*request), response);
  }
  grpc::Status GetAlert(grpc::ServerContext* context, const sevisflow::v1::GetAlertRequest* request,
                        sevisflow::v1::ReviewAlert* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.GetAlert(request->org_id(), request->alert_id()), response);
  }
  grpc::Status SelectAlerts(grpc::ServerContext* context,
                            const sevisflow::v1::SelectAlertsRequest* request,
                            sevisflow::v1::SelectAlertsResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.SelectAlerts(*actor, *request), response);
  }
  grpc::Status RejectAlerts(grpc::ServerContext* context,
                            const sevisflow::v1::RejectAlertsRequest* request,
                            sevisflow::v1::RejectAlertsResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.RejectAlerts(*actor, *request), response);
  }
  grpc::Status AddManualEvent(grpc::ServerContext* context,
                              const sevisflow::v1::AddManualEventRequest* request,
                              sevisflow::v1::AddManualEventResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.AddManualEvent(*actor, *request), response);
  }
  grpc::Status CloseBatch(grpc::ServerContext* context,
                          const sevisflow::v1::CloseBatchRequest* request,
                          sevisflow::v1::CloseBatchResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.CloseBatch(*actor, request->org_id()), response);
  }
  grpc::Status ListBatches(grpc::ServerContext* context,
                           const sevisflow::v1::ListBatchesRequest* request,
                           sevisflow::v1::ListBatchesResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.ListBatches(*request), response);
  }
  grpc::Status SetSupplemental(grpc::ServerContext* context,
                               const sevisflow::v1::SetSupplementalRequest* request,
                               sevisflow::v1::SetSupplementalResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->data().org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.SetSupplemental(*actor, *request), response);
  }
  grpc::Status GetSupplemental(grpc::ServerContext* context,
                               const sevisflow::v1::GetSupplementalRequest* request,
                               sevisflow::v1::GetSupplementalResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.GetSupplemental(*request), response);
  }
  grpc::Status QueryAudit(grpc::ServerContext* context,
                          const sevisflow::v1::QueryAuditRequest* request,
                          sevisflow::v1::QueryAuditResponse* response) override {
    absl::StatusOr<Actor> actor = Authorize(*context, request->org_id());
    if (!actor.ok()) return rpc::ToGrpcStatus(actor.status());
    return Reply(builder_.QueryAudit(*request), response);
  }

 private:
  absl::StatusOr<rpc::Dso> Authenticate(const grpc::ServerContext& context) const {
    return rpc::AuthenticateDso(dsos_, context, "builder");
  }
  absl::StatusOr<Actor> Authorize(const grpc::ServerContext& context,
                                  const std::string& org) const {
    absl::StatusOr<rpc::Dso> dso = Authenticate(context);
    if (!dso.ok()) return dso.status();
    if (absl::Status s = rpc::CheckGranted(*dso, org); !s.ok()) {
      Log()->warn("DSO {} refused for org {}", dso->name, org);
      return s;
    }
    return Actor{dso->name, dso->orgs.at(org)};
  }

  template <typename T>
  static grpc::Status Reply(absl::StatusOr<T> result, T* response) {
    if (!result.ok()) return rpc::ToGrpcStatus(result.status());
    *response = std::move(*result);
    return grpc::Status::OK;
  }

  Builder& builder_;
  const rpc::DsoDirectory& dsos_;
};

App::App(AppConfig config, const common::Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(AppConfig config, const common::Clock& clock) {
  if (absl::Status s = batching::CheckBatchIdPrefix(config.builder.batch_id_prefix); !s.ok()) {
    return s;
  }
  std::unique_ptr<App> app(new App(std::move(config), clock));
  // The schemas are compiled once; every document is validated against these grammars.
  absl::StatusOr<batching::LoadedValidators> validators =
      batching::LoadValidators(app->config_.service.xsd_dir);
  if (!validators.ok()) return validators.status();
  app->validators_ = *std::move(validators);
  absl::StatusOr<rpc::DsoDirectory> dsos = rpc::DsoDirectory::Create(app->config_.dsos);
  if (!dsos.ok()) return dsos.status();
  app->dsos_ = *std::move(dsos);
  if (app->dsos_.empty()) {
    Log()->warn("no DSO configured (dsos.*): the review API refuses every call");
  }
  return app;
}

absl::Status App::Start() {
  if (started_) return absl::FailedPreconditionError("App::Start called twice");
  started_ = true;
  absl::StatusOr<std::unique_ptr<common::MetricsServer>> metrics_server =
      service::StartMetricsServer(config_.service, metrics_);
  if (!metrics_server.ok()) return metrics_server.status();
  metrics_server_ = std::move(*metrics_server);

  absl::StatusOr<std::unique_ptr<redis::Client>> redis = service::MakeRedisClient(config_.service);
  if (!redis.ok()) return redis.status();
  redis_ = std::move(*redis);

  absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
      service::MakeProducer(config_.service, "sevisflow-builder");
  if (!producer.ok()) return producer.status();
  producer_ = std::move(*producer);

  kafka::Producer* producer_ptr = producer_.get();
  BuilderPorts ports;
  ports.publish_batch = [producer_ptr](const sevisflow::v1::BatchDocument& document) {
    return producer_ptr->Send(kafka::kSevisBatches, document.org_id(),
                              document.SerializeAsString());
  };
  ports.publish_audit = [producer_ptr](const sevisflow::v1::AuditEntry& entry) {
    return producer_ptr->Send(kafka::kSevisAudit, entry.org_id(), entry.SerializeAsString());
  };
  ports.publish_supplemental =
      [producer_ptr](const std::string& key,
                     const std::optional<sevisflow::v1::SupplementalData>& data) {
        if (!data.has_value()) {
          return producer_ptr->SendTombstone(kafka::kSisSupplemental, key);
        }
        return producer_ptr->Send(kafka::kSisSupplemental, key, data->SerializeAsString());
      };
  if (!config_.detector_address.empty()) {
    auto detector = std::shared_ptr<sevisflow::v1::DetectorService::Stub>(
        sevisflow::v1::DetectorService::NewStub(rpc::Dial(config_.detector_address)));
    ports.check_manual = [detector](const sevisflow::v1::CheckManualEventRequest& request)
        -> absl::StatusOr<sevisflow::v1::CheckManualEventResponse> {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      rpc::SetCaller(context, "sevisflow-builder");
      sevisflow::v1::CheckManualEventResponse response;
      grpc::Status status = detector->CheckManualEvent(&context, request, &response);
      if (!status.ok()) return rpc::FromGrpcStatus(status);
      return response;
    };
  }
  builder_ = std::make_unique<Builder>(config_.builder, *redis_, validators_.view(),
                                       std::move(ports), clock_, metrics_);

  // Crash recovery: a batch reserved but never acknowledged goes out as it was.
  absl::StatusOr<int> republished = builder_->RepublishReserved();
  if (!republished.ok()) return republished.status();
  if (*republished > 0) Log()->info("re-published {} reserved batches", *republished);
  // Data of a version without the review indexes: rebuilt once, before alerts or calls come.
  if (absl::StatusOr<int> rebuilt = builder_->EnsureReviewIndexes(); !rebuilt.ok()) {
    return rebuilt.status();
  }

  absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer = service::MakeConsumer(
      config_.service, kConsumerGroup, {kafka::kSevisAlerts, kafka::kSevisOutcomes}, metrics_);
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(*consumer);

  consume_thread_ = std::thread([this] { ConsumeLoop(); });
  audit_thread_ = std::thread([this] { AuditLoop(); });
  if (config_.close_interval_seconds > 0) {
    timer_thread_ = std::thread([this] { TimerLoop(); });
  }
  if (config_.close_daily_at.has_value()) {
    daily_close_ = std::make_unique<common::DailyScheduler>(
        clock_, *config_.close_daily_at, [this](common::TimePoint) {
          builder_->CloseAllConfiguredOrgs();
          return true;
        });
    daily_close_->Start();
  }

  service_ = std::make_unique<ReviewServiceImpl>(*builder_, dsos_);
  rpc::ServerOptions server_options;
  server_options.listen_address = config_.service.grpc_listen;
  server_ = std::make_unique<rpc::ServerRunner>(server_options);
  server_->AddService(service_.get(), sevisflow::v1::ReviewService::service_full_name());
  absl::StatusOr<int> port = server_->Start();
  if (!port.ok()) return port.status();
  server_->SetServing(true);
  Log()->info("builder serving gRPC on {}, metrics on {}:{}", server_->address(),
              config_.service.metrics_host, metrics_server_->port());
  return absl::OkStatus();
}

void App::Stop() {
  if (stopped_ || !started_) return;
  stopped_ = true;
  if (server_) server_->Shutdown();
  stopping_ = true;
  timer_cv_.notify_all();
  if (daily_close_) daily_close_->Stop();
  if (timer_thread_.joinable()) timer_thread_.join();
  if (audit_thread_.joinable()) audit_thread_.join();
  if (builder_) {
    if (absl::StatusOr<int> flushed = builder_->FlushAudit(); !flushed.ok()) {
      Log()->warn("audit outbox not flushed at stop: {}", std::string(flushed.status().message()));
    }
  }
  if (consume_thread_.joinable()) consume_thread_.join();
  if (consumer_) consumer_->Close();  // commits the stored offsets
  consumer_.reset();
  builder_.reset();
  producer_.reset();  // flushes
  redis_.reset();
  if (metrics_server_) metrics_server_->Stop();
  Log()->info("builder stopped");
}

int App::grpc_port() const { return server_ ? server_->port() : 0; }
int App::metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

void App::TimerLoop() {
  const auto interval = std::chrono::seconds(config_.close_interval_seconds);
  std::unique_lock lock(timer_mu_);
  while (!stopping_) {
    if (timer_cv_.wait_for(lock, interval, [this] { return stopping_.load(); })) break;
    lock.unlock();
    builder_->CloseAllConfiguredOrgs();
    lock.lock();
  }
}

// The audit outbox goes to sevis.audit every second (and at stop); a failure is retried.
void App::AuditLoop() {
  std::unique_lock lock(timer_mu_);
  while (!stopping_) {
    if (timer_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); })) {
      break;
    }
    lock.unlock();
    if (absl::StatusOr<int> flushed = builder_->FlushAudit(); !flushed.ok()) {
      Log()->warn("audit outbox not flushed yet: {}", std::string(flushed.status().message()));
    }
    lock.lock();
  }
}

void App::ConsumeLoop() {
  while (!stopping_) {
    absl::StatusOr<std::vector<kafka::Message>> messages =
        consumer_->Poll(100, std::chrono::milliseconds(200));
    if (!messages.ok()) {
      Log()->critical("consumer failed: {}", std::string(messages.status().message()));
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    for (const kafka::Message& message : *messages) {
      if (!Process(message)) return;  // stopping: the record is replayed after restart
      if (absl::Status s = consumer_->Store(message); !s.ok()) {
        Log()->warn("offset {}/{}/{} not stored: {}", message.topic, message.partition,
                    message.offset, std::string(s.message()));
      }
    }
  }
}

bool App::Process(const kafka::Message& message) {
  auto effect = [&]() -> absl::Status {
    if (message.topic == kafka::kSevisAlerts) {
      sevisflow::v1::Alert alert;
      if (message.is_tombstone || !alert.ParseFromString(message.value)) {
        return absl::InvalidArgumentError("not an Alert");
      }
      return builder_->HandleAlert(alert);
    }
    sevisflow::v1::Outcome outcome;
    if (message.is_tombstone || !outcome.ParseFromString(message.value)) {
      return absl::InvalidArgumentError("not an Outcome");
    }
    return builder_->HandleOutcome(outcome);
  };
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    absl::Status status = effect();
    if (status.ok()) return true;
    if (status.code() == absl::StatusCode::kInvalidArgument) {
      // Bad input never stops the line.
      metrics_
          .GetCounter("sevisflow_builder_bad_records_total", "Records that could not be used",
                      {{"topic", message.topic}})
          .Inc();
      Log()->warn("record {} rejected: {}", kafka::SourceOf(message),
                  std::string(status.message()));
      if (message.topic != kafka::kSevisAlerts) return true;  // no DLQ topic for outcomes
      absl::Status sent =
          producer_->Send(kafka::MakeDeadLetter(message, std::string(status.message())));
      if (sent.ok()) return true;
      status = sent;
    }
    // Redis or Kafka unavailable: the same record again, later; its offset is not stored.
    Log()->warn("record {} not processed yet: {}", kafka::SourceOf(message),
                std::string(status.message()));
    std::unique_lock lock(timer_mu_);
    timer_cv_.wait_for(lock, backoff, [this] { return stopping_.load(); });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  return false;
}

}  // namespace sevisflow::builder
