#pragma once
// HTTPS front of the simulator (cpp-httplib). The TLS handshake requires a client certificate
// signed by the configured CA; the certificate's subject CN is handed to the simulator, which
// checks it against the organisation's registration.
//
// Routes, under each of /sevisbatch, /sbtsevisbatch and /alphasevisbatch:
//   POST /action/batchUpload     multipart: orgid, batchid, userid, file part xml
//   GET|POST /action/batchDownload  orgid, batchid, userid (query, urlencoded or multipart)
// and GET /sim/stats (JSON upload counters).

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "sim_service.h"

namespace sevisflow::sim {

class SimServer {
 public:
  // The simulator is not owned and must outlive the server.
  explicit SimServer(SevisSimulator& simulator);
  ~SimServer();  // stops
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Loads the TLS material, binds host:port (port 0 = a free one) and serves on a background
  // thread. Returns once the listener accepts connections.
  absl::Status Start();
  // Stops accepting, finishes in-flight requests, joins the thread. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  SevisSimulator& simulator_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sevisflow::sim
