// sevisflow-builder: review of SEVIS alerts and batch documents. See README.md.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "services/builder/src/app.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/shutdown.h"

int main(int argc, char** argv) {
  // Block SIGTERM/SIGINT before any thread starts, so every thread inherits the mask.
  sevisflow::common::ShutdownSignal shutdown;

  CLI::App cli{"sevisflow builder: alert review and SEVIS batch documents"};
  std::string config_path;
  cli.add_option("--config", config_path, "YAML config file (SEVISFLOW_* env overrides)");
  CLI11_PARSE(cli, argc, argv);

  absl::StatusOr<sevisflow::common::ConfigReader> reader =
      sevisflow::common::ConfigReader::FromFile(config_path);
  if (!reader.ok()) {
    std::cerr << "config: " << reader.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<sevisflow::builder::AppConfig> config = sevisflow::builder::LoadConfig(*reader);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 2;
  }
  sevisflow::common::InitLogging(config->service.log);
  auto log = sevisflow::common::Logger("builder");

  sevisflow::common::SystemClock clock;
  absl::StatusOr<std::unique_ptr<sevisflow::builder::App>> app =
      sevisflow::builder::App::Create(std::move(*config), clock);
  if (!app.ok()) {
    log->critical("start-up failed: {}", std::string((app.status().message())));
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
