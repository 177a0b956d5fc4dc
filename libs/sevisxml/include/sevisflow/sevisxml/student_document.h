#pragma once
// SEVISBatchCreateUpdateStudent documents built with the Xerces-C++ DOM.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/v1/alert.pb.h"

namespace sevisflow::sevisxml {

struct StudentRecord {
  std::string request_id;            // <= 20 chars, no ':' '/' '\'
  const sevisflow::v1::Alert* alert; // event data; not owned
  // Optional correlation values echoed by SEVIS in the transaction log (<= 10 / 14 chars).
  std::string user_defined_a{};
  std::string user_defined_b{};
};

struct StudentBatch {
  std::string batch_id;              // exactly 14 characters
  std::string org_id;                // school code
  std::string user_id;               // 10 characters
  bool print_form = true;
  std::vector<StudentRecord> records;
  // EducationalInfo/IssDate (YYYY-MM-DD), the I-20 issue date, which CreateStudentData has no
  // field for. Empty: the date part of each alert's detected_at, else today's UTC date.
  std::string issue_date{};
};

// Serialises the batch (UTF-8, no namespace, element order of Create-UpdateStudent.xsd 6.55).
// InvalidArgument for an alert whose event the builder does not support yet, naming it.
absl::StatusOr<std::string> BuildStudentDocument(const StudentBatch& batch);

}  // namespace sevisflow::sevisxml
