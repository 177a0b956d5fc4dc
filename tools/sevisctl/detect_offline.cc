#include "detect_offline.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/common/config.h"
#include "sevisflow/common/service_config.h"
#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/j_context.h"
#include "sevisflow/rules/run_control.h"

namespace sevisflow::sevisctl {
namespace {

// (This Abseil is built with its own string_view: std::string_view helpers are local.)
std::string_view StripWs(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Trim(std::string_view s) { return std::string(StripWs(s)); }

std::vector<std::string_view> Split(std::string_view text, std::string_view separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + separator.size());
  }
}

bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return false;
  *out = buffer.str();
  return true;
}

InputError CannotRead(const std::string& path) {
  return InputError{path, 0, "cannot read the file"};
}

// Calls `fn(line_number, line)` for every line that is not blank (1-based; "\r\n" accepted).
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  int number = 0;
  for (std::string_view line : Split(text, "\n")) {
    ++number;
    if (StripWs(line).empty()) continue;
    if (line.ends_with('\r')) line.remove_suffix(1);
    fn(number, line);
  }
}

// Protobuf JSON, unknown fields refused (a misspelt field must not be silently dropped).
template <typename Message>
bool ParseJson(std::string_view json, Message* message, std::string* error) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return true;
  *error = DescribeJsonError(std::string_view(status.message().data(), status.message().size()));
  return false;
}

// Replaces every "..." of a parser message (it may quote the input) by "...".
std::string WithoutQuotedText(std::string_view s) {
  std::string out;
  bool quoted = false;
  for (char c : s) {
    if (c == '"') {
      if (!quoted) out += "\"...\"";
      quoted = !quoted;
      continue;
    }
    if (!quoted) out += c;
  }
  return out;
}

// The reason for "invalid value <v> for type <t>", without <v>.
std::string InvalidValueReason(std::string_view type) {
  if (type == "TYPE_STRING") return "expected a string";
  if (type == "TYPE_BOOL") return "expected true or false";
  if (type == "TYPE_INT32" || type == "TYPE_INT64" || type == "TYPE_UINT32" ||
      type == "TYPE_UINT64" || type == "TYPE_SINT32" || type == "TYPE_SINT64") {
    return "expected an integer";
  }
  if (type == "TYPE_DOUBLE" || type == "TYPE_FLOAT") return "expected a number";
  constexpr std::string_view kTypeUrl = "type.googleapis.com/";
  if (ConsumePrefix(&type, kTypeUrl)) return "not a value of " + std::string(type);
  return "invalid value for " + std::string(type);
}

// One JSON value of a larger text and the line it starts on.
struct JsonValueText {
  std::string_view text;
  int line = 0;
};

// Splits `text` (starting on line `line`) into its top-level JSON values, separated by white
// space, or by commas when `commas` (the inside of an array). Only brackets and strings are
// followed; each value is then parsed by protobuf. On failure `error` holds the reason and
// `error_line` where it was found.
bool SplitJsonValues(std::string_view text, int line, bool commas,
                     std::vector<JsonValueText>* values, std::string* error, int* error_line) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      if (text[i] == '\n') ++line;
      ++i;
    }
  };
  while (true) {
    skip_space();
    if (i == text.size()) return true;
    if (commas && !values->empty()) {
      if (text[i] != ',') {
        *error = "invalid JSON: expected ',' between array elements";
        *error_line = line;
        return false;
      }
      ++i;
      skip_space();
      if (i == text.size()) {
        *error = "invalid JSON: ',' after the last array element";
        *error_line = line;
        return false;
      }
    }
    const size_t start = i;
    const int start_line = line;
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (!in_string && depth == 0 &&
          (std::isspace(static_cast<unsigned char>(c)) || (commas && c == ','))) {
        break;  // the end of a bare token (left to skip_space, which counts the line)
      }
      if (c == '\n') ++line;
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) {
            ++i;
            break;
          }
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;  // a stray closer: left to the JSON parser as its own value
        if (--depth == 0) {
          ++i;
          break;
        }
      }
    }
    if (i == start) ++i;  // a stray closer becomes a one-character value
    if (in_string || depth > 0) {
      *error = "invalid JSON: value not terminated";
      *error_line = start_line;
      return false;
    }
    values->push_back(JsonValueText{text.substr(start, i - start), start_line});
  }
}

// The line of a top-level YAML key (e.g. "dummy_first_name: FNU"), 0 when not found.
int YamlKeyLine(std::string_view yaml, std::string_view key) {
  const std::string_view top = key.substr(0, key.find('.'));
  int number = 0;
  for (std::string_view line : Split(yaml, "\n")) {
    ++number;
    if (line.starts_with(top) && line.size() > top.size()) {
      if (StripWs(line.substr(top.size())).starts_with(':')) return number;
    }
  }
  return 0;
}

}  // namespace

std::string InputError::ToString() const {
  if (line <= 0) return absl::StrCat(file, ": ", message);
  return absl::StrCat(file, ":", line, ": ", message);
}

std::string FormatErrors(const std::vector<InputError>& errors, size_t max_shown) {
  std::string out;
  for (size_t i = 0; i < errors.size() && i < max_shown; ++i) {
    absl::StrAppend(&out, errors[i].ToString(), "\n");
  }
  if (errors.size() > max_shown) {
    absl::StrAppend(&out, "... ", errors.size() - max_shown, " more\n");
  }
  return out;
}

std::string DescribeJsonError(std::string_view parser_message) {
  // Protobuf 3.x adds the input around a syntax error on the following lines: drop them.
  std::string_view first = parser_message.substr(0, parser_message.find('\n'));
  first = StripWs(first);
  // "<field>: Cannot find field." or "(<parent path>) <field>: Cannot find field."
  constexpr std::string_view kUnknown = ": Cannot find field.";
  if (first.ends_with(kUnknown)) {
    std::string_view name = first.substr(0, first.size() - kUnknown.size());
    std::string parent;
    if (name.starts_with('(')) {
      const size_t close = name.find(") ");
      if (close != std::string_view::npos) {
        parent = std::string(name.substr(1, close - 1));
        name = name.substr(close + 2);
      }
    }
    return parent + (parent.empty() ? "" : ".") + std::string(name) + ": unknown field";
  }
  // "(<path>): invalid value <value> for type <type>" (the value may be personal data).
  if (first.starts_with('(')) {
    const size_t close = first.find("): ");
    if (close != std::string_view::npos) {
      const std::string_view path = first.substr(1, close - 1);
      const std::string_view reason = first.substr(close + 3);
      constexpr std::string_view kForType = " for type ";
      const size_t for_type = reason.rfind(kForType);
      if (reason.starts_with("invalid value ") && for_type != std::string_view::npos) {
        return std::string(path) + ": " +
               InvalidValueReason(reason.substr(for_type + kForType.size()));
      }
      return std::string(path) + ": " + WithoutQuotedText(reason);
    }
  }
  ConsumePrefix(&first, ": ");
  if (first.ends_with('.')) first.remove_suffix(1);
  if (first.empty()) return "invalid JSON";
  return "invalid JSON: " + WithoutQuotedText(first);
}

// --- Snapshots ---------------------------------------------------------------------------

LoadedSnapshots ParseSnapshots(std::string_view file, std::string_view text) {
  LoadedSnapshots out;
  struct Kept {
    size_t index;  // into out.snapshots
    int line;
    int tie_line = 0;  // a later line with the same version and other content
  };
  std::map<std::string, Kept> by_person;
  const std::string file_name(file);
  ForEachLine(text, [&](int line, std::string_view json) {
    v1::SisPersonSnapshot snapshot;
    std::string error;
    if (!ParseJson(json, &snapshot, &error)) {
      out.errors.push_back({file_name, line, error});
      return;
    }
    const std::string person = Trim(snapshot.person_id());
    if (person.empty()) {
      out.errors.push_back({file_name, line, "person_id: required"});
      return;
    }
    auto [it, inserted] = by_person.emplace(person, Kept{out.snapshots.size(), line});
    if (inserted) {
      out.snapshots.push_back(std::move(snapshot));
      return;
    }
    // "version: monotonic per person; an older version is ignored" (sis_person.proto).
    Kept& kept = it->second;
    v1::SisPersonSnapshot& current = out.snapshots[kept.index];
    if (snapshot.version() > current.version()) {
      current = std::move(snapshot);
      kept.line = line;
      kept.tie_line = 0;
    } else if (snapshot.version() == current.version() && kept.tie_line == 0 &&
               !google::protobuf::util::MessageDifferencer::Equals(snapshot, current)) {
      kept.tie_line = line;
    }
  });
  // Two different pictures of a person at the highest version: which one is right is unknown.
  for (const auto& [person, kept] : by_person) {
    if (kept.tie_line == 0) continue;
    out.errors.push_back({file_name, kept.tie_line,
                          absl::StrCat("version: same person_id and version as line ", kept.line,
                                       " but other content")});
  }
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const InputError& a, const InputError& b) { return a.line < b.line; });
  std::sort(out.snapshots.begin(), out.snapshots.end(),
            [](const v1::SisPersonSnapshot& a, const v1::SisPersonSnapshot& b) {
              return Trim(a.person_id()) < Trim(b.person_id());
            });
  return out;
}

LoadedSnapshots LoadSnapshots(const std::string& path) {
  std::string text;
  if (!ReadWholeFile(path, &text)) {
    LoadedSnapshots out;
    out.errors.push_back(CannotRead(path));
    return out;
  }
  return ParseSnapshots(path, text);
}

// --- SEVIS Master --------------------------------------------------------------------------

const v1::MasterRecord* MasterIndex::Find(std::string_view org, std::string_view person) const {
  auto it = records_.find({Trim(org), Trim(person)});
  if (it == records_.end() || it->second.deleted()) return nullptr;
  return &it->second;
}

void MasterIndex::Put(v1::MasterRecord record) {
  std::pair<std::string, std::string> key{Trim(record.org_id()), Trim(record.person_id())};
  records_[std::move(key)] = std::move(record);
}

LoadedMaster ParseMaster(std::string_view file, std::string_view text) {
  LoadedMaster out;
  const std::string file_name(file);
  ForEachLine(text, [&](int line, std::string_view json) {
    v1::MasterRecord record;
    std::string error;
    if (!ParseJson(json, &record, &error)) {
      out.errors.push_back({file_name, line, error});
      return;
    }
    bool complete = true;
    if (Trim(record.org_id()).empty()) {
      out.errors.push_back({file_name, line, "org_id: required"});
      complete = false;
    }
    if (Trim(record.person_id()).empty()) {
      out.errors.push_back({file_name, line, "person_id: required"});
      complete = false;
    }
    // A later line of the same key replaces the earlier one, as on the compacted topic.
    if (complete) out.master.Put(std::move(record));
  });
  return out;
}

LoadedMaster LoadMaster(const std::string& path) {
  std::string text;
  if (!ReadWholeFile(path, &text)) {
    LoadedMaster out;
    out.errors.push_back(CannotRead(path));
    return out;
  }
  return ParseMaster(path, text);
}

// --- Run controls --------------------------------------------------------------------------

LoadedRunControls ParseRunControls(std::string_view file, std::string_view text) {
  LoadedRunControls out;
  const std::string file_name(file);
  std::vector<JsonValueText> values;
  std::string error;
  int error_line = 0;
  if (!SplitJsonValues(text, 1, /*commas=*/false, &values, &error, &error_line)) {
    out.errors.push_back({file_name, error_line, error});
    return out;
  }
  // A single top-level array: its elements are the run controls.
  if (values.size() == 1 && values[0].text.starts_with('[')) {
    const JsonValueText array = values[0];
    values.clear();
    if (!array.text.ends_with(']') || array.text.size() < 2) {
      out.errors.push_back({file_name, array.line, "invalid JSON: array not terminated"});
      return out;
    }
    if (!SplitJsonValues(array.text.substr(1, array.text.size() - 2), array.line,
                         /*commas=*/true, &values, &error, &error_line)) {
      out.errors.push_back({file_name, error_line, error});
      return out;
    }
  }
  for (const JsonValueText& value : values) {
    v1::RunControl rc;
    if (!ParseJson(value.text, &rc, &error)) {
      out.errors.push_back({file_name, value.line, error});
      continue;
    }
    const std::vector<std::string> problems = rules::RunControlErrors(rc);
    for (const std::string& problem : problems) {
      out.errors.push_back({file_name, value.line, problem});
    }
    if (!problems.empty()) continue;
    const std::string org = Trim(rc.org_id());
    auto [it, inserted] = out.by_org.emplace(org, LoadedRunControl{rc, value.line});
    if (!inserted) {
      out.errors.push_back({file_name, value.line,
                            absl::StrCat("org_id: a run control for this org_id is already on "
                                         "line ",
                                         it->second.line)});
    }
  }
  return out;
}

LoadedRunControls LoadRunControls(const std::string& path) {
  std::string text;
  if (!ReadWholeFile(path, &text)) {
    LoadedRunControls out;
    out.errors.push_back(CannotRead(path));
    return out;
  }
  return ParseRunControls(path, text);
}

// --- Setup ---------------------------------------------------------------------------------

LoadedSetup ParseSetup(std::string_view file, std::string_view yaml) {
  LoadedSetup out;
  const std::string file_name(file);
  absl::StatusOr<common::ConfigReader> reader = common::ConfigReader::FromString(yaml);
  if (!reader.ok()) {
    // "config: cannot parse YAML: yaml-cpp: error at line 3, column 1: <reason>"
    const std::string text(reader.status().message());
    std::string_view message = text;
    ConsumePrefix(&message, "config: ");
    int line = 0;
    constexpr std::string_view kAt = "error at line ";
    if (const size_t at = message.find(kAt); at != std::string_view::npos) {
      std::string_view rest = message.substr(at + kAt.size());
      (void)absl::SimpleAtoi(std::string(rest.substr(0, rest.find(','))), &line);
      if (const size_t colon = rest.find(": "); colon != std::string_view::npos) {
        message = rest.substr(colon + 2);
      }
      out.errors.push_back({file_name, line, "invalid YAML: " + std::string(message)});
    } else {
      out.errors.push_back({file_name, 0, std::string(message)});
    }
    return out;
  }
  // The file alone decides: an offline run must give the same alerts wherever it runs.
  reader->SetEnvironment({});
  rules::Setup& s = out.setup;
  // The keys and checks of the detector's LoadConfig (services/detector/src/app.cc), without
  // the "detector.setup." prefix.
  s.legal_name_type = reader->String("legal_name_type", s.legal_name_type);
  s.preferred_name_type = reader->String("preferred_name_type", s.preferred_name_type);
  s.passport_name_type = reader->String("passport_name_type", s.passport_name_type);
  s.dummy_first_name = reader->String("dummy_first_name", s.dummy_first_name);
  s.us_address_type = reader->String("us_address_type", s.us_address_type);
  s.foreign_address_type = reader->String("foreign_address_type", s.foreign_address_type);
  s.major_plan_types = reader->StringList("major_plan_types", s.major_plan_types);
  s.minor_plan_types = reader->StringList("minor_plan_types", s.minor_plan_types);
  if (s.legal_name_type.empty()) reader->AddError("legal_name_type", "must not be empty");
  if (s.major_plan_types.empty()) {
    reader->AddError("major_plan_types", "at least one plan type is required");
  }
  const absl::Status status = reader->Finish();
  if (status.ok()) return out;
  // "config: <key>: <reason>; <key>: <reason>"
  const std::string text(status.message());
  std::string_view problems = text;
  ConsumePrefix(&problems, "config: ");
  for (std::string_view problem : Split(problems, "; ")) {
    const std::string_view key = problem.substr(0, problem.find(':'));
    std::string message(problem);
    if (key == "detector") {
      message += " (the file holds the keys of detector.setup at its top level)";
    }
    out.errors.push_back({file_name, YamlKeyLine(yaml, key), message});
  }
  return out;
}

LoadedSetup LoadSetup(const std::string& path) {
  if (path.empty()) return LoadedSetup{};
  std::string text;
  if (!ReadWholeFile(path, &text)) {
    LoadedSetup out;
    out.errors.push_back(CannotRead(path));
    return out;
  }
  return ParseSetup(path, text);
}

// --- Detection -----------------------------------------------------------------------------

absl::StatusOr<common::Date> ResolveToday(std::string_view flag, const common::Clock& clock) {
  if (flag.empty()) return common::Date::FromTime(clock.Now());
  std::optional<common::Date> date = common::Date::Parse(flag);
  if (!date) {
    return absl::InvalidArgumentError(
        "--today: '" + std::string(flag) + "' is not a date YYYY-MM-DD");
  }
  return *date;
}

void SortAlerts(std::vector<v1::Alert>& alerts) {
  using Key = std::tuple<const std::string&, const std::string&, int, const std::string&,
                         const std::string&>;
  auto key = [](const v1::Alert& a) {
    return Key(a.person_id(), a.org_id(), a.event_type(), a.subject(), a.alert_id());
  };
  std::sort(alerts.begin(), alerts.end(),
            [&key](const v1::Alert& a, const v1::Alert& b) { return key(a) < key(b); });
}

std::vector<v1::Alert> DetectAlerts(const std::vector<v1::SisPersonSnapshot>& snapshots,
                                    const MasterIndex& master,
                                    const std::map<std::string, LoadedRunControl>& run_controls,
                                    const rules::Setup& setup, common::Date today) {
  // Reproducible output: the run date, not the wall clock, is the detection time.
  const std::string detected_at = today.ToString() + "T00:00:00Z";
  const rules::RunControlLookup run_control =
      [&run_controls](const std::string& org) -> const v1::RunControl* {
    auto it = run_controls.find(Trim(org));
    if (it == run_controls.end()) return nullptr;
    return &it->second.run_control;
  };
  std::vector<v1::Alert> alerts;
  for (const v1::SisPersonSnapshot& snapshot : snapshots) {
    const std::string person = Trim(snapshot.person_id());
    const rules::MasterLookup lookup = [&master, &person](const std::string& org) {
      return master.Find(org, person);
    };
    for (rules::Detection& d : rules::DetectAll(snapshot, lookup, run_control, setup, today)) {
      d.alert.set_detected_at(detected_at);
      alerts.push_back(std::move(d.alert));
    }
  }
  SortAlerts(alerts);
  return alerts;
}

DetectResult DetectFiles(const DetectInputs& inputs) {
  DetectResult result;
  auto take = [&result](std::vector<InputError>& errors) {
    result.errors.insert(result.errors.end(), errors.begin(), errors.end());
  };
  LoadedSnapshots snapshots = LoadSnapshots(inputs.snapshots_path);
  take(snapshots.errors);
  LoadedMaster master;
  if (!inputs.master_path.empty()) {
    master = LoadMaster(inputs.master_path);
    take(master.errors);
  }
  LoadedRunControls run_controls;
  if (!inputs.run_control_path.empty()) {
    run_controls = LoadRunControls(inputs.run_control_path);
    take(run_controls.errors);
  }
  LoadedSetup setup = LoadSetup(inputs.setup_path);
  take(setup.errors);
  // The code lists the detector validates against (its xsd_dir + /6.55/SEVISTable.xsd).
  const std::string xsd_dir = inputs.xsd_dir.empty() ? common::DefaultXsdDir() : inputs.xsd_dir;
  absl::StatusOr<rules::CodeTables> codes =
      rules::CodeTables::Load(xsd_dir + "/6.55/SEVISTable.xsd");
  if (codes.ok()) {
    setup.setup.codes = std::make_shared<const rules::CodeTables>(std::move(*codes));
  } else {
    result.errors.push_back({"--xsd-dir", 0, std::string(codes.status().message())});
  }
  if (!result.errors.empty()) return result;

  for (const auto& [org, loaded] : run_controls.by_org) {
    for (const std::string& w : rules::RunControlWarnings(loaded.run_control, inputs.today)) {
      result.warnings.push_back({inputs.run_control_path, loaded.line, "warning: " + w});
    }
  }
  result.alerts = DetectAlerts(snapshots.snapshots, master.master, run_controls.by_org,
                               setup.setup, inputs.today);
  return result;
}

int RunDetect(const DetectFlags& flags, const common::Clock& clock, std::ostream& out,
              std::ostream& err) {
  absl::StatusOr<common::Date> today = ResolveToday(flags.today, clock);
  if (!today.ok()) {
    err << today.status().message() << "\n";
    return kDetectBadInput;
  }
  if (flags.snapshots.empty()) {
    err << "--snapshots: required\n";
    return kDetectBadInput;
  }
  DetectInputs inputs;
  inputs.snapshots_path = flags.snapshots;
  inputs.master_path = flags.master;
  inputs.run_control_path = flags.run_control;
  inputs.setup_path = flags.setup;
  inputs.xsd_dir = flags.xsd_dir;
  inputs.today = *today;
  const DetectResult result = DetectFiles(inputs);
  if (!result.errors.empty()) {
    err << FormatErrors(result.errors);
    return kDetectBadInput;
  }
  // Every line is rendered before the first is written: all of stdout or none of it.
  std::string lines;
  for (const v1::Alert& alert : result.alerts) {
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(alert, &json).ok()) {
      err << "internal error: an alert of event " << v1::EventType_Name(alert.event_type())
          << " cannot be printed as JSON\n";
      return kDetectInternal;
    }
    absl::StrAppend(&lines, json, "\n");
  }
  for (const InputError& warning : result.warnings) err << warning.ToString() << "\n";
  out << lines;
  out.flush();
  return kDetectOk;
}

}  // namespace sevisflow::sevisctl
