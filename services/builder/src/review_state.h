#pragma once
// Pure review-state rules of the builder: which alerts may be selected, how a SEVIS outcome
// changes a review alert, and which of two alerts for the same (person, event, subject) is the
// newer one. No I/O.

#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "sevisflow/v1/review_service.pb.h"

namespace sevisflow::builder {

// An alert with a detector validation issue or a review issue (XSD, SEVIS) can never be
// selected: its data must be corrected in the SIS and detected again.
bool HasIssues(const sevisflow::v1::ReviewAlert& alert);

// Whether an alert in this state may be selected in review (OPEN or SELECTED, no issues).
bool IsSelectable(const sevisflow::v1::ReviewAlert& alert);

// States in which an alert is still in review and not in a batch (a newer alert for the same
// person, event and subject replaces it): OPEN, SELECTED, FAILED, HELD.
bool IsUnbatched(sevisflow::v1::AlertState state);

// Applies a SEVIS outcome to a stored review alert: ACCEPTED, or FAILED with the SEVIS code and
// message as a review issue (replacing an earlier SEVIS issue, so a replay adds nothing).
void ApplyOutcome(const sevisflow::v1::Outcome& outcome, sevisflow::v1::ReviewAlert& alert);

// True when `candidate` is newer than `current` (same person, event and subject): a higher
// snapshot_version, else (same version) a later detected_at, else (same instant) a larger id so
// the order is total and the same on every replica.
bool IsNewer(const sevisflow::v1::Alert& candidate, const sevisflow::v1::Alert& current);

}  // namespace sevisflow::builder
