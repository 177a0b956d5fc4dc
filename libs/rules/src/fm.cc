// Rule book (shared/seeds/004_*.txt), "Process SEVIS Alerts - F/M": the selection criteria shared
// by every update event, and the order in which the event groups run.
#include <algorithm>

#include "internal.h"
#include "sevisflow/rules/fm_context.h"
#include "sevisflow/rules/selection.h"

namespace sevisflow::rules {

using internal::Trim;
using internal::Upper;

std::optional<int> FmContext::CompleteAfterDays() const {
  if (run_control == nullptr) return std::nullopt;
  if (IsM1()) {
    if (!run_control->has_complete_after_days_m()) return std::nullopt;
    return run_control->complete_after_days_m();
  }
  if (!run_control->has_complete_after_days_f()) return std::nullopt;
  return run_control->complete_after_days_f();
}

std::vector<const v1::TermSelection*> FmContext::Terms() const {
  std::vector<const v1::TermSelection*> out;
  if (run_control == nullptr) return out;
  for (const auto& t : run_control->terms()) out.push_back(&t);
  return out;
}

const v1::TermSelection* FmContext::TermFor(std::string_view institution,
                                            std::string_view career) const {
  if (run_control == nullptr) return nullptr;
  const std::string inst = Upper(institution), car = Upper(career);
  for (const auto& t : run_control->terms()) {
    if (Upper(t.institution()) == inst && Upper(t.career()) == car) return &t;
  }
  return nullptr;
}

std::optional<FmContext> MakeFmContext(const v1::SisPersonSnapshot& snapshot,
                                       const v1::MasterRecord* master,
                                       const v1::RunControl* run_control, const Setup& setup,
                                       common::Date today) {
  // "Selection Criteria for All Events Listed Below": Port of Entry 01/02, or blank and a
  // Visa/Permit 01/02 (no country condition here); current I-20 Active and Funding Verified;
  // SEVIS status Initial or Active.
  std::optional<FmVisa> visa = SelectFmVisa(snapshot, /*require_usa=*/false);
  if (!visa) return std::nullopt;
  const v1::I20Form* i20 = CurrentI20(snapshot, today);
  if (i20 == nullptr || !I20ActiveAndFunded(*i20)) return std::nullopt;
  if (master == nullptr || master->deleted()) return std::nullopt;
  if (master->sevis_status() != v1::SEVIS_STATUS_INITIAL &&
      master->sevis_status() != v1::SEVIS_STATUS_ACTIVE) {
    return std::nullopt;
  }
  FmContext ctx;
  ctx.snapshot = &snapshot;
  ctx.setup = &setup;
  ctx.today = today;
  ctx.org = Trim(i20->school_code());
  ctx.visa_type = visa->visa_type;
  ctx.i20 = i20;
  ctx.master = master;
  ctx.run_control = run_control;
  if (ctx.org.empty()) return std::nullopt;
  return ctx;
}

Detection MakeDetection(const FmContext& ctx, v1::EventType event, std::string subject,
                        v1::Alert alert, std::vector<v1::ValidationIssue> issues) {
  const internal::DetectionParts parts{ctx.org, ctx.snapshot, ctx.master->sevis_id(),
                                       v1::VISA_FAMILY_FM};
  return internal::StampDetection(parts, event, std::move(subject), std::move(alert),
                                  std::move(issues));
}

void AddChange(v1::Alert& alert, std::string_view field, std::string_view sevis_value,
               std::string_view sis_value) {
  if (sevis_value == sis_value) return;
  v1::FieldChange* c = alert.add_changes();
  c->set_field(std::string(field));
  c->set_sevis_value(std::string(sevis_value));
  c->set_sis_value(std::string(sis_value));
}

std::vector<Detection> DetectFm(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                                const RunControlLookup& run_control, const Setup& setup,
                                common::Date today) {
  std::vector<Detection> out;
  const v1::I20Form* i20 = CurrentI20(snapshot, today);
  if (i20 == nullptr) return out;
  const std::string org = Trim(i20->school_code());
  if (org.empty()) return out;
  const v1::RunControl* rc = run_control ? run_control(org) : nullptr;
  const bool validate_cip = rc == nullptr || rc->validate_cip();
  if (auto create = DetectCreateStudent(snapshot, master, setup, today, validate_cip)) {
    out.push_back(std::move(*create));
    return out;  // no SEVIS record yet: nothing to update
  }
  const v1::MasterRecord* row = master ? master(org) : nullptr;
  std::optional<FmContext> ctx = MakeFmContext(snapshot, row, rc, setup, today);
  if (!ctx) return out;
  DetectFmStatusEvents(*ctx, out);
  DetectFmRegistrationEvents(*ctx, out);
  DetectFmEmploymentEvents(*ctx, out);
  DetectFmPersonEvents(*ctx, out);
  DetectFmProgramEvents(*ctx, out);
  return out;
}

}  // namespace sevisflow::rules
