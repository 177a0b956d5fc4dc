#pragma once
// The importer's composition root: config → logging → metrics → Redis → Kafka → Importer →
// gRPC; stopped in reverse (gRPC NOT_SERVING, stop consuming, finish the in-flight record,
// commit offsets, close).

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::importer {

class App {
 public:
  static absl::StatusOr<std::unique_ptr<App>> Create(ImporterConfig config,
                                                     const common::Clock& clock);
  ~App();  // Stop()
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  absl::Status Start();
  void Stop();

  int grpc_port() const;
  int metrics_port() const;

 private:
  struct Impl;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sevisflow::importer
