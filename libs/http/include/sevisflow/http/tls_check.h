#pragma once
// Checks a client certificate and key before they are used, so that the commonest SEVIS upload
// failures (expired certificate, wrong key password, key from another certificate) are reported
// at start-up and by `sevisctl`, with a message a DSO or IT person can act on.

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"

namespace sevisflow::http {

struct CertInfo {
  std::string subject_cn;
  std::string issuer_cn;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  int days_to_expiry = 0;  // whole days from `now` to not_after (negative once expired)
};

// Loads the PEM certificate and the PEM key (decrypting it with `password` when encrypted) and
// checks that the key belongs to the certificate and that the certificate is valid at `now`.
// Errors (FAILED_PRECONDITION unless noted), each naming the problem:
//   unreadable file or not a regular file (NOT_FOUND for a missing one), not a PEM
//   certificate / key, wrong key password, key does not match certificate, certificate
//   expired, certificate not yet valid.
absl::StatusOr<CertInfo> InspectClientCredentials(
    const std::string& cert_path, const std::string& key_path, const common::Secret& password,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Checks the CA bundle that signs the server: a readable file holding at least one PEM
// certificate (NOT_FOUND for a missing file, FAILED_PRECONDITION otherwise, naming the problem).
absl::Status CheckCaBundle(const std::string& path);

}  // namespace sevisflow::http
