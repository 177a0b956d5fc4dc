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

#include "absl/strings/ascii.h"
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

// Address1, Address2?, City?, State?, PostalCode of a USAddrDoctorType (or the same children
// directly under a site); nullopt without Address1.
std::optional<sevisxml::LogAddress> ReadAddress(const xc::DOMElement* e) {
  if (e == nullptr || FirstChild(e, u"Address1") == nullptr) return std::nullopt;
  auto text = [&](std::u16string_view name) {
    return std::string(absl::StripAsciiWhitespace(ChildText(e, name)));
  };
  return sevisxml::LogAddress{text(u"Address1"), text(u"Address2"), text(u"City"),
                              text(u"State"), text(u"PostalCode")};
}

// The first element named `name` below e (document order), or nullptr.
const xc::DOMElement* FirstDescendant(const xc::DOMElement* e, std::u16string_view name) {
  for (const xc::DOMElement* c = e->getFirstElementChild(); c != nullptr;
       c = c->getNextElementSibling()) {
    if (NameOf(c) == name) return c;
    if (const xc::DOMElement* found = FirstDescendant(c, name)) return found;
  }
  return nullptr;
}

SentAddresses ReadAddresses(const xc::DOMElement* record, DocumentKind kind) {
  SentAddresses out;
  out.physical = ReadAddress(FirstDescendant(record, u"USAddress"));
  out.mailing = ReadAddress(FirstDescendant(
      record, kind == DocumentKind::kStudent ? std::u16string_view(u"MailingAddress")
                                             : std::u16string_view(u"MailAddress")));
  return out;
}

SentSite ReadSite(const xc::DOMElement* site, bool edit) {
  SentSite s;
  s.edit = edit;
  s.site_id = std::string(absl::StripAsciiWhitespace(ChildText(site, u"SiteId")));
  s.name = std::string(absl::StripAsciiWhitespace(ChildText(site, u"SiteName")));
  if (edit) {
    const std::string renamed(absl::StripAsciiWhitespace(ChildText(site, u"NewSiteName")));
    if (!renamed.empty()) s.name = renamed;
  }
  s.address = ReadAddress(site);
  return s;
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
  if (const xc::DOMElement* sites = FirstChild(e, u"AddSiteOfActivity")) {
    for (const xc::DOMElement* site = sites->getFirstElementChild(); site != nullptr;
         site = site->getNextElementSibling()) {
      if (NameOf(site) == u"SiteOfActivity") r.sites.push_back(ReadSite(site, /*edit=*/false));
    }
  }
  r.addresses = ReadAddresses(e, kind);
  return r;
}

UpdateRecord ReadUpdate(const xc::DOMElement* e, DocumentKind kind) {
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
    if (n == u"SiteOfActivity") {
      if (const xc::DOMElement* add = FirstChild(c, u"Add")) {
        r.sites.push_back(ReadSite(add, /*edit=*/false));
      } else if (const xc::DOMElement* edit = FirstChild(c, u"Edit")) {
        r.sites.push_back(ReadSite(edit, /*edit=*/true));
      }
    }
  }
  r.addresses = ReadAddresses(e, kind);
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
      if (NameOf(e) == record_name) out.updates.push_back(ReadUpdate(e, out.kind));
    }
  }
  return out;
}

}  // namespace sevisflow::sim
