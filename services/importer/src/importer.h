#pragma once
// The importer's logic over its I/O: a sevis.results record (a BatchResult pointing at the
// result zip in the document store) becomes master records on sevis.master, outcomes on
// sevis.outcomes and PDFs filed per person; `sf:imported:<org>:<batch_id>` is set last, so a replay
// after a crash redoes only idempotent effects and a replay after success does nothing.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "apply.h"
#include "result_codes.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/message.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/import_service.pb.h"
#include "sevisflow/v1/master.pb.h"

namespace sevisflow::kafka {
class Producer;
}
namespace sevisflow::redis {
class Client;
}
namespace sevisflow::sevisxml {
class SchemaValidator;
}

namespace sevisflow::importer {

inline constexpr char kLogEntryName[] = "sevis_transaction_log.xml";
// sf:imported:<org>:<batch_id>. Batch ids are unique per org only (each org has its own
// counter), so the org is part of the key.
std::string ImportedKey(std::string_view org_id, std::string_view batch_id);

struct ImporterOptions {
  std::string docstore_root;
  size_t master_cache_size = 10000;  // master records published by this process (GetMaster)
  ResultCodes result_codes;          // descriptions for outcomes (result-codes.tsv)
};

class Importer {
 public:
  Importer(ImporterOptions options, redis::Client& redis, kafka::Producer& producer,
           const sevisxml::SchemaValidator& translog_validator, const common::Clock& clock,
           common::MetricsRegistry& metrics);

  // OK: the offset may be stored (imported, already imported, or dead-lettered). An error
  // (Kafka, Redis or disk trouble): retry the same record later.
  absl::Status Handle(const kafka::Message& message);

  // The importer's own view sf:importer:master:<org>/<person>, else the Redis view
  // sf:master:<org>/<person> kept by the detector; when both are absent, the record this
  // process last published for the person (a small in-memory cache), else nullopt.
  absl::StatusOr<std::optional<v1::MasterRecord>> GetMaster(const std::string& org_id,
                                                            const std::string& person_id);
  // The person's files in the document store.
  absl::StatusOr<std::vector<v1::StoredDocument>> ListDocuments(const std::string& org_id,
                                                                const std::string& person_id);

 private:
  absl::Status DeadLetter(const kafka::Message& message, std::string_view reason);
  // Files the PDFs, publishes master records then outcomes, writes the own view, sets the
  // imported marker (each step idempotent) and counts the result.
  absl::Status Publish(const v1::BatchResult& result, const ImportPlan& plan,
                       const std::vector<PdfFiling>& filings,
                       const std::map<std::string, std::string>& entries);
  void Remember(const v1::MasterRecord& record);
  // The current master rows (by MasterKey) of the persons the batch updates.
  absl::StatusOr<std::map<std::string, v1::MasterRecord>> CurrentRows(
      const v1::BatchResult& result);

  ImporterOptions options_;
  redis::Client& redis_;
  kafka::Producer& producer_;
  const sevisxml::SchemaValidator& validator_;
  const common::Clock& clock_;
  common::MetricsRegistry& metrics_;
  std::mutex cache_mu_;
  std::map<std::string, v1::MasterRecord> cache_;  // by MasterKey
};

}  // namespace sevisflow::importer
