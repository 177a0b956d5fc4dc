#pragma once
// DSO-entered supplemental data (SupplementalData, topic sis.supplemental) merged into a SIS
// snapshot before the rules run, so what the DSO entered survives every later SIS message.

#include <vector>

#include "absl/status/status.h"
#include "sevisflow/v1/sis_person.pb.h"
#include "sevisflow/v1/supplemental.pb.h"

namespace sevisflow::rules {

// InvalidArgument naming the field ("i20_dependents[0].dependent_id: required") for an overlay
// that cannot be merged: org_id / person_id missing, a dependent without dependent_id or with a
// duplicate one, a name without name_type, codes of the wrong length.
absl::Status ValidateSupplemental(const v1::SupplementalData& data);

// A copy of `snapshot` with every overlay of the person merged in (overlays of other persons are
// ignored). Per overlay, on the form rows of its org (I-20 school_code / DS-2019
// program_number): a dependent with a SIS dependent's id replaces it, others are appended; set
// explanation codes and texts and the birth-country reason replace the SIS values. Names
// replace the SIS name of the same name_type (or are added); an admission number replaces the
// newest port-of-entry row's. Overlay values always win over SIS values.
v1::SisPersonSnapshot MergeSupplemental(const v1::SisPersonSnapshot& snapshot,
                                        const std::vector<v1::SupplementalData>& overlays);

}  // namespace sevisflow::rules
