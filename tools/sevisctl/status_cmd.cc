// sevisctl status: the gRPC health of every service (grpc.health.v1), one line each.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "sevisflow/rpc/client.h"

namespace sevisflow::sevisctl {
namespace {

// Local-runtime defaults (scripts/demo.sh); each one can be set by flag or SEVISFLOW_<SVC>_ADDR.
std::string DefaultAddress(const char* env, const char* fallback) {
  const char* v = std::getenv(env);
  return v && *v ? v : fallback;
}

struct StatusOptions {
  std::vector<std::pair<std::string, std::string>> services = {
      {"detector", DefaultAddress("SEVISFLOW_DETECTOR_ADDR", "127.0.0.1:50051")},
      {"builder", DefaultAddress("SEVISFLOW_BUILDER_ADDR", "127.0.0.1:50052")},
      {"uploader", DefaultAddress("SEVISFLOW_UPLOADER_ADDR", "127.0.0.1:50053")},
      {"importer", DefaultAddress("SEVISFLOW_IMPORTER_ADDR", "127.0.0.1:50054")},
  };
  int timeout_ms = 2000;
};

int RunStatus(const StatusOptions& options) {
  int failures = 0;
  for (const auto& [name, address] : options.services) {
    auto health = rpc::CheckHealth(address, "", std::chrono::milliseconds(options.timeout_ms));
    std::string state;
    if (!health.ok()) {
      state = "DOWN (" + std::string(health.status().message()) + ")";
      ++failures;
    } else if (!*health) {
      state = "NOT_SERVING";
      ++failures;
    } else {
      state = "SERVING";
    }
    std::cout << name << "\t" << address << "\t" << state << "\n";
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void AddStatusCommands(CLI::App& app) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand("status", "Health of every service (grpc.health.v1)");
  cmd->add_option("--detector", options->services[0].second, "detector gRPC address");
  cmd->add_option("--builder", options->services[1].second, "builder gRPC address");
  cmd->add_option("--uploader", options->services[2].second, "uploader gRPC address");
  cmd->add_option("--importer", options->services[3].second, "importer gRPC address");
  cmd->add_option("--timeout-ms", options->timeout_ms, "per-service deadline");
  cmd->callback([options] { throw CLI::RuntimeError(RunStatus(*options)); });
}

}  // namespace sevisflow::sevisctl
