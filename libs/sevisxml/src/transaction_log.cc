#include "sevisflow/sevisxml/transaction_log.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <xercesc/dom/DOMException.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/XMLException.hpp>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/sevisxml/validator.h"
#include "xerces_support.h"

namespace sevisflow::sevisxml {
namespace {

using internal::DomBuilder;
using internal::FromX;
using xercesc::DOMElement;

std::string Attribute(const xercesc::Attributes& attrs, const char16_t* name) {
  return std::string(absl::StripAsciiWhitespace(FromX(attrs.getValue(name))));
}

// xs:boolean: "true" / "1" are true, everything else false.
bool ParseBool(std::string_view value) { return value == "true" || value == "1"; }

// Fills a TransactionLog from SAX events. Elements are recognised by their full path, so a
// UserDefinedA under a Dependent is never mistaken for the record's own.
class LogHandler : public internal::PathTrackingHandler {
 public:
  TransactionLog log;

  void characters(const XMLCh* chars, const XMLSize_t length) override {
    text_ += FromX(chars, length);
  }

 protected:
  void OnStart(const xercesc::Attributes& attrs) override {
    text_.clear();
    if (Stack().size() == 1 && Stack()[0] != "TransactionLog") {
      AddErrorHere(absl::StrCat("root element is <", Stack()[0], ">, not <TransactionLog>"));
      throw internal::ParseAbort{};
    }
    if (At({"BatchDetail"})) {
      log.status = ParseBool(Attribute(attrs, u"status"));
      log.system = Attribute(attrs, u"system");
    } else if (At({"BatchDetail", "Upload"})) {
      log.upload = LogStage{Attribute(attrs, u"resultCode"), Attribute(attrs, u"dateTimeStamp")};
    } else if (At({"BatchDetail", "Process"})) {
      log.process = LogStage{Attribute(attrs, u"resultCode"), Attribute(attrs, u"dateTimeStamp")};
    } else if (At({"BatchDetail", "Download"})) {
      log.download_result_code = Attribute(attrs, u"resultCode");
    } else if (At({"BatchDetail", "Process", "Record"})) {
      LogRecord& record = log.records.emplace_back();
      record.request_id = Attribute(attrs, u"requestID");
      record.sevis_id = Attribute(attrs, u"sevisID");
      record.user_id = Attribute(attrs, u"userID");
    } else if (At({"BatchDetail", "Process", "Record", "Result"})) {
      log.records.back().success = ParseBool(Attribute(attrs, u"status"));
    } else if (At({"BatchDetail", "Process", "Record", "Dependent"})) {
      log.records.back().dependents.push_back(
          LogDependent{Attribute(attrs, u"dependentSevisID"), "", ""});
    } else if (InRecord()) {
      StartInRecord();
    }
  }

  void OnEnd() override {
    std::string text(absl::StripAsciiWhitespace(text_));
    text_.clear();
    if (At({"BatchHeader", "BatchID"})) {
      log.batch_id = std::move(text);
    } else if (At({"BatchHeader", "OrgID"})) {
      log.org_id = std::move(text);
    } else if (At({"BatchDetail", "Upload", "FileName"})) {
      log.upload_file_name = std::move(text);
    } else if (At({"BatchDetail", "Process", "RecordCount", "Success"})) {
      ParseCount(text, &log.success_count);
    } else if (At({"BatchDetail", "Process", "RecordCount", "Failure"})) {
      ParseCount(text, &log.failure_count);
      // The records follow: one allocation instead of log2(n) moves of every record read.
      const int64_t total = int64_t{log.success_count} + log.failure_count;
      if (total > 0 && total <= 99999) log.records.reserve(static_cast<size_t>(total));
    } else if (At({"BatchDetail", "Process", "Record", "UserDefinedA"})) {
      log.records.back().user_defined_a = std::move(text);
    } else if (At({"BatchDetail", "Process", "Record", "UserDefinedB"})) {
      log.records.back().user_defined_b = std::move(text);
    } else if (At({"BatchDetail", "Process", "Record", "ProcessDate"})) {
      log.records.back().process_date = std::move(text);
    } else if (At({"BatchDetail", "Process", "Record", "Result", "ErrorCode"})) {
      log.records.back().error_code = std::move(text);
    } else if (At({"BatchDetail", "Process", "Record", "Result", "ErrorMessage"})) {
      log.records.back().error_message = std::move(text);
    } else if (At({"BatchDetail", "Process", "Record", "Dependent", "UserDefinedA"})) {
      log.records.back().dependents.back().user_defined_a = std::move(text);
    } else if (At({"BatchDetail", "Process", "Record", "Dependent", "UserDefinedB"})) {
      log.records.back().dependents.back().user_defined_b = std::move(text);
    } else if (InRecord()) {
      EndInRecord(std::move(text));
    }
  }

 private:
  // Depth of /TransactionLog/BatchDetail/Process/Record: its children are at Stack()[kRecord].
  static constexpr size_t kRecord = 4;

  // True below a Record, at a depth the address, site and employer elements use.
  bool InRecord() const {
    const std::vector<std::string>& stack = Stack();
    return stack.size() > kRecord && stack.size() <= kRecord + 3 && stack[1] == "BatchDetail" &&
           stack[2] == "Process" && stack[3] == "Record" && !log.records.empty();
  }

  // The address check a Record child belongs to (SiteOfActivity, Employer, Physical*,
  // Mailing*), or nullptr.
  LogAddressCheck* CheckOf(std::string_view child) {
    LogRecord& record = log.records.back();
    if (child == "SiteOfActivity") {
      return record.sites.empty() ? nullptr : &record.sites.back().address;
    }
    if (child == "Employer") {
      return record.employers.empty() ? nullptr : &record.employers.back().address;
    }
    if (child.starts_with("Physical")) return &record.physical_address;
    if (child.starts_with("Mailing")) return &record.mailing_address;
    return nullptr;
  }

  // The address element `name` of a check: ProvidedAddress / CorrectedAddress (site, employer)
  // or <Physical|Mailing>ProvidedAddress / ...CorrectedAddress.
  static std::optional<LogAddress>* AddressOf(LogAddressCheck* check, std::string_view name) {
    if (check == nullptr) return nullptr;
    if (name.ends_with("ProvidedAddress")) return &check->provided;
    if (name.ends_with("CorrectedAddress")) return &check->corrected;
    return nullptr;
  }

  static void SetAddressField(std::optional<LogAddress>* address, std::string_view field,
                              std::string text) {
    if (address == nullptr || !address->has_value()) return;
    LogAddress& a = **address;
    if (field == "Address1") {
      a.address1 = std::move(text);
    } else if (field == "Address2") {
      a.address2 = std::move(text);
    } else if (field == "City") {
      a.city = std::move(text);
    } else if (field == "State") {
      a.state = std::move(text);
    } else if (field == "PostalCode") {
      a.postal_code = std::move(text);
    }
  }

  void StartInRecord() {
    const std::vector<std::string>& stack = Stack();
    LogRecord& record = log.records.back();
    const std::string& child = stack[kRecord];
    if (stack.size() == kRecord + 1) {
      if (child == "SiteOfActivity") {
        record.sites.emplace_back();
      } else if (child == "Employer") {
        record.employers.emplace_back();
      } else if (auto* address = AddressOf(CheckOf(child), child)) {
        address->emplace();
      }
    } else if (stack.size() == kRecord + 2 &&
               (child == "SiteOfActivity" || child == "Employer")) {
      if (auto* address = AddressOf(CheckOf(child), stack[kRecord + 1])) {
        address->emplace();
      } else if (child == "SiteOfActivity" && stack[kRecord + 1] == "Phase") {
        record.sites.back().phases.emplace_back();
      }
    }
  }

  void EndInRecord(std::string text) {
    const std::vector<std::string>& stack = Stack();
    LogRecord& record = log.records.back();
    const std::string& child = stack[kRecord];
    const bool site = child == "SiteOfActivity" && !record.sites.empty();
    const bool employer = child == "Employer" && !record.employers.empty();
    if (stack.size() == kRecord + 1) {
      // PhysicalAddressResult, MailingAddressMessage, ...
      if (LogAddressCheck* check = CheckOf(child)) {
        if (child.ends_with("AddressResult")) check->result = std::move(text);
        if (child.ends_with("AddressMessage")) check->message = std::move(text);
      }
    } else if (stack.size() == kRecord + 2) {
      const std::string& name = stack[kRecord + 1];
      if (!site && !employer) {
        SetAddressField(AddressOf(CheckOf(child), child), name, std::move(text));
      } else if (name == "AddressResult") {
        CheckOf(child)->result = std::move(text);
      } else if (name == "AddressMessage") {
        CheckOf(child)->message = std::move(text);
      } else if (site && name == "SiteId") {
        record.sites.back().site_id = std::move(text);
      } else if (site && name == "SiteName") {
        record.sites.back().site_name = std::move(text);
      } else if (employer && name == "EmployerName") {
        record.employers.back().employer_name = std::move(text);
      } else if (employer && name == "StartDate") {
        record.employers.back().start_date = std::move(text);
      }
    } else if (site || employer) {  // three below the Record
      const std::string& name = stack[kRecord + 1];
      const std::string& field = stack[kRecord + 2];
      if (site && name == "Phase" && !record.sites.back().phases.empty()) {
        LogPhase& phase = record.sites.back().phases.back();
        if (field == "PhaseId") phase.phase_id = std::move(text);
        if (field == "PhaseName") phase.phase_name = std::move(text);
      } else {
        SetAddressField(AddressOf(CheckOf(child), name), field, std::move(text));
      }
    }
  }

  // True when the current element is /TransactionLog/<below...>.
  bool At(std::initializer_list<std::string_view> below) const {
    const std::vector<std::string>& stack = Stack();
    if (stack.size() != below.size() + 1 || stack[0] != "TransactionLog") return false;
    size_t i = 1;
    for (std::string_view name : below) {
      if (stack[i++] != name) return false;
    }
    return true;
  }

  void ParseCount(const std::string& text, int* out) {
    if (!absl::SimpleAtoi(text, out)) {
      AddErrorHere(absl::StrCat("record count '", text, "' is not an integer"));
    }
  }

  std::string text_;
};

void AddStage(DomBuilder& dom, DOMElement* element, const LogStage& stage) {
  dom.SetAttribute(element, "resultCode", stage.result_code);
  dom.SetAttribute(element, "dateTimeStamp", stage.timestamp);
}

// USAddrDoctorResponseType: Address1, Address2?, City?, State?, PostalCode.
void AddAddress(DomBuilder& dom, DOMElement* parent, std::string_view name,
                const std::optional<LogAddress>& address) {
  if (!address) return;
  DOMElement* element = dom.Add(parent, name);
  dom.AddText(element, "Address1", address->address1);
  dom.AddOptional(element, "Address2", address->address2);
  dom.AddOptional(element, "City", address->city);
  dom.AddOptional(element, "State", address->state);
  dom.AddText(element, "PostalCode", address->postal_code);
}

// The four optional elements of an address check, named with `prefix` ("" for a site or an
// employer, "Physical" / "Mailing" directly under the Record).
void AddAddressCheck(DomBuilder& dom, DOMElement* parent, std::string_view prefix,
                     const LogAddressCheck& check) {
  AddAddress(dom, parent, std::string(prefix) + "ProvidedAddress", check.provided);
  AddAddress(dom, parent, std::string(prefix) + "CorrectedAddress", check.corrected);
  dom.AddOptional(parent, std::string(prefix) + "AddressResult", check.result);
  dom.AddOptional(parent, std::string(prefix) + "AddressMessage", check.message);
}

void AddSite(DomBuilder& dom, DOMElement* record, const LogSite& site) {
  DOMElement* element = dom.Add(record, "SiteOfActivity");
  AddAddressCheck(dom, element, "", site.address);
  dom.AddOptional(element, "SiteId", site.site_id);
  dom.AddOptional(element, "SiteName", site.site_name);
  for (const LogPhase& phase : site.phases) {
    DOMElement* p = dom.Add(element, "Phase");
    dom.AddText(p, "PhaseId", phase.phase_id);
    dom.AddText(p, "PhaseName", phase.phase_name);
  }
}

void AddEmployer(DomBuilder& dom, DOMElement* record, const LogEmployer& employer) {
  DOMElement* element = dom.Add(record, "Employer");
  // EmployerLogType's sequence is optional as a whole and starts with the two required
  // elements: without a name nothing else can be written.
  if (employer.employer_name.empty()) return;
  dom.AddText(element, "EmployerName", employer.employer_name);
  dom.AddText(element, "StartDate", employer.start_date);
  AddAddressCheck(dom, element, "", employer.address);
}

void AddRecord(DomBuilder& dom, DOMElement* process, const LogRecord& record) {
  DOMElement* element = dom.Add(process, "Record");
  if (!record.sevis_id.empty()) dom.SetAttribute(element, "sevisID", record.sevis_id);
  if (!record.user_id.empty()) dom.SetAttribute(element, "userID", record.user_id);
  dom.SetAttribute(element, "requestID", record.request_id);
  dom.AddOptional(element, "UserDefinedA", record.user_defined_a);
  dom.AddOptional(element, "UserDefinedB", record.user_defined_b);
  dom.AddText(element, "ProcessDate", record.process_date);
  DOMElement* result = dom.Add(element, "Result");
  dom.SetAttribute(result, "status", record.success ? "true" : "false");
  // ErrorCode and ErrorMessage come as a pair (ResultType sequence); the message may not be
  // empty, so a code without text repeats the code.
  if (!record.error_code.empty()) {
    dom.AddText(result, "ErrorCode", record.error_code);
    dom.AddText(result, "ErrorMessage",
                record.error_message.empty() ? record.error_code : record.error_message);
  }
  for (const LogSite& site : record.sites) AddSite(dom, element, site);
  for (const LogDependent& dependent : record.dependents) {
    DOMElement* dep = dom.Add(element, "Dependent");
    if (!dependent.dependent_sevis_id.empty()) {
      dom.SetAttribute(dep, "dependentSevisID", dependent.dependent_sevis_id);
    }
    dom.AddOptional(dep, "UserDefinedA", dependent.user_defined_a);
    dom.AddOptional(dep, "UserDefinedB", dependent.user_defined_b);
  }
  for (const LogEmployer& employer : record.employers) AddEmployer(dom, element, employer);
  AddAddressCheck(dom, element, "Physical", record.physical_address);
  AddAddressCheck(dom, element, "Mailing", record.mailing_address);
}

}  // namespace

absl::StatusOr<TransactionLog> ParseTransactionLog(std::string_view xml,
                                                   const SchemaValidator* validator) {
  if (validator != nullptr) {
    std::vector<XmlError> errors = validator->Validate(xml);
    if (!errors.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("transaction log is not schema-valid:\n", FormatErrors(errors)));
    }
  }
  LogHandler handler;
  internal::ParseSecure(xml, /*pool=*/nullptr, handler);
  if (!handler.Errors().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("transaction log cannot be read:\n", FormatErrors(handler.Errors())));
  }
  return std::move(handler.log);
}

std::string WriteTransactionLog(const TransactionLog& log) {
  try {
    DomBuilder dom("TransactionLog");
    DOMElement* root = dom.root();
    DOMElement* header = dom.Add(root, "BatchHeader");
    dom.AddText(header, "BatchID", log.batch_id);
    dom.AddText(header, "OrgID", log.org_id);
    DOMElement* detail = dom.Add(root, "BatchDetail");
    dom.SetAttribute(detail, "status", log.status ? "true" : "false");
    if (!log.system.empty()) dom.SetAttribute(detail, "system", log.system);
    if (log.upload) {
      DOMElement* upload = dom.Add(detail, "Upload");
      AddStage(dom, upload, *log.upload);
      dom.AddOptional(upload, "FileName", log.upload_file_name);
    }
    if (log.process) {
      DOMElement* process = dom.Add(detail, "Process");
      AddStage(dom, process, *log.process);
      // RecordCount and Record+ form one optional sequence: counts only with records.
      if (!log.records.empty()) {
        DOMElement* counts = dom.Add(process, "RecordCount");
        dom.AddText(counts, "Success", std::to_string(log.success_count));
        dom.AddText(counts, "Failure", std::to_string(log.failure_count));
        dom.AddText(counts, "Total", std::to_string(log.success_count + log.failure_count));
        for (const LogRecord& record : log.records) AddRecord(dom, process, record);
      }
    }
    if (log.download_result_code) {
      DOMElement* download = dom.Add(detail, "Download");
      dom.SetAttribute(download, "resultCode", *log.download_result_code);
    }
    std::string error;
    return dom.Serialize(&error);
  } catch (const xercesc::XMLException&) {
    return std::string();  // a value that is not valid UTF-8
  } catch (const xercesc::DOMException&) {
    return std::string();
  } catch (const xercesc::OutOfMemoryException&) {
    return std::string();
  }
}

}  // namespace sevisflow::sevisxml
