#include "importer.h"

#include <algorithm>

#include "apply.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/docstore/docstore.h"
#include "sevisflow/kafka/dlq.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/redis/packed.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/batch.pb.h"
#include "zip_io.h"

namespace sevisflow::importer {
namespace {

auto& Log() {
  static auto logger = common::Logger("importer");
  return logger;
}

}  // namespace

std::string ImportedKey(std::string_view org_id, std::string_view batch_id) {
  return "sf:imported:" + std::string(org_id) + ":" + std::string(batch_id);
}

absl::StatusOr<std::map<std::string, v1::MasterRecord>> Importer::CurrentRows(
    const v1::BatchResult& result) {
  // Persons with an update in the batch (a create starts a new row and needs none).
  std::vector<std::string> persons;
  for (const auto& rec : result.records()) {
    const v1::EventType event =
        rec.event_type() != v1::EVENT_TYPE_UNSPECIFIED ? rec.event_type()
                                                       : rec.alert().event_type();
    if (event == v1::EVENT_TYPE_CREATE_STUDENT || event == v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) {
      continue;
    }
    if (std::find(persons.begin(), persons.end(), rec.person_id()) == persons.end()) {
      persons.push_back(rec.person_id());
    }
  }
  std::map<std::string, v1::MasterRecord> rows;
  if (persons.empty()) return rows;
  // Per person: this importer's own view first (always as new as what it published), then the
  // detector's view of sevis.master (rows published before the own view existed).
  std::vector<std::vector<std::string>> commands;
  for (const auto& person : persons) {
    commands.push_back({"GET", ImporterMasterKey(result.org_id(), person)});
    commands.push_back({"GET", "sf:master:" + MasterKey(result.org_id(), person)});
  }
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  if (replies->size() != commands.size()) return absl::InternalError("short Redis pipeline reply");
  for (size_t i = 0; i < persons.size(); ++i) {
    for (const redis::Reply* reply : {&(*replies)[2 * i], &(*replies)[2 * i + 1]}) {
      if (reply->is_error()) return absl::UnavailableError("Redis error reading a master row");
      if (reply->type != redis::Reply::Type::kString) continue;
      v1::MasterRecord row;
      absl::StatusOr<std::string> bytes = redis::Unpack(reply->str);
      if (!bytes.ok() || !row.ParseFromString(*bytes)) {
        return absl::DataLossError("master view entry is not a MasterRecord");
      }
      if (row.deleted()) continue;
      rows.emplace(MasterKey(result.org_id(), persons[i]), std::move(row));
      break;
    }
  }
  return rows;
}

Importer::Importer(ImporterOptions options, redis::Client& redis, kafka::Producer& producer,
                   const sevisxml::SchemaValidator& translog_validator,
                   const common::Clock& clock, common::MetricsRegistry& metrics)
    : options_(std::move(options)),
      redis_(redis),
      producer_(producer),
      validator_(translog_validator),
      clock_(clock),
      metrics_(metrics) {}

absl::Status Importer::DeadLetter(const kafka::Message& message, std::string_view reason) {
  Log()->warn("result record {} dead-lettered: {}", kafka::SourceOf(message), reason);
  metrics_.GetCounter("sevisflow_importer_imports_total", "sevis.results records by outcome",
                      {{"result", "dlq"}})
      .Inc();
  return producer_.Send(kafka::MakeDeadLetter(message, reason));
}

absl::Status Importer::Handle(const kafka::Message& message) {
  v1::BatchResult result;
  if (message.is_tombstone || !result.ParseFromString(message.value)) {
    return DeadLetter(message, "not a BatchResult");
  }
  if (!IsSafePathComponent(result.batch_id()) || !IsSafePathComponent(result.org_id())) {
    return DeadLetter(message, "batch_id or org_id missing or invalid");
  }
  auto done = redis_.Get(ImportedKey(result.org_id(), result.batch_id()));
  if (!done.ok()) return done.status();
  if (done->has_value()) {
    Log()->info("batch {} already imported: nothing to do", result.batch_id());
    metrics_.GetCounter("sevisflow_importer_imports_total", "sevis.results records by outcome",
                        {{"result", "duplicate"}})
        .Inc();
    return absl::OkStatus();
  }
  if (result.zip_path().empty()) {
    // No result zip: only a batch SEVIS refused as a whole (e.g. an S0013 upload reply) has
    // something to import: every alert goes back to review with the code.
    std::optional<BatchFailure> failure = FindBatchFailure(nullptr, result);
    if (!failure || failure->kind != BatchFailure::Kind::kFailed) {
      return DeadLetter(message, "no result zip and no batch-level failure code");
    }
    return Publish(result, PlanBatchFailure(*failure, result, options_.result_codes), {}, {});
  }
  if (!docstore::IsSafeRelativePath(result.zip_path())) {
    return DeadLetter(message, "zip_path is not a safe relative path");
  }
  auto zip = docstore::ReadFile(options_.docstore_root, result.zip_path());
  if (!zip.ok()) {
    if (zip.status().code() == absl::StatusCode::kNotFound) {
      return DeadLetter(message, "result zip not found in the document store");
    }
    return zip.status();
  }
  if (!result.zip_sha256().empty() && docstore::Sha256Hex(*zip) != result.zip_sha256()) {
    return DeadLetter(message, "result zip does not match its sha256");
  }
  auto entries = ReadZipEntries(*zip);
  if (!entries.ok()) return DeadLetter(message, std::string(entries.status().message()));
  auto log_entry = entries->find(kLogEntryName);
  if (log_entry == entries->end()) {
    return DeadLetter(message, "zip has no sevis_transaction_log.xml");
  }
  auto log = sevisxml::ParseTransactionLog(log_entry->second, &validator_);
  if (!log.ok()) {
    // The validator's messages may quote values from the log: keep them out of the reason.
    return DeadLetter(message, "transaction log unreadable or not valid against SevisTransLog.xsd");
  }
  if (log->batch_id != result.batch_id()) {
    return DeadLetter(message, "transaction log is for another batch");
  }

  if (std::optional<BatchFailure> failure = FindBatchFailure(&*log, result)) {
    if (failure->kind == BatchFailure::Kind::kNotFinal) {
      // SEVIS may still process the batch: returning its alerts to review now could send
      // them twice. The uploader keeps polling; this record is not a result.
      return DeadLetter(message, "result is not final (" + failure->code + ")");
    }
    return Publish(result, PlanBatchFailure(*failure, result, options_.result_codes), {}, {});
  }

  auto current = CurrentRows(result);
  if (!current.ok()) return current.status();
  ImportPlan plan = PlanImport(
      *log, result,
      [&rows = *current](const std::string& org_id,
                         const std::string& person_id) -> const v1::MasterRecord* {
        auto it = rows.find(MasterKey(org_id, person_id));
        return it == rows.end() ? nullptr : &it->second;
      },
      &options_.result_codes);
  for (const auto& alert_id : plan.unapplied_alert_ids) {
    Log()->warn("batch {}: accepted record of alert {} changed no master row", result.batch_id(),
                alert_id);
  }
  for (const auto& request_id : plan.unmatched_request_ids) {
    Log()->warn("batch {}: log record {} matches no record sent", result.batch_id(), request_id);
  }

  std::vector<std::string> names;
  for (const auto& [name, content] : *entries) names.push_back(name);
  auto filings = PlanPdfFilings(names, plan, result.batch_id());
  return Publish(result, plan, filings, *entries);
}

absl::Status Importer::Publish(const v1::BatchResult& result, const ImportPlan& plan,
                               const std::vector<PdfFiling>& filings,
                               const std::map<std::string, std::string>& entries) {
  // PDFs first, then Kafka, then the marker: each step is idempotent, so a crash anywhere
  // before the marker only repeats them.
  for (const auto& f : filings) {
    if (auto s = docstore::WriteFileAtomic(options_.docstore_root, f.relative_path,
                                           entries.at(f.entry_name));
        !s.ok()) {
      return s;
    }
  }
  // The master records are durable before the outcomes that announce them; each group is
  // pipelined (one round trip per group, not per record).
  std::vector<kafka::OutgoingMessage> master_records;
  for (const auto& m : plan.master_records) {
    master_records.push_back({kafka::kSevisMaster, MasterKey(m.org_id(), m.person_id()),
                              m.SerializeAsString(), {}});
  }
  if (auto s = producer_.SendAll(master_records); !s.ok()) return s;
  std::vector<kafka::OutgoingMessage> outcomes;
  for (const auto& o : plan.outcomes) {
    outcomes.push_back({kafka::kSevisOutcomes, o.person_id(), o.SerializeAsString(), {}});
  }
  if (auto s = producer_.SendAll(outcomes); !s.ok()) return s;
  // The own view after Kafka: a crash before it replays from the same rows (identical output);
  // a crash after it and before the marker re-applies records, which the plan keeps idempotent
  // (adds replace the row of the same dependent, employment, employer or site).
  if (!plan.master_records.empty()) {
    std::vector<std::vector<std::string>> sets;
    for (const auto& m : plan.master_records) {
      sets.push_back({"SET", ImporterMasterKey(m.org_id(), m.person_id()),
                      redis::Pack(m.SerializeAsString())});
    }
    auto replies = redis_.Pipeline(sets);
    if (!replies.ok()) return replies.status();
    for (const auto& r : *replies) {
      if (r.is_error()) return absl::UnavailableError("Redis error writing a master row");
    }
  }
  int accepted = 0;
  int rejected = 0;
  for (const auto& o : plan.outcomes) {
    if (o.accepted()) {
      ++accepted;
      metrics_.GetCounter("sevisflow_importer_records_total", "Log records by result",
                          {{"result", "accepted"}, {"code", "S0000"}})
          .Inc();
    } else {
      ++rejected;
      metrics_.GetCounter("sevisflow_importer_records_total", "Log records by result",
                          {{"result", "rejected"}, {"code", o.error_code()}})
          .Inc();
    }
  }
  const std::string marker = "accepted=" + std::to_string(accepted) +
                             " rejected=" + std::to_string(rejected) +
                             " at=" + common::FormatRfc3339(clock_.Now());
  if (auto s = redis_.Set(ImportedKey(result.org_id(), result.batch_id()), marker); !s.ok()) {
    return s;
  }
  for (const auto& m : plan.master_records) Remember(m);
  if (plan.batch_failure_code) {
    // The code only: a batch-level code carries no personal data.
    metrics_
        .GetCounter("sevisflow_importer_batch_results_total",
                    "Batches SEVIS failed as a whole, by batch-level result code",
                    {{"code", *plan.batch_failure_code}})
        .Inc();
    Log()->warn("batch {} of {} failed as a whole with {}: {} alerts back to review",
                result.batch_id(), result.org_id(), *plan.batch_failure_code,
                plan.outcomes.size());
  }
  metrics_.GetCounter("sevisflow_importer_imports_total", "sevis.results records by outcome",
                      {{"result", "imported"}})
      .Inc();
  metrics_.GetCounter("sevisflow_importer_pdfs_filed_total", "PDF forms filed per person")
      .Inc(static_cast<double>(filings.size()));
  Log()->info("batch {} of {} imported: {} accepted, {} rejected, {} master updates, {} PDFs",
              result.batch_id(), result.org_id(), accepted, rejected,
              plan.master_records.size(), filings.size());
  return absl::OkStatus();
}

void Importer::Remember(const v1::MasterRecord& record) {
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= options_.master_cache_size) cache_.clear();
  cache_[MasterKey(record.org_id(), record.person_id())] = record;
}

absl::StatusOr<std::optional<v1::MasterRecord>> Importer::GetMaster(
    const std::string& org_id, const std::string& person_id) {
  const std::string key = MasterKey(org_id, person_id);
  auto view = redis_.Get(ImporterMasterKey(org_id, person_id));
  if (!view.ok()) return view.status();
  if (!view->has_value()) view = redis_.Get("sf:master:" + key);
  if (!view.ok()) return view.status();
  if (view->has_value()) {
    v1::MasterRecord record;
    absl::StatusOr<std::string> bytes = redis::Unpack(**view);
    if (!bytes.ok() || !record.ParseFromString(*bytes)) {
      return absl::DataLossError("master view entry is not a MasterRecord");
    }
    return std::optional<v1::MasterRecord>(std::move(record));
  }
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::optional<v1::MasterRecord>();
  return std::optional<v1::MasterRecord>(it->second);
}

absl::StatusOr<std::vector<v1::StoredDocument>> Importer::ListDocuments(
    const std::string& org_id, const std::string& person_id) {
  if (!IsSafePathComponent(org_id) || !IsSafePathComponent(person_id)) {
    return absl::InvalidArgumentError("org_id and person_id are required and cannot contain '/'");
  }
  const std::string dir = docstore::PersonDir(org_id, person_id);
  std::vector<v1::StoredDocument> out;
  for (const auto& name : docstore::ListFiles(options_.docstore_root, dir)) {
    v1::StoredDocument d;
    size_t underscore = name.find('_');
    d.set_batch_id(underscore == std::string::npos ? "" : name.substr(0, underscore));
    d.set_path(dir + "/" + name);
    size_t dot = name.rfind('.');
    d.set_kind(dot == std::string::npos ? "" : name.substr(dot + 1));
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace sevisflow::importer
