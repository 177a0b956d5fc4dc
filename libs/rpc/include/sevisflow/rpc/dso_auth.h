#pragma once
// DSO authentication for the review API. A DSO (or a sponsor's RO/ARO) is configured with the
// SHA-256 of a bearer token and the organisations granted to them, each with the DSO's own
// SEVIS userID there. A call carries `authorization: Bearer <token>`; the token is hashed and
// looked up, so the configuration never holds a usable secret. Everything a DSO does is checked
// against the org it names (PERMISSION_DENIED otherwise) and audited under the DSO's name.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"

namespace sevisflow::rpc {

inline constexpr char kAuthorizationMetadataKey[] = "authorization";

struct Dso {
  std::string name;                        // [A-Za-z0-9._@-]{1,64}; used in the audit log
  std::string token_sha256;                // 64 lowercase hex characters
  std::map<std::string, std::string> orgs; // org id -> the DSO's SEVIS userID for that org
};

class DsoDirectory {
 public:
  DsoDirectory() = default;
  // InvalidArgument naming the DSO for a bad name, a token hash that is not 64 hex characters,
  // a duplicate name or token, or a DSO without organisations.
  static absl::StatusOr<DsoDirectory> Create(std::vector<Dso> dsos);

  bool empty() const { return by_hash_.empty(); }
  // UNAUTHENTICATED when the call has no `authorization: Bearer` metadata or the token is
  // unknown (the message never echoes the token).
  absl::StatusOr<Dso> Authenticate(const grpc::ServerContext& context) const;
  absl::StatusOr<Dso> AuthenticateToken(std::string_view token) const;

 private:
  std::map<std::string, Dso> by_hash_;
};

// PERMISSION_DENIED naming the DSO and the org unless the org is granted to the DSO.
absl::Status CheckGranted(const Dso& dso, std::string_view org_id);

// Lowercase hex SHA-256 of a token (what the configuration stores).
std::string TokenSha256Hex(std::string_view token);

// SEVIS OrgID (INTERFACE.md §9): school code [A-Z]{3}214F\d{8}, or program number
// P-[1-4]-\d{5} / G-[1-7]-\d{5}.
bool IsOrgId(std::string_view org);

// The `dsos` block every service with a DSO-facing API reads (the same block can be pasted into
// each service's config): `dsos.<name>.token_sha256` and `dsos.<name>.orgs.<org>.user_id`. An
// org that is not a SEVIS OrgID is an error on the reader; user IDs are read as given (the
// builder, which writes them into batches, checks them).
std::vector<Dso> ReadDsos(common::ConfigReader& reader);

// Authenticates a call to `service`'s API: UNAUTHENTICATED naming the service's `dsos` keys
// when none is configured, else DsoDirectory::Authenticate.
absl::StatusOr<Dso> AuthenticateDso(const DsoDirectory& directory,
                                    const grpc::ServerContext& context, std::string_view service);

// Client side: attach `authorization: Bearer <token>`.
void SetBearerToken(grpc::ClientContext& context, const std::string& token);

}  // namespace sevisflow::rpc
