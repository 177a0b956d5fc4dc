// sevisflow::rpc with a real gRPC server on a free loopback port: health, reflection, caller
// identity and graceful shutdown with a call in flight.
#include <google/protobuf/unknown_field_set.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
#include "sevisflow/v1/upload_service.grpc.pb.h"

namespace sevisflow {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;

constexpr auto kTimeout = std::chrono::seconds(30);  // generous: small shared machine

// ListUploads echoes the org id and the caller; org id "BLOCK" waits until Release().
class FakeUploadService final : public v1::UploadService::Service {
 public:
  grpc::Status ListUploads(grpc::ServerContext* context, const v1::ListUploadsRequest* request,
                           v1::ListUploadsResponse* response) override {
    auto caller = rpc::CallerFromContext(*context);
    if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
    if (request->org_id() == "BLOCK") {
      entered_ = true;
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return released_; });
    }
    auto* u = response->add_uploads();
    u->set_org_id(request->org_id());
    u->set_state("SEEN-BY-" + caller->sevis_user_id);
    return grpc::Status::OK;
  }

  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool entered() const { return entered_; }

 private:
  std::atomic<bool> entered_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

// Reflection by hand: Debian ships the reflection server plugin but not the generated
// reflection client stub, so the request and response are encoded and decoded on the wire
// format. ServerReflectionRequest.list_services = field 7; ServerReflectionResponse
// .list_services_response = field 6 { repeated ServiceResponse service = 1 { string name = 1 } }.
std::vector<std::string> ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + kTimeout);
  grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING, channel);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &ctx));
  const std::string request("\x3a\x01*", 3);  // tag (7 << 3 | 2), length 1, "*"
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  EXPECT_TRUE(stream->Write(out));
  stream->WritesDone();
  grpc::ByteBuffer in;
  std::vector<std::string> names;
  if (stream->Read(&in)) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(in.Dump(&slices).ok());
    std::string bytes;
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    google::protobuf::UnknownFieldSet response;
    EXPECT_TRUE(response.ParseFromString(bytes));
    for (int i = 0; i < response.field_count(); ++i) {
      if (response.field(i).number() != 6) continue;
      google::protobuf::UnknownFieldSet list;
      EXPECT_TRUE(list.ParseFromString(response.field(i).length_delimited()));
      for (int j = 0; j < list.field_count(); ++j) {
        google::protobuf::UnknownFieldSet service;
        EXPECT_TRUE(service.ParseFromString(list.field(j).length_delimited()));
        for (int k = 0; k < service.field_count(); ++k) {
          if (service.field(k).number() == 1) names.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  return names;
}

class RpcIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runner_ = std::make_unique<rpc::ServerRunner>(rpc::ServerOptions{
        .listen_address = "127.0.0.1:0", .graceful_stop_timeout = std::chrono::seconds(60)});
    runner_->AddService(&service_, v1::UploadService::service_full_name());
    auto port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    ASSERT_GT(*port, 0);
    ASSERT_EQ(runner_->port(), *port);
    address_ = "127.0.0.1:" + std::to_string(*port);
  }

  FakeUploadService service_;
  std::unique_ptr<rpc::ServerRunner> runner_;
  std::string address_;
};

TEST_F(RpcIntegrationTest, HealthIsServingThenFailsAfterShutdown) {
  EXPECT_EQ(runner_->address(), address_);
  auto health = rpc::CheckHealth(address_, "", kTimeout);
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_TRUE(*health);
  auto svc = rpc::CheckHealth(address_, "sevisflow.v1.UploadService", kTimeout);
  ASSERT_TRUE(svc.ok()) << svc.status();
  EXPECT_TRUE(*svc);
  EXPECT_EQ(rpc::CheckHealth(address_, "no.such.Service", kTimeout).status().code(),
            absl::StatusCode::kNotFound);

  runner_->SetServing(false);
  auto not_serving = rpc::CheckHealth(address_, "", kTimeout);
  ASSERT_TRUE(not_serving.ok()) << not_serving.status();
  EXPECT_FALSE(*not_serving);
  auto svc_not_serving = rpc::CheckHealth(address_, "sevisflow.v1.UploadService", kTimeout);
  ASSERT_TRUE(svc_not_serving.ok());
  EXPECT_FALSE(*svc_not_serving);
  runner_->SetServing(true);
  EXPECT_TRUE(*rpc::CheckHealth(address_, "", kTimeout));

  runner_->Shutdown();
  auto after = rpc::CheckHealth(address_, "", std::chrono::seconds(5));
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(after.status().code() == absl::StatusCode::kUnavailable ||
              after.status().code() == absl::StatusCode::kDeadlineExceeded)
      << after.status();
  runner_->Shutdown();  // idempotent
}

TEST_F(RpcIntegrationTest, ReflectionListsServices) {
  auto names = ListServicesByReflection(rpc::Dial(address_));
  EXPECT_THAT(names, Contains("sevisflow.v1.UploadService"));
  EXPECT_THAT(names, Contains("grpc.health.v1.Health"));
}

TEST_F(RpcIntegrationTest, CallerIdentityComesFromMetadata) {
  auto stub = v1::UploadService::NewStub(rpc::Dial(address_));
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + kTimeout);
    rpc::SetCaller(ctx, "DSO123");
    v1::ListUploadsRequest req;
    req.set_org_id("ABC214F12345000");
    v1::ListUploadsResponse resp;
    grpc::Status s = stub->ListUploads(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(resp.uploads_size(), 1);
    EXPECT_EQ(resp.uploads(0).org_id(), "ABC214F12345000");
    EXPECT_EQ(resp.uploads(0).state(), "SEEN-BY-DSO123");
  }
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + kTimeout);
    v1::ListUploadsRequest req;
    v1::ListUploadsResponse resp;
    grpc::Status s = stub->ListUploads(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(RpcIntegrationTest, ShutdownLetsInFlightCallsFinish) {
  auto channel = rpc::Dial(address_);
  auto stub = v1::UploadService::NewStub(channel);
  grpc::Status call_status;
  v1::ListUploadsResponse resp;
  std::thread caller([&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    rpc::SetCaller(ctx, "DSO123");
    v1::ListUploadsRequest req;
    req.set_org_id("BLOCK");
    call_status = stub->ListUploads(&ctx, req, &resp);
  });
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!service_.entered() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(service_.entered());

  std::thread stopper([&] { runner_->Shutdown(); });
  // Shutdown has begun once the server no longer answers health checks (its listener is
  // closed and health went NOT_SERVING first); the blocked call is still in flight.
  bool stopped_answering = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto h = rpc::CheckHealth(address_, "", std::chrono::seconds(2));
    if (!h.ok() || !*h) {
      stopped_answering = true;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(stopped_answering);
  service_.Release();
  caller.join();
  stopper.join();
  EXPECT_TRUE(call_status.ok()) << call_status.error_message();
  ASSERT_EQ(resp.uploads_size(), 1);
  EXPECT_EQ(resp.uploads(0).org_id(), "BLOCK");
}

TEST(RpcServerRunnerTest, PortInUseIsUnavailable) {
  rpc::ServerRunner first(rpc::ServerOptions{});
  auto port = first.Start();
  ASSERT_TRUE(port.ok());
  rpc::ServerRunner second(rpc::ServerOptions{.listen_address =
                                                  "127.0.0.1:" + std::to_string(*port)});
  auto again = second.Start();
  // The runner turns SO_REUSEPORT off, so a clash is a start-up error, not shared traffic.
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(first.Start().status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sevisflow
