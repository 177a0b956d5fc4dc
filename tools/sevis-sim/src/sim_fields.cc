#include "sim_fields.h"

#include <array>
#include <utility>

namespace sevisflow::sim {

std::string ResultMessage(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kMessages{{
      {"S0000", "Success"},
      {"S0001", "General upload/download failure"},
      {"S0002", "Invalid organization information"},
      {"S0003", "Invalid user ID"},
      {"S0010", "Duplicate Batch ID"},
      {"S0011", "Document name invalid"},
      {"S0012",
       "XML is not well-formed or does not agree with SEVIS-specific POSTing requirements"},
      {"S0013", "XML does not comply with SEVIS schema"},
      {"S0020", "One or more records failed processing due to business rule violations"},
      {"S0030", "Download unavailable - batch job not yet processed"},
      {"S0031", "Download invalid - batch job never submitted"},
      {"S1001", "User ID is invalid"},
      {"S1003", "SEVIS ID not found"},
      {"S1004",
       "Student exists in the SEVIS database / This record is a duplicate of other record(s) "
       "within this XML"},
      {"S1054", "Student status must be active for this action"},
      {"S1057", "Student status must be initial for this action"},
      {"S1071", "Duplicate request found for student"},
      {"S1106", "Student status must be initial or active for this event"},
      {"S2001", "SEVIS ID not found"},
      {"S2124", "Cannot update exchange visitor when status type is [invalid status type]"},
      {"S2141", "Exchange visitor exists in the SEVIS database"},
      {"S2154", "User ID is invalid"},
  }};
  for (const auto& [c, message] : kMessages) {
    if (c == code) return std::string(message);
  }
  return "Unknown result";
}

std::optional<Refusal> CheckUploadForm(const UploadForm& form) {
  auto missing = [](const std::optional<std::string>& v) { return !v || v->empty(); };
  if (missing(form.org_id)) return Refusal{std::string(kNotWellFormed), "orgid missing"};
  if (missing(form.batch_id)) return Refusal{std::string(kNotWellFormed), "batchid missing"};
  if (missing(form.user_id)) return Refusal{std::string(kNotWellFormed), "userid missing"};
  if (missing(form.xml)) return Refusal{std::string(kNotWellFormed), "xml part missing"};
  // The name comes back in Upload/FileName, which the log schema caps at 30 characters.
  if (form.file_name.empty() || form.file_name.size() > 30) {
    return Refusal{std::string(kBadDocumentName), "xml filename empty or over 30 characters"};
  }
  for (char ch : form.file_name) {
    if (ch < 0x20 || ch > 0x7e) {
      return Refusal{std::string(kBadDocumentName), "xml filename not printable ASCII"};
    }
  }
  return std::nullopt;
}

std::optional<Refusal> CheckAccess(const SimConfig& config, std::string_view org_id,
                                   std::string_view user_id, std::string_view peer_cn) {
  auto it = config.orgs.find(std::string(org_id));
  if (it == config.orgs.end()) {
    return Refusal{std::string(kInvalidOrg), "organisation not registered"};
  }
  if (peer_cn.empty() || !it->second.cert_cns.contains(std::string(peer_cn))) {
    return Refusal{std::string(kInvalidOrg), "client certificate not registered for the org"};
  }
  if (!it->second.user_ids.contains(std::string(user_id))) {
    return Refusal{std::string(kInvalidUser), "user id not registered for the org"};
  }
  return std::nullopt;
}

}  // namespace sevisflow::sim
