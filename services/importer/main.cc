// sevisflow importer: applies SEVIS transaction logs to the master and publishes outcomes.
// Usage: importer --config importer.yaml

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "app.h"
#include "config.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/shutdown.h"

int main(int argc, char** argv) {
  sevisflow::common::ShutdownSignal shutdown;  // first: every thread inherits the signal mask
  CLI::App cli{"sevisflow importer: SEVIS transaction log import"};
  std::string config_path;
  cli.add_option("--config", config_path, "YAML configuration file");
  CLI11_PARSE(cli, argc, argv);

  auto reader = sevisflow::common::ConfigReader::FromFile(config_path);
  if (!reader.ok()) {
    std::cerr << "importer: " << reader.status().message() << "\n";
    return 2;
  }
  auto config = sevisflow::importer::ReadImporterConfig(*reader, SEVISFLOW_DEFAULT_XSD_DIR);
  if (!config.ok()) {
    std::cerr << "importer: " << config.status().message() << "\n";
    return 2;
  }
  sevisflow::common::InitLogging(config->service.log);
  sevisflow::common::SystemClock clock;
  auto app = sevisflow::importer::App::Create(std::move(*config), clock);
  if (!app.ok()) {
    std::cerr << "importer: " << app.status().message() << "\n";
    return 1;
  }
  if (auto s = (*app)->Start(); !s.ok()) {
    std::cerr << "importer: " << s.message() << "\n";
    return 1;
  }
  int sig = shutdown.Wait();
  sevisflow::common::Logger("importer")->info("signal {}: stopping", sig);
  (*app)->Stop();
  return 0;
}
