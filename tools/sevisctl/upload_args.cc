#include "upload_args.h"

#include <cctype>
#include <set>

#include "absl/status/status.h"

namespace sevisflow::sevisctl {
namespace {

// (This Abseil has its own string_view: the std::string_view helpers are local.)
std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

absl::StatusOr<std::string> Required(std::string_view value, const char* flag,
                                     const char* what) {
  std::string trimmed = Trim(value);
  if (trimmed.empty()) return Invalid(std::string(flag) + ": required (" + what + ")");
  return trimmed;
}

absl::StatusOr<std::string> Org(std::string_view org) {
  return Required(org, "--org", "a school code or program number");
}

// SEVIS's BatchIDType: exactly 14 characters, white space collapsed, no other pattern (IDs
// with '-' are in use), so: 14 printable ASCII characters without blanks.
absl::StatusOr<std::string> BatchId(std::string_view batch) {
  absl::StatusOr<std::string> id = Required(batch, "--batch", "the 14-character batch ID");
  if (!id.ok()) return id.status();
  bool printable = true;
  for (char c : *id) printable = printable && c > ' ' && c < 0x7f;
  if (id->size() != 14 || !printable) {
    return Invalid("--batch: '" + *id +
                   "' is not a batch ID (exactly 14 characters without blanks, as `uploads "
                   "list` prints it)");
  }
  return id;
}

}  // namespace

absl::StatusOr<std::string> ParseUploadState(std::string_view text) {
  std::string value = Trim(text);
  for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* state : kUploadStates) {
    if (value == state) return value;
  }
  std::string known;
  for (const char* state : kUploadStates) known += (known.empty() ? "" : ", ") + Lower(state);
  return Invalid("--state: '" + std::string(text) + "' is not an upload state (" + known + ")");
}

absl::StatusOr<v1::ListUploadsRequest> MakeListUploadsRequest(
    std::string_view org, const std::vector<std::string>& states) {
  v1::ListUploadsRequest request;
  request.set_org_id(Trim(org));  // empty: every org
  std::set<std::string> seen;
  for (const std::string& text : states) {
    absl::StatusOr<std::string> state = ParseUploadState(text);
    if (!state.ok()) return state.status();
    if (seen.insert(*state).second) request.add_states(*state);
  }
  return request;
}

absl::StatusOr<v1::RetryUploadRequest> MakeRetryUploadRequest(std::string_view org,
                                                              std::string_view batch) {
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  absl::StatusOr<std::string> batch_id = BatchId(batch);
  if (!batch_id.ok()) return batch_id.status();
  v1::RetryUploadRequest request;
  request.set_org_id(*org_id);
  request.set_batch_id(*batch_id);
  return request;
}

absl::StatusOr<v1::CancelUploadRequest> MakeCancelUploadRequest(std::string_view org,
                                                                std::string_view batch) {
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  absl::StatusOr<std::string> batch_id = BatchId(batch);
  if (!batch_id.ok()) return batch_id.status();
  v1::CancelUploadRequest request;
  request.set_org_id(*org_id);
  request.set_batch_id(*batch_id);
  return request;
}

absl::StatusOr<v1::ListDocumentsRequest> MakeListDocumentsRequest(std::string_view org,
                                                                  std::string_view person) {
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  absl::StatusOr<std::string> person_id = Required(person, "--person", "the SIS person id");
  if (!person_id.ok()) return person_id.status();
  v1::ListDocumentsRequest request;
  request.set_org_id(*org_id);
  request.set_person_id(*person_id);
  return request;
}

}  // namespace sevisflow::sevisctl
