#include "credentials.h"

#include "absl/strings/str_join.h"
#include "sevisflow/common/logging.h"

namespace sevisflow::uploader {
namespace {

auto& Log() {
  static auto logger = common::Logger("uploader.certs");
  return logger;
}

constexpr char kExpiryGauge[] = "sevisflow_uploader_cert_expiry_days";

}  // namespace

absl::StatusOr<http::CertInfo> CheckOrgCredentials(const OrgCredentials& org,
                                                   std::chrono::system_clock::time_point now) {
  auto named = [&org](const absl::Status& s) {
    return absl::Status(s.code(), "orgs." + org.org_id + ": " + std::string(s.message()));
  };
  auto info = http::InspectClientCredentials(org.cert, org.key, org.key_password, now);
  if (!info.ok()) return named(info.status());
  if (!org.ca.empty()) {
    if (auto s = http::CheckCaBundle(org.ca); !s.ok()) return named(s);
  }
  return info;
}

absl::StatusOr<std::map<std::string, http::CertInfo>> CheckAllOrgCredentials(
    const std::map<std::string, OrgCredentials>& orgs, std::chrono::system_clock::time_point now) {
  std::map<std::string, http::CertInfo> out;
  std::vector<std::string> errors;
  bool all_not_found = true;
  for (const auto& [org_id, org] : orgs) {
    auto info = CheckOrgCredentials(org, now);
    if (info.ok()) {
      out.emplace(org_id, *info);
      continue;
    }
    errors.emplace_back(info.status().message());
    all_not_found = all_not_found && info.status().code() == absl::StatusCode::kNotFound;
  }
  if (errors.empty()) return out;
  std::string message = "client credentials unusable: " + absl::StrJoin(errors, "; ");
  return all_not_found ? absl::NotFoundError(message) : absl::FailedPreconditionError(message);
}

int DaysToExpiry(std::chrono::system_clock::time_point not_after,
                 std::chrono::system_clock::time_point now) {
  return static_cast<int>(std::chrono::floor<std::chrono::days>(not_after - now).count());
}

CertExpiryMonitor::CertExpiryMonitor(
    std::map<std::string, std::chrono::system_clock::time_point> not_after, int warning_days,
    std::chrono::hours interval, common::MetricsRegistry& metrics)
    : not_after_(std::move(not_after)),
      warning_days_(warning_days),
      interval_(interval),
      metrics_(metrics) {}

void CertExpiryMonitor::SetGauge(const std::string& org_id, int days) {
  metrics_
      .GetGauge(kExpiryGauge, "Whole days until the org's SEVIS client certificate expires",
                {{"org", org_id}})
      .Set(static_cast<double>(days));
}

void CertExpiryMonitor::RefreshGauges(std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mu_);
  for (const auto& [org_id, not_after] : not_after_) SetGauge(org_id, DaysToExpiry(not_after, now));
}

std::vector<ExpiryWarning> CertExpiryMonitor::Check(std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mu_);
  std::vector<ExpiryWarning> warnings;
  for (const auto& [org_id, not_after] : not_after_) {
    int days = DaysToExpiry(not_after, now);
    SetGauge(org_id, days);
    if (days < 0) {
      Log()->error("org {}: client certificate expired {} day(s) ago; uploads will fail", org_id,
                   -days);
      warnings.push_back({org_id, days});
    } else if (days <= warning_days_) {
      Log()->warn("org {}: client certificate expires in {} day(s); register a new one in SEVIS",
                  org_id, days);
      warnings.push_back({org_id, days});
    }
  }
  checked_ = true;
  next_check_ = now + interval_;
  return warnings;
}

bool CertExpiryMonitor::Due(std::chrono::system_clock::time_point now) const {
  std::lock_guard lock(mu_);
  return !checked_ || now >= next_check_;
}

std::vector<ExpiryWarning> CertExpiryMonitor::CheckIfDue(
    std::chrono::system_clock::time_point now) {
  if (!Due(now)) return {};
  return Check(now);
}

}  // namespace sevisflow::uploader
