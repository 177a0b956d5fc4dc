// sevisctl validate: checks SEVIS batch documents and transaction logs against the official
// XSDs, offline. The schema is picked from each file's root element.

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "sevisflow/sevisxml/validator.h"

#ifndef SEVISFLOW_DEFAULT_XSD_DIR
#define SEVISFLOW_DEFAULT_XSD_DIR "xsd"
#endif

namespace sevisflow::sevisctl {
namespace {

// Exit codes: every file valid, at least one invalid, or a file/schema could not be used.
constexpr int kAllValid = 0;
constexpr int kInvalid = 1;
constexpr int kCannotCheck = 2;

struct ValidateOptions {
  std::string xsd_dir = SEVISFLOW_DEFAULT_XSD_DIR;
  std::vector<std::string> files;
};

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

int RunValidate(const ValidateOptions& options) {
  // One validator per schema, loaded on first use: compiling SEVISTable.xsd is the slow part.
  std::map<std::string, std::unique_ptr<sevisxml::SchemaValidator>> validators;
  int result = kAllValid;
  for (const std::string& file : options.files) {
    std::string xml;
    if (!ReadWholeFile(file, &xml)) {
      std::cerr << file << ": cannot read the file\n";
      result = kCannotCheck;
      continue;
    }
    auto root = sevisxml::RootElementName(xml);
    if (!root.ok()) {
      std::cerr << file << ": not a readable XML document:\n" << root.status().message();
      if (result == kAllValid) result = kInvalid;
      continue;
    }
    auto schema = sevisxml::SchemaPathForRoot(options.xsd_dir, *root);
    if (!schema.ok()) {
      std::cerr << file << ": " << schema.status().message() << "\n";
      result = kCannotCheck;
      continue;
    }
    auto& validator = validators[*schema];
    if (validator == nullptr) {
      auto loaded = sevisxml::SchemaValidator::Load(*schema);
      if (!loaded.ok()) {
        std::cerr << loaded.status().message() << "\n";
        validators.erase(*schema);
        result = kCannotCheck;
        continue;
      }
      validator = std::move(loaded).value();
    }
    const std::vector<sevisxml::XmlError> errors = validator->Validate(xml);
    if (errors.empty()) {
      std::cout << file << ": valid (" << *root << ", " << *schema << ")\n";
      continue;
    }
    // file:line:column: path: message, the shape editors and CI annotators understand.
    for (const sevisxml::XmlError& e : errors) {
      std::cerr << file << ":" << e.line << ":" << e.column << ": " << e.path << ": " << e.message
                << "\n";
    }
    std::cerr << file << ": INVALID, " << errors.size() << " error(s)\n";
    if (result == kAllValid) result = kInvalid;
  }
  return result;
}

}  // namespace

void AddValidateCommands(CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Validate SEVIS batch XML or transaction logs against the official XSDs (schema chosen "
      "from the root element); exit 1 when a file is invalid");
  cmd->add_option("--xsd-dir", options->xsd_dir,
                  "XSD bundle folder holding 6.55/ and 6.27/")
      ->envname("SEVISFLOW_XSD_DIR")
      ->capture_default_str();
  cmd->add_option("files", options->files, "XML files to validate")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([options] { throw CLI::RuntimeError(RunValidate(*options)); });
}

}  // namespace sevisflow::sevisctl
