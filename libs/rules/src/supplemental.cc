// DSO-entered supplemental data (SupplementalData) merged into a SIS snapshot before the rules
// run. The readings behind each choice are in docs/rule-decisions.md ("Supplemental data").
#include "sevisflow/rules/supplemental.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "internal.h"

namespace sevisflow::rules {
namespace {

using internal::TrimView;

// "<list>[<index>].<field>: <what>" — names the field, never the value (the reason goes to a
// dead-letter header and to logs).
absl::Status FieldError(std::string_view list, int index, std::string_view field,
                        std::string_view what) {
  return absl::InvalidArgumentError(std::string(list) + "[" + std::to_string(index) + "]." +
                                    std::string(field) + ": " + std::string(what));
}

// Every entry of `list` needs a (trimmed) key, and no two the same one: the merge matches SIS
// rows by it, and the rules read one dependent / name per key.
template <typename List, typename KeyOf>
absl::Status RequireUniqueKeys(const List& list, std::string_view list_name,
                               std::string_view field, KeyOf key_of) {
  std::set<std::string_view> seen;
  for (int i = 0; i < list.size(); ++i) {
    const std::string_view key = TrimView(key_of(list.Get(i)));
    if (key.empty()) return FieldError(list_name, i, field, "required");
    if (!seen.insert(key).second) return FieldError(list_name, i, field, "duplicate");
  }
  return absl::OkStatus();
}

// A set code must have the length of its SEVIS type (an empty one is "not entered").
absl::Status CheckCodeLength(std::string_view field, const std::string& value, size_t length) {
  const std::string_view code = TrimView(value);
  if (code.empty() || code.size() == length) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(field) + ": must be " + std::to_string(length) +
                                    " characters");
}

bool Given(const std::string& value) { return !TrimView(value).empty(); }

void SetIfGiven(std::string* target, const std::string& value) {
  if (Given(value)) *target = value;
}

// An overlay dependent replaces every SIS dependent with its (trimmed) id, or is appended.
template <typename Dependents>
void MergeDependents(Dependents& sis, const Dependents& overlay) {
  for (const auto& dependent : overlay) {
    const std::string_view id = TrimView(dependent.dependent_id());
    if (id.empty()) continue;  // cannot be matched; ValidateSupplemental refuses it
    bool replaced = false;
    for (auto& row : sis) {
      if (TrimView(row.dependent_id()) == id) {
        row = dependent;
        replaced = true;
      }
    }
    if (!replaced) *sis.Add() = dependent;
  }
}

void MergeI20(v1::I20Form& i20, const v1::SupplementalData& data) {
  MergeDependents(*i20.mutable_dependents(), data.i20_dependents());
  SetIfGiven(i20.mutable_us_address_explanation_code(), data.us_address_explanation_code());
  SetIfGiven(i20.mutable_us_address_explanation(), data.us_address_explanation());
}

void MergeDs2019(v1::Ds2019Form& ds2019, const v1::SupplementalData& data) {
  MergeDependents(*ds2019.mutable_dependents(), data.ds2019_dependents());
  SetIfGiven(ds2019.mutable_us_address_explanation_code(), data.us_address_explanation_code());
  SetIfGiven(ds2019.mutable_us_address_explanation(), data.us_address_explanation());
  SetIfGiven(ds2019.mutable_mailing_address_explanation_code(),
             data.mailing_address_explanation_code());
  SetIfGiven(ds2019.mutable_mailing_address_explanation(), data.mailing_address_explanation());
  SetIfGiven(ds2019.mutable_birth_country_reason(), data.birth_country_reason());
}

// A name replaces every SIS name of its (trimmed) type, or is appended.
void MergeNames(v1::SisPersonSnapshot& s, const v1::SupplementalData& data) {
  for (const v1::PersonName& name : data.names()) {
    const std::string_view type = TrimView(name.name_type());
    if (type.empty()) continue;
    bool replaced = false;
    for (v1::PersonName& row : *s.mutable_names()) {
      if (TrimView(row.name_type()) == type) {
        row = name;
        replaced = true;
      }
    }
    if (!replaced) *s.add_names() = name;
  }
}

// The newest Port of Entry row as the rules choose it (entry date; rows without a date are the
// oldest; a tie goes to the later row of the feed) gets the admission number. Without any row
// one is added holding only the number: a blank immigration status leaves the visa selection
// to the Visa/Permit page, exactly as no row does.
void MergeAdmissionNumber(v1::SisPersonSnapshot& s, const v1::SupplementalData& data) {
  if (!Given(data.admission_number())) return;
  v1::PortOfEntry* newest = nullptr;
  std::optional<common::Date> newest_date;
  for (v1::PortOfEntry& row : *s.mutable_port_of_entry()) {
    const std::optional<common::Date> d = internal::DateOf(row.entry_date());
    if (newest == nullptr || d >= newest_date) {
      newest = &row;
      newest_date = d;
    }
  }
  if (newest == nullptr) newest = s.add_port_of_entry();
  newest->set_admission_number(data.admission_number());
}

// The organisations of the snapshot (trimmed school codes and program numbers).
std::set<std::string_view> Orgs(const v1::SisPersonSnapshot& s) {
  std::set<std::string_view> orgs;
  for (const auto& i20 : s.i20()) orgs.insert(TrimView(i20.school_code()));
  for (const auto& ds2019 : s.ds2019()) orgs.insert(TrimView(ds2019.program_number()));
  orgs.erase(std::string_view());
  return orgs;
}

}  // namespace

absl::Status ValidateSupplemental(const v1::SupplementalData& data) {
  const std::string_view org = TrimView(data.org_id());
  if (org.empty()) return absl::InvalidArgumentError("org_id: required");
  // The topic key is "<org_id>/<person_id>": the first '/' ends the org.
  if (org.find('/') != std::string_view::npos) {
    return absl::InvalidArgumentError("org_id: must not contain '/'");
  }
  if (TrimView(data.person_id()).empty()) {
    return absl::InvalidArgumentError("person_id: required");
  }
  if (absl::Status s =
          RequireUniqueKeys(data.i20_dependents(), "i20_dependents", "dependent_id",
                            [](const v1::I20Dependent& d) -> const std::string& {
                              return d.dependent_id();
                            });
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          RequireUniqueKeys(data.ds2019_dependents(), "ds2019_dependents", "dependent_id",
                            [](const v1::Ds2019Dependent& d) -> const std::string& {
                              return d.dependent_id();
                            });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireUniqueKeys(
          data.names(), "names", "name_type",
          [](const v1::PersonName& n) -> const std::string& { return n.name_type(); });
      !s.ok()) {
    return s;
  }
  // USAddrDoctorType ExplanationCode {OB, OH, OM, ON, OO, OP}; USBornReasonType {01, 02}.
  if (absl::Status s =
          CheckCodeLength("us_address_explanation_code", data.us_address_explanation_code(), 2);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCodeLength("mailing_address_explanation_code",
                                       data.mailing_address_explanation_code(), 2);
      !s.ok()) {
    return s;
  }
  return CheckCodeLength("birth_country_reason", data.birth_country_reason(), 2);
}

v1::SisPersonSnapshot MergeSupplemental(const v1::SisPersonSnapshot& snapshot,
                                        const std::vector<v1::SupplementalData>& overlays) {
  v1::SisPersonSnapshot merged = snapshot;
  const std::set<std::string_view> orgs = Orgs(snapshot);
  std::vector<const v1::SupplementalData*> mine;
  for (const v1::SupplementalData& data : overlays) {
    if (data.person_id() != snapshot.person_id()) continue;
    if (orgs.count(TrimView(data.org_id())) == 0) continue;
    mine.push_back(&data);
  }
  // Person-level values (names, admission number) may come from two organisations' overlays:
  // the one entered last wins, whatever order the caller read them in.
  std::stable_sort(mine.begin(), mine.end(), [](const auto* a, const auto* b) {
    return std::forward_as_tuple(a->updated_at(), a->org_id()) <
           std::forward_as_tuple(b->updated_at(), b->org_id());
  });
  for (const v1::SupplementalData* data : mine) {
    const std::string_view org = TrimView(data->org_id());
    for (v1::I20Form& i20 : *merged.mutable_i20()) {
      if (TrimView(i20.school_code()) == org) MergeI20(i20, *data);
    }
    for (v1::Ds2019Form& ds2019 : *merged.mutable_ds2019()) {
      if (TrimView(ds2019.program_number()) == org) MergeDs2019(ds2019, *data);
    }
    MergeNames(merged, *data);
    MergeAdmissionNumber(merged, *data);
  }
  return merged;
}

}  // namespace sevisflow::rules
