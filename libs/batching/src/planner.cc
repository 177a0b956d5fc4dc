#include "services/builder/src/batch_planner.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sevisflow::builder {

using sevisflow::v1::Alert;
using sevisflow::v1::ReviewAlert;

namespace {

constexpr char kSevisIssueField[] = "sevis";

}  // namespace

absl::Status CheckBatchIdPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() >= kBatchIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "builder.batch_id_prefix must be 1 to ", kBatchIdLength - 1, " characters, got ",
        prefix.size()));
  }
  for (char c : prefix) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          "builder.batch_id_prefix may hold ASCII letters and digits only");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FormatBatchId(std::string_view prefix, int64_t sequence) {
  if (absl::Status status = CheckBatchIdPrefix(prefix); !status.ok()) return status;
  if (sequence < 1) {
    return absl::InvalidArgumentError(absl::StrCat("batch sequence must be >= 1, got ", sequence));
  }
  std::string digits = std::to_string(sequence);
  const size_t width = kBatchIdLength - prefix.size();
  if (digits.size() > width) {
    return absl::OutOfRangeError(absl::StrCat("batch sequence ", sequence, " does not fit in ",
                                              width, " digits after prefix ", std::string(prefix)));
  }
  return absl::StrCat(std::string(prefix), std::string(width - digits.size(), '0'), digits);
}

absl::Status CheckUserId(std::string_view user_id) {
  if (user_id.size() != kUserIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SEVIS userID must be exactly ", kUserIdLength, " characters, got ", user_id.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequestIdFor(const Alert& alert) {
  const std::string& id = alert.alert_id();
  if (id.empty() || id.size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("alert id of ", id.size(),
                                                   " characters cannot be a requestID (1..",
                                                   kMaxRequestIdLength, ")"));
  }
  if (id.find_first_of(":/\\") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("alert id ", id, " holds ':', '/' or '\\', not allowed in a requestID"));
  }
  return id;
}

absl::Status CheckBuildable(const Alert& alert) {
  if (absl::StatusOr<std::string> id = RequestIdFor(alert); !id.ok()) return id.status();
  if (alert.event_type() != sevisflow::v1::EVENT_TYPE_CREATE_STUDENT) {
    return absl::UnimplementedError(
        absl::StrCat("event ", sevisflow::v1::EventType_Name(alert.event_type()),
                     " is not supported by the builder yet"));
  }
  if (!alert.has_create_student()) {
    return absl::InvalidArgumentError("Create Student alert without create_student data");
  }
  if (alert.person_id().empty()) {
    return absl::InvalidArgumentError("alert without person_id");
  }
  return absl::OkStatus();
}

bool HasIssues(const ReviewAlert& alert) {
  return alert.alert().issues_size() > 0 || alert.review_issues_size() > 0;
}

bool IsSelectable(const ReviewAlert& alert) {
  return (alert.state() == sevisflow::v1::ALERT_STATE_OPEN ||
          alert.state() == sevisflow::v1::ALERT_STATE_SELECTED) &&
         !HasIssues(alert);
}

Plan PlanDocuments(const std::vector<Alert>& selected, int max_records_per_document) {
  const size_t limit = static_cast<size_t>(
      std::clamp(max_records_per_document, 1, kMaxRecordsPerDocument));
  Plan plan;
  std::vector<std::set<std::string>> persons;  // per document
  for (size_t i = 0; i < selected.size(); ++i) {
    const Alert& alert = selected[i];
    if (absl::Status status = CheckBuildable(alert); !status.ok()) {
      plan.unplanned.push_back(Unplanned{i, std::string(status.message())});
      continue;
    }
    size_t d = 0;
    for (; d < plan.documents.size(); ++d) {
      if (plan.documents[d].alert_indexes.size() < limit &&
          !persons[d].contains(alert.person_id())) {
        break;
      }
    }
    if (d == plan.documents.size()) {
      plan.documents.emplace_back();
      persons.emplace_back();
    }
    plan.documents[d].alert_indexes.push_back(i);
    persons[d].insert(alert.person_id());
  }
  return plan;
}

std::vector<sevisflow::v1::ValidationIssue> XsdIssues(
    const std::vector<sevisxml::XmlError>& errors) {
  std::vector<sevisflow::v1::ValidationIssue> issues;
  issues.reserve(errors.size());
  for (const sevisxml::XmlError& error : errors) {
    sevisflow::v1::ValidationIssue& issue = issues.emplace_back();
    issue.set_field(error.path);
    issue.set_code("XSD_INVALID");
    issue.set_message(error.message);
  }
  return issues;
}

void ApplyOutcome(const sevisflow::v1::Outcome& outcome, ReviewAlert& alert) {
  // A replayed outcome replaces the issue it added the first time.
  auto* issues = alert.mutable_review_issues();
  issues->erase(std::remove_if(issues->begin(), issues->end(),
                               [](const sevisflow::v1::ValidationIssue& issue) {
                                 return issue.field() == kSevisIssueField;
                               }),
                issues->end());
  if (!outcome.batch_id().empty()) alert.set_batch_id(outcome.batch_id());
  if (outcome.accepted()) {
    alert.set_state(sevisflow::v1::ALERT_STATE_ACCEPTED);
    return;
  }
  alert.set_state(sevisflow::v1::ALERT_STATE_FAILED);
  sevisflow::v1::ValidationIssue* issue = alert.add_review_issues();
  issue->set_field(kSevisIssueField);
  issue->set_code(outcome.error_code().empty() ? "SEVIS_REJECTED" : outcome.error_code());
  issue->set_message(outcome.error_message());
}

sevisflow::v1::BatchDocument MakeBatchDocument(std::string batch_id, std::string org_id,
                                               std::string user_id, std::string xml,
                                               const std::vector<Alert>& alerts,
                                               std::string created_at) {
  sevisflow::v1::BatchDocument document;
  document.set_batch_id(std::move(batch_id));
  document.set_org_id(std::move(org_id));
  document.set_user_id(std::move(user_id));
  document.set_visa_family(sevisflow::v1::VISA_FAMILY_FM);
  document.set_xml(std::move(xml));
  document.set_created_at(std::move(created_at));
  document.set_schema_version("6.55");
  for (const Alert& alert : alerts) {
    sevisflow::v1::BatchRecord* record = document.add_records();
    record->set_request_id(alert.alert_id());
    record->set_alert_id(alert.alert_id());
    record->set_person_id(alert.person_id());
    record->set_event_type(alert.event_type());
    *record->mutable_alert() = alert;
  }
  return document;
}

}  // namespace sevisflow::builder
