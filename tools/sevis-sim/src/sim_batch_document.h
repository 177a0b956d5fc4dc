#pragma once
// The parts of an uploaded SEVIS batch document the simulator acts on. Parsed with the Xerces
// DOM, with DOCTYPE declarations refused (no DTD, no entity expansion). Validation against the
// XSD is done separately (sevisxml::SchemaValidator); this parser only needs well-formed XML.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/sevisxml/transaction_log.h"

namespace sevisflow::sim {

// Keeps the Xerces platform initialised while alive. Create one before any thread parses
// (Xerces initialisation is not thread-safe) and keep it for the life of the parsing object.
class XercesPlatform {
 public:
  XercesPlatform();
  ~XercesPlatform();
  XercesPlatform(const XercesPlatform&) = delete;
  XercesPlatform& operator=(const XercesPlatform&) = delete;
};

enum class DocumentKind { kStudent, kExchangeVisitor };

// A dependent the record asks SEVIS to create (CreateDependent/Dependent of a create, or a
// Dependent holding Add in an update): SEVIS answers with a new dependentSevisID and echoes
// the dependent's UserDefinedA/B (INTERFACE.md, transaction log "Dependent").
struct NewDependent {
  std::string user_defined_a;
  std::string user_defined_b;
};

// A site of activity the record sends: CreateEV .../AddSiteOfActivity/SiteOfActivity, or
// UpdateEV .../SiteOfActivity/Add or /Edit. SEVIS answers with a Record/SiteOfActivity.
struct SentSite {
  bool edit = false;                          // SiteOfActivity/Edit (keeps its SiteId)
  std::string site_id;                        // Edit: the SiteId sent (may be empty)
  std::string name;                           // SiteName, or Edit's NewSiteName when given
  std::optional<sevisxml::LogAddress> address;  // Address1..PostalCode when the site has one
};

// The addresses of a record SEVIS checks (INTERFACE.md, transaction log Physical* /
// Mailing*): the first USAddress and MailingAddress (students) / MailAddress (visitors)
// anywhere in the record.
struct SentAddresses {
  std::optional<sevisxml::LogAddress> physical;
  std::optional<sevisxml::LogAddress> mailing;
};

// CreateStudent/Student or CreateEV/ExchangeVisitor.
struct CreateRecord {
  std::string request_id;
  std::string user_id;
  std::string user_defined_a;
  std::string user_defined_b;
  std::string last_name;    // FullName/LastName (PersonalInfo or Biographical)
  std::string first_name;   // FullName/FirstName, may be empty
  std::string birth_date;   // BirthDate
  bool print_form = false;  // @printForm
  std::vector<NewDependent> new_dependents;  // CreateDependent/Dependent, in document order
  std::vector<SentSite> sites;               // AddSiteOfActivity/SiteOfActivity, in order
  SentAddresses addresses;
};

// UpdateStudent/Student or UpdateEV/ExchangeVisitor.
struct UpdateRecord {
  std::string sevis_id;
  std::string request_id;
  std::string user_id;
  std::string user_defined_a;
  std::string user_defined_b;
  std::string event;  // name of the event element, e.g. "Registration"
  std::string event_detail;  // its first child element, e.g. "Terminate" under "Status"
  std::vector<NewDependent> new_dependents;  // Dependent/Add (one at most in valid documents)
  std::vector<SentSite> sites;               // SiteOfActivity/Add or /Edit
  SentAddresses addresses;
};

struct BatchDocument {
  DocumentKind kind = DocumentKind::kStudent;
  std::string root_user_id;  // root @userID
  std::string batch_id;      // BatchHeader/BatchID
  std::string org_id;        // BatchHeader/OrgID
  std::vector<CreateRecord> creates;
  std::vector<UpdateRecord> updates;
};

// Root element name: SEVISBatchCreateUpdateStudent / SEVISBatchCreateUpdateEV.
std::string_view RootElementName(DocumentKind kind);

// InvalidArgument for XML that is not well-formed or carries a DOCTYPE; FailedPrecondition
// ("unknown root") when the root is neither SEVIS batch root. Requires a live XercesPlatform.
absl::StatusOr<BatchDocument> ParseBatchDocument(std::string_view xml);

}  // namespace sevisflow::sim
