#include "sim_faults.h"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace sevisflow::sim {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<FaultKind, std::string_view>, 8> kKinds{{
    {FaultKind::kHttp500, "http500"},
    {FaultKind::kTimeout, "timeout"},
    {FaultKind::kSlow, "slow"},
    {FaultKind::kDrop, "drop"},
    {FaultKind::kDropAfter, "drop_after"},
    {FaultKind::kTruncatedZip, "truncated_zip"},
    {FaultKind::kCorruptZip, "corrupt_zip"},
    {FaultKind::kNotYetProcessed, "not_yet_processed"},
}};

bool IsTransport(FaultKind k) {
  return k == FaultKind::kHttp500 || k == FaultKind::kTimeout || k == FaultKind::kSlow ||
         k == FaultKind::kDrop || k == FaultKind::kDropAfter;
}

bool Matches(FaultTarget on, Endpoint e) {
  return on == FaultTarget::kAny || (on == FaultTarget::kUpload && e == Endpoint::kUpload) ||
         (on == FaultTarget::kDownload && e == Endpoint::kDownload);
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

absl::Status FaultInjector::Apply(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("faults: not a JSON object");
  }
  std::vector<Fault> faults;
  try {
    if (j.contains("faults")) {
      if (!j.at("faults").is_array()) return absl::InvalidArgumentError("faults: not an array");
      for (const json& jf : j.at("faults")) {
        Fault f;
        const std::string kind = jf.at("kind").get<std::string>();
        bool known = false;
        for (const auto& [k, name] : kKinds) {
          if (name == kind) {
            f.kind = k;
            known = true;
          }
        }
        if (!known) return absl::InvalidArgumentError(absl::StrCat("faults: unknown kind ", kind));
        const std::string on = jf.value("on", std::string("any"));
        if (on == "upload") {
          f.on = FaultTarget::kUpload;
        } else if (on == "download") {
          f.on = FaultTarget::kDownload;
        } else if (on != "any") {
          return absl::InvalidArgumentError("faults: on must be upload, download or any");
        }
        f.count = jf.value("count", 1);
        f.seconds = jf.value("seconds", 1.0);
        if (f.count < 1 || f.count > 1000000) {
          return absl::InvalidArgumentError("faults: count must be 1..1000000");
        }
        if (f.seconds < 0 || f.seconds > 3600) {
          return absl::InvalidArgumentError("faults: seconds must be 0..3600");
        }
        for (const auto& [key, value] : jf.items()) {
          if (key != "kind" && key != "on" && key != "count" && key != "seconds") {
            return absl::InvalidArgumentError(absl::StrCat("faults: unknown key ", key));
          }
        }
        faults.push_back(f);
      }
    }
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("faults: ", e.what()));
  }
  if (j.value("clear", false)) Clear();
  for (const Fault& f : faults) Add(f);
  return absl::OkStatus();
}

void FaultInjector::Add(const Fault& fault) {
  std::lock_guard lock(mu_);
  queue_.push_back(fault);
}

void FaultInjector::Clear() {
  std::lock_guard lock(mu_);
  queue_.clear();
}

std::optional<Fault> FaultInjector::Take(Endpoint endpoint, bool transport) {
  std::lock_guard lock(mu_);
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (IsTransport(it->kind) != transport || !Matches(it->on, endpoint)) continue;
    Fault served = *it;
    if (--it->count <= 0) queue_.erase(it);
    ++served_[served.kind];
    return served;
  }
  return std::nullopt;
}

std::optional<Fault> FaultInjector::TakeTransport(Endpoint endpoint) {
  return Take(endpoint, true);
}

std::optional<Fault> FaultInjector::TakeDownload() { return Take(Endpoint::kDownload, false); }

std::string FaultInjector::ServedJson() const {
  std::lock_guard lock(mu_);
  json out = json::object();
  int64_t total = 0;
  for (const auto& [k, name] : kKinds) {
    auto it = served_.find(k);
    const int64_t n = it == served_.end() ? 0 : it->second;
    out[std::string(name)] = n;
    total += n;
  }
  out["total"] = total;
  return out.dump();
}

int64_t FaultInjector::served(FaultKind kind) const {
  std::lock_guard lock(mu_);
  auto it = served_.find(kind);
  return it == served_.end() ? 0 : it->second;
}

size_t FaultInjector::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::string TruncateZip(const std::string& zip) { return zip.substr(0, zip.size() / 2); }

std::string CorruptZip(const std::string& zip) {
  std::string out = zip;
  // Overwrites the middle (compressed data and CRC-checked content), leaving the size intact.
  const size_t from = out.size() / 3;
  const size_t to = std::min(out.size(), from + std::max<size_t>(16, out.size() / 3));
  for (size_t i = from; i < to; ++i) out[i] = static_cast<char>(out[i] ^ 0x5A);
  return out;
}

}  // namespace sevisflow::sim
