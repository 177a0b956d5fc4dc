#include "config.h"

namespace sevisflow::importer {

absl::StatusOr<ImporterConfig> ReadImporterConfig(common::ConfigReader& reader,
                                                  const std::string& default_xsd_dir) {
  ImporterConfig c;
  c.service.grpc_listen = "127.0.0.1:50054";
  c.service.metrics_port = 9104;
  c.service.xsd_dir = default_xsd_dir;
  common::ReadServiceConfig(reader, c.service);
  c.docstore_root = reader.String("docstore.root", "");
  if (c.docstore_root.empty()) reader.AddError("docstore.root", "required");
  if (c.service.xsd_dir.empty()) reader.AddError("xsd_dir", "required");
  c.master_cache_size =
      static_cast<int>(reader.Int("importer.master_cache_size", c.master_cache_size, 0, 10000000));
  c.result_codes_path = reader.String("importer.result_codes", "");
  c.dsos = rpc::ReadDsos(reader);
  if (auto s = reader.Finish(); !s.ok()) return s;
  if (auto dir = rpc::DsoDirectory::Create(c.dsos); !dir.ok()) return dir.status();
  return c;
}

}  // namespace sevisflow::importer
