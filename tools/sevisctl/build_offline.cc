#include "build_offline.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "sevisflow/batching/planner.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/rules/events.h"

namespace sevisflow::sevisctl {
namespace {

namespace fs = std::filesystem;

// (This Abseil has its own string_view: the std::string_view helpers are local.)
std::string_view StripWs(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Trim(std::string_view s) { return std::string(StripWs(s)); }

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// Calls `fn(line_number, line)` for every line that is not blank (1-based; "\r\n" accepted).
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (StripWs(line).empty()) continue;
    if (line.ends_with('\r')) line.remove_suffix(1);
    fn(number, line);
  }
}

// The validator's message without the offending value: Xerces quotes it after "value"
// ("value 'Q' not in enumeration") and it may be a name or a birth date. The element path and
// the rest of the message (facets, lengths, element names) say what is wrong.
std::string WithoutValues(const std::string& message) {
  constexpr std::string_view kValue = "alue '";  // after 'v' or 'V'
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    const bool quoted_value = (message[i] == 'v' || message[i] == 'V') &&
                              message.compare(i + 1, kValue.size(), kValue) == 0;
    // The closing quote is followed by a blank, punctuation or the end (a name may hold one).
    size_t close = std::string::npos;
    for (size_t j = i + 1 + kValue.size(); quoted_value && j < message.size(); ++j) {
      if (message[j] == '\'' && (j + 1 == message.size() || message[j + 1] == ' ' ||
                                 message[j + 1] == ',' || message[j + 1] == '.')) {
        close = j;
        break;
      }
    }
    if (close == std::string::npos) {
      out += message[i++];
      continue;
    }
    out += message.substr(i, 1 + kValue.size()) + "...'";
    i = close + 1;
  }
  return out;
}

std::string Records(size_t n) { return std::to_string(n) + (n == 1 ? " record" : " records"); }

// The document's family as printed: "FM" or "J".
std::string FamilyText(v1::VisaFamily family) {
  return family == v1::VISA_FAMILY_J ? "J" : family == v1::VISA_FAMILY_FM ? "FM" : "?";
}

// Writes `content` to `path` through a temporary file and a rename, so a reader (or a crash)
// never sees half a document.
absl::Status WriteFileAtomically(const fs::path& path, const std::string& content) {
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) return absl::InternalError("cannot write " + temporary.string());
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return absl::InternalError("cannot write " + path.string());
  }
  return absl::OkStatus();
}

struct Checked {
  std::string org;
  std::string xsd_dir;
  std::vector<std::string> batch_ids;  // one per planned document, in order
};

// Every flag checked, and the batch IDs the run will use, before anything is read or written.
// Errors are appended to `errors` ("--flag: reason").
Checked CheckFlags(const BuildFlags& flags, const LoadedAlerts& loaded,
                   std::vector<InputError>& errors) {
  Checked checked;
  auto flag_error = [&errors](const char* flag, const std::string& reason) {
    errors.push_back({flag, 0, reason});
  };
  checked.org = Trim(flags.org);
  if (checked.org.empty()) flag_error("--org", "required");
  if (absl::Status s = batching::CheckUserId(flags.user); !s.ok()) {
    flag_error("--user", Message(s));
  }
  if (absl::Status s = batching::CheckBatchIdPrefix(flags.batch_prefix); !s.ok()) {
    flag_error("--batch-prefix", Message(s));
  }
  if (flags.first_sequence < 1) flag_error("--first-sequence", "must be at least 1");
  if (flags.max_per_section < 1 || flags.max_per_section > batching::kMaxRecordsPerSection) {
    flag_error("--max-per-section",
               "must be between 1 and " + std::to_string(batching::kMaxRecordsPerSection));
  }
  if (Trim(flags.out).empty()) flag_error("--out", "required");
  std::error_code ec;
  if (fs::exists(flags.out, ec) && !fs::is_directory(flags.out, ec)) {
    flag_error("--out", flags.out + " exists and is not a folder");
  }
  checked.xsd_dir = flags.xsd_dir.empty() ? common::DefaultXsdDir() : flags.xsd_dir;
  if (!errors.empty() || !loaded.errors.empty()) return checked;
  if (loaded.alerts.empty() && loaded.other_orgs > 0) {
    flag_error("--org", "no alert of " + checked.org + " in " + flags.alerts + " (it holds " +
                            std::to_string(loaded.other_orgs) +
                            " alerts of other organisations)");
    return checked;
  }
  // BuildBatches asks for one ID per planned document (both schemas are loaded): the IDs are
  // known now, so a name already taken in the folder refuses the run before anything is written.
  const batching::Plan plan = batching::PlanDocuments(loaded.alerts, flags.max_per_section);
  for (size_t i = 0; i < plan.documents.size(); ++i) {
    absl::StatusOr<std::string> id =
        batching::FormatBatchId(flags.batch_prefix, flags.first_sequence + static_cast<int64_t>(i));
    if (!id.ok()) {
      flag_error("--first-sequence", Message(id.status()));
      return checked;
    }
    for (const char* suffix : {".xml", ".records.json"}) {
      const fs::path path = fs::path(flags.out) / (*id + suffix);
      if (fs::exists(path, ec)) {
        flag_error("--out", path.string() +
                                " already exists (batch IDs are unique for ever: pick another "
                                "--first-sequence or --batch-prefix, or another folder)");
      }
    }
    checked.batch_ids.push_back(*std::move(id));
  }
  return checked;
}

}  // namespace

LoadedAlerts ParseAlerts(std::string_view file, std::string_view text, std::string_view org) {
  LoadedAlerts out;
  const std::string file_name(file);
  const std::string wanted = Trim(org);
  std::map<std::string, int> line_of_id;
  ForEachLine(text, [&](int line, std::string_view json) {
    v1::Alert alert;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(json.data(), json.size()), &alert, options);
    if (!status.ok()) {
      out.errors.push_back(
          {file_name, line,
           DescribeJsonError(std::string_view(status.message().data(), status.message().size()))});
      return;
    }
    bool complete = true;
    const std::string id = Trim(alert.alert_id());
    if (id.empty()) {
      out.errors.push_back({file_name, line, "alert_id: required"});
      complete = false;
    }
    if (Trim(alert.org_id()).empty()) {
      out.errors.push_back({file_name, line, "org_id: required"});
      complete = false;
    }
    if (!complete) return;
    auto [it, inserted] = line_of_id.emplace(id, line);
    if (!inserted) {
      out.errors.push_back({file_name, line,
                            "alert_id: also on line " + std::to_string(it->second) +
                                " (a requestID must be unique)"});
      return;
    }
    if (Trim(alert.org_id()) != wanted) {
      ++out.other_orgs;
      return;
    }
    out.alerts.push_back(std::move(alert));
    out.lines.push_back(line);
  });
  return out;
}

std::string RecordsJson(const batching::BuiltDocument& document, const std::string& org_id,
                        const std::string& user_id) {
  v1::BatchDocument records = batching::MakeBatchDocument(
      document.batch_id, org_id, user_id, document.family, /*xml=*/"", document.alerts,
      /*created_at=*/"");
  for (v1::BatchRecord& record : *records.mutable_records()) record.clear_alert();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(records, &json, options).ok()) return "";
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

int RunBuild(const BuildFlags& flags, std::istream& in, std::ostream& out_stream,
             std::ostream& err) {
  // 1. Read and check everything; a problem refuses the run before anything is written.
  const std::string file_name = flags.alerts == "-" ? "<stdin>" : flags.alerts;
  std::string text;
  std::vector<InputError> errors;
  if (Trim(flags.alerts).empty()) {
    errors.push_back({"--alerts", 0, "required"});
  } else if (flags.alerts == "-") {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  } else {
    std::error_code ec;
    std::ifstream file(flags.alerts, std::ios::binary);
    if (fs::is_directory(flags.alerts, ec) || !file) {
      errors.push_back({file_name, 0, "cannot read the file"});
    } else {
      std::ostringstream buffer;
      buffer << file.rdbuf();
      text = buffer.str();
    }
  }
  LoadedAlerts loaded = ParseAlerts(file_name, text, flags.org);
  Checked checked = CheckFlags(flags, loaded, errors);
  errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  if (!errors.empty()) {
    err << FormatErrors(errors);
    return kBuildBadInput;
  }
  if (loaded.alerts.empty()) {
    err << "no alerts in " << file_name << ": nothing to build\n";
    return kBuildOk;
  }
  absl::StatusOr<batching::LoadedValidators> validators =
      batching::LoadValidators(checked.xsd_dir);
  if (!validators.ok()) {
    err << "--xsd-dir: " << validators.status().message() << "\n";
    return kBuildBadInput;
  }
  std::error_code ec;
  fs::create_directories(flags.out, ec);
  if (ec) {
    err << "--out: cannot create " << flags.out << ": " << ec.message() << "\n";
    return kBuildFailed;
  }

  // 2. Close the batch as the builder does; each valid document is written when it is ready.
  batching::BuildOptions options;
  options.org_id = checked.org;
  options.user_id = flags.user;
  options.max_records_per_section = flags.max_per_section;
  size_t next = 0;
  const batching::NextBatchId next_batch_id = [&]() -> absl::StatusOr<std::string> {
    if (next >= checked.batch_ids.size()) {
      return absl::InternalError("more documents than planned");
    }
    return checked.batch_ids[next++];
  };
  const batching::DocumentSink sink = [&](batching::BuiltDocument document) -> absl::Status {
    const fs::path xml_path = fs::path(flags.out) / (document.batch_id + ".xml");
    const fs::path records_path = fs::path(flags.out) / (document.batch_id + ".records.json");
    const std::string records = RecordsJson(document, checked.org, flags.user);
    if (records.empty()) {
      return absl::InternalError("cannot print the records of " + document.batch_id + " as JSON");
    }
    if (absl::Status s = WriteFileAtomically(xml_path, document.xml); !s.ok()) return s;
    if (absl::Status s = WriteFileAtomically(records_path, records); !s.ok()) return s;
    out_stream << document.batch_id << "\t" << FamilyText(document.family) << "\t"
               << Records(document.alerts.size()) << "\t" << xml_path.string() << "\n";
    out_stream.flush();
    return absl::OkStatus();
  };
  absl::StatusOr<batching::BuildResult> result = batching::BuildBatches(
      loaded.alerts, options, validators->view(), next_batch_id, sink);
  if (!result.ok()) {
    err << "build stopped: " << result.status().message() << "\n";
    return kBuildFailed;
  }

  // 3. What did not go into a document, by input line (the alert id names it, no person data).
  std::map<std::string, int> line_of;
  for (size_t i = 0; i < loaded.alerts.size(); ++i) {
    line_of[loaded.alerts[i].alert_id()] = loaded.lines[i];
  }
  auto where = [&](const v1::Alert& alert) {
    return file_name + ":" + std::to_string(line_of[alert.alert_id()]) + ": alert " +
           alert.alert_id() + " (" + rules::EventCode(alert.event_type()) + ")";
  };
  for (const batching::ReturnedAlert& returned : result->returned) {
    for (const v1::ValidationIssue& issue : returned.issues) {
      err << where(returned.alert) << " returned: " << issue.code() << ": " << issue.field()
          << ": " << WithoutValues(issue.message()) << "\n";
    }
  }
  for (const batching::Unplanned& unplanned : result->unplanned) {
    err << where(loaded.alerts[unplanned.alert_index]) << " not planned: " << unplanned.reason
        << "\n";
  }
  err << result->documents << (result->documents == 1 ? " document, " : " documents, ")
      << Records(static_cast<size_t>(result->records));
  if (!result->returned.empty()) err << "; " << result->returned.size() << " returned";
  if (!result->unplanned.empty()) err << "; " << result->unplanned.size() << " not planned";
  if (loaded.other_orgs > 0) {
    err << "; " << loaded.other_orgs << " alerts of other organisations skipped";
  }
  err << "\n";
  return result->returned.empty() && result->unplanned.empty() ? kBuildOk : kBuildIncomplete;
}

}  // namespace sevisflow::sevisctl
