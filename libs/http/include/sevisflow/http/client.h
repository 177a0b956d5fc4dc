#pragma once
// An HTTPS client with a client certificate (libcurl + OpenSSL), for the SEVIS Batch upload and
// download endpoints. No curl types in this header.
//
// Error classification:
//   - UNAVAILABLE: transport trouble worth retrying later (cannot resolve or connect, timeout,
//     connection reset, server closed the connection, send/receive failures).
//   - FAILED_PRECONDITION: the TLS set-up is wrong and retrying will not help until someone fixes
//     it: unreadable client certificate or key, wrong key password, key not matching the
//     certificate, server certificate not trusted by ca_bundle_path, handshake refused (e.g. the
//     server requires a client certificate we did not present). The message names the problem.
//   - INVALID_ARGUMENT: a bad URL or form.
//   - Any HTTP status (200, 4xx, 5xx) is a successful Response: the caller decides.
//
// Thread-safe: one CURL handle per client (connections are kept alive between calls), used by
// one call at a time under a mutex.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"

namespace sevisflow::http {

struct TlsOptions {
  std::string client_cert_path;  // PEM; empty: no client certificate
  std::string client_key_path;   // PEM, possibly encrypted
  common::Secret key_password;   // for an encrypted key
  std::string ca_bundle_path;    // PEM CA(s) that sign the server; empty: the system store
  bool verify_peer = true;       // verify the server certificate and its host name
};

struct Timeouts {
  std::chrono::milliseconds connect{10000};
  std::chrono::milliseconds total{120000};  // whole request, including the upload
};

struct FormField {
  std::string name;
  std::string value;                    // the field's value, or the file's bytes
  std::optional<std::string> filename;  // set: sent as a file part
  std::string content_type;             // empty: curl's default
};

struct Response {
  long status = 0;
  std::string body;
  std::string content_type;  // the Content-Type header, empty if absent
};

class HttpsClient {
 public:
  HttpsClient(TlsOptions tls, Timeouts timeouts = {});
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // multipart/form-data POST.
  absl::StatusOr<Response> PostMultipart(const std::string& url,
                                         const std::vector<FormField>& fields);
  // GET with URL-encoded query parameters appended to url.
  absl::StatusOr<Response> Get(const std::string& url,
                               const std::map<std::string, std::string>& query = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends URL-encoded parameters ("?a=1&b=x%20y", or "&..." if url already has a query).
std::string AppendQuery(const std::string& url, const std::map<std::string, std::string>& query);

}  // namespace sevisflow::http
