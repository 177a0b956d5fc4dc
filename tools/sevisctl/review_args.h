#pragma once
// The pure half of the review commands (review_cmd.cc): command-line values turned into
// sevisflow.v1.ReviewService requests, durations, event codes and the bearer token's source.
// No gRPC call is made here, so every mapping is unit-tested.
//
//   absl::StatusOr<v1::ListAlertsRequest> request = MakeListAlertsRequest(flags);
//   if (!request.ok()) { std::cerr << request.status().message() << "\n"; return 2; }
//
// Error messages name the flag (or the input file and field) and never echo a token.

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/review_service.pb.h"
#include "sevisflow/v1/supplemental.pb.h"

namespace sevisflow::sevisctl {

// Exit codes of the review commands (whoami, alerts, batch, supplemental, audit).
inline constexpr int kReviewOk = 0;
inline constexpr int kReviewCallFailed = 1;    // the builder refused or could not be reached
inline constexpr int kReviewBadArguments = 2;  // bad flags or files, or INVALID_ARGUMENT

// "90s", "30m", "2h", "7d", "2w" or a sum of such terms ("1d12h"), in seconds. InvalidArgument
// for anything else (a bare number, an unknown unit, a value past 100 years).
absl::StatusOr<int64_t> ParseDuration(std::string_view text);

// "open", "SELECTED", "alert_state_failed" ...; "" or "all" is ALERT_STATE_UNSPECIFIED (every
// state).
absl::StatusOr<v1::AlertState> ParseAlertState(std::string_view text);

// A stable event code (docs/events.md, rules::EventFromCode): "STATUS_TERMINATE",
// "status_terminate" or "EVENT_TYPE_STATUS_TERMINATE".
absl::StatusOr<v1::EventType> ParseEventCode(std::string_view text);

// "with", "without", "any" or "" (any).
absl::StatusOr<v1::ErrorFilter> ParseErrorFilter(std::string_view text);

// --- the bearer token --------------------------------------------------------------------

// Reads an environment variable; nullopt when it is unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
// The process environment.
std::optional<std::string> ProcessEnv(const char* name);

struct Token {
  std::string value;
  std::string source;   // "--token-file /path", "$SEVISFLOW_TOKEN_FILE (/path)", "$SEVISFLOW_TOKEN"
  std::string warning;  // e.g. the file can be read by other users; empty when none
};

// The token from `token_file` (the --token-file flag), else the file named by
// $SEVISFLOW_TOKEN_FILE, else $SEVISFLOW_TOKEN. Surrounding white space (a trailing newline) is
// dropped; the token must then be one word of printable ASCII (an HTTP/2 header value).
// InvalidArgument when none is given, the file cannot be read or the token is malformed; the
// message names the source, never the token.
absl::StatusOr<Token> ResolveToken(const std::string& token_file, const EnvLookup& env);

// The whole text of FILE, or of `stdin` when FILE is "-". InvalidArgument naming `flag`.
absl::StatusOr<std::string> ReadInput(const std::string& path, std::string_view flag,
                                      std::istream& stdin_stream);

// --- requests ------------------------------------------------------------------------------

// sevisctl alerts list
struct ListAlertsFlags {
  std::string org;
  std::string state;                // ParseAlertState
  std::vector<std::string> events;  // ParseEventCode each
  std::string person;
  std::string errors;               // ParseErrorFilter
  std::string min_age;              // ParseDuration; "" = no bound
  std::string max_age;
  int limit = 0;                    // 0: the builder's default (100); at most 10000
};
absl::StatusOr<v1::ListAlertsRequest> MakeListAlertsRequest(const ListAlertsFlags& flags);

// sevisctl alerts show
absl::StatusOr<v1::GetAlertRequest> MakeGetAlertRequest(std::string_view org,
                                                        std::string_view alert_id);

// sevisctl alerts select|deselect. Ids are trimmed; a repeated id is sent once.
absl::StatusOr<v1::SelectAlertsRequest> MakeSelectAlertsRequest(
    std::string_view org, const std::vector<std::string>& ids, bool deselect);

// sevisctl alerts reject: the reason is required (free text, sent trimmed).
absl::StatusOr<v1::RejectAlertsRequest> MakeRejectAlertsRequest(
    std::string_view org, const std::vector<std::string>& ids, std::string_view reason);

// sevisctl alerts add
struct AddManualEventFlags {
  std::string org;
  std::string person;
  std::string event;    // ParseEventCode
  std::string subject;  // e.g. the dependent id of Dependent - Reprint
};
// `data_json` is the alert's data oneof in protobuf JSON ({"status": {"reason": "..."}}), read
// from `data_source` (named in errors); empty: no data. Only the data oneof may be set: any
// other Alert field is refused (the builder would ignore it, and the DSO would think it sent).
absl::StatusOr<v1::AddManualEventRequest> MakeAddManualEventRequest(
    const AddManualEventFlags& flags, std::string_view data_json, std::string_view data_source);

// sevisctl batch close / batch list
absl::StatusOr<v1::CloseBatchRequest> MakeCloseBatchRequest(std::string_view org);
absl::StatusOr<v1::ListBatchesRequest> MakeListBatchesRequest(std::string_view org);

// sevisctl supplemental set: `json` is a sevisflow.v1.SupplementalData in protobuf JSON. Its
// org_id / person_id may be left out (taken from the flags) but must match them when given.
// updated_by, updated_at and version are the builder's stamps: they are dropped, so the output
// of `supplemental get --json` can be edited and sent back.
absl::StatusOr<v1::SetSupplementalRequest> MakeSetSupplementalRequest(std::string_view org,
                                                                      std::string_view person,
                                                                      std::string_view json,
                                                                      std::string_view source);
// sevisctl supplemental clear
absl::StatusOr<v1::SetSupplementalRequest> MakeClearSupplementalRequest(std::string_view org,
                                                                        std::string_view person);
// sevisctl supplemental get
absl::StatusOr<v1::GetSupplementalRequest> MakeGetSupplementalRequest(std::string_view org,
                                                                      std::string_view person);

// sevisctl audit: one of person / batch, or neither (the org's log); limit 0 = the builder's
// default (100).
absl::StatusOr<v1::QueryAuditRequest> MakeQueryAuditRequest(std::string_view org,
                                                            std::string_view person,
                                                            std::string_view batch, int limit);

}  // namespace sevisflow::sevisctl
