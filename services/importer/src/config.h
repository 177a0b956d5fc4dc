#pragma once
// The importer's typed configuration (README.md lists every key).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/rpc/dso_auth.h"

namespace sevisflow::importer {

struct ImporterConfig {
  // Common keys (docs/architecture.md, "Common config keys"); the importer's defaults are
  // grpc.listen 127.0.0.1:50054 and metrics.port 9104.
  common::ServiceConfig service;
  std::string docstore_root;
  int master_cache_size = 10000;
  // importer.result_codes: path of result-codes.tsv; "" = <xsd_dir>/../result-codes.tsv when
  // present.
  std::string result_codes_path;
  // dsos.*: who may call ImportService, and for which orgs (rpc::ReadDsos; the builder's block).
  std::vector<rpc::Dso> dsos;
};

// Reads every key, then reader.Finish(): unknown keys and bad values are errors naming them.
// xsd_dir defaults to default_xsd_dir (when empty: common::DefaultXsdDir()).
absl::StatusOr<ImporterConfig> ReadImporterConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir);

}  // namespace sevisflow::importer
