#pragma once
// Closing a batch: plan, write and validate SEVIS documents for one organisation's selected
// alerts. Every document is validated with Xerces against the official XSD of its family
// before it is handed on; a record that makes its document invalid is found by validating each
// record alone, is returned with the validator's message and element path, and the valid rest
// is rebuilt and validated again. An invalid document is never handed on.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/batching/planner.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/common.pb.h"

namespace sevisflow::batching {

// The loaded schemas (grammar cached in each validator); not owned. A family whose validator is
// null cannot be built: its alerts come back as unplanned.
struct Validators {
  const sevisxml::SchemaValidator* student = nullptr;  // 6.55/Create-UpdateStudent.xsd
  const sevisxml::SchemaValidator* ev = nullptr;       // 6.27/Create-UpdateExchangeVisitor.xsd
};

// Loads both schemas from an XSD bundle folder, naming the file that fails.
struct LoadedValidators {
  std::unique_ptr<sevisxml::SchemaValidator> student;
  std::unique_ptr<sevisxml::SchemaValidator> ev;
  Validators view() const { return {student.get(), ev.get()}; }
};
absl::StatusOr<LoadedValidators> LoadValidators(const std::string& xsd_dir);

struct BuildOptions {
  std::string org_id;
  std::string user_id;                // 10 characters (CheckUserId)
  int max_records_per_section = kMaxRecordsPerSection;
  bool print_form = true;
  std::string issue_date;             // see sevisxml::DocumentSpec::issue_date
};

struct BuiltDocument {
  std::string batch_id;
  sevisflow::v1::VisaFamily family = sevisflow::v1::VISA_FAMILY_UNSPECIFIED;
  std::string xml;                    // valid against the family's XSD
  std::vector<sevisflow::v1::Alert> alerts;  // in document order
};

struct ReturnedAlert {
  sevisflow::v1::Alert alert;
  std::vector<sevisflow::v1::ValidationIssue> issues;  // XSD_INVALID (XsdIssues) or BUILD_ERROR
};

struct BuildResult {
  int documents = 0;                  // handed to the sink
  int records = 0;
  std::vector<ReturnedAlert> returned;  // failed validation or could not be written
  std::vector<Unplanned> unplanned;     // not buildable (CheckBuildable), indexes into input
};

// Called once per planned document, before it is written. When every record of that document
// fails, the ID is left unused: batch IDs are unique for ever, not gapless.
using NextBatchId = std::function<absl::StatusOr<std::string>()>;
// Receives each valid document as soon as it is ready; an error stops the close and is
// returned (documents already handed on stay handed on).
using DocumentSink = std::function<absl::Status(BuiltDocument)>;

absl::StatusOr<BuildResult> BuildBatches(const std::vector<sevisflow::v1::Alert>& selected,
                                         const BuildOptions& options,
                                         const Validators& validators,
                                         const NextBatchId& next_batch_id,
                                         const DocumentSink& sink);

}  // namespace sevisflow::batching
