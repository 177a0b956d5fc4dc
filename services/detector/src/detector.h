#pragma once
// The detector's logic: sis.person snapshots and sevis.master records in, Create Student (and
// later every F/M and J event) alerts out. Redis holds the views (docs/architecture.md):
//   sf:snap:<person>          latest SisPersonSnapshot (binary); an older `version` is ignored
//   sf:emitted:<person>       hash <org>|<event>|<subject> -> last alert id published
//   sf:master:<org>/<person>  MasterRecord (binary), from sevis.master
//   sf:master-orgs:<person>   set of orgs holding a master row for the person
//
// Every Handle* call returns OK only when its effect is durable (Redis written, alerts
// acknowledged by Kafka, or the record dead-lettered): the caller then stores the offset. An
// error is retriable: the caller retries the same record later.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/message.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::kafka {
class Producer;
}

namespace sevisflow::detector {

// Where alerts and dead letters go (a kafka::Producer in the service; a fake in unit tests).
class Publisher {
 public:
  virtual ~Publisher() = default;
  // Blocks until the broker acknowledged the record.
  virtual absl::Status Send(const kafka::OutgoingMessage& message) = 0;
};

class KafkaPublisher final : public Publisher {
 public:
  explicit KafkaPublisher(kafka::Producer& producer) : producer_(producer) {}
  absl::Status Send(const kafka::OutgoingMessage& message) override;

 private:
  kafka::Producer& producer_;
};

// Parses a sis.person payload: protobuf JSON when the first non-space byte is '{', else
// protobuf binary. The error message names no personal data.
absl::StatusOr<v1::SisPersonSnapshot> ParseSnapshot(std::string_view payload);

// Redis keys.
std::string SnapshotKey(std::string_view person);
std::string EmittedKey(std::string_view person);
std::string MasterKey(std::string_view org, std::string_view person);
std::string MasterOrgsKey(std::string_view person);

struct SweepResult {
  int64_t persons = 0;
  int64_t alerts = 0;
};

class Detector {
 public:
  Detector(rules::Setup setup, redis::Client& redis, Publisher& publisher,
           const common::Clock& clock, common::MetricsRegistry& metrics);

  // One sis.person record.
  absl::Status HandleSnapshotMessage(const kafka::Message& message);
  // One sevis.master record (key "<org>/<person>"; a tombstone or `deleted` removes the row).
  absl::Status HandleMasterMessage(const kafka::Message& message);

  // Re-evaluates every stored snapshot that has an I-20 for `org` (all when empty) and
  // publishes new alerts.
  absl::StatusOr<SweepResult> Sweep(const std::string& org);
  // The alerts the rules give for one stored person now, without publishing. nullopt: no
  // snapshot stored for the person.
  absl::StatusOr<std::optional<std::vector<v1::Alert>>> Explain(const std::string& person_id);

 private:
  // Runs the rules against the Redis master view.
  absl::StatusOr<std::vector<rules::Detection>> Evaluate(const v1::SisPersonSnapshot& snapshot);
  // Publishes detections not emitted yet; returns how many were published.
  absl::StatusOr<int64_t> PublishNew(const v1::SisPersonSnapshot& snapshot,
                                     std::vector<rules::Detection> detections);
  absl::Status DeadLetter(const kafka::Message& message, const std::string& reason,
                          const std::string& label);

  rules::Setup setup_;
  redis::Client& redis_;
  Publisher& publisher_;
  const common::Clock& clock_;
  common::MetricsRegistry& metrics_;
  common::Histogram& evaluation_seconds_;
};

}  // namespace sevisflow::detector
