#pragma once
// SEVIS result codes used by the simulator and the checks SEVIS makes on the form fields of an
// upload or download before it looks at the XML (INTERFACE.md §2-§4, §6).

#include <optional>
#include <string>
#include <string_view>

#include "sevisflow/sevisxml/transaction_log.h"
#include "sim_config.h"

namespace sevisflow::sim {

// Codes from shared/sevis/result-codes.tsv.
inline constexpr std::string_view kSuccess = "S0000";
inline constexpr std::string_view kGeneralFailure = "S0001";
inline constexpr std::string_view kInvalidOrg = "S0002";
inline constexpr std::string_view kInvalidUser = "S0003";
inline constexpr std::string_view kDuplicateBatchId = "S0010";
inline constexpr std::string_view kBadDocumentName = "S0011";
inline constexpr std::string_view kNotWellFormed = "S0012";
inline constexpr std::string_view kSchemaInvalid = "S0013";
inline constexpr std::string_view kRecordsFailed = "S0020";
inline constexpr std::string_view kNotYetProcessed = "S0030";
inline constexpr std::string_view kNeverSubmitted = "S0031";
inline constexpr std::string_view kStudentUserInvalid = "S1001";
inline constexpr std::string_view kStudentNotFound = "S1003";
inline constexpr std::string_view kStudentExists = "S1004";
inline constexpr std::string_view kStudentMustBeActive = "S1054";
inline constexpr std::string_view kStudentMustBeInitial = "S1057";
inline constexpr std::string_view kDuplicateRequest = "S1071";
inline constexpr std::string_view kStudentNotInitialOrActive = "S1106";
inline constexpr std::string_view kVisitorNotFound = "S2001";
inline constexpr std::string_view kVisitorExists = "S2141";
inline constexpr std::string_view kVisitorUserInvalid = "S2154";
inline constexpr std::string_view kVisitorWrongStatus = "S2124";

// The message SEVIS attaches to a code (the text of result-codes.tsv).
std::string ResultMessage(std::string_view code);

// The simulator's "address doctor" (README "Address check"): upper-cases, collapses blanks,
// abbreviates street suffixes, unit designators and directions the USPS way (Publication 28)
// and adds a ZIP+4 to a 5-digit ZIP (the +4 is derived from the address, so the same address
// always gets the same one).
sevisxml::LogAddress CorrectAddress(const sevisxml::LogAddress& provided);

// The log's check of a sent address: provided + corrected, AddressResult S0000 and the
// message "Valid" (nothing changed) or "Override Suggested". An address the check cannot read
// (no Address1, or a postal code that is not 5 or 5+4 digits) is "Not Validated" without
// addresses.
sevisxml::LogAddressCheck CheckAddress(const sevisxml::LogAddress& provided);

// A refusal: the code for the log and a reason safe to log (names fields, never values).
struct Refusal {
  std::string code;
  std::string reason;
};

// The fields of an upload as received; nullopt = the part was absent.
struct UploadForm {
  std::optional<std::string> org_id;
  std::optional<std::string> batch_id;
  std::optional<std::string> user_id;
  std::optional<std::string> xml;
  std::string file_name;  // the `filename` of the xml part
};

// S0012 when orgid, batchid, userid or the xml part is missing or empty; S0011 when the xml
// part's filename cannot be echoed in Upload/FileName (empty, over 30 characters, or not
// printable ASCII).
std::optional<Refusal> CheckUploadForm(const UploadForm& form);

// The registration checks SEVIS makes per session (INTERFACE.md §2): S0002 when the org is not
// registered or the client certificate's CN is not registered for it; S0003 when the user id
// is not registered for the org.
std::optional<Refusal> CheckAccess(const SimConfig& config, std::string_view org_id,
                                   std::string_view user_id, std::string_view peer_cn);

}  // namespace sevisflow::sim
