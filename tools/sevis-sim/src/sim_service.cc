#include "sim_service.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"
#include "sim_result_zip.h"

namespace sevisflow::sim {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStateFile = "state.json";

int64_t ToUnixMs(common::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string EvSchemaPath(const std::string& xsd_dir) {
  return (fs::path(xsd_dir) / "6.27" / "Create-UpdateExchangeVisitor.xsd").string();
}

sevisxml::TransactionLog BaseLog(const std::optional<std::string>& org_id,
                                 const std::optional<std::string>& batch_id,
                                 const std::string& system) {
  sevisxml::TransactionLog log;
  // SEVIS echoes what the form said, even when it is wrong (INTERFACE.md §3).
  log.org_id = org_id.value_or("");
  log.batch_id = batch_id.value_or("");
  log.system = system;
  return log;
}

}  // namespace

common::TimePoint ProcessingTime(const SimConfig& config, common::TimePoint upload) {
  common::TimePoint earliest = upload + std::chrono::seconds(config.process_delay_seconds);
  if (config.process_at_minute_utc < 0) return earliest;
  using std::chrono::floor;
  const auto day = floor<std::chrono::days>(earliest);
  common::TimePoint run = day + std::chrono::minutes(config.process_at_minute_utc);
  if (run < earliest) run += std::chrono::days(1);
  return run;
}

SevisSimulator::SevisSimulator(SimConfig config, const common::Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

SevisSimulator::~SevisSimulator() = default;

absl::StatusOr<std::unique_ptr<SevisSimulator>> SevisSimulator::Create(
    SimConfig config, const common::Clock& clock) {
  std::unique_ptr<SevisSimulator> sim(new SevisSimulator(std::move(config), clock));
  const SimConfig& c = sim->config_;
  auto student = sevisxml::SchemaValidator::Load(sevisxml::StudentSchemaPath(c.xsd_dir));
  if (!student.ok()) return student.status();
  sim->student_schema_ = *std::move(student);
  auto ev = sevisxml::SchemaValidator::Load(EvSchemaPath(c.xsd_dir));
  if (!ev.ok()) return ev.status();
  sim->ev_schema_ = *std::move(ev);

  if (!c.faults_json.empty()) {
    if (absl::Status s = sim->faults_.Apply(c.faults_json); !s.ok()) return s;
  }

  std::error_code ec;
  fs::create_directories(c.data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("data dir ", c.data_dir, ": ", ec.message()));
  }
  const fs::path state = fs::path(c.data_dir) / kStateFile;
  if (fs::exists(state)) {
    std::ifstream in(state, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return absl::DataLossError(absl::StrCat("cannot read ", state.string()));
    auto db = SevisDatabase::Deserialize(text.str());
    if (!db.ok()) return db.status();
    sim->db_ = *std::move(db);
  }
  return sim;
}

absl::Status SevisSimulator::SaveLocked() const {
  const fs::path dir(config_.data_dir);
  const fs::path tmp = dir / "state.json.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << db_.Serialize();
    out.flush();
    if (!out) return absl::DataLossError(absl::StrCat("cannot write ", tmp.string()));
  }
  // rename() replaces the old file atomically, so a crash leaves either state, never half.
  std::error_code ec;
  fs::rename(tmp, dir / kStateFile, ec);
  if (ec) return absl::DataLossError(absl::StrCat("cannot replace state: ", ec.message()));
  return absl::OkStatus();
}

Reply SevisSimulator::LogReply(const sevisxml::TransactionLog& log) const {
  return Reply{200, "application/xml", sevisxml::WriteTransactionLog(log), ""};
}

std::optional<Refusal> SevisSimulator::CheckDocument(const UploadForm& form,
                                                     BatchDocument* doc) const {
  absl::StatusOr<BatchDocument> parsed = ParseBatchDocument(*form.xml);
  if (!parsed.ok()) {
    if (absl::IsFailedPrecondition(parsed.status())) {
      return Refusal{std::string(kSchemaInvalid), "root is not a SEVIS batch root"};
    }
    return Refusal{std::string(kNotWellFormed), "xml not well-formed or has a DOCTYPE"};
  }
  const sevisxml::SchemaValidator& schema =
      parsed->kind == DocumentKind::kStudent ? *student_schema_ : *ev_schema_;
  std::vector<sevisxml::XmlError> errors = schema.Validate(*form.xml);
  if (!errors.empty()) {
    // The validator's messages can quote data values, so only the count is logged.
    return Refusal{std::string(kSchemaInvalid),
                   absl::StrCat("schema-invalid (", errors.size(), " errors)")};
  }
  if (parsed->batch_id != *form.batch_id || parsed->org_id != *form.org_id) {
    return Refusal{std::string(kNotWellFormed), "BatchHeader differs from the form fields"};
  }
  *doc = *std::move(parsed);
  return std::nullopt;
}

Reply SevisSimulator::Upload(const UploadForm& form, const std::string& peer_cn) {
  const common::TimePoint now = clock_.Now();
  const std::string upload_time = common::FormatRfc3339(now);
  sevisxml::TransactionLog reply = BaseLog(form.org_id, form.batch_id, config_.system_name);

  BatchDocument doc;
  std::optional<Refusal> refusal = CheckUploadForm(form);
  if (!refusal) refusal = CheckAccess(config_, *form.org_id, *form.user_id, peer_cn);
  if (!refusal) refusal = CheckDocument(form, &doc);

  {
    std::lock_guard lock(mu_);
    // Checked under the lock together with the insert, so two concurrent uploads of one batch
    // ID cannot both be accepted.
    if (!refusal && db_.HasBatch(*form.org_id, *form.batch_id)) {
      refusal = Refusal{std::string(kDuplicateBatchId), "batch id already used for the org"};
    }
    if (!refusal) {
      // Processing happens now, in upload order, so SEVIS IDs and duplicate-person results
      // are deterministic; a process delay only hides the result until available_at_ms.
      const common::TimePoint processed_at = ProcessingTime(config_, now);
      const std::string process_time = common::FormatRfc3339(processed_at);
      ProcessOutcome outcome = db_.Process(*form.org_id, doc, process_time,
                                           &config_.orgs.at(*form.org_id).user_ids);
      StoredBatch batch;
      batch.org_id = *form.org_id;
      batch.batch_id = *form.batch_id;
      batch.available_at_ms = ToUnixMs(processed_at);
      batch.form_sevis_ids = std::move(outcome.form_sevis_ids);
      sevisxml::TransactionLog& log = batch.log;
      log = BaseLog(form.org_id, form.batch_id, config_.system_name);
      log.status = outcome.failure_count == 0;
      log.upload = sevisxml::LogStage{std::string(kSuccess), upload_time};
      log.upload_file_name = form.file_name;
      log.process = sevisxml::LogStage{
          std::string(outcome.failure_count == 0 ? kSuccess : kRecordsFailed), process_time};
      log.success_count = outcome.success_count;
      log.failure_count = outcome.failure_count;
      log.records = std::move(outcome.records);
      log.download_result_code = std::string(kSuccess);
      db_.AddBatch(std::move(batch));
    }
    db_.CountUpload(form.org_id.value_or(""), form.batch_id.value_or(""), !refusal);
    if (absl::Status s = SaveLocked(); !s.ok()) {
      common::Logger("sevis-sim")->error("state not saved: {}", s.ToString());
    }
  }

  reply.status = !refusal;
  reply.upload = sevisxml::LogStage{refusal ? refusal->code : std::string(kSuccess), upload_time};
  if (!refusal) reply.upload_file_name = form.file_name;
  common::Logger("sevis-sim")
      ->info("upload org={} batch={} result={}{}", form.org_id.value_or("-"),
             form.batch_id.value_or("-"), reply.upload->result_code,
             refusal ? absl::StrCat(" reason=", refusal->reason) : std::string());
  return LogReply(reply);
}

Reply SevisSimulator::Download(const DownloadForm& form, const std::string& peer_cn) {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  sevisxml::TransactionLog reply = BaseLog(form.org_id, form.batch_id, config_.system_name);
  auto refuse = [&](std::string_view code, std::string_view reason) {
    common::Logger("sevis-sim")
        ->info("download org={} batch={} result={} reason={}", form.org_id.value_or("-"),
               form.batch_id.value_or("-"), code, reason);
    reply.status = false;
    reply.download_result_code = std::string(code);
    return LogReply(reply);
  };
  auto missing = [](const std::optional<std::string>& v) { return !v || v->empty(); };
  if (missing(form.org_id) || missing(form.batch_id) || missing(form.user_id)) {
    return refuse(kGeneralFailure, "orgid, batchid or userid missing");
  }
  if (auto refusal = CheckAccess(config_, *form.org_id, *form.user_id, peer_cn)) {
    return refuse(refusal->code, refusal->reason);
  }
  StoredBatch batch;
  {
    std::lock_guard lock(mu_);
    const StoredBatch* found = db_.FindBatch(*form.org_id, *form.batch_id);
    if (found == nullptr) return refuse(kNeverSubmitted, "batch never submitted");
    batch = *found;
  }
  if (now_ms < batch.available_at_ms) {
    reply.upload = batch.log.upload;
    reply.upload_file_name = batch.log.upload_file_name;
    return refuse(kNotYetProcessed, "batch not yet processed");
  }
  std::optional<Fault> fault = faults_.TakeDownload();
  if (fault && fault->kind == FaultKind::kNotYetProcessed) {
    reply.upload = batch.log.upload;
    reply.upload_file_name = batch.log.upload_file_name;
    return refuse(kNotYetProcessed, "fault injected: not yet processed");
  }
  std::vector<ZipEntry> entries;
  entries.push_back({std::string(kLogEntryName), sevisxml::WriteTransactionLog(batch.log)});
  for (const std::string& sevis_id : batch.form_sevis_ids) {
    entries.push_back({FormPdfName(sevis_id, batch.batch_id),
                       BuildFormPdf(sevis_id, batch.batch_id)});
  }
  absl::StatusOr<std::string> zip = BuildZip(entries);
  if (!zip.ok()) {
    common::Logger("sevis-sim")->error("zip for batch {} failed: {}", batch.batch_id,
                                       zip.status().ToString());
    return refuse(kGeneralFailure, "zip could not be built");
  }
  std::string body = *std::move(zip);
  if (fault) body = fault->kind == FaultKind::kTruncatedZip ? TruncateZip(body) : CorruptZip(body);
  common::Logger("sevis-sim")
      ->info("download org={} batch={} result=S0000 forms={}{}", batch.org_id, batch.batch_id,
             batch.form_sevis_ids.size(),
             fault ? absl::StrCat(" fault=", std::string(FaultKindName(fault->kind))) : std::string());
  return Reply{200, "application/zip", std::move(body), absl::StrCat(batch.batch_id, ".zip")};
}

std::string SevisSimulator::StatsJson() const {
  std::string db_stats;
  {
    std::lock_guard lock(mu_);
    db_stats = db_.StatsJson();
  }
  nlohmann::json stats = nlohmann::json::parse(db_stats);
  stats["faults_served"] = nlohmann::json::parse(faults_.ServedJson());
  return stats.dump();
}

}  // namespace sevisflow::sim
