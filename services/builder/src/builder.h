#pragma once
// The builder's logic over Redis (review state) and a batch publisher (Kafka in the service):
// stores incoming alerts for review, selection, closing batches into XSD-valid SEVIS documents,
// and applying SEVIS outcomes. Thread-safe: the consumer loop, gRPC handlers and the close timer
// share one instance; mutations are serialised by one mutex (one builder per Redis).
//
// Redis keys (docs/architecture.md): sf:alert:<id> (ReviewAlert, binary), sf:org:<org>:open
// (zset of OPEN / SELECTED / FAILED alert ids by detection time), sf:batch-seq:<org>,
// sf:batch:<batch_id> (hash: org, state, user_id, alert_ids, records, created_at, document
// until published), sf:org:<org>:batches (zset by creation time), and sf:batches:reserved (set
// of batch ids reserved but not yet acknowledged by Kafka, re-published at start-up).

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "sevisflow/v1/review_service.pb.h"

namespace sevisflow::builder {

struct OrgOptions {
  std::string user_id;                 // default SEVIS user ID for CloseBatch (10 characters)
  std::optional<bool> auto_select;     // unset: BuilderOptions::auto_select
};

struct BuilderOptions {
  std::string batch_id_prefix = "SF";
  int max_records_per_document = 250;
  bool auto_select = false;
  std::map<std::string, OrgOptions> orgs;
};

// Publishes one document and returns only once it is durable (blocking Kafka Send keyed by org).
using BatchPublisher = std::function<absl::Status(const sevisflow::v1::BatchDocument&)>;

// Batch states in sf:batch:<id>.
inline constexpr char kBatchReserved[] = "RESERVED";
inline constexpr char kBatchBuilt[] = "BUILT";
inline constexpr char kBatchProcessed[] = "PROCESSED";

class Builder {
 public:
  // The validator is loaded once by the caller (start-up) and must outlive the builder.
  Builder(BuilderOptions options, redis::Client& redis, const sevisxml::SchemaValidator& validator,
          BatchPublisher publisher, const common::Clock& clock,
          common::MetricsRegistry& metrics);

  // A new alert is stored OPEN (SELECTED with auto-select and no issues); a known alert id is
  // ignored. InvalidArgument for an alert that can never be stored (no id / org: dead letter);
  // Unavailable when Redis is down (retry, do not store the offset).
  absl::Status HandleAlert(const sevisflow::v1::Alert& alert);

  // Marks the alert ACCEPTED or FAILED and its batch PROCESSED. An unknown alert is ignored.
  absl::Status HandleOutcome(const sevisflow::v1::Outcome& outcome);

  absl::StatusOr<sevisflow::v1::ListAlertsResponse> ListAlerts(
      const sevisflow::v1::ListAlertsRequest& request);
  absl::StatusOr<sevisflow::v1::SelectAlertsResponse> SelectAlerts(
      const sevisflow::v1::SelectAlertsRequest& request);
  // user_id: the caller's SEVIS user (already resolved from metadata / request / config).
  absl::StatusOr<sevisflow::v1::CloseBatchResponse> CloseBatch(const std::string& org_id,
                                                               const std::string& user_id);
  absl::StatusOr<sevisflow::v1::ListBatchesResponse> ListBatches(
      const sevisflow::v1::ListBatchesRequest& request);

  // The user ID for a close: explicit caller > request > the org's configured one.
  // InvalidArgument when none is known or it is not 10 characters.
  absl::StatusOr<std::string> ResolveUserId(const std::string& org_id,
                                            const std::string& caller_user,
                                            const std::string& request_user) const;

  // Publishes every batch still RESERVED (a crash or a Kafka failure between reserve and
  // acknowledgement), unchanged and under the same ID. Returns how many were published.
  absl::StatusOr<int> RepublishReserved();

  // Closes the selected alerts of every configured organisation (the close timer).
  void CloseAllConfiguredOrgs();

  const BuilderOptions& options() const { return options_; }

 private:
  struct Stored {
    sevisflow::v1::ReviewAlert alert;
    bool found = false;
  };

  absl::StatusOr<std::vector<Stored>> LoadAlerts(const std::vector<std::string>& ids);
  absl::StatusOr<std::vector<std::string>> OpenIds(const std::string& org_id);
  absl::Status SaveAlert(const sevisflow::v1::ReviewAlert& alert);
  // Builds and validates one document; alerts whose record is invalid are returned to review.
  // Returns the published batch id, or nullopt when nothing was left to publish.
  absl::StatusOr<std::optional<std::string>> BuildOne(const std::string& org_id,
                                                      const std::string& user_id,
                                                      std::vector<sevisflow::v1::Alert> alerts,
                                                      int* records);
  absl::Status ReturnToReview(const sevisflow::v1::Alert& alert,
                              const std::vector<sevisflow::v1::ValidationIssue>& issues);
  absl::Status PublishReserved(const std::string& batch_id,
                               const sevisflow::v1::BatchDocument& document);
  absl::StatusOr<int> RepublishReservedLocked();
  absl::StatusOr<sevisflow::v1::CloseBatchResponse> CloseBatchLocked(const std::string& org_id,
                                                                     const std::string& user_id);
  bool AutoSelect(const std::string& org_id) const;
  void RefreshOpenGauge(const std::string& org_id);

  BuilderOptions options_;
  redis::Client& redis_;
  const sevisxml::SchemaValidator& validator_;
  BatchPublisher publisher_;
  const common::Clock& clock_;
  common::MetricsRegistry& metrics_;
  std::mutex mu_;

  common::Counter& alerts_new_;
  common::Counter& alerts_duplicate_;
  common::Counter& alerts_selected_;
  common::Counter& batches_built_;
  common::Counter& validation_failures_;
  common::Counter& outcomes_;
  common::Histogram& records_per_batch_;
};

// Redis key helpers (shared with tests).
std::string AlertKey(const std::string& alert_id);
std::string OpenKey(const std::string& org_id);
std::string BatchKey(const std::string& batch_id);
std::string BatchSeqKey(const std::string& org_id);
std::string OrgBatchesKey(const std::string& org_id);
inline constexpr char kReservedBatchesKey[] = "sf:batches:reserved";

}  // namespace sevisflow::builder
