// Unit tests of sevisflow::http that need no server; certificates are made in the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sevisflow/http/client.h"
#include "sevisflow/http/tls_check.h"
#include "sevisflow/testing/certs.h"
#include "sevisflow/testing/ports.h"

namespace sevisflow::http {
namespace {

using ::testing::HasSubstr;

TEST(AppendQueryTest, EncodesParameters) {
  EXPECT_EQ(AppendQuery("https://h/p", {}), "https://h/p");
  EXPECT_EQ(AppendQuery("https://h/p", {{"orgId", "ABC214F12345000"}, {"x", "a b&c=d/é"}}),
            "https://h/p?orgId=ABC214F12345000&x=a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(AppendQuery("https://h/p?a=1", {{"b", "2"}}), "https://h/p?a=1&b=2");
}

TEST(HttpsClientTest, NothingListeningIsUnavailable) {
  HttpsClient client(TlsOptions{}, Timeouts{std::chrono::seconds(10), std::chrono::seconds(30)});
  std::string url = "https://127.0.0.1:" + std::to_string(testing::FreePort()) + "/x";
  auto get = client.Get(url);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.status().code(), absl::StatusCode::kUnavailable) << get.status();
  auto post = client.PostMultipart(url, {{"a", "b", std::nullopt, ""}});
  EXPECT_EQ(post.status().code(), absl::StatusCode::kUnavailable) << post.status();
}

TEST(HttpsClientTest, BadUrlIsInvalidArgument) {
  HttpsClient client(TlsOptions{});
  EXPECT_EQ(client.Get("ftp://127.0.0.1/x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Get("http://[::1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(InspectClientCredentialsTest, MissingFileIsNotFound) {
  std::string dir = testing::ScratchDir("http-unit");
  auto info = InspectClientCredentials(dir + "/missing.pem", dir + "/missing.key", {});
  EXPECT_EQ(info.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("client certificate file not found"));
}

TEST(InspectClientCredentialsTest, GarbageFilesAreNamed) {
  std::string dir = testing::ScratchDir("http-unit-garbage");
  std::ofstream(dir + "/c.pem") << "not a certificate";
  std::ofstream(dir + "/k.pem") << "not a key";
  auto info = InspectClientCredentials(dir + "/c.pem", dir + "/k.pem", {});
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("not a PEM certificate"));
}

// Real certificates with chosen validity windows (sevisflow::testing::MakeCertificate).
class CredentialCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("http-unit-certs");
    now_ = std::chrono::system_clock::now();
  }
  testing::CertFiles Make(const std::string& name, std::chrono::hours from_now,
                          const std::string& password = "") {
    auto files = testing::MakeCertificateValidUntil(dir_, name, now_ + from_now, password);
    EXPECT_TRUE(files.ok()) << files.status();
    return files.ok() ? *files : testing::CertFiles{};
  }
  static std::chrono::hours Days(int n) { return std::chrono::hours(24 * n); }

  std::string dir_;
  std::chrono::system_clock::time_point now_;
};

TEST_F(CredentialCheckTest, GoodEncryptedKeyGivesNamesAndDays) {
  auto f = Make("good", Days(100) + std::chrono::hours(1), "s3cret-pw");
  auto info = InspectClientCredentials(f.cert, f.key, common::Secret("s3cret-pw"), now_);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->subject_cn, "good");
  EXPECT_EQ(info->days_to_expiry, 100);
  EXPECT_LT(info->not_before, now_);
  EXPECT_GT(info->not_after, now_);
}

TEST_F(CredentialCheckTest, TwentyDaysFromExpiryIsStillValid) {
  auto f = Make("soon", Days(20) + std::chrono::hours(1));
  auto info = InspectClientCredentials(f.cert, f.key, {}, now_);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->days_to_expiry, 20);
  // The same certificate a day later has 19 days left.
  auto later = InspectClientCredentials(f.cert, f.key, {}, now_ + Days(1));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->days_to_expiry, 19);
}

TEST_F(CredentialCheckTest, WrongPasswordIsNamed) {
  auto f = Make("wrongpw", Days(100), "right-password");
  auto info = InspectClientCredentials(f.cert, f.key, common::Secret("wrong-password"), now_);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("wrong key password"));
  EXPECT_THAT(std::string(info.status().message()), ::testing::Not(HasSubstr("right-password")));
}

TEST_F(CredentialCheckTest, EncryptedKeyWithoutPasswordIsNamed) {
  auto f = Make("nopw", Days(100), "a-password");
  auto info = InspectClientCredentials(f.cert, f.key, {}, now_);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("no key password is set"));
}

TEST_F(CredentialCheckTest, KeyOfAnotherCertificateIsNamed) {
  auto a = Make("cert-a", Days(100));
  auto b = Make("cert-b", Days(100));
  auto info = InspectClientCredentials(a.cert, b.key, {}, now_);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("does not match certificate"));
  EXPECT_TRUE(InspectClientCredentials(a.cert, a.key, {}, now_).ok());
}

TEST_F(CredentialCheckTest, ExpiredCertificateIsNamed) {
  auto f = Make("expired", -Days(3));
  auto info = InspectClientCredentials(f.cert, f.key, {}, now_);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("\"expired\" expired on"));
  // Valid before its expiry: the check depends on `now`, not on the wall clock.
  EXPECT_TRUE(InspectClientCredentials(f.cert, f.key, {}, now_ - Days(10)).ok());
}

TEST_F(CredentialCheckTest, NotYetValidCertificateIsNamed) {
  testing::CertSpec spec;
  spec.dir = dir_;
  spec.name = "future";
  spec.common_name = "future";
  spec.not_before = now_ + Days(2);
  spec.not_after = now_ + Days(400);
  auto f = testing::MakeCertificate(spec);
  ASSERT_TRUE(f.ok()) << f.status();
  auto info = InspectClientCredentials(f->cert, f->key, {}, now_);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("not valid before"));
}

TEST_F(CredentialCheckTest, DirectoryIsNotARegularFile) {
  auto f = Make("dirkey", Days(100));
  auto info = InspectClientCredentials(f.cert, dir_, {}, now_);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(std::string(info.status().message()),
              HasSubstr("client key is not a regular file"));
}

TEST_F(CredentialCheckTest, CaBundle) {
  auto ca = Make("ca", Days(100));
  EXPECT_TRUE(CheckCaBundle(ca.cert).ok());
  EXPECT_EQ(CheckCaBundle(dir_ + "/no-such-ca.pem").code(), absl::StatusCode::kNotFound);
  std::ofstream(dir_ + "/junk-ca.pem") << "junk";
  auto junk = CheckCaBundle(dir_ + "/junk-ca.pem");
  EXPECT_EQ(junk.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(junk.message()), HasSubstr("CA bundle holds no PEM certificate"));
  // A private key is not a certificate.
  EXPECT_FALSE(CheckCaBundle(ca.key).ok());
  EXPECT_THAT(std::string(CheckCaBundle(dir_).message()), HasSubstr("not a regular file"));
}

}  // namespace
}  // namespace sevisflow::http
