#pragma once
// absl::Status <-> grpc::Status. The canonical codes are the same numbers in both.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace sevisflow::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace sevisflow::rpc
