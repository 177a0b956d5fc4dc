#pragma once
// Private Xerces-C++ plumbing shared by the validator, the document builder and the
// transaction-log reader: process-wide initialisation, UTF-8 <-> XMLCh transcoding, RAII
// holders, and the one hardened SAX2 parse used for every document that comes from outside.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/util/XMLString.hpp>

#include "sevisflow/sevisxml/validator.h"

namespace sevisflow::sevisxml::internal {

using XString = std::basic_string<XMLCh>;

// XMLPlatformUtils::Initialize() is not thread-safe and must precede any Xerces call. The guard
// is created once (thread-safe static) and deliberately never terminated: validators may live in
// other static objects whose destruction order we do not control, and Terminate() with live
// Xerces objects is undefined behaviour.
void EnsureXercesInitialized();

// UTF-8 -> XMLCh. Throws xercesc::TranscodingException on invalid UTF-8.
XString ToX(std::string_view utf8);
// XMLCh -> UTF-8 (nullptr -> "").
std::string FromX(const XMLCh* text);
std::string FromX(const XMLCh* text, XMLSize_t length);

// Holders for objects Xerces hands out with new (parsers, pools) and for DOM objects that are
// released with release().
struct ReleaseDeleter {
  template <typename T>
  void operator()(T* p) const {
    if (p != nullptr) p->release();
  }
};
template <typename T>
using Released = std::unique_ptr<T, ReleaseDeleter>;
using ReaderPtr = std::unique_ptr<xercesc::SAX2XMLReader>;

// Thrown from handler callbacks to abort a parse on purpose (DOCTYPE, external entity, or
// "stop after the root element"). Caught by ParseSecure.
// The position is taken when thrown: once the exception has unwound the scanner, the locator
// no longer points at a live reader.
struct ParseAbort {
  std::string message;  // empty: a deliberate early stop, not an error
  int line = 0;
  int column = 0;
};

// A SAX2 handler that records every warning/error with line, column and the element path
// (a stack of local names), and refuses DTDs and every entity resolution.
class PathTrackingHandler : public xercesc::DefaultHandler {
 public:
  void startElement(const XMLCh* uri, const XMLCh* localname, const XMLCh* qname,
                    const xercesc::Attributes& attrs) override;
  void endElement(const XMLCh* uri, const XMLCh* localname, const XMLCh* qname) override;
  void startDTD(const XMLCh* name, const XMLCh* public_id, const XMLCh* system_id) override;
  xercesc::InputSource* resolveEntity(const XMLCh* public_id, const XMLCh* system_id) override;

  void warning(const xercesc::SAXParseException& e) override;
  void error(const xercesc::SAXParseException& e) override;
  void fatalError(const xercesc::SAXParseException& e) override;

  std::string Path() const;
  const std::vector<std::string>& Stack() const { return stack_; }
  std::vector<XmlError>& Errors() { return errors_; }
  void AddError(int line, int column, std::string message);
  // Records an error at the parser's current position; only valid inside a callback.
  void AddErrorHere(std::string message);
  // An abort carrying the current position; only valid inside a callback.
  ParseAbort AbortHere(std::string message) const;
  void setDocumentLocator(const xercesc::Locator* locator) override { locator_ = locator; }
  // Forgets the locator once the reader that owns it is gone.
  void DropLocator() { locator_ = nullptr; }

 protected:
  // Hooks for subclasses; the stack already includes the element in OnStart and still
  // includes it in OnEnd.
  virtual void OnStart(const xercesc::Attributes& /*attrs*/) {}
  virtual void OnEnd() {}

 private:
  void Record(const xercesc::SAXParseException& e);

  std::vector<std::string> stack_;
  std::vector<XmlError> errors_;
  const xercesc::Locator* locator_ = nullptr;  // owned by the reader; valid during a parse
};

// Builds a namespace-free DOM document element by element, in the caller's (schema) order, and
// serialises it as pretty-printed UTF-8. Xerces DOM calls may throw DOMException /
// XMLException (e.g. invalid UTF-8 in a value); callers catch them at their boundary.
class DomBuilder {
 public:
  explicit DomBuilder(std::string_view root_name);
  xercesc::DOMElement* root() const { return root_; }
  xercesc::DOMElement* Add(xercesc::DOMElement* parent, std::string_view name);
  xercesc::DOMElement* AddText(xercesc::DOMElement* parent, std::string_view name,
                               std::string_view text);
  // Adds the element only when text is not empty (optional schema elements).
  void AddOptional(xercesc::DOMElement* parent, std::string_view name, std::string_view text);
  void SetAttribute(xercesc::DOMElement* element, std::string_view name, std::string_view value);
  // Empty string and the serializer's message in *error on failure.
  std::string Serialize(std::string* error) const;

 private:
  Released<xercesc::DOMDocument> doc_;
  xercesc::DOMElement* root_ = nullptr;  // owned by doc_
};

// The fast counterpart of DomBuilder, for documents built on a hot path (the student batch
// writer): the same calls and the same output bytes (Xerces' pretty-printed UTF-8, attributes in
// name order, a blank line around the document element's children), without the Xerces DOM,
// whose appendChild and LSSerializer cost ~80% of a 250-record build in RTTI casts and
// per-character formatting. Nodes and strings live in the builder's arena; Element pointers are
// valid while the builder lives.
// Values are checked when added, and the same exceptions as DomBuilder are thrown:
// xercesc::TranscodingException for invalid UTF-8, xercesc::DOMException (INVALID_CHARACTER_ERR)
// for a character XML 1.0 cannot hold or an invalid element/attribute name.
class XmlBuilder {
 public:
  struct Element;

  explicit XmlBuilder(std::string_view root_name);
  ~XmlBuilder();
  XmlBuilder(const XmlBuilder&) = delete;
  XmlBuilder& operator=(const XmlBuilder&) = delete;

  Element* root() const { return root_; }
  Element* Add(Element* parent, std::string_view name);
  Element* AddText(Element* parent, std::string_view name, std::string_view text);
  // Adds the element only when text is not empty (optional schema elements).
  void AddOptional(Element* parent, std::string_view name, std::string_view text);
  // Sets (or replaces) an attribute.
  void SetAttribute(Element* element, std::string_view name, std::string_view value);
  // The document; `error` is unused (kept for DomBuilder's signature): every value was checked
  // when it was added.
  std::string Serialize(std::string* error = nullptr) const;

 private:
  struct Attribute;
  struct Arena;
  std::string_view Copy(std::string_view s);
  Element* NewElement(std::string_view name);

  std::unique_ptr<Arena> arena_;
  Element* root_ = nullptr;
  size_t bytes_ = 0;  // a size estimate for Serialize's reservation
};

// Parses `xml` with a hardened SAX2 reader: namespaces on, no external DTD, no default entity
// resolution, entity-expansion limits, schema hints in the instance ignored. With a grammar pool
// the reader validates against the pool's (locked, cached) grammars only; without one it only
// checks well-formedness. Errors end up in handler.Errors().
void ParseSecure(std::string_view xml, xercesc::XMLGrammarPool* pool, PathTrackingHandler& handler);

}  // namespace sevisflow::sevisxml::internal
