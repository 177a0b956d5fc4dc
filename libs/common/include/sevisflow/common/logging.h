#pragma once
// spdlog loggers, one per component. Never log payloads, names, birth dates, passport, SEVIS or
// SIS numbers: log ids (topic/partition/offset, alert id, batch id) and PersonRef(person_id).

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace sevisflow::common {

struct LoggingOptions {
  std::string level = "info";   // trace, debug, info, warn, error
  bool json = false;            // one JSON object per line (for Kubernetes log collectors)
  std::string person_salt;      // salt for PersonRef; empty = a per-process random salt
};

void InitLogging(const LoggingOptions& options);

// The logger of a component ("kafka", "detector", ...); created on first use.
std::shared_ptr<spdlog::logger> Logger(std::string_view component);

// A short salted hash of a person key, safe to log: stable within a deployment (same salt),
// meaningless outside it.
std::string PersonRef(std::string_view person_id);

}  // namespace sevisflow::common
