#include "app.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "importer.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
#include "sevisflow/service/runtime.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/import_service.grpc.pb.h"

namespace sevisflow::importer {
namespace {

auto& Log() {
  static auto logger = common::Logger("importer");
  return logger;
}

// Every call names an org: the caller must be a DSO granted it (bearer token, dsos.* config),
// as on the builder's review API, because masters and forms hold personal data.
class ImportServiceImpl final : public v1::ImportService::Service {
 public:
  ImportServiceImpl(Importer& importer, const rpc::DsoDirectory& dsos)
      : importer_(importer), dsos_(dsos) {}

  grpc::Status GetMaster(grpc::ServerContext* context, const v1::GetMasterRequest* request,
                         v1::GetMasterResponse* response) override {
    if (request->org_id().empty() || request->person_id().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "org_id and person_id required");
    }
    if (absl::Status s = Authorize(*context, request->org_id()); !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
    auto record = importer_.GetMaster(request->org_id(), request->person_id());
    if (!record.ok()) return rpc::ToGrpcStatus(record.status());
    response->set_found(record->has_value());
    if (record->has_value()) *response->mutable_record() = **record;
    return grpc::Status::OK;
  }

  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override {
    if (request->org_id().empty() || request->person_id().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "org_id and person_id required");
    }
    if (absl::Status s = Authorize(*context, request->org_id()); !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
    auto docs = importer_.ListDocuments(request->org_id(), request->person_id());
    if (!docs.ok()) return rpc::ToGrpcStatus(docs.status());
    for (auto& d : *docs) *response->add_documents() = std::move(d);
    return grpc::Status::OK;
  }

 private:
  absl::Status Authorize(const grpc::ServerContext& context, const std::string& org) const {
    absl::StatusOr<rpc::Dso> dso = rpc::AuthenticateDso(dsos_, context, "importer");
    if (!dso.ok()) return dso.status();
    if (absl::Status s = rpc::CheckGranted(*dso, org); !s.ok()) {
      Log()->warn("DSO {} refused for org {}", dso->name, org);
      return s;
    }
    return absl::OkStatus();
  }

  Importer& importer_;
  const rpc::DsoDirectory& dsos_;
};

}  // namespace

struct App::Impl {
  ImporterConfig config;
  const common::Clock& clock;
  common::MetricsRegistry metrics;
  std::unique_ptr<common::MetricsServer> metrics_server;
  std::unique_ptr<redis::Client> redis;
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<sevisxml::SchemaValidator> validator;
  std::unique_ptr<Importer> importer;
  rpc::DsoDirectory dsos;
  std::unique_ptr<ImportServiceImpl> service;
  std::unique_ptr<rpc::ServerRunner> grpc;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable wake;
  std::thread consumer_thread;
  bool started = false;
  bool stopped = false;

  Impl(ImporterConfig c, const common::Clock& k) : config(std::move(c)), clock(k) {}

  void SleepFor(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  void ConsumeLoop() {
    while (!stopping) {
      auto messages = consumer->Poll(50, std::chrono::milliseconds(500));
      if (!messages.ok()) {
        Log()->critical("sevis.results consumer failed: {}",
                        std::string(messages.status().message()));
        SleepFor(std::chrono::seconds(1));
        continue;
      }
      for (const auto& m : *messages) {
        int failures = 0;
        while (!stopping) {
          absl::Status s = importer->Handle(m);
          if (s.ok()) {
            if (auto st = consumer->Store(m); !st.ok()) {
              Log()->warn("offset {} not stored: {}", m.offset, std::string(st.message()));
            }
            break;
          }
          ++failures;
          auto delay = std::min(std::chrono::milliseconds(200) * (1 << std::min(failures, 6)),
                                std::chrono::milliseconds(10000));
          Log()->warn("sevis.results {}/{}: not imported yet ({}), retry in {} ms", m.partition,
                      m.offset, std::string(s.message()), delay.count());
          SleepFor(delay);
        }
        if (stopping) return;
      }
    }
  }
};

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(ImporterConfig config,
                                                 const common::Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(config), clock);
  const ImporterConfig& c = impl->config;
  auto validator = sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(c.service.xsd_dir));
  if (!validator.ok()) return validator.status();
  impl->validator = std::move(*validator);

  auto redis = service::MakeRedisClient(c.service);
  if (!redis.ok()) return redis.status();
  impl->redis = std::move(*redis);

  auto producer = service::MakeProducer(c.service, "sevisflow-importer");
  if (!producer.ok()) return producer.status();
  impl->producer = std::move(*producer);

  auto consumer =
      service::MakeConsumer(c.service, "sevisflow-importer", {kafka::kSevisResults}, impl->metrics);
  if (!consumer.ok()) return consumer.status();
  impl->consumer = std::move(*consumer);

  ImporterOptions io;
  io.docstore_root = c.docstore_root;
  io.master_cache_size = static_cast<size_t>(c.master_cache_size);
  // result-codes.tsv: the configured file must load; the default one (next to the XSD bundle)
  // is used when present, else the built-in batch-level codes describe batch failures.
  const std::string codes_path = c.result_codes_path.empty()
                                     ? c.service.xsd_dir + "/../result-codes.tsv"
                                     : c.result_codes_path;
  if (auto codes = ResultCodes::Load(codes_path); codes.ok()) {
    io.result_codes = std::move(*codes);
    Log()->info("{} SEVIS result codes loaded", io.result_codes.size());
  } else if (!c.result_codes_path.empty() ||
             codes.status().code() != absl::StatusCode::kNotFound) {
    return codes.status();
  } else {
    Log()->warn("no result-codes.tsv next to the XSDs: only batch-level codes are described");
  }
  impl->importer = std::make_unique<Importer>(std::move(io), *impl->redis, *impl->producer,
                                              *impl->validator, clock, impl->metrics);
  auto dsos = rpc::DsoDirectory::Create(c.dsos);
  if (!dsos.ok()) return dsos.status();
  impl->dsos = *std::move(dsos);
  if (impl->dsos.empty()) {
    Log()->warn("no DSO configured (dsos.*): ImportService refuses every call");
  }
  impl->service = std::make_unique<ImportServiceImpl>(*impl->importer, impl->dsos);
  return std::unique_ptr<App>(new App(std::move(impl)));
}

absl::Status App::Start() {
  Impl& i = *impl_;
  auto metrics_server = service::StartMetricsServer(i.config.service, i.metrics);
  if (!metrics_server.ok()) return metrics_server.status();
  i.metrics_server = std::move(*metrics_server);
  i.consumer_thread = std::thread([&i] { i.ConsumeLoop(); });
  i.started = true;
  rpc::ServerOptions so;
  so.listen_address = i.config.service.grpc_listen;
  i.grpc = std::make_unique<rpc::ServerRunner>(so);
  i.grpc->AddService(i.service.get(), v1::ImportService::service_full_name());
  auto port = i.grpc->Start();
  if (!port.ok()) return port.status();
  i.grpc->SetServing(true);
  Log()->info("importer started: gRPC {}, metrics port {}", i.grpc->address(),
              i.metrics_server->port());
  return absl::OkStatus();
}

void App::Stop() {
  if (!impl_) return;
  Impl& i = *impl_;
  if (i.stopped) return;
  i.stopped = true;
  if (i.grpc) i.grpc->Shutdown();
  i.stopping = true;
  i.wake.notify_all();
  if (i.consumer_thread.joinable()) i.consumer_thread.join();
  if (i.consumer) i.consumer->Close();
  i.producer.reset();
  if (i.metrics_server) i.metrics_server->Stop();
  if (i.started) Log()->info("importer stopped");
}

int App::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }
int App::metrics_port() const {
  return impl_->metrics_server ? impl_->metrics_server->port() : 0;
}

}  // namespace sevisflow::importer
