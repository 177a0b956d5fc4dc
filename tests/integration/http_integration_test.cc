// sevisflow::http against a real TLS server that requires a client certificate: an in-process
// cpp-httplib SSLServer on a free loopback port, with certificates made by gen-certs.sh and an
// expired one made here with the OpenSSL API.

// The compiled Debian cpp-httplib was built with these; the header must see the same ones.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "sevisflow/http/client.h"
#include "sevisflow/http/tls_check.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/tls.h"

namespace sevisflow {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const http::Timeouts kTimeouts{std::chrono::seconds(30), std::chrono::seconds(120)};

// --- an expired client certificate, signed by the test CA (OpenSSL API) ----------------------
// (Kept here rather than in sevisflow::testing, which does not link OpenSSL.)

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using FilePtr = std::unique_ptr<FILE, FileClose>;

// Writes <dir>/expired.pem and <dir>/expired.key: CN=EXPIRED, valid from two years ago until
// yesterday.
void MakeExpiredClientCert(const testing::TlsMaterial& m, const std::string& dir) {
  FilePtr ca_cert_file(std::fopen(m.ca_cert.c_str(), "r"));
  FilePtr ca_key_file(std::fopen(m.ca_key.c_str(), "r"));
  ASSERT_TRUE(ca_cert_file && ca_key_file);
  X509Ptr ca(PEM_read_X509(ca_cert_file.get(), nullptr, nullptr, nullptr));
  PkeyPtr ca_key(PEM_read_PrivateKey(ca_key_file.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(ca && ca_key);

  PkeyPtr key(EVP_RSA_gen(2048));
  ASSERT_TRUE(key);
  X509Ptr cert(X509_new());
  ASSERT_TRUE(cert);
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -2L * 365 * 24 * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), -24L * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("EXPIRED"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  X509_set_pubkey(cert.get(), key.get());
  ASSERT_GT(X509_sign(cert.get(), ca_key.get(), EVP_sha256()), 0);

  FilePtr cert_out(std::fopen((dir + "/expired.pem").c_str(), "w"));
  FilePtr key_out(std::fopen((dir + "/expired.key").c_str(), "w"));
  ASSERT_TRUE(cert_out && key_out);
  ASSERT_EQ(PEM_write_X509(cert_out.get(), cert.get()), 1);
  ASSERT_EQ(PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
            1);
}

// --- the server ------------------------------------------------------------------------------

struct ReceivedPart {
  std::string name, content, filename, content_type;
};

class HttpIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto m = testing::MakeTlsMaterial(testing::ScratchDir("http-tls"), {"ORG1", "ORG2"});
    ASSERT_TRUE(m.ok()) << m.status();
    material_ = new testing::TlsMaterial(std::move(*m));
    // A second, unrelated CA: its "server" and "client" certificates are trusted by nobody here.
    auto other = testing::MakeTlsMaterial(testing::ScratchDir("http-tls-other"), {"ROGUE"});
    ASSERT_TRUE(other.ok()) << other.status();
    other_ = new testing::TlsMaterial(std::move(*other));
  }
  static void TearDownTestSuite() {
    delete material_;
    delete other_;
    material_ = nullptr;
    other_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(material_, nullptr);
    // Requires a client certificate signed by the test CA.
    server_ = std::make_unique<httplib::SSLServer>(
        material_->server_cert.c_str(), material_->server_key.c_str(), material_->ca_cert.c_str());
    ASSERT_TRUE(server_->is_valid());
    server_->Post("/upload", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      for (const auto& [name, part] : req.files) {
        received_.push_back({part.name, part.content, part.filename, part.content_type});
      }
      if (req.ssl != nullptr) {
        X509* peer = SSL_get1_peer_certificate(const_cast<SSL*>(req.ssl));
        if (peer != nullptr) {
          char cn[256] = {0};
          X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
          peer_cn_ = cn;
          X509_free(peer);
        }
      }
      res.status = 200;
      res.set_content("accepted", "text/plain");
    });
    server_->Get("/download", [](const httplib::Request& req, httplib::Response& res) {
      res.status = req.has_param("batchId") ? 200 : 404;
      res.set_content(req.get_param_value("batchId") + "|" + req.get_param_value("note"),
                      "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(server_->is_running());
    base_ = "https://localhost:" + std::to_string(port_);
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  http::TlsOptions ClientTls(const std::string& org) const {
    const auto& c = material_->clients.at(org);
    http::TlsOptions tls;
    tls.client_cert_path = c.cert;
    tls.client_key_path = c.key;
    tls.ca_bundle_path = material_->ca_cert;
    return tls;
  }

  static testing::TlsMaterial* material_;
  static testing::TlsMaterial* other_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string base_;
  std::mutex mu_;
  std::vector<ReceivedPart> received_;
  std::string peer_cn_;
};

testing::TlsMaterial* HttpIntegrationTest::material_ = nullptr;
testing::TlsMaterial* HttpIntegrationTest::other_ = nullptr;

TEST_F(HttpIntegrationTest, MultipartPostArrivesWithFieldsAndFilePart) {
  http::HttpsClient client(ClientTls("ORG1"), kTimeouts);
  std::string xml("<?xml version=\"1.0\"?>\n<SEVISBatchCreateUpdateStudent/>\0tail", 57);
  auto r = client.PostMultipart(
      base_ + "/upload",
      {{"orgID", "ORG1", std::nullopt, ""},
       {"batchID", "B0000000000001", std::nullopt, ""},
       {"uploadFile", xml, std::string("B0000000000001.xml"), "application/xml"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "accepted");
  EXPECT_THAT(r->content_type, HasSubstr("text/plain"));

  std::lock_guard lock(mu_);
  EXPECT_EQ(peer_cn_, "ORG1");
  ASSERT_EQ(received_.size(), 3u);
  std::map<std::string, ReceivedPart> by_name;
  for (const auto& p : received_) by_name[p.name] = p;
  EXPECT_EQ(by_name["orgID"].content, "ORG1");
  EXPECT_EQ(by_name["orgID"].filename, "");
  EXPECT_EQ(by_name["batchID"].content, "B0000000000001");
  EXPECT_EQ(by_name["uploadFile"].content, xml);  // binary-safe, NUL included
  EXPECT_EQ(by_name["uploadFile"].filename, "B0000000000001.xml");
  EXPECT_EQ(by_name["uploadFile"].content_type, "application/xml");
}

TEST_F(HttpIntegrationTest, GetSendsEncodedQueryAndReusesTheClient) {
  http::HttpsClient client(ClientTls("ORG1"), kTimeouts);
  for (int i = 0; i < 3; ++i) {  // same handle, several requests
    auto r = client.Get(base_ + "/download", {{"batchId", "B1"}, {"note", "a b&c=d"}});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "B1|a b&c=d");
    EXPECT_THAT(r->content_type, HasSubstr("application/json"));
  }
  // An HTTP error status is a response, not an error.
  auto missing = client.Get(base_ + "/download");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpIntegrationTest, EncryptedKeyWithItsPasswordWorks) {
  const auto& c = material_->clients.at("ORG2");
  http::TlsOptions tls = ClientTls("ORG2");
  tls.client_key_path = c.encrypted_key;
  tls.key_password = common::Secret(c.key_password);
  http::HttpsClient client(tls, kTimeouts);
  auto r = client.Get(base_ + "/download", {{"batchId", "B2"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpIntegrationTest, WrongKeyPasswordIsFailedPrecondition) {
  const auto& c = material_->clients.at("ORG2");
  http::TlsOptions tls = ClientTls("ORG2");
  tls.client_key_path = c.encrypted_key;
  tls.key_password = common::Secret("not-the-password");
  http::HttpsClient client(tls, kTimeouts);
  auto r = client.Get(base_ + "/download", {{"batchId", "B2"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("wrong key password"));
}

TEST_F(HttpIntegrationTest, ClientWithoutCertificateIsRefused) {
  http::TlsOptions tls;
  tls.ca_bundle_path = material_->ca_cert;
  http::HttpsClient client(tls, kTimeouts);
  auto r = client.PostMultipart(base_ + "/upload", {{"orgID", "ORG1", std::nullopt, ""}});
  EXPECT_FALSE(r.ok() && r->status == 200);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  std::lock_guard lock(mu_);
  EXPECT_TRUE(received_.empty());
}

TEST_F(HttpIntegrationTest, ClientCertificateFromAnotherCaIsRefused) {
  const auto& c = other_->clients.at("ROGUE");
  http::TlsOptions tls;
  tls.client_cert_path = c.cert;
  tls.client_key_path = c.key;
  tls.ca_bundle_path = material_->ca_cert;
  http::HttpsClient client(tls, kTimeouts);
  auto r = client.PostMultipart(base_ + "/upload", {{"orgID", "ROGUE", std::nullopt, ""}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  std::lock_guard lock(mu_);
  EXPECT_TRUE(received_.empty());
}

TEST_F(HttpIntegrationTest, ServerSignedByUntrustedCaFailsVerification) {
  http::TlsOptions tls = ClientTls("ORG1");
  tls.ca_bundle_path = other_->ca_cert;  // did not sign the server
  http::HttpsClient client(tls, kTimeouts);
  auto r = client.Get(base_ + "/download", {{"batchId", "B1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not trusted"));
}

TEST_F(HttpIntegrationTest, InspectClientCredentialsReportsGoodCertificate) {
  const auto& c = material_->clients.at("ORG1");
  auto info = http::InspectClientCredentials(c.cert, c.key, {});
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->subject_cn, "ORG1");
  EXPECT_EQ(info->issuer_cn, "sevisflow local SEVIS CA");
  // gen-certs.sh makes 730-day certificates (minus the time since they were made).
  EXPECT_GE(info->days_to_expiry, 700);
  EXPECT_LE(info->days_to_expiry, 730);
  EXPECT_GT(info->not_after, std::chrono::system_clock::now());

  const auto& c2 = material_->clients.at("ORG2");
  auto enc = http::InspectClientCredentials(c2.cert, c2.encrypted_key,
                                            common::Secret(c2.key_password));
  ASSERT_TRUE(enc.ok()) << enc.status();
  EXPECT_EQ(enc->subject_cn, "ORG2");

  // The same certificate seen from a day after its expiry.
  auto later = http::InspectClientCredentials(c.cert, c.key, {},
                                              info->not_after + std::chrono::hours(24));
  ASSERT_FALSE(later.ok());
  EXPECT_THAT(std::string(later.status().message()), HasSubstr("expired"));
}

TEST_F(HttpIntegrationTest, InspectClientCredentialsDetectsProblems) {
  const auto& c1 = material_->clients.at("ORG1");
  const auto& c2 = material_->clients.at("ORG2");

  auto mismatch = http::InspectClientCredentials(c1.cert, c2.key, {});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(mismatch.status().message()), HasSubstr("does not match"));

  auto wrong = http::InspectClientCredentials(c2.cert, c2.encrypted_key, common::Secret("nope"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("wrong key password"));

  auto no_password = http::InspectClientCredentials(c2.cert, c2.encrypted_key, {});
  ASSERT_FALSE(no_password.ok());
  EXPECT_THAT(std::string(no_password.status().message()), HasSubstr("no key password"));

  std::string dir = testing::ScratchDir("http-expired");
  MakeExpiredClientCert(*material_, dir);
  auto expired = http::InspectClientCredentials(dir + "/expired.pem", dir + "/expired.key", {});
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(expired.status().message()), HasSubstr("expired on"));
  EXPECT_THAT(std::string(expired.status().message()), HasSubstr("EXPIRED"));

  auto missing = http::InspectClientCredentials(dir + "/nope.pem", c1.key, {});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(HttpIntegrationTest, ExpiredClientCertificateIsRefusedByTheServer) {
  std::string dir = testing::ScratchDir("http-expired-tls");
  MakeExpiredClientCert(*material_, dir);
  http::TlsOptions tls;
  tls.client_cert_path = dir + "/expired.pem";
  tls.client_key_path = dir + "/expired.key";
  tls.ca_bundle_path = material_->ca_cert;
  http::HttpsClient client(tls, kTimeouts);
  auto r = client.Get(base_ + "/download", {{"batchId", "B1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
}

}  // namespace
}  // namespace sevisflow
