#pragma once
// The builder's logic over Redis (review state) and Kafka (batches, audit, supplemental data):
// stores incoming alerts for review (a newer alert for the same person, event and subject
// supersedes an unbatched older one; alerts of a person whose batch awaits SEVIS results are
// held), selection, rejection, manual events, closing batches into XSD-valid SEVIS documents of
// both families, SEVIS outcomes (releasing held alerts), supplemental data and the audit log.
// Thread-safe: the consumer loop, gRPC handlers and the timers share one instance; mutations
// are serialised by one mutex (one builder per Redis).
//
// Redis keys (docs/architecture.md, services/builder/README.md):
//   sf:alert:<id>                      ReviewAlert (binary)
//   sf:org:<org>:open                  zset of alert ids in review (OPEN, SELECTED, FAILED, HELD)
//                                      by detection time (ms)
//   sf:org:<org>:open-person:<person>  zset: the person's ids of the open set, same scores
//   sf:org:<org>:open-undated          zset: ids of the open set without a parsable detected_at
//                                      (the open set scores them by the time they were stored)
//   sf:builder:review-index            "1" once the two indexes above are complete (start-up
//                                      rebuilds them when it is missing: data of older versions)
//   sf:org:<org>:selected              set of SELECTED alert ids
//   sf:org:<org>:done                  zset of REJECTED / SUPERSEDED alert ids by time (ms)
//   sf:org:<org>:current               hash "<person>|<event>|<subject>" -> newest alert id
//   sf:org:<org>:inflight:<person>     hash alert id -> batch id: batched, awaiting results
//   sf:org:<org>:held:<person>         set of HELD alert ids
//   sf:batch-seq:<org>                 batch sequence (INCR)
//   sf:batch:<batch_id>                hash: org, state, user_id, closed_by, family, alert_ids,
//                                      records, created_at, document (until published)
//   sf:org:<org>:batches               zset of batch ids by creation time
//   sf:batches:reserved                set of batch ids reserved, not yet acknowledged by Kafka
//   sf:review-supp:<org>:<person>      SupplementalData (binary) as last published
//   sf:audit:<org>, sf:audit:<org>:person:<person>, sf:audit:<org>:batch:<batch>
//                                      lists of AuditEntry (binary), newest first
//   sf:audit:outbox                    AuditEntry records written with their action, not yet
//                                      acknowledged on sevis.audit (a transactional outbox)

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/batching/build.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/detector_service.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "sevisflow/v1/review_service.pb.h"
#include "sevisflow/v1/supplemental.pb.h"

namespace sevisflow::builder {

struct OrgOptions {
  std::string user_id;                 // SEVIS user ID of system closes (timer, auto-close)
  std::optional<bool> auto_select;     // unset: BuilderOptions::auto_select
  // Event types auto-selected; unset: BuilderOptions::auto_select_events (empty = all).
  std::optional<std::set<sevisflow::v1::EventType>> auto_select_events;
  std::string batch_id_prefix;         // "": BuilderOptions::batch_id_prefix
};

struct BuilderOptions {
  std::string batch_id_prefix = "SF";
  int max_records_per_section = 250;
  bool auto_select = false;
  std::set<sevisflow::v1::EventType> auto_select_events;  // empty = every event
  // A batch is closed as soon as this many alerts of an org are selected (0 = never).
  int auto_close_selected = 250;
  bool print_form = true;
  std::map<std::string, OrgOptions> orgs;
};

// Who acts: a DSO from the call's credentials, or the system (consumer, timers).
struct Actor {
  std::string name;            // DSO name, or "system"
  std::string sevis_user_id;   // the SEVIS userID for the org acted on ("" when none)
};
inline constexpr char kSystemActor[] = "system";

// Side effects the builder needs; each returns only once durable (acknowledged by Kafka).
struct BuilderPorts {
  std::function<absl::Status(const sevisflow::v1::BatchDocument&)> publish_batch;
  std::function<absl::Status(const sevisflow::v1::AuditEntry&)> publish_audit;
  // Key "<org>/<person>"; nullopt = tombstone.
  std::function<absl::Status(const std::string& key,
                             const std::optional<sevisflow::v1::SupplementalData>&)>
      publish_supplemental;
  // The detector's CheckManualEvent (rules library preconditions on the stored person).
  std::function<absl::StatusOr<sevisflow::v1::CheckManualEventResponse>(
      const sevisflow::v1::CheckManualEventRequest&)>
      check_manual;
};

// Batch states in sf:batch:<id>.
inline constexpr char kBatchReserved[] = "RESERVED";
inline constexpr char kBatchBuilt[] = "BUILT";
inline constexpr char kBatchProcessed[] = "PROCESSED";

class Builder {
 public:
  // The validators are loaded once by the caller (start-up) and must outlive the builder.
  Builder(BuilderOptions options, redis::Client& redis, batching::Validators validators,
          BuilderPorts ports, const common::Clock& clock, common::MetricsRegistry& metrics);

  // A new alert is stored OPEN (HELD while the person's batch awaits results; SELECTED with
  // auto-select for its event and no issues; SUPERSEDED when an unbatched newer alert for the
  // same person, event and subject exists), superseding an older unbatched one; a known alert
  // id is ignored. InvalidArgument for an alert that can never be stored (dead letter);
  // Unavailable when Redis is down (retry, do not store the offset).
  absl::Status HandleAlert(const sevisflow::v1::Alert& alert);

  // Marks the alert ACCEPTED or FAILED and its batch PROCESSED; once the person has no alert
  // awaiting results any more, their HELD alerts are released. Unknown alerts are ignored.
  absl::Status HandleOutcome(const sevisflow::v1::Outcome& outcome);

  absl::StatusOr<sevisflow::v1::ListAlertsResponse> ListAlerts(
      const sevisflow::v1::ListAlertsRequest& request);
  absl::StatusOr<sevisflow::v1::ReviewAlert> GetAlert(const std::string& org_id,
                                                      const std::string& alert_id);
  absl::StatusOr<sevisflow::v1::SelectAlertsResponse> SelectAlerts(
      const Actor& actor, const sevisflow::v1::SelectAlertsRequest& request);
  absl::StatusOr<sevisflow::v1::RejectAlertsResponse> RejectAlerts(
      const Actor& actor, const sevisflow::v1::RejectAlertsRequest& request);
  // FailedPrecondition listing the unmet rule-book conditions; InvalidArgument when the event
  // is not a manual one or its data does not make a schema-valid record (with the XSD message).
  absl::StatusOr<sevisflow::v1::AddManualEventResponse> AddManualEvent(
      const Actor& actor, const sevisflow::v1::AddManualEventRequest& request);
  // Closes the org's selected alerts with the actor's SEVIS userID (10 characters).
  absl::StatusOr<sevisflow::v1::CloseBatchResponse> CloseBatch(const Actor& actor,
                                                               const std::string& org_id);
  absl::StatusOr<sevisflow::v1::ListBatchesResponse> ListBatches(
      const sevisflow::v1::ListBatchesRequest& request);

  absl::StatusOr<sevisflow::v1::SetSupplementalResponse> SetSupplemental(
      const Actor& actor, const sevisflow::v1::SetSupplementalRequest& request);
  absl::StatusOr<sevisflow::v1::GetSupplementalResponse> GetSupplemental(
      const sevisflow::v1::GetSupplementalRequest& request);

  absl::StatusOr<sevisflow::v1::QueryAuditResponse> QueryAudit(
      const sevisflow::v1::QueryAuditRequest& request);

  // Publishes every batch still RESERVED (a crash or a Kafka failure between reserve and
  // acknowledgement), unchanged and under the same ID. Returns how many were published.
  absl::StatusOr<int> RepublishReserved();

  // Makes sure the review indexes (the person and undated sets beside each open set) match the
  // open sets: when the marker sf:builder:review-index is missing (an empty Redis, or data
  // written by a version without the indexes) every org's indexes are rebuilt from its open
  // set, in pages, then the marker is set. Call at start-up, before alerts are consumed and
  // before gRPC serves; until it has succeeded ListAlerts reads whole open sets as before.
  // Returns how many orgs were rebuilt.
  absl::StatusOr<int> EnsureReviewIndexes();

  // Publishes the audit outbox to sevis.audit and trims what was acknowledged. Returns how many
  // entries went out.
  absl::StatusOr<int> FlushAudit();

  // Closes the selected alerts of every configured organisation as the system (the timers).
  void CloseAllConfiguredOrgs();

  const BuilderOptions& options() const { return options_; }

 private:
  struct Stored {
    sevisflow::v1::ReviewAlert alert;
    bool found = false;
  };
  using Commands = std::vector<std::vector<std::string>>;

  absl::StatusOr<std::vector<Stored>> LoadAlerts(const std::vector<std::string>& ids);
  absl::StatusOr<std::vector<std::string>> Members(const std::string& key, bool zset);
  // Ids that may be in review and match the request's person / age filters, in the open set's
  // order (detection time, then id): the person index, the detection-time window of the open
  // set (plus the undated alerts when they can match), or the whole open set.
  absl::StatusOr<std::vector<std::string>> ReviewCandidates(
      const sevisflow::v1::ListAlertsRequest& request, int64_t now_ms);
  // The in-review ids of these persons, in the open set's order.
  absl::StatusOr<std::vector<std::string>> PersonsInReview(
      const std::string& org_id, const std::map<std::string, std::string>& persons);
  absl::Status RebuildReviewIndexesLocked(const std::string& org_id);
  // MULTI + commands + EXEC, checking every reply.
  absl::Status Exec(const Commands& commands, const std::string& what);
  // Appends the writes of an audit entry (indexes + outbox) to `commands`.
  void Audit(Commands& commands, sevisflow::v1::AuditEntry entry);
  sevisflow::v1::AuditEntry Entry(const Actor& actor, const std::string& org,
                                  const std::string& action) const;
  // An entry about one alert: org, person, alert id and event filled in.
  sevisflow::v1::AuditEntry AlertEntry(const Actor& actor, const sevisflow::v1::Alert& alert,
                                       const std::string& action) const;
  void Stamp(sevisflow::v1::ReviewAlert& alert, const Actor& actor) const;

  absl::Status StoreAlertLocked(const sevisflow::v1::Alert& alert, const Actor& actor,
                                const std::string& action, sevisflow::v1::ReviewAlert* stored);
  absl::StatusOr<sevisflow::v1::CloseBatchResponse> CloseBatchLocked(const Actor& actor,
                                                                     const std::string& org_id);
  absl::StatusOr<std::optional<sevisflow::v1::CloseBatchResponse>> MaybeAutoCloseLocked(
      const std::string& org_id, const Actor& actor);
  absl::Status ReleaseHeldLocked(const std::string& org_id, const std::string& person_id);
  absl::Status PublishReserved(const std::string& batch_id,
                               const sevisflow::v1::BatchDocument& document);
  absl::StatusOr<int> RepublishReservedLocked();
  // The person's batch awaiting results, "" when none.
  absl::StatusOr<std::string> InflightBatch(const std::string& org_id,
                                            const std::string& person_id);
  bool AutoSelects(const std::string& org_id, sevisflow::v1::EventType event) const;
  std::string BatchIdPrefix(const std::string& org_id) const;
  std::string SystemUserId(const std::string& org_id) const;
  void RefreshOpenGauge(const std::string& org_id);
  std::string Now() const;

  BuilderOptions options_;
  redis::Client& redis_;
  batching::Validators validators_;
  BuilderPorts ports_;
  const common::Clock& clock_;
  common::MetricsRegistry& metrics_;
  std::mutex mu_;
  std::mutex audit_mu_;
  // Set once EnsureReviewIndexes has succeeded: the indexes can be trusted for reads.
  std::atomic<bool> review_indexes_ready_{false};

  common::Counter& alerts_new_;
  common::Counter& alerts_duplicate_;
  common::Counter& alerts_superseded_;
  common::Counter& alerts_held_;
  common::Counter& alerts_released_;
  common::Counter& alerts_selected_;
  common::Counter& alerts_rejected_;
  common::Counter& manual_added_;
  common::Counter& batches_built_;
  common::Counter& validation_failures_;
  common::Counter& outcomes_;
  common::Counter& audit_published_;
  common::Histogram& records_per_batch_;
};

// Redis key helpers (shared with tests).
std::string AlertKey(const std::string& alert_id);
std::string OpenKey(const std::string& org_id);
std::string PersonOpenKey(const std::string& org_id, const std::string& person_id);
std::string UndatedOpenKey(const std::string& org_id);
std::string SelectedKey(const std::string& org_id);
std::string DoneKey(const std::string& org_id);
std::string CurrentKey(const std::string& org_id);
std::string InflightKey(const std::string& org_id, const std::string& person_id);
std::string HeldKey(const std::string& org_id, const std::string& person_id);
std::string BatchKey(const std::string& batch_id);
std::string BatchSeqKey(const std::string& org_id);
std::string OrgBatchesKey(const std::string& org_id);
std::string SupplementalKey(const std::string& org_id, const std::string& person_id);
std::string AuditKey(const std::string& org_id);
std::string PersonAuditKey(const std::string& org_id, const std::string& person_id);
std::string BatchAuditKey(const std::string& org_id, const std::string& batch_id);
inline constexpr char kReservedBatchesKey[] = "sf:batches:reserved";
inline constexpr char kAuditOutboxKey[] = "sf:audit:outbox";
inline constexpr char kReviewIndexKey[] = "sf:builder:review-index";

// "<person>|<event code>|<subject>": alerts with the same key replace each other.
std::string SupersedeKey(const sevisflow::v1::Alert& alert);

}  // namespace sevisflow::builder
