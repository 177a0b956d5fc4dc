#pragma once
// The importer's pure core: a transaction log plus the batch's record map become master
// updates, per-alert outcomes and PDF filings. No I/O; deterministic (every timestamp comes from
// the log), so a replay produces byte-identical records.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result_codes.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"

namespace sevisflow::importer {

struct ImportPlan {
  // The master rows the accepted records changed: one per (org, person), its state after every
  // accepted record of the batch for that person (applied in log order), in first-touch order.
  std::vector<v1::MasterRecord> master_records;
  std::vector<v1::Outcome> outcomes;             // one per log record that maps to a BatchRecord
  std::vector<std::string> unmatched_request_ids;  // log records we never sent (logged, counted)
  // Accepted records that could not change the master: an update for a person without a
  // current master row, or an alert without the data its event needs. They still get their
  // outcome.
  std::vector<std::string> unapplied_alert_ids;
  // Set when the batch failed as a whole (BatchLevelFailure): every alert got a rejected
  // outcome with this code and nothing reached the master.
  std::optional<std::string> batch_failure_code;
};

// A failure of the whole batch (INTERFACE.md §7-8): the upload, processing or download result
// code that means no record of the batch was processed.
struct BatchFailure {
  enum class Kind {
    kFailed,     // final: every alert returns to review with `code`
    kNotFinal,   // S0030 / S0031: SEVIS may still process the batch; not a result to import
  };
  Kind kind = Kind::kFailed;
  std::string stage;      // "upload", "process" or "download"
  std::string code;       // S00xx
  std::string timestamp;  // the stage's dateTimeStamp, else BatchResult.fetched_at
};

// The batch-level failure of a result, if any, looked for in this order: BatchResult
// upload_result_code, the log's Upload resultCode, BatchResult download_result_code and the
// log's Download resultCode (S0030 / S0031 there: kNotFinal), the log's Process resultCode when
// it is neither S0000 nor S0020, and finally a log whose BatchDetail status is false with no
// Record at all (the first non-success stage code, else S0001). `log` may be null (no log).
std::optional<BatchFailure> FindBatchFailure(const sevisxml::TransactionLog* log,
                                             const v1::BatchResult& result);

// One rejected outcome per record of the batch, all carrying the batch-level code, its
// description and batch_level = true, so every alert returns to review.
ImportPlan PlanBatchFailure(const BatchFailure& failure, const v1::BatchResult& result,
                            const ResultCodes& codes);

// The current SEVIS Master row of (org, person), or nullptr when there is none. The pointer
// only has to stay valid during the PlanImport call.
using MasterLookup =
    std::function<const v1::MasterRecord*(const std::string& org_id, const std::string& person_id)>;

// Maps each log Record's requestID to its BatchRecord; a failed record changes nothing in the
// master. A successful Create Student / Create Exchange Visitor becomes a new MasterRecord
// (status INITIAL, the alert's data, dependents with the dependentSevisIDs of the log); a
// successful update applies its alert's data to the person's row: the row an earlier record of
// this batch produced, else `current` (may be empty: then updates are unapplied). Provenance
// (last batch/request id, updated_at, effective_date) comes from the log. Every mapped record
// gets an Outcome. Pure and deterministic.
// A rejected record without an ErrorMessage gets the code's description from `codes` (the
// built-in batch codes when null). Accepted records carry back the sites' SiteIds and corrected
// addresses and the corrected physical / mailing address (Outcome.sites, corrected_*), which
// also reach the master row (MasterSite.sevis_site_id / sevis_corrected_address,
// MasterRecord.sevis_corrected_*).
ImportPlan PlanImport(const sevisxml::TransactionLog& log, const v1::BatchResult& result,
                      const MasterLookup& current = {}, const ResultCodes* codes = nullptr);

// Master topic key "<org>/<person>" and Redis view key "sf:master:<org>/<person>".
std::string MasterKey(std::string_view org_id, std::string_view person_id);
// sf:importer:master:<org>/<person>: the master row the importer last published for the
// person (packed, redis::Pack), read back as the row the next accepted updates apply to.
std::string ImporterMasterKey(std::string_view org_id, std::string_view person_id);

// True for a string usable as one folder name in the document store (no '/', '\', "..").
bool IsSafePathComponent(std::string_view s);

struct PdfFiling {
  std::string entry_name;     // name inside the zip
  std::string org_id;
  std::string person_id;
  std::string sevis_id;
  std::string relative_path;  // <org>/persons/<person>/<batch_id>_<sevis_id>.pdf
};

// PDFs of the zip matched to accepted outcomes by the SEVIS ID contained in the entry name
// (INTERFACE.md §6: names are undocumented, so no fixed pattern is assumed). Entries that match
// no accepted outcome are left out.
std::vector<PdfFiling> PlanPdfFilings(const std::vector<std::string>& entry_names,
                                      const ImportPlan& plan, std::string_view batch_id);

}  // namespace sevisflow::importer
