#pragma once
// Start-up checks of every organisation's SEVIS credentials, and the daily certificate-expiry
// check that feeds sevisflow_uploader_cert_expiry_days{org} and the expiry warning.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/http/tls_check.h"

namespace sevisflow::uploader {

// One org: the certificate/key pair (http::InspectClientCredentials: readable files, key
// password, key matches certificate, valid at `now`) and, when set, its CA bundle. Errors keep
// their code and read "orgs.<org>: <problem>".
absl::StatusOr<http::CertInfo> CheckOrgCredentials(const OrgCredentials& org,
                                                   std::chrono::system_clock::time_point now);

// Every org; FAILED_PRECONDITION (NOT_FOUND when every failure is a missing file) listing every
// org that failed, one "orgs.<org>: ..." per org, so one start-up attempt shows all problems.
absl::StatusOr<std::map<std::string, http::CertInfo>> CheckAllOrgCredentials(
    const std::map<std::string, OrgCredentials>& orgs, std::chrono::system_clock::time_point now);

// Whole days from `now` to `not_after`, rounded down (negative once expired).
int DaysToExpiry(std::chrono::system_clock::time_point not_after,
                 std::chrono::system_clock::time_point now);

struct ExpiryWarning {
  std::string org_id;
  int days = 0;  // days to expiry (negative: expired)
};

// Keeps each org's certificate expiry. Check(now) sets the gauge
// sevisflow_uploader_cert_expiry_days{org} for every org, logs a warning for each org whose
// certificate expires within `warning_days` (or has expired), returns those warnings and
// remembers when the next check is due (`interval` later). Thread-safe.
class CertExpiryMonitor {
 public:
  CertExpiryMonitor(std::map<std::string, std::chrono::system_clock::time_point> not_after,
                    int warning_days, std::chrono::hours interval,
                    common::MetricsRegistry& metrics);

  std::vector<ExpiryWarning> Check(std::chrono::system_clock::time_point now);
  // True when no check ran yet or the last one is `interval` old.
  bool Due(std::chrono::system_clock::time_point now) const;
  // Runs Check when Due; returns its warnings (empty otherwise).
  std::vector<ExpiryWarning> CheckIfDue(std::chrono::system_clock::time_point now);
  // Sets the gauges only (before a metrics scrape), no log.
  void RefreshGauges(std::chrono::system_clock::time_point now);

 private:
  void SetGauge(const std::string& org_id, int days);

  std::map<std::string, std::chrono::system_clock::time_point> not_after_;
  int warning_days_;
  std::chrono::hours interval_;
  common::MetricsRegistry& metrics_;
  mutable std::mutex mu_;
  std::chrono::system_clock::time_point next_check_{};
  bool checked_ = false;
};

}  // namespace sevisflow::uploader
