#pragma once
// Shared helpers for the sevisxml unit tests: the XSD folder, files, synthetic alerts and the
// independent xmllint check.

#include <string>

#include "sevisflow/v1/alert.pb.h"

namespace sevisflow::sevisxml::testing {

// $SEVISFLOW_XSD_DIR, else the build's SEVISFLOW_DEFAULT_XSD_DIR.
std::string XsdDir();
// Folder of the public sample documents (next to the XSD bundle).
std::string ExamplesDir();

std::string ReadFile(const std::string& path);
// Writes `content` to a fresh file under the gtest temp dir and returns its path.
std::string WriteTempFile(const std::string& name, const std::string& content);

struct XmllintResult {
  int exit_code = -1;
  std::string output;
};
// Runs `xmllint --noout --schema <xsd> <file>`.
XmllintResult RunXmllint(const std::string& xsd, const std::string& file);

// A Create Student alert for a synthetic person; `n` varies names and ids.
sevisflow::v1::Alert MakeCreateStudentAlert(int n);

}  // namespace sevisflow::sevisxml::testing
