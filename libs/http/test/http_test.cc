// Unit tests of sevisflow::http that need no server and no certificates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sevisflow/http/client.h"
#include "sevisflow/http/tls_check.h"
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

}  // namespace
}  // namespace sevisflow::http
