#include "review_args.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "detect_offline.h"
#include "sevisflow/rules/events.h"

namespace sevisflow::sevisctl {
namespace {

// (This Abseil has its own string_view: the std::string_view helpers are local.)
std::string_view StripWs(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Trim(std::string_view s) { return std::string(StripWs(s)); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(message); }

// --org is required by every call; the builder checks the grant.
absl::StatusOr<std::string> Org(std::string_view org) {
  std::string trimmed = Trim(org);
  if (trimmed.empty()) return Invalid("--org: required (a school code or program number)");
  return trimmed;
}

absl::StatusOr<std::string> Person(std::string_view person) {
  std::string trimmed = Trim(person);
  if (trimmed.empty()) return Invalid("--person: required (the SIS person id)");
  return trimmed;
}

// Trimmed ids, each once, in the order given; InvalidArgument for none or a blank one.
absl::StatusOr<std::vector<std::string>> AlertIds(const std::vector<std::string>& ids) {
  if (ids.empty()) return Invalid("--id: at least one alert id is required");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    std::string trimmed = Trim(id);
    if (trimmed.empty()) return Invalid("--id: an alert id is blank");
    if (seen.insert(trimmed).second) out.push_back(std::move(trimmed));
  }
  return out;
}

// Protobuf JSON with unknown fields refused (a misspelt field must not be dropped silently).
absl::Status ParseJsonInto(std::string_view json, std::string_view source,
                           google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return absl::OkStatus();
  return Invalid(std::string(source) + ": " +
                 DescribeJsonError(std::string_view(status.message().data(),
                                                    status.message().size())));
}

bool IsTokenCharacter(char c) { return c > 0x20 && c < 0x7f; }

absl::StatusOr<Token> TokenFromFile(const std::string& path, std::string source) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Invalid(source + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(source + ": cannot read the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  Token token;
  token.value = Trim(buffer.str());
  token.source = std::move(source);
  const std::filesystem::perms perms = std::filesystem::status(path, ec).permissions();
  if (!ec && (perms & (std::filesystem::perms::group_read | std::filesystem::perms::others_read)) !=
                 std::filesystem::perms::none) {
    token.warning = "warning: " + token.source +
                    " can be read by other users; restrict it with chmod 600";
  }
  return token;
}

}  // namespace

absl::StatusOr<int64_t> ParseDuration(std::string_view text) {
  constexpr int64_t kMaxSeconds = int64_t{100} * 366 * 24 * 3600;
  const std::string given(text);
  const std::string_view s = StripWs(text);
  auto bad = [&given] {
    return Invalid("'" + given + "' is not a duration (e.g. 90s, 30m, 2h, 7d, 2w or 1d12h)");
  };
  if (s.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start || i == s.size() || i - start > 12) return bad();
    const int64_t amount = std::strtoll(std::string(s.substr(start, i - start)).c_str(),
                                        nullptr, 10);
    int64_t unit = 0;
    switch (std::tolower(static_cast<unsigned char>(s[i]))) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return bad();
    }
    ++i;
    if (amount > kMaxSeconds / unit) return bad();
    total += amount * unit;
    if (total > kMaxSeconds) return bad();
  }
  return total;
}

absl::StatusOr<v1::AlertState> ParseAlertState(std::string_view text) {
  std::string upper = Trim(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.empty() || upper == "ALL") return v1::ALERT_STATE_UNSPECIFIED;
  if (upper.rfind("ALERT_STATE_", 0) != 0) upper = "ALERT_STATE_" + upper;
  v1::AlertState state = v1::ALERT_STATE_UNSPECIFIED;
  if (!v1::AlertState_Parse(upper, &state) || state == v1::ALERT_STATE_UNSPECIFIED) {
    return Invalid("--state: '" + std::string(text) +
                   "' is not a state (open, selected, batched, accepted, rejected, failed, "
                   "superseded, held or all)");
  }
  return state;
}

absl::StatusOr<v1::EventType> ParseEventCode(std::string_view text) {
  const std::string code = Trim(text);
  const v1::EventType type = rules::EventFromCode(code);
  if (type == v1::EVENT_TYPE_UNSPECIFIED) {
    return Invalid("--event: '" + std::string(text) +
                   "' is not an event code (e.g. CREATE_STUDENT, STATUS_TERMINATE; every code "
                   "is listed in docs/events.md)");
  }
  return type;
}

absl::StatusOr<v1::ErrorFilter> ParseErrorFilter(std::string_view text) {
  const std::string value = Lower(Trim(text));
  if (value.empty() || value == "any") return v1::ERROR_FILTER_ANY;
  if (value == "with") return v1::ERROR_FILTER_WITH_ERRORS;
  if (value == "without") return v1::ERROR_FILTER_WITHOUT_ERRORS;
  return Invalid("--errors: '" + std::string(text) + "' is not one of with, without, any");
}

std::optional<std::string> ProcessEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

absl::StatusOr<Token> ResolveToken(const std::string& token_file, const EnvLookup& env) {
  absl::StatusOr<Token> token;
  if (!token_file.empty()) {
    token = TokenFromFile(token_file, "--token-file " + token_file);
  } else if (std::optional<std::string> file = env("SEVISFLOW_TOKEN_FILE")) {
    token = TokenFromFile(*file, "$SEVISFLOW_TOKEN_FILE (" + *file + ")");
  } else if (std::optional<std::string> value = env("SEVISFLOW_TOKEN")) {
    token = Token{Trim(*value), "$SEVISFLOW_TOKEN", ""};
  } else {
    return Invalid(
        "no token: give --token-file FILE, or set $SEVISFLOW_TOKEN_FILE (a file holding the "
        "token) or $SEVISFLOW_TOKEN");
  }
  if (!token.ok()) return token.status();
  if (token->value.empty()) return Invalid(token->source + ": the token is empty");
  for (char c : token->value) {
    if (!IsTokenCharacter(c)) {
      return Invalid(token->source +
                     ": the token must be one word of printable ASCII characters");
    }
  }
  return token;
}

absl::StatusOr<std::string> ReadInput(const std::string& path, std::string_view flag,
                                      std::istream& stdin_stream) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << stdin_stream.rdbuf();
    return buffer.str();
  }
  std::error_code ec;
  if (path.empty() || std::filesystem::is_directory(path, ec)) {
    return Invalid(std::string(flag) + ": '" + path + "' is not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(std::string(flag) + ": cannot read " + path);
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<v1::ListAlertsRequest> MakeListAlertsRequest(const ListAlertsFlags& flags) {
  v1::ListAlertsRequest request;
  absl::StatusOr<std::string> org = Org(flags.org);
  if (!org.ok()) return org.status();
  request.set_org_id(*org);
  absl::StatusOr<v1::AlertState> state = ParseAlertState(flags.state);
  if (!state.ok()) return state.status();
  request.set_state(*state);
  std::set<int> seen;
  for (const std::string& code : flags.events) {
    absl::StatusOr<v1::EventType> event = ParseEventCode(code);
    if (!event.ok()) return event.status();
    if (seen.insert(*event).second) request.add_event_types(*event);
  }
  request.set_person_id(Trim(flags.person));
  absl::StatusOr<v1::ErrorFilter> errors = ParseErrorFilter(flags.errors);
  if (!errors.ok()) return errors.status();
  request.set_errors(*errors);
  auto age = [](const char* flag, const std::string& text) -> absl::StatusOr<int64_t> {
    if (StripWs(text).empty()) return 0;  // no bound
    absl::StatusOr<int64_t> seconds = ParseDuration(text);
    if (!seconds.ok()) {
      return Invalid(std::string(flag) + ": " + std::string(seconds.status().message()));
    }
    return seconds;
  };
  absl::StatusOr<int64_t> min_age = age("--min-age", flags.min_age);
  if (!min_age.ok()) return min_age.status();
  absl::StatusOr<int64_t> max_age = age("--max-age", flags.max_age);
  if (!max_age.ok()) return max_age.status();
  request.set_min_age_seconds(*min_age);
  request.set_max_age_seconds(*max_age);
  if (request.min_age_seconds() > 0 && request.max_age_seconds() > 0 &&
      request.min_age_seconds() > request.max_age_seconds()) {
    return Invalid("--min-age is longer than --max-age: no alert can match");
  }
  if (flags.limit < 0 || flags.limit > 10000) {
    return Invalid("--limit: must be between 1 and 10000 (0: the builder's default, 100)");
  }
  request.set_limit(flags.limit);
  return request;
}

absl::StatusOr<v1::GetAlertRequest> MakeGetAlertRequest(std::string_view org,
                                                        std::string_view alert_id) {
  v1::GetAlertRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  request.set_org_id(*org_id);
  request.set_alert_id(Trim(alert_id));
  if (request.alert_id().empty()) return Invalid("--id: required");
  return request;
}

absl::StatusOr<v1::SelectAlertsRequest> MakeSelectAlertsRequest(
    std::string_view org, const std::vector<std::string>& ids, bool deselect) {
  v1::SelectAlertsRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  request.set_org_id(*org_id);
  absl::StatusOr<std::vector<std::string>> alert_ids = AlertIds(ids);
  if (!alert_ids.ok()) return alert_ids.status();
  for (std::string& id : *alert_ids) request.add_alert_ids(std::move(id));
  request.set_deselect(deselect);
  return request;
}

absl::StatusOr<v1::RejectAlertsRequest> MakeRejectAlertsRequest(
    std::string_view org, const std::vector<std::string>& ids, std::string_view reason) {
  v1::RejectAlertsRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  request.set_org_id(*org_id);
  absl::StatusOr<std::vector<std::string>> alert_ids = AlertIds(ids);
  if (!alert_ids.ok()) return alert_ids.status();
  for (std::string& id : *alert_ids) request.add_alert_ids(std::move(id));
  request.set_reason(Trim(reason));
  if (request.reason().empty()) {
    return Invalid("--reason: required (why the alerts must not be reported; no personal data)");
  }
  return request;
}

absl::StatusOr<v1::AddManualEventRequest> MakeAddManualEventRequest(
    const AddManualEventFlags& flags, std::string_view data_json, std::string_view data_source) {
  v1::AddManualEventRequest request;
  absl::StatusOr<std::string> org = Org(flags.org);
  if (!org.ok()) return org.status();
  request.set_org_id(*org);
  absl::StatusOr<std::string> person = Person(flags.person);
  if (!person.ok()) return person.status();
  request.set_person_id(*person);
  absl::StatusOr<v1::EventType> event = ParseEventCode(flags.event);
  if (!event.ok()) return event.status();
  request.set_event_type(*event);
  request.set_subject(Trim(flags.subject));
  if (StripWs(data_json).empty()) return request;
  v1::Alert* data = request.mutable_data();
  if (absl::Status parsed = ParseJsonInto(data_json, data_source, data); !parsed.ok()) {
    return parsed;
  }
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  data->GetReflection()->ListFields(*data, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    const google::protobuf::OneofDescriptor* oneof = field->containing_oneof();
    if (oneof != nullptr && oneof->name() == "data") continue;
    return Invalid(std::string(data_source) + ": " + field->name() +
                   ": only the alert's data is read (one member such as \"status\" or "
                   "\"program\"); remove this field");
  }
  return request;
}

absl::StatusOr<v1::CloseBatchRequest> MakeCloseBatchRequest(std::string_view org) {
  v1::CloseBatchRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  request.set_org_id(*org_id);
  return request;
}

absl::StatusOr<v1::ListBatchesRequest> MakeListBatchesRequest(std::string_view org) {
  v1::ListBatchesRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  request.set_org_id(*org_id);
  return request;
}

absl::StatusOr<v1::SetSupplementalRequest> MakeSetSupplementalRequest(std::string_view org,
                                                                      std::string_view person,
                                                                      std::string_view json,
                                                                      std::string_view source) {
  v1::SetSupplementalRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  absl::StatusOr<std::string> person_id = Person(person);
  if (!person_id.ok()) return person_id.status();
  if (StripWs(json).empty()) {
    return Invalid(std::string(source) +
                   ": empty (a sevisflow.v1.SupplementalData in protobuf JSON is expected; use "
                   "`supplemental clear` to remove the data)");
  }
  v1::SupplementalData* data = request.mutable_data();
  if (absl::Status parsed = ParseJsonInto(json, source, data); !parsed.ok()) return parsed;
  if (!Trim(data->org_id()).empty() && Trim(data->org_id()) != *org_id) {
    return Invalid(std::string(source) + ": org_id: names another organisation than --org");
  }
  if (!Trim(data->person_id()).empty() && Trim(data->person_id()) != *person_id) {
    return Invalid(std::string(source) + ": person_id: names another person than --person");
  }
  data->set_org_id(*org_id);
  data->set_person_id(*person_id);
  data->clear_updated_by();
  data->clear_updated_at();
  data->clear_version();
  return request;
}

absl::StatusOr<v1::SetSupplementalRequest> MakeClearSupplementalRequest(std::string_view org,
                                                                        std::string_view person) {
  v1::SetSupplementalRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  absl::StatusOr<std::string> person_id = Person(person);
  if (!person_id.ok()) return person_id.status();
  request.mutable_data()->set_org_id(*org_id);
  request.mutable_data()->set_person_id(*person_id);
  request.set_clear(true);
  return request;
}

absl::StatusOr<v1::GetSupplementalRequest> MakeGetSupplementalRequest(std::string_view org,
                                                                      std::string_view person) {
  v1::GetSupplementalRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  absl::StatusOr<std::string> person_id = Person(person);
  if (!person_id.ok()) return person_id.status();
  request.set_org_id(*org_id);
  request.set_person_id(*person_id);
  return request;
}

absl::StatusOr<v1::QueryAuditRequest> MakeQueryAuditRequest(std::string_view org,
                                                            std::string_view person,
                                                            std::string_view batch, int limit) {
  v1::QueryAuditRequest request;
  absl::StatusOr<std::string> org_id = Org(org);
  if (!org_id.ok()) return org_id.status();
  request.set_org_id(*org_id);
  request.set_person_id(Trim(person));
  request.set_batch_id(Trim(batch));
  if (!request.person_id().empty() && !request.batch_id().empty()) {
    return Invalid("--person and --batch: give one of them, or neither for the organisation's log");
  }
  if (limit < 0 || limit > 10000) {
    return Invalid("--limit: must be between 1 and 10000 (0: the builder's default, 100)");
  }
  request.set_limit(limit);
  return request;
}

}  // namespace sevisflow::sevisctl
