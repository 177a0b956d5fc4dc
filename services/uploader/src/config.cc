#include "config.h"

#include <chrono>

namespace sevisflow::uploader {

absl::StatusOr<std::string> ResolveEndpoint(std::string_view endpoint) {
  if (endpoint == "production") return std::string("https://egov.ice.gov/sevisbatch/action/");
  if (endpoint == "beta") return std::string("https://egov.ice.gov/sbtsevisbatch/action/");
  if (endpoint == "alpha") return std::string("https://egov.ice.gov/alphasevisbatch/action/");
  if (endpoint.substr(0, 8) != "https://" || endpoint.size() <= 8) {
    return absl::InvalidArgumentError(
        "uploader.endpoint: expected production, beta, alpha or an https:// URL, got '" +
        std::string(endpoint) + "'");
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

  std::string endpoint = reader.String("uploader.endpoint", "");
  if (endpoint.empty()) {
    reader.AddError("uploader.endpoint", "required (production, beta, alpha or an https:// URL)");
  } else if (auto url = ResolveEndpoint(endpoint); !url.ok()) {
    reader.AddError("uploader.endpoint", std::string(url.status().message()));
  } else {
    c.endpoint = *url;
    c.upload_url = c.endpoint + "batchUpload";
    c.download_url = c.endpoint + "batchDownload";
  }
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
  if (auto s = reader.Finish(); !s.ok()) return s;
  return c;
}

}  // namespace sevisflow::uploader
