#pragma once
// A group consumer with the delivery discipline of ARCHITECTURE.md: offsets are stored by the
// application only after a record's effect is durable (Store), auto-commit commits what was
// stored, and stored offsets are committed synchronously when partitions are revoked and at
// Close(). Assignment is cooperative-sticky (incremental), so a rebalance does not stop the
// partitions that stay.
//
// Poll, Store, CommitSync and Close are called from one thread (the processing loop); Lag() may
// be called from any thread (e.g. a metrics scrape).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/kafka/message.h"

namespace sevisflow::common {
class MetricsRegistry;
}

namespace sevisflow::kafka {

struct ConsumerOptions {
  std::string brokers;
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "sevisflow";
  // Extra librdkafka properties; they override the defaults. auto.offset.reset defaults to
  // "earliest": a new group starts from the beginning, so nothing produced before it is missed.
  std::map<std::string, std::string> properties;
};

struct PartitionLag {
  std::string topic;
  int32_t partition = -1;
  int64_t high_watermark = -1;
  int64_t position = -1;  // next offset this consumer will read
  int64_t lag = 0;        // high_watermark - position (>= 0)
};

class Consumer {
 public:
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(ConsumerOptions options);
  ~Consumer();  // Close()
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Up to max_messages records; waits up to `timeout` for the first, then takes what is already
  // fetched. An empty vector is normal (nothing new). Transient errors (broker down) are logged
  // and retried by librdkafka; only a fatal consumer error is returned (class kFatal).
  absl::StatusOr<std::vector<Message>> Poll(size_t max_messages, std::chrono::milliseconds timeout);

  // Marks `message` as processed: its offset + 1 will be committed (by auto-commit, on revoke,
  // CommitSync or Close). FailedPrecondition if its partition is no longer assigned to this
  // consumer (it was revoked: another member will process the record again).
  absl::Status Store(const Message& message);

  // Commits the stored offsets now and waits for the broker. OK when there was nothing to commit.
  absl::Status CommitSync();

  // Commits stored offsets, leaves the group, and closes. Idempotent.
  void Close();

  // The partitions currently assigned to this consumer.
  std::vector<std::pair<std::string, int32_t>> Assignment() const;

  // Lag per assigned partition, from the watermarks cached by fetches (no broker round trip).
  // A partition not read from yet counts from the group's committed offset (one broker round
  // trip for those partitions only); partitions whose watermark is not known yet (no fetch
  // answered) are left out.
  std::vector<PartitionLag> Lag() const;

  const std::string& group_id() const;

 private:
  struct Impl;
  explicit Consumer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
  friend void ExportConsumerLag(const Consumer& consumer, common::MetricsRegistry& registry);
};

// Adds a collect hook to `registry` that sets the gauge
// sevisflow_kafka_consumer_lag{topic,partition,group} for each assigned partition before every
// scrape (a partition that was revoked drops to 0). Safe if the consumer is destroyed before
// the registry: the hook then does nothing.
void ExportConsumerLag(const Consumer& consumer, common::MetricsRegistry& registry);

}  // namespace sevisflow::kafka
