// DSO bearer-token authentication (no server: metadata through the test spouse).
#include <grpcpp/test/server_context_test_spouse.h>
#include <gtest/gtest.h>

#include "sevisflow/rpc/dso_auth.h"

namespace sevisflow::rpc {
namespace {

Dso MakeDso(std::string name, const std::string& token, std::map<std::string, std::string> orgs) {
  return Dso{std::move(name), TokenSha256Hex(token), std::move(orgs)};
}

DsoDirectory TwoDsos() {
  absl::StatusOr<DsoDirectory> dir = DsoDirectory::Create(
      {MakeDso("alice", "tok-alice", {{"BOS214F00000001", "alicedso01"}}),
       MakeDso("bob", "tok-bob", {{"P-1-12345", "bobro00001"}, {"BOS214F00000001", "bobdso0001"}})});
  EXPECT_TRUE(dir.ok()) << dir.status();
  return *std::move(dir);
}

absl::StatusOr<Dso> AuthWith(const DsoDirectory& dir, const std::string& header) {
  grpc::ServerContext ctx;
  grpc::testing::ServerContextTestSpouse spouse(&ctx);
  spouse.AddClientMetadata("authorization", header);
  return dir.Authenticate(ctx);
}

TEST(DsoAuthTest, KnownTokenGivesTheDsoAndGrants) {
  DsoDirectory dir = TwoDsos();
  absl::StatusOr<Dso> bob = AuthWith(dir, "Bearer tok-bob");
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->name, "bob");
  EXPECT_EQ(bob->orgs.at("P-1-12345"), "bobro00001");
  EXPECT_TRUE(CheckGranted(*bob, "P-1-12345").ok());
  absl::StatusOr<Dso> alice = AuthWith(dir, "bearer  tok-alice ");
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_EQ(alice->name, "alice");
}

TEST(DsoAuthTest, UngrantedOrgIsPermissionDenied) {
  absl::StatusOr<Dso> alice = AuthWith(TwoDsos(), "Bearer tok-alice");
  ASSERT_TRUE(alice.ok());
  absl::Status denied = CheckGranted(*alice, "P-1-12345");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("alice"), std::string_view::npos);
  EXPECT_NE(denied.message().find("P-1-12345"), std::string_view::npos);
  EXPECT_EQ(CheckGranted(*alice, "").code(), absl::StatusCode::kInvalidArgument);
}

TEST(DsoAuthTest, MissingWrongOrMalformedTokenIsUnauthenticated) {
  DsoDirectory dir = TwoDsos();
  EXPECT_EQ(AuthWith(dir, "Bearer nope").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AuthWith(dir, "Basic dG9rLWJvYg==").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AuthWith(dir, "Bearer ").status().code(), absl::StatusCode::kUnauthenticated);
  // The message never echoes the token.
  EXPECT_EQ(AuthWith(dir, "Bearer secret-xyz").status().message().find("secret-xyz"),
            std::string_view::npos);
  grpc::ServerContext none;
  grpc::testing::ServerContextTestSpouse spouse(&none);
  spouse.AddClientMetadata("x-sevis-user", "alicedso01");
  EXPECT_EQ(dir.Authenticate(none).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(DsoAuthTest, BadConfigurationNamesTheDso) {
  auto bad_hash = DsoDirectory::Create({Dso{"carol", "abc", {{"X", "carol00001"}}}});
  ASSERT_FALSE(bad_hash.ok());
  EXPECT_NE(bad_hash.status().message().find("dsos.carol.token_sha256"), std::string_view::npos);
  auto no_orgs = DsoDirectory::Create({MakeDso("dave", "t", {})});
  ASSERT_FALSE(no_orgs.ok());
  EXPECT_NE(no_orgs.status().message().find("dsos.dave.orgs"), std::string_view::npos);
  auto same_token = DsoDirectory::Create(
      {MakeDso("e1", "same", {{"X", "e100000001"}}), MakeDso("e2", "same", {{"X", "e200000001"}})});
  EXPECT_FALSE(same_token.ok());
  auto bad_name = DsoDirectory::Create({MakeDso("has space", "t", {{"X", "x000000001"}})});
  EXPECT_FALSE(bad_name.ok());
}

TEST(DsoAuthTest, TokenHashIsSha256Hex) {
  // sha256("abc")
  EXPECT_EQ(TokenSha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DsoAuthTest, OrgIdsAreSchoolCodesOrProgramNumbers) {
  EXPECT_TRUE(IsOrgId("BOS214F00000001"));
  EXPECT_TRUE(IsOrgId("P-1-12345"));
  EXPECT_TRUE(IsOrgId("G-7-00001"));
  EXPECT_FALSE(IsOrgId("bos214F00000001"));  // lower case
  EXPECT_FALSE(IsOrgId("BOS215F00000001"));  // not 214F
  EXPECT_FALSE(IsOrgId("P-5-12345"));        // P programs are 1-4
  EXPECT_FALSE(IsOrgId("G-8-12345"));
  EXPECT_FALSE(IsOrgId("P-1-1234"));
  EXPECT_FALSE(IsOrgId(""));
}

TEST(DsoAuthTest, ReadDsosReadsTheSharedBlockAndNamesABadOrg) {
  const std::string hash = TokenSha256Hex("tok-alice");
  absl::StatusOr<common::ConfigReader> reader = common::ConfigReader::FromString(
      "dsos:\n  alice:\n    token_sha256: " + hash +
      "\n    orgs:\n      BOS214F00000001: {user_id: alicedso01}\n      P-1-12345: {}\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<Dso> dsos = ReadDsos(*reader);
  ASSERT_TRUE(reader->Finish().ok()) << reader->Finish();
  ASSERT_EQ(dsos.size(), 1u);
  EXPECT_EQ(dsos[0].name, "alice");
  EXPECT_EQ(dsos[0].token_sha256, hash);
  EXPECT_EQ(dsos[0].orgs.at("BOS214F00000001"), "alicedso01");
  EXPECT_EQ(dsos[0].orgs.at("P-1-12345"), "");  // the builder checks user IDs, not ReadDsos

  absl::StatusOr<common::ConfigReader> bad = common::ConfigReader::FromString(
      "dsos:\n  bob:\n    token_sha256: " + hash + "\n    orgs:\n      NOTANORG: {}\n");
  ASSERT_TRUE(bad.ok());
  ReadDsos(*bad);
  absl::Status s = bad->Finish();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("dsos.bob.orgs.NOTANORG"), std::string_view::npos) << s;

  absl::StatusOr<common::ConfigReader> none = common::ConfigReader::FromString("log: {}\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(ReadDsos(*none).empty());
}

TEST(DsoAuthTest, AServiceWithoutDsosRefusesEveryCallNamingIt) {
  DsoDirectory empty;
  grpc::ServerContext ctx;
  grpc::testing::ServerContextTestSpouse spouse(&ctx);
  spouse.AddClientMetadata("authorization", "Bearer tok-alice");
  absl::StatusOr<Dso> dso = AuthenticateDso(empty, ctx, "importer");
  EXPECT_EQ(dso.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(dso.status().message().find("importer"), std::string_view::npos);
  absl::StatusOr<Dso> alice = AuthenticateDso(TwoDsos(), ctx, "importer");
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_EQ(alice->name, "alice");
}

}  // namespace
}  // namespace sevisflow::rpc
