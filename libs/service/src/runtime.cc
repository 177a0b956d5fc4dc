#include "sevisflow/service/runtime.h"

#include <utility>

namespace sevisflow::service {

absl::StatusOr<std::unique_ptr<redis::Client>> MakeRedisClient(
    const common::ServiceConfig& config) {
  redis::ClientOptions options;
  options.host = config.redis_host;
  options.port = config.redis_port;
  options.password = config.redis_password;
  return redis::Client::Create(std::move(options));
}

absl::StatusOr<std::unique_ptr<kafka::Producer>> MakeProducer(const common::ServiceConfig& config,
                                                              std::string client_id) {
  kafka::ProducerOptions options;
  options.brokers = config.kafka_brokers;
  options.client_id = std::move(client_id);
  return kafka::Producer::Create(std::move(options));
}

absl::StatusOr<std::unique_ptr<kafka::Consumer>> MakeConsumer(const common::ServiceConfig& config,
                                                              std::string group_id,
                                                              std::vector<std::string> topics,
                                                              common::MetricsRegistry& metrics,
                                                              std::string client_id) {
  kafka::ConsumerOptions options;
  options.brokers = config.kafka_brokers;
  options.client_id = client_id.empty() ? group_id : std::move(client_id);
  options.group_id = std::move(group_id);
  options.topics = std::move(topics);
  absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer =
      kafka::Consumer::Create(std::move(options));
  if (!consumer.ok()) return consumer.status();
  kafka::ExportConsumerLag(**consumer, metrics);
  return consumer;
}

absl::StatusOr<std::unique_ptr<common::MetricsServer>> StartMetricsServer(
    const common::ServiceConfig& config, common::MetricsRegistry& metrics) {
  auto server =
      std::make_unique<common::MetricsServer>(metrics, config.metrics_host, config.metrics_port);
  if (absl::Status s = server->Start(); !s.ok()) return s;
  return server;
}

}  // namespace sevisflow::service
