#pragma once
// Which selected alerts go into which SEVIS batch document, batch ID and requestID formats
// (INTERFACE.md §9). Pure: every input is a value, so each rule is unit-tested without servers.
// Shared by the builder service and `sevisctl build`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/common.pb.h"

namespace sevisflow::batching {

// BatchID is exactly 14 characters; userID exactly 10; requestID 1..20 characters without ':',
// '/' or '\'.
inline constexpr size_t kBatchIdLength = 14;
inline constexpr size_t kUserIdLength = 10;
inline constexpr size_t kMaxRequestIdLength = 20;
// XSD limit: at most 250 Student / ExchangeVisitor elements in each of the Create and Update
// sections of one document.
inline constexpr int kMaxRecordsPerSection = 250;

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

// Whether an alert can go into a document at all: a valid requestID, a person, a visa family,
// the event's data, and a SEVIS ID for every update event. The error says why not (no
// personal data); the alert stays in review.
absl::Status CheckBuildable(const sevisflow::v1::Alert& alert);

// One planned document: one visa family; indexes into the input list, in input order.
struct PlannedDocument {
  sevisflow::v1::VisaFamily family = sevisflow::v1::VISA_FAMILY_UNSPECIFIED;
  std::vector<size_t> alert_indexes;
  int creates = 0;
  int updates = 0;
};

struct Unplanned {
  size_t alert_index;
  std::string reason;  // no personal data
};

struct Plan {
  std::vector<PlannedDocument> documents;
  std::vector<Unplanned> unplanned;  // not buildable
};

// Splits one organisation's selected alerts into documents: one visa family per document; at
// most `max_records_per_section` (<= 250) creates and as many updates per document; a person
// created at most once per document (SEVIS rejects a create duplicating another record in the
// same XML, S1004: a second create of the same person goes into a later document). Several
// updates of one person may share a document (each is its own record with its own requestID).
// First-fit in input order, so earlier alerts go first.
Plan PlanDocuments(const std::vector<sevisflow::v1::Alert>& selected,
                   int max_records_per_section);

// Review issues for an alert whose record failed XSD validation: one per validator error, with
// code "XSD_INVALID", the element path as `field` and the validator's message.
std::vector<sevisflow::v1::ValidationIssue> XsdIssues(
    const std::vector<sevisxml::XmlError>& errors);

// The schema version written for a family: "6.55" (F/M) or "6.27" (J).
std::string SchemaVersion(sevisflow::v1::VisaFamily family);

// The topic payload for a built document. Records are in document order; request_id = alert_id.
sevisflow::v1::BatchDocument MakeBatchDocument(std::string batch_id, std::string org_id,
                                               std::string user_id,
                                               sevisflow::v1::VisaFamily family, std::string xml,
                                               const std::vector<sevisflow::v1::Alert>& alerts,
                                               std::string created_at);

}  // namespace sevisflow::batching
