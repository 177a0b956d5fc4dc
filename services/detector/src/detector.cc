#include "services/detector/src/detector.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <chrono>
#include <map>

#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/v1/master.pb.h"

namespace sevisflow::detector {
namespace {

auto Log() {
  static auto logger = common::Logger("detector");
  return logger;
}

std::optional<v1::MasterRecord> ParseMaster(const std::string& bytes) {
  v1::MasterRecord record;
  if (!record.ParseFromString(bytes)) return std::nullopt;
  return record;
}

}  // namespace

absl::Status KafkaPublisher::Send(const kafka::OutgoingMessage& message) {
  return producer_.Send(message);
}

absl::StatusOr<v1::SisPersonSnapshot> ParseSnapshot(std::string_view payload) {
  size_t i = 0;
  while (i < payload.size() && std::isspace(static_cast<unsigned char>(payload[i]))) ++i;
  v1::SisPersonSnapshot snapshot;
  if (i < payload.size() && payload[i] == '{') {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // like binary: newer producers may add fields
    auto status = google::protobuf::util::JsonStringToMessage(
        std::string(payload.substr(i)), &snapshot, options);
    if (!status.ok()) {
      // The parser's message may quote the payload: keep it out of logs and headers.
      return absl::InvalidArgumentError("not a SisPersonSnapshot in protobuf JSON");
    }
    return snapshot;
  }
  if (payload.empty() || !snapshot.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("not a SisPersonSnapshot in protobuf binary");
  }
  return snapshot;
}

std::string SnapshotKey(std::string_view person) { return "sf:snap:" + std::string(person); }
std::string EmittedKey(std::string_view person) { return "sf:emitted:" + std::string(person); }
std::string MasterKey(std::string_view org, std::string_view person) {
  return "sf:master:" + std::string(org) + "/" + std::string(person);
}
std::string MasterOrgsKey(std::string_view person) {
  return "sf:master-orgs:" + std::string(person);
}

Detector::Detector(rules::Setup setup, redis::Client& redis, Publisher& publisher,
                   const common::Clock& clock, common::MetricsRegistry& metrics)
    : setup_(std::move(setup)),
      redis_(redis),
      publisher_(publisher),
      clock_(clock),
      metrics_(metrics),
      evaluation_seconds_(metrics.GetHistogram(
          "sevisflow_detector_evaluation_seconds",
          "Time to evaluate the rules for one snapshot (Redis reads included)")) {}

absl::Status Detector::DeadLetter(const kafka::Message& message, const std::string& reason,
                                  const std::string& label) {
  absl::Status sent = publisher_.Send(kafka::MakeDeadLetter(message, reason));
  if (!sent.ok()) return sent;
  metrics_
      .GetCounter("sevisflow_detector_dlq_total", "Records sent to a dead-letter topic",
                  {{"topic", message.topic}, {"reason", label}})
      .Inc();
  Log()->warn("dead-lettered {}: {}", kafka::SourceOf(message), reason);
  return absl::OkStatus();
}

absl::Status Detector::HandleSnapshotMessage(const kafka::Message& message) {
  metrics_
      .GetCounter("sevisflow_detector_messages_consumed_total", "Records consumed",
                  {{"topic", message.topic}})
      .Inc();
  if (message.is_tombstone) return absl::OkStatus();  // compaction marker: nothing to report
  absl::StatusOr<v1::SisPersonSnapshot> parsed = ParseSnapshot(message.value);
  if (!parsed.ok()) {
    return DeadLetter(message, std::string(parsed.status().message()), "parse");
  }
  v1::SisPersonSnapshot& snapshot = *parsed;
  if (snapshot.person_id().empty()) {
    return DeadLetter(message, "person_id missing", "missing_person_id");
  }
  if (message.key != snapshot.person_id()) {
    return DeadLetter(message, "record key differs from person_id", "key_mismatch");
  }
  const std::string ref = common::PersonRef(snapshot.person_id());

  // Latest snapshot per person; an older version is ignored (a replay or a late publisher).
  absl::StatusOr<std::optional<std::string>> stored = redis_.Get(SnapshotKey(snapshot.person_id()));
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    v1::SisPersonSnapshot previous;
    if (previous.ParseFromString(**stored) && previous.version() > snapshot.version()) {
      metrics_
          .GetCounter("sevisflow_detector_stale_snapshots_total",
                      "Snapshots ignored because a newer version is stored")
          .Inc();
      Log()->debug("person {}: version {} older than stored {}, ignored", ref, snapshot.version(),
                   previous.version());
      return absl::OkStatus();
    }
  }
  if (absl::Status s = redis_.Set(SnapshotKey(snapshot.person_id()), snapshot.SerializeAsString());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<rules::Detection>> detections = Evaluate(snapshot);
  if (!detections.ok()) return detections.status();
  absl::StatusOr<int64_t> published = PublishNew(snapshot, std::move(*detections));
  if (!published.ok()) return published.status();
  Log()->debug("person {} v{}: {} new alert(s)", ref, snapshot.version(), *published);
  return absl::OkStatus();
}

absl::Status Detector::HandleMasterMessage(const kafka::Message& message) {
  metrics_
      .GetCounter("sevisflow_detector_messages_consumed_total", "Records consumed",
                  {{"topic", message.topic}})
      .Inc();
  std::string org, person;
  if (size_t slash = message.key.find('/'); slash != std::string::npos) {
    org = message.key.substr(0, slash);
    person = message.key.substr(slash + 1);
  }
  std::optional<v1::MasterRecord> record;
  if (!message.is_tombstone) {
    record = ParseMaster(message.value);
    if (record && (org.empty() || person.empty())) {
      org = record->org_id();
      person = record->person_id();
    }
  }
  if (org.empty() || person.empty() || (!message.is_tombstone && !record)) {
    // sevis.master has no dead-letter topic: the importer is its only writer, so a bad record
    // is a bug to see in metrics and logs, not data to replay.
    metrics_
        .GetCounter("sevisflow_detector_master_invalid_total",
                    "sevis.master records that could not be used")
        .Inc();
    Log()->error("unusable sevis.master record at {}", kafka::SourceOf(message));
    return absl::OkStatus();
  }
  if (message.is_tombstone || record->deleted()) {
    auto replies = redis_.Pipeline({{"DEL", MasterKey(org, person)},
                                    {"SREM", MasterOrgsKey(person), org}});
    return replies.status();
  }
  auto replies = redis_.Pipeline({{"SET", MasterKey(org, person), record->SerializeAsString()},
                                  {"SADD", MasterOrgsKey(person), org}});
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (r.is_error()) return redis::ErrorReplyToStatus(r.str);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<rules::Detection>> Detector::Evaluate(
    const v1::SisPersonSnapshot& snapshot) {
  const auto started = std::chrono::steady_clock::now();
  // Prefetch this person's master rows, so the rules stay a pure function.
  std::map<std::string, v1::MasterRecord> masters;
  absl::StatusOr<redis::Reply> orgs =
      redis_.Command({"SMEMBERS", MasterOrgsKey(snapshot.person_id())});
  if (!orgs.ok()) return orgs.status();
  for (const auto& element : orgs->elements) {
    absl::StatusOr<std::optional<std::string>> bytes =
        redis_.Get(MasterKey(element.str, snapshot.person_id()));
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) continue;
    if (auto record = ParseMaster(**bytes)) masters[element.str] = std::move(*record);
  }
  rules::MasterLookup lookup = [&masters](const std::string& org) {
    auto it = masters.find(org);
    return it == masters.end() ? std::optional<v1::MasterRecord>() : it->second;
  };
  auto detections =
      rules::DetectFm(snapshot, lookup, {}, setup_, common::Date::FromTime(clock_.Now()));
  evaluation_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return detections;
}

absl::StatusOr<int64_t> Detector::PublishNew(const v1::SisPersonSnapshot& snapshot,
                                             std::vector<rules::Detection> detections) {
  if (detections.empty()) return 0;
  absl::StatusOr<std::map<std::string, std::string>> emitted =
      redis_.HGetAll(EmittedKey(snapshot.person_id()));
  if (!emitted.ok()) return emitted.status();
  int64_t published = 0;
  for (rules::Detection& d : detections) {
    auto it = emitted->find(d.emitted_key);
    if (it != emitted->end() && it->second == d.alert.alert_id()) continue;  // already sent
    d.alert.set_detected_at(common::FormatRfc3339(clock_.Now()));
    kafka::OutgoingMessage out;
    out.topic = kafka::kSevisAlerts;
    out.key = d.alert.org_id();
    out.value = d.alert.SerializeAsString();
    if (absl::Status s = publisher_.Send(out); !s.ok()) return s;
    // Remembered only after the broker acknowledged: a crash in between re-publishes the same
    // alert id, which the builder ignores.
    absl::StatusOr<int64_t> set =
        redis_.HSet(EmittedKey(snapshot.person_id()), {{d.emitted_key, d.alert.alert_id()}});
    if (!set.ok()) return set.status();
    metrics_
        .GetCounter("sevisflow_detector_alerts_emitted_total", "Alerts published",
                    {{"event", v1::EventType_Name(d.alert.event_type())}})
        .Inc();
    Log()->info("alert {} {} for person {}", d.alert.alert_id(),
                v1::EventType_Name(d.alert.event_type()),
                common::PersonRef(snapshot.person_id()));
    ++published;
  }
  return published;
}

absl::StatusOr<SweepResult> Detector::Sweep(const std::string& org) {
  SweepResult result;
  std::string cursor = "0";
  do {
    absl::StatusOr<redis::Reply> page =
        redis_.Command({"SCAN", cursor, "MATCH", "sf:snap:*", "COUNT", "500"});
    if (!page.ok()) return page.status();
    if (page->elements.size() != 2) return absl::InternalError("unexpected SCAN reply");
    cursor = page->elements[0].str;
    for (const auto& key : page->elements[1].elements) {
      absl::StatusOr<std::optional<std::string>> bytes = redis_.Get(key.str);
      if (!bytes.ok()) return bytes.status();
      v1::SisPersonSnapshot snapshot;
      if (!bytes->has_value() || !snapshot.ParseFromString(**bytes)) continue;
      bool in_org = org.empty();
      for (const auto& i20 : snapshot.i20()) in_org = in_org || i20.school_code() == org;
      if (!in_org) continue;
      ++result.persons;
      absl::StatusOr<std::vector<rules::Detection>> detections = Evaluate(snapshot);
      if (!detections.ok()) return detections.status();
      std::vector<rules::Detection> mine;
      for (auto& d : *detections) {
        if (org.empty() || d.alert.org_id() == org) mine.push_back(std::move(d));
      }
      absl::StatusOr<int64_t> published = PublishNew(snapshot, std::move(mine));
      if (!published.ok()) return published.status();
      result.alerts += *published;
    }
  } while (cursor != "0");
  return result;
}

absl::StatusOr<std::optional<std::vector<v1::Alert>>> Detector::Explain(
    const std::string& person_id) {
  absl::StatusOr<std::optional<std::string>> bytes = redis_.Get(SnapshotKey(person_id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<std::vector<v1::Alert>>();
  v1::SisPersonSnapshot snapshot;
  if (!snapshot.ParseFromString(**bytes)) {
    return absl::DataLossError("stored snapshot cannot be parsed");
  }
  absl::StatusOr<std::vector<rules::Detection>> detections = Evaluate(snapshot);
  if (!detections.ok()) return detections.status();
  std::vector<v1::Alert> alerts;
  for (auto& d : *detections) {
    d.alert.set_detected_at(common::FormatRfc3339(clock_.Now()));
    alerts.push_back(std::move(d.alert));
  }
  return std::optional<std::vector<v1::Alert>>(std::move(alerts));
}

}  // namespace sevisflow::detector
