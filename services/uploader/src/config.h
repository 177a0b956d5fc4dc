#pragma once
// The uploader's typed configuration (README.md lists every key).

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/rpc/dso_auth.h"
#include "resilience.h"
#include "state.h"

namespace sevisflow::uploader {

// One organisation's SEVIS batch credentials: its client certificate and key, the CA that
// signs the SEVIS server, and the SEVIS user id registered for batch.
struct OrgCredentials {
  std::string org_id;
  std::string cert;
  std::string key;
  common::Secret key_password;
  std::string ca;       // empty: the system trust store
  std::string user_id;  // empty: the document's own userID
  // The SEVIS base URL this org posts to (orgs.<org>.endpoint, else orgs.<org>.environment, else
  // the uploader-wide choice) and the two URLs made from it.
  std::string endpoint;
  std::string upload_url;
  std::string download_url;
};

struct UploaderConfig {
  // Common keys (docs/architecture.md, "Common config keys"); the uploader's defaults are
  // grpc.listen 127.0.0.1:50053 and metrics.port 9103.
  common::ServiceConfig service;

  // The uploader-wide base URL (uploader.endpoint, else uploader.environment) ending in '/',
  // e.g. https://egov.ice.gov/sevisbatch/action/; empty when every org names its own.
  std::string endpoint;
  std::string upload_url;    // endpoint + batchUpload
  std::string download_url;  // endpoint + batchDownload
  // Warn (log) when a client certificate expires within this many days (uploader.
  // cert_warning_days); the check runs at start-up and every cert_check_interval.
  int cert_warning_days = 30;
  std::chrono::hours cert_check_interval{24};
  BackoffPolicy backoff;
  BreakerPolicy breaker;  // per org: uploader.breaker_failures / breaker_cooldown_seconds
  // A batch without its result this long after ingest is "stuck" (uploader.
  // stuck_after_seconds; 0 disables).
  std::chrono::milliseconds stuck_after{std::chrono::hours(48)};
  // Per-request limits of every SEVIS call (uploader.connect_timeout_seconds /
  // request_timeout_seconds): a hung server counts as a transport failure after these.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(120)};
  std::string docstore_root;
  std::map<std::string, OrgCredentials> orgs;  // by org id
  // dsos.*: who may call UploadService, and for which orgs (rpc::ReadDsos; the builder's block).
  std::vector<rpc::Dso> dsos;
};

// "production" / "beta" / "alpha" → the SEVIS base URLs of INTERFACE.md §1; any other value
// must be an https:// URL (a missing trailing '/' is added). InvalidArgument otherwise.
absl::StatusOr<std::string> ResolveEndpoint(std::string_view endpoint);

// Only "production" / "beta" / "alpha" (an `environment` key never takes a URL).
absl::StatusOr<std::string> EnvironmentUrl(std::string_view environment);

// Reads every key, then reader.Finish(): unknown keys and bad values are errors naming them.
// xsd_dir defaults to default_xsd_dir (when empty: common::DefaultXsdDir()).
absl::StatusOr<UploaderConfig> ReadUploaderConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir);

}  // namespace sevisflow::uploader
