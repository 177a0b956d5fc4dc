// The exchange-visitor (J) batch document: SEVISBatchCreateUpdateEV of
// Create-UpdateExchangeVisitor.xsd 6.27 (INTERFACE.md §9, §11). One CreateEV/ExchangeVisitor per
// Create Exchange Visitor alert, one UpdateEV/ExchangeVisitor with exactly one event element per
// other J alert (codes 100-122 of alert.proto), children in schema order.
//
// The writer serialises; the XSD is the gate for values (codes, lengths, required values the
// rules flagged as issues). It refuses (InvalidArgument, naming the alert and what is missing,
// never personal data) only what it cannot write at all: an alert of another family, data that
// does not belong to the event, and the keys SEVIS identifies a record by (sevis_id, a
// dependent's SEVIS id, a site's SEVIS id or name, a new dependent's SIS id).
// Readings of the schema: docs/rule-decisions.md, "J batch XML (libs/sevisxml)".
#include <cstdint>
#include <string>
#include <string_view>

#include <xercesc/dom/DOMException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/TranscodingException.hpp>
#include <xercesc/util/XMLException.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/sevisxml/document.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml {
namespace {

namespace v1 = sevisflow::v1;
// The arena XML builder of xerces_support.h (DomBuilder's calls and output, without the Xerces
// DOM's cost); it throws the same Xerces exceptions for invalid UTF-8 or characters.
using Builder = internal::XmlBuilder;
using Node = internal::XmlBuilder::Element;
using v1::Address;
using v1::Alert;
using v1::EventType;

// Sites of activity have abstract types in the schema: the instance names the concrete one with
// xsi:type, declared once on the root.
constexpr char kXsiNamespace[] = "http://www.w3.org/2001/XMLSchema-instance";

std::string Bool(bool value) { return value ? "true" : "false"; }

// SEVIS has one FirstName field: first and middle names travel together, separated by a space
// (as CreateStudentData notes for F/M).
template <typename Person>
std::string GivenNames(const Person& p) {
  if (p.middle_name().empty()) return p.first_name();
  if (p.first_name().empty()) return p.middle_name();
  return absl::StrCat(p.first_name(), " ", p.middle_name());
}

// ---------------------------------------------------------------------------------------------
// Which data each event carries.

// The Alert.data member an event needs; DATA_NOT_SET for events that are not J events.
Alert::DataCase ExpectedData(EventType event) {
  switch (event) {
    case v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR:
      return Alert::kCreateExchangeVisitor;
    case v1::EVENT_TYPE_EV_BIOGRAPHICAL:
      return Alert::kBiographical;
    case v1::EVENT_TYPE_EV_DEPENDENT_ADD:
    case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
    case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
    case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE:
      return Alert::kDependent;
    case v1::EVENT_TYPE_EV_FINANCIAL_INFO:
      return Alert::kEvFinancial;
    case v1::EVENT_TYPE_EV_PROGRAM_AMEND:
    case v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT:
    case v1::EVENT_TYPE_EV_PROGRAM_EXTENSION:
    case v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE:
    case v1::EVENT_TYPE_EV_PROGRAM_SHORTEN:
      return Alert::kEvProgram;
    case v1::EVENT_TYPE_EV_REPRINT:
    case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION:
    case v1::EVENT_TYPE_EV_STATUS_INVALID:
    case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
    case v1::EVENT_TYPE_EV_STATUS_TERMINATE:
      return Alert::kEvStatus;
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT:
      return Alert::kSiteOfActivity;
    case v1::EVENT_TYPE_EV_VALIDATE:
      return Alert::kValidate;
    default:
      return Alert::DATA_NOT_SET;
  }
}

std::string DataName(Alert::DataCase data_case) {
  if (data_case == Alert::DATA_NOT_SET) return "no data";
  const auto* field = Alert::descriptor()->FindFieldByNumber(static_cast<int>(data_case));
  return field != nullptr ? field->name() : absl::StrCat("data #", static_cast<int>(data_case));
}

// Site types (SiteOfActivityData.site_type) and the concrete schema types they become.
enum class SiteKind { kSoa, kExempt, kSeekingEmployment, kOnTravel, kUnknown };

SiteKind KindOf(std::string_view site_type) {
  if (site_type.empty() || site_type == "SOA") return SiteKind::kSoa;
  if (site_type == "EXEMPT") return SiteKind::kExempt;
  if (site_type == "SEEKINGEMP") return SiteKind::kSeekingEmployment;
  if (site_type == "ONTRAVEL") return SiteKind::kOnTravel;
  return SiteKind::kUnknown;
}

// CreateEV/.../AddSiteOfActivity/SiteOfActivity: the extensions of AbstractSiteOfActivity.
const char* CreateSiteType(SiteKind kind) {
  switch (kind) {
    case SiteKind::kSoa:
      return "SOA";
    case SiteKind::kExempt:
      return "EXEMPT";
    default:
      return nullptr;
  }
}

// UpdateEV/.../SiteOfActivity/Add: the extensions of AbstractAdd.
const char* AddSiteType(SiteKind kind) {
  switch (kind) {
    case SiteKind::kSoa:
      return "AddSOA";
    case SiteKind::kExempt:
      return "AddEXEMPT";
    case SiteKind::kSeekingEmployment:
      return "AddSEEKINGEMP";
    case SiteKind::kOnTravel:
      return "AddONTRAVEL";
    default:
      return nullptr;
  }
}

// The stable event code: the enum name without EVENT_TYPE_ (docs/events.md).
std::string EventCode(EventType event) {
  std::string name = v1::EventType_Name(event);
  constexpr std::string_view kPrefix = "EVENT_TYPE_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return name.empty() ? std::to_string(static_cast<int>(event)) : name;
}

absl::Status Refuse(const Alert& alert, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("alert ", alert.alert_id(), " (",
                                                 EventCode(alert.event_type()), "): ", why));
}

// What the writer cannot do without: see the file comment.
absl::Status CheckRecord(const DocumentRecord& record) {
  if (record.alert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("record ", record.request_id, " has no alert"));
  }
  const Alert& alert = *record.alert;
  const EventType event = alert.event_type();
  const Alert::DataCase expected = ExpectedData(event);
  if (expected == Alert::DATA_NOT_SET) {
    return Refuse(alert, "not an exchange-visitor event");
  }
  // Status - No Show has no content (common:EmptyType): a DSO need not send data for it.
  const bool may_be_empty = event == v1::EVENT_TYPE_EV_STATUS_NO_SHOW;
  const bool empty_ok = may_be_empty && alert.data_case() == Alert::DATA_NOT_SET;
  if (alert.data_case() != expected && !empty_ok) {
    return Refuse(alert, absl::StrCat("needs ", DataName(expected), " data, has ",
                                      DataName(alert.data_case())));
  }
  if (IsCreateEvent(event)) {
    const v1::CreateExchangeVisitorData& data = alert.create_exchange_visitor();
    for (int i = 0; i < data.dependents_size(); ++i) {
      if (data.dependents(i).dependent_id().empty()) {
        return Refuse(alert, absl::StrCat("dependents[", i, "] has no dependent_id"));
      }
    }
    for (int i = 0; i < data.sites_size(); ++i) {
      if (CreateSiteType(KindOf(data.sites(i).site_type())) == nullptr) {
        return Refuse(alert, absl::StrCat("sites[", i, "] has site_type '",
                                          data.sites(i).site_type(),
                                          "'; a new exchange visitor takes SOA or EXEMPT sites"));
      }
    }
    return absl::OkStatus();
  }
  if (alert.sevis_id().empty()) return Refuse(alert, "an update needs the sevis_id");
  switch (event) {
    case v1::EVENT_TYPE_EV_DEPENDENT_ADD:
      if (alert.dependent().dependent_id().empty()) {
        return Refuse(alert, "a new dependent needs its dependent_id (UserDefinedA)");
      }
      break;
    case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
    case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
    case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE:
      if (alert.dependent().dependent_sevis_id().empty()) {
        return Refuse(alert, "needs the dependent_sevis_id");
      }
      break;
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD:
      if (AddSiteType(KindOf(alert.site_of_activity().site_type())) == nullptr) {
        return Refuse(alert, absl::StrCat("unknown site_type '",
                                          alert.site_of_activity().site_type(), "'"));
      }
      break;
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT:
      if (alert.site_of_activity().sevis_site_id().empty() &&
          alert.site_of_activity().sevis_name().empty()) {
        return Refuse(alert, "needs the sevis_site_id or sevis_name that SEVIS knows the site by");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

bool NeedsXsi(const Alert& alert) {
  return (IsCreateEvent(alert.event_type()) && alert.create_exchange_visitor().sites_size() > 0) ||
         alert.event_type() == v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD;
}

// ---------------------------------------------------------------------------------------------
// Element groups shared by several events.

// A value SEVIS holds that the SIS no longer has: the alert's changes name the field with a
// blank (or zero) SIS value. Update events send an empty tag of the *Nullable* type for it, the
// schema's way to clear a value; a create has nothing to clear.
class Clears {
 public:
  Clears() = default;
  explicit Clears(const Alert& alert) : alert_(&alert) {}
  bool operator()(std::string_view field) const {
    if (alert_ == nullptr) return false;
    for (const v1::FieldChange& change : alert_->changes()) {
      if (change.field() != field) continue;
      return IsBlank(change.sis_value()) && !IsBlank(change.sevis_value());
    }
    return false;
  }

 private:
  static bool IsBlank(std::string_view value) { return value.empty() || value == "0"; }
  const Alert* alert_ = nullptr;
};

// An optional element: the value when set, else an empty tag when the value was cleared.
void AddOrClear(Builder& dom, Node* parent, std::string_view name, std::string_view value,
                bool cleared) {
  if (!value.empty() || cleared) dom.AddText(parent, name, value);
}

// common:NameType (create, dependents; LastName required) or NameNullableType (Biographical):
// LastName, FirstName?, PassportName?, PreferredName?, Suffix?.
template <typename Person>
void AddFullName(Builder& dom, Node* parent, const Person& p, const Clears& cleared) {
  Node* name = dom.Add(parent, "FullName");
  dom.AddText(name, "LastName", p.last_name());
  AddOrClear(dom, name, "FirstName", GivenNames(p),
             cleared("first_name") || cleared("middle_name"));
  AddOrClear(dom, name, "PassportName", p.passport_name(), cleared("passport_name"));
  AddOrClear(dom, name, "PreferredName", p.preferred_name(), cleared("preferred_name"));
  AddOrClear(dom, name, "Suffix", p.suffix(), cleared("suffix"));
}

// NonImgBioType: FullName, BirthDate, Gender, BirthCity, BirthCountryCode,
// CitizenshipCountryCode, PermanentResidenceCountryCode, BirthCountryReason?, EmailAddress?.
template <typename Person>
void AddNonImgBio(Builder& dom, Node* parent, const Person& p) {
  AddFullName(dom, parent, p, Clears());
  dom.AddText(parent, "BirthDate", p.birth_date());
  dom.AddText(parent, "Gender", p.gender());
  dom.AddText(parent, "BirthCity", p.birth_city());
  dom.AddText(parent, "BirthCountryCode", p.birth_country());
  dom.AddText(parent, "CitizenshipCountryCode", p.citizenship_country());
  dom.AddText(parent, "PermanentResidenceCountryCode", p.permanent_residence_country());
  dom.AddOptional(parent, "BirthCountryReason", p.birth_country_reason());
  dom.AddOptional(parent, "EmailAddress", p.email());
}

bool HasAddress(const Address& address) {
  return !address.line1().empty() || !address.postal_code().empty();
}

// The address part of common:USAddrDoctorType, SOA and AddSOA: Address1, Address2?, City?,
// State?, PostalCode, ExplanationCode?, Explanation?.
void AddAddressParts(Builder& dom, Node* parent, const Address& address,
                     std::string_view explanation_code, std::string_view explanation) {
  dom.AddText(parent, "Address1", address.line1());
  dom.AddOptional(parent, "Address2", address.line2());
  dom.AddOptional(parent, "City", address.city());
  dom.AddOptional(parent, "State", address.state());
  dom.AddText(parent, "PostalCode", address.postal_code());
  dom.AddOptional(parent, "ExplanationCode", explanation_code);
  dom.AddOptional(parent, "Explanation", explanation);
}

void AddUsAddress(Builder& dom, Node* parent, std::string_view name,
                  const Address& address, std::string_view explanation_code,
                  std::string_view explanation) {
  AddAddressParts(dom, dom.Add(parent, name), address, explanation_code, explanation);
}

// An amount (table:MonetaryType / MonetaryNullableType): written when positive or required,
// an empty tag when cleared. Whole dollars.
void AddAmount(Builder& dom, Node* parent, std::string_view name, int64_t amount,
               bool required, bool cleared) {
  if (amount > 0 || required) {
    dom.AddText(parent, name, std::to_string(amount));
  } else if (cleared) {
    dom.AddText(parent, name, "");
  }
}

// OtherFundsType (create: Org1 and Amount1 required once a block is there) or
// OtherFundsNullableType (update: everything optional, empty tags clear).
void AddOrgPair(Builder& dom, Node* other, std::string_view block, bool create,
                const Clears& cleared, std::string_view org1, int64_t amount1,
                std::string_view org2, int64_t amount2, const char* field_prefix) {
  const std::string f_org1 = absl::StrCat(field_prefix, "1");
  const std::string f_amount1 = absl::StrCat(field_prefix, "1_amount");
  const std::string f_org2 = absl::StrCat(field_prefix, "2");
  const std::string f_amount2 = absl::StrCat(field_prefix, "2_amount");
  const bool has1 = !org1.empty() || amount1 > 0;
  const bool has2 = !org2.empty() || amount2 > 0;
  const bool clear1 = cleared(f_org1) || cleared(f_amount1);
  const bool clear2 = cleared(f_org2) || cleared(f_amount2);
  if (!has1 && !has2 && !clear1 && !clear2) return;
  Node* element = dom.Add(other, block);
  if (create) {
    dom.AddText(element, "Org1", org1);
  } else {
    AddOrClear(dom, element, "Org1", org1, clear1);
  }
  AddAmount(dom, element, "Amount1", amount1, create || has1, clear1);
  AddOrClear(dom, element, "Org2", org2, clear2);
  AddAmount(dom, element, "Amount2", amount2, has2, clear2);
}

// FinancialInfo of a create (ReceivedUSGovtFunds, ProgramSponsorFunds?, OtherFunds?) or of the
// Financial Info event (the same, all optional, with printForm).
void AddFinancial(Builder& dom, Node* financial, const v1::EvFinancial& f,
                  const Clears& cleared, bool create) {
  dom.AddText(financial, "ReceivedUSGovtFunds", Bool(f.received_us_govt_funds()));
  AddAmount(dom, financial, "ProgramSponsorFunds", f.program_sponsor_funds(), false,
            cleared("program_sponsor_funds"));
  const bool has_other = !f.govt_org1().empty() || f.govt_org1_amount() > 0 ||
                         !f.govt_org2().empty() || f.govt_org2_amount() > 0 ||
                         !f.internat_org1().empty() || f.internat_org1_amount() > 0 ||
                         !f.internat_org2().empty() || f.internat_org2_amount() > 0 ||
                         f.ev_govt() > 0 || f.binational_commission() > 0 || f.other_org() > 0 ||
                         !f.other_org_name().empty() || f.personal_funds() > 0;
  bool any_cleared = false;
  for (const char* field :
       {"govt_org1", "govt_org1_amount", "govt_org2", "govt_org2_amount", "internat_org1",
        "internat_org1_amount", "internat_org2", "internat_org2_amount", "ev_govt",
        "binational_commission", "other_org", "other_org_name", "personal_funds"}) {
    any_cleared = any_cleared || cleared(field);
  }
  if (!has_other && !any_cleared) return;
  Node* other = dom.Add(financial, "OtherFunds");
  AddOrgPair(dom, other, "USGovt", create, cleared, f.govt_org1(), f.govt_org1_amount(),
             f.govt_org2(), f.govt_org2_amount(), "govt_org");
  AddOrgPair(dom, other, "International", create, cleared, f.internat_org1(),
             f.internat_org1_amount(), f.internat_org2(), f.internat_org2_amount(),
             "internat_org");
  AddAmount(dom, other, "EVGovt", f.ev_govt(), false, cleared("ev_govt"));
  AddAmount(dom, other, "BinationalCommission", f.binational_commission(), false,
            cleared("binational_commission"));
  const bool has_org = f.other_org() > 0 || !f.other_org_name().empty();
  if (has_org || cleared("other_org") || cleared("other_org_name")) {
    Node* org = dom.Add(other, "Other");  // Name and Amount both required
    dom.AddText(org, "Name", f.other_org_name());
    dom.AddText(org, "Amount", has_org ? std::to_string(f.other_org()) : "");
  }
  AddAmount(dom, other, "Personal", f.personal_funds(), false, cleared("personal_funds"));
}

// TippPhaseDates: one TippPhase (PhaseId, StartDate, EndDate) per phase; nothing without phases.
void AddTippPhaseDates(Builder& dom, Node* parent,
                       const google::protobuf::RepeatedPtrField<v1::TippPhase>& phases) {
  if (phases.empty()) return;
  Node* dates = dom.Add(parent, "TippPhaseDates");
  for (const v1::TippPhase& phase : phases) {
    Node* element = dom.Add(dates, "TippPhase");
    dom.AddText(element, "PhaseId", phase.phase_id());
    dom.AddText(element, "StartDate", phase.start_date());
    dom.AddText(element, "EndDate", phase.end_date());
  }
}

// Delete / Edit name the SEVIS site: SiteId (+ SiteName?) when SEVIS's id is known, else SiteName.
void AddSiteIdentity(Builder& dom, Node* parent, const v1::SiteOfActivityData& site) {
  if (!site.sevis_site_id().empty()) {
    dom.AddText(parent, "SiteId", site.sevis_site_id());
    dom.AddOptional(parent, "SiteName", site.sevis_name());
  } else {
    dom.AddText(parent, "SiteName", site.sevis_name());
  }
}

// SOA / AddSOA after the address: SiteName, PrimarySite, Remarks?.
void AddSiteTail(Builder& dom, Node* parent, const v1::SiteOfActivityData& site) {
  dom.AddText(parent, "SiteName", site.name());
  dom.AddText(parent, "PrimarySite", Bool(site.primary()));
  dom.AddOptional(parent, "Remarks", site.remarks());
}

// ---------------------------------------------------------------------------------------------
// Records.

class EvWriter {
 public:
  EvWriter(Builder& dom, const DocumentSpec& spec) : dom_(dom), spec_(spec) {}

  // CreateEV/ExchangeVisitor (EVPersonType).
  void Create(Node* section, const DocumentRecord& record) {
    const v1::CreateExchangeVisitorData& d = record.alert->create_exchange_visitor();
    Node* ev = dom_.Add(section, "ExchangeVisitor");
    dom_.SetAttribute(ev, "requestID", record.request_id);
    dom_.SetAttribute(ev, "userID", spec_.user_id);
    dom_.SetAttribute(ev, "printForm", PrintForm());
    dom_.AddOptional(ev, "UserDefinedA", record.user_defined_a);
    dom_.AddOptional(ev, "UserDefinedB", record.user_defined_b);

    Node* bio = dom_.Add(ev, "Biographical");
    AddNonImgBio(dom_, bio, d);
    dom_.AddOptional(bio, "PhoneNumber", d.phone());

    dom_.AddText(ev, "PositionCode", d.position_code());
    dom_.AddText(ev, "PrgStartDate", d.program_start_date());
    dom_.AddText(ev, "PrgEndDate", d.program_end_date());
    dom_.AddText(ev, "CategoryCode", d.program_category());
    dom_.AddOptional(ev, "OccupationCategoryCode", d.occupation_category());
    Node* subject = dom_.Add(ev, "SubjectField");
    dom_.AddText(subject, "SubjectFieldCode", d.subject_field_code());
    dom_.AddText(subject, "Remarks", d.subject_field_remarks());
    if (HasAddress(d.us_address())) {
      AddUsAddress(dom_, ev, "USAddress", d.us_address(), d.us_address_explanation_code(),
                   d.us_address_explanation());
    }
    if (HasAddress(d.mailing_address())) {
      AddUsAddress(dom_, ev, "MailAddress", d.mailing_address(),
                   d.mailing_address_explanation_code(), d.mailing_address_explanation());
    }
    AddFinancial(dom_, dom_.Add(ev, "FinancialInfo"), d.financial(), Clears(), /*create=*/true);

    if (!d.dependents().empty()) {
      Node* create_dependents = dom_.Add(ev, "CreateDependent");
      for (const v1::DependentData& dep : d.dependents()) {
        Node* element = dom_.Add(create_dependents, "Dependent");
        AddNonImgBio(dom_, element, dep);
        dom_.AddText(element, "Relationship", dep.relationship());
        // The SIS dependent id, echoed by SEVIS next to the dependentSevisID it assigns.
        dom_.AddText(element, "UserDefinedA", dep.dependent_id());
      }
    }

    // The xs:choice AddTIPP | (AddSiteOfActivity, AddTIPP?): the sites of the DS-2019; the
    // T/IPP (DS-7002) is not held by the SIS (docs/rule-decisions.md, "J batch XML").
    Node* sites = dom_.Add(ev, "AddSiteOfActivity");
    for (const v1::SiteOfActivityData& site : d.sites()) {
      const SiteKind kind = KindOf(site.site_type());
      Node* element = dom_.Add(sites, "SiteOfActivity");
      dom_.SetAttribute(element, "xsi:type", CreateSiteType(kind));
      if (kind == SiteKind::kSoa) {
        AddAddressParts(dom_, element, site.address(), site.explanation_code(),
                        site.explanation());
        AddSiteTail(dom_, element, site);
      } else {
        dom_.AddOptional(element, "Remarks", site.remarks());
      }
    }
  }

  // UpdateEV/ExchangeVisitor: attributes, UserDefinedA/B, one event element.
  void Update(Node* section, const DocumentRecord& record) {
    const Alert& alert = *record.alert;
    Node* ev = dom_.Add(section, "ExchangeVisitor");
    dom_.SetAttribute(ev, "sevisID", alert.sevis_id());
    dom_.SetAttribute(ev, "requestID", record.request_id);
    dom_.SetAttribute(ev, "userID", spec_.user_id);
    dom_.AddOptional(ev, "UserDefinedA", record.user_defined_a);
    dom_.AddOptional(ev, "UserDefinedB", record.user_defined_b);
    switch (alert.event_type()) {
      case v1::EVENT_TYPE_EV_BIOGRAPHICAL:
        Biographical(ev, alert);
        break;
      case v1::EVENT_TYPE_EV_DEPENDENT_ADD:
      case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
      case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
      case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
      case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
      case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE:
        Dependent(ev, alert.event_type(), alert.dependent());
        break;
      case v1::EVENT_TYPE_EV_FINANCIAL_INFO: {
        Node* financial = dom_.Add(ev, "FinancialInfo");
        dom_.SetAttribute(financial, "printForm", PrintForm());
        AddFinancial(dom_, financial, alert.ev_financial(), Clears(alert), /*create=*/false);
        break;
      }
      case v1::EVENT_TYPE_EV_PROGRAM_AMEND:
      case v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT:
      case v1::EVENT_TYPE_EV_PROGRAM_EXTENSION:
      case v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE:
      case v1::EVENT_TYPE_EV_PROGRAM_SHORTEN:
        Program(ev, alert.event_type(), alert.ev_program());
        break;
      case v1::EVENT_TYPE_EV_REPRINT:
        Reprint(dom_.Add(ev, "Reprint"), alert.ev_status().reason(),
                alert.ev_status().other_remarks(), alert.ev_status().remarks());
        break;
      case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD:
      case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
      case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT:
        Site(ev, alert.event_type(), alert.site_of_activity());
        break;
      case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION:
      case v1::EVENT_TYPE_EV_STATUS_INVALID:
      case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
      case v1::EVENT_TYPE_EV_STATUS_TERMINATE:
        Status(ev, alert.event_type(), alert.ev_status());
        break;
      case v1::EVENT_TYPE_EV_VALIDATE:
        Validate(ev, alert.validate());
        break;
      default:
        break;  // CheckRecord let no other event through
    }
  }

 private:
  std::string PrintForm() const { return Bool(spec_.print_form); }

  // Biographical (NonImgBioTypeOptional + PositionCode?, USAddress?, MailAddress?): every
  // current value; a cleared nullable value as an empty tag.
  void Biographical(Node* ev, const Alert& alert) {
    const v1::BiographicalData& d = alert.biographical();
    const Clears cleared(alert);
    Node* bio = dom_.Add(ev, "Biographical");
    dom_.SetAttribute(bio, "printForm", PrintForm());
    if (!d.last_name().empty()) AddFullName(dom_, bio, d, cleared);
    dom_.AddOptional(bio, "BirthDate", d.birth_date());
    dom_.AddOptional(bio, "Gender", d.gender());
    dom_.AddOptional(bio, "BirthCity", d.birth_city());
    dom_.AddOptional(bio, "BirthCountryCode", d.birth_country());
    dom_.AddOptional(bio, "CitizenshipCountryCode", d.citizenship_country());
    dom_.AddOptional(bio, "PermanentResidenceCountryCode", d.permanent_residence_country());
    AddOrClear(dom_, bio, "BirthCountryReason", d.birth_country_reason(),
               cleared("birth_country_reason"));
    dom_.AddOptional(bio, "EmailAddress", d.email());
    dom_.AddOptional(bio, "PhoneNumber", d.phone());
    dom_.AddOptional(bio, "PositionCode", d.position_code());
    if (HasAddress(d.us_address())) {
      AddUsAddress(dom_, bio, "USAddress", d.us_address(), d.us_address_explanation_code(),
                   d.us_address_explanation());
    }
    if (HasAddress(d.mailing_address())) {
      AddUsAddress(dom_, bio, "MailAddress", d.mailing_address(),
                   d.mailing_address_explanation_code(), d.mailing_address_explanation());
    }
  }

  void Dependent(Node* ev, EventType event, const v1::DependentData& d) {
    Node* dependent = dom_.Add(ev, "Dependent");
    if (event == v1::EVENT_TYPE_EV_DEPENDENT_ADD) {
      // The SIS dependent id, echoed by SEVIS next to the dependentSevisID it assigns.
      dom_.AddText(dependent, "UserDefinedA", d.dependent_id());
      Node* add = dom_.Add(dependent, "Add");
      dom_.SetAttribute(add, "printForm", PrintForm());
      AddNonImgBio(dom_, add, d);
      dom_.AddText(add, "Relationship", d.relationship());
      dom_.AddText(add, "FormPurpose", d.form_purpose());
      return;
    }
    Node* element = nullptr;
    switch (event) {
      case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
        element = dom_.Add(dependent, "Delete");  // common:EmptyType
        break;
      case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
        element = dom_.Add(dependent, "Edit");
        dom_.SetAttribute(element, "printForm", PrintForm());
        AddNonImgBio(dom_, element, d);
        dom_.AddOptional(element, "Relationship", d.relationship());
        dom_.AddOptional(element, "Remarks", d.remarks());
        break;
      case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
        element = dom_.Add(dependent, "EndStatus");
        dom_.AddText(element, "Reason", d.reason());
        dom_.AddOptional(element, "OtherRemarks", d.other_remarks());
        dom_.AddOptional(element, "Remarks", d.remarks());
        break;
      case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
        element = dom_.Add(dependent, "Reprint");
        Reprint(element, d.reason(), d.other_remarks(), d.remarks());
        break;
      case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE:
        element = dom_.Add(dependent, "Terminate");
        dom_.AddText(element, "Reason", d.reason());
        dom_.AddText(element, "EffectiveDate", d.termination_effective_date());
        dom_.AddOptional(element, "OtherRemarks", d.other_remarks());
        dom_.AddOptional(element, "Remarks", d.remarks());
        break;
      default:
        return;
    }
    dom_.SetAttribute(element, "dependentSevisID", d.dependent_sevis_id());
  }

  // ReprintType: Reason, OtherRemarks?, Remarks?; printForm.
  void Reprint(Node* element, std::string_view reason, std::string_view other_remarks,
               std::string_view remarks) {
    dom_.SetAttribute(element, "printForm", PrintForm());
    dom_.AddText(element, "Reason", reason);
    dom_.AddOptional(element, "OtherRemarks", other_remarks);
    dom_.AddOptional(element, "Remarks", remarks);
  }

  void Program(Node* ev, EventType event, const v1::EvProgramData& d) {
    Node* program = dom_.Add(ev, "Program");
    Node* element = nullptr;
    switch (event) {
      case v1::EVENT_TYPE_EV_PROGRAM_AMEND:
        element = dom_.Add(program, "Amend");
        dom_.AddText(element, "PrgStartDate", d.program_start_date());
        dom_.AddText(element, "PrgEndDate", d.program_end_date());
        dom_.AddOptional(element, "Remarks", d.remarks());
        AddTippPhaseDates(dom_, element, d.tipp_phases());
        break;
      case v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT:
        element = dom_.Add(program, "EditSubject");
        dom_.AddText(element, "SubjectFieldCode", d.subject_field_code());
        dom_.AddText(element, "SubjectFieldRemarks", d.subject_field_remarks());
        dom_.AddText(element, "Remarks", d.remarks());
        break;
      case v1::EVENT_TYPE_EV_PROGRAM_EXTENSION:
        element = dom_.Add(program, "Extension");
        dom_.AddText(element, "NewPrgEndDate", d.program_end_date());
        dom_.AddOptional(element, "Remarks", d.remarks());
        AddTippPhaseDates(dom_, element, d.tipp_phases());
        break;
      case v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE:
        element = dom_.Add(program, "Matriculate");
        dom_.AddText(element, "NewPrgEndDate", d.program_end_date());
        dom_.AddText(element, "MatriculationCode", d.matriculation_code());
        break;
      case v1::EVENT_TYPE_EV_PROGRAM_SHORTEN:
        element = dom_.Add(program, "Shorten");
        dom_.AddText(element, "NewPrgEndDate", d.program_end_date());
        dom_.AddText(element, "ShortenReason", d.reason());
        dom_.AddText(element, "Remarks", d.remarks());
        AddTippPhaseDates(dom_, element, d.tipp_phases());
        break;
      default:
        return;
    }
    dom_.SetAttribute(element, "printForm", PrintForm());
  }

  void Site(Node* ev, EventType event, const v1::SiteOfActivityData& site) {
    Node* soa = dom_.Add(ev, "SiteOfActivity");
    switch (event) {
      case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD: {
        const SiteKind kind = KindOf(site.site_type());
        Node* add = dom_.Add(soa, "Add");
        dom_.SetAttribute(add, "xsi:type", AddSiteType(kind));
        dom_.SetAttribute(add, "printForm", PrintForm());
        if (kind == SiteKind::kSoa) {
          AddAddressParts(dom_, add, site.address(), site.explanation_code(),
                          site.explanation());
          AddSiteTail(dom_, add, site);
        } else {
          dom_.AddOptional(add, "Remarks", site.remarks());
        }
        break;
      }
      case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
        AddSiteIdentity(dom_, dom_.Add(soa, "Delete"), site);
        break;
      case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT: {
        // USAddrDoctorType, the site, NewSiteName?, PrimarySite?, Remarks?.
        Node* edit = dom_.Add(soa, "Edit");
        dom_.SetAttribute(edit, "printForm", PrintForm());
        AddAddressParts(dom_, edit, site.address(), site.explanation_code(), site.explanation());
        AddSiteIdentity(dom_, edit, site);
        if (!site.name().empty() && site.name() != site.sevis_name()) {
          dom_.AddText(edit, "NewSiteName", site.name());
        }
        dom_.AddText(edit, "PrimarySite", Bool(site.primary()));
        dom_.AddOptional(edit, "Remarks", site.remarks());
        break;
      }
      default:
        break;
    }
  }

  void Status(Node* ev, EventType event, const v1::EvStatusData& d) {
    Node* status = dom_.Add(ev, "Status");
    switch (event) {
      case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION: {
        Node* element = dom_.Add(status, "CorrectInfraction");
        dom_.AddText(element, "InfractionType", d.infraction_type());
        dom_.AddOptional(element, "NewEndDate", d.new_end_date());
        dom_.AddOptional(element, "Remarks", d.remarks());
        AddTippPhaseDates(dom_, element, d.tipp_phases());
        break;
      }
      case v1::EVENT_TYPE_EV_STATUS_INVALID:
        dom_.AddText(dom_.Add(status, "Invalid"), "Remarks", d.remarks());
        break;
      case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
        dom_.Add(status, "NoShow");  // common:EmptyType
        break;
      case v1::EVENT_TYPE_EV_STATUS_TERMINATE: {
        Node* element = dom_.Add(status, "Terminate");
        dom_.AddText(element, "Reason", d.reason());
        dom_.AddText(element, "EffectiveDate", d.effective_date());
        dom_.AddOptional(element, "OtherRemarks", d.other_remarks());
        dom_.AddOptional(element, "Remarks", d.remarks());
        break;
      }
      default:
        break;
    }
  }

  // Validate: USAddress (required), EmailAddress?, PhoneNumber?.
  void Validate(Node* ev, const v1::ValidateData& d) {
    Node* validate = dom_.Add(ev, "Validate");
    AddUsAddress(dom_, validate, "USAddress", d.us_address(), "", "");
    dom_.AddOptional(validate, "EmailAddress", d.email());
    dom_.AddOptional(validate, "PhoneNumber", d.phone());
  }

  Builder& dom_;
  const DocumentSpec& spec_;
};

}  // namespace

absl::StatusOr<std::string> BuildEvDocument(const DocumentSpec& spec) {
  bool needs_xsi = false;
  bool has_create = false;
  bool has_update = false;
  for (const DocumentRecord& record : spec.records) {
    if (absl::Status status = CheckRecord(record); !status.ok()) return status;
    needs_xsi = needs_xsi || NeedsXsi(*record.alert);
    (IsCreateEvent(record.alert->event_type()) ? has_create : has_update) = true;
  }
  const Alert* current = nullptr;  // the record being written, named when a value is refused
  try {
    Builder dom("SEVISBatchCreateUpdateEV");
    Node* root = dom.root();
    if (needs_xsi) dom.SetAttribute(root, "xmlns:xsi", kXsiNamespace);
    dom.SetAttribute(root, "userID", spec.user_id);
    Node* header = dom.Add(root, "BatchHeader");
    dom.AddText(header, "BatchID", spec.batch_id);
    dom.AddText(header, "OrgID", spec.org_id);
    EvWriter writer(dom, spec);
    if (has_create) {
      Node* create = dom.Add(root, "CreateEV");
      for (const DocumentRecord& record : spec.records) {
        if (!IsCreateEvent(record.alert->event_type())) continue;
        current = record.alert;
        writer.Create(create, record);
      }
    }
    if (has_update) {
      Node* update = dom.Add(root, "UpdateEV");
      for (const DocumentRecord& record : spec.records) {
        if (IsCreateEvent(record.alert->event_type())) continue;
        current = record.alert;
        writer.Update(update, record);
      }
    }
    std::string error;
    std::string xml = dom.Serialize(&error);
    if (xml.empty()) {
      return absl::InternalError(absl::StrCat("batch ", spec.batch_id, ": ", error));
    }
    return xml;
  } catch (const xercesc::TranscodingException&) {
    if (current != nullptr) return Refuse(*current, "a value is not valid UTF-8");
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", spec.batch_id, " holds a value that is not valid UTF-8"));
  } catch (const xercesc::DOMException& e) {
    if (current != nullptr) {
      return Refuse(*current, "a value holds a character XML cannot carry");
    }
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", spec.batch_id, ": ", internal::FromX(e.getMessage())));
  } catch (const xercesc::OutOfMemoryException&) {
    return absl::ResourceExhaustedError("out of memory while building a batch document");
  } catch (const xercesc::XMLException& e) {
    return absl::InternalError(
        absl::StrCat("batch ", spec.batch_id, ": ", internal::FromX(e.getMessage())));
  }
}

}  // namespace sevisflow::sevisxml
