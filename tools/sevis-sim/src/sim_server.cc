#include "sim_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/socket.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "sevisflow/common/logging.h"

namespace sevisflow::sim {
namespace {

// Large enough for 250 create records with every optional field; SEVIS itself caps nothing
// we know of, but an unbounded body would let a client exhaust memory.
constexpr size_t kMaxPayloadBytes = 32 * 1024 * 1024;
constexpr char kPrefixes[] = "/(?:sevisbatch|sbtsevisbatch|alphasevisbatch)";

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Subject CN of the verified client certificate, "" when there is none.
std::string PeerCommonName(const httplib::Request& req) {
  if (req.ssl == nullptr) return {};
  X509Ptr cert(SSL_get1_peer_certificate(req.ssl));
  if (!cert || SSL_get_verify_result(req.ssl) != X509_V_OK) return {};
  X509_NAME* subject = X509_get_subject_name(cert.get());
  int len = X509_NAME_get_text_by_NID(subject, NID_commonName, nullptr, 0);
  if (len <= 0) return {};
  std::string cn(static_cast<size_t>(len) + 1, '\0');
  X509_NAME_get_text_by_NID(subject, NID_commonName, cn.data(), len + 1);
  cn.resize(static_cast<size_t>(len));
  return cn;
}

// A form field from a multipart part, the query string or an urlencoded body.
std::optional<std::string> Field(const httplib::Request& req, const char* name) {
  if (req.has_file(name)) return req.get_file_value(name).content;
  if (req.has_param(name)) return req.get_param_value(name);
  return std::nullopt;
}

void Send(const Reply& reply, httplib::Response& res) {
  res.status = reply.http_status;
  if (!reply.file_name.empty()) {
    res.set_header("Content-Disposition",
                   absl::StrCat("attachment; filename=\"", reply.file_name, "\""));
  }
  res.set_content(reply.body, reply.content_type.c_str());
}

bool FromLoopback(const httplib::Request& req) {
  return req.remote_addr == "127.0.0.1" || req.remote_addr == "::1" ||
         req.remote_addr == "::ffff:127.0.0.1";
}

// Closes the connection under the request so the client gets no answer at all (the response
// httplib then tries to write goes nowhere).
void DropConnection(const httplib::Request& req) {
  if (req.ssl == nullptr) return;
  const int fd = SSL_get_fd(req.ssl);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

std::string SafeFileName(const std::string& name) {
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return "result.zip";
  }
  return name;
}

}  // namespace

struct SimServer::Impl {
  std::unique_ptr<httplib::SSLServer> server;
  std::atomic<bool> stopping{false};

  // Sleeps, but returns early once Stop() was called so a long fault never holds up shutdown.
  void Sleep(double seconds) const {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    while (!stopping && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Serves the endpoint's next transport fault, if any. Returns true when the request is done
  // (500, timeout, drop); false when the normal handler runs (no fault, slow, drop_after), in
  // which case *drop_after says whether to close the connection after it.
  bool Fault(SevisSimulator& sim, Endpoint endpoint, const httplib::Request& req,
             httplib::Response& res, bool* drop_after) const {
    *drop_after = false;
    std::optional<sim::Fault> f = sim.faults().TakeTransport(endpoint);
    if (!f) return false;
    common::Logger("sevis-sim")
        ->info("fault {} on {}", FaultKindName(f->kind),
               endpoint == Endpoint::kUpload ? "upload" : "download");
    switch (f->kind) {
      case FaultKind::kHttp500:
        res.status = 500;
        res.set_content("Internal Server Error", "text/plain");
        return true;
      case FaultKind::kTimeout:
        Sleep(f->seconds);
        DropConnection(req);
        return true;
      case FaultKind::kDrop:
        DropConnection(req);
        return true;
      case FaultKind::kSlow:
        Sleep(f->seconds);
        return false;
      case FaultKind::kDropAfter:
        *drop_after = true;
        return false;
      default:
        return false;
    }
  }
};

SimServer::SimServer(SevisSimulator& simulator)
    : simulator_(simulator), impl_(std::make_unique<Impl>()) {}

SimServer::~SimServer() { Stop(); }

absl::Status SimServer::Start() {
  const SimConfig& c = simulator_.config();
  // A dropped-connection fault (or a client that hangs up) makes the next write hit a closed
  // socket; OpenSSL writes without MSG_NOSIGNAL, so SIGPIPE must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // With a client CA file, cpp-httplib sets SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT:
  // a client without a certificate from that CA never completes the handshake.
  impl_->server = std::make_unique<httplib::SSLServer>(
      c.cert_file.c_str(), c.key_file.c_str(), c.client_ca_file.c_str());
  httplib::SSLServer& svr = *impl_->server;
  if (!svr.is_valid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "TLS setup failed: check ", c.cert_file, ", ", c.key_file, " and ", c.client_ca_file));
  }
  // Clients that verify peers resume TLS sessions on a new connection (after a dropped one,
  // say). OpenSSL refuses to resume a session on a server that verifies client certificates
  // unless a session id context is set, and answers with an "internal error" alert instead.
  static constexpr unsigned char kSessionContext[] = "sevis-sim";
  SSL_CTX_set_session_id_context(svr.ssl_context(), kSessionContext,
                                 sizeof(kSessionContext) - 1);
  svr.set_payload_max_length(kMaxPayloadBytes);
  svr.set_read_timeout(std::chrono::seconds(30));
  svr.set_write_timeout(std::chrono::seconds(30));

  SevisSimulator& sim = simulator_;
  Impl* impl = impl_.get();
  svr.Post(absl::StrCat(kPrefixes, "/action/batchUpload"),
           [&sim, impl](const httplib::Request& req, httplib::Response& res) {
             bool drop_after = false;
             if (impl->Fault(sim, Endpoint::kUpload, req, res, &drop_after)) return;
             UploadForm form;
             form.org_id = Field(req, "orgid");
             form.batch_id = Field(req, "batchid");
             form.user_id = Field(req, "userid");
             if (req.has_file("xml")) {
               const httplib::MultipartFormData& part = req.get_file_value("xml");
               form.xml = part.content;
               form.file_name = part.filename;
             }
             Send(sim.Upload(form, PeerCommonName(req)), res);
             if (drop_after) DropConnection(req);
           });
  auto download = [&sim, impl](const httplib::Request& req, httplib::Response& res) {
    bool drop_after = false;
    if (impl->Fault(sim, Endpoint::kDownload, req, res, &drop_after)) return;
    DownloadForm form{Field(req, "orgid"), Field(req, "batchid"), Field(req, "userid")};
    Reply reply = sim.Download(form, PeerCommonName(req));
    if (!reply.file_name.empty()) reply.file_name = SafeFileName(reply.file_name);
    Send(reply, res);
    if (drop_after) DropConnection(req);
  };
  svr.Get(absl::StrCat(kPrefixes, "/action/batchDownload"), download);
  svr.Post(absl::StrCat(kPrefixes, "/action/batchDownload"), download);
  svr.Get("/sim/stats", [&sim](const httplib::Request&, httplib::Response& res) {
    res.set_content(sim.StatsJson(), "application/json");
  });
  // Test control: queue or clear faults (sim_faults.h). Loopback clients only.
  svr.Post("/sim/faults", [&sim](const httplib::Request& req, httplib::Response& res) {
    if (!FromLoopback(req)) {
      res.status = 403;
      res.set_content("{\"error\":\"loopback only\"}", "application/json");
      return;
    }
    if (absl::Status s = sim.faults().Apply(req.body); !s.ok()) {
      res.status = 400;
      res.set_content(nlohmann::json{{"error", std::string(s.message())}}.dump(),
                      "application/json");
      return;
    }
    res.set_content(nlohmann::json{{"pending", sim.faults().pending()}}.dump(),
                    "application/json");
  });

  if (c.port == 0) {
    port_ = svr.bind_to_any_port(c.host);
  } else {
    port_ = svr.bind_to_port(c.host, c.port) ? c.port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot bind ", c.host, ":", c.port));
  }
  thread_ = std::thread([&svr] { svr.listen_after_bind(); });
  // listen_after_bind flips is_running() before it accepts; Stop() before that would be lost.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!svr.is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::DeadlineExceededError("HTTPS listener did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  common::Logger("sevis-sim")->info("listening on {}:{}", c.host, port_);
  return absl::OkStatus();
}

void SimServer::Stop() {
  impl_->stopping = true;
  if (impl_->server) {
    // Called before the thread got running would leave it blocked; Start() prevents that by
    // returning only once the listener runs.
    impl_->server->stop();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace sevisflow::sim
