// Unit tests of sevisflow::rpc pieces that need no server: caller identity and status mapping.
#include <grpcpp/test/server_context_test_spouse.h>
#include <gtest/gtest.h>

#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"

namespace sevisflow::rpc {
namespace {

TEST(CallerTest, ReadsSevisUserFromMetadata) {
  grpc::ServerContext ctx;
  grpc::testing::ServerContextTestSpouse spouse(&ctx);
  spouse.AddClientMetadata("x-sevis-user", "DSO.smith-1@school");
  auto caller = CallerFromContext(ctx);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->sevis_user_id, "DSO.smith-1@school");
}

TEST(CallerTest, MissingMetadataIsUnauthenticated) {
  grpc::ServerContext ctx;
  grpc::testing::ServerContextTestSpouse spouse(&ctx);
  spouse.AddClientMetadata("x-other", "x");
  EXPECT_EQ(CallerFromContext(ctx).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(CallerTest, RepeatedOrEmptyMetadataIsUnauthenticated) {
  grpc::ServerContext twice;
  grpc::testing::ServerContextTestSpouse s1(&twice);
  s1.AddClientMetadata("x-sevis-user", "a");
  s1.AddClientMetadata("x-sevis-user", "b");
  EXPECT_EQ(CallerFromContext(twice).status().code(), absl::StatusCode::kUnauthenticated);

  grpc::ServerContext empty;
  grpc::testing::ServerContextTestSpouse s2(&empty);
  s2.AddClientMetadata("x-sevis-user", "");
  EXPECT_EQ(CallerFromContext(empty).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(CallerTest, RejectsMalformedUserIds) {
  for (const std::string& bad : std::vector<std::string>{"has space", "semi;colon", std::string(65, 'a')}) {
    grpc::ServerContext ctx;
    grpc::testing::ServerContextTestSpouse spouse(&ctx);
    spouse.AddClientMetadata("x-sevis-user", bad);
    EXPECT_EQ(CallerFromContext(ctx).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(StatusTest, RoundTripsCodeAndMessage) {
  absl::Status s = absl::FailedPreconditionError("batch is closed");
  grpc::Status g = ToGrpcStatus(s);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(g.error_message(), "batch is closed");
  EXPECT_EQ(FromGrpcStatus(g), s);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")).code(),
            absl::StatusCode::kUnavailable);
}

TEST(ServerRunnerTest, UnbindableAddressIsAnError) {
  ServerRunner runner(ServerOptions{.listen_address = "256.1.1.1:0"});
  auto port = runner.Start();
  EXPECT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sevisflow::rpc
