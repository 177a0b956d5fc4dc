#pragma once
// An idempotent producer (enable.idempotence=true, acks=all) whose every delivery report is
// checked. Send() blocks until the broker acknowledged the record: use it where an input offset
// is stored only after the output is durable. SendAsync() + Flush() for throughput.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/kafka/message.h"

namespace sevisflow::kafka {

struct ProducerOptions {
  std::string brokers;  // "host:port,host:port"
  std::string client_id = "sevisflow";
  // Extra librdkafka properties; they override the defaults (including idempotence: don't).
  std::map<std::string, std::string> properties;
  // How long the destructor waits for outstanding deliveries before purging them (their
  // callbacks then get a retriable error).
  std::chrono::milliseconds close_timeout{30000};
};

// Called exactly once per enqueued record, from the producer's poll thread: OK when the broker
// acknowledged it, else the classified error (see errors.h). Keep it short, and never call
// Send() or Flush() from it (they wait for this very thread).
using DeliveryCallback = std::function<void(absl::Status)>;

class Producer {
 public:
  static absl::StatusOr<std::unique_ptr<Producer>> Create(ProducerOptions options);
  ~Producer();  // flushes (close_timeout), then closes
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Produces one record and waits for its delivery report. An empty key means "no key".
  absl::Status Send(std::string_view topic, std::string_view key, std::string_view value,
                    const Headers& headers = {});
  absl::Status Send(const OutgoingMessage& message) {
    return Send(message.topic, message.key, message.value, message.headers);
  }

  // Produces every record, pipelined, and waits for all their delivery reports: OK only when
  // all were acknowledged, else the first failure. For effects made of many records (an
  // imported batch's master records) that must all be durable before an offset is stored.
  // Records to one partition keep their order (idempotent producer).
  absl::Status SendAll(const std::vector<OutgoingMessage>& messages);

  // Produces a tombstone (null value) for `key` on a compacted topic and waits for its delivery
  // report: compaction then removes the key. An empty `value` given to Send is an empty record,
  // not a tombstone.
  absl::Status SendTombstone(std::string_view topic, std::string_view key);

  // Enqueues one record (blocking while the local queue is full). OK means on_delivery will be
  // called exactly once; an error means the record was not enqueued and on_delivery will not
  // be called.
  absl::Status SendAsync(std::string_view topic, std::string_view key, std::string_view value,
                         const Headers& headers, DeliveryCallback on_delivery);

  // Waits until every enqueued record has its delivery report served (callbacks ran).
  // DeadlineExceeded if some are still outstanding after `timeout`.
  absl::Status Flush(std::chrono::milliseconds timeout);

  // Records enqueued whose delivery callback has not run yet.
  int64_t Outstanding() const;

  // OK, or the fatal error raised by librdkafka (class kFatal): the producer cannot be used
  // any more and must be recreated (or the process must exit).
  absl::Status FatalError() const;

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  absl::Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                       bool tombstone, const Headers& headers, DeliveryCallback on_delivery);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sevisflow::kafka
