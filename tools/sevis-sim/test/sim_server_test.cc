// sevis-sim's HTTPS front with fault injection: the faults are queued through the loopback
// admin endpoint POST /sim/faults and observed by a real TLS client (cpp-httplib), and the
// server can be started with an expired certificate that clients must refuse.

#include "sim_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "sevisflow/common/clock.h"
#include "sevisflow/testing/certs.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/tls.h"
#include "sim_service.h"
#include "sim_test_documents.h"

namespace sevisflow::sim {
namespace {

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free_all(b); }
};
struct SessionFree {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// One raw TLS connection (OpenSSL, client certificate, server verified) sending GET /sim/stats;
// resumes `resume` when given. Returns the HTTP status line ("" when the handshake or the
// request failed), whether the session was resumed and the session for a later connection.
struct RawTls {
  std::string status_line;
  bool reused = false;
  SessionPtr session;
};

RawTls RawGetStats(int port, const testing::TlsMaterial& tls, const std::string& org,
                   SSL_SESSION* resume) {
  RawTls out;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_use_certificate_file(ctx.get(), tls.clients.at(org).cert.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_use_PrivateKey_file(ctx.get(), tls.clients.at(org).key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_load_verify_locations(ctx.get(), tls.ca_cert.c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  std::unique_ptr<BIO, BioFree> bio(BIO_new_ssl_connect(ctx.get()));
  SSL* ssl = nullptr;  // owned by bio
  BIO_get_ssl(bio.get(), &ssl);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  BIO_set_conn_hostname(bio.get(), address.c_str());
  if (resume != nullptr) SSL_set_session(ssl, resume);
  if (BIO_do_connect(bio.get()) != 1 || BIO_do_handshake(bio.get()) != 1) return out;
  const std::string request =
      "GET /sim/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  BIO_write(bio.get(), request.data(), static_cast<int>(request.size()));
  std::string reply;
  char buf[4096];
  int n;
  while ((n = BIO_read(bio.get(), buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
  out.status_line = reply.substr(0, reply.find("\r\n"));
  out.reused = SSL_session_reused(ssl) == 1;
  out.session.reset(SSL_get1_session(ssl));
  return out;
}

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kUser[] = "dso0000001";

class SimServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("sevis_sim_server");
    auto tls = testing::MakeTlsMaterial(dir_ + "/certs", {kOrg});
    ASSERT_TRUE(tls.ok()) << tls.status();
    tls_ = *std::move(tls);
    config_.cert_file = tls_.server_cert;
    config_.key_file = tls_.server_key;
    config_.client_ca_file = tls_.ca_cert;
    config_.xsd_dir = testing::XsdDir();
    config_.data_dir = dir_ + "/data";
    config_.orgs[kOrg] = OrgRegistration{kOrg, {kUser}, {kOrg}};
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  void Start() {
    auto sim = SevisSimulator::Create(config_, clock_);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    server_ = std::make_unique<SimServer>(*sim_);
    ASSERT_TRUE(server_->Start().ok());
  }

  std::unique_ptr<httplib::SSLClient> Client(int read_timeout_ms = 60000) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port(),
                                                  tls_.clients.at(kOrg).cert,
                                                  tls_.clients.at(kOrg).key);
    c->set_ca_cert_path(tls_.ca_cert.c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(std::chrono::seconds(30));
    c->set_read_timeout(std::chrono::milliseconds(read_timeout_ms));
    c->set_write_timeout(std::chrono::seconds(60));
    return c;
  }

  httplib::Result Upload(httplib::SSLClient& c, const std::string& batch_id) {
    const std::string xml = testdocs::StudentDocument(
        batch_id, kOrg, kUser, {{"req-1", "Testperson", "Alpha", "2001-02-03", ""}});
    httplib::MultipartFormDataItems items = {{"orgid", kOrg, "", ""},
                                             {"batchid", batch_id, "", ""},
                                             {"userid", kUser, "", ""},
                                             {"xml", xml, "batch.xml", "text/xml"}};
    return c.Post("/sevisbatch/action/batchUpload", items);
  }

  httplib::Result Download(httplib::SSLClient& c, const std::string& batch_id) {
    return c.Get(("/sevisbatch/action/batchDownload?orgid=" + std::string(kOrg) +
                  "&batchid=" + batch_id + "&userid=" + kUser)
                     .c_str());
  }

  static std::string UploadCode(const httplib::Result& res) {
    if (!res) return "no reply";
    std::smatch m;
    static const std::regex kCode(R"re(<Upload\b[^>]*\bresultCode="([^"]+)")re");
    if (!std::regex_search(res->body, m, kCode)) return "no code";
    return m[1];
  }

  void QueueFaults(const std::string& json) {
    auto res = Client()->Post("/sim/faults", json, "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_EQ(res->status, 200) << res->body;
  }

  nlohmann::json Stats() {
    auto res = Client()->Get("/sim/stats");
    EXPECT_TRUE(res);
    return res ? nlohmann::json::parse(res->body) : nlohmann::json::object();
  }

  std::string dir_;
  testing::TlsMaterial tls_;
  SimConfig config_;
  common::SystemClock clock_;
  std::unique_ptr<SevisSimulator> sim_;
  std::unique_ptr<SimServer> server_;
};

TEST_F(SimServerTest, Http500ForTheNextNUploadsThenNormalService) {
  Start();
  QueueFaults(R"({"faults": [{"kind": "http500", "on": "upload", "count": 2}]})");
  auto c = Client();
  for (int i = 0; i < 2; ++i) {
    auto res = Upload(*c, "SIMSRV00000001");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 500);
  }
  // Downloads were not targeted: S0031 as usual.
  auto dl = Download(*c, "SIMSRV00000001");
  ASSERT_TRUE(dl);
  EXPECT_EQ(dl->status, 200);
  EXPECT_EQ(UploadCode(Upload(*c, "SIMSRV00000001")), "S0000");
  nlohmann::json stats = Stats();
  EXPECT_EQ(stats["faults_served"]["http500"], 2);
  EXPECT_EQ(stats["total_uploads"], 1);  // a 500 never reached SEVIS
  EXPECT_EQ(stats["accepted_by_batch"]["SIMSRV00000001"], 1);
}

TEST_F(SimServerTest, DropBeforeLosesTheUploadDropAfterKeepsIt) {
  Start();
  QueueFaults(R"({"faults": [{"kind": "drop", "on": "upload"},
                             {"kind": "drop_after", "on": "upload"}]})");
  auto c = Client();
  EXPECT_FALSE(Upload(*c, "SIMSRV00000002"));  // no answer; nothing stored
  EXPECT_EQ(Stats()["total_uploads"], 0);
  EXPECT_FALSE(Upload(*c, "SIMSRV00000002"));  // no answer, but SEVIS took it
  EXPECT_EQ(Stats()["accepted_by_batch"]["SIMSRV00000002"], 1);
  // The client's retry is the duplicate batch SEVIS would answer.
  EXPECT_EQ(UploadCode(Upload(*c, "SIMSRV00000002")), "S0010");
  auto dl = Download(*c, "SIMSRV00000002");
  ASSERT_TRUE(dl);
  EXPECT_EQ(dl->get_header_value("Content-Type"), "application/zip");
  nlohmann::json stats = Stats();
  EXPECT_EQ(stats["faults_served"]["drop"], 1);
  EXPECT_EQ(stats["faults_served"]["drop_after"], 1);
}

TEST_F(SimServerTest, TimeoutGivesNoAnswerAndSlowAnswersLate) {
  Start();
  QueueFaults(R"({"faults": [{"kind": "timeout", "on": "download", "seconds": 3},
                             {"kind": "slow", "on": "download", "seconds": 0.6}]})");
  auto impatient = Client(/*read_timeout_ms=*/1000);
  auto res = Download(*impatient, "SIMSRV00000003");
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::Read);

  auto c = Client();
  const auto start = std::chrono::steady_clock::now();
  auto slow = Download(*c, "SIMSRV00000003");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->status, 200);
  EXPECT_NE(slow->body.find("S0031"), std::string::npos);
  EXPECT_GE(took, std::chrono::milliseconds(550));
  nlohmann::json stats = Stats();
  EXPECT_EQ(stats["faults_served"]["timeout"], 1);
  EXPECT_EQ(stats["faults_served"]["slow"], 1);
}

TEST_F(SimServerTest, AdminEndpointRejectsBadRequestsAndClears) {
  Start();
  auto c = Client();
  auto bad = c->Post("/sim/faults", R"({"faults": [{"kind": "meteor"}]})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("unknown kind"), std::string::npos);
  QueueFaults(R"({"faults": [{"kind": "http500", "count": 10}]})");
  auto cleared = c->Post("/sim/faults", R"({"clear": true})", "application/json");
  ASSERT_TRUE(cleared);
  EXPECT_EQ(nlohmann::json::parse(cleared->body)["pending"], 0);
  EXPECT_EQ(UploadCode(Upload(*c, "SIMSRV00000004")), "S0000");
  EXPECT_EQ(Stats()["faults_served"]["total"], 0);
}

TEST_F(SimServerTest, ServerCertificateFromConfigExpiredIsRefusedByClients) {
  const auto now = std::chrono::system_clock::now();
  testing::CertSpec spec{dir_ + "/server-certs", "valid", "127.0.0.1",
                         now - std::chrono::hours(24), now + std::chrono::hours(24 * 30), "",
                         tls_.ca_cert, tls_.ca_key};
  auto valid = testing::MakeCertificate(spec);
  ASSERT_TRUE(valid.ok()) << valid.status();
  spec.name = "expired";
  spec.not_before = now - std::chrono::hours(24 * 400);
  spec.not_after = now - std::chrono::hours(24);
  auto expired = testing::MakeCertificate(spec);
  ASSERT_TRUE(expired.ok()) << expired.status();

  // Control: the same issuer and subject, in date, is accepted.
  config_.cert_file = valid->cert;
  config_.key_file = valid->key;
  Start();
  EXPECT_EQ(UploadCode(Upload(*Client(), "SIMSRV00000005")), "S0000");
  server_->Stop();
  server_.reset();
  sim_.reset();

  config_.cert_file = expired->cert;
  config_.key_file = expired->key;
  Start();
  auto res = Upload(*Client(), "SIMSRV00000006");
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::SSLServerVerification);
}

TEST_F(SimServerTest, ClientsResumeTlsSessionsOnNewConnections) {
  // A client whose connection was dropped reconnects resuming its session (curl does); the
  // server must accept that rather than fail the handshake with an internal-error alert.
  Start();
  RawTls first = RawGetStats(server_->port(), tls_, kOrg, nullptr);
  ASSERT_EQ(first.status_line, "HTTP/1.1 200 OK");
  ASSERT_NE(first.session, nullptr);
  RawTls second = RawGetStats(server_->port(), tls_, kOrg, first.session.get());
  EXPECT_EQ(second.status_line, "HTTP/1.1 200 OK");
  EXPECT_TRUE(second.reused);
}

}  // namespace
}  // namespace sevisflow::sim
