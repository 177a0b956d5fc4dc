#pragma once
// The exactly-once upload state machine of docs/architecture.md, as pure decisions: what to do
// next with a batch, and what an upload or download reply means. No I/O here; the Uploader
// (uploader.h) performs the HTTP calls, Redis writes and Kafka sends these functions decide.
//
//   PENDING --(set UPLOADING, POST)--> UPLOADING --S0000--> UPLOADED --zip--> DOWNLOADED
//                                          |  \--other code--> REJECTED (terminal, never re-sent;
//                                          |      its alerts go back to review through a
//                                          |      BatchResult with the code and no zip)
//                                          |
//                 no reply / 5xx / crash: stays UPLOADING; the next attempt POLLS the download
//                 endpoint first and only S0031 ("never submitted") allows another POST.
//   S0001/S0003 upload replies: as "no reply" (the code kept in upload_result_code).
//   PENDING/UPLOADING after max_upload_attempts failures in a row: FAILED. An operator may
//   cancel a never-posted PENDING batch (CANCELLED) or retry a FAILED one (resilience.h).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/sevisxml/transaction_log.h"

namespace sevisflow::uploader {

// FAILED: upload attempts exhausted without a SEVIS verdict (an operator may retry it; it then
// polls before any POST). CANCELLED: stopped by an operator before any POST.
enum class State { kPending, kUploading, kUploaded, kDownloaded, kRejected, kFailed, kCancelled };

std::string_view StateName(State state);
std::optional<State> ParseState(std::string_view name);
// DOWNLOADED, REJECTED, FAILED, CANCELLED: nothing more is sent to SEVIS for the batch.
bool IsTerminal(State state);

// Redis keys (docs/architecture.md, "Redis keys").
inline constexpr char kActiveSetKey[] = "sf:uploads:active";
std::string UploadKey(std::string_view org_id, std::string_view batch_id);  // sf:upload:<org>:<id>
std::string ActiveMember(std::string_view org_id, std::string_view batch_id);  // <org>:<id>
// Splits "<org>:<batch_id>" (org ids never contain ':'); nullopt when malformed.
std::optional<std::pair<std::string, std::string>> ParseActiveMember(std::string_view member);

// The Redis hash sf:upload:<org>:<batch_id>. `version` grows on every write so that writers
// can compare-and-set (two uploader replicas never both POST the same batch).
struct UploadRecord {
  std::string org_id;
  std::string batch_id;
  std::string user_id;           // the SEVIS user id sent in the form
  State state = State::kPending;
  int64_t version = 0;
  int upload_attempts = 0;       // POSTs started
  int download_attempts = 0;     // download GETs made
  int retries = 0;               // consecutive failed or not-yet attempts (drives the backoff)
  std::string upload_result_code;
  std::string download_result_code;
  int64_t next_attempt_ms = 0;   // Unix ms; nothing is tried before
  std::string last_error;        // ids and codes only, never personal data
  std::string zip_sha256;
  std::string created_at;        // RFC 3339
  std::string updated_at;        // RFC 3339
  int64_t created_ms = 0;        // Unix ms of ingest (stuck-batch age); 0 in older records
  // REJECTED, and the rejection not yet acknowledged on sevis.results: the worker keeps the
  // batch active until it is (the importer then returns every alert to review).
  bool rejection_pending = false;

  bool operator==(const UploadRecord&) const = default;
};

// Whether the worker still has something to do: not terminal, or a rejection to publish.
bool NeedsWork(const UploadRecord& record);

std::map<std::string, std::string> ToFields(const UploadRecord& record);
// InvalidArgument naming the field for an unknown state or a non-numeric counter.
absl::StatusOr<UploadRecord> FromFields(const std::map<std::string, std::string>& fields);

struct BackoffPolicy {
  std::chrono::milliseconds poll_interval{std::chrono::seconds(60)};   // first download poll
  std::chrono::milliseconds retry_interval{std::chrono::seconds(1)};   // first transport retry
  std::chrono::milliseconds max_interval{std::chrono::seconds(3600)};  // cap of polls
  std::chrono::milliseconds retry_max_interval{std::chrono::seconds(300)};  // cap of retries
  // Consecutive failed upload attempts (no SEVIS verdict, or S0001) before a batch that SEVIS
  // has not accepted becomes FAILED; 0 = never.
  int max_upload_attempts = 10;
  // Fraction of each retry delay taken away at random (0: none, 0.5: delay in [d/2, d]).
  double jitter = 0.2;
};

// `delay` less up to `jitter` of it, by `random_unit` in [0, 1] (1: the full delay).
std::chrono::milliseconds Jittered(std::chrono::milliseconds delay, double jitter,
                                   double random_unit);

// How an upload reply code is handled (docs/rule-decisions: decisions-upload.md).
enum class UploadCodeClass { kAccepted, kRetryable, kTerminal };
UploadCodeClass ClassifyUploadCode(std::string_view code);

// base * 2^(attempt-1), capped at max (attempt >= 1; smaller values count as 1).
std::chrono::milliseconds ExponentialDelay(std::chrono::milliseconds base,
                                           std::chrono::milliseconds max, int attempt);

enum class Action {
  kNone,    // terminal: nothing to do
  kWait,    // not due yet (next_attempt_ms in the future)
  kUpload,  // PENDING: set UPLOADING, then POST
  kPoll,    // UPLOADING (possibly never reached SEVIS) or UPLOADED: GET the download endpoint
  kPublishRejection,  // REJECTED with rejection_pending: publish the zip-less BatchResult
};
Action NextAction(const UploadRecord& record, int64_t now_ms);

// An HTTP exchange with SEVIS, reduced to what the decisions need.
struct Reply {
  absl::Status transport;  // not OK: no HTTP answer (connect, TLS, timeout)
  int http_status = 0;
  bool is_zip = false;     // body starts with "PK"
  // The body parsed as a TransactionLog (validated with SevisTransLog.xsd) when it is not a zip.
  absl::StatusOr<sevisxml::TransactionLog> log = absl::UnknownError("no log");
};

struct Decision {
  enum class Kind {
    kUploaded,     // upload reply S0000 (or SEVIS knows the batch): UPLOADED, poll later
    kRejected,     // upload reply with another code: REJECTED, terminal
    kRetry,        // no usable answer: keep the state, back off, try again
    kNotYet,       // download S0030: not processed yet, poll later with backoff
    kResultReady,  // download returned the zip: store it, publish, DOWNLOADED
    kUploadNow,    // download S0031 for an UPLOADING batch: it never reached SEVIS, POST now
    kUploadFailed, // upload reply with a "try again" code (S0001/S0003): stay UPLOADING, back off,
                   // poll first (S0031 then allows the next POST)
  };
  Kind kind = Kind::kRetry;
  std::string code;    // the SEVIS result code behind the decision, if any
  std::string reason;  // for logs and last_error (no personal data)
};
std::string_view DecisionName(Decision::Kind kind);

Decision InterpretUploadReply(const Reply& reply);
Decision InterpretDownloadReply(State state, const Reply& reply);

// The record after `decision` was carried out at now_ms (kResultReady: after the zip is stored
// and sevis.results acknowledged). kUploadNow leaves it due at once for the next POST.
// Retry delays are Jittered by `random_unit`. A retry of a batch SEVIS has not accepted
// (PENDING/UPLOADING) after policy.max_upload_attempts consecutive failures gives FAILED.
UploadRecord Apply(UploadRecord record, const Decision& decision, int64_t now_ms,
                   const BackoffPolicy& policy, double random_unit = 1.0);

// The record just before a POST: UPLOADING, one more upload attempt.
UploadRecord BeginUpload(UploadRecord record, int64_t now_ms);

// The record after a download GET was made (counts it).
UploadRecord CountDownloadAttempt(UploadRecord record);

}  // namespace sevisflow::uploader
