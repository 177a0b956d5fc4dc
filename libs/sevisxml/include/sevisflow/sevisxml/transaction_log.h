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

// A US address as SEVIS's address check returns it (Common.xsd USAddrDoctorResponseType).
struct LogAddress {
  std::string address1;
  std::string address2;
  std::string city;
  std::string state;        // StateCodeType
  std::string postal_code;  // \d{5} or \d{5}-\d{4}

  bool operator==(const LogAddress&) const = default;
};

// One address SEVIS checked: what was sent, what SEVIS corrected it to, the check's result code
// and message (SevisTransLog.xsd: ProvidedAddress, CorrectedAddress, AddressResult,
// AddressMessage, and the Physical* / Mailing* elements of a Record). All optional.
struct LogAddressCheck {
  std::optional<LogAddress> provided;
  std::optional<LogAddress> corrected;
  std::string result;   // S\d{4}, empty when absent
  std::string message;  // empty when absent

  bool empty() const {
    return !provided && !corrected && result.empty() && message.empty();
  }
  bool operator==(const LogAddressCheck&) const = default;
};

struct LogPhase {
  std::string phase_id;    // \d{1,22}
  std::string phase_name;

  bool operator==(const LogPhase&) const = default;
};

// Record/SiteOfActivity (SiteOfActivityLogType): a site of activity SEVIS processed for a J
// record, with the SiteId SEVIS gave it.
struct LogSite {
  LogAddressCheck address;
  std::string site_id;    // SiteIdType, empty when absent
  std::string site_name;
  std::vector<LogPhase> phases;

  bool operator==(const LogSite&) const = default;
};

// Record/Employer (EmployerLogType): an employer whose address SEVIS checked.
struct LogEmployer {
  std::string employer_name;  // EmployerName and StartDate come together (or neither)
  std::string start_date;
  LogAddressCheck address;

  bool operator==(const LogEmployer&) const = default;
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
  std::vector<LogSite> sites;            // Record/SiteOfActivity, before the Dependents
  std::vector<LogDependent> dependents;
  std::vector<LogEmployer> employers;    // Record/Employer
  LogAddressCheck physical_address;      // Record/Physical{Provided,Corrected}Address, ...
  LogAddressCheck mailing_address;       // Record/Mailing{Provided,Corrected}Address, ...
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
