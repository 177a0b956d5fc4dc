#include "sevisflow/common/service_config.h"

#include <cstdlib>

namespace sevisflow::common {

std::string DefaultXsdDir() {
  if (const char* env = std::getenv("SEVISFLOW_XSD_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return SEVISFLOW_DEFAULT_XSD_DIR;
}

void ReadServiceConfig(ConfigReader& reader, ServiceConfig& config) {
  ServiceConfig& c = config;
  c.kafka_brokers = reader.String("kafka.brokers", c.kafka_brokers);
  c.redis_host = reader.String("redis.host", c.redis_host);
  c.redis_port = static_cast<int>(reader.Int("redis.port", c.redis_port, 1, 65535));
  c.redis_password = reader.SecretValue("redis.password");
  c.grpc_listen = reader.String("grpc.listen", c.grpc_listen);
  c.metrics_host = reader.String("metrics.listen_host", c.metrics_host);
  c.metrics_port = static_cast<int>(reader.Int("metrics.port", c.metrics_port, 0, 65535));
  c.log.level =
      reader.Enum("log.level", c.log.level, {"trace", "debug", "info", "warn", "error"});
  c.log.json = reader.Bool("log.json", c.log.json);
  c.log.person_salt = reader.String("log.person_salt", c.log.person_salt);
  c.xsd_dir = reader.String("xsd_dir", c.xsd_dir.empty() ? DefaultXsdDir() : c.xsd_dir);
}

}  // namespace sevisflow::common
