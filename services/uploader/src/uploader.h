#pragma once
// The uploader's logic over its I/O: sevis.batches records become stored documents with a
// PENDING state (Ingest), and a worker drives every active batch through the state machine of
// state.h (Step / RunOnce): POST once, poll the download endpoint, store the result zip and
// publish a BatchResult on sevis.results.
//
// Every Redis write of an upload record is a compare-and-set on its `version`, so two replicas
// (or a replica racing its own restart) never both start a POST for the same batch.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/http/client.h"
#include "sevisflow/kafka/message.h"
#include "sevisflow/v1/batch.pb.h"
#include "resilience.h"
#include "state.h"

namespace sevisflow::kafka {
class Producer;
}
namespace sevisflow::redis {
class Client;
}
namespace sevisflow::sevisxml {
class SchemaValidator;
}

namespace sevisflow::uploader {

// HTTP to the SEVIS batch endpoints with each organisation's credentials. A transport failure
// is an error status (see http/client.h); any HTTP answer is a Response.
class SevisGateway {
 public:
  virtual ~SevisGateway() = default;
  virtual bool HasOrg(const std::string& org_id) const = 0;
  // POST multipart orgid, batchid, userid and the file part xml.
  virtual absl::StatusOr<http::Response> Upload(const std::string& org_id,
                                                const std::string& batch_id,
                                                const std::string& user_id,
                                                const std::string& xml) = 0;
  // GET with the query orgid, batchid, userid.
  virtual absl::StatusOr<http::Response> Download(const std::string& org_id,
                                                  const std::string& batch_id,
                                                  const std::string& user_id) = 0;
};

struct UploaderOptions {
  BackoffPolicy backoff;
  BreakerPolicy breaker;                    // one breaker per org
  std::chrono::milliseconds stuck_after{0};  // 0: no stuck-batch check
  std::string docstore_root;
  // Configured SEVIS user id per org (orgs.<org>.user_id); absent: the document's user_id.
  std::map<std::string, std::string> user_ids;
};

class Uploader {
 public:
  Uploader(UploaderOptions options, redis::Client& redis, kafka::Producer& producer,
           SevisGateway& gateway, const sevisxml::SchemaValidator& translog_validator,
           const common::Clock& clock, common::MetricsRegistry& metrics);

  // One sevis.batches record: stores batch.xml + document.pb and creates the PENDING state (an
  // existing state wins: a re-published document changes nothing). A record that is not a
  // usable BatchDocument goes to sevis.batches.dlq. OK: the offset may be stored. An error
  // (Redis, disk, Kafka down): leave the offset, retry the record later.
  absl::Status Ingest(const kafka::Message& message);

  // One step for one batch (at most one HTTP call). OK also when nothing was due.
  absl::Status Step(const std::string& org_id, const std::string& batch_id);

  // Steps every due batch of sf:uploads:active. Returns the time until the earliest next
  // attempt (at most `max_wait`).
  absl::StatusOr<std::chrono::milliseconds> RunOnce(std::chrono::milliseconds max_wait);

  // Upload records, all or one organisation's (SCAN of sf:upload:*).
  absl::StatusOr<std::vector<UploadRecord>> List(const std::string& org_id);

  // Operator actions (UploadService; resilience.h PlanRetry / PlanCancel). NotFound for an
  // unknown batch, FailedPrecondition when the state does not allow it, Aborted when the
  // worker changed the record meanwhile (try again). The record as saved on success.
  absl::StatusOr<UploadRecord> Retry(const std::string& org_id, const std::string& batch_id);
  absl::StatusOr<UploadRecord> Cancel(const std::string& org_id, const std::string& batch_id);

  // The org's breaker state (CLOSED when the org never failed). Thread-safe.
  CircuitBreaker::State BreakerState(const std::string& org_id) const;
  // True when `record` has waited longer than options.stuck_after for its result.
  bool IsStuckNow(const UploadRecord& record) const;

 private:
  absl::StatusOr<std::optional<UploadRecord>> Load(const std::string& org_id,
                                                   const std::string& batch_id);
  // Compare-and-set: writes `next` (version = expected + 1) only if the stored version is
  // still `expected`. False when another writer won. Terminal states leave the active set.
  absl::StatusOr<bool> Save(UploadRecord& next, int64_t expected_version);
  absl::StatusOr<v1::BatchDocument> LoadDocument(const UploadRecord& record);
  absl::Status DoUpload(UploadRecord record);
  absl::Status DoPoll(UploadRecord record);
  // REJECTED: publishes a BatchResult without zip carrying the upload code (its alerts go back
  // to review), then clears rejection_pending; on a Kafka or disk error, backs off.
  absl::Status DoPublishRejection(UploadRecord record);
  // sevisflow_uploader_failed_batches_total{org}: one more batch became FAILED.
  void CountFailed(const std::string& org_id);
  // Stores the result zip and publishes the BatchResult; returns the zip's sha256.
  absl::StatusOr<std::string> PublishResult(const UploadRecord& record, std::string zip,
                                            const std::string& upload_code);
  Reply ToReply(const absl::StatusOr<http::Response>& response) const;
  absl::Status DeadLetter(const kafka::Message& message, std::string_view reason);
  int64_t NowMs() const;
  void RefreshActiveGauge(size_t active);
  double RandomUnit();
  CircuitBreaker& Breaker(const std::string& org_id);
  // False when the org's breaker holds requests back; the record is then pushed to when the
  // breaker allows a trial (nothing is counted against the batch).
  absl::StatusOr<bool> PassBreaker(UploadRecord& record);
  // Reports an allowed exchange's outcome to the org's breaker (transport error / 5xx = fail).
  void ReportToBreaker(const std::string& org_id, const Reply& reply);
  // Stuck-batch gauge per org and one error log per batch when it becomes stuck.
  void RefreshStuck(const std::vector<UploadRecord>& active);
  absl::StatusOr<UploadRecord> OperatorAction(
      const std::string& org_id, const std::string& batch_id,
      absl::StatusOr<UploadRecord> (*plan)(UploadRecord, int64_t), std::string_view what);

  UploaderOptions options_;
  redis::Client& redis_;
  kafka::Producer& producer_;
  SevisGateway& gateway_;
  const sevisxml::SchemaValidator& validator_;
  const common::Clock& clock_;
  common::MetricsRegistry& metrics_;
  common::Gauge& active_gauge_;
  std::mt19937_64 rng_{std::random_device{}()};
  mutable std::mutex breakers_mu_;  // the worker steps, gRPC reads BreakerState
  std::map<std::string, CircuitBreaker> breakers_;   // by org
  std::set<std::string> stuck_batches_;              // active members reported stuck
  std::set<std::string> stuck_orgs_;                 // orgs whose gauge was ever set
};

// One organisation's SEVIS batch URLs (its environment, INTERFACE.md §1, or the simulator).
struct SevisEndpoints {
  std::string upload_url;
  std::string download_url;
};

// SevisGateway over one HttpsClient per organisation (its client certificate, key and CA) and
// that organisation's endpoints.
class HttpsSevisGateway final : public SevisGateway {
 public:
  HttpsSevisGateway() = default;
  void AddOrg(const std::string& org_id, SevisEndpoints endpoints, http::TlsOptions tls,
              http::Timeouts timeouts = {});

  bool HasOrg(const std::string& org_id) const override;
  absl::StatusOr<http::Response> Upload(const std::string& org_id, const std::string& batch_id,
                                        const std::string& user_id,
                                        const std::string& xml) override;
  absl::StatusOr<http::Response> Download(const std::string& org_id,
                                          const std::string& batch_id,
                                          const std::string& user_id) override;

 private:
  struct OrgClient {
    SevisEndpoints endpoints;
    std::unique_ptr<http::HttpsClient> client;
  };
  std::map<std::string, OrgClient> clients_;
};

}  // namespace sevisflow::uploader
