#pragma once
// The SEVIS Batch simulator without the HTTP layer: upload and download requests in, replies
// (status, content type, body) out. Thread-safe; state persists in <data_dir>/state.json after
// every change so a restart keeps used batch IDs, results and SEVIS IDs.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"
#include "sim_batch_document.h"
#include "sim_config.h"
#include "sim_database.h"
#include "sim_faults.h"
#include "sim_fields.h"

namespace sevisflow::sevisxml {
class SchemaValidator;
}

namespace sevisflow::sim {

struct Reply {
  int http_status = 200;
  std::string content_type;
  std::string body;
  std::string file_name;  // for Content-Disposition when set
};

struct DownloadForm {
  std::optional<std::string> org_id;
  std::optional<std::string> batch_id;
  std::optional<std::string> user_id;
};

// When an upload at `upload` is processed: upload + process_delay_seconds, moved on to the next
// nightly run (process_at_minute_utc) when one is configured.
common::TimePoint ProcessingTime(const SimConfig& config, common::TimePoint upload);

class SevisSimulator {
 public:
  // Loads both batch schemas from config.xsd_dir and the state from config.data_dir (created
  // when missing). The clock is not owned and must outlive the simulator.
  static absl::StatusOr<std::unique_ptr<SevisSimulator>> Create(SimConfig config,
                                                                const common::Clock& clock);
  ~SevisSimulator();

  // Always HTTP 200 with a TransactionLog body (INTERFACE.md §4). peer_cn: subject CN of the
  // verified client certificate ("" when none).
  Reply Upload(const UploadForm& form, const std::string& peer_cn);
  // application/zip for a processed batch; otherwise a TransactionLog whose Download
  // resultCode says why (S0030, S0031, S0001, S0002, S0003).
  Reply Download(const DownloadForm& form, const std::string& peer_cn);
  // JSON counters, see SevisDatabase::StatsJson, plus "faults_served" (FaultInjector).
  std::string StatsJson() const;

  // Faults to serve (config `faults` is queued at creation). Download applies the
  // not_yet_processed and zip faults; the HTTP layer applies the transport ones.
  FaultInjector& faults() { return faults_; }

  const SimConfig& config() const { return config_; }

 private:
  SevisSimulator(SimConfig config, const common::Clock& clock);
  // Upload checks that need no lock: returns the parsed document or the refusal.
  std::optional<Refusal> CheckDocument(const UploadForm& form, BatchDocument* doc) const;
  absl::Status SaveLocked() const;  // requires mu_
  Reply LogReply(const sevisxml::TransactionLog& log) const;

  SimConfig config_;
  const common::Clock& clock_;
  XercesPlatform xerces_;  // before the validators: they need Xerces up
  std::unique_ptr<sevisxml::SchemaValidator> student_schema_;
  std::unique_ptr<sevisxml::SchemaValidator> ev_schema_;
  mutable std::mutex mu_;
  SevisDatabase db_;  // guarded by mu_
  FaultInjector faults_;
};

}  // namespace sevisflow::sim
