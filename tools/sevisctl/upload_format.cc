#include "upload_format.h"

#include <vector>

#include "review_format.h"

namespace sevisflow::sevisctl {
namespace {

const std::vector<std::string> kUploadHeader = {"BATCH",        "ORG",     "STATE",
                                                "RESULTS",      "ATTEMPTS", "NEXT_ATTEMPT",
                                                "UPDATED",      "CIRCUIT", "ERROR"};

std::string Codes(const v1::UploadState& upload) {
  if (upload.upload_result_code().empty() && upload.download_result_code().empty()) return "";
  return (upload.upload_result_code().empty() ? "-" : upload.upload_result_code()) + "/" +
         (upload.download_result_code().empty() ? "-" : upload.download_result_code());
}

std::vector<std::string> UploadRow(const v1::UploadState& upload) {
  std::string state = upload.state();
  if (upload.stuck()) state += " (stuck)";
  std::string attempts =
      std::to_string(upload.upload_attempts()) + "/" + std::to_string(upload.download_attempts());
  if (upload.retries() > 0) attempts += " +" + std::to_string(upload.retries()) + " retries";
  return {upload.batch_id(),       upload.org_id(),     state,
          Codes(upload),           attempts,            upload.next_attempt_at(),
          upload.updated_at(),     upload.circuit_state(), upload.last_error()};
}

std::string Count(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many) + "\n";
}

}  // namespace

std::string FormatUploadList(const v1::ListUploadsResponse& response) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::UploadState& upload : response.uploads()) rows.push_back(UploadRow(upload));
  return FormatTable(kUploadHeader, rows) + Count(response.uploads_size(), "upload", "uploads");
}

std::string FormatUploadChange(const v1::UploadState& upload, const std::string& verb) {
  return "batch " + upload.batch_id() + " " + verb + ": now " + upload.state() + "\n" +
         FormatTable(kUploadHeader, {UploadRow(upload)});
}

std::string FormatDocuments(const v1::ListDocumentsResponse& response) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::StoredDocument& doc : response.documents()) {
    rows.push_back({doc.batch_id(), doc.kind(), doc.path()});
  }
  return FormatTable({"BATCH", "KIND", "PATH"}, rows) +
         Count(response.documents_size(), "document", "documents");
}

}  // namespace sevisflow::sevisctl
