#pragma once
// Runs a gRPC server with the standard health service and proto reflection, binds (port 0 picks
// a free port), and shuts down gracefully: health goes NOT_SERVING first (so load balancers and
// `sevisctl status` stop sending work), then in-flight calls get graceful_stop_timeout to finish.
//
// Transport is plaintext for now (the services listen on loopback or inside the cluster); mTLS
// credentials will be added to ServerOptions later.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sevisflow::rpc {

struct ServerOptions {
  // host:port; port 0 lets the kernel choose (read it back with port()).
  std::string listen_address = "127.0.0.1:0";
  int max_message_bytes = 16 * 1024 * 1024;  // receive and send; SEVIS documents are small
  std::chrono::milliseconds graceful_stop_timeout{10000};
};

class ServerRunner {
 public:
  explicit ServerRunner(ServerOptions options);
  ~ServerRunner();  // Shutdown()
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // Registers a service before Start(); not owned (it must outlive the runner). full_name is the
  // service's proto name (e.g. sevisflow::v1::ReviewService::service_full_name()); when given,
  // the health service reports that name too.
  void AddService(grpc::Service* service, const std::string& full_name = "");

  // Builds and starts the server. Returns the bound port; UNAVAILABLE when the address cannot
  // be bound, FAILED_PRECONDITION when called twice.
  absl::StatusOr<int> Start();

  // Health status of "" (the whole server) and of every named service.
  void SetServing(bool serving);

  // Health → NOT_SERVING, then grpc::Server::Shutdown(now + graceful_stop_timeout): new calls
  // are refused, in-flight calls may finish until the deadline, then are cancelled. Idempotent.
  void Shutdown();

  // Blocks until Shutdown() (from another thread) has completed.
  void Wait();

  int port() const { return port_; }
  // host:port actually bound (listen_address with the selected port).
  std::string address() const;
  grpc::Server* server() { return server_.get(); }

 private:
  ServerOptions options_;
  std::vector<grpc::Service*> services_;
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace sevisflow::rpc
