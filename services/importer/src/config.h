#pragma once
// The importer's typed configuration (README.md lists every key).

#include <string>

#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"

namespace sevisflow::importer {

struct ImporterConfig {
  std::string kafka_brokers;
  std::string redis_host = "127.0.0.1";
  int redis_port = 6379;
  common::Secret redis_password;
  std::string grpc_listen = "127.0.0.1:50054";
  std::string metrics_host = "127.0.0.1";
  int metrics_port = 9104;
  common::LoggingOptions logging;
  std::string docstore_root;
  std::string xsd_dir;
  int master_cache_size = 10000;
};

// Reads every key, then reader.Finish(): unknown keys and bad values are errors naming them.
absl::StatusOr<ImporterConfig> ReadImporterConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir);

}  // namespace sevisflow::importer
