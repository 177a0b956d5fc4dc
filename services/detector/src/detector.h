#pragma once
// The detector's logic: sis.person snapshots, sevis.master, sevis.runcontrol and
// sis.supplemental records in, F/M and J alerts out. Redis holds the views
// (docs/architecture.md):
//   sf:snap:<person>          latest SisPersonSnapshot (binary, redis::Pack'ed), as the SIS
//                             sent it; an older `version` is ignored
//   sf:supp:<person>          hash org -> SupplementalData (binary) from sis.supplemental, merged
//                             into the snapshot before every evaluation (rules::MergeSupplemental)
//   sf:supp-offsets           hash partition -> offset of the last sis.supplemental record
//                             handled there, so a re-read of the topic does not replay old states
//   sf:emitted:<person>       hash <org>|<event>|<subject> -> last alert id published
//   sf:master:<org>/<person>  MasterRecord (binary, redis::Pack'ed), from sevis.master; read for
//                             the orgs of the person's form rows and overlays
//   sf:runctl:<org>           RunControl (binary), from sevis.runcontrol (and SetRunControl)
//   sf:lastrun:<org>          RFC 3339 start time of the org's last RunAlerts
//   sf:scheduled-run:<date>   guard: the daily scheduled run of that UTC day was taken
//
// Every Handle* call returns OK only when its effect is durable (Redis written, alerts
// acknowledged by Kafka, or the record dead-lettered): the caller then stores the offset. An
// error is retriable: the caller retries the same record later.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/message.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/fm_context.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"
#include "sevisflow/v1/supplemental.pb.h"

namespace sevisflow::kafka {
class Producer;
}

namespace sevisflow::detector {

// Where alerts, dead letters and run controls go (a kafka::Producer in the service; a fake in
// unit tests).
class Publisher {
 public:
  virtual ~Publisher() = default;
  // Blocks until the broker acknowledged the record.
  virtual absl::Status Send(const kafka::OutgoingMessage& message) = 0;
  // Sends every record, pipelined, and blocks until the broker acknowledged them all: OK only
  // when every one was (records to one partition keep their order).
  virtual absl::Status SendAll(const std::vector<kafka::OutgoingMessage>& messages) = 0;
};

class KafkaPublisher final : public Publisher {
 public:
  explicit KafkaPublisher(kafka::Producer& producer) : producer_(producer) {}
  absl::Status Send(const kafka::OutgoingMessage& message) override;
  absl::Status SendAll(const std::vector<kafka::OutgoingMessage>& messages) override;

 private:
  kafka::Producer& producer_;
};

// Parses a sis.person payload: protobuf JSON when the first non-space byte is '{', else
// protobuf binary. The error message names no personal data.
absl::StatusOr<v1::SisPersonSnapshot> ParseSnapshot(std::string_view payload);
// The same into `snapshot` (which may live on an arena); true when the payload was JSON.
absl::StatusOr<bool> ParseSnapshotInto(std::string_view payload, v1::SisPersonSnapshot& snapshot);

// The `version` field of a SisPersonSnapshot in protobuf binary, read without parsing the rest
// (the stored snapshot's version guard); 0 when absent, as protobuf reads it; nullopt when the
// bytes are not a well-formed message.
std::optional<int64_t> SnapshotVersion(std::string_view bytes);

// Redis keys.
std::string SnapshotKey(std::string_view person);
std::string EmittedKey(std::string_view person);
std::string MasterKey(std::string_view org, std::string_view person);
std::string RunControlKey(std::string_view org);
std::string LastRunKey(std::string_view org);
std::string ScheduledRunKey(const common::Date& day);
std::string SupplementalKey(std::string_view person);
inline constexpr char kSupplementalOffsetsKey[] = "sf:supp-offsets";

// One sis.supplemental record, checked: key "<org_id>/<person_id>" (split at the first '/'); a
// tombstone (or an empty value) clears the overlay; anything else must be a SupplementalData in
// protobuf binary that passes rules::ValidateSupplemental and whose org_id / person_id are the
// key's.
struct SupplementalRecord {
  std::string org;
  std::string person;
  std::optional<v1::SupplementalData> data;  // nullopt: a tombstone
  // Non-empty when the record goes to sis.supplemental.dlq: the reason (names a field, never a
  // value) and the `reason` label of sevisflow_detector_dlq_total.
  std::string dead_letter_reason;
  std::string dead_letter_label;
};
SupplementalRecord ParseSupplementalRecord(const kafka::Message& message);

// Whether a sis.supplemental record at `offset` was already handled, given the value of
// sf:supp-offsets[<its partition>] (the offset of the last record handled there, if any). The
// topic is re-read from its start at every start and after a rebalance; one partition is handled
// in order, so every record up to that offset is done. An unreadable value counts as none (the
// record is handled again, which is idempotent).
bool SupplementalAlreadyApplied(const std::optional<std::string>& last_offset, int64_t offset);

// The family the rules see for the person (CheckManualEvent's visa_family): F/M when the F/M
// selection criteria find an F-1/M-1 visa, J when the J criteria find a J-1; when both do (a
// blank Port of Entry status and both visas on the Visa/Permit page) the form of `org` decides
// (a DS-2019 program number: J, else F/M); UNSPECIFIED when neither.
v1::VisaFamily PersonVisaFamily(const v1::SisPersonSnapshot& snapshot, std::string_view org);

// "One alert per (person, event, subject); an alert is not re-emitted while an identical one is
// open": the fields of sf:emitted:<person> (with the alert id they hold) that an evaluation no
// longer yields, so the alert is emitted again if its condition comes back. Only fields of
// `org` ("<org>|...") are returned, or every field when `org` is empty.
std::vector<std::pair<std::string, std::string>> StaleEmittedKeys(
    const std::map<std::string, std::string>& emitted,
    const std::vector<rules::Detection>& detections, std::string_view org);

// The rule book's "A warning message appears if the SEVIS Alerts process has been run in the
// past 12 hours": the warning for `org` whose previous run started at `previous`, or "" when
// that was 12 hours or more before `now`.
inline constexpr std::chrono::hours kRecentRunWindow{12};
std::string RecentRunWarning(std::string_view org, common::TimePoint previous,
                             common::TimePoint now);

struct RunAlertsResult {
  int64_t persons = 0;
  int64_t alerts = 0;
  std::string warning;          // "" when no run of the same org in the last 12 hours
  std::string previous_run_at;  // RFC 3339 start of the org's previous run, "" when none
};

enum class RunTrigger { kRequest, kSchedule };

// CheckManualEvent: the rule book's preconditions plus what the builder needs to make the
// manual alert.
struct ManualEventCheck {
  rules::ManualCheck check;
  std::string sevis_id;  // of the org's SEVIS Master row; "" when none
  v1::VisaFamily visa_family = v1::VISA_FAMILY_UNSPECIFIED;  // PersonVisaFamily
};

struct SetRunControlResult {
  v1::RunControl run_control;  // as stored (updated_at/updated_by stamped)
  std::vector<std::string> warnings;
};

class Detector {
 public:
  Detector(rules::Setup setup, redis::Client& redis, Publisher& publisher,
           const common::Clock& clock, common::MetricsRegistry& metrics);

  // The sis.person records of one poll, in offset order. OK when the effect of every record is
  // durable (so the caller may store every offset); an error is retriable and the caller
  // retries the whole batch (the effects are idempotent: the same snapshots, the same alert ids).
  // Bad records are dead-lettered; a snapshot older than the stored version is ignored. When a
  // batch holds several snapshots of one person only the newest (highest version, then last) is
  // stored and evaluated, as compaction of sis.person would keep only it. The Redis state of the
  // whole batch is read in two pipelines, and the new alerts of the whole batch are sent together
  // and awaited before their sf:emitted keys are written.
  absl::Status HandleSnapshotBatch(const std::vector<kafka::Message>& messages);
  // One sevis.master record (key "<org>/<person>"; a tombstone or `deleted` removes the row).
  absl::Status HandleMasterMessage(const kafka::Message& message);
  // One sevis.runcontrol record (key org_id; a tombstone removes the view).
  absl::Status HandleRunControlMessage(const kafka::Message& message);
  // One sis.supplemental record (key "<org>/<person>"; a tombstone clears the overlay). A record
  // already handled (sf:supp-offsets) is skipped; one that does not parse or validate is
  // dead-lettered. Otherwise the view is written and the person's stored snapshot (if any) is
  // re-evaluated with the new overlay exactly as a new snapshot would be (new alerts published,
  // emitted keys no longer yielded forgotten). The offset is recorded last.
  absl::Status HandleSupplementalMessage(const kafka::Message& message);

  // The rule book's "Run": re-evaluates every stored snapshot that has an I-20 for `org` (all
  // when empty) under the run control view, publishes new alerts, forgets emitted keys of the
  // org that no longer hold, and records the run in sf:lastrun:<org> (for "", every org met).
  absl::StatusOr<RunAlertsResult> RunAlerts(const std::string& org,
                                            RunTrigger trigger = RunTrigger::kRequest);
  // The daily run due at `due`: RunAlerts("") unless another replica already took that UTC
  // day (sf:scheduled-run:<date>, SET NX). nullopt when taken elsewhere. On failure the guard
  // is released so a retry can take it.
  absl::StatusOr<std::optional<RunAlertsResult>> RunScheduled(common::TimePoint due);

  // The alerts the rules give for one stored person (with the person's overlays) now, without
  // publishing. nullopt: no snapshot stored for the person.
  absl::StatusOr<std::optional<std::vector<v1::Alert>>> Explain(const std::string& person_id);

  // Validates (rules::ValidateRunControl: InvalidArgument naming the field), stamps updated_at
  // and updated_by, produces to sevis.runcontrol (key org_id) and waits for the ack, then
  // writes the view. Warnings: rules::RunControlWarnings for today.
  absl::StatusOr<SetRunControlResult> SetRunControl(v1::RunControl run_control,
                                                    const std::string& user);
  // The view; nullopt when the org has none.
  absl::StatusOr<std::optional<v1::RunControl>> GetRunControl(const std::string& org);

  // Makes a RunAlerts in progress (and later ones) return CANCELLED at the next person, so a
  // stopping service does not wait for a whole run. Alerts already published stay published.
  void Cancel() { cancelled_.store(true); }

  // The rule book's preconditions of a manual event for the stored person (with the person's
  // overlays) and the SEVIS Master row of (person, org). NotFound when no snapshot is stored.
  absl::StatusOr<ManualEventCheck> CheckManualEvent(const std::string& person_id,
                                                    const std::string& org, v1::EventType event,
                                                    const std::string& subject);

 private:
  // Run controls read during one evaluation (or one whole RunAlerts): org -> view value.
  using RunControlCache = std::map<std::string, std::optional<v1::RunControl>>;

  // What one evaluation of a person reads from Redis (LoadViews).
  struct PersonView {
    std::string person;
    std::optional<std::string> stored_snapshot;       // sf:snap:<person>, unpacked
    std::map<std::string, std::string> supplemental;  // sf:supp:<person>: org -> overlay bytes
    std::map<std::string, std::string> emitted;       // sf:emitted:<person>
    std::map<std::string, v1::MasterRecord> masters;  // org -> sf:master:<org>/<person>
                                                      // (LoadMasters)
  };
  // One evaluated person, ready for PublishEvaluated.
  struct Evaluated {
    std::string person;
    std::vector<rules::Detection> detections;
    std::map<std::string, std::string> emitted;  // as read before the evaluation
    std::string org;  // whose stale emitted keys may be forgotten; "" for every org
  };

  // Reads the snapshot (unpacked), overlays and emitted keys of every person of `views` (person
  // set) in one pipeline.
  absl::Status LoadViews(std::vector<PersonView>& views);
  // Reads, in one pipeline, the master rows of every (view, snapshot to evaluate) — for the orgs
  // of the snapshot's form rows and of the view's overlays — and the run controls of those
  // schools that `run_controls` does not hold yet.
  absl::Status LoadMasters(
      const std::vector<std::pair<PersonView*, const v1::SisPersonSnapshot*>>& items,
      RunControlCache& run_controls);
  // Merges the person's overlays into `raw` and runs the rules against the views read. Pure.
  std::vector<rules::Detection> EvaluateView(const v1::SisPersonSnapshot& raw,
                                             const PersonView& view,
                                             const RunControlCache& run_controls);
  // Reads the person's views and evaluates `raw` (Explain, the overlay consumer).
  absl::StatusOr<Evaluated> Evaluate(const v1::SisPersonSnapshot& raw);
  // `snapshot` with the overlays of sf:supp:<person> merged in (rules::MergeSupplemental). An
  // overlay that does not parse is logged and left out.
  absl::StatusOr<v1::SisPersonSnapshot> WithSupplemental(const v1::SisPersonSnapshot& snapshot);
  // `raw` with the stored overlays (org -> SupplementalData bytes) merged in.
  v1::SisPersonSnapshot Merged(const v1::SisPersonSnapshot& raw,
                               const std::map<std::string, std::string>& stored);
  // Evaluates `snapshot` (raw, as stored) and publishes like a new snapshot: every emitted key of
  // the person may be forgotten. Returns how many alerts were published.
  absl::StatusOr<int64_t> EvaluateAndPublish(const v1::SisPersonSnapshot& snapshot);
  // Publishes the detections of every item not emitted yet, together with `also` (dead
  // letters), waits for every acknowledgement, then records the emitted keys and forgets those
  // (of the item's org, all when empty) the detections no longer hold. Returns how many alerts
  // were published.
  absl::StatusOr<int64_t> PublishEvaluated(std::vector<Evaluated>& items,
                                           std::vector<kafka::OutgoingMessage> also = {});
  // Locks the person locks of `persons` in a fixed order (so two holders never deadlock).
  std::vector<std::unique_lock<std::mutex>> LockPersons(const std::vector<std::string>& persons);
  absl::StatusOr<std::optional<v1::RunControl>> ReadRunControl(const std::string& org);
  absl::StatusOr<std::optional<v1::SisPersonSnapshot>> ReadSnapshot(const std::string& person);
  // Reads and updates sf:lastrun:<org> of every org of a finished run started at `started`.
  absl::Status RecordRun(const std::vector<std::string>& orgs, common::TimePoint started,
                         RunAlertsResult& result);
  absl::Status DeadLetter(const kafka::Message& message, const std::string& reason,
                          const std::string& label);
  // Serialises the evaluation of one person between the snapshot consumer and RunAlerts, so an
  // older snapshot is never evaluated after a newer one in this process.
  std::mutex& PersonLock(const std::string& person);

  rules::Setup setup_;
  redis::Client& redis_;
  Publisher& publisher_;
  const common::Clock& clock_;
  common::MetricsRegistry& metrics_;
  common::Histogram& evaluation_seconds_;
  std::array<std::mutex, 64> person_locks_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace sevisflow::detector
