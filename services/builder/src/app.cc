#include "services/builder/src/app.h"

#include <chrono>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/builder/src/batch_planner.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
#include "sevisflow/service/runtime.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow::builder {
namespace {

std::shared_ptr<spdlog::logger> Log() { return common::Logger("builder"); }

// SEVIS OrgID (INTERFACE.md §9): school code [A-Z]{3}214F\d{8}, or program number
// P-[1-4]-\d{5} / G-[1-7]-\d{5}.
bool IsOrgId(const std::string& org) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(org[i]))) return false;
    }
    return true;
  };
  if (org.size() == 15) {
    for (size_t i = 0; i < 3; ++i) {
      if (!absl::ascii_isupper(static_cast<unsigned char>(org[i]))) return false;
    }
    return org.compare(3, 4, "214F") == 0 && digits(7, 8);
  }
  if (org.size() == 9 && org[1] == '-' && org[3] == '-' && digits(4, 5)) {
    if (org[0] == 'P') return org[2] >= '1' && org[2] <= '4';
    if (org[0] == 'G') return org[2] >= '1' && org[2] <= '7';
  }
  return false;
}

}  // namespace

absl::StatusOr<AppConfig> LoadConfig(common::ConfigReader& reader) {
  AppConfig c;
  c.service.grpc_listen = "127.0.0.1:50052";
  c.service.metrics_port = 9102;
  common::ReadServiceConfig(reader, c.service);

  c.close_interval_seconds =
      static_cast<int>(reader.Int("builder.close_interval_seconds", 0, 0, 7 * 24 * 3600));
  c.builder.auto_select = reader.Bool("builder.auto_select", false);
  c.builder.max_records_per_document = static_cast<int>(reader.Int(
      "builder.max_records_per_document", kMaxRecordsPerDocument, 1, kMaxRecordsPerDocument));
  c.builder.batch_id_prefix = reader.String("builder.batch_id_prefix", "SF");
  if (absl::Status s = CheckBatchIdPrefix(c.builder.batch_id_prefix); !s.ok()) {
    reader.AddError("builder.batch_id_prefix", std::string(s.message()));
  }
  if (reader.Has("orgs")) {
    for (const std::string& org : reader.Keys("orgs")) {
      const std::string base = absl::StrCat("orgs.", org);
      if (!IsOrgId(org)) {
        reader.AddError(base, "not a SEVIS school code or program number");
      }
      OrgOptions o;
      o.user_id = reader.String(base + ".user_id", "");
      if (!o.user_id.empty()) {
        if (absl::Status s = CheckUserId(o.user_id); !s.ok()) {
          reader.AddError(base + ".user_id", std::string(s.message()));
        }
      }
      if (reader.Has(base + ".auto_select")) {
        o.auto_select = reader.Bool(base + ".auto_select", false);
      }
      c.builder.orgs.emplace(org, std::move(o));
    }
  }
  if (absl::Status s = reader.Finish(); !s.ok()) return s;
  return c;
}

// gRPC handlers: thin, never throw, statuses converted once.
class ReviewServiceImpl final : public sevisflow::v1::ReviewService::Service {
 public:
  explicit ReviewServiceImpl(Builder& builder) : builder_(builder) {}

  grpc::Status ListAlerts(grpc::ServerContext*, const sevisflow::v1::ListAlertsRequest* request,
                          sevisflow::v1::ListAlertsResponse* response) override {
    return Reply(builder_.ListAlerts(*request), response);
  }
  grpc::Status SelectAlerts(grpc::ServerContext*,
                            const sevisflow::v1::SelectAlertsRequest* request,
                            sevisflow::v1::SelectAlertsResponse* response) override {
    return Reply(builder_.SelectAlerts(*request), response);
  }
  grpc::Status CloseBatch(grpc::ServerContext* context,
                          const sevisflow::v1::CloseBatchRequest* request,
                          sevisflow::v1::CloseBatchResponse* response) override {
    std::string caller_user;
    absl::StatusOr<rpc::Caller> caller = rpc::CallerFromContext(*context);
    if (caller.ok()) {
      caller_user = caller->sevis_user_id;
    } else if (caller.status().code() != absl::StatusCode::kUnauthenticated) {
      return rpc::ToGrpcStatus(caller.status());  // present but malformed
    }
    absl::StatusOr<std::string> user =
        builder_.ResolveUserId(request->org_id(), caller_user, request->user_id());
    if (!user.ok()) return rpc::ToGrpcStatus(user.status());
    return Reply(builder_.CloseBatch(request->org_id(), *user), response);
  }
  grpc::Status ListBatches(grpc::ServerContext*, const sevisflow::v1::ListBatchesRequest* request,
                           sevisflow::v1::ListBatchesResponse* response) override {
    return Reply(builder_.ListBatches(*request), response);
  }

 private:
  template <typename T>
  static grpc::Status Reply(absl::StatusOr<T> result, T* response) {
    if (!result.ok()) return rpc::ToGrpcStatus(result.status());
    *response = std::move(*result);
    return grpc::Status::OK;
  }

  Builder& builder_;
};

App::App(AppConfig config, const common::Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(AppConfig config, const common::Clock& clock) {
  if (absl::Status s = CheckBatchIdPrefix(config.builder.batch_id_prefix); !s.ok()) return s;
  std::unique_ptr<App> app(new App(std::move(config), clock));
  // The schema is compiled once; every document is validated against this grammar.
  absl::StatusOr<std::unique_ptr<sevisxml::SchemaValidator>> validator =
      sevisxml::SchemaValidator::Load(sevisxml::StudentSchemaPath(app->config_.service.xsd_dir));
  if (!validator.ok()) return validator.status();
  app->validator_ = std::move(*validator);
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
  builder_ = std::make_unique<Builder>(
      config_.builder, *redis_, *validator_,
      [producer_ptr](const sevisflow::v1::BatchDocument& document) {
        return producer_ptr->Send(kafka::kSevisBatches, document.org_id(),
                                  document.SerializeAsString());
      },
      clock_, metrics_);

  // Crash recovery: a batch reserved but never acknowledged goes out as it was.
  absl::StatusOr<int> republished = builder_->RepublishReserved();
  if (!republished.ok()) return republished.status();
  if (*republished > 0) Log()->info("re-published {} reserved batches", *republished);

  absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer = service::MakeConsumer(
      config_.service, kConsumerGroup, {kafka::kSevisAlerts, kafka::kSevisOutcomes}, metrics_);
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(*consumer);

  consume_thread_ = std::thread([this] { ConsumeLoop(); });
  if (config_.close_interval_seconds > 0) {
    timer_thread_ = std::thread([this] { TimerLoop(); });
  }

  service_ = std::make_unique<ReviewServiceImpl>(*builder_);
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
  if (timer_thread_.joinable()) timer_thread_.join();
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
