#include "config.h"

namespace sevisflow::importer {

absl::StatusOr<ImporterConfig> ReadImporterConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir) {
  ImporterConfig c;
  c.kafka_brokers = reader.String("kafka.brokers", "127.0.0.1:9092");
  c.redis_host = reader.String("redis.host", c.redis_host);
  c.redis_port = static_cast<int>(reader.Int("redis.port", c.redis_port, 1, 65535));
  c.redis_password = reader.SecretValue("redis.password");
  c.grpc_listen = reader.String("grpc.listen", c.grpc_listen);
  c.metrics_host = reader.String("metrics.listen_host", c.metrics_host);
  c.metrics_port = static_cast<int>(reader.Int("metrics.port", c.metrics_port, 0, 65535));
  c.logging.level =
      reader.Enum("log.level", c.logging.level, {"trace", "debug", "info", "warn", "error"});
  c.logging.json = reader.Bool("log.json", c.logging.json);
  c.logging.person_salt = reader.String("log.person_salt", "");
  c.docstore_root = reader.String("docstore.root", "");
  if (c.docstore_root.empty()) reader.AddError("docstore.root", "required");
  c.xsd_dir = reader.String("xsd_dir", default_xsd_dir);
  if (c.xsd_dir.empty()) reader.AddError("xsd_dir", "required");
  c.master_cache_size =
      static_cast<int>(reader.Int("importer.master_cache_size", c.master_cache_size, 0, 10000000));
  if (auto s = reader.Finish(); !s.ok()) return s;
  return c;
}

}  // namespace sevisflow::importer
