#include "app.h"

#include <chrono>
#include <map>

#include "sevisflow/common/logging.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/http/client.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
#include "sevisflow/service/runtime.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/upload_service.grpc.pb.h"
#include "credentials.h"
#include "uploader.h"

namespace sevisflow::uploader {
namespace {

auto& Log() {
  static auto logger = common::Logger("uploader");
  return logger;
}

// Every call is a DSO's (bearer token, dsos.* config, as on the builder's review API): a listing
// without an org shows the DSO's granted orgs only; retry and cancel need the batch's org.
class UploadServiceImpl final : public v1::UploadService::Service {
 public:
  UploadServiceImpl(Uploader& uploader, const rpc::DsoDirectory& dsos)
      : uploader_(uploader), dsos_(dsos) {}

  grpc::Status ListUploads(grpc::ServerContext* context, const v1::ListUploadsRequest* request,
                           v1::ListUploadsResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = rpc::AuthenticateDso(dsos_, *context, "uploader");
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    if (!request->org_id().empty()) {
      if (absl::Status s = Granted(*dso, request->org_id()); !s.ok()) return rpc::ToGrpcStatus(s);
    }
    auto records = uploader_.List(request->org_id());
    if (!records.ok()) return rpc::ToGrpcStatus(records.status());
    for (const auto& r : *records) {
      if (!MatchesStates(*request, r.state) || !dso->orgs.contains(r.org_id)) continue;
      Fill(r, response->add_uploads());
    }
    return grpc::Status::OK;
  }

  grpc::Status RetryUpload(grpc::ServerContext* context, const v1::RetryUploadRequest* request,
                           v1::RetryUploadResponse* response) override {
    if (absl::Status s = Authorize(*context, request->org_id()); !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
    auto record = uploader_.Retry(request->org_id(), request->batch_id());
    if (!record.ok()) return rpc::ToGrpcStatus(record.status());
    Fill(*record, response->mutable_upload());
    return grpc::Status::OK;
  }

  grpc::Status CancelUpload(grpc::ServerContext* context, const v1::CancelUploadRequest* request,
                            v1::CancelUploadResponse* response) override {
    if (absl::Status s = Authorize(*context, request->org_id()); !s.ok()) {
      return rpc::ToGrpcStatus(s);
    }
    auto record = uploader_.Cancel(request->org_id(), request->batch_id());
    if (!record.ok()) return rpc::ToGrpcStatus(record.status());
    Fill(*record, response->mutable_upload());
    return grpc::Status::OK;
  }

 private:
  static absl::Status Granted(const rpc::Dso& dso, const std::string& org) {
    absl::Status s = rpc::CheckGranted(dso, org);
    if (!s.ok()) Log()->warn("DSO {} refused for org {}", dso.name, org);
    return s;
  }
  absl::Status Authorize(const grpc::ServerContext& context, const std::string& org) const {
    absl::StatusOr<rpc::Dso> dso = rpc::AuthenticateDso(dsos_, context, "uploader");
    if (!dso.ok()) return dso.status();
    return Granted(*dso, org);
  }

  static bool MatchesStates(const v1::ListUploadsRequest& request, State state) {
    if (request.states().empty()) return true;
    for (const auto& s : request.states()) {
      if (s == StateName(state)) return true;
    }
    return false;
  }

  void Fill(const UploadRecord& r, v1::UploadState* u) const {
    u->set_batch_id(r.batch_id);
    u->set_org_id(r.org_id);
    u->set_state(std::string(StateName(r.state)));
    u->set_upload_result_code(r.upload_result_code);
    u->set_download_result_code(r.download_result_code);
    u->set_download_attempts(r.download_attempts);
    u->set_updated_at(r.updated_at);
    u->set_upload_attempts(r.upload_attempts);
    u->set_retries(r.retries);
    if (!IsTerminal(r.state) && r.next_attempt_ms > 0) {
      u->set_next_attempt_at(common::FormatRfc3339(
          common::TimePoint(std::chrono::milliseconds(r.next_attempt_ms))));
    }
    u->set_last_error(r.last_error);
    u->set_created_at(r.created_at);
    u->set_stuck(uploader_.IsStuckNow(r));
    u->set_circuit_state(std::string(BreakerStateName(uploader_.BreakerState(r.org_id))));
  }

  Uploader& uploader_;
  const rpc::DsoDirectory& dsos_;
};

}  // namespace

struct App::Impl {
  UploaderConfig config;
  const common::Clock& clock;
  common::MetricsRegistry metrics;
  std::unique_ptr<common::MetricsServer> metrics_server;
  std::unique_ptr<redis::Client> redis;
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<sevisxml::SchemaValidator> validator;
  std::unique_ptr<HttpsSevisGateway> gateway;
  std::unique_ptr<Uploader> uploader;
  rpc::DsoDirectory dsos;
  std::unique_ptr<UploadServiceImpl> service;
  std::unique_ptr<rpc::ServerRunner> grpc;
  std::unique_ptr<CertExpiryMonitor> cert_monitor;

  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable wake;
  std::thread consumer_thread;
  std::thread worker_thread;
  bool started = false;
  bool stopped = false;

  Impl(UploaderConfig c, const common::Clock& k) : config(std::move(c)), clock(k) {}

  void SleepFor(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  void ConsumeLoop() {
    while (!stopping) {
      auto messages = consumer->Poll(100, std::chrono::milliseconds(500));
      if (!messages.ok()) {
        Log()->critical("sevis.batches consumer failed: {}", std::string(messages.status().message()));
        SleepFor(std::chrono::seconds(1));
        continue;
      }
      for (const auto& m : *messages) {
        int failures = 0;
        while (!stopping) {
          absl::Status s = uploader->Ingest(m);
          if (s.ok()) {
            if (auto st = consumer->Store(m); !st.ok()) {
              Log()->warn("offset of {} not stored: {}", m.offset, std::string(st.message()));
            }
            wake.notify_all();
            break;
          }
          ++failures;
          auto delay = ExponentialDelay(std::chrono::milliseconds(200),
                                        std::chrono::milliseconds(10000), failures);
          Log()->warn("sevis.batches {}/{}: not stored yet ({}), retry in {} ms", m.partition,
                      m.offset, std::string(s.message()), delay.count());
          SleepFor(delay);
        }
        if (stopping) return;  // the unstored record is read again after a restart
      }
    }
  }

  void WorkLoop() {
    while (!stopping) {
      cert_monitor->CheckIfDue(clock.Now());  // daily: the expiry warning while running
      auto wait = uploader->RunOnce(std::chrono::seconds(1));
      if (!wait.ok()) {
        Log()->warn("worker pass failed: {}", std::string(wait.status().message()));
        SleepFor(std::chrono::seconds(1));
        continue;
      }
      SleepFor(std::max(*wait, std::chrono::milliseconds(20)));
    }
  }
};

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(UploaderConfig config,
                                                 const common::Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(config), clock);
  const UploaderConfig& c = impl->config;

  // Credentials first: the commonest SEVIS failures are certificate problems, so they stop
  // start-up with a message naming every organisation that has one.
  auto certs = CheckAllOrgCredentials(c.orgs, clock.Now());
  if (!certs.ok()) return certs.status();
  impl->gateway = std::make_unique<HttpsSevisGateway>();
  std::map<std::string, std::chrono::system_clock::time_point> not_after;
  for (const auto& [org_id, org] : c.orgs) {
    not_after[org_id] = certs->at(org_id).not_after;
    http::TlsOptions tls;
    tls.client_cert_path = org.cert;
    tls.client_key_path = org.key;
    tls.key_password = org.key_password;
    tls.ca_bundle_path = org.ca;
    http::Timeouts timeouts;
    timeouts.connect = c.connect_timeout;
    timeouts.total = c.request_timeout;
    impl->gateway->AddOrg(org_id, SevisEndpoints{org.upload_url, org.download_url},
                          std::move(tls), timeouts);
    Log()->info("org {}: posts to {}", org_id, org.endpoint);
  }
  impl->cert_monitor = std::make_unique<CertExpiryMonitor>(
      std::move(not_after), c.cert_warning_days, c.cert_check_interval, impl->metrics);
  impl->cert_monitor->Check(clock.Now());  // the start-up warning
  Impl* raw = impl.get();
  impl->metrics.AddCollectHook([raw] { raw->cert_monitor->RefreshGauges(raw->clock.Now()); });

  auto validator = sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(c.service.xsd_dir));
  if (!validator.ok()) return validator.status();
  impl->validator = std::move(*validator);

  auto redis = service::MakeRedisClient(c.service);
  if (!redis.ok()) return redis.status();
  impl->redis = std::move(*redis);

  auto producer = service::MakeProducer(c.service, "sevisflow-uploader");
  if (!producer.ok()) return producer.status();
  impl->producer = std::move(*producer);

  auto consumer =
      service::MakeConsumer(c.service, "sevisflow-uploader", {kafka::kSevisBatches}, impl->metrics);
  if (!consumer.ok()) return consumer.status();
  impl->consumer = std::move(*consumer);

  UploaderOptions uo;
  uo.backoff = c.backoff;
  uo.breaker = c.breaker;
  uo.stuck_after = c.stuck_after;
  uo.docstore_root = c.docstore_root;
  for (const auto& [org_id, org] : c.orgs) uo.user_ids[org_id] = org.user_id;
  impl->uploader = std::make_unique<Uploader>(std::move(uo), *impl->redis, *impl->producer,
                                              *impl->gateway, *impl->validator, clock,
                                              impl->metrics);
  auto dsos = rpc::DsoDirectory::Create(impl->config.dsos);
  if (!dsos.ok()) return dsos.status();
  impl->dsos = *std::move(dsos);
  if (impl->dsos.empty()) {
    Log()->warn("no DSO configured (dsos.*): UploadService refuses every call");
  }
  impl->service = std::make_unique<UploadServiceImpl>(*impl->uploader, impl->dsos);
  return std::unique_ptr<App>(new App(std::move(impl)));
}

absl::Status App::Start() {
  Impl& i = *impl_;
  auto metrics_server = service::StartMetricsServer(i.config.service, i.metrics);
  if (!metrics_server.ok()) return metrics_server.status();
  i.metrics_server = std::move(*metrics_server);
  i.consumer_thread = std::thread([&i] { i.ConsumeLoop(); });
  i.worker_thread = std::thread([&i] { i.WorkLoop(); });
  i.started = true;
  rpc::ServerOptions so;
  so.listen_address = i.config.service.grpc_listen;
  i.grpc = std::make_unique<rpc::ServerRunner>(so);
  i.grpc->AddService(i.service.get(), v1::UploadService::service_full_name());
  auto port = i.grpc->Start();
  if (!port.ok()) return port.status();
  i.grpc->SetServing(true);
  Log()->info("uploader started: gRPC {}, metrics port {}, {} org(s)", i.grpc->address(),
              i.metrics_server->port(), i.config.orgs.size());
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
  if (i.worker_thread.joinable()) i.worker_thread.join();  // finishes the in-flight step
  if (i.consumer) i.consumer->Close();                     // commits stored offsets
  i.producer.reset();                                      // flushes
  if (i.metrics_server) i.metrics_server->Stop();
  if (i.started) Log()->info("uploader stopped");
}

int App::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }
int App::metrics_port() const {
  return impl_->metrics_server ? impl_->metrics_server->port() : 0;
}

}  // namespace sevisflow::uploader
