// The importer's configuration: required keys, and the DSOs who may call ImportService.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config.h"
#include "sevisflow/rpc/dso_auth.h"

namespace sevisflow::importer {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<ImporterConfig> Load(const std::string& yaml) {
  absl::StatusOr<common::ConfigReader> reader = common::ConfigReader::FromString(yaml);
  if (!reader.ok()) return reader.status();
  reader->SetEnvironment({});
  return ReadImporterConfig(*reader, "/xsd");
}

TEST(ImporterConfigTest, DsosGrantOrgsOnTheOperatorApi) {
  absl::StatusOr<ImporterConfig> c = Load("docstore: {root: /srv/docs}\ndsos:\n  alice:\n"
                                          "    token_sha256: " +
                                          rpc::TokenSha256Hex("tok-alice") +
                                          "\n    orgs:\n      BOS214F00123000: {}\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->docstore_root, "/srv/docs");
  EXPECT_EQ(c->service.grpc_listen, "127.0.0.1:50054");
  ASSERT_EQ(c->dsos.size(), 1u);
  EXPECT_EQ(c->dsos[0].name, "alice");
  EXPECT_TRUE(c->dsos[0].orgs.contains("BOS214F00123000"));
}

TEST(ImporterConfigTest, BadDsoAndMissingDocstoreNameTheKeys) {
  absl::StatusOr<ImporterConfig> c =
      Load("dsos:\n  bob:\n    token_sha256: abc\n    orgs:\n      NOTANORG: {}\n");
  ASSERT_FALSE(c.ok());
  const std::string message(c.status().message());
  EXPECT_THAT(message, HasSubstr("docstore.root"));
  EXPECT_THAT(message, HasSubstr("dsos.bob.orgs.NOTANORG"));
  absl::StatusOr<ImporterConfig> bad_hash =
      Load("docstore: {root: /d}\ndsos:\n  bob:\n    token_sha256: abc\n    orgs:\n"
           "      BOS214F00123000: {}\n");
  ASSERT_FALSE(bad_hash.ok());
  EXPECT_THAT(std::string(bad_hash.status().message()), HasSubstr("bob"));
}

}  // namespace
}  // namespace sevisflow::importer
