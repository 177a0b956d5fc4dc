#include "sevisflow/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "sevisflow/common/logging.h"

namespace sevisflow::rpc {

ServerRunner::ServerRunner(ServerOptions options) : options_(std::move(options)) {}

ServerRunner::~ServerRunner() { Shutdown(); }

void ServerRunner::AddService(grpc::Service* service, const std::string& full_name) {
  services_.push_back(service);
  if (!full_name.empty()) service_names_.push_back(full_name);
}

absl::StatusOr<int> ServerRunner::Start() {
  if (server_ || shut_down_) return absl::FailedPreconditionError("rpc: server already started");
  // Both are process-wide switches read when a ServerBuilder is constructed.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(),
                           &selected_port);
  // gRPC sets SO_REUSEPORT by default, so a second process on the same port would silently share
  // its traffic; a port clash must be a start-up error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  for (grpc::Service* s : services_) builder.RegisterService(s);
  server_ = builder.BuildAndStart();
  if (!server_ || selected_port == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("rpc: cannot listen on ", options_.listen_address));
  }
  port_ = selected_port;
  SetServing(true);
  common::Logger("rpc")->info("gRPC listening on {}", address());
  return port_;
}

void ServerRunner::SetServing(bool serving) {
  if (!server_ || shut_down_) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  for (const auto& name : service_names_) health->SetServingStatus(name, serving);
}

void ServerRunner::Shutdown() {
  if (!server_ || shut_down_) return;
  SetServing(false);
  shut_down_ = true;
  server_->Shutdown(std::chrono::system_clock::now() + options_.graceful_stop_timeout);
  common::Logger("rpc")->info("gRPC server on port {} stopped", port_);
}

void ServerRunner::Wait() {
  if (server_) server_->Wait();
}

std::string ServerRunner::address() const {
  std::string host = options_.listen_address;
  if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  return absl::StrCat(host, ":", port_);
}

}  // namespace sevisflow::rpc
