#include "sevisflow/rpc/caller.h"

#include <cctype>

namespace sevisflow::rpc {
namespace {

bool ValidUserId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context) {
  const auto& md = context.client_metadata();
  auto [begin, end] = md.equal_range(kCallerMetadataKey);
  if (begin == end) {
    return absl::UnauthenticatedError(
        std::string("missing ") + kCallerMetadataKey + " metadata (the DSO's SEVIS user id)");
  }
  if (std::next(begin) != end) {
    return absl::UnauthenticatedError(std::string(kCallerMetadataKey) + " given more than once");
  }
  std::string id(begin->second.data(), begin->second.size());
  if (id.empty()) return absl::UnauthenticatedError(std::string(kCallerMetadataKey) + " is empty");
  if (!ValidUserId(id)) {
    return absl::InvalidArgumentError(std::string(kCallerMetadataKey) +
                                      " must be 1-64 characters of [A-Za-z0-9._@-]");
  }
  return Caller{std::move(id)};
}

void SetCaller(grpc::ClientContext& context, const std::string& sevis_user_id) {
  context.AddMetadata(kCallerMetadataKey, sevis_user_id);
}

}  // namespace sevisflow::rpc
