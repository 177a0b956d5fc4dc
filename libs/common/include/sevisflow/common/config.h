#pragma once
// Typed configuration from YAML with SEVISFLOW_* environment overrides.
//
// A service reads every key it knows through a ConfigReader, then calls Finish(): any key in
// the file that nobody read, or any value that failed to parse, is an error naming the key.
// Environment override of key "kafka.brokers" is SEVISFLOW_KAFKA_BROKERS (dots and dashes
// become underscores, upper-cased).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sevisflow::common {

// A secret (key password, Redis password) that cannot be printed by accident.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  friend std::ostream& operator<<(std::ostream& os, const Secret&);

 private:
  std::string value_;
};

class ConfigReader {
 public:
  // Reads the YAML file; a missing or unparsable file is an error. An empty path means "no
  // file" (defaults and environment only).
  static absl::StatusOr<ConfigReader> FromFile(const std::string& path);
  static absl::StatusOr<ConfigReader> FromString(std::string_view yaml);
  // The environment is read through this map (tests inject one); default: the process env.
  void SetEnvironment(std::map<std::string, std::string> env);

  ConfigReader(ConfigReader&&) noexcept;
  ConfigReader& operator=(ConfigReader&&) noexcept;
  ~ConfigReader();

  std::string String(std::string_view key, std::string_view default_value);
  int64_t Int(std::string_view key, int64_t default_value, int64_t min = INT64_MIN,
              int64_t max = INT64_MAX);
  double Double(std::string_view key, double default_value);
  bool Bool(std::string_view key, bool default_value);
  std::vector<std::string> StringList(std::string_view key,
                                      const std::vector<std::string>& default_value);
  Secret SecretValue(std::string_view key);
  // A value from a closed set; anything else is an error naming the key and the allowed set.
  std::string Enum(std::string_view key, std::string_view default_value,
                   const std::vector<std::string>& allowed);
  // Child keys of a map node, e.g. Keys("orgs") -> {"ABC214F12345000", ...}. Marks the node
  // itself as known (its children still have to be read).
  std::vector<std::string> Keys(std::string_view key);
  bool Has(std::string_view key) const;

  // Records an error found by the caller's own checks (e.g. a cross-field rule).
  void AddError(std::string_view key, std::string_view message);
  // OK, or InvalidArgument listing every unknown key and bad value.
  absl::Status Finish() const;

  static std::string EnvName(std::string_view key);

 private:
  struct Impl;
  explicit ConfigReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sevisflow::common
