#include "sevisflow/sevisxml/validator.h"

#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>

#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml {
namespace {

using internal::FromX;
using internal::ToX;
using xercesc::XMLUni;

// Collects schema-compilation errors. Unlike the instance handler it must let the loader open
// the imported Common.xsd / SEVISTable.xsd from disk, so it is only an error handler.
class LoadErrorHandler : public xercesc::DefaultHandler {
 public:
  void error(const xercesc::SAXParseException& e) override { Add(e); }
  void fatalError(const xercesc::SAXParseException& e) override { Add(e); }
  std::vector<XmlError>& errors() { return errors_; }

 private:
  void Add(const xercesc::SAXParseException& e) {
    errors_.push_back(XmlError{static_cast<int>(e.getLineNumber()),
                               static_cast<int>(e.getColumnNumber()), FromX(e.getSystemId()),
                               FromX(e.getMessage())});
  }
  std::vector<XmlError> errors_;
};

// Stops the parse at the document element once its name is known.
class RootNameHandler : public internal::PathTrackingHandler {
 public:
  std::string root;

 protected:
  void OnStart(const xercesc::Attributes& /*attrs*/) override {
    root = Stack().front();
    throw internal::ParseAbort{};
  }
};

std::string JoinPath(const std::string& dir, const char* relative) {
  return (std::filesystem::path(dir) / relative).string();
}

}  // namespace

struct SchemaValidator::Impl {
  std::string xsd_path;
  std::unique_ptr<xercesc::XMLGrammarPool> pool;
  // Xerces 3.2 builds the character maps of xs:pattern regular expressions lazily, inside the
  // shared grammar, without a lock (RangeToken::doCreateMap): two parses validating against
  // one cached grammar at once can corrupt them. Validations of one grammar are serialised.
  mutable std::mutex mu;
};

SchemaValidator::SchemaValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaValidator::~SchemaValidator() = default;

absl::StatusOr<std::unique_ptr<SchemaValidator>> SchemaValidator::Load(
    const std::string& xsd_path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(xsd_path, ec)) {
    return absl::NotFoundError(absl::StrCat("XSD file not found: ", xsd_path));
  }
  internal::EnsureXercesInitialized();
  auto impl = std::make_unique<Impl>();
  impl->xsd_path = xsd_path;
  LoadErrorHandler errors;
  try {
    impl->pool = std::make_unique<xercesc::XMLGrammarPoolImpl>(
        xercesc::XMLPlatformUtils::fgMemoryManager);
    internal::ReaderPtr loader(xercesc::XMLReaderFactory::createXMLReader(
        xercesc::XMLPlatformUtils::fgMemoryManager, impl->pool.get()));
    loader->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
    loader->setFeature(XMLUni::fgXercesSchema, true);
    // Full constraint checking costs time once here and never again in Validate().
    loader->setFeature(XMLUni::fgXercesSchemaFullChecking, true);
    // Create-UpdateStudent.xsd and Common.xsd both import the Table namespace.
    loader->setFeature(XMLUni::fgXercesHandleMultipleImports, true);
    loader->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
    loader->setErrorHandler(&errors);
    const internal::XString path = ToX(xsd_path);
    xercesc::Grammar* grammar =
        loader->loadGrammar(path.c_str(), xercesc::Grammar::SchemaGrammarType, /*toCache=*/true);
    if (grammar == nullptr && errors.errors().empty()) {
      errors.errors().push_back(XmlError{0, 0, xsd_path, "no grammar could be loaded"});
    }
  } catch (const xercesc::SAXException& e) {
    errors.errors().push_back(XmlError{0, 0, xsd_path, FromX(e.getMessage())});
  } catch (const xercesc::OutOfMemoryException&) {
    errors.errors().push_back(XmlError{0, 0, xsd_path, "out of memory"});
  } catch (const xercesc::XMLException& e) {
    errors.errors().push_back(XmlError{0, 0, xsd_path, FromX(e.getMessage())});
  }
  if (!errors.errors().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("XSD ", xsd_path, " does not compile:\n", FormatErrors(errors.errors())));
  }
  // A locked pool is read-only, which is what makes concurrent Validate() calls safe; it also
  // stops instance documents from adding grammars of their own.
  impl->pool->lockPool();
  return std::unique_ptr<SchemaValidator>(new SchemaValidator(std::move(impl)));
}

std::vector<XmlError> SchemaValidator::Validate(std::string_view xml) const {
  internal::PathTrackingHandler handler;
  std::lock_guard lock(impl_->mu);
  internal::ParseSecure(xml, impl_->pool.get(), handler);
  return std::move(handler.Errors());
}

std::string FormatErrors(const std::vector<XmlError>& errors) {
  std::string out;
  for (const XmlError& e : errors) {
    absl::StrAppend(&out, "line ", e.line, ", column ", e.column, ", at ", e.path, ": ",
                    e.message, "\n");
  }
  return out;
}

std::string StudentSchemaPath(const std::string& xsd_dir) {
  return JoinPath(xsd_dir, "6.55/Create-UpdateStudent.xsd");
}

std::string TransLogSchemaPath(const std::string& xsd_dir) {
  return JoinPath(xsd_dir, "6.27/SevisTransLog.xsd");
}

std::string ExchangeVisitorSchemaPath(const std::string& xsd_dir) {
  return JoinPath(xsd_dir, "6.27/Create-UpdateExchangeVisitor.xsd");
}

absl::StatusOr<std::string> RootElementName(std::string_view xml) {
  RootNameHandler handler;
  internal::ParseSecure(xml, /*pool=*/nullptr, handler);
  if (!handler.Errors().empty()) {
    return absl::InvalidArgumentError(FormatErrors(handler.Errors()));
  }
  if (handler.root.empty()) return absl::InvalidArgumentError("document has no root element");
  return handler.root;
}

absl::StatusOr<std::string> SchemaPathForRoot(const std::string& xsd_dir, std::string_view root) {
  if (root == "SEVISBatchCreateUpdateStudent") return StudentSchemaPath(xsd_dir);
  if (root == "SEVISBatchCreateUpdateEV") return ExchangeVisitorSchemaPath(xsd_dir);
  if (root == "TransactionLog") return TransLogSchemaPath(xsd_dir);
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown root element <", std::string(root),
      ">: expected SEVISBatchCreateUpdateStudent, SEVISBatchCreateUpdateEV or TransactionLog"));
}

}  // namespace sevisflow::sevisxml
