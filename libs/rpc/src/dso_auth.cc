#include "sevisflow/rpc/dso_auth.h"

#include <openssl/sha.h>

#include <cctype>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sevisflow::rpc {
namespace {

constexpr std::string_view kBearerPrefix = "Bearer ";

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-') return false;
  }
  return true;
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string TokenSha256Hex(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

absl::StatusOr<DsoDirectory> DsoDirectory::Create(std::vector<Dso> dsos) {
  DsoDirectory directory;
  std::set<std::string> names;
  for (Dso& dso : dsos) {
    if (!ValidName(dso.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("dsos: name '", dso.name, "' must be 1-64 characters of [A-Za-z0-9._@-]"));
    }
    const std::string field = absl::StrCat("dsos.", dso.name);
    dso.token_sha256 = absl::AsciiStrToLower(dso.token_sha256);
    if (!IsLowerHex64(dso.token_sha256)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".token_sha256: must be 64 hex characters (sha256sum of the token)"));
    }
    if (dso.orgs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".orgs: at least one organisation"));
    }
    if (!names.insert(dso.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": defined twice"));
    }
    if (directory.by_hash_.contains(dso.token_sha256)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".token_sha256: the same token as another DSO"));
    }
    std::string hash = dso.token_sha256;
    directory.by_hash_.emplace(std::move(hash), std::move(dso));
  }
  return directory;
}

absl::StatusOr<Dso> DsoDirectory::AuthenticateToken(std::string_view token) const {
  if (token.empty()) return absl::UnauthenticatedError("empty bearer token");
  auto it = by_hash_.find(TokenSha256Hex(token));
  if (it == by_hash_.end()) return absl::UnauthenticatedError("unknown bearer token");
  return it->second;
}

absl::StatusOr<Dso> DsoDirectory::Authenticate(const grpc::ServerContext& context) const {
  const auto& md = context.client_metadata();
  auto [begin, end] = md.equal_range(kAuthorizationMetadataKey);
  if (begin == end) {
    return absl::UnauthenticatedError(
        "missing authorization metadata: send 'authorization: Bearer <token>'");
  }
  if (std::next(begin) != end) {
    return absl::UnauthenticatedError("authorization metadata given more than once");
  }
  absl::string_view value(begin->second.data(), begin->second.size());
  const absl::string_view prefix(kBearerPrefix.data(), kBearerPrefix.size());
  if (!absl::StartsWithIgnoreCase(value, prefix)) {
    return absl::UnauthenticatedError("authorization metadata is not 'Bearer <token>'");
  }
  value.remove_prefix(prefix.size());
  const absl::string_view token = absl::StripAsciiWhitespace(value);
  return AuthenticateToken(std::string_view(token.data(), token.size()));
}

absl::Status CheckGranted(const Dso& dso, std::string_view org_id) {
  if (org_id.empty()) return absl::InvalidArgumentError("org_id is required");
  if (!dso.orgs.contains(std::string(org_id))) {
    return absl::PermissionDeniedError(
        absl::StrCat("DSO ", dso.name, " is not granted organisation ", std::string(org_id)));
  }
  return absl::OkStatus();
}

void SetBearerToken(grpc::ClientContext& context, const std::string& token) {
  context.AddMetadata(kAuthorizationMetadataKey, std::string(kBearerPrefix) + token);
}

}  // namespace sevisflow::rpc

namespace sevisflow::rpc {

bool IsOrgId(std::string_view org) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(org[i]))) return false;
    }
    return true;
  };
  if (org.size() == 15) {
    for (size_t i = 0; i < 3; ++i) {
      if (!absl::ascii_isupper(static_cast<unsigned char>(org[i]))) return false;
    }
    return org.compare(3, 4, "214F") == 0 && digits(7, 8);
  }
  if (org.size() == 9 && org[1] == '-' && org[3] == '-' && digits(4, 5)) {
    if (org[0] == 'P') return org[2] >= '1' && org[2] <= '4';
    if (org[0] == 'G') return org[2] >= '1' && org[2] <= '7';
  }
  return false;
}

std::vector<Dso> ReadDsos(common::ConfigReader& reader) {
  std::vector<Dso> dsos;
  if (!reader.Has("dsos")) return dsos;
  for (const std::string& name : reader.Keys("dsos")) {
    const std::string base = absl::StrCat("dsos.", name);
    Dso dso;
    dso.name = name;
    dso.token_sha256 = reader.String(base + ".token_sha256", "");
    if (reader.Has(base + ".orgs")) {
      for (const std::string& org : reader.Keys(base + ".orgs")) {
        if (!IsOrgId(org)) {
          reader.AddError(absl::StrCat(base, ".orgs.", org),
                          "not a SEVIS school code or program number");
        }
        dso.orgs.emplace(org, reader.String(absl::StrCat(base, ".orgs.", org, ".user_id"), ""));
      }
    }
    dsos.push_back(std::move(dso));
  }
  return dsos;
}

absl::StatusOr<Dso> AuthenticateDso(const DsoDirectory& directory,
                                    const grpc::ServerContext& context, std::string_view service) {
  if (directory.empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "no DSO is configured on this ", std::string(service),
        " (dsos.<name>.token_sha256 and orgs)"));
  }
  return directory.Authenticate(context);
}

}  // namespace sevisflow::rpc
