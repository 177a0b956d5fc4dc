#pragma once
// Factories for the dependencies every service builds from the shared config keys
// (common::ServiceConfig): one copy of the wiring instead of one per composition root.
// The caller keeps ownership and the order of construction and shutdown.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/redis/client.h"

namespace sevisflow::service {

// A Redis client on redis.host/port with redis.password. Does not connect (see redis::Client).
absl::StatusOr<std::unique_ptr<redis::Client>> MakeRedisClient(
    const common::ServiceConfig& config);

// A producer on kafka.brokers identified as `client_id`.
absl::StatusOr<std::unique_ptr<kafka::Producer>> MakeProducer(const common::ServiceConfig& config,
                                                              std::string client_id);

// A consumer on kafka.brokers in `group_id` subscribed to `topics`; its client id is
// `client_id`, or the group id when empty. Its lag is exported into `metrics` (a collect hook
// that does nothing once the consumer is gone).
absl::StatusOr<std::unique_ptr<kafka::Consumer>> MakeConsumer(const common::ServiceConfig& config,
                                                              std::string group_id,
                                                              std::vector<std::string> topics,
                                                              common::MetricsRegistry& metrics,
                                                              std::string client_id = {});

// Serves `metrics` on metrics.listen_host/metrics.port (port 0: any free port), started.
absl::StatusOr<std::unique_ptr<common::MetricsServer>> StartMetricsServer(
    const common::ServiceConfig& config, common::MetricsRegistry& metrics);

}  // namespace sevisflow::service
