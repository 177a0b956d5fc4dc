#pragma once
// SEVIS batch documents of both families, built with the Xerces-C++ DOM:
//   F/M -> SEVISBatchCreateUpdateStudent (Create-UpdateStudent.xsd 6.55, student_document.cc)
//   J   -> SEVISBatchCreateUpdateEV (Create-UpdateExchangeVisitor.xsd 6.27, ev_document.cc)
// Records of create events go into CreateStudent / CreateEV, every other record into
// UpdateStudent / UpdateEV (one event element per update record, as the schemas' xs:choice
// requires), each section in input order. Batch rules (family, 250 per section, a person created
// once) are the caller's (libs/batching); the writers only serialise.
//
// Correlation of new dependents (CreateDependent under a create, Dependent/Add): each new
// dependent carries UserDefinedA = its SIS dependent id (DependentData.dependent_id, <= 10
// characters), which SEVIS echoes next to the dependentSevisID it assigns in the transaction log.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/common.pb.h"

namespace sevisflow::sevisxml {

struct DocumentRecord {
  std::string request_id;             // <= 20 chars, no ':' '/' '\'
  const sevisflow::v1::Alert* alert;  // event data; not owned
  // Optional record-level correlation values echoed by SEVIS (<= 10 / 14 chars).
  std::string user_defined_a{};
  std::string user_defined_b{};
};

struct DocumentSpec {
  std::string batch_id;               // exactly 14 characters
  std::string org_id;                 // school code or program number
  std::string user_id;                // 10 characters, on the root and every record
  sevisflow::v1::VisaFamily family = sevisflow::v1::VISA_FAMILY_UNSPECIFIED;
  bool print_form = true;             // printForm / print7002 where the schema has them
  std::vector<DocumentRecord> records;
  // EducationalInfo/IssDate (YYYY-MM-DD), the I-20 issue date. Empty: the date part of each
  // alert's detected_at, else today's UTC date.
  std::string issue_date{};
};

// True for the create events (Create Student, Create Exchange Visitor).
bool IsCreateEvent(sevisflow::v1::EventType event);

// Dispatches on spec.family. InvalidArgument for an unknown family, an alert of the other
// family, or an alert whose data the writer cannot serialise (naming the alert id and why).
absl::StatusOr<std::string> BuildDocument(const DocumentSpec& spec);

// F/M only (student_document.cc).
absl::StatusOr<std::string> BuildStudentDocument(const DocumentSpec& spec);
// J only (ev_document.cc).
absl::StatusOr<std::string> BuildEvDocument(const DocumentSpec& spec);

}  // namespace sevisflow::sevisxml
