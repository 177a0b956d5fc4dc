#pragma once
// Topic administration over the Kafka Admin API: create the catalogue, list what exists.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/kafka/topics.h"

namespace sevisflow::kafka {

struct AdminOptions {
  std::string brokers;
  std::string client_id = "sevisflow-admin";
  std::map<std::string, std::string> properties;  // extra librdkafka properties (TLS, SASL)
  std::chrono::milliseconds timeout{30000};
};

// Creates every topic of `topics` that does not exist yet (an existing topic is left as it is,
// even if its partitions or configs differ: changing a live topic is an operator's decision).
// Returns the first failure, naming the topic.
absl::Status EnsureTopics(const AdminOptions& options, const std::vector<TopicSpec>& topics);
absl::Status EnsureTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                          std::chrono::milliseconds timeout);

struct TopicInfo {
  std::string name;
  int partitions = 0;
  std::string cleanup_policy;  // "delete", "compact", "compact,delete"; empty if not described
  std::map<std::string, std::string> configs;  // configs set on the topic (not defaults)
};

// Topics of the cluster, sorted by name, without internal ones ("__consumer_offsets"...).
// Configs come from DescribeConfigs.
absl::StatusOr<std::vector<TopicInfo>> ListTopics(const AdminOptions& options);
absl::StatusOr<std::vector<TopicInfo>> ListTopics(const std::string& brokers,
                                                  std::chrono::milliseconds timeout);

}  // namespace sevisflow::kafka
