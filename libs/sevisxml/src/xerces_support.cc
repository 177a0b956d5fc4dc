#include "xerces_support.h"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>

#include <xercesc/framework/MemBufFormatTarget.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/TranscodingException.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/util/XMLExceptMsgs.hpp>

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

// ---------------------------------------------------------------------------------------------
// XmlBuilder.

struct XmlBuilder::Attribute {
  std::string_view name;
  std::string_view value;
  Attribute* next = nullptr;
};

struct XmlBuilder::Element {
  std::string_view name;
  std::string_view text;
  Element* first_child = nullptr;
  Element* last_child = nullptr;
  Element* next = nullptr;
  Attribute* attributes = nullptr;  // in name order, as Xerces' attribute map keeps them
};

// A bump allocator for the trivially destructible nodes and the copied strings.
struct XmlBuilder::Arena {
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks;
  char* next = nullptr;
  size_t left = 0;

  void* Allocate(size_t size, size_t align) {
    size_t pad = (align - reinterpret_cast<uintptr_t>(next) % align) % align;
    if (next == nullptr || pad + size > left) {
      const size_t block = std::max(kBlock, size + align);
      blocks.emplace_back(new char[block]);
      next = blocks.back().get();
      left = block;
      pad = (align - reinterpret_cast<uintptr_t>(next) % align) % align;
    }
    next += pad;
    left -= pad;
    void* p = next;
    next += size;
    left -= size;
    return p;
  }
};

namespace {

// Why a value cannot go into the document.
enum class TextCheck { kOk, kBadUtf8, kBadXmlChar };

// Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) holding only XML 1.0
// characters (#x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF).
TextCheck CheckText(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) return TextCheck::kBadXmlChar;
      ++i;
      continue;
    }
    size_t extra;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return TextCheck::kBadUtf8;
    }
    if (n - i <= extra) return TextCheck::kBadUtf8;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return TextCheck::kBadUtf8;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return TextCheck::kBadUtf8;
    }
    if (cp == 0xFFFE || cp == 0xFFFF) return TextCheck::kBadXmlChar;
    i += extra + 1;
  }
  return TextCheck::kOk;
}

[[noreturn]] void ThrowInvalidCharacter() {
  throw xercesc::DOMException(xercesc::DOMException::INVALID_CHARACTER_ERR, 0,
                              xercesc::XMLPlatformUtils::fgMemoryManager);
}

void CheckValue(std::string_view value) {
  switch (CheckText(value)) {
    case TextCheck::kOk:
      return;
    case TextCheck::kBadUtf8:
      throw xercesc::TranscodingException(__FILE__, __LINE__,
                                          xercesc::XMLExcepts::Trans_BadSrcSeq,
                                          xercesc::XMLPlatformUtils::fgMemoryManager);
    case TextCheck::kBadXmlChar:
      ThrowInvalidCharacter();
  }
}

// Element and attribute names are the schema's ASCII names (a prefix like xsi: included).
void CheckName(std::string_view name) {
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (name.empty() || !start(name[0])) ThrowInvalidCharacter();
  for (char c : name) {
    if (!start(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != ':') {
      ThrowInvalidCharacter();
    }
  }
}

// Escapes as Xerces' formatter does for element content: & < > and CR (kept as a reference so
// that a parser's line-end normalisation does not eat it).
void AppendText(std::string& out, std::string_view text) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* escaped;
    switch (text[i]) {
      case '&': escaped = "&amp;"; break;
      case '<': escaped = "&lt;"; break;
      case '>': escaped = "&gt;"; break;
      case '\r': escaped = "&#xD;"; break;
      default: continue;
    }
    out.append(text.data() + run, i - run);
    out.append(escaped);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

// Attribute values, as Xerces escapes them: & < the quote and the white space an attribute
// normalisation would turn into spaces (> needs no escape there).
void AppendAttribute(std::string& out, std::string_view value) {
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char* escaped;
    switch (value[i]) {
      case '&': escaped = "&amp;"; break;
      case '<': escaped = "&lt;"; break;
      case '"': escaped = "&quot;"; break;
      case '\t': escaped = "&#x9;"; break;
      case '\n': escaped = "&#xA;"; break;
      case '\r': escaped = "&#xD;"; break;
      default: continue;
    }
    out.append(value.data() + run, i - run);
    out.append(escaped);
    run = i + 1;
  }
  out.append(value.data() + run, value.size() - run);
}

void Indent(std::string& out, int depth) { out.append(static_cast<size_t>(depth) * 2, ' '); }

}  // namespace

XmlBuilder::XmlBuilder(std::string_view root_name) : arena_(std::make_unique<Arena>()) {
  EnsureXercesInitialized();  // the exceptions load their messages from Xerces
  root_ = NewElement(root_name);
}

XmlBuilder::~XmlBuilder() = default;

std::string_view XmlBuilder::Copy(std::string_view s) {
  if (s.empty()) return std::string_view();
  char* p = static_cast<char*>(arena_->Allocate(s.size(), 1));
  std::copy(s.begin(), s.end(), p);
  return std::string_view(p, s.size());
}

XmlBuilder::Element* XmlBuilder::NewElement(std::string_view name) {
  CheckName(name);
  Element* e = new (arena_->Allocate(sizeof(Element), alignof(Element))) Element();
  e->name = Copy(name);
  bytes_ += 2 * name.size() + 16;
  return e;
}

XmlBuilder::Element* XmlBuilder::Add(Element* parent, std::string_view name) {
  Element* e = NewElement(name);
  if (parent->last_child == nullptr) {
    parent->first_child = e;
  } else {
    parent->last_child->next = e;
  }
  parent->last_child = e;
  return e;
}

XmlBuilder::Element* XmlBuilder::AddText(Element* parent, std::string_view name,
                                         std::string_view text) {
  CheckValue(text);
  Element* e = Add(parent, name);
  e->text = Copy(text);
  bytes_ += text.size();
  return e;
}

void XmlBuilder::AddOptional(Element* parent, std::string_view name, std::string_view text) {
  if (!text.empty()) AddText(parent, name, text);
}

void XmlBuilder::SetAttribute(Element* element, std::string_view name, std::string_view value) {
  CheckName(name);
  CheckValue(value);
  Attribute** at = &element->attributes;
  while (*at != nullptr && (*at)->name < name) at = &(*at)->next;
  if (*at != nullptr && (*at)->name == name) {
    (*at)->value = Copy(value);
  } else {
    Attribute* a = new (arena_->Allocate(sizeof(Attribute), alignof(Attribute))) Attribute();
    a->name = Copy(name);
    a->value = Copy(value);
    a->next = *at;
    *at = a;
  }
  bytes_ += name.size() + value.size() + 4;
}

namespace {

// Xerces' pretty print: children on their own lines, two spaces a level, text inline, empty
// elements as <a/>, and the document element's children set apart by blank lines.
template <typename E>
void WriteElement(std::string& out, const E& e, int depth) {
  out += '<';
  out.append(e.name);
  for (const auto* a = e.attributes; a != nullptr; a = a->next) {
    out += ' ';
    out.append(a->name);
    out.append("=\"");
    AppendAttribute(out, a->value);
    out += '"';
  }
  if (e.first_child == nullptr && e.text.empty()) {
    out.append("/>");
    return;
  }
  out += '>';
  AppendText(out, e.text);
  if (e.first_child != nullptr) {
    for (const E* child = e.first_child; child != nullptr; child = child->next) {
      out.append(depth == 0 ? "\n\n" : "\n");
      Indent(out, depth + 1);
      WriteElement(out, *child, depth + 1);
    }
    out.append(depth == 0 ? "\n\n" : "\n");
    Indent(out, depth);
  }
  out.append("</");
  out.append(e.name);
  out += '>';
}

}  // namespace

std::string XmlBuilder::Serialize(std::string* /*error*/) const {
  static constexpr std::string_view kDeclaration =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n";
  std::string out;
  out.reserve(kDeclaration.size() + bytes_ + bytes_ / 4 + 64);
  out.append(kDeclaration);
  WriteElement(out, *root_, 0);
  out += '\n';
  return out;
}

// ---------------------------------------------------------------------------------------------
// PathTrackingHandler.

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
