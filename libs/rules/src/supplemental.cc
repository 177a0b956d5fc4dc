#include "sevisflow/rules/supplemental.h"

namespace sevisflow::rules {

// Placeholder until the overlay merge lands.
absl::Status ValidateSupplemental(const v1::SupplementalData& data) {
  if (data.org_id().empty()) return absl::InvalidArgumentError("org_id: required");
  if (data.person_id().empty()) return absl::InvalidArgumentError("person_id: required");
  return absl::OkStatus();
}

v1::SisPersonSnapshot MergeSupplemental(const v1::SisPersonSnapshot& snapshot,
                                        const std::vector<v1::SupplementalData>&) {
  return snapshot;
}

}  // namespace sevisflow::rules
