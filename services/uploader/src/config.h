#pragma once
// The uploader's typed configuration (README.md lists every key).

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/service_config.h"
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
};

struct UploaderConfig {
  // Common keys (docs/architecture.md, "Common config keys"); the uploader's defaults are
  // grpc.listen 127.0.0.1:50053 and metrics.port 9103.
  common::ServiceConfig service;

  std::string endpoint;      // base URL ending in '/', e.g. https://egov.ice.gov/sevisbatch/action/
  std::string upload_url;    // endpoint + batchUpload
  std::string download_url;  // endpoint + batchDownload
  BackoffPolicy backoff;
  std::string docstore_root;
  std::map<std::string, OrgCredentials> orgs;  // by org id
};

// "production" / "beta" / "alpha" → the SEVIS base URLs of INTERFACE.md §1; any other value
// must be an https:// URL (a missing trailing '/' is added). InvalidArgument otherwise.
absl::StatusOr<std::string> ResolveEndpoint(std::string_view endpoint);

// Reads every key, then reader.Finish(): unknown keys and bad values are errors naming them.
// xsd_dir defaults to default_xsd_dir (when empty: common::DefaultXsdDir()).
absl::StatusOr<UploaderConfig> ReadUploaderConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir);

}  // namespace sevisflow::uploader
