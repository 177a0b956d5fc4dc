#include "sevisflow/http/client.h"

#include <curl/curl.h>

#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/http/tls_check.h"

namespace sevisflow::http {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using MimePtr = std::unique_ptr<curl_mime, MimeDeleter>;

// curl_global_init is not thread-safe and must run once per process before any handle.
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Collects curl's own informational and error lines (CURLINFO_TEXT only: never headers or
// bodies, which may carry personal data). curl's error buffer keeps only the FIRST failure
// message, and after a server's TLS alert that is often a side effect (e.g. "getpeername()
// failed") while the alert itself is reported later.
int DebugText(CURL*, curl_infotype type, char* data, size_t size, void* userdata) {
  if (type == CURLINFO_TEXT) {
    auto* log = static_cast<std::string*>(userdata);
    if (log->size() < 16384) log->append(data, size);
  }
  return 0;
}

// True when this request made a fresh TLS handshake in which the server asked for a client
// certificate and we answered (TLS 1.3 sends an empty Certificate message when we have none).
bool AnsweredCertificateRequest(const std::string& trace) {
  return absl::StrContains(trace, "(IN), TLS handshake, Request CERT") &&
         absl::StrContains(trace, "(OUT), TLS handshake, Certificate");
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  body->append(data, size * nmemb);
  return size * nmemb;
}

// The line naming a TLS alert by which the server refused us, or "".
std::string TlsRefusal(const std::string& text) {
  // OpenSSL alerts sent by a server that refuses our certificate, or the lack of one (TLS 1.3
  // reports these after the handshake, on the first read).
  for (const char* s : {"alert certificate required", "alert handshake failure",
                        "alert bad certificate", "alert unknown ca", "alert certificate expired",
                        "alert certificate revoked", "alert certificate unknown",
                        "alert access denied", "alert decrypt error"}) {
    auto pos = text.find(s);
    if (pos == std::string::npos) continue;
    auto begin = text.rfind('\n', pos);
    begin = begin == std::string::npos ? 0 : begin + 1;
    auto end = text.find('\n', pos);
    return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  return "";
}

}  // namespace

// The buffers of one request.
struct Call {
  std::string body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string trace;  // curl's CURLINFO_TEXT lines
};

struct HttpsClient::Impl {
  TlsOptions tls;
  Timeouts timeouts;
  std::mutex mu;
  CurlPtr curl;  // guarded by mu; one handle keeps its connection cache (keep-alive)

  // Sets everything that every request needs, after curl_easy_reset (which keeps the
  // connection, DNS and TLS session caches).
  void Prepare(const std::string& url, Call* call) {
    CURL* c = curl.get();
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, call->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &call->body);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, DebugText);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &call->trace);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds DebugText only; nothing is printed
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total.count()));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls.verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls.verify_peer ? 2L : 0L);
    if (!tls.ca_bundle_path.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_bundle_path.c_str());
    if (!tls.client_cert_path.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, tls.client_cert_path.c_str());
      curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!tls.client_key_path.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLKEY, tls.client_key_path.c_str());
      curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (!tls.key_password.empty()) {
      curl_easy_setopt(c, CURLOPT_KEYPASSWD, tls.key_password.Reveal().c_str());
    }
  }

  absl::Status Classify(CURLcode code, const Call& call) {
    std::string detail = call.errbuf[0] != '\0' ? call.errbuf : curl_easy_strerror(code);
    switch (code) {
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        return absl::InvalidArgumentError(absl::StrCat("https: bad URL: ", detail));
      case CURLE_SSL_CERTPROBLEM: {
        // curl only says "unable to set private key file"; our own check says why.
        std::string why = detail;
        if (!tls.client_cert_path.empty()) {
          auto info = InspectClientCredentials(tls.client_cert_path, tls.client_key_path,
                                               tls.key_password);
          if (!info.ok()) why = std::string(info.status().message());
        }
        return absl::FailedPreconditionError(
            absl::StrCat("https: client certificate problem: ", why));
      }
      case CURLE_PEER_FAILED_VERIFICATION:
        return absl::FailedPreconditionError(absl::StrCat(
            "https: server certificate not trusted (check ca_bundle_path): ", detail));
      case CURLE_SSL_CACERT_BADFILE:
        return absl::FailedPreconditionError(
            absl::StrCat("https: cannot read CA bundle ", tls.ca_bundle_path, ": ", detail));
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_ENGINE_NOTFOUND:
      case CURLE_SSL_ENGINE_SETFAILED:
      case CURLE_SSL_ENGINE_INITFAILED:
      case CURLE_SSL_CRL_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      case CURLE_SSL_INVALIDCERTSTATUS:
      case CURLE_USE_SSL_FAILED:
      case CURLE_SSL_CLIENTCERT:
        return absl::FailedPreconditionError(absl::StrCat("https: TLS set-up problem: ", detail));
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR:
      case CURLE_GOT_NOTHING: {
        if (std::string alert = TlsRefusal(detail + "\n" + call.trace); !alert.empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "https: server refused the TLS handshake (client certificate missing, expired or "
              "not accepted): ",
              alert));
        }
        long http_status = 0;
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &http_status);
        if (http_status == 0 && AnsweredCertificateRequest(call.trace)) {
          // With TLS 1.3 the server checks our certificate after the client considers the
          // handshake done; it then sends an alert and closes, and the close often wins the
          // race against the alert (we see only "Broken pipe" / "Connection reset"). A server
          // that asked for a certificate, got one (or an empty one) and hung up before any
          // HTTP response has, in practice, refused it.
          return absl::FailedPreconditionError(absl::StrCat(
              "https: server closed the connection right after the TLS handshake without an "
              "HTTP response; it most likely refused the client certificate (missing, expired, "
              "not registered or from an untrusted CA): ",
              detail));
        }
        return absl::UnavailableError(absl::StrCat("https: ", detail));
      }
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
      case CURLE_COULDNT_CONNECT:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_PARTIAL_FILE:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
      case CURLE_AGAIN:
        return absl::UnavailableError(absl::StrCat("https: ", detail));
      default:
        return absl::InternalError(absl::StrCat("https: curl error ", static_cast<int>(code),
                                                ": ", detail));
    }
  }

  absl::StatusOr<Response> Perform(Call* call) {
    CURLcode code = curl_easy_perform(curl.get());
    if (code != CURLE_OK) return Classify(code, *call);
    Response r;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
    char* ct = nullptr;
    if (curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != nullptr) {
      r.content_type = ct;
    }
    r.body = std::move(call->body);
    return r;
  }
};

HttpsClient::HttpsClient(TlsOptions tls, Timeouts timeouts) : impl_(std::make_unique<Impl>()) {
  GlobalInitOnce();
  impl_->tls = std::move(tls);
  impl_->timeouts = timeouts;
  impl_->curl.reset(curl_easy_init());
}

HttpsClient::~HttpsClient() = default;

absl::StatusOr<Response> HttpsClient::PostMultipart(const std::string& url,
                                                    const std::vector<FormField>& fields) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->curl) return absl::InternalError("https: curl_easy_init failed");
  Call call;
  impl_->Prepare(url, &call);
  MimePtr mime(curl_mime_init(impl_->curl.get()));
  for (const auto& f : fields) {
    if (f.name.empty()) return absl::InvalidArgumentError("https: form field without a name");
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, f.name.c_str());
    // Binary-safe: the length is given, so a file part may hold NULs (zip, PDF).
    curl_mime_data(part, f.value.data(), f.value.size());
    if (f.filename) curl_mime_filename(part, f.filename->c_str());
    if (!f.content_type.empty()) curl_mime_type(part, f.content_type.c_str());
  }
  curl_easy_setopt(impl_->curl.get(), CURLOPT_MIMEPOST, mime.get());
  auto result = impl_->Perform(&call);
  // The handle must not keep a pointer to the mime structure we are about to free.
  curl_easy_setopt(impl_->curl.get(), CURLOPT_MIMEPOST, nullptr);
  return result;
}

absl::StatusOr<Response> HttpsClient::Get(const std::string& url,
                                          const std::map<std::string, std::string>& query) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->curl) return absl::InternalError("https: curl_easy_init failed");
  Call call;
  impl_->Prepare(AppendQuery(url, query), &call);
  curl_easy_setopt(impl_->curl.get(), CURLOPT_HTTPGET, 1L);
  return impl_->Perform(&call);
}

std::string AppendQuery(const std::string& url, const std::map<std::string, std::string>& query) {
  if (query.empty()) return url;
  GlobalInitOnce();
  CurlPtr c(curl_easy_init());
  std::string out = url;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : query) {
    char* ek = curl_easy_escape(c.get(), k.data(), static_cast<int>(k.size()));
    char* ev = curl_easy_escape(c.get(), v.data(), static_cast<int>(v.size()));
    out += sep;
    out += ek ? ek : "";
    out += '=';
    out += ev ? ev : "";
    curl_free(ek);
    curl_free(ev);
    sep = '&';
  }
  return out;
}

}  // namespace sevisflow::http
