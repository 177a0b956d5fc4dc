#include "uploader.h"

#include <algorithm>
#include <utility>

#include "sevisflow/common/logging.h"
#include "sevisflow/docstore/docstore.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"
#include "zip_io.h"

namespace sevisflow::uploader {
namespace {

constexpr char kDocumentFile[] = "document.pb";
constexpr char kXmlFile[] = "batch.xml";
constexpr char kZipFile[] = "result.zip";
constexpr char kLogEntry[] = "sevis_transaction_log.xml";

// Creates the record and joins the active set unless the record exists: an existing state
// always wins (a re-published document must not restart a batch).
// KEYS[1] record, KEYS[2] active set; ARGV[1] active member; ARGV[2..] field/value pairs.
constexpr char kCreateScript[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SADD', KEYS[2], ARGV[1])
return 1
)lua";

// Compare-and-set on `version`.
// KEYS[1] record, KEYS[2] active set; ARGV[1] expected version, ARGV[2] active member,
// ARGV[3] '1' = stays active, '0' = leaves the set; ARGV[4..] field/value pairs.
constexpr char kSaveScript[] = R"lua(
local v = redis.call('HGET', KEYS[1], 'version')
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[2])
else redis.call('SREM', KEYS[2], ARGV[2]) end
return 1
)lua";

auto& Log() {
  static auto logger = common::Logger("uploader");
  return logger;
}

std::vector<std::string> FieldArgs(const UploadRecord& record) {
  std::vector<std::string> args;
  for (auto& [k, v] : ToFields(record)) {
    args.push_back(k);
    args.push_back(v);
  }
  return args;
}

bool ValidId(std::string_view id) {
  return !id.empty() && id.find_first_of(":/\\") == std::string_view::npos && id != "." &&
         id != "..";
}

}  // namespace

Uploader::Uploader(UploaderOptions options, redis::Client& redis, kafka::Producer& producer,
                   SevisGateway& gateway, const sevisxml::SchemaValidator& translog_validator,
                   const common::Clock& clock, common::MetricsRegistry& metrics)
    : options_(std::move(options)),
      redis_(redis),
      producer_(producer),
      gateway_(gateway),
      validator_(translog_validator),
      clock_(clock),
      metrics_(metrics),
      active_gauge_(metrics.GetGauge("sevisflow_uploader_active_batches",
                                     "Batches awaiting upload or results")) {}

int64_t Uploader::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             clock_.Now().time_since_epoch())
      .count();
}

void Uploader::RefreshActiveGauge(size_t active) {
  active_gauge_.Set(static_cast<double>(active));
}

bool Uploader::IsStuckNow(const UploadRecord& record) const {
  return IsStuck(record, NowMs(), options_.stuck_after);
}

double Uploader::RandomUnit() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

CircuitBreaker& Uploader::Breaker(const std::string& org_id) {
  return breakers_.try_emplace(org_id, options_.breaker).first->second;
}

CircuitBreaker::State Uploader::BreakerState(const std::string& org_id) const {
  std::lock_guard lock(breakers_mu_);
  auto it = breakers_.find(org_id);
  return it == breakers_.end() ? CircuitBreaker::State::kClosed : it->second.state();
}

absl::StatusOr<bool> Uploader::PassBreaker(UploadRecord& record) {
  const int64_t now = NowMs();
  std::unique_lock lock(breakers_mu_);
  CircuitBreaker& breaker = Breaker(record.org_id);
  const auto before = breaker.state();
  const bool allowed = breaker.Allow(now);
  const int64_t open_until = breaker.open_until_ms();
  metrics_
      .GetGauge("sevisflow_uploader_circuit_state",
                "Per-org SEVIS circuit breaker: 0 closed, 1 open, 2 half-open",
                {{"org", record.org_id}})
      .Set(static_cast<double>(breaker.state()));
  if (allowed) {
    if (before != breaker.state()) {
      Log()->info("org {}: circuit breaker half-open, batch {} is the trial request",
                  record.org_id, record.batch_id);
    }
    return true;
  }
  lock.unlock();
  const int64_t expected = record.version;
  UploadRecord next = record;
  next.next_attempt_ms = std::max(open_until, now + options_.backoff.retry_interval.count());
  auto saved = Save(next, expected);
  if (!saved.ok()) return saved.status();
  return false;
}

void Uploader::ReportToBreaker(const std::string& org_id, const Reply& reply) {
  std::lock_guard lock(breakers_mu_);
  CircuitBreaker& breaker = Breaker(org_id);
  const auto before = breaker.state();
  if (!reply.transport.ok() || reply.http_status >= 500) {
    breaker.OnFailure(NowMs());
  } else {
    breaker.OnSuccess();
  }
  metrics_
      .GetGauge("sevisflow_uploader_circuit_state",
                "Per-org SEVIS circuit breaker: 0 closed, 1 open, 2 half-open", {{"org", org_id}})
      .Set(static_cast<double>(breaker.state()));
  if (before != breaker.state()) {
    if (breaker.state() == CircuitBreaker::State::kOpen) {
      Log()->error("org {}: circuit breaker open after {} consecutive SEVIS failures; no "
                   "requests for {} ms",
                   org_id, breaker.consecutive_failures(), options_.breaker.cool_down.count());
    } else {
      Log()->info("org {}: circuit breaker {}", org_id, BreakerStateName(breaker.state()));
    }
  }
}

absl::Status Uploader::DeadLetter(const kafka::Message& message, std::string_view reason) {
  Log()->warn("batch record {} dead-lettered: {}", kafka::SourceOf(message), reason);
  metrics_
      .GetCounter("sevisflow_uploader_batches_received_total",
                  "sevis.batches records by outcome", {{"result", "dlq"}})
      .Inc();
  kafka::OutgoingMessage dead = kafka::MakeDeadLetter(message, reason);
  dead.topic = kafka::DlqTopicFor(kafka::kSevisBatches);
  return producer_.Send(dead);
}

absl::Status Uploader::Ingest(const kafka::Message& message) {
  v1::BatchDocument doc;
  if (message.is_tombstone || !doc.ParseFromString(message.value)) {
    return DeadLetter(message, "not a BatchDocument");
  }
  if (doc.batch_id().size() != 14 || !ValidId(doc.batch_id())) {
    return DeadLetter(message, "batch_id must be 14 characters without ':' '/' '\\'");
  }
  if (!ValidId(doc.org_id())) return DeadLetter(message, "org_id missing or invalid");
  if (doc.xml().empty()) return DeadLetter(message, "document has no XML");

  const std::string key = UploadKey(doc.org_id(), doc.batch_id());
  auto exists = redis_.Command({"EXISTS", key});
  if (!exists.ok()) return exists.status();
  if (exists->integer == 1) {
    Log()->info("batch {} of {} already known: ignored (an existing state wins)",
                doc.batch_id(), doc.org_id());
    metrics_
        .GetCounter("sevisflow_uploader_batches_received_total",
                    "sevis.batches records by outcome", {{"result", "duplicate"}})
        .Inc();
    return absl::OkStatus();
  }

  const std::string dir = docstore::BatchDir(doc.org_id(), doc.batch_id());
  if (auto s = docstore::WriteFileAtomic(options_.docstore_root, dir + "/" + kXmlFile, doc.xml());
      !s.ok()) {
    return s;
  }
  if (auto s = docstore::WriteFileAtomic(options_.docstore_root, dir + "/" + kDocumentFile,
                                         doc.SerializeAsString());
      !s.ok()) {
    return s;
  }

  UploadRecord record;
  record.org_id = doc.org_id();
  record.batch_id = doc.batch_id();
  auto configured = options_.user_ids.find(doc.org_id());
  record.user_id = configured != options_.user_ids.end() && !configured->second.empty()
                       ? configured->second
                       : doc.user_id();
  record.state = State::kPending;
  record.version = 1;
  record.next_attempt_ms = NowMs();
  record.created_ms = record.next_attempt_ms;
  record.created_at = common::FormatRfc3339(clock_.Now());
  record.updated_at = record.created_at;
  std::vector<std::string> args = {ActiveMember(doc.org_id(), doc.batch_id())};
  for (auto& a : FieldArgs(record)) args.push_back(std::move(a));
  auto created = redis_.Eval(kCreateScript, {key, kActiveSetKey}, args);
  if (!created.ok()) return created.status();
  const bool is_new = created->integer == 1;
  metrics_
      .GetCounter("sevisflow_uploader_batches_received_total",
                  "sevis.batches records by outcome", {{"result", is_new ? "new" : "duplicate"}})
      .Inc();
  Log()->info("batch {} of {} stored ({} records){}", doc.batch_id(), doc.org_id(),
              doc.records_size(), is_new ? ", PENDING" : ": already known");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<UploadRecord>> Uploader::Load(const std::string& org_id,
                                                           const std::string& batch_id) {
  auto fields = redis_.HGetAll(UploadKey(org_id, batch_id));
  if (!fields.ok()) return fields.status();
  if (fields->empty()) return std::optional<UploadRecord>();
  auto record = FromFields(*fields);
  if (!record.ok()) return record.status();
  return std::optional<UploadRecord>(std::move(*record));
}

absl::StatusOr<bool> Uploader::Save(UploadRecord& next, int64_t expected_version) {
  next.version = expected_version + 1;
  std::vector<std::string> args = {std::to_string(expected_version),
                                   ActiveMember(next.org_id, next.batch_id),
                                   NeedsWork(next) ? "1" : "0"};
  for (auto& a : FieldArgs(next)) args.push_back(std::move(a));
  auto saved = redis_.Eval(kSaveScript, {UploadKey(next.org_id, next.batch_id), kActiveSetKey},
                           args);
  if (!saved.ok()) return saved.status();
  if (saved->integer != 1) {
    Log()->info("batch {} of {} changed under us: step skipped", next.batch_id, next.org_id);
  }
  return saved->integer == 1;
}

absl::StatusOr<v1::BatchDocument> Uploader::LoadDocument(const UploadRecord& record) {
  const std::string path =
      docstore::BatchDir(record.org_id, record.batch_id) + "/" + kDocumentFile;
  auto bytes = docstore::ReadFile(options_.docstore_root, path);
  if (!bytes.ok()) return bytes.status();
  v1::BatchDocument doc;
  if (!doc.ParseFromString(*bytes)) {
    return absl::DataLossError("stored document of batch " + record.batch_id + " is corrupt");
  }
  return doc;
}

Reply Uploader::ToReply(const absl::StatusOr<http::Response>& response) const {
  Reply reply;
  if (!response.ok()) {
    reply.transport = response.status();
    return reply;
  }
  reply.http_status = static_cast<int>(response->status);
  reply.is_zip = response->body.size() >= 2 && response->body[0] == 'P' &&
                 response->body[1] == 'K';
  if (!reply.is_zip && reply.http_status >= 200 && reply.http_status < 300) {
    reply.log = sevisxml::ParseTransactionLog(response->body, &validator_);
  }
  return reply;
}

absl::Status Uploader::Step(const std::string& org_id, const std::string& batch_id) {
  auto loaded = Load(org_id, batch_id);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->has_value()) {
    // A member without a record (deleted by an operator): drop it from the set.
    auto removed = redis_.Command({"SREM", kActiveSetKey, ActiveMember(org_id, batch_id)});
    return removed.status();
  }
  UploadRecord record = std::move(**loaded);
  switch (NextAction(record, NowMs())) {
    case Action::kNone: {
      auto removed = redis_.Command({"SREM", kActiveSetKey, ActiveMember(org_id, batch_id)});
      return removed.status();
    }
    case Action::kWait: return absl::OkStatus();
    case Action::kUpload: return DoUpload(std::move(record));
    case Action::kPoll: return DoPoll(std::move(record));
    case Action::kPublishRejection: return DoPublishRejection(std::move(record));
  }
  return absl::OkStatus();
}

absl::Status Uploader::DoUpload(UploadRecord record) {
  const int64_t expected = record.version;
  if (!gateway_.HasOrg(record.org_id)) {
    UploadRecord next = Apply(record,
                              {Decision::Kind::kRetry, "", "no credentials configured for org"},
                              NowMs(), options_.backoff);
    Log()->error("batch {}: no credentials configured for org {}", record.batch_id,
                 record.org_id);
    return Save(next, expected).status();
  }
  auto doc = LoadDocument(record);
  if (!doc.ok()) {
    UploadRecord next = Apply(record, {Decision::Kind::kRetry, "", std::string(doc.status().message())},
                              NowMs(), options_.backoff);
    Log()->error("batch {}: {}", record.batch_id, std::string(doc.status().message()));
    return Save(next, expected).status();
  }
  auto passed = PassBreaker(record);
  if (!passed.ok() || !*passed) return passed.status();
  // UPLOADING is durable before the POST: a crash from here on never re-posts blindly.
  UploadRecord uploading = BeginUpload(record, NowMs());
  auto claimed = Save(uploading, expected);
  if (!claimed.ok()) return claimed.status();
  if (!*claimed) return absl::OkStatus();

  Log()->info("batch {} of {}: upload attempt {}", record.batch_id, record.org_id,
              uploading.upload_attempts);
  Reply reply = ToReply(gateway_.Upload(record.org_id, record.batch_id, record.user_id,
                                        doc->xml()));
  ReportToBreaker(record.org_id, reply);
  Decision decision = InterpretUploadReply(reply);
  UploadRecord next = Apply(uploading, decision, NowMs(), options_.backoff, RandomUnit());
  metrics_
      .GetCounter("sevisflow_uploader_uploads_total", "Upload POSTs by SEVIS result code",
                  {{"code", decision.code.empty() ? "none" : decision.code}})
      .Inc();
  if (decision.kind == Decision::Kind::kRejected && decision.code == "S0010") {
    // SEVIS already holds a batch with this id: never re-sent. Either another system used the
    // id or our state was lost; an operator must find out which (results come for the other).
    metrics_
        .GetCounter("sevisflow_uploader_duplicate_batch_ids_total",
                    "Uploads refused by SEVIS with S0010 (batch id already used)",
                    {{"org", record.org_id}})
        .Inc();
    Log()->error("batch {} of {} refused with S0010 (batch id already used): terminal, never "
                 "re-sent; check which document SEVIS holds under this id",
                 record.batch_id, record.org_id);
  } else if (decision.kind == Decision::Kind::kRejected) {
    Log()->error("batch {} of {} rejected by SEVIS with {} (terminal; resend under a new "
                 "batch id)",
                 record.batch_id, record.org_id, decision.code);
  } else if (next.state == State::kFailed) {
    CountFailed(record.org_id);
    Log()->error("batch {} of {}: upload failed ({}) {} times in a row: FAILED (an operator "
                 "may retry it)",
                 record.batch_id, record.org_id, decision.reason, next.retries);
  } else if (decision.kind == Decision::Kind::kRetry ||
             decision.kind == Decision::Kind::kUploadFailed) {
    Log()->warn("batch {} of {}: upload failed ({}), next step in {} ms", record.batch_id,
                record.org_id, decision.reason, next.next_attempt_ms - NowMs());
  } else {
    Log()->info("batch {} of {}: upload accepted ({})", record.batch_id, record.org_id,
                decision.code);
  }
  return Save(next, uploading.version).status();
}

absl::StatusOr<std::string> Uploader::PublishResult(const UploadRecord& record, std::string zip,
                                                    const std::string& upload_code) {
  auto doc = LoadDocument(record);
  if (!doc.ok()) return doc.status();
  const std::string zip_path = docstore::BatchDir(record.org_id, record.batch_id) + "/" + kZipFile;
  if (auto s = docstore::WriteFileAtomic(options_.docstore_root, zip_path, zip); !s.ok()) {
    return s;
  }
  const std::string sha = docstore::Sha256Hex(zip);
  v1::BatchResult result;
  result.set_batch_id(record.batch_id);
  result.set_org_id(record.org_id);
  result.set_upload_result_code(upload_code);
  result.set_download_result_code("S0000");
  result.set_zip_path(zip_path);
  result.set_zip_sha256(sha);
  result.set_fetched_at(common::FormatRfc3339(clock_.Now()));
  *result.mutable_records() = doc->records();
  result.set_user_id(record.user_id);
  if (auto s = producer_.Send(kafka::kSevisResults, record.org_id, result.SerializeAsString());
      !s.ok()) {
    return s;
  }
  return sha;
}

void Uploader::CountFailed(const std::string& org_id) {
  metrics_
      .GetCounter("sevisflow_uploader_failed_batches_total",
                  "Batches given up after max_upload_attempts without a SEVIS verdict (their "
                  "alerts stay held until an operator retries them)",
                  {{"org", org_id}})
      .Inc();
}

absl::Status Uploader::DoPublishRejection(UploadRecord record) {
  const int64_t expected = record.version;
  auto doc = LoadDocument(record);
  absl::Status sent = doc.status();
  if (doc.ok()) {
    // No zip: the importer reads the upload code and returns every alert to review with it.
    v1::BatchResult result;
    result.set_batch_id(record.batch_id);
    result.set_org_id(record.org_id);
    result.set_upload_result_code(record.upload_result_code);
    result.set_fetched_at(common::FormatRfc3339(clock_.Now()));
    *result.mutable_records() = doc->records();
    result.set_user_id(record.user_id);
    sent = producer_.Send(kafka::kSevisResults, record.org_id, result.SerializeAsString());
  }
  if (!sent.ok()) {
    ++record.retries;
    record.next_attempt_ms =
        NowMs() + ExponentialDelay(options_.backoff.retry_interval,
                                   options_.backoff.retry_max_interval, record.retries)
                      .count();
    Log()->warn("batch {} of {}: rejection not published yet: {}", record.batch_id,
                record.org_id, std::string(sent.message()));
    return Save(record, expected).status();
  }
  record.rejection_pending = false;
  record.retries = 0;
  Log()->info("batch {} of {}: rejection {} published; its {} records go back to review",
              record.batch_id, record.org_id, record.upload_result_code,
              doc->records_size());
  return Save(record, expected).status();
}

absl::Status Uploader::DoPoll(UploadRecord record) {
  const int64_t expected = record.version;
  if (!gateway_.HasOrg(record.org_id)) {
    UploadRecord next = Apply(record,
                              {Decision::Kind::kRetry, "", "no credentials configured for org"},
                              NowMs(), options_.backoff);
    return Save(next, expected).status();
  }
  auto passed = PassBreaker(record);
  if (!passed.ok() || !*passed) return passed.status();
  auto response = gateway_.Download(record.org_id, record.batch_id, record.user_id);
  Reply reply = ToReply(response);
  ReportToBreaker(record.org_id, reply);
  Decision decision = InterpretDownloadReply(record.state, reply);
  if (decision.kind == Decision::Kind::kResultReady && reply.is_zip) {
    // A zip cut short or damaged in transit is fetched again, never published: the importer
    // could not read it and SEVIS keeps the result for later downloads.
    if (absl::Status zip_ok = CheckZip(response->body, kLogEntry); !zip_ok.ok()) {
      Log()->warn("batch {} of {}: {}; downloading again", record.batch_id, record.org_id,
                  std::string(zip_ok.message()));
      decision = {Decision::Kind::kRetry, "", std::string(zip_ok.message())};
    }
  }
  record = CountDownloadAttempt(std::move(record));
  metrics_
      .GetCounter("sevisflow_uploader_download_polls_total", "Download polls by outcome",
                  {{"result", std::string(DecisionName(decision.kind))}})
      .Inc();

  if (decision.kind == Decision::Kind::kResultReady) {
    std::string zip = reply.is_zip ? response->body : std::string();
    if (!reply.is_zip) {
      auto wrapped = ZipSingleEntry(kLogEntry, response->body);
      if (!wrapped.ok()) return wrapped.status();
      zip = std::move(*wrapped);
    }
    std::string upload_code = record.upload_result_code.empty() ? "S0000"
                                                                : record.upload_result_code;
    auto sha = PublishResult(record, std::move(zip), upload_code);
    if (!sha.ok()) {
      Log()->warn("batch {} of {}: result not stored/published yet: {}", record.batch_id,
                  record.org_id, std::string(sha.status().message()));
      decision = {Decision::Kind::kRetry, "", "result not stored or published"};
    } else {
      record.zip_sha256 = *sha;
      Log()->info("batch {} of {}: result downloaded and published", record.batch_id,
                  record.org_id);
    }
  } else if (decision.kind == Decision::Kind::kUploadNow) {
    Log()->warn("batch {} of {}: SEVIS never received it (S0031): uploading again",
                record.batch_id, record.org_id);
  } else if (decision.kind == Decision::Kind::kRetry) {
    Log()->warn("batch {} of {}: download poll failed ({})", record.batch_id, record.org_id,
                decision.reason);
  }
  UploadRecord next = Apply(record, decision, NowMs(), options_.backoff, RandomUnit());
  if (next.state == State::kFailed) {
    CountFailed(record.org_id);
    Log()->error("batch {} of {}: no verdict from SEVIS after {} attempts in a row: FAILED (an "
                 "operator may retry it)",
                 record.batch_id, record.org_id, next.retries);
  }
  return Save(next, expected).status();
}

absl::StatusOr<std::chrono::milliseconds> Uploader::RunOnce(std::chrono::milliseconds max_wait) {
  auto members = redis_.Command({"SMEMBERS", kActiveSetKey});
  if (!members.ok()) return members.status();
  RefreshActiveGauge(members->elements.size());
  int64_t earliest = NowMs() + max_wait.count();
  std::vector<UploadRecord> still_active;
  for (const auto& m : members->elements) {
    auto ids = ParseActiveMember(m.str);
    if (!ids) continue;
    // A failed step (Redis or disk trouble) is retried on the next pass; the others go on.
    // (It still counts for the stuck gauge, so that the gauge does not flicker.)
    const absl::Status stepped = Step(ids->first, ids->second);
    if (!stepped.ok()) {
      Log()->warn("batch {} of {}: step failed: {}", ids->second, ids->first,
                  std::string(stepped.message()));
    }
    auto after = Load(ids->first, ids->second);
    if (after.ok() && after->has_value() && NeedsWork(**after)) {
      if (stepped.ok()) earliest = std::min(earliest, (*after)->next_attempt_ms);
      still_active.push_back(**after);
    }
  }
  RefreshStuck(still_active);
  return std::chrono::milliseconds(std::max<int64_t>(0, earliest - NowMs()));
}

void Uploader::RefreshStuck(const std::vector<UploadRecord>& active) {
  const int64_t now = NowMs();
  std::map<std::string, int> per_org;
  std::set<std::string> stuck_now;
  for (const auto& r : active) {
    if (!IsStuck(r, now, options_.stuck_after)) continue;
    ++per_org[r.org_id];
    const std::string member = ActiveMember(r.org_id, r.batch_id);
    stuck_now.insert(member);
    if (!stuck_batches_.count(member)) {
      Log()->error("batch {} of {} is stuck: no result {} s after ingest (state {}, {} upload "
                   "and {} download attempts, last: {})",
                   r.batch_id, r.org_id, (now - r.created_ms) / 1000, StateName(r.state),
                   r.upload_attempts, r.download_attempts,
                   r.last_error.empty() ? r.download_result_code : r.last_error);
    }
  }
  for (const auto& member : stuck_batches_) {
    if (!stuck_now.count(member)) Log()->info("batch {} is no longer stuck", member);
  }
  stuck_batches_ = std::move(stuck_now);
  for (const auto& [org, n] : per_org) stuck_orgs_.insert(org);
  for (const auto& org : stuck_orgs_) {
    auto it = per_org.find(org);
    metrics_
        .GetGauge("sevisflow_uploader_stuck_batches",
                  "Active batches without a SEVIS result after uploader.stuck_after_seconds",
                  {{"org", org}})
        .Set(it == per_org.end() ? 0.0 : static_cast<double>(it->second));
  }
}

absl::StatusOr<UploadRecord> Uploader::OperatorAction(
    const std::string& org_id, const std::string& batch_id,
    absl::StatusOr<UploadRecord> (*plan)(UploadRecord, int64_t), std::string_view what) {
  if (!ValidId(org_id) || !ValidId(batch_id)) {
    return absl::InvalidArgumentError("org_id and batch_id are required");
  }
  auto loaded = Load(org_id, batch_id);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->has_value()) {
    return absl::NotFoundError("no batch " + batch_id + " of org " + org_id);
  }
  const int64_t expected = (*loaded)->version;
  auto next = plan(std::move(**loaded), NowMs());
  if (!next.ok()) return next.status();
  auto saved = Save(*next, expected);
  if (!saved.ok()) return saved.status();
  if (!*saved) return absl::AbortedError("batch " + batch_id + " changed meanwhile; try again");
  Log()->warn("batch {} of {}: {} by operator, now {}", batch_id, org_id, what,
              StateName(next->state));
  return *next;
}

absl::StatusOr<UploadRecord> Uploader::Retry(const std::string& org_id,
                                             const std::string& batch_id) {
  return OperatorAction(org_id, batch_id, &PlanRetry, "retried");
}

absl::StatusOr<UploadRecord> Uploader::Cancel(const std::string& org_id,
                                              const std::string& batch_id) {
  return OperatorAction(org_id, batch_id, &PlanCancel, "cancelled");
}

absl::StatusOr<std::vector<UploadRecord>> Uploader::List(const std::string& org_id) {
  const std::string pattern =
      org_id.empty() ? std::string("sf:upload:*") : UploadKey(org_id, "*");
  std::vector<UploadRecord> out;
  std::string cursor = "0";
  do {
    auto reply = redis_.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "500"});
    if (!reply.ok()) return reply.status();
    if (reply->elements.size() != 2) return absl::InternalError("unexpected SCAN reply");
    cursor = reply->elements[0].str;
    for (const auto& key : reply->elements[1].elements) {
      auto fields = redis_.HGetAll(key.str);
      if (!fields.ok()) return fields.status();
      if (fields->empty()) continue;
      auto record = FromFields(*fields);
      if (record.ok()) out.push_back(std::move(*record));
    }
  } while (cursor != "0");
  std::sort(out.begin(), out.end(), [](const UploadRecord& a, const UploadRecord& b) {
    return std::tie(a.org_id, a.batch_id) < std::tie(b.org_id, b.batch_id);
  });
  return out;
}

void HttpsSevisGateway::AddOrg(const std::string& org_id, SevisEndpoints endpoints,
                               http::TlsOptions tls, http::Timeouts timeouts) {
  clients_[org_id] = OrgClient{std::move(endpoints),
                               std::make_unique<http::HttpsClient>(std::move(tls), timeouts)};
}

bool HttpsSevisGateway::HasOrg(const std::string& org_id) const {
  return clients_.count(org_id) > 0;
}

absl::StatusOr<http::Response> HttpsSevisGateway::Upload(const std::string& org_id,
                                                         const std::string& batch_id,
                                                         const std::string& user_id,
                                                         const std::string& xml) {
  auto it = clients_.find(org_id);
  if (it == clients_.end()) return absl::FailedPreconditionError("no credentials for org");
  // A short plain file name: SEVIS echoes it in Upload/FileName (at most 30 characters).
  std::vector<http::FormField> fields = {
      {"orgid", org_id, std::nullopt, ""},
      {"batchid", batch_id, std::nullopt, ""},
      {"userid", user_id, std::nullopt, ""},
      {"xml", xml, batch_id + ".xml", "text/xml"},
  };
  return it->second.client->PostMultipart(it->second.endpoints.upload_url, fields);
}

absl::StatusOr<http::Response> HttpsSevisGateway::Download(const std::string& org_id,
                                                           const std::string& batch_id,
                                                           const std::string& user_id) {
  auto it = clients_.find(org_id);
  if (it == clients_.end()) return absl::FailedPreconditionError("no credentials for org");
  return it->second.client->Get(it->second.endpoints.download_url,
                                {{"orgid", org_id}, {"batchid", batch_id}, {"userid", user_id}});
}

}  // namespace sevisflow::uploader
