#include "sevisflow/common/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace sevisflow::common {

std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "<redacted>"; }

struct ConfigReader::Impl {
  YAML::Node root;
  std::map<std::string, std::string> env;
  std::set<std::string> known;  // keys read (and all their ancestors)
  std::vector<std::string> errors;

  // Node at a dotted path, or an undefined node.
  YAML::Node Find(std::string_view key) const {
    YAML::Node node = YAML::Clone(root);
    for (absl::string_view part : absl::StrSplit(absl::string_view(key.data(), key.size()), '.')) {
      if (!node || !node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
      YAML::Node child = node[std::string(part.data(), part.size())];
      if (!child) return YAML::Node(YAML::NodeType::Undefined);
      node = child;
    }
    return node;
  }

  void MarkKnown(std::string_view key) {
    std::string prefix;
    for (absl::string_view part : absl::StrSplit(absl::string_view(key.data(), key.size()), '.')) {
      if (!prefix.empty()) prefix += '.';
      prefix.append(part.data(), part.size());
      known.insert(prefix);
    }
  }

  // The raw text of a scalar: environment first, then the file.
  std::optional<std::string> Raw(std::string_view key) {
    MarkKnown(key);
    if (auto it = env.find(ConfigReader::EnvName(key)); it != env.end()) return it->second;
    YAML::Node node = Find(key);
    if (!node || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
      errors.push_back(std::string(key) + ": expected a single value");
      return std::nullopt;
    }
    return node.Scalar();
  }

  void CollectUnknown(const YAML::Node& node, const std::string& prefix,
                      std::vector<std::string>& out) const {
    if (!node.IsMap()) return;
    for (const auto& kv : node) {
      std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
      if (!known.count(key)) {
        out.push_back(key);
        continue;
      }
      CollectUnknown(kv.second, key, out);
    }
  }
};

ConfigReader::ConfigReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (!kv.starts_with("SEVISFLOW_")) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    impl_->env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
}
ConfigReader::ConfigReader(ConfigReader&&) noexcept = default;
ConfigReader& ConfigReader::operator=(ConfigReader&&) noexcept = default;
ConfigReader::~ConfigReader() = default;

absl::StatusOr<ConfigReader> ConfigReader::FromString(std::string_view yaml) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("config: cannot parse YAML: ") + e.what());
  }
  if (impl->root && !impl->root.IsNull() && !impl->root.IsMap()) {
    return absl::InvalidArgumentError("config: the top level must be a map of keys");
  }
  return ConfigReader(std::move(impl));
}

absl::StatusOr<ConfigReader> ConfigReader::FromFile(const std::string& path) {
  if (path.empty()) return FromString("");
  auto impl = std::make_unique<Impl>();
  try {
    impl->root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return absl::NotFoundError("config: cannot read file " + path);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError("config: cannot parse " + path + ": " + e.what());
  }
  if (impl->root && !impl->root.IsNull() && !impl->root.IsMap()) {
    return absl::InvalidArgumentError("config: the top level of " + path + " must be a map");
  }
  return ConfigReader(std::move(impl));
}

void ConfigReader::SetEnvironment(std::map<std::string, std::string> env) {
  impl_->env = std::move(env);
}

std::string ConfigReader::EnvName(std::string_view key) {
  std::string out = "SEVISFLOW_";
  for (char c : key) {
    out += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string ConfigReader::String(std::string_view key, std::string_view default_value) {
  auto raw = impl_->Raw(key);
  return raw ? *raw : std::string(default_value);
}

int64_t ConfigReader::Int(std::string_view key, int64_t default_value, int64_t min, int64_t max) {
  auto raw = impl_->Raw(key);
  if (!raw) return default_value;
  int64_t v = 0;
  if (!absl::SimpleAtoi(*raw, &v)) {
    AddError(key, "'" + *raw + "' is not an integer");
    return default_value;
  }
  if (v < min || v > max) {
    AddError(key, std::to_string(v) + " is outside [" + std::to_string(min) + ", " +
                      std::to_string(max) + "]");
    return default_value;
  }
  return v;
}

double ConfigReader::Double(std::string_view key, double default_value) {
  auto raw = impl_->Raw(key);
  if (!raw) return default_value;
  double v = 0;
  if (!absl::SimpleAtod(*raw, &v)) {
    AddError(key, "'" + *raw + "' is not a number");
    return default_value;
  }
  return v;
}

bool ConfigReader::Bool(std::string_view key, bool default_value) {
  auto raw = impl_->Raw(key);
  if (!raw) return default_value;
  std::string v = *raw;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  AddError(key, "'" + *raw + "' is not a boolean (true/false)");
  return default_value;
}

std::vector<std::string> ConfigReader::StringList(std::string_view key,
                                                  const std::vector<std::string>& default_value) {
  impl_->MarkKnown(key);
  if (auto it = impl_->env.find(EnvName(key)); it != impl_->env.end()) {
    std::vector<std::string> out;
    for (auto part : absl::StrSplit(it->second, ',', absl::SkipWhitespace())) {
      out.emplace_back(part.data(), part.size());
    }
    return out;
  }
  YAML::Node node = impl_->Find(key);
  if (!node || node.IsNull()) return default_value;
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) {
    AddError(key, "expected a list");
    return default_value;
  }
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      AddError(key, "list items must be single values");
      return default_value;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Secret ConfigReader::SecretValue(std::string_view key) {
  auto raw = impl_->Raw(key);
  return Secret(raw ? *raw : "");
}

std::string ConfigReader::Enum(std::string_view key, std::string_view default_value,
                               const std::vector<std::string>& allowed) {
  std::string v = String(key, default_value);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    AddError(key, "'" + v + "' is not one of: " + absl::StrJoin(allowed, ", "));
    return std::string(default_value);
  }
  return v;
}

std::vector<std::string> ConfigReader::Keys(std::string_view key) {
  impl_->MarkKnown(key);
  YAML::Node node = impl_->Find(key);
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) {
    AddError(key, "expected a map");
    return out;
  }
  for (const auto& kv : node) out.push_back(kv.first.Scalar());
  return out;
}

bool ConfigReader::Has(std::string_view key) const {
  if (impl_->env.count(EnvName(key))) return true;
  YAML::Node node = impl_->Find(key);
  return node && !node.IsNull();
}

void ConfigReader::AddError(std::string_view key, std::string_view message) {
  impl_->errors.push_back(std::string(key) + ": " + std::string(message));
}

absl::Status ConfigReader::Finish() const {
  std::vector<std::string> problems = impl_->errors;
  std::vector<std::string> unknown;
  impl_->CollectUnknown(impl_->root, "", unknown);
  for (const auto& k : unknown) problems.push_back(k + ": unknown key");
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError("config: " + absl::StrJoin(problems, "; "));
}

}  // namespace sevisflow::common
