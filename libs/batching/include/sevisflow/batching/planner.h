#pragma once
// The builder's pure core: which selected alerts go into which SEVIS batch document, batch ID
// and requestID formats, and the review-state transitions. No I/O, no clock reads: every input
// is a value, so each rule is unit-tested without servers.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "sevisflow/v1/review_service.pb.h"

namespace sevisflow::builder {

// INTERFACE.md §9: BatchID is exactly 14 characters; userID exactly 10; requestID 1..20
// characters without ':', '/' or '\'.
inline constexpr size_t kBatchIdLength = 14;
inline constexpr size_t kUserIdLength = 10;
inline constexpr size_t kMaxRequestIdLength = 20;
// XSD limit: at most 250 Student elements in the Create section of one document.
inline constexpr int kMaxRecordsPerDocument = 250;

// The configured prefix: 1..13 ASCII letters or digits (a school that changes software picks a
// new prefix so its batch IDs never collide with the old tool's).
absl::Status CheckBatchIdPrefix(std::string_view prefix);

// prefix + sequence zero-padded so the whole ID is exactly 14 characters
// ("SF" + 1 -> "SF000000000001"). OutOfRange when the sequence no longer fits; InvalidArgument
// for a bad prefix or a sequence < 1.
absl::StatusOr<std::string> FormatBatchId(std::string_view prefix, int64_t sequence);

// InvalidArgument naming the rule when the SEVIS user ID is not exactly 10 characters.
absl::Status CheckUserId(std::string_view user_id);

// The record's requestID is the alert ID; InvalidArgument if it breaks the XSD rule.
absl::StatusOr<std::string> RequestIdFor(const sevisflow::v1::Alert& alert);

// An alert the builder can put into a document today (Create Student, F/M, with its data).
// The error says why not (the alert stays in review).
absl::Status CheckBuildable(const sevisflow::v1::Alert& alert);

// An alert with a detector validation issue or a review issue (XSD, SEVIS) can never be
// selected: its data must be corrected in the SIS and detected again.
bool HasIssues(const sevisflow::v1::ReviewAlert& alert);

// Whether an alert in this state may be selected / deselected in review.
bool IsSelectable(const sevisflow::v1::ReviewAlert& alert);

// One planned document: indexes into the input list, in input order.
struct PlannedDocument {
  std::vector<size_t> alert_indexes;
};

struct Unplanned {
  size_t alert_index;
  std::string reason;  // no personal data
};

struct Plan {
  std::vector<PlannedDocument> documents;
  std::vector<Unplanned> unplanned;  // not buildable; they stay SELECTED
};

// Splits the selected alerts of one organisation into documents of at most
// `max_records_per_document` records, a person at most once per document (a second alert for
// the same person goes into a later document: SEVIS rejects a create duplicating another record
// in the same XML, S1004). First-fit in input order, so earlier alerts go first.
Plan PlanDocuments(const std::vector<sevisflow::v1::Alert>& selected, int max_records_per_document);

// Review issues for an alert whose record failed XSD validation: one per validator error, with
// code "XSD_INVALID", the element path as `field` and the validator's message.
std::vector<sevisflow::v1::ValidationIssue> XsdIssues(
    const std::vector<sevisxml::XmlError>& errors);

// Applies a SEVIS outcome to a stored review alert: ACCEPTED, or FAILED with the SEVIS code and
// message as a review issue (replacing an earlier SEVIS issue, so a replay adds nothing).
void ApplyOutcome(const sevisflow::v1::Outcome& outcome, sevisflow::v1::ReviewAlert& alert);

// The topic payload for a built document. Records are in document order; request_id = alert_id.
sevisflow::v1::BatchDocument MakeBatchDocument(std::string batch_id, std::string org_id,
                                               std::string user_id, std::string xml,
                                               const std::vector<sevisflow::v1::Alert>& alerts,
                                               std::string created_at);

}  // namespace sevisflow::builder
