#include "sevisflow/batching/planner.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/sevisxml/document.h"

namespace sevisflow::batching {

using sevisflow::v1::Alert;

absl::Status CheckBatchIdPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() >= kBatchIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch ID prefix must be 1 to ", kBatchIdLength - 1, " characters, got ",
        prefix.size()));
  }
  for (char c : prefix) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          "batch ID prefix may hold ASCII letters and digits only");
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
  if (alert.person_id().empty()) return absl::InvalidArgumentError("alert without person_id");
  const std::string event = sevisflow::v1::EventType_Name(alert.event_type());
  if (alert.visa_family() != sevisflow::v1::VISA_FAMILY_FM &&
      alert.visa_family() != sevisflow::v1::VISA_FAMILY_J) {
    return absl::InvalidArgumentError(absl::StrCat(event, " alert without a visa family"));
  }
  if (alert.data_case() == Alert::DATA_NOT_SET) {
    return absl::InvalidArgumentError(absl::StrCat(event, " alert without its event data"));
  }
  if (!sevisxml::IsCreateEvent(alert.event_type()) && alert.sevis_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(event, " is an update and the alert has no SEVIS ID"));
  }
  return absl::OkStatus();
}

Plan PlanDocuments(const std::vector<Alert>& selected, int max_records_per_section) {
  const int limit = std::clamp(max_records_per_section, 1, kMaxRecordsPerSection);
  Plan plan;
  std::vector<std::set<std::string>> created;  // persons created, per document
  for (size_t i = 0; i < selected.size(); ++i) {
    const Alert& alert = selected[i];
    if (absl::Status status = CheckBuildable(alert); !status.ok()) {
      plan.unplanned.push_back(Unplanned{i, std::string(status.message())});
      continue;
    }
    const bool create = sevisxml::IsCreateEvent(alert.event_type());
    size_t d = 0;
    for (; d < plan.documents.size(); ++d) {
      const PlannedDocument& doc = plan.documents[d];
      if (doc.family != alert.visa_family()) continue;
      if (create) {
        if (doc.creates < limit && !created[d].contains(alert.person_id())) break;
      } else if (doc.updates < limit) {
        break;
      }
    }
    if (d == plan.documents.size()) {
      plan.documents.emplace_back().family = alert.visa_family();
      created.emplace_back();
    }
    PlannedDocument& doc = plan.documents[d];
    doc.alert_indexes.push_back(i);
    if (create) {
      ++doc.creates;
      created[d].insert(alert.person_id());
    } else {
      ++doc.updates;
    }
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

std::string SchemaVersion(sevisflow::v1::VisaFamily family) {
  return family == sevisflow::v1::VISA_FAMILY_J ? "6.27" : "6.55";
}

sevisflow::v1::BatchDocument MakeBatchDocument(std::string batch_id, std::string org_id,
                                               std::string user_id,
                                               sevisflow::v1::VisaFamily family, std::string xml,
                                               const std::vector<Alert>& alerts,
                                               std::string created_at) {
  sevisflow::v1::BatchDocument document;
  document.set_batch_id(std::move(batch_id));
  document.set_org_id(std::move(org_id));
  document.set_user_id(std::move(user_id));
  document.set_visa_family(family);
  document.set_xml(std::move(xml));
  document.set_created_at(std::move(created_at));
  document.set_schema_version(SchemaVersion(family));
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

}  // namespace sevisflow::batching
