#include "review_format.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <sstream>

#include "sevisflow/rules/events.h"

namespace sevisflow::sevisctl {
namespace {

std::string WithoutPrefix(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string EventText(v1::EventType type) { return rules::EventCode(type); }

// "  key: value\n" for a non-empty value.
void Field(std::ostringstream& out, const char* key, const std::string& value) {
  if (!value.empty()) out << key << ": " << value << "\n";
}

// Every line of `text` indented by two spaces.
std::string Indent(const std::string& text) {
  std::string out;
  bool at_line_start = true;
  for (char c : text) {
    if (at_line_start && c != '\n') out += "  ";
    out += c;
    at_line_start = c == '\n';
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

std::string IssueRows(const google::protobuf::RepeatedPtrField<v1::ValidationIssue>& issues) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::ValidationIssue& issue : issues) {
    rows.push_back({OrDash(issue.code()), OrDash(issue.field()), issue.message()});
  }
  return Indent(FormatTable({"CODE", "FIELD", "MESSAGE"}, rows));
}

}  // namespace

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto cell = [](const std::vector<std::string>& row, size_t i) -> std::string {
    return i < row.size() && !row[i].empty() ? row[i] : "-";
  };
  for (size_t i = 0; i < header.size(); ++i) widths[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < header.size(); ++i) widths[i] = std::max(widths[i], cell(row, i).size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row, bool is_header) {
    std::string text;
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string value = is_header ? header[i] : cell(row, i);
      text += value;
      if (i + 1 < header.size()) text += std::string(widths[i] - value.size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  line(header, true);
  for (const auto& row : rows) line(row, false);
  return out;
}

std::string StateName(v1::AlertState state) {
  return WithoutPrefix(v1::AlertState_Name(state), "ALERT_STATE_");
}

std::string FamilyName(v1::VisaFamily family) {
  return WithoutPrefix(v1::VisaFamily_Name(family), "VISA_FAMILY_");
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "";
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

std::string FormatWhoAmI(const v1::WhoAmIResponse& response) {
  std::ostringstream out;
  out << "dso: " << response.dso() << "\n";
  std::vector<std::string> orgs(response.org_ids().begin(), response.org_ids().end());
  std::sort(orgs.begin(), orgs.end());
  std::vector<std::vector<std::string>> rows;
  for (const std::string& org : orgs) {
    auto user = response.sevis_user_ids().find(org);
    rows.push_back({org, user == response.sevis_user_ids().end() ? "-" : user->second});
  }
  out << FormatTable({"ORG", "SEVIS_USER_ID"}, rows);
  return out.str();
}

std::string FormatAlertList(const v1::ListAlertsResponse& response) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::ReviewAlert& review : response.alerts()) {
    const v1::Alert& alert = review.alert();
    const int issues = alert.issues_size() + review.review_issues_size();
    rows.push_back({alert.alert_id(), StateName(review.state()), EventText(alert.event_type()),
                    alert.person_id(), alert.subject(), alert.detected_at(),
                    issues == 0 ? "-" : std::to_string(issues)});
  }
  std::string out =
      FormatTable({"ALERT", "STATE", "EVENT", "PERSON", "SUBJECT", "DETECTED", "ISSUES"}, rows);
  out += std::to_string(response.alerts_size()) +
         (response.alerts_size() == 1 ? " alert\n" : " alerts\n");
  return out;
}

std::string FormatAlertDetail(const v1::ReviewAlert& review) {
  const v1::Alert& alert = review.alert();
  std::ostringstream out;
  out << "alert: " << alert.alert_id() << "\n";
  out << "state: " << StateName(review.state()) << "\n";
  const rules::EventInfo* info = rules::FindEvent(alert.event_type());
  out << "event: " << EventText(alert.event_type());
  if (info != nullptr) out << " (" << info->rule_book_name << ")";
  out << "\n";
  Field(out, "org", alert.org_id());
  Field(out, "person", alert.person_id());
  if (alert.visa_family() != v1::VISA_FAMILY_UNSPECIFIED) {
    Field(out, "family", FamilyName(alert.visa_family()));
  }
  Field(out, "subject", alert.subject());
  Field(out, "sevis_id", alert.sevis_id());
  Field(out, "detected_at", alert.detected_at());
  if (alert.manual()) out << "manual: yes\n";
  Field(out, "batch", review.batch_id());
  Field(out, "reject_reason", review.reject_reason());
  Field(out, "superseded_by", review.superseded_by());
  Field(out, "held_by_batch", review.held_by_batch());
  if (!review.updated_at().empty() || !review.updated_by().empty()) {
    out << "updated: " << OrDash(review.updated_at()) << " by " << OrDash(review.updated_by())
        << "\n";
  }
  const google::protobuf::OneofDescriptor* data = v1::Alert::descriptor()->FindOneofByName("data");
  const google::protobuf::FieldDescriptor* set =
      data == nullptr ? nullptr : alert.GetReflection()->GetOneofFieldDescriptor(alert, data);
  if (set == nullptr) {
    out << "data: none\n";
  } else {
    out << "data (" << set->name() << "):\n"
        << Indent(ToJson(alert.GetReflection()->GetMessage(alert, set)));
  }
  if (alert.changes_size() > 0) {
    std::vector<std::vector<std::string>> rows;
    for (const v1::FieldChange& change : alert.changes()) {
      rows.push_back({change.field(), change.sevis_value(), change.sis_value()});
    }
    out << "changes:\n" << Indent(FormatTable({"FIELD", "SEVIS", "SIS"}, rows));
  }
  if (alert.issues_size() > 0) out << "issues:\n" << IssueRows(alert.issues());
  if (review.review_issues_size() > 0) {
    out << "review issues:\n" << IssueRows(review.review_issues());
  }
  return out.str();
}

std::string FormatChanged(int changed, const std::string& verb,
                          const google::protobuf::RepeatedPtrField<std::string>& refused,
                          const google::protobuf::RepeatedPtrField<std::string>& reasons) {
  std::string out = std::to_string(changed) + " " + verb + "\n";
  for (int i = 0; i < refused.size(); ++i) {
    out += "refused " + refused[i];
    if (i < reasons.size() && !reasons[i].empty()) out += ": " + reasons[i];
    out += "\n";
  }
  return out;
}

std::string FormatCloseBatch(const v1::CloseBatchResponse& response) {
  std::string out;
  for (const std::string& id : response.batch_ids()) out += "batch " + id + "\n";
  out += std::to_string(response.batch_ids_size()) +
         (response.batch_ids_size() == 1 ? " batch, " : " batches, ") +
         std::to_string(response.records()) + " records";
  if (response.returned_to_review() > 0) {
    out += ", " + std::to_string(response.returned_to_review()) +
           " returned to review (see `alerts list --errors with`)";
  }
  return out + "\n";
}

std::string FormatBatchList(const v1::ListBatchesResponse& response) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::BatchSummary& batch : response.batches()) {
    rows.push_back({batch.batch_id(),
                    batch.visa_family() == v1::VISA_FAMILY_UNSPECIFIED
                        ? ""
                        : FamilyName(batch.visa_family()),
                    batch.state(), std::to_string(batch.records()), batch.created_at(),
                    batch.user_id(), batch.closed_by()});
  }
  return FormatTable({"BATCH", "FAMILY", "STATE", "RECORDS", "CREATED", "USER", "CLOSED_BY"},
                     rows);
}

std::string FormatSupplemental(const v1::SupplementalData& data) {
  std::ostringstream out;
  out << "supplemental data of " << data.person_id() << " at " << data.org_id() << ": version "
      << data.version() << ", updated " << OrDash(data.updated_at()) << " by "
      << OrDash(data.updated_by()) << "\n";
  v1::SupplementalData values = data;
  values.clear_org_id();
  values.clear_person_id();
  values.clear_updated_by();
  values.clear_updated_at();
  values.clear_version();
  out << ToJson(values);
  return out.str();
}

std::string FormatAudit(const v1::QueryAuditResponse& response) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::AuditEntry& entry : response.entries()) {
    rows.push_back({entry.at(), entry.actor(), entry.action(), entry.person_id(),
                    entry.alert_id(), entry.batch_id(),
                    entry.event_type() == v1::EVENT_TYPE_UNSPECIFIED
                        ? ""
                        : EventText(entry.event_type()),
                    entry.detail()});
  }
  std::string out = FormatTable(
      {"AT", "ACTOR", "ACTION", "PERSON", "ALERT", "BATCH", "EVENT", "DETAIL"}, rows);
  out += std::to_string(response.entries_size()) +
         (response.entries_size() == 1 ? " entry\n" : " entries\n");
  return out;
}

}  // namespace sevisflow::sevisctl
