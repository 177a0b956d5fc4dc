// sevis-sim: a SEVIS Batch simulator over HTTPS with client certificates, for local runs and
// tests. Parse flags, load config, start the server, run until SIGTERM. See README.md.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sevisflow/common/clock.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/shutdown.h"
#include "sim_config.h"
#include "sim_server.h"
#include "sim_service.h"

namespace {

bool WritePortFile(const std::string& path, int port) {
  // Written to a temporary then renamed, so a watcher never reads a half-written number.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sevisflow;
  common::ShutdownSignal shutdown;  // first: every thread started later inherits the mask

  CLI::App app{"sevis-sim: SEVIS Batch simulator (HTTPS + client certificates)"};
  std::string config_path, host, port_file, cert, key, client_ca, xsd_dir, data_dir, system,
      log_level, faults, process_at;
  int port = 0;
  int delay = 0;
  std::vector<std::string> org_flags;
  app.add_option("--config", config_path, "YAML config file (flags override it)");
  app.add_option("--host", host, "listen address (default 127.0.0.1)");
  app.add_option("--port", port, "listen port; 0 = any free port")->check(CLI::Range(0, 65535));
  app.add_option("--port-file", port_file, "write the bound port to this file");
  app.add_option("--cert", cert, "server certificate (PEM)");
  app.add_option("--key", key, "server private key (PEM)");
  app.add_option("--client-ca,--ca", client_ca, "CA that signs client certificates (PEM)");
  app.add_option("--xsd-dir", xsd_dir, "SEVIS XSD bundle holding 6.55/ and 6.27/");
  app.add_option("--data-dir", data_dir, "folder for the persisted state");
  app.add_option("--org", org_flags, "ORG:USER[,USER...][:CN[,CN...]] (repeatable)");
  app.add_option("--process-delay-seconds", delay,
                 "0 = results at once; N = download answers S0030 for N seconds")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--system", system, "BatchDetail/@system value (default SEVISFLOW-SIM)");
  app.add_option("--process-at", process_at,
                 "HH:MM UTC: process batches at that time of day (production-like)");
  app.add_option("--faults", faults, "JSON faults to serve from the start (see README)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn or error");
  CLI11_PARSE(app, argc, argv);

  auto reader = common::ConfigReader::FromFile(config_path);
  if (!reader.ok()) {
    std::cerr << "sevis-sim: " << reader.status().message() << "\n";
    return 2;
  }
  auto loaded = sim::ReadSimConfig(*reader, SEVISFLOW_DEFAULT_XSD_DIR);
  if (!loaded.ok()) {
    std::cerr << "sevis-sim: " << loaded.status().message() << "\n";
    return 2;
  }
  sim::SimConfig config = *std::move(loaded);
  if (app.count("--host")) config.host = host;
  if (app.count("--port")) config.port = port;
  if (app.count("--port-file")) config.port_file = port_file;
  if (app.count("--cert")) config.cert_file = cert;
  if (app.count("--key")) config.key_file = key;
  if (app.count("--client-ca")) config.client_ca_file = client_ca;
  if (app.count("--xsd-dir")) config.xsd_dir = xsd_dir;
  if (app.count("--data-dir")) config.data_dir = data_dir;
  if (app.count("--process-delay-seconds")) config.process_delay_seconds = delay;
  if (app.count("--system")) config.system_name = system;
  if (app.count("--log-level")) config.log_level = log_level;
  if (app.count("--faults")) config.faults_json = faults;
  if (app.count("--process-at")) {
    auto minute = sim::ParseProcessAt(process_at);
    if (!minute.ok()) {
      std::cerr << "sevis-sim: " << minute.status().message() << "\n";
      return 2;
    }
    config.process_at_minute_utc = *minute;
  }
  for (const std::string& flag : org_flags) {
    auto org = sim::ParseOrgFlag(flag);
    if (!org.ok()) {
      std::cerr << "sevis-sim: " << org.status().message() << "\n";
      return 2;
    }
    config.orgs[org->org_id] = *std::move(org);
  }
  if (absl::Status s = sim::ValidateSimConfig(config); !s.ok()) {
    std::cerr << "sevis-sim: " << s.message() << "\n";
    return 2;
  }

  common::InitLogging({.level = config.log_level, .json = config.log_json, .person_salt = {}});
  common::SystemClock clock;
  auto simulator = sim::SevisSimulator::Create(config, clock);
  if (!simulator.ok()) {
    std::cerr << "sevis-sim: " << simulator.status().message() << "\n";
    return 1;
  }
  sim::SimServer server(**simulator);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::cerr << "sevis-sim: " << s.message() << "\n";
    return 1;
  }
  std::printf("sevis-sim listening on %s:%d\n", config.host.c_str(), server.port());
  std::fflush(stdout);
  if (!config.port_file.empty() && !WritePortFile(config.port_file, server.port())) {
    std::cerr << "sevis-sim: cannot write " << config.port_file << "\n";
    return 1;
  }

  const int signal = shutdown.Wait();
  common::Logger("sevis-sim")->info("signal {} received, stopping", signal);
  server.Stop();
  return 0;
}
