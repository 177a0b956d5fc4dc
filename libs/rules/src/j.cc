// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - J": the selection criteria shared
// by every exchange-visitor update event, and the order in which the J event groups run.
#include <algorithm>

#include "internal.h"
#include "sevisflow/rules/events.h"
#include "sevisflow/rules/j_context.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {

using internal::DateOf;
using internal::Trim;
using internal::Upper;

bool SelectJVisa(const v1::SisPersonSnapshot& snapshot) {
  const v1::PortOfEntry* poe = nullptr;
  std::optional<common::Date> poe_date;
  for (const auto& row : snapshot.port_of_entry()) {
    auto d = DateOf(row.entry_date());
    if (poe == nullptr || d >= poe_date) {
      poe = &row;
      poe_date = d;
    }
  }
  const std::string status = poe ? Trim(poe->immigration_status()) : std::string();
  if (!status.empty()) return status == kVisaJ1;
  return std::any_of(snapshot.visas().begin(), snapshot.visas().end(), [](const auto& v) {
    return Trim(v.visa_type()) == kVisaJ1 && Upper(v.country()) == "USA";
  });
}

const v1::Ds2019Form* CurrentDs2019(const v1::SisPersonSnapshot& snapshot, common::Date today) {
  const v1::Ds2019Form* current = nullptr;
  common::Date current_date;
  for (const auto& row : snapshot.ds2019()) {
    auto d = DateOf(row.effective_date());
    if (!d || *d > today) continue;
    if (current == nullptr || *d >= current_date) {
      current = &row;
      current_date = *d;
    }
  }
  return current;
}

bool Ds2019ActiveAndFunded(const v1::Ds2019Form& ds2019) {
  return ds2019.effective_status() == v1::FORM_STATUS_ACTIVE && ds2019.funding_verified();
}

bool BornInUsOrTerritory(std::string_view birth_country) {
  // United States, American Samoa, Navassa Island, Northern Mariana Islands, Jarvis Island,
  // Baker Island, Guam, Howland Island, U.S. Pacific Islands, Johnston Atoll, Kingman Reef,
  // Palmyra Atoll, Midway Islands, Puerto Rico, Virgin Islands, Wake Island.
  static constexpr std::string_view kCodes[] = {"US", "AQ", "BQ", "CQ", "DQ", "FQ", "GQ", "HQ",
                                                "IQ", "JQ", "KQ", "LQ", "MQ", "RQ", "VQ", "WQ"};
  const std::string c = Upper(birth_country);
  return std::find(std::begin(kCodes), std::end(kCodes), c) != std::end(kCodes);
}

bool IsStudentCategory(std::string_view category) {
  const std::string c = Upper(category);
  return c.size() == 2 && c[0] == '1' && c[1] >= 'A' && c[1] <= 'F';
}

const v1::TermSelection* JContext::TermFor(std::string_view institution,
                                           std::string_view career) const {
  if (run_control == nullptr) return nullptr;
  const std::string inst = Upper(institution), car = Upper(career);
  for (const auto& t : run_control->terms()) {
    if (Upper(t.institution()) == inst && Upper(t.career()) == car) return &t;
  }
  return nullptr;
}

std::optional<JContext> MakeJContext(const v1::SisPersonSnapshot& snapshot,
                                     const v1::MasterRecord* master,
                                     const v1::RunControl* run_control, const Setup& setup,
                                     common::Date today) {
  if (!SelectJVisa(snapshot)) return std::nullopt;
  const v1::Ds2019Form* ds2019 = CurrentDs2019(snapshot, today);
  if (ds2019 == nullptr || !Ds2019ActiveAndFunded(*ds2019)) return std::nullopt;
  if (master == nullptr || master->deleted()) return std::nullopt;
  const v1::SevisStatus status = master->sevis_status();
  if (status != v1::SEVIS_STATUS_INITIAL && status != v1::SEVIS_STATUS_INACTIVE &&
      status != v1::SEVIS_STATUS_ACTIVE) {
    return std::nullopt;
  }
  JContext ctx;
  ctx.snapshot = &snapshot;
  ctx.setup = &setup;
  ctx.today = today;
  ctx.org = Trim(ds2019->program_number());
  ctx.ds2019 = ds2019;
  ctx.master = master;
  ctx.run_control = run_control;
  if (ctx.org.empty()) return std::nullopt;
  return ctx;
}

Detection MakeJDetection(const JContext& ctx, v1::EventType event, std::string subject,
                         v1::Alert alert, std::vector<v1::ValidationIssue> issues) {
  const internal::DetectionParts parts{ctx.org, ctx.snapshot, ctx.master->sevis_id(),
                                       v1::VISA_FAMILY_J};
  return internal::StampDetection(parts, event, std::move(subject), std::move(alert),
                                  std::move(issues));
}

std::vector<Detection> DetectJ(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                               const RunControlLookup& run_control, const Setup& setup,
                               common::Date today) {
  std::vector<Detection> out;
  const v1::Ds2019Form* ds2019 = CurrentDs2019(snapshot, today);
  if (ds2019 == nullptr) return out;
  const std::string org = Trim(ds2019->program_number());
  if (org.empty()) return out;
  const v1::RunControl* rc = run_control ? run_control(org) : nullptr;
  const bool validate_cip = rc == nullptr || rc->validate_cip();
  if (auto create = DetectCreateExchangeVisitor(snapshot, master, setup, today, validate_cip)) {
    out.push_back(std::move(*create));
    return out;  // no SEVIS record yet: nothing to update
  }
  const v1::MasterRecord* row = master ? master(org) : nullptr;
  std::optional<JContext> ctx = MakeJContext(snapshot, row, rc, setup, today);
  if (!ctx) return out;
  DetectJPersonEvents(*ctx, out);
  DetectJProgramEvents(*ctx, out);
  return out;
}

std::vector<Detection> DetectAll(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                                 const RunControlLookup& run_control, const Setup& setup,
                                 common::Date today) {
  // The rule books select by visa (F-1/M-1 vs J-1) and by form (I-20 vs DS-2019); a person can
  // be in only one of them at a time, so running both is safe and keeps the choice in the rules.
  std::vector<Detection> out = DetectFm(snapshot, master, run_control, setup, today);
  if (!snapshot.ds2019().empty()) {
    std::vector<Detection> j = DetectJ(snapshot, master, run_control, setup, today);
    for (auto& d : j) out.push_back(std::move(d));
  }
  return out;
}

ManualCheck CheckManual(v1::EventType event, const v1::SisPersonSnapshot& snapshot,
                        const std::optional<v1::MasterRecord>& master, std::string_view subject,
                        const Setup& setup, common::Date today) {
  const EventInfo* info = FindEvent(event);
  if (info != nullptr && info->family == v1::VISA_FAMILY_J) {
    return CheckManualJ(event, snapshot, master, subject, setup, today);
  }
  return CheckManualFm(event, snapshot, master, subject, setup, today);
}

}  // namespace sevisflow::rules
