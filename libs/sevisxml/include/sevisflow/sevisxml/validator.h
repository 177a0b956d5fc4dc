#pragma once
// XSD validation with Xerces-C++ against the official SEVIS schemas. The grammar is loaded
// once per validator and cached; Validate() is safe to call from several threads: each call
// uses its own parser over the shared, locked grammar pool, and calls on one validator are
// serialised because Xerces initialises pattern facets lazily without a lock. External
// entities and DTDs are refused.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace sevisflow::sevisxml {

struct XmlError {
  int line = 0;
  int column = 0;
  std::string path;     // element path at the error, e.g. /SEVISBatchCreateUpdateStudent/...
  std::string message;  // the validator's message
};

std::string FormatErrors(const std::vector<XmlError>& errors);

class SchemaValidator {
 public:
  // xsd_path: the top schema file, e.g. <xsd>/6.55/Create-UpdateStudent.xsd. Fails with a
  // message naming the file when it is missing or does not compile.
  static absl::StatusOr<std::unique_ptr<SchemaValidator>> Load(const std::string& xsd_path);
  ~SchemaValidator();
  // Empty result = valid. Malformed XML is reported as an error too.
  std::vector<XmlError> Validate(std::string_view xml) const;

 private:
  struct Impl;
  explicit SchemaValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Schema file paths inside an XSD bundle folder (the `xsd_dir` setting).
std::string StudentSchemaPath(const std::string& xsd_dir);    // 6.55/Create-UpdateStudent.xsd
std::string TransLogSchemaPath(const std::string& xsd_dir);   // 6.27/SevisTransLog.xsd
// 6.27/Create-UpdateExchangeVisitor.xsd
std::string ExchangeVisitorSchemaPath(const std::string& xsd_dir);

// The schema file for a document element: SEVISBatchCreateUpdateStudent -> student,
// SEVISBatchCreateUpdateEV -> exchange visitor, TransactionLog -> transaction log.
// InvalidArgument for any other name.
absl::StatusOr<std::string> SchemaPathForRoot(const std::string& xsd_dir, std::string_view root);

// The local name of the document element, read without validation (DTDs refused as in
// Validate()). InvalidArgument with the parser's messages when it cannot be read.
absl::StatusOr<std::string> RootElementName(std::string_view xml);

}  // namespace sevisflow::sevisxml
