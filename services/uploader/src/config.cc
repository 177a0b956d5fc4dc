#include "config.h"

#include <chrono>

namespace sevisflow::uploader {

absl::StatusOr<std::string> EnvironmentUrl(std::string_view environment) {
  // INTERFACE.md §1: upload and download URLs share these bases.
  if (environment == "production") return std::string("https://egov.ice.gov/sevisbatch/action/");
  if (environment == "beta") return std::string("https://egov.ice.gov/sbtsevisbatch/action/");
  if (environment == "alpha") return std::string("https://egov.ice.gov/alphasevisbatch/action/");
  return absl::InvalidArgumentError("expected production, beta or alpha, got '" +
                                    std::string(environment) + "'");
}

absl::StatusOr<std::string> ResolveEndpoint(std::string_view endpoint) {
  if (auto url = EnvironmentUrl(endpoint); url.ok()) return url;
  if (endpoint.substr(0, 8) != "https://" || endpoint.size() <= 8) {
    return absl::InvalidArgumentError(
        "expected production, beta, alpha or an https:// URL, got '" + std::string(endpoint) +
        "'");
  }
  std::string url(endpoint);
  if (url.back() != '/') url += '/';
  return url;
}

absl::StatusOr<UploaderConfig> ReadUploaderConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir) {
  UploaderConfig c;
  c.service.grpc_listen = "127.0.0.1:50053";
  c.service.metrics_port = 9103;
  c.service.xsd_dir = default_xsd_dir;
  common::ReadServiceConfig(reader, c.service);

  // The base URL: an explicit endpoint wins over an environment name; an org's own keys win
  // over the uploader-wide ones (decisions-certs.md, "Uploader: certificates").
  auto base_url = [&reader](const std::string& prefix) -> std::string {
    std::string environment = reader.String(prefix + "environment", "");
    std::string endpoint = reader.String(prefix + "endpoint", "");
    std::string url;
    if (!environment.empty()) {
      if (auto u = EnvironmentUrl(environment); u.ok()) {
        url = *u;
      } else {
        reader.AddError(prefix + "environment", std::string(u.status().message()));
      }
    }
    if (!endpoint.empty()) {
      if (auto u = ResolveEndpoint(endpoint); u.ok()) {
        url = *u;
      } else {
        reader.AddError(prefix + "endpoint", std::string(u.status().message()));
      }
    }
    return url;
  };
  c.endpoint = base_url("uploader.");
  if (!c.endpoint.empty()) {
    c.upload_url = c.endpoint + "batchUpload";
    c.download_url = c.endpoint + "batchDownload";
  }
  c.cert_warning_days = static_cast<int>(reader.Int("uploader.cert_warning_days", 30, 0, 365));
  const int64_t day = 24 * 3600;
  auto poll = reader.Int("uploader.poll_interval_seconds", 60, 1, day);
  auto poll_max = reader.Int("uploader.poll_max_interval_seconds", 3600, 1, 7 * day);
  auto retry = reader.Int("uploader.retry_interval_seconds", 1, 1, day);
  if (poll_max < poll) {
    reader.AddError("uploader.poll_max_interval_seconds",
                    "must be >= uploader.poll_interval_seconds");
  }
  c.backoff.poll_interval = std::chrono::seconds(poll);
  c.backoff.max_interval = std::chrono::seconds(poll_max);
  c.backoff.retry_interval = std::chrono::seconds(retry);
  auto retry_max = reader.Int("uploader.retry_max_interval_seconds", 300, 1, 7 * day);
  if (retry_max < retry) {
    reader.AddError("uploader.retry_max_interval_seconds",
                    "must be >= uploader.retry_interval_seconds");
  }
  c.backoff.retry_max_interval = std::chrono::seconds(retry_max);
  c.backoff.max_upload_attempts =
      static_cast<int>(reader.Int("uploader.max_upload_attempts", 10, 0, 1000));
  c.backoff.jitter = reader.Double("uploader.retry_jitter", 0.2);
  if (c.backoff.jitter < 0.0 || c.backoff.jitter > 1.0) {
    reader.AddError("uploader.retry_jitter", "must be between 0 and 1");
  }
  c.breaker.failure_threshold =
      static_cast<int>(reader.Int("uploader.breaker_failures", 5, 1, 1000));
  c.breaker.cool_down =
      std::chrono::seconds(reader.Int("uploader.breaker_cooldown_seconds", 300, 1, day));
  c.stuck_after =
      std::chrono::seconds(reader.Int("uploader.stuck_after_seconds", 2 * day, 0, 30 * day));
  c.connect_timeout =
      std::chrono::seconds(reader.Int("uploader.connect_timeout_seconds", 10, 1, 600));
  c.request_timeout =
      std::chrono::seconds(reader.Int("uploader.request_timeout_seconds", 120, 1, 3600));

  c.docstore_root = reader.String("docstore.root", "");
  if (c.docstore_root.empty()) reader.AddError("docstore.root", "required");
  if (c.service.xsd_dir.empty()) reader.AddError("xsd_dir", "required");

  for (const std::string& org_id : reader.Keys("orgs")) {
    const std::string p = "orgs." + org_id + ".";
    OrgCredentials org;
    org.org_id = org_id;
    org.cert = reader.String(p + "cert", "");
    org.key = reader.String(p + "key", "");
    org.key_password = reader.SecretValue(p + "key_password");
    org.ca = reader.String(p + "ca", "");
    org.user_id = reader.String(p + "user_id", "");
    org.endpoint = base_url(p);
    if (org.endpoint.empty()) org.endpoint = c.endpoint;
    if (org.endpoint.empty()) {
      if (!reader.Has(p + "environment") && !reader.Has(p + "endpoint") &&
          !reader.Has("uploader.environment") && !reader.Has("uploader.endpoint")) {
        reader.AddError("uploader.endpoint",
                        "required for orgs." + org_id +
                            ": set uploader.environment (production, beta, alpha), "
                            "uploader.endpoint (an https:// URL) or the org's own");
      }
    } else {
      org.upload_url = org.endpoint + "batchUpload";
      org.download_url = org.endpoint + "batchDownload";
    }
    if (org.cert.empty()) reader.AddError(p + "cert", "required");
    if (org.key.empty()) reader.AddError(p + "key", "required");
    if (!org.user_id.empty() && org.user_id.size() != 10) {
      reader.AddError(p + "user_id", "a SEVIS user id has exactly 10 characters");
    }
    if (org_id.find(':') != std::string::npos || org_id.find('/') != std::string::npos) {
      reader.AddError("orgs." + org_id, "an organisation id cannot contain ':' or '/'");
    }
    c.orgs.emplace(org_id, std::move(org));
  }
  if (c.orgs.empty()) reader.AddError("orgs", "at least one organisation with credentials");
  c.dsos = rpc::ReadDsos(reader);
  if (auto s = reader.Finish(); !s.ok()) return s;
  if (auto dir = rpc::DsoDirectory::Create(c.dsos); !dir.ok()) return dir.status();
  return c;
}

}  // namespace sevisflow::uploader
