#include "sevisflow/kafka/topics.h"

#include <algorithm>

namespace sevisflow::kafka {
namespace {

constexpr char kFourteenDaysMs[] = "1209600000";
constexpr char kThirtyDaysMs[] = "2592000000";
// Batch documents (up to 250 records of SEVIS XML) and transaction logs can exceed Kafka's 1 MB
// default; 10 MiB leaves room while still catching runaway payloads.
constexpr char kLargeMessageBytes[] = "10485760";

TopicSpec Compacted(std::string name, int partitions) {
  TopicSpec spec;
  spec.name = std::move(name);
  spec.partitions = partitions;
  spec.compacted = true;
  spec.configs["cleanup.policy"] = "compact";
  // Keep the latest record per key forever; give consumers an hour to see superseded records
  // before the cleaner may drop them.
  spec.configs["min.compaction.lag.ms"] = "3600000";
  return spec;
}

TopicSpec Retained(std::string name, int partitions, const char* retention_ms) {
  TopicSpec spec;
  spec.name = std::move(name);
  spec.partitions = partitions;
  spec.configs["cleanup.policy"] = "delete";
  spec.configs["retention.ms"] = retention_ms;
  return spec;
}

}  // namespace

std::vector<TopicSpec> DefaultTopics(int partitions) {
  partitions = std::max(1, partitions);
  std::vector<TopicSpec> topics;
  topics.push_back(Compacted(kSisPerson, partitions));
  topics.push_back(Retained(kSisPersonDlq, partitions, kThirtyDaysMs));
  topics.push_back(Retained(kSevisAlerts, partitions, kFourteenDaysMs));
  topics.push_back(Retained(kSevisAlertsDlq, partitions, kThirtyDaysMs));
  topics.push_back(Retained(kSevisBatches, partitions, kFourteenDaysMs));
  topics.back().configs["max.message.bytes"] = kLargeMessageBytes;
  topics.push_back(Retained(kSevisBatchesDlq, partitions, kThirtyDaysMs));
  topics.back().configs["max.message.bytes"] = kLargeMessageBytes;
  topics.push_back(Retained(kSevisResults, partitions, kFourteenDaysMs));
  topics.back().configs["max.message.bytes"] = kLargeMessageBytes;
  topics.push_back(Retained(kSevisResultsDlq, partitions, kThirtyDaysMs));
  topics.back().configs["max.message.bytes"] = kLargeMessageBytes;
  topics.push_back(Compacted(kSevisMaster, partitions));
  topics.push_back(Retained(kSevisOutcomes, partitions, kFourteenDaysMs));
  topics.push_back(Compacted(kSevisRunControl, partitions));
  topics.push_back(Compacted(kSisSupplemental, partitions));
  topics.push_back(Retained(kSisSupplementalDlq, partitions, kThirtyDaysMs));
  // Who did what in review is evidence for a DSO's reporting duty: never expired by Kafka.
  topics.push_back(Retained(kSevisAudit, partitions, "-1"));
  return topics;
}

std::string DlqTopicFor(std::string_view topic) {
  std::string dlq(topic);
  dlq += kDlqSuffix;
  return dlq;
}

}  // namespace sevisflow::kafka
