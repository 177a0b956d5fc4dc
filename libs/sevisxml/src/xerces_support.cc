#include "xerces_support.h"

#include <mutex>
#include <utility>

#include <xercesc/framework/MemBufFormatTarget.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLUni.hpp>

namespace sevisflow::sevisxml::internal {
namespace {

using xercesc::XMLUni;

class XercesPlatform {
 public:
  XercesPlatform() { xercesc::XMLPlatformUtils::Initialize(); }
};

// The longest SEVIS document is 250 records of a few hundred elements; no legitimate batch or
// log comes near this many entity expansions, and there are no DTD entities anyway.
constexpr XMLSize_t kEntityExpansionLimit = 1000;

const XMLCh kLs[] = u"LS";

xercesc::DOMImplementation* LsImplementation() {
  return xercesc::DOMImplementationRegistry::getDOMImplementation(kLs);
}

class SerializerErrors : public xercesc::DOMErrorHandler {
 public:
  bool handleError(const xercesc::DOMError& e) override {
    if (e.getSeverity() != xercesc::DOMError::DOM_SEVERITY_WARNING) {
      if (!message.empty()) message += "; ";
      message += FromX(e.getMessage());
    }
    return true;  // keep going so that every problem is reported
  }
  std::string message;
};

// Xerces only tells the lexical handler about a DOCTYPE that has an internal or external
// subset; a bare <!DOCTYPE x> would slip through. SEVIS documents are UTF-8, so the prolog is
// scanned as bytes: XML declaration, comments and PIs are skipped up to the first element.
bool FindDoctypeInProlog(std::string_view xml, int* line, int* column) {
  size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string_view::npos) {
    const std::string_view rest = xml.substr(pos);
    size_t end = std::string_view::npos;
    if (rest.starts_with("<?")) {
      end = xml.find("?>", pos);
    } else if (rest.starts_with("<!--")) {
      end = xml.find("-->", pos);
    } else if (rest.starts_with("<!DOCTYPE")) {
      *line = 1;
      size_t line_start = 0;
      for (size_t i = 0; i < pos; ++i) {
        if (xml[i] == '\n') {
          ++*line;
          line_start = i + 1;
        }
      }
      *column = static_cast<int>(pos - line_start) + 1;
      return true;
    } else {
      return false;  // the document element: the prolog is over
    }
    if (end == std::string_view::npos) return false;  // malformed; the parser will say so
    pos = end;
  }
  return false;
}

}  // namespace

void EnsureXercesInitialized() {
  // Leaked on purpose, see the header.
  static XercesPlatform* const platform = new XercesPlatform();
  (void)platform;
}

// ASCII fast paths: nearly every SEVIS value is ASCII, and Xerces looks up a transcoder by
// name on every TranscodeFromStr/TranscodeToStr, which dominated build and validate profiles.
XString ToX(std::string_view utf8) {
  if (utf8.empty()) return XString();
  bool ascii = true;
  for (char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return XString(utf8.begin(), utf8.end());
  xercesc::TranscodeFromStr out(reinterpret_cast<const XMLByte*>(utf8.data()), utf8.size(),
                                "UTF-8");
  return XString(out.str(), out.length());
}

std::string FromX(const XMLCh* text) {
  if (text == nullptr) return std::string();
  return FromX(text, xercesc::XMLString::stringLen(text));
}

std::string FromX(const XMLCh* text, XMLSize_t length) {
  if (text == nullptr || length == 0) return std::string();
  bool ascii = true;
  for (XMLSize_t i = 0; i < length; ++i) ascii = ascii && text[i] < 0x80;
  if (ascii) return std::string(text, text + length);
  xercesc::TranscodeToStr out(text, length, "UTF-8");
  return std::string(reinterpret_cast<const char*>(out.str()), out.length());
}

DomBuilder::DomBuilder(std::string_view root_name) {
  EnsureXercesInitialized();
  const XString name = ToX(root_name);
  doc_.reset(LsImplementation()->createDocument(nullptr, name.c_str(), nullptr));
  root_ = doc_->getDocumentElement();
}

xercesc::DOMElement* DomBuilder::Add(xercesc::DOMElement* parent, std::string_view name) {
  const XString x_name = ToX(name);
  xercesc::DOMElement* element = doc_->createElement(x_name.c_str());
  parent->appendChild(element);
  return element;
}

xercesc::DOMElement* DomBuilder::AddText(xercesc::DOMElement* parent, std::string_view name,
                                         std::string_view text) {
  xercesc::DOMElement* element = Add(parent, name);
  if (!text.empty()) {
    const XString x_text = ToX(text);
    element->appendChild(doc_->createTextNode(x_text.c_str()));
  }
  return element;
}

void DomBuilder::AddOptional(xercesc::DOMElement* parent, std::string_view name,
                             std::string_view text) {
  if (!text.empty()) AddText(parent, name, text);
}

void DomBuilder::SetAttribute(xercesc::DOMElement* element, std::string_view name,
                              std::string_view value) {
  const XString x_name = ToX(name);
  const XString x_value = ToX(value);
  element->setAttribute(x_name.c_str(), x_value.c_str());
}

std::string DomBuilder::Serialize(std::string* error) const {
  xercesc::DOMImplementation* impl = LsImplementation();
  Released<xercesc::DOMLSSerializer> serializer(impl->createLSSerializer());
  SerializerErrors errors;
  xercesc::DOMConfiguration* config = serializer->getDomConfig();
  config->setParameter(XMLUni::fgDOMErrorHandler, &errors);
  config->setParameter(XMLUni::fgDOMWRTFormatPrettyPrint, true);
  config->setParameter(XMLUni::fgDOMXMLDeclaration, true);
  xercesc::MemBufFormatTarget target;
  Released<xercesc::DOMLSOutput> output(impl->createLSOutput());
  output->setByteStream(&target);
  output->setEncoding(u"UTF-8");
  const bool ok = serializer->write(doc_.get(), output.get());
  if (!ok || !errors.message.empty()) {
    if (error != nullptr) {
      *error = errors.message.empty() ? "the DOM serializer failed" : errors.message;
    }
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(target.getRawBuffer()), target.getLen());
}

void PathTrackingHandler::startElement(const XMLCh* /*uri*/, const XMLCh* localname,
                                       const XMLCh* /*qname*/, const xercesc::Attributes& attrs) {
  stack_.push_back(FromX(localname));
  OnStart(attrs);
}

void PathTrackingHandler::endElement(const XMLCh* /*uri*/, const XMLCh* /*localname*/,
                                     const XMLCh* /*qname*/) {
  OnEnd();
  if (!stack_.empty()) stack_.pop_back();
}

void PathTrackingHandler::startDTD(const XMLCh* /*name*/, const XMLCh* /*public_id*/,
                                   const XMLCh* /*system_id*/) {
  // A DOCTYPE is how entity-expansion and XXE attacks get in; SEVIS documents never have one.
  throw AbortHere("DTDs are not allowed");
}

xercesc::InputSource* PathTrackingHandler::resolveEntity(const XMLCh* /*public_id*/,
                                                         const XMLCh* system_id) {
  throw AbortHere("external entities are not allowed (" + FromX(system_id) + ")");
}

// Warnings (e.g. an unused schema hint) do not make a document invalid; only errors count.
void PathTrackingHandler::warning(const xercesc::SAXParseException& /*e*/) {}
void PathTrackingHandler::error(const xercesc::SAXParseException& e) { Record(e); }
void PathTrackingHandler::fatalError(const xercesc::SAXParseException& e) { Record(e); }

void PathTrackingHandler::Record(const xercesc::SAXParseException& e) {
  AddError(static_cast<int>(e.getLineNumber()), static_cast<int>(e.getColumnNumber()),
           FromX(e.getMessage()));
}

void PathTrackingHandler::AddError(int line, int column, std::string message) {
  errors_.push_back(XmlError{line, column, Path(), std::move(message)});
}

void PathTrackingHandler::AddErrorHere(std::string message) {
  ParseAbort here = AbortHere(std::move(message));
  AddError(here.line, here.column, std::move(here.message));
}

ParseAbort PathTrackingHandler::AbortHere(std::string message) const {
  ParseAbort abort{std::move(message)};
  if (locator_ != nullptr) {
    abort.line = static_cast<int>(locator_->getLineNumber());
    abort.column = static_cast<int>(locator_->getColumnNumber());
  }
  return abort;
}

std::string PathTrackingHandler::Path() const {
  if (stack_.empty()) return "/";
  std::string path;
  for (const std::string& name : stack_) {
    path += '/';
    path += name;
  }
  return path;
}

void ParseSecure(std::string_view xml, xercesc::XMLGrammarPool* pool,
                 PathTrackingHandler& handler) {
  EnsureXercesInitialized();
  if (int line = 0, column = 0; FindDoctypeInProlog(xml, &line, &column)) {
    handler.AddError(line, column, "DTDs are not allowed");
    return;
  }
  // Declared before the reader, which keeps a pointer to it until it is destroyed.
  xercesc::SecurityManager security;
  security.setEntityExpansionLimit(kEntityExpansionLimit);
  try {
    ReaderPtr reader(xercesc::XMLReaderFactory::createXMLReader(
        xercesc::XMLPlatformUtils::fgMemoryManager, pool));
    const bool validate = pool != nullptr;
    reader->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
    reader->setFeature(XMLUni::fgSAX2CoreValidation, validate);
    reader->setFeature(XMLUni::fgXercesDynamic, false);  // validate even without a hint
    reader->setFeature(XMLUni::fgXercesSchema, validate);
    reader->setFeature(XMLUni::fgXercesSchemaFullChecking, false);  // grammar checked at Load
    reader->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, validate);
    reader->setFeature(XMLUni::fgXercesCacheGrammarFromParse, false);
    // Never follow xsi:schemaLocation hints of the instance: the grammar is ours, not theirs.
    reader->setFeature(XMLUni::fgXercesLoadSchema, false);
    reader->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
    reader->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
    reader->setFeature(XMLUni::fgXercesContinueAfterFatalError, false);
    reader->setProperty(XMLUni::fgXercesSecurityManager, &security);
    reader->setContentHandler(&handler);
    reader->setErrorHandler(&handler);
    reader->setLexicalHandler(&handler);
    reader->setEntityResolver(&handler);

    xercesc::MemBufInputSource input(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(),
                                     "document", /*adoptBuffer=*/false);
    try {
      reader->parse(input);
    } catch (const ParseAbort& abort) {
      if (!abort.message.empty()) handler.AddError(abort.line, abort.column, abort.message);
    }
  } catch (const ParseAbort& abort) {
    if (!abort.message.empty()) handler.AddError(abort.line, abort.column, abort.message);
  } catch (const xercesc::SAXParseException& e) {
    handler.AddError(static_cast<int>(e.getLineNumber()), static_cast<int>(e.getColumnNumber()),
                     FromX(e.getMessage()));
  } catch (const xercesc::SAXException& e) {
    handler.AddError(0, 0, FromX(e.getMessage()));
  } catch (const xercesc::OutOfMemoryException&) {
    handler.AddError(0, 0, "out of memory while parsing");
  } catch (const xercesc::XMLException& e) {
    handler.AddError(static_cast<int>(e.getSrcLine()), 0, FromX(e.getMessage()));
  }
  handler.DropLocator();
}

}  // namespace sevisflow::sevisxml::internal
