#pragma once
// The importer's pure core: a transaction log plus the batch's record map become master
// updates, per-alert outcomes and PDF filings. No I/O; deterministic (every timestamp comes from
// the log), so a replay produces byte-identical records.

#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"

namespace sevisflow::importer {

struct ImportPlan {
  std::vector<v1::MasterRecord> master_records;  // accepted changes, one per accepted record
  std::vector<v1::Outcome> outcomes;             // one per log record that maps to a BatchRecord
  std::vector<std::string> unmatched_request_ids;  // log records we never sent (logged, counted)
  // Accepted records whose event does not change the master yet (walking skeleton: only
  // Create Student does); they still get their outcome.
  std::vector<std::string> unapplied_alert_ids;
};

// Maps each log Record's requestID to its BatchRecord. A successful Create Student becomes a
// MasterRecord (status INITIAL, the alert's CreateStudentData, provenance from the log); a
// failed record changes nothing in the master. Every mapped record gets an Outcome.
ImportPlan PlanImport(const sevisxml::TransactionLog& log, const v1::BatchResult& result);

// Master topic key "<org>/<person>" and Redis view key "sf:master:<org>/<person>".
std::string MasterKey(std::string_view org_id, std::string_view person_id);

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
