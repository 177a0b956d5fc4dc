#pragma once
// sevis-sim settings: TLS material, XSD bundle, data folder, registered organisations and the
// processing mode. Read from YAML (+ SEVISFLOW_* environment) by ReadSimConfig; main.cc lets
// command-line flags override what the file says.

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"

namespace sevisflow::sim {

// What SEVIS RTI holds after "Register for Batch Processing": the organisation, the SEVIS user
// IDs allowed to send batches for it, and the client certificates registered for it (matched
// by subject CN; scripts/gen-certs.sh issues CN=<org id>).
struct OrgRegistration {
  std::string org_id;
  std::set<std::string> user_ids;
  std::set<std::string> cert_cns;
};

struct SimConfig {
  std::string host = "127.0.0.1";
  int port = 0;                 // 0 = any free port
  std::string port_file;        // when set, the bound port is written there
  std::string cert_file;        // server certificate (PEM)
  std::string key_file;         // server private key (PEM)
  std::string client_ca_file;   // CA that must have signed every client certificate
  std::string xsd_dir;          // holds 6.55/ and 6.27/
  std::string data_dir;         // persisted state (batch IDs, results, SEVIS IDs)
  int process_delay_seconds = 0;  // 0 = results at once (like Beta); >0 download says S0030
  // Production-like nightly run: minutes after 00:00 UTC ("HH:MM" in config), -1 = off. A batch
  // is then processed at the first such time at or after upload + process_delay_seconds.
  int process_at_minute_utc = -1;
  std::string faults_json;       // faults queued at start (sim_faults.h format), "" = none
  std::string system_name = "SEVISFLOW-SIM";  // BatchDetail/@system, at most 30 characters
  std::map<std::string, OrgRegistration> orgs;  // by org id
  std::string log_level = "info";
  bool log_json = false;
};

// Parses "ORG:USER[,USER...][:CN[,CN...]]", e.g. "ABC214F12345000:dso0000001,dso0000002".
// Without the CN part the registered CN is the org id itself.
absl::StatusOr<OrgRegistration> ParseOrgFlag(std::string_view flag);

// "HH:MM" (24-hour, UTC) -> minutes after midnight.
absl::StatusOr<int> ParseProcessAt(std::string_view hhmm);

// Reads every sevis-sim key (see README.md) and calls Finish(), so unknown keys are errors.
// xsd_dir defaults to default_xsd_dir (the build's SEVISFLOW_DEFAULT_XSD_DIR); the environment
// override SEVISFLOW_XSD_DIR comes through the reader.
absl::StatusOr<SimConfig> ReadSimConfig(common::ConfigReader& reader,
                                        const std::string& default_xsd_dir);

// Cross-field checks done once all sources are merged: TLS files and data dir set, at least
// one organisation, sane delay and system name.
absl::Status ValidateSimConfig(const SimConfig& config);

}  // namespace sevisflow::sim
