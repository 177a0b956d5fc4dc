#pragma once
// Client-side helpers: dial a sevisflow gRPC API and ask for its health.

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"

namespace sevisflow::rpc {

// A plaintext channel to host:port (the same transport ServerRunner listens on). Connects
// lazily, on the first call.
std::shared_ptr<grpc::Channel> Dial(const std::string& address);

// grpc.health.v1.Health/Check. true = SERVING, false = NOT_SERVING or UNKNOWN. An RPC failure is
// returned as a status: UNAVAILABLE / DEADLINE_EXCEEDED when nothing answers within `timeout`,
// NOT_FOUND when the server does not know `service`.
absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service,
                                 std::chrono::milliseconds timeout);
absl::StatusOr<bool> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& service, std::chrono::milliseconds timeout);

}  // namespace sevisflow::rpc
