#pragma once
// The uploader's composition root: config → logging → metrics → Redis → Kafka → credentials
// check → Uploader → gRPC; stopped in reverse (gRPC NOT_SERVING, stop consuming, finish the
// in-flight step, commit offsets, close).

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::uploader {

class App {
 public:
  // Builds everything and checks every organisation's credentials (a wrong key password, a key
  // that does not match, or an expired certificate is an error naming the org).
  static absl::StatusOr<std::unique_ptr<App>> Create(UploaderConfig config,
                                                     const common::Clock& clock);
  ~App();  // Stop()
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Starts the metrics server, the consumer and worker threads and the gRPC server.
  absl::Status Start();
  void Stop();

  int grpc_port() const;
  int metrics_port() const;

 private:
  struct Impl;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sevisflow::uploader
