#pragma once
// The SEVIS transaction log (SevisTransLog.xsd 6.27): parsed by the importer and the uploader,
// written by sevis-sim.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace sevisflow::sevisxml {

class SchemaValidator;

struct LogDependent {
  std::string dependent_sevis_id;
  std::string user_defined_a;
  std::string user_defined_b;
};

struct LogRecord {
  std::string request_id;
  std::string sevis_id;      // may be empty (failed create)
  std::string user_id;
  std::string user_defined_a;
  std::string user_defined_b;
  std::string process_date;  // xs:dateTime
  bool success = false;
  std::string error_code;    // S\d{4} when !success
  std::string error_message;
  std::vector<LogDependent> dependents;
};

struct LogStage {
  std::string result_code;   // S\d{4}
  std::string timestamp;     // xs:dateTime (upload / process)
};

struct TransactionLog {
  std::string batch_id;
  std::string org_id;
  bool status = false;       // BatchDetail/@status
  std::string system;        // BatchDetail/@system, e.g. PROD-SBT
  std::optional<LogStage> upload;
  std::string upload_file_name;
  std::optional<LogStage> process;
  int success_count = 0;
  int failure_count = 0;
  std::vector<LogRecord> records;
  std::optional<std::string> download_result_code;
};

// Parses a log. With a validator, the document is first validated (SevisTransLog.xsd) and an
// invalid one is refused with the validator's messages. DTDs and external entities are refused.
absl::StatusOr<TransactionLog> ParseTransactionLog(std::string_view xml,
                                                   const SchemaValidator* validator);

// Serialises a log that validates against SevisTransLog.xsd (element order of the schema;
// RecordCount is written only with at least one record, as the schema requires; Total =
// success_count + failure_count). Returns "" if a value is not valid UTF-8.
std::string WriteTransactionLog(const TransactionLog& log);

}  // namespace sevisflow::sevisxml
