#pragma once
// Who is calling a gRPC API. Every SEVIS batch is made on behalf of a DSO/RO with their own
// SEVIS user id, so review and upload calls must say who they act for.
//
// For now the identity is the `x-sevis-user` metadata value, trusted as sent: the APIs listen on
// loopback or inside the school's cluster. Later the identity will come from the mTLS peer
// certificate (grpc::ServerContext::auth_context()), and this function is the one place that
// will change.

#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"

namespace sevisflow::rpc {

inline constexpr char kCallerMetadataKey[] = "x-sevis-user";

struct Caller {
  std::string sevis_user_id;  // the DSO's SEVIS user id (e.g. "SEVIS123"), not personal data
};

// UNAUTHENTICATED when the metadata is missing, repeated or empty; INVALID_ARGUMENT when the
// value is not 1..64 characters of [A-Za-z0-9._@-].
absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context);

// Client side: attach the caller identity to an outgoing call.
void SetCaller(grpc::ClientContext& context, const std::string& sevis_user_id);

}  // namespace sevisflow::rpc
