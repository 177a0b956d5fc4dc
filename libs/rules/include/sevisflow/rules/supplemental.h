#pragma once
// DSO-entered supplemental data (SupplementalData, topic sis.supplemental) merged into a SIS
// snapshot before the rules run, so what the DSO entered survives every later SIS message.

#include <vector>

#include "absl/status/status.h"
#include "sevisflow/v1/sis_person.pb.h"
#include "sevisflow/v1/supplemental.pb.h"

namespace sevisflow::rules {

// InvalidArgument naming the field, never its value ("i20_dependents[0].dependent_id: required",
// "names[1].name_type: duplicate") for an overlay that cannot be merged: org_id / person_id
// missing, an org_id holding '/' (the topic key is "<org_id>/<person_id>"), a dependent without
// dependent_id or with a duplicate one (ids and name types compare trimmed), a name without
// name_type or with a duplicate one, an explanation code or birth-country reason that is set but
// not 2 characters long.
absl::Status ValidateSupplemental(const v1::SupplementalData& data);

// A copy of `snapshot` with the person's overlays merged in. An overlay is ignored when its
// person_id is not the snapshot's, or when its org_id (trimmed) is not the school code of an
// I-20 row or the program number of a DS-2019 row of the snapshot. Per overlay, on EVERY form
// row of its org (I-20 school_code / DS-2019 program_number, all effective dates): a dependent
// with a SIS dependent's id replaces it whole, others are appended; set (non-blank) explanation
// codes and texts and the birth-country reason replace the SIS values (blank = not entered, the
// SIS value stays). Names replace every SIS name of the same name_type (or are added); an
// admission number replaces the newest port-of-entry row's (one row is added when there is
// none). Overlay values always win over SIS values; between two orgs' overlays the one with the
// later updated_at is applied last (then by org_id). Pure: same inputs, same output.
v1::SisPersonSnapshot MergeSupplemental(const v1::SisPersonSnapshot& snapshot,
                                        const std::vector<v1::SupplementalData>& overlays);

}  // namespace sevisflow::rules
