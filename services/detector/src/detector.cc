#include "services/detector/src/detector.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/packed.h"
#include "sevisflow/rules/j_context.h"
#include "sevisflow/rules/run_control.h"
#include "sevisflow/rules/selection.h"
#include "sevisflow/rules/supplemental.h"
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

// HDEL of each (field, id) pair of ARGV only while the field still holds that id: an
// evaluation running at the same time may just have emitted a newer alert for the field.
constexpr char kForgetScript[] = R"lua(
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    n = n + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return n
)lua";

const char* TriggerLabel(RunTrigger trigger) {
  return trigger == RunTrigger::kSchedule ? "schedule" : "request";
}

std::optional<common::TimePoint> ParseRfc3339(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return std::nullopt;
  return std::chrono::time_point_cast<common::TimePoint::duration>(absl::ToChronoTime(t));
}

// The organisations of a snapshot as the rules read them (trimmed): the school codes of its
// I-20 rows (F/M) and the program numbers of its DS-2019 rows (J).
std::set<std::string> SchoolCodes(const v1::SisPersonSnapshot& snapshot) {
  std::set<std::string> orgs;
  for (const auto& i20 : snapshot.i20()) {
    std::string org(absl::StripAsciiWhitespace(i20.school_code()));
    if (!org.empty()) orgs.insert(std::move(org));
  }
  for (const auto& ds2019 : snapshot.ds2019()) {
    std::string org(absl::StripAsciiWhitespace(ds2019.program_number()));
    if (!org.empty()) orgs.insert(std::move(org));
  }
  return orgs;
}

}  // namespace

absl::Status KafkaPublisher::Send(const kafka::OutgoingMessage& message) {
  return producer_.Send(message);
}

absl::Status KafkaPublisher::SendAll(const std::vector<kafka::OutgoingMessage>& messages) {
  return producer_.SendAll(messages);
}

absl::StatusOr<bool> ParseSnapshotInto(std::string_view payload,
                                       v1::SisPersonSnapshot& snapshot) {
  size_t i = 0;
  while (i < payload.size() && std::isspace(static_cast<unsigned char>(payload[i]))) ++i;
  if (i < payload.size() && payload[i] == '{') {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // like binary: newer producers may add fields
    auto status = google::protobuf::util::JsonStringToMessage(
        std::string(payload.substr(i)), &snapshot, options);
    if (!status.ok()) {
      // The parser's message may quote the payload: keep it out of logs and headers.
      return absl::InvalidArgumentError("not a SisPersonSnapshot in protobuf JSON");
    }
    return true;
  }
  if (payload.empty() ||
      !snapshot.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("not a SisPersonSnapshot in protobuf binary");
  }
  return false;
}

absl::StatusOr<v1::SisPersonSnapshot> ParseSnapshot(std::string_view payload) {
  v1::SisPersonSnapshot snapshot;
  absl::StatusOr<bool> parsed = ParseSnapshotInto(payload, snapshot);
  if (!parsed.ok()) return parsed.status();
  return snapshot;
}

std::optional<int64_t> SnapshotVersion(std::string_view bytes) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  int64_t version = 0;  // proto3: absent is 0; a repeated occurrence: the last one wins
  while (uint32_t tag = in.ReadTag()) {
    if (tag == WireFormatLite::MakeTag(v1::SisPersonSnapshot::kVersionFieldNumber,
                                       WireFormatLite::WIRETYPE_VARINT)) {
      uint64_t value = 0;
      if (!in.ReadVarint64(&value)) return std::nullopt;
      version = static_cast<int64_t>(value);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage() || in.CurrentPosition() != static_cast<int>(bytes.size())) {
    return std::nullopt;
  }
  return version;
}

std::string SnapshotKey(std::string_view person) { return "sf:snap:" + std::string(person); }
std::string EmittedKey(std::string_view person) { return "sf:emitted:" + std::string(person); }
std::string MasterKey(std::string_view org, std::string_view person) {
  return "sf:master:" + std::string(org) + "/" + std::string(person);
}
std::string RunControlKey(std::string_view org) { return "sf:runctl:" + std::string(org); }
std::string LastRunKey(std::string_view org) { return "sf:lastrun:" + std::string(org); }
std::string ScheduledRunKey(const common::Date& day) {
  return "sf:scheduled-run:" + day.ToString();
}
std::string SupplementalKey(std::string_view person) { return "sf:supp:" + std::string(person); }

SupplementalRecord ParseSupplementalRecord(const kafka::Message& message) {
  SupplementalRecord record;
  auto dead = [&](std::string reason, std::string label) {
    record.dead_letter_reason = std::move(reason);
    record.dead_letter_label = std::move(label);
    return record;
  };
  const size_t slash = message.key.find('/');
  if (slash != std::string::npos) {
    record.org = message.key.substr(0, slash);
    record.person = message.key.substr(slash + 1);
  }
  if (record.org.empty() || record.person.empty()) {
    return dead("record key is not <org_id>/<person_id>", "bad_key");
  }
  // An empty value clears too: kafka::Producer sends a null value as an empty one, so that is
  // what the builder's clear may arrive as, and an empty SupplementalData is never valid
  // (org_id is required).
  if (message.is_tombstone || message.value.empty()) return record;
  v1::SupplementalData data;
  if (!data.ParseFromString(message.value)) {
    return dead("not a SupplementalData in protobuf binary", "parse");
  }
  // The reasons of ValidateSupplemental name the field, never the value.
  if (absl::Status valid = rules::ValidateSupplemental(data); !valid.ok()) {
    return dead(std::string(valid.message()), "invalid");
  }
  if (data.org_id() != record.org || data.person_id() != record.person) {
    return dead("record key differs from org_id/person_id", "key_mismatch");
  }
  record.data = std::move(data);
  return record;
}

bool SupplementalAlreadyApplied(const std::optional<std::string>& last_offset, int64_t offset) {
  if (!last_offset || last_offset->empty()) return false;
  int64_t last = 0;
  const char* begin = last_offset->data();
  const char* end = begin + last_offset->size();
  auto [parsed_end, error] = std::from_chars(begin, end, last);
  if (error != std::errc() || parsed_end != end) return false;
  return offset <= last;
}

v1::VisaFamily PersonVisaFamily(const v1::SisPersonSnapshot& snapshot, std::string_view org) {
  const bool fm = rules::SelectFmVisa(snapshot, /*require_usa=*/false).has_value();
  const bool j = rules::SelectJVisa(snapshot);
  if (fm && j) {
    const std::string wanted(absl::StripAsciiWhitespace(std::string(org)));
    for (const auto& ds2019 : snapshot.ds2019()) {
      if (absl::StripAsciiWhitespace(ds2019.program_number()) == wanted) {
        return v1::VISA_FAMILY_J;
      }
    }
    return v1::VISA_FAMILY_FM;
  }
  if (fm) return v1::VISA_FAMILY_FM;
  if (j) return v1::VISA_FAMILY_J;
  return v1::VISA_FAMILY_UNSPECIFIED;
}

std::vector<std::pair<std::string, std::string>> StaleEmittedKeys(
    const std::map<std::string, std::string>& emitted,
    const std::vector<rules::Detection>& detections, std::string_view org) {
  std::set<std::string_view> current;
  for (const rules::Detection& d : detections) current.insert(d.emitted_key);
  const std::string prefix = std::string(org) + "|";
  std::vector<std::pair<std::string, std::string>> stale;
  for (const auto& [field, alert_id] : emitted) {
    if (!org.empty() && field.compare(0, prefix.size(), prefix) != 0) continue;
    if (current.count(field) == 0) stale.emplace_back(field, alert_id);
  }
  return stale;
}

std::string RecentRunWarning(std::string_view org, common::TimePoint previous,
                             common::TimePoint now) {
  // A previous run "in the future" (clocks of two replicas apart) counts as recent.
  if (now - previous >= kRecentRunWindow) return "";
  return "the SEVIS Alerts process ran for " + std::string(org) + " at " +
         common::FormatRfc3339(previous) + ", less than 12 hours ago";
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
          "Time to evaluate the rules for one snapshot (its Redis state, read per batch, excluded)")) {}

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

std::mutex& Detector::PersonLock(const std::string& person) {
  return person_locks_[std::hash<std::string>{}(person) % person_locks_.size()];
}

std::vector<std::unique_lock<std::mutex>> Detector::LockPersons(
    const std::vector<std::string>& persons) {
  std::set<size_t> slots;
  for (const std::string& person : persons) {
    slots.insert(std::hash<std::string>{}(person) % person_locks_.size());
  }
  std::vector<std::unique_lock<std::mutex>> held;
  held.reserve(slots.size());
  for (size_t slot : slots) held.emplace_back(person_locks_[slot]);
  return held;
}

absl::Status Detector::HandleSnapshotBatch(const std::vector<kafka::Message>& messages) {
  if (messages.empty()) return absl::OkStatus();
  for (const kafka::Message& message : messages) {
    metrics_
        .GetCounter("sevisflow_detector_messages_consumed_total", "Records consumed",
                    {{"topic", message.topic}})
        .Inc();
  }
  // Bad records are dead-lettered with the batch's alerts; the rest is the newest snapshot of
  // each person.
  struct DeadLetterOf {
    const kafka::Message* message;
    std::string reason;
    std::string label;
  };
  std::vector<DeadLetterOf> dead;
  // Snapshots live on one arena for the batch: no allocation per field.
  google::protobuf::Arena arena;
  struct Newest {
    v1::SisPersonSnapshot* snapshot = nullptr;
    const kafka::Message* message = nullptr;
    bool json = false;
  };
  std::map<std::string, Newest> newest;  // person -> its newest snapshot in the batch
  int64_t collapsed = 0;
  for (const kafka::Message& message : messages) {
    if (message.is_tombstone) continue;  // compaction marker: nothing to report
    auto* parsed = google::protobuf::Arena::CreateMessage<v1::SisPersonSnapshot>(&arena);
    absl::StatusOr<bool> json = ParseSnapshotInto(message.value, *parsed);
    if (!json.ok()) {
      dead.push_back({&message, std::string(json.status().message()), "parse"});
      continue;
    }
    if (parsed->person_id().empty()) {
      dead.push_back({&message, "person_id missing", "missing_person_id"});
      continue;
    }
    if (message.key != parsed->person_id()) {
      dead.push_back({&message, "record key differs from person_id", "key_mismatch"});
      continue;
    }
    auto [it, inserted] = newest.try_emplace(parsed->person_id());
    if (!inserted) {
      ++collapsed;
      if (parsed->version() < it->second.snapshot->version()) continue;
    }
    it->second = {parsed, &message, *json};
  }
  if (collapsed > 0) {
    metrics_
        .GetCounter("sevisflow_detector_snapshots_collapsed_total",
                    "Snapshots not evaluated because a newer one of the person was in the same "
                    "polled batch")
        .Inc(static_cast<double>(collapsed));
  }

  std::vector<std::string> persons;
  persons.reserve(newest.size());
  for (const auto& [person, snapshot] : newest) persons.push_back(person);
  const auto locks = LockPersons(persons);
  std::vector<PersonView> views(persons.size());
  for (size_t i = 0; i < persons.size(); ++i) views[i].person = persons[i];
  if (absl::Status s = LoadViews(views); !s.ok()) return s;

  // Latest snapshot per person; an older version is ignored (a replay or a late publisher).
  // The raw SIS snapshot is stored; overlays are merged at each evaluation, so the next SIS
  // message never overwrites what a DSO entered.
  std::vector<std::vector<std::string>> sets;
  std::vector<size_t> current;  // indexes into views of the snapshots evaluated
  for (size_t i = 0; i < views.size(); ++i) {
    const Newest& next = newest[views[i].person];
    const v1::SisPersonSnapshot& snapshot = *next.snapshot;
    if (views[i].stored_snapshot) {
      const std::optional<int64_t> stored = SnapshotVersion(*views[i].stored_snapshot);
      if (stored && *stored > snapshot.version()) {
        metrics_
            .GetCounter("sevisflow_detector_stale_snapshots_total",
                        "Snapshots ignored because a newer version is stored")
            .Inc();
        Log()->debug("person {}: version {} older than stored {}, ignored",
                     common::PersonRef(views[i].person), snapshot.version(), *stored);
        continue;
      }
    }
    // A binary record is stored as it came (unknown fields of a newer producer included).
    sets.push_back({"SET", SnapshotKey(views[i].person),
                    redis::Pack(next.json ? snapshot.SerializeAsString() : next.message->value)});
    current.push_back(i);
  }
  if (!sets.empty()) {
    absl::StatusOr<std::vector<redis::Reply>> written = redis_.Pipeline(sets);
    if (!written.ok()) return written.status();
    for (const redis::Reply& reply : *written) {
      if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
    }
  }

  RunControlCache run_controls;
  std::vector<std::pair<PersonView*, const v1::SisPersonSnapshot*>> to_evaluate;
  for (size_t i : current) to_evaluate.emplace_back(&views[i], newest[views[i].person].snapshot);
  if (absl::Status s = LoadMasters(to_evaluate, run_controls); !s.ok()) return s;
  std::vector<Evaluated> evaluated;
  evaluated.reserve(current.size());
  for (size_t i : current) {
    Evaluated e;
    e.person = views[i].person;
    e.detections = EvaluateView(*newest[e.person].snapshot, views[i], run_controls);
    e.emitted = std::move(views[i].emitted);
    evaluated.push_back(std::move(e));
  }

  std::vector<kafka::OutgoingMessage> letters;
  for (const DeadLetterOf& d : dead) letters.push_back(kafka::MakeDeadLetter(*d.message, d.reason));
  absl::StatusOr<int64_t> published = PublishEvaluated(evaluated, std::move(letters));
  if (!published.ok()) return published.status();
  for (const DeadLetterOf& d : dead) {
    metrics_
        .GetCounter("sevisflow_detector_dlq_total", "Records sent to a dead-letter topic",
                    {{"topic", d.message->topic}, {"reason", d.label}})
        .Inc();
    Log()->warn("dead-lettered {}: {}", kafka::SourceOf(*d.message), d.reason);
  }
  Log()->debug("{} sis.person records: {} evaluated, {} new alert(s)", messages.size(),
               evaluated.size(), *published);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Detector::EvaluateAndPublish(const v1::SisPersonSnapshot& snapshot) {
  absl::StatusOr<Evaluated> evaluated = Evaluate(snapshot);
  if (!evaluated.ok()) return evaluated.status();
  // The evaluation covers every organisation of the person: any emitted key may be forgotten.
  std::vector<Evaluated> items;
  items.push_back(std::move(*evaluated));
  return PublishEvaluated(items);
}

absl::Status Detector::HandleSupplementalMessage(const kafka::Message& message) {
  metrics_
      .GetCounter("sevisflow_detector_messages_consumed_total", "Records consumed",
                  {{"topic", message.topic}})
      .Inc();
  auto count = [&](const char* result) {
    metrics_
        .GetCounter("sevisflow_detector_supplemental_total",
                    "sis.supplemental records by outcome (set, cleared, dead_lettered, replayed)",
                    {{"result", result}})
        .Inc();
  };
  // Every start (and every rebalance) reads the compacted topic from its beginning: a record
  // handled before is skipped, so an older state of an overlay is never evaluated (or
  // dead-lettered) again.
  const std::string partition = std::to_string(message.partition);
  absl::StatusOr<redis::Reply> last =
      redis_.Command({"HGET", kSupplementalOffsetsKey, partition});
  if (!last.ok()) return last.status();
  std::optional<std::string> last_offset;
  if (last->type == redis::Reply::Type::kString) last_offset = last->str;
  if (SupplementalAlreadyApplied(last_offset, message.offset)) {
    count("replayed");
    return absl::OkStatus();
  }
  // Recorded once the record's effect is durable: a failure before replays it (the effects are
  // idempotent: the same view value, the same alert ids).
  auto mark_done = [&]() -> absl::Status {
    absl::StatusOr<int64_t> marked =
        redis_.HSet(kSupplementalOffsetsKey, {{partition, std::to_string(message.offset)}});
    return marked.status();
  };

  SupplementalRecord record = ParseSupplementalRecord(message);
  if (!record.dead_letter_reason.empty()) {
    if (absl::Status s =
            DeadLetter(message, record.dead_letter_reason, record.dead_letter_label);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = mark_done(); !s.ok()) return s;
    count("dead_lettered");
    return absl::OkStatus();
  }

  const std::string ref = common::PersonRef(record.person);
  std::lock_guard person_lock(PersonLock(record.person));
  const std::string view_key = SupplementalKey(record.person);
  if (record.data) {
    absl::StatusOr<int64_t> set = redis_.HSet(view_key, {{record.org, message.value}});
    if (!set.ok()) return set.status();
  } else {
    absl::StatusOr<redis::Reply> deleted = redis_.Command({"HDEL", view_key, record.org});
    if (!deleted.ok()) return deleted.status();
  }

  // The person's stored snapshot is evaluated again at once, exactly as a new snapshot.
  absl::StatusOr<std::optional<v1::SisPersonSnapshot>> snapshot = ReadSnapshot(record.person);
  if (!snapshot.ok() && snapshot.status().code() != absl::StatusCode::kDataLoss) {
    return snapshot.status();
  }
  if (!snapshot.ok()) {
    Log()->error("person {}: {}", ref, std::string(snapshot.status().message()));
  } else if (snapshot->has_value()) {
    absl::StatusOr<int64_t> published = EvaluateAndPublish(**snapshot);
    if (!published.ok()) return published.status();
    Log()->debug("person {}: {} new alert(s) after the overlay change", ref, *published);
  }
  if (absl::Status s = mark_done(); !s.ok()) return s;
  count(record.data ? "set" : "cleared");
  Log()->info("overlay of {} for person {} {} ({})", record.org, ref,
              record.data ? "set" : "cleared", kafka::SourceOf(message));
  return absl::OkStatus();
}

absl::StatusOr<v1::SisPersonSnapshot> Detector::WithSupplemental(
    const v1::SisPersonSnapshot& snapshot) {
  absl::StatusOr<std::map<std::string, std::string>> stored =
      redis_.HGetAll(SupplementalKey(snapshot.person_id()));
  if (!stored.ok()) return stored.status();
  return Merged(snapshot, *stored);
}

v1::SisPersonSnapshot Detector::Merged(const v1::SisPersonSnapshot& raw,
                                       const std::map<std::string, std::string>& stored) {
  if (stored.empty()) return raw;
  std::vector<v1::SupplementalData> overlays;
  overlays.reserve(stored.size());
  for (const auto& [org, bytes] : stored) {
    v1::SupplementalData data;
    if (!data.ParseFromString(bytes)) {
      // Only this process writes the view, from validated records: a bug, not a reason to stop.
      metrics_
          .GetCounter("sevisflow_detector_supplemental_unreadable_total",
                      "Stored overlays that could not be parsed (left out of the evaluation)")
          .Inc();
      Log()->error("person {}: stored overlay of {} cannot be parsed",
                   common::PersonRef(raw.person_id()), org);
      continue;
    }
    overlays.push_back(std::move(data));
  }
  return rules::MergeSupplemental(raw, overlays);
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
    absl::StatusOr<int64_t> deleted = redis_.Del({MasterKey(org, person)});
    return deleted.status();
  }
  return redis_.Set(MasterKey(org, person), redis::Pack(message.value));
}

absl::Status Detector::HandleRunControlMessage(const kafka::Message& message) {
  metrics_
      .GetCounter("sevisflow_detector_messages_consumed_total", "Records consumed",
                  {{"topic", message.topic}})
      .Inc();
  auto invalid = [&](const char* why) {
    // Like sevis.master: the detector is the topic's only writer, so a bad record is a bug to
    // see in metrics and logs, not data to dead-letter.
    metrics_
        .GetCounter("sevisflow_detector_runcontrol_invalid_total",
                    "sevis.runcontrol records that could not be used")
        .Inc();
    Log()->error("unusable sevis.runcontrol record at {}: {}", kafka::SourceOf(message), why);
    return absl::OkStatus();
  };
  if (message.key.empty()) return invalid("no key");
  if (message.is_tombstone) {
    absl::StatusOr<int64_t> deleted = redis_.Del({RunControlKey(message.key)});
    return deleted.status();
  }
  v1::RunControl run_control;
  if (!run_control.ParseFromString(message.value)) return invalid("not a RunControl");
  if (run_control.org_id() != message.key) return invalid("key differs from org_id");
  return redis_.Set(RunControlKey(message.key), message.value);
}

absl::StatusOr<std::optional<v1::RunControl>> Detector::ReadRunControl(const std::string& org) {
  absl::StatusOr<std::optional<std::string>> bytes = redis_.Get(RunControlKey(org));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<v1::RunControl>();
  v1::RunControl run_control;
  if (!run_control.ParseFromString(**bytes)) {
    return absl::DataLossError("stored run control of " + org + " cannot be parsed");
  }
  return std::optional<v1::RunControl>(std::move(run_control));
}

absl::StatusOr<std::optional<v1::SisPersonSnapshot>> Detector::ReadSnapshot(
    const std::string& person) {
  absl::StatusOr<std::optional<std::string>> bytes = redis_.Get(SnapshotKey(person));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<v1::SisPersonSnapshot>();
  v1::SisPersonSnapshot snapshot;
  absl::StatusOr<std::string> unpacked = redis::Unpack(**bytes);
  if (!unpacked.ok() || !snapshot.ParseFromString(*unpacked)) {
    return absl::DataLossError("stored snapshot cannot be parsed");
  }
  return std::optional<v1::SisPersonSnapshot>(std::move(snapshot));
}

namespace {

absl::Status FirstError(const std::vector<redis::Reply>& replies) {
  for (const redis::Reply& reply : replies) {
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
  }
  return absl::OkStatus();
}

// An HGETALL reply (field, value, field, value ...) as a map.
std::map<std::string, std::string> HashOf(const redis::Reply& reply) {
  std::map<std::string, std::string> hash;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    hash[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  return hash;
}

}  // namespace

absl::Status Detector::LoadViews(std::vector<PersonView>& views) {
  if (views.empty()) return absl::OkStatus();
  std::vector<std::vector<std::string>> reads;
  reads.reserve(views.size() * 3);
  for (const PersonView& v : views) {
    reads.push_back({"GET", SnapshotKey(v.person)});
    reads.push_back({"HGETALL", SupplementalKey(v.person)});
    reads.push_back({"HGETALL", EmittedKey(v.person)});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  if (replies->size() != reads.size()) return absl::InternalError("short Redis pipeline reply");
  for (size_t i = 0; i < views.size(); ++i) {
    const redis::Reply& snapshot = (*replies)[3 * i];
    if (snapshot.type == redis::Reply::Type::kString) {
      // A damaged packed value is kept as it is: it then fails to parse, like any bad value.
      absl::StatusOr<std::string> bytes = redis::Unpack(snapshot.str);
      views[i].stored_snapshot = bytes.ok() ? std::move(*bytes) : snapshot.str;
    }
    views[i].supplemental = HashOf((*replies)[3 * i + 1]);
    views[i].emitted = HashOf((*replies)[3 * i + 2]);
  }
  return absl::OkStatus();
}

absl::Status Detector::LoadMasters(
    const std::vector<std::pair<PersonView*, const v1::SisPersonSnapshot*>>& items,
    RunControlCache& run_controls) {
  std::vector<std::vector<std::string>> reads;
  std::vector<std::pair<PersonView*, std::string>> master_of;  // (view, org) of each master read
  std::vector<std::string> missing;                             // run controls to read
  for (const auto& [view, snapshot] : items) {
    // The rules look a master row up only for the org of the current I-20 or DS-2019 row; an
    // overlay may apply to the form rows of its org.
    std::set<std::string> orgs = SchoolCodes(*snapshot);
    for (const std::string& org : orgs) {
      if (run_controls.count(org) == 0 &&
          std::find(missing.begin(), missing.end(), org) == missing.end()) {
        missing.push_back(org);
      }
    }
    for (const auto& [org, overlay] : view->supplemental) orgs.insert(org);
    for (const std::string& org : orgs) {
      reads.push_back({"GET", MasterKey(org, view->person)});
      master_of.emplace_back(view, org);
    }
  }
  for (const std::string& org : missing) reads.push_back({"GET", RunControlKey(org)});
  if (reads.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  if (replies->size() != reads.size()) return absl::InternalError("short Redis pipeline reply");
  for (size_t j = 0; j < master_of.size(); ++j) {
    const redis::Reply& stored = (*replies)[j];
    if (stored.type != redis::Reply::Type::kString) continue;
    auto& [view, org] = master_of[j];
    absl::StatusOr<std::string> bytes = redis::Unpack(stored.str);
    std::optional<v1::MasterRecord> record;
    if (bytes.ok()) record = ParseMaster(*bytes);
    if (!record) {
      // Only this process writes the view, from sevis.master: a bug, not a reason to stop.
      Log()->error("person {}: stored master row of {} cannot be parsed",
                   common::PersonRef(view->person), org);
      continue;
    }
    view->masters[org] = std::move(*record);
  }
  for (size_t k = 0; k < missing.size(); ++k) {
    const redis::Reply& stored = (*replies)[master_of.size() + k];
    std::optional<v1::RunControl>& slot = run_controls[missing[k]];
    if (stored.type != redis::Reply::Type::kString) continue;
    v1::RunControl run_control;
    if (!run_control.ParseFromString(stored.str)) {
      // A view that does not parse is a bug, not a reason to stop the line: evaluate as if the
      // school had no run control (the sevis.runcontrol consumer rewrites it at start-up).
      Log()->error("stored run control of {} cannot be parsed", missing[k]);
      continue;
    }
    slot = std::move(run_control);
  }
  return absl::OkStatus();
}

std::vector<rules::Detection> Detector::EvaluateView(const v1::SisPersonSnapshot& raw,
                                                     const PersonView& view,
                                                     const RunControlCache& run_controls) {
  const auto started = std::chrono::steady_clock::now();
  // What the DSO entered wins over the SIS feed (sis.supplemental).
  std::optional<v1::SisPersonSnapshot> with_overlays;
  if (!view.supplemental.empty()) with_overlays = Merged(raw, view.supplemental);
  const v1::SisPersonSnapshot& merged = with_overlays ? *with_overlays : raw;
  // The person's master rows and the run controls of the person's schools were read before, so
  // the rules stay a pure function.
  rules::MasterLookup master_lookup = [&view](const std::string& org) {
    auto it = view.masters.find(org);
    return it == view.masters.end() ? nullptr : &it->second;
  };
  rules::RunControlLookup run_control_lookup =
      [&run_controls](const std::string& org) -> const v1::RunControl* {
    auto it = run_controls.find(org);
    return it == run_controls.end() || !it->second ? nullptr : &*it->second;
  };
  auto detections = rules::DetectAll(merged, master_lookup, run_control_lookup, setup_,
                                    common::Date::FromTime(clock_.Now()));
  evaluation_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return detections;
}

absl::StatusOr<Detector::Evaluated> Detector::Evaluate(const v1::SisPersonSnapshot& raw) {
  std::vector<PersonView> views(1);
  views[0].person = raw.person_id();
  if (absl::Status s = LoadViews(views); !s.ok()) return s;
  RunControlCache run_controls;
  if (absl::Status s = LoadMasters({{&views[0], &raw}}, run_controls); !s.ok()) return s;
  Evaluated e;
  e.person = raw.person_id();
  e.detections = EvaluateView(raw, views[0], run_controls);
  e.emitted = std::move(views[0].emitted);
  return e;
}

absl::StatusOr<int64_t> Detector::PublishEvaluated(std::vector<Evaluated>& items,
                                                   std::vector<kafka::OutgoingMessage> also) {
  // The alerts not sent yet; (item, detection) of each.
  std::vector<std::pair<size_t, size_t>> fresh;
  const std::string now = common::FormatRfc3339(clock_.Now());
  std::vector<kafka::OutgoingMessage> out = std::move(also);
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t j = 0; j < items[i].detections.size(); ++j) {
      rules::Detection& d = items[i].detections[j];
      auto it = items[i].emitted.find(d.emitted_key);
      if (it != items[i].emitted.end() && it->second == d.alert.alert_id()) continue;
      d.alert.set_detected_at(now);
      kafka::OutgoingMessage message;
      message.topic = kafka::kSevisAlerts;
      message.key = d.alert.org_id();
      message.value = d.alert.SerializeAsString();
      out.push_back(std::move(message));
      fresh.emplace_back(i, j);
    }
  }
  if (!out.empty()) {
    if (absl::Status s = out.size() == 1 ? publisher_.Send(out.front()) : publisher_.SendAll(out);
        !s.ok()) {
      return s;
    }
  }

  // Remembered only after the broker acknowledged: a crash in between re-publishes the same
  // alert ids, which the builder ignores. A condition that no longer holds is forgotten, so the
  // alert is emitted again (same id or not) if it comes back; only the evaluated organisation's
  // keys: a run for one school must not touch what another school's evaluation emitted.
  std::vector<std::vector<std::string>> writes;
  std::map<size_t, std::vector<std::string>> sets;  // item -> HSET arguments
  for (auto [i, j] : fresh) {
    const rules::Detection& d = items[i].detections[j];
    std::vector<std::string>& args = sets[i];
    if (args.empty()) args = {"HSET", EmittedKey(items[i].person)};
    args.push_back(d.emitted_key);
    args.push_back(d.alert.alert_id());
  }
  for (auto& [i, args] : sets) writes.push_back(std::move(args));
  size_t forgets = 0;
  for (const Evaluated& item : items) {
    std::vector<std::pair<std::string, std::string>> stale =
        StaleEmittedKeys(item.emitted, item.detections, item.org);
    if (stale.empty()) continue;
    std::vector<std::string> args = {"EVAL", kForgetScript, "1", EmittedKey(item.person)};
    for (auto& [field, alert_id] : stale) {
      args.push_back(field);
      args.push_back(alert_id);
    }
    writes.push_back(std::move(args));
    ++forgets;
  }
  if (!writes.empty()) {
    absl::StatusOr<std::vector<redis::Reply>> written = redis_.Pipeline(writes);
    if (!written.ok()) return written.status();
    if (absl::Status s = FirstError(*written); !s.ok()) return s;
    int64_t forgotten = 0;
    for (size_t k = writes.size() - forgets; k < written->size(); ++k) {
      forgotten += (*written)[k].integer;
    }
    if (forgotten > 0) {
      metrics_
          .GetCounter("sevisflow_detector_emitted_forgotten_total",
                      "Emitted alert keys forgotten because their condition no longer holds")
          .Inc(static_cast<double>(forgotten));
    }
  }
  for (auto [i, j] : fresh) {
    const v1::Alert& alert = items[i].detections[j].alert;
    metrics_
        .GetCounter("sevisflow_detector_alerts_emitted_total", "Alerts published",
                    {{"event", v1::EventType_Name(alert.event_type())}})
        .Inc();
    Log()->debug("alert {} {} for person {}", alert.alert_id(),
                 v1::EventType_Name(alert.event_type()), common::PersonRef(items[i].person));
  }
  return static_cast<int64_t>(fresh.size());
}

absl::StatusOr<RunAlertsResult> Detector::RunAlerts(const std::string& org, RunTrigger trigger) {
  const common::TimePoint started = clock_.Now();
  const auto steady_start = std::chrono::steady_clock::now();
  RunAlertsResult result;
  // One run control read per org for the whole run.
  RunControlCache run_controls;
  std::set<std::string> orgs;
  if (!org.empty()) orgs.insert(org);
  const std::string prefix = "sf:snap:";
  std::string cursor = "0";
  do {
    absl::StatusOr<redis::Reply> page =
        redis_.Command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "500"});
    if (!page.ok()) return page.status();
    if (page->elements.size() != 2) return absl::InternalError("unexpected SCAN reply");
    cursor = page->elements[0].str;
    if (cancelled_.load()) return absl::CancelledError("the detector is stopping");
    // One page at a time: its persons locked, their views read in two pipelines, evaluated, and
    // their new alerts sent together.
    std::vector<std::string> persons;
    for (const auto& key : page->elements[1].elements) {
      if (key.str.size() > prefix.size()) persons.push_back(key.str.substr(prefix.size()));
    }
    if (persons.empty()) continue;
    const auto locks = LockPersons(persons);
    // Read under the locks: the snapshot consumer may just have stored a newer one.
    std::vector<PersonView> views(persons.size());
    for (size_t i = 0; i < persons.size(); ++i) views[i].person = persons[i];
    if (absl::Status s = LoadViews(views); !s.ok()) return s;
    google::protobuf::Arena arena;  // the page's snapshots: no allocation per field
    std::vector<std::pair<size_t, const v1::SisPersonSnapshot*>> snapshots;
    std::vector<std::pair<PersonView*, const v1::SisPersonSnapshot*>> to_evaluate;
    for (size_t i = 0; i < views.size(); ++i) {
      if (!views[i].stored_snapshot) continue;  // deleted since the SCAN
      auto* snapshot = google::protobuf::Arena::CreateMessage<v1::SisPersonSnapshot>(&arena);
      if (!snapshot->ParseFromString(*views[i].stored_snapshot)) {
        Log()->error("person {}: stored snapshot cannot be parsed",
                     common::PersonRef(views[i].person));
        continue;
      }
      const std::set<std::string> mine = SchoolCodes(*snapshot);
      if (!org.empty() && mine.count(org) == 0) continue;
      if (org.empty()) orgs.insert(mine.begin(), mine.end());
      snapshots.emplace_back(i, snapshot);
      to_evaluate.emplace_back(&views[i], snapshot);
    }
    if (absl::Status s = LoadMasters(to_evaluate, run_controls); !s.ok()) return s;
    std::vector<Evaluated> evaluated;
    evaluated.reserve(snapshots.size());
    for (auto& [i, snapshot] : snapshots) {
      Evaluated e;
      e.person = views[i].person;
      e.org = org;
      for (auto& d : EvaluateView(*snapshot, views[i], run_controls)) {
        if (org.empty() || d.alert.org_id() == org) e.detections.push_back(std::move(d));
      }
      e.emitted = std::move(views[i].emitted);
      evaluated.push_back(std::move(e));
    }
    result.persons += static_cast<int64_t>(evaluated.size());
    absl::StatusOr<int64_t> published = PublishEvaluated(evaluated);
    if (!published.ok()) return published.status();
    result.alerts += *published;
  } while (cursor != "0");

  if (absl::Status s = RecordRun({orgs.begin(), orgs.end()}, started, result); !s.ok()) return s;
  metrics_
      .GetCounter("sevisflow_detector_runs_total", "SEVIS Alerts runs completed",
                  {{"trigger", TriggerLabel(trigger)}})
      .Inc();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - steady_start).count();
  Log()->info("run for {} ({}): {} persons, {} new alerts in {:.1f} s{}",
              org.empty() ? "every org" : org, TriggerLabel(trigger), result.persons,
              result.alerts, seconds, result.warning.empty() ? "" : "; " + result.warning);
  return result;
}

absl::Status Detector::RecordRun(const std::vector<std::string>& orgs, common::TimePoint started,
                                 RunAlertsResult& result) {
  if (orgs.empty()) return absl::OkStatus();
  std::vector<std::vector<std::string>> gets;
  for (const std::string& o : orgs) gets.push_back({"GET", LastRunKey(o)});
  absl::StatusOr<std::vector<redis::Reply>> previous = redis_.Pipeline(gets);
  if (!previous.ok()) return previous.status();
  std::vector<std::string> warnings;
  std::optional<common::TimePoint> latest;
  for (size_t i = 0; i < orgs.size() && i < previous->size(); ++i) {
    const redis::Reply& reply = (*previous)[i];
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
    if (reply.type != redis::Reply::Type::kString) continue;
    std::optional<common::TimePoint> at = ParseRfc3339(reply.str);
    if (!at) continue;
    if (!latest || *at > *latest) latest = *at;
    if (std::string w = RecentRunWarning(orgs[i], *at, started); !w.empty()) {
      warnings.push_back(std::move(w));
    }
  }
  if (latest) result.previous_run_at = common::FormatRfc3339(*latest);
  result.warning = absl::StrJoin(warnings, "; ");

  const std::string now = common::FormatRfc3339(started);
  std::vector<std::vector<std::string>> sets;
  for (const std::string& o : orgs) sets.push_back({"SET", LastRunKey(o), now});
  absl::StatusOr<std::vector<redis::Reply>> written = redis_.Pipeline(sets);
  if (!written.ok()) return written.status();
  for (const redis::Reply& reply : *written) {
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
  }
  const double epoch_seconds =
      std::chrono::duration<double>(started.time_since_epoch()).count();
  for (const std::string& o : orgs) {
    metrics_
        .GetGauge("sevisflow_detector_last_run_timestamp_seconds",
                  "Start of the last completed SEVIS Alerts run, per organisation",
                  {{"org", o}})
        .Set(epoch_seconds);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RunAlertsResult>> Detector::RunScheduled(common::TimePoint due) {
  const std::string guard = ScheduledRunKey(common::Date::FromTime(due));
  // Every replica has the schedule; the first to take the day runs it. The guard outlives the
  // day (36 h) so a replica starting late the same day does not run it again.
  absl::StatusOr<bool> taken = redis_.SetNX(guard, common::FormatRfc3339(clock_.Now()),
                                            std::chrono::hours(36));
  if (!taken.ok()) return taken.status();
  if (!*taken) {
    Log()->info("scheduled run of {} already taken by another replica", guard);
    return std::optional<RunAlertsResult>();
  }
  absl::StatusOr<RunAlertsResult> result = RunAlerts("", RunTrigger::kSchedule);
  if (!result.ok()) {
    (void)redis_.Del({guard});  // let a retry (here or on another replica) take the day
    return result.status();
  }
  return std::optional<RunAlertsResult>(std::move(*result));
}

absl::StatusOr<std::optional<std::vector<v1::Alert>>> Detector::Explain(
    const std::string& person_id) {
  absl::StatusOr<std::optional<v1::SisPersonSnapshot>> snapshot = ReadSnapshot(person_id);
  if (!snapshot.ok()) return snapshot.status();
  if (!snapshot->has_value()) return std::optional<std::vector<v1::Alert>>();
  absl::StatusOr<Evaluated> evaluated = Evaluate(**snapshot);
  if (!evaluated.ok()) return evaluated.status();
  std::vector<v1::Alert> alerts;
  for (auto& d : evaluated->detections) {
    d.alert.set_detected_at(common::FormatRfc3339(clock_.Now()));
    alerts.push_back(std::move(d.alert));
  }
  return std::optional<std::vector<v1::Alert>>(std::move(alerts));
}

absl::StatusOr<SetRunControlResult> Detector::SetRunControl(v1::RunControl run_control,
                                                            const std::string& user) {
  // The org is the topic key and part of Redis keys: refuse an empty one before anything else.
  if (run_control.org_id().empty()) {
    return absl::InvalidArgumentError(
        "org_id: the SEVIS school code or program number is required");
  }
  if (absl::Status valid = rules::ValidateRunControl(run_control); !valid.ok()) return valid;
  const common::TimePoint now = clock_.Now();
  run_control.set_updated_at(common::FormatRfc3339(now));
  run_control.set_updated_by(user);
  const std::string bytes = run_control.SerializeAsString();
  kafka::OutgoingMessage out;
  out.topic = kafka::kSevisRunControl;
  out.key = run_control.org_id();
  out.value = bytes;
  // Durable truth first: the view is written only once Kafka holds the record, and the
  // sevis.runcontrol consumer would write the same value anyway.
  if (absl::Status s = publisher_.Send(out); !s.ok()) return s;
  if (absl::Status s = redis_.Set(RunControlKey(run_control.org_id()), bytes); !s.ok()) return s;
  metrics_
      .GetCounter("sevisflow_detector_runcontrol_updates_total", "Run controls stored")
      .Inc();
  Log()->info("run control of {} set by {}", run_control.org_id(), user);
  SetRunControlResult result;
  result.warnings = rules::RunControlWarnings(run_control, common::Date::FromTime(now));
  result.run_control = std::move(run_control);
  return result;
}

absl::StatusOr<std::optional<v1::RunControl>> Detector::GetRunControl(const std::string& org) {
  if (org.empty()) return absl::InvalidArgumentError("org_id is required");
  return ReadRunControl(org);
}

absl::StatusOr<ManualEventCheck> Detector::CheckManualEvent(const std::string& person_id,
                                                            const std::string& org,
                                                            v1::EventType event,
                                                            const std::string& subject) {
  if (person_id.empty()) return absl::InvalidArgumentError("person_id is required");
  if (org.empty()) return absl::InvalidArgumentError("org_id is required");
  if (event == v1::EVENT_TYPE_UNSPECIFIED) {
    return absl::InvalidArgumentError("event_type is required");
  }
  absl::StatusOr<std::optional<v1::SisPersonSnapshot>> snapshot = ReadSnapshot(person_id);
  if (!snapshot.ok()) return snapshot.status();
  if (!snapshot->has_value()) {
    return absl::NotFoundError("no snapshot stored for person " + common::PersonRef(person_id));
  }
  absl::StatusOr<std::optional<std::string>> bytes = redis_.Get(MasterKey(org, person_id));
  if (!bytes.ok()) return bytes.status();
  std::optional<v1::MasterRecord> master;
  if (bytes->has_value()) {
    absl::StatusOr<std::string> unpacked = redis::Unpack(**bytes);
    if (unpacked.ok()) master = ParseMaster(*unpacked);
  }
  absl::StatusOr<v1::SisPersonSnapshot> merged = WithSupplemental(**snapshot);
  if (!merged.ok()) return merged.status();
  ManualEventCheck result;
  result.check = rules::CheckManual(event, *merged, master, subject, setup_,
                                    common::Date::FromTime(clock_.Now()));
  // A row marked deleted is no SEVIS record (rules::MasterLookup reads it the same way).
  if (master && !master->deleted()) result.sevis_id = master->sevis_id();
  result.visa_family = PersonVisaFamily(*merged, org);
  return result;
}

}  // namespace sevisflow::detector
