#pragma once
// The config keys every service shares (docs/architecture.md, "Common config keys"): Kafka
// brokers, Redis, the gRPC and metrics listeners, logging and the XSD bundle folder.

#include <string>

#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"

namespace sevisflow::common {

struct ServiceConfig {
  std::string kafka_brokers = "127.0.0.1:9092";  // kafka.brokers
  std::string redis_host = "127.0.0.1";          // redis.host
  int redis_port = 6379;                         // redis.port, 1..65535
  Secret redis_password;                         // redis.password; empty: no AUTH
  std::string grpc_listen = "127.0.0.1:0";       // grpc.listen
  std::string metrics_host = "127.0.0.1";        // metrics.listen_host
  int metrics_port = 0;                          // metrics.port, 0..65535 (0: any free port)
  LoggingOptions log;                            // log.level, log.json, log.person_salt
  std::string xsd_dir;  // filled from DefaultXsdDir() when the key is absent
};

// Reads the keys every service shares; `config` holds the service's defaults on entry (a
// non-empty xsd_dir is the default for `xsd_dir`, else DefaultXsdDir()). Bad values are
// recorded on the reader, naming the key; the caller still calls reader.Finish().
void ReadServiceConfig(ConfigReader& reader, ServiceConfig& config);

// $SEVISFLOW_XSD_DIR, else the XSD bundle the build was pointed at.
std::string DefaultXsdDir();

}  // namespace sevisflow::common
