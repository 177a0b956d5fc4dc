#include "sim_batch_document.h"

#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/Wrapper4InputSource.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sevisflow::sim {
namespace {

namespace xc = XERCES_CPP_NAMESPACE;

std::string ToUtf8(const XMLCh* text) {
  if (text == nullptr || *text == 0) return {};
  xc::TranscodeToStr utf8(text, "UTF-8");
  return std::string(reinterpret_cast<const char*>(utf8.str()), utf8.length());
}

std::u16string_view NameOf(const xc::DOMNode* node) {
  const XMLCh* name = node->getLocalName();
  if (name == nullptr) name = node->getNodeName();
  return std::u16string_view(name);
}

const xc::DOMElement* FirstChild(const xc::DOMElement* parent, std::u16string_view name) {
  if (parent == nullptr) return nullptr;
  for (const xc::DOMElement* e = parent->getFirstElementChild(); e != nullptr;
       e = e->getNextElementSibling()) {
    if (NameOf(e) == name) return e;
  }
  return nullptr;
}

std::string ChildText(const xc::DOMElement* parent, std::u16string_view name) {
  const xc::DOMElement* child = FirstChild(parent, name);
  return child == nullptr ? std::string() : ToUtf8(child->getTextContent());
}

std::string Attribute(const xc::DOMElement* e, const XMLCh* name) {
  return ToUtf8(e->getAttribute(name));
}

// Collects the first error; returning false stops the parse there.
class ErrorCollector final : public xc::DOMErrorHandler {
 public:
  bool handleError(const xc::DOMError& error) override {
    if (error.getSeverity() == xc::DOMError::DOM_SEVERITY_WARNING) return true;
    if (!failed_) {
      failed_ = true;
      const xc::DOMLocator* where = error.getLocation();
      message_ = absl::StrCat("line ", where ? where->getLineNumber() : 0, ": ",
                              ToUtf8(error.getMessage()));
    }
    return false;
  }
  bool failed() const { return failed_; }
  const std::string& message() const { return message_; }

 private:
  bool failed_ = false;
  std::string message_;
};

struct ParserRelease {
  void operator()(xc::DOMLSParser* p) const { p->release(); }
};
using ParserPtr = std::unique_ptr<xc::DOMLSParser, ParserRelease>;

void ReadCommon(const xc::DOMElement* e, std::string* request_id, std::string* user_id,
                std::string* user_defined_a, std::string* user_defined_b) {
  *request_id = Attribute(e, u"requestID");
  *user_id = Attribute(e, u"userID");
  *user_defined_a = ChildText(e, u"UserDefinedA");
  *user_defined_b = ChildText(e, u"UserDefinedB");
}

NewDependent ReadNewDependent(const xc::DOMElement* dependent) {
  return NewDependent{ChildText(dependent, u"UserDefinedA"), ChildText(dependent, u"UserDefinedB")};
}

CreateRecord ReadCreate(const xc::DOMElement* e, DocumentKind kind) {
  CreateRecord r;
  ReadCommon(e, &r.request_id, &r.user_id, &r.user_defined_a, &r.user_defined_b);
  const std::string print = Attribute(e, u"printForm");
  r.print_form = print == "true" || print == "1";
  // Students carry the bio in PersonalInfo, exchange visitors in Biographical.
  const xc::DOMElement* bio = FirstChild(
      e, kind == DocumentKind::kStudent ? std::u16string_view(u"PersonalInfo") : u"Biographical");
  const xc::DOMElement* name = FirstChild(bio, u"FullName");
  r.last_name = ChildText(name, u"LastName");
  r.first_name = ChildText(name, u"FirstName");
  r.birth_date = ChildText(bio, u"BirthDate");
  if (const xc::DOMElement* deps = FirstChild(e, u"CreateDependent")) {
    for (const xc::DOMElement* d = deps->getFirstElementChild(); d != nullptr;
         d = d->getNextElementSibling()) {
      if (NameOf(d) == u"Dependent") r.new_dependents.push_back(ReadNewDependent(d));
    }
  }
  return r;
}

UpdateRecord ReadUpdate(const xc::DOMElement* e) {
  UpdateRecord r;
  ReadCommon(e, &r.request_id, &r.user_id, &r.user_defined_a, &r.user_defined_b);
  r.sevis_id = Attribute(e, u"sevisID");
  for (const xc::DOMElement* c = e->getFirstElementChild(); c != nullptr;
       c = c->getNextElementSibling()) {
    std::u16string_view n = NameOf(c);
    if (n != u"UserDefinedA" && n != u"UserDefinedB" && r.event.empty()) {
      r.event = ToUtf8(c->getNodeName());
      if (const xc::DOMElement* d = c->getFirstElementChild()) {
        r.event_detail = ToUtf8(d->getNodeName());
      }
    }
    // Student and EV updates alike: Dependent/(UserDefinedA?, UserDefinedB?, Add).
    if (n == u"Dependent" && FirstChild(c, u"Add") != nullptr) {
      r.new_dependents.push_back(ReadNewDependent(c));
    }
  }
  return r;
}

}  // namespace

XercesPlatform::XercesPlatform() { xc::XMLPlatformUtils::Initialize(); }
XercesPlatform::~XercesPlatform() { xc::XMLPlatformUtils::Terminate(); }

std::string_view RootElementName(DocumentKind kind) {
  return kind == DocumentKind::kStudent ? "SEVISBatchCreateUpdateStudent"
                                        : "SEVISBatchCreateUpdateEV";
}

absl::StatusOr<BatchDocument> ParseBatchDocument(std::string_view xml) {
  static constexpr XMLCh kLs[] = u"LS";
  xc::DOMImplementation* impl = xc::DOMImplementationRegistry::getDOMImplementation(kLs);
  if (impl == nullptr) return absl::InternalError("Xerces DOM implementation unavailable");
  ParserPtr parser(impl->createLSParser(xc::DOMImplementationLS::MODE_SYNCHRONOUS, nullptr));
  ErrorCollector errors;
  xc::DOMConfiguration* cfg = parser->getDomConfig();
  // A batch document never needs a DTD; refusing DOCTYPE rules out entity-expansion attacks
  // and any fetch of external resources.
  cfg->setParameter(xc::XMLUni::fgDOMDisallowDoctype, true);
  cfg->setParameter(xc::XMLUni::fgXercesDisableDefaultEntityResolution, true);
  cfg->setParameter(xc::XMLUni::fgXercesLoadExternalDTD, false);
  cfg->setParameter(xc::XMLUni::fgDOMValidate, false);
  cfg->setParameter(xc::XMLUni::fgDOMNamespaces, true);
  cfg->setParameter(xc::XMLUni::fgDOMErrorHandler, static_cast<xc::DOMErrorHandler*>(&errors));

  xc::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(),
                               "upload.xml", /*adoptBuffer=*/false);
  xc::Wrapper4InputSource input(&source, /*adoptSrc=*/false);
  xc::DOMDocument* doc = nullptr;
  try {
    doc = parser->parse(&input);
  } catch (const xc::XMLException& e) {
    return absl::InvalidArgumentError(absl::StrCat("not well-formed: ", ToUtf8(e.getMessage())));
  } catch (const xc::DOMException& e) {
    return absl::InvalidArgumentError(absl::StrCat("not well-formed: ", ToUtf8(e.getMessage())));
  } catch (...) {
    return absl::InvalidArgumentError("not well-formed");
  }
  if (errors.failed()) {
    return absl::InvalidArgumentError(absl::StrCat("not well-formed: ", errors.message()));
  }
  if (doc == nullptr || doc->getDocumentElement() == nullptr) {
    return absl::InvalidArgumentError("not well-formed: no root element");
  }
  const xc::DOMElement* root = doc->getDocumentElement();
  BatchDocument out;
  std::u16string_view root_name = NameOf(root);
  if (root_name == u"SEVISBatchCreateUpdateStudent") {
    out.kind = DocumentKind::kStudent;
  } else if (root_name == u"SEVISBatchCreateUpdateEV") {
    out.kind = DocumentKind::kExchangeVisitor;
  } else {
    return absl::FailedPreconditionError("unknown root element");
  }
  const bool student = out.kind == DocumentKind::kStudent;
  out.root_user_id = Attribute(root, u"userID");
  const xc::DOMElement* header = FirstChild(root, u"BatchHeader");
  // Both header types collapse whitespace, so surrounding blanks are not part of the value.
  out.batch_id = std::string(absl::StripAsciiWhitespace(ChildText(header, u"BatchID")));
  out.org_id = std::string(absl::StripAsciiWhitespace(ChildText(header, u"OrgID")));
  const std::u16string_view record_name = student ? u"Student" : u"ExchangeVisitor";
  if (const auto* creates = FirstChild(root, student ? u"CreateStudent" : u"CreateEV")) {
    for (const xc::DOMElement* e = creates->getFirstElementChild(); e != nullptr;
         e = e->getNextElementSibling()) {
      if (NameOf(e) == record_name) out.creates.push_back(ReadCreate(e, out.kind));
    }
  }
  if (const auto* updates = FirstChild(root, student ? u"UpdateStudent" : u"UpdateEV")) {
    for (const xc::DOMElement* e = updates->getFirstElementChild(); e != nullptr;
         e = e->getNextElementSibling()) {
      if (NameOf(e) == record_name) out.updates.push_back(ReadUpdate(e));
    }
  }
  return out;
}

}  // namespace sevisflow::sim
