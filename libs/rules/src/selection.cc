#include "sevisflow/rules/selection.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace sevisflow::rules {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Upper(std::string_view s) {
  std::string out = Trim(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsFmVisa(const std::string& code) { return code == kVisaF1 || code == kVisaM1; }

// Sort key for "the newest row": a valid date beats no date; ties keep feed order, and the
// later row wins (>=).
std::optional<common::Date> DateOf(const std::string& iso) { return common::Date::Parse(Trim(iso)); }

// Plan types compare case-insensitively (PeopleSoft codes are upper case; config may not be).
bool Contains(const std::vector<std::string>& list, const std::string& upper_value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& item) { return Upper(item) == upper_value; });
}

struct PlanPick {
  const v1::AcademicPlan* primary = nullptr;
  const v1::AcademicPlan* secondary = nullptr;
  const v1::AcademicPlan* minor = nullptr;
};

using PlanRows = google::protobuf::RepeatedPtrField<v1::AcademicPlan>;

// Rows sorted by (career number, sequence, feed order).
std::vector<const v1::AcademicPlan*> Sorted(const PlanRows& rows) {
  std::vector<const v1::AcademicPlan*> out;
  for (const auto& r : rows) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->career_number(), a->sequence()) <
           std::make_pair(b->career_number(), b->sequence());
  });
  return out;
}

PlanPick PickPlans(const PlanRows& rows, const Setup& setup) {
  PlanPick pick;
  const auto sorted = Sorted(rows);
  for (const auto* row : sorted) {
    if (!row->active() || !row->subplan().empty()) continue;
    if (!Contains(setup.major_plan_types, Upper(row->plan_type()))) continue;
    if (pick.primary == nullptr) {
      pick.primary = row;
    } else if (pick.secondary == nullptr && row->plan() != pick.primary->plan()) {
      pick.secondary = row;
    }
  }
  // Minor: first a subplan of the primary major with a minor plan type, then a minor plan.
  if (pick.primary != nullptr) {
    for (const auto* row : sorted) {
      if (row->active() && !row->subplan().empty() && row->plan() == pick.primary->plan() &&
          Contains(setup.minor_plan_types, Upper(row->plan_type()))) {
        pick.minor = row;
        break;
      }
    }
  }
  if (pick.minor == nullptr) {
    for (const auto* row : sorted) {
      if (row->active() && row->subplan().empty() &&
          Contains(setup.minor_plan_types, Upper(row->plan_type()))) {
        pick.minor = row;
        break;
      }
    }
  }
  return pick;
}

}  // namespace

std::optional<FmVisa> SelectFmVisa(const v1::SisPersonSnapshot& snapshot, bool require_usa) {
  // The newest Port of Entry row (entry date; rows without a date are oldest; ties -> later row).
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
  if (!status.empty()) {
    if (IsFmVisa(status)) return FmVisa{status, VisaSource::kPortOfEntry};
    return std::nullopt;  // e.g. 03 J-1: another rule book
  }
  // Immigration status blank: the Visa/Permit Data page, newest qualifying row.
  const v1::VisaPermit* visa = nullptr;
  std::optional<common::Date> visa_date;
  for (const auto& row : snapshot.visas()) {
    if (!IsFmVisa(Trim(row.visa_type()))) continue;
    if (require_usa && Upper(row.country()) != "USA") continue;
    auto d = DateOf(row.effective_date());
    if (visa == nullptr || d >= visa_date) {
      visa = &row;
      visa_date = d;
    }
  }
  if (visa == nullptr) return std::nullopt;
  return FmVisa{Trim(visa->visa_type()), VisaSource::kVisaPermit};
}

const v1::I20Form* CurrentI20(const v1::SisPersonSnapshot& snapshot, common::Date today) {
  const v1::I20Form* current = nullptr;
  common::Date current_date;
  for (const auto& row : snapshot.i20()) {
    auto d = DateOf(row.effective_date());
    if (!d || *d > today) continue;
    if (current == nullptr || *d >= current_date) {
      current = &row;
      current_date = *d;
    }
  }
  return current;
}

bool I20ActiveAndFunded(const v1::I20Form& i20) {
  return i20.effective_status() == v1::FORM_STATUS_ACTIVE && i20.funding_verified();
}

Majors SelectMajors(const v1::SisPersonSnapshot& snapshot, const Setup& setup,
                    const std::string& visa_type) {
  Majors majors;
  PlanPick pick = PickPlans(snapshot.plans(), setup);
  if (pick.primary == nullptr) {
    pick = PickPlans(snapshot.application_plans(), setup);
    majors.from_application = pick.primary != nullptr;
  }
  if (pick.primary) majors.primary = Trim(pick.primary->cip_code());
  if (pick.secondary) majors.secondary = Trim(pick.secondary->cip_code());
  if (pick.minor) majors.minor = Trim(pick.minor->cip_code());
  if (visa_type == kVisaF1) {
    if (majors.secondary.empty()) majors.secondary = kNoCip;
    if (majors.minor.empty()) majors.minor = kNoCip;
  }
  return majors;
}

}  // namespace sevisflow::rules
