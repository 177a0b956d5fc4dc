#include "state.h"

#include <algorithm>
#include <charconv>

#include "sevisflow/common/clock.h"

namespace sevisflow::uploader {
namespace {

constexpr char kSuccess[] = "S0000";
constexpr char kNotProcessed[] = "S0030";
constexpr char kNeverSubmitted[] = "S0031";
constexpr char kGeneralFailure[] = "S0001";
constexpr char kInvalidUser[] = "S0003";

std::string Rfc3339(int64_t ms) {
  return common::FormatRfc3339(common::TimePoint(std::chrono::milliseconds(ms)));
}

bool Is2xx(int status) { return status >= 200 && status < 300; }

// The reason when an exchange gave no usable HTTP answer, or nullopt when it did.
std::optional<Decision> TransportProblem(const Reply& reply) {
  if (!reply.transport.ok()) {
    return Decision{Decision::Kind::kRetry, "",
                    "transport: " + std::string(reply.transport.message())};
  }
  if (!Is2xx(reply.http_status)) {
    return Decision{Decision::Kind::kRetry, "", "HTTP " + std::to_string(reply.http_status)};
  }
  return std::nullopt;
}

absl::Status ParseInt(const std::map<std::string, std::string>& fields, const char* name,
                      int64_t& out) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty()) {
    out = 0;
    return absl::OkStatus();
  }
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return absl::InvalidArgumentError(std::string("upload state field ") + name +
                                      " is not an integer");
  }
  return absl::OkStatus();
}

std::string Field(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

}  // namespace

std::string_view StateName(State state) {
  switch (state) {
    case State::kPending: return "PENDING";
    case State::kUploading: return "UPLOADING";
    case State::kUploaded: return "UPLOADED";
    case State::kDownloaded: return "DOWNLOADED";
    case State::kRejected: return "REJECTED";
    case State::kFailed: return "FAILED";
    case State::kCancelled: return "CANCELLED";
  }
  return "UNKNOWN";
}

std::optional<State> ParseState(std::string_view name) {
  for (State s : {State::kPending, State::kUploading, State::kUploaded, State::kDownloaded,
                  State::kRejected, State::kFailed, State::kCancelled}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsTerminal(State state) {
  return state == State::kDownloaded || state == State::kRejected || state == State::kFailed ||
         state == State::kCancelled;
}

std::string UploadKey(std::string_view org_id, std::string_view batch_id) {
  return "sf:upload:" + std::string(org_id) + ":" + std::string(batch_id);
}

std::string ActiveMember(std::string_view org_id, std::string_view batch_id) {
  return std::string(org_id) + ":" + std::string(batch_id);
}

std::optional<std::pair<std::string, std::string>> ParseActiveMember(std::string_view member) {
  size_t colon = member.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == member.size() ||
      member.find(':', colon + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::make_pair(std::string(member.substr(0, colon)),
                        std::string(member.substr(colon + 1)));
}

std::map<std::string, std::string> ToFields(const UploadRecord& r) {
  return {
      {"org_id", r.org_id},
      {"batch_id", r.batch_id},
      {"user_id", r.user_id},
      {"state", std::string(StateName(r.state))},
      {"version", std::to_string(r.version)},
      {"upload_attempts", std::to_string(r.upload_attempts)},
      {"download_attempts", std::to_string(r.download_attempts)},
      {"retries", std::to_string(r.retries)},
      {"upload_result_code", r.upload_result_code},
      {"download_result_code", r.download_result_code},
      {"next_attempt_ms", std::to_string(r.next_attempt_ms)},
      {"last_error", r.last_error},
      {"zip_sha256", r.zip_sha256},
      {"created_at", r.created_at},
      {"updated_at", r.updated_at},
      {"created_ms", std::to_string(r.created_ms)},
      {"rejection_pending", r.rejection_pending ? "1" : "0"},
  };
}

absl::StatusOr<UploadRecord> FromFields(const std::map<std::string, std::string>& fields) {
  UploadRecord r;
  std::string state = Field(fields, "state");
  auto parsed = ParseState(state);
  if (!parsed) {
    return absl::InvalidArgumentError("upload state field state has unknown value '" + state +
                                      "'");
  }
  r.state = *parsed;
  r.org_id = Field(fields, "org_id");
  r.batch_id = Field(fields, "batch_id");
  r.user_id = Field(fields, "user_id");
  r.upload_result_code = Field(fields, "upload_result_code");
  r.download_result_code = Field(fields, "download_result_code");
  r.last_error = Field(fields, "last_error");
  r.zip_sha256 = Field(fields, "zip_sha256");
  r.created_at = Field(fields, "created_at");
  r.updated_at = Field(fields, "updated_at");
  r.rejection_pending = Field(fields, "rejection_pending") == "1";
  int64_t v = 0;
  if (auto s = ParseInt(fields, "version", r.version); !s.ok()) return s;
  if (auto s = ParseInt(fields, "upload_attempts", v); !s.ok()) return s;
  r.upload_attempts = static_cast<int>(v);
  if (auto s = ParseInt(fields, "download_attempts", v); !s.ok()) return s;
  r.download_attempts = static_cast<int>(v);
  if (auto s = ParseInt(fields, "retries", v); !s.ok()) return s;
  r.retries = static_cast<int>(v);
  if (auto s = ParseInt(fields, "next_attempt_ms", r.next_attempt_ms); !s.ok()) return s;
  if (auto s = ParseInt(fields, "created_ms", r.created_ms); !s.ok()) return s;
  return r;
}

std::chrono::milliseconds ExponentialDelay(std::chrono::milliseconds base,
                                           std::chrono::milliseconds max, int attempt) {
  attempt = std::max(attempt, 1);
  auto delay = base;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

std::chrono::milliseconds Jittered(std::chrono::milliseconds delay, double jitter,
                                   double random_unit) {
  jitter = std::clamp(jitter, 0.0, 1.0);
  random_unit = std::clamp(random_unit, 0.0, 1.0);
  const double factor = 1.0 - jitter * (1.0 - random_unit);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(delay.count()) * factor));
}

UploadCodeClass ClassifyUploadCode(std::string_view code) {
  if (code == kSuccess) return UploadCodeClass::kAccepted;
  // S0001 "General upload/download failure" and S0003 "Invalid user ID" say nothing about the
  // document and may be transient (INTERFACE.md §4): try again, bounded by max attempts.
  if (code == kGeneralFailure || code == kInvalidUser) return UploadCodeClass::kRetryable;
  // S0002 (organisation) needs a config fix; S0010-S0013 need a new batch id.
  return UploadCodeClass::kTerminal;
}

bool NeedsWork(const UploadRecord& record) {
  return !IsTerminal(record.state) ||
         (record.state == State::kRejected && record.rejection_pending);
}

Action NextAction(const UploadRecord& record, int64_t now_ms) {
  if (!NeedsWork(record)) return Action::kNone;
  if (now_ms < record.next_attempt_ms) return Action::kWait;
  if (record.state == State::kRejected) return Action::kPublishRejection;
  switch (record.state) {
    case State::kPending: return Action::kUpload;
    // UPLOADING after a lost reply or a crash: the POST may have reached SEVIS. Never re-post
    // blindly: ask the download endpoint first (S0031 sends the batch back to PENDING).
    case State::kUploading: return Action::kPoll;
    case State::kUploaded: return Action::kPoll;
    default: return Action::kNone;
  }
}

std::string_view DecisionName(Decision::Kind kind) {
  switch (kind) {
    case Decision::Kind::kUploaded: return "uploaded";
    case Decision::Kind::kRejected: return "rejected";
    case Decision::Kind::kRetry: return "retry";
    case Decision::Kind::kNotYet: return "not_yet";
    case Decision::Kind::kResultReady: return "result_ready";
    case Decision::Kind::kUploadNow: return "upload_now";
    case Decision::Kind::kUploadFailed: return "upload_failed";
  }
  return "unknown";
}

Decision InterpretUploadReply(const Reply& reply) {
  if (auto problem = TransportProblem(reply)) return *problem;
  if (!reply.log.ok()) {
    // No readable log: we cannot tell whether SEVIS recorded the batch, so the next attempt
    // polls first (the state stays UPLOADING).
    return {Decision::Kind::kRetry, "", "upload reply is not a valid transaction log"};
  }
  if (!reply.log->upload.has_value()) {
    return {Decision::Kind::kRetry, "", "upload reply has no Upload result"};
  }
  const std::string& code = reply.log->upload->result_code;
  switch (ClassifyUploadCode(code)) {
    case UploadCodeClass::kAccepted: return {Decision::Kind::kUploaded, code, ""};
    case UploadCodeClass::kRetryable:
      return {Decision::Kind::kUploadFailed, code, "upload failed with " + code + ", retrying"};
    case UploadCodeClass::kTerminal: break;
  }
  // Any other upload code is final for this batch id (S0010 above all: never re-send a
  // duplicate). A corrected document goes out under a new batch id.
  return {Decision::Kind::kRejected, code, "upload rejected with " + code};
}

Decision InterpretDownloadReply(State state, const Reply& reply) {
  if (auto problem = TransportProblem(reply)) return *problem;
  if (reply.is_zip) return {Decision::Kind::kResultReady, kSuccess, ""};
  if (!reply.log.ok()) {
    return {Decision::Kind::kRetry, "", "download reply is neither a zip nor a valid log"};
  }
  const auto& code = reply.log->download_result_code;
  if (!code.has_value()) {
    return {Decision::Kind::kRetry, "", "download reply has no Download result"};
  }
  if (*code == kSuccess && reply.log->process.has_value()) {
    // A processed log sent bare instead of zipped (INTERFACE.md §6 leaves this open).
    return {Decision::Kind::kResultReady, *code, ""};
  }
  if (*code == kNotProcessed) return {Decision::Kind::kNotYet, *code, ""};
  if (*code == kNeverSubmitted) {
    if (state == State::kUploading) {
      return {Decision::Kind::kUploadNow, *code, "SEVIS never received the batch"};
    }
    // SEVIS accepted the upload earlier, so this is SEVIS's inconsistency: keep polling, loudly.
    return {Decision::Kind::kRetry, *code, "download says never submitted after an accepted upload"};
  }
  return {Decision::Kind::kRetry, *code, "download failed with " + *code};
}

UploadRecord Apply(UploadRecord r, const Decision& d, int64_t now_ms,
                   const BackoffPolicy& policy, double random_unit) {
  r.updated_at = Rfc3339(now_ms);
  auto retry_delay = [&](int attempt) {
    return Jittered(ExponentialDelay(policy.retry_interval, policy.retry_max_interval, attempt),
                    policy.jitter, random_unit)
        .count();
  };
  // A batch SEVIS has not accepted gives up after max_upload_attempts failures in a row.
  auto exhausted = [&] {
    return policy.max_upload_attempts > 0 && r.retries >= policy.max_upload_attempts &&
           (r.state == State::kPending || r.state == State::kUploading);
  };
  switch (d.kind) {
    case Decision::Kind::kUploaded:
      r.state = State::kUploaded;
      r.upload_result_code = d.code;
      r.retries = 0;
      r.last_error.clear();
      r.next_attempt_ms = now_ms + policy.poll_interval.count();
      break;
    case Decision::Kind::kRejected:
      r.state = State::kRejected;
      r.upload_result_code = d.code;
      r.last_error = d.reason;
      r.next_attempt_ms = 0;
      r.rejection_pending = true;
      break;
    case Decision::Kind::kRetry:
      ++r.retries;
      if (!d.code.empty() && r.state != State::kPending) r.download_result_code = d.code;
      r.last_error = d.reason;
      r.next_attempt_ms = now_ms + retry_delay(r.retries);
      if (exhausted()) {
        r.state = State::kFailed;
        r.next_attempt_ms = 0;
      }
      break;
    case Decision::Kind::kUploadFailed:
      // SEVIS answered but did not take the batch; it stays UPLOADING so that the next step
      // polls first and only S0031 allows another POST (never a blind re-send).
      ++r.retries;
      r.upload_result_code = d.code;
      r.last_error = d.reason;
      r.next_attempt_ms = now_ms + retry_delay(r.retries);
      if (exhausted()) {
        r.state = State::kFailed;
        r.next_attempt_ms = 0;
      }
      break;
    case Decision::Kind::kNotYet:
      // SEVIS holds the batch, so an UPLOADING one whose reply was lost did get through.
      if (r.state == State::kUploading) {
        r.state = State::kUploaded;
        if (r.upload_result_code.empty()) r.upload_result_code = kSuccess;
        r.retries = 0;
      }
      ++r.retries;
      r.download_result_code = d.code;
      r.last_error.clear();
      r.next_attempt_ms =
          now_ms + ExponentialDelay(policy.poll_interval, policy.max_interval, r.retries).count();
      break;
    case Decision::Kind::kResultReady:
      r.state = State::kDownloaded;
      if (r.upload_result_code.empty()) r.upload_result_code = kSuccess;
      r.download_result_code = d.code;
      r.retries = 0;
      r.last_error.clear();
      r.next_attempt_ms = 0;
      break;
    case Decision::Kind::kUploadNow:
      // Back to PENDING: the document is stored but SEVIS never got it. `retries` is kept so
      // that a POST failing again and again still backs off.
      r.state = State::kPending;
      r.download_result_code = d.code;
      r.last_error = d.reason;
      r.next_attempt_ms = now_ms;
      break;
  }
  return r;
}

UploadRecord BeginUpload(UploadRecord r, int64_t now_ms) {
  r.state = State::kUploading;
  ++r.upload_attempts;
  r.updated_at = Rfc3339(now_ms);
  return r;
}

UploadRecord CountDownloadAttempt(UploadRecord r) {
  ++r.download_attempts;
  return r;
}

}  // namespace sevisflow::uploader
