// sevisflow-detector: SIS snapshots in, SEVIS alerts out. See README.md.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "services/detector/src/app.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/shutdown.h"

int main(int argc, char** argv) {
  // Block SIGTERM/SIGINT before any thread starts, so every thread inherits the mask.
  sevisflow::common::ShutdownSignal shutdown;

  CLI::App cli{"sevisflow detector: SIS changes to SEVIS alerts"};
  std::string config_path;
  cli.add_option("--config", config_path, "YAML config file (SEVISFLOW_* env overrides)");
  CLI11_PARSE(cli, argc, argv);

  auto reader = sevisflow::common::ConfigReader::FromFile(config_path);
  if (!reader.ok()) {
    std::cerr << "config: " << reader.status().message() << "\n";
    return 2;
  }
  auto config = sevisflow::detector::LoadConfig(*reader);
  if (!config.ok()) {
    std::cerr << "config: " << config.status().message() << "\n";
    return 2;
  }
  sevisflow::common::InitLogging(config->service.log);
  auto log = sevisflow::common::Logger("detector");

  sevisflow::common::SystemClock clock;
  auto app = sevisflow::detector::App::Create(std::move(*config), clock);
  if (!app.ok()) {
    log->critical("start-up failed: {}", std::string(app.status().message()));
    return 1;
  }
  if (absl::Status status = (*app)->Start(); !status.ok()) {
    log->critical("start-up failed: {}", std::string(status.message()));
    (*app)->Stop();
    return 1;
  }
  const int signal = shutdown.Wait();
  log->info("signal {} received, stopping", signal);
  (*app)->Stop();
  return 0;
}
