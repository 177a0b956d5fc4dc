#include "sim_config.h"

#include "sim_faults.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sevisflow::sim {
namespace {

std::set<std::string> SplitList(std::string_view text) {
  std::set<std::string> out;
  for (absl::string_view part : absl::StrSplit(absl::string_view(text.data(), text.size()), ',',
                                               absl::SkipWhitespace())) {
    out.emplace(absl::StripAsciiWhitespace(part));
  }
  return out;
}

}  // namespace

absl::StatusOr<OrgRegistration> ParseOrgFlag(std::string_view flag) {
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(flag.data(), flag.size()), ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("--org '", std::string(flag), "': expected ORG:USER[,USER...][:CN[,CN...]]"));
  }
  OrgRegistration org;
  org.org_id = std::string(absl::StripAsciiWhitespace(parts[0]));
  org.user_ids = SplitList(parts[1]);
  org.cert_cns = parts.size() == 3 ? SplitList(parts[2]) : std::set<std::string>{org.org_id};
  if (org.org_id.empty()) return absl::InvalidArgumentError("--org: empty organisation id");
  if (org.user_ids.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--org ", org.org_id, ": no user id"));
  }
  if (org.cert_cns.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--org ", org.org_id, ": empty CN list"));
  }
  return org;
}

absl::StatusOr<SimConfig> ReadSimConfig(common::ConfigReader& reader,
                                        const std::string& default_xsd_dir) {
  SimConfig c;
  c.host = reader.String("host", c.host);
  c.port = static_cast<int>(reader.Int("port", c.port, 0, 65535));
  c.port_file = reader.String("port_file", "");
  c.cert_file = reader.String("tls.cert", "");
  c.key_file = reader.String("tls.key", "");
  c.client_ca_file = reader.String("tls.client_ca", "");
  c.xsd_dir = reader.String("xsd_dir", default_xsd_dir);
  c.data_dir = reader.String("data_dir", "");
  c.process_delay_seconds =
      static_cast<int>(reader.Int("process_delay_seconds", 0, 0, 7 * 24 * 3600));
  c.system_name = reader.String("system", c.system_name);
  c.faults_json = reader.String("faults", "");
  if (std::string at = reader.String("process_at", ""); !at.empty()) {
    auto minute = ParseProcessAt(at);
    if (minute.ok()) {
      c.process_at_minute_utc = *minute;
    } else {
      reader.AddError("process_at", "HH:MM (UTC)");
    }
  }
  c.log_level = reader.Enum("log.level", c.log_level, {"trace", "debug", "info", "warn", "error"});
  c.log_json = reader.Bool("log.json", c.log_json);
  for (const std::string& org_id : reader.Keys("orgs")) {
    OrgRegistration org;
    org.org_id = org_id;
    const std::string prefix = absl::StrCat("orgs.", org_id, ".");
    for (auto& u : reader.StringList(prefix + "users", {})) org.user_ids.insert(u);
    for (auto& cn : reader.StringList(prefix + "cert_cns", {org_id})) org.cert_cns.insert(cn);
    if (org.user_ids.empty()) reader.AddError(prefix + "users", "at least one user id");
    c.orgs[org_id] = std::move(org);
  }
  if (absl::Status s = reader.Finish(); !s.ok()) return s;
  return c;
}

absl::StatusOr<int> ParseProcessAt(std::string_view hhmm) {
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  if (hhmm.size() != 5 || hhmm[2] != ':' || !digit(hhmm[0]) || !digit(hhmm[1]) ||
      !digit(hhmm[3]) || !digit(hhmm[4])) {
    return absl::InvalidArgumentError("process_at: expected HH:MM");
  }
  const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  const int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 23 || m > 59) return absl::InvalidArgumentError("process_at: expected HH:MM");
  return h * 60 + m;
}

absl::Status ValidateSimConfig(const SimConfig& c) {
  std::vector<std::string> problems;
  if (c.cert_file.empty()) problems.push_back("server certificate (tls.cert / --cert) not set");
  if (c.key_file.empty()) problems.push_back("server key (tls.key / --key) not set");
  if (c.client_ca_file.empty()) {
    problems.push_back("client CA (tls.client_ca / --client-ca) not set");
  }
  if (c.xsd_dir.empty()) problems.push_back("xsd_dir not set");
  if (c.data_dir.empty()) problems.push_back("data_dir not set");
  if (c.orgs.empty()) problems.push_back("no organisation registered (orgs / --org)");
  if (c.system_name.size() > 30) problems.push_back("system: at most 30 characters");
  if (c.process_delay_seconds < 0) problems.push_back("process_delay_seconds: negative");
  if (c.process_at_minute_utc >= 24 * 60) problems.push_back("process_at: out of range");
  if (!c.faults_json.empty()) {
    FaultInjector probe;
    if (absl::Status s = probe.Apply(c.faults_json); !s.ok()) {
      problems.push_back(std::string(s.message()));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("sevis-sim config: ",
                                                   absl::StrJoin(problems, "; ")));
  }
  return absl::OkStatus();
}

}  // namespace sevisflow::sim
