#include "sevisflow/batching/build.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sevisflow/sevisxml/document.h"

namespace sevisflow::batching {
namespace {

using sevisflow::v1::Alert;

sevisflow::v1::ValidationIssue BuildIssue(const absl::Status& status) {
  sevisflow::v1::ValidationIssue issue;
  issue.set_code("BUILD_ERROR");
  issue.set_field("document");
  issue.set_message(std::string(status.message()));
  return issue;
}

sevisxml::DocumentSpec SpecFor(const BuildOptions& options, const std::string& batch_id,
                               sevisflow::v1::VisaFamily family,
                               const std::vector<Alert>& alerts) {
  sevisxml::DocumentSpec spec;
  spec.batch_id = batch_id;
  spec.org_id = options.org_id;
  spec.user_id = options.user_id;
  spec.family = family;
  spec.print_form = options.print_form;
  spec.issue_date = options.issue_date;
  spec.records.reserve(alerts.size());
  for (const Alert& alert : alerts) {
    spec.records.push_back(sevisxml::DocumentRecord{alert.alert_id(), &alert});
  }
  return spec;
}

struct Checked {
  std::string xml;                 // the valid document of `kept` ("" when none kept)
  std::vector<Alert> kept;
};

// Builds and validates `alerts` as one document; records that cannot be written or make the
// document invalid are moved to `returned`, found by writing / validating each record alone.
Checked BuildValid(const BuildOptions& options, const std::string& batch_id,
                   sevisflow::v1::VisaFamily family, const sevisxml::SchemaValidator& validator,
                   std::vector<Alert> alerts, std::vector<ReturnedAlert>& returned) {
  Checked checked;
  absl::StatusOr<std::string> xml =
      sevisxml::BuildDocument(SpecFor(options, batch_id, family, alerts));
  std::vector<sevisxml::XmlError> errors;
  if (xml.ok()) {
    errors = validator.Validate(*xml);
    if (errors.empty()) {
      checked.xml = *std::move(xml);
      checked.kept = std::move(alerts);
      return checked;
    }
  }
  // Isolate the bad records.
  std::vector<Alert> good;
  for (Alert& alert : alerts) {
    std::vector<Alert> one{alert};
    absl::StatusOr<std::string> alone =
        sevisxml::BuildDocument(SpecFor(options, batch_id, family, one));
    if (!alone.ok()) {
      returned.push_back(ReturnedAlert{std::move(alert), {BuildIssue(alone.status())}});
      continue;
    }
    std::vector<sevisxml::XmlError> own = validator.Validate(*alone);
    if (!own.empty()) {
      returned.push_back(ReturnedAlert{std::move(alert), XsdIssues(own)});
      continue;
    }
    good.push_back(std::move(alert));
  }
  if (good.empty()) return checked;
  absl::StatusOr<std::string> rest =
      sevisxml::BuildDocument(SpecFor(options, batch_id, family, good));
  std::vector<sevisxml::XmlError> rest_errors;
  if (rest.ok()) rest_errors = validator.Validate(*rest);
  if (!rest.ok() || !rest_errors.empty()) {
    // Valid one by one, invalid together (a cross-record rule): nothing leaves.
    for (Alert& alert : good) {
      returned.push_back(ReturnedAlert{
          std::move(alert), rest.ok() ? XsdIssues(rest_errors)
                                      : std::vector<sevisflow::v1::ValidationIssue>{
                                            BuildIssue(rest.status())}});
    }
    return checked;
  }
  checked.xml = *std::move(rest);
  checked.kept = std::move(good);
  return checked;
}

}  // namespace

absl::StatusOr<LoadedValidators> LoadValidators(const std::string& xsd_dir) {
  LoadedValidators loaded;
  absl::StatusOr<std::unique_ptr<sevisxml::SchemaValidator>> student =
      sevisxml::SchemaValidator::Load(sevisxml::StudentSchemaPath(xsd_dir));
  if (!student.ok()) return student.status();
  absl::StatusOr<std::unique_ptr<sevisxml::SchemaValidator>> ev =
      sevisxml::SchemaValidator::Load(sevisxml::ExchangeVisitorSchemaPath(xsd_dir));
  if (!ev.ok()) return ev.status();
  loaded.student = *std::move(student);
  loaded.ev = *std::move(ev);
  return loaded;
}

absl::StatusOr<BuildResult> BuildBatches(const std::vector<Alert>& selected,
                                         const BuildOptions& options,
                                         const Validators& validators,
                                         const NextBatchId& next_batch_id,
                                         const DocumentSink& sink) {
  if (options.org_id.empty()) return absl::InvalidArgumentError("org_id is required");
  if (absl::Status status = CheckUserId(options.user_id); !status.ok()) return status;
  BuildResult result;
  Plan plan = PlanDocuments(selected, options.max_records_per_section);
  result.unplanned = std::move(plan.unplanned);
  for (const PlannedDocument& planned : plan.documents) {
    const sevisxml::SchemaValidator* validator =
        planned.family == sevisflow::v1::VISA_FAMILY_J ? validators.ev : validators.student;
    if (validator == nullptr) {
      for (size_t index : planned.alert_indexes) {
        result.unplanned.push_back(Unplanned{
            index, absl::StrCat("no schema loaded for ",
                                sevisflow::v1::VisaFamily_Name(planned.family))});
      }
      continue;
    }
    std::vector<Alert> alerts;
    alerts.reserve(planned.alert_indexes.size());
    for (size_t index : planned.alert_indexes) alerts.push_back(selected[index]);
    absl::StatusOr<std::string> batch_id = next_batch_id();
    if (!batch_id.ok()) return batch_id.status();
    Checked checked = BuildValid(options, *batch_id, planned.family, *validator,
                                 std::move(alerts), result.returned);
    if (checked.kept.empty()) continue;
    const int records = static_cast<int>(checked.kept.size());
    if (absl::Status status = sink(BuiltDocument{*batch_id, planned.family,
                                                 std::move(checked.xml), std::move(checked.kept)});
        !status.ok()) {
      return status;
    }
    ++result.documents;
    result.records += records;
  }
  return result;
}

}  // namespace sevisflow::batching
