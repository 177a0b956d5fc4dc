// The DSO's review commands: the client side of the builder's sevisflow.v1.ReviewService.
//
//   sevisctl whoami
//   sevisctl alerts list --org ORG [--state S] [--event CODE]... [--person ID]
//                        [--errors with|without] [--min-age 2h] [--max-age 7d] [--limit N]
//   sevisctl alerts show --org ORG --id ID
//   sevisctl alerts select|deselect --org ORG --id ID...
//   sevisctl alerts reject --org ORG --id ID... --reason TEXT
//   sevisctl alerts add --org ORG --person ID --event CODE [--subject S] [--data-json FILE|-]
//   sevisctl batch close|list --org ORG
//   sevisctl supplemental get|set|clear --org ORG --person ID [--json-file FILE|-]
//   sevisctl audit --org ORG [--person ID | --batch ID] [--limit N]
//
// Every command takes --builder (else $SEVISFLOW_BUILDER_ADDR), --json and --timeout-ms, and
// authenticates with `authorization: Bearer <token>`: the token is read from --token-file, else
// the file named by $SEVISFLOW_TOKEN_FILE, else $SEVISFLOW_TOKEN (never a flag of its own:
// command lines are visible in `ps`). The builder takes the DSO's identity, and the SEVIS
// userID written into a closed batch, from the token. Turning flags into requests and replies
// into text is review_args.h / review_format.h (unit-tested); this file makes the calls.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "commands.h"
#include "grpc_call.h"
#include "review_args.h"
#include "review_format.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow::sevisctl {
namespace {

using Stub = v1::ReviewService::Stub;

constexpr char kExitCodes[] =
    "Exit codes: 0 ok; 1 the call failed (builder unreachable, UNAUTHENTICATED, "
    "PERMISSION_DENIED, NOT_FOUND, FAILED_PRECONDITION ...) or some alerts were refused; 2 bad "
    "arguments, including the builder's INVALID_ARGUMENT.\n"
    "Token: --token-file FILE, else the file named by $SEVISFLOW_TOKEN_FILE, else "
    "$SEVISFLOW_TOKEN.";

struct ReviewFlags {
  std::string builder = [] {
    const char* v = std::getenv("SEVISFLOW_BUILDER_ADDR");
    return std::string(v && *v ? v : "127.0.0.1:50052");
  }();
  std::string token_file;
  int timeout_ms = 30000;
  bool json = false;

  std::string org;
  std::string person;
  std::vector<std::string> ids;
  bool deselect = false;
  std::string reason;
  std::string file;  // --data-json / --json-file
  std::string batch;
  int limit = 0;
  ListAlertsFlags list;
  AddManualEventFlags add;
};

// One authenticated call to the builder: `call(stub, context)` returns the gRPC status; 0 when
// it succeeded, else the exit code (the reason printed on stderr).
int Call(const ReviewFlags& flags,
         const std::function<grpc::Status(Stub&, grpc::ClientContext*)>& call) {
  std::unique_ptr<Stub> stub = v1::ReviewService::NewStub(rpc::Dial(flags.builder));
  return AuthenticatedCall(flags.token_file, flags.timeout_ms,
                           {"builder", flags.builder, "--builder, $SEVISFLOW_BUILDER_ADDR"},
                           [&](grpc::ClientContext* context) { return call(*stub, context); });
}

int RunWhoAmI(const ReviewFlags& flags) {
  v1::WhoAmIResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.WhoAmI(context, v1::WhoAmIRequest(), &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatWhoAmI(response));
}

int RunAlertsList(const ReviewFlags& flags) {
  ListAlertsFlags list = flags.list;
  list.org = flags.org;
  list.person = flags.person;
  list.limit = flags.limit;
  absl::StatusOr<v1::ListAlertsRequest> request = MakeListAlertsRequest(list);
  if (!request.ok()) return BadArguments(request.status());
  v1::ListAlertsResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.ListAlerts(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatAlertList(response));
}

int RunAlertsShow(const ReviewFlags& flags) {
  absl::StatusOr<v1::GetAlertRequest> request =
      MakeGetAlertRequest(flags.org, flags.ids.empty() ? "" : flags.ids.front());
  if (!request.ok()) return BadArguments(request.status());
  v1::ReviewAlert response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.GetAlert(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatAlertDetail(response));
}

int RunAlertsSelect(const ReviewFlags& flags, bool deselect) {
  absl::StatusOr<v1::SelectAlertsRequest> request =
      MakeSelectAlertsRequest(flags.org, flags.ids, deselect);
  if (!request.ok()) return BadArguments(request.status());
  v1::SelectAlertsResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.SelectAlerts(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  if (flags.json) {
    PrintJson(response);
  } else {
    Print(FormatChanged(response.changed(), deselect ? "deselected" : "selected",
                        response.refused(), response.refused_reasons()));
    for (const std::string& id : response.batch_ids()) {
      std::cout << "batch " << id << " closed: the selection reached the batch size\n";
    }
  }
  return response.refused_size() == 0 ? kReviewOk : kReviewCallFailed;
}

int RunAlertsReject(const ReviewFlags& flags) {
  absl::StatusOr<v1::RejectAlertsRequest> request =
      MakeRejectAlertsRequest(flags.org, flags.ids, flags.reason);
  if (!request.ok()) return BadArguments(request.status());
  v1::RejectAlertsResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.RejectAlerts(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  if (flags.json) {
    PrintJson(response);
  } else {
    Print(FormatChanged(response.changed(), "rejected", response.refused(),
                        response.refused_reasons()));
  }
  return response.refused_size() == 0 ? kReviewOk : kReviewCallFailed;
}

int RunAlertsAdd(const ReviewFlags& flags) {
  std::string json;
  if (!flags.file.empty()) {
    absl::StatusOr<std::string> text = ReadInput(flags.file, "--data-json", std::cin);
    if (!text.ok()) return BadArguments(text.status());
    json = *std::move(text);
  }
  AddManualEventFlags add = flags.add;
  add.org = flags.org;
  add.person = flags.person;
  absl::StatusOr<v1::AddManualEventRequest> request =
      MakeAddManualEventRequest(add, json, flags.file == "-" ? "<stdin>" : flags.file);
  if (!request.ok()) return BadArguments(request.status());
  v1::AddManualEventResponse response;
  // FAILED_PRECONDITION carries "preconditions not met:" and one unmet condition per line;
  // Failed() prints the message as it is.
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.AddManualEvent(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatAlertDetail(response.alert()));
}

int RunBatchClose(const ReviewFlags& flags) {
  absl::StatusOr<v1::CloseBatchRequest> request = MakeCloseBatchRequest(flags.org);
  if (!request.ok()) return BadArguments(request.status());
  v1::CloseBatchResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.CloseBatch(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatCloseBatch(response));
}

int RunBatchList(const ReviewFlags& flags) {
  absl::StatusOr<v1::ListBatchesRequest> request = MakeListBatchesRequest(flags.org);
  if (!request.ok()) return BadArguments(request.status());
  v1::ListBatchesResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.ListBatches(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatBatchList(response));
}

int RunSupplementalGet(const ReviewFlags& flags) {
  absl::StatusOr<v1::GetSupplementalRequest> request =
      MakeGetSupplementalRequest(flags.org, flags.person);
  if (!request.ok()) return BadArguments(request.status());
  v1::GetSupplementalResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.GetSupplemental(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  if (!response.found()) {
    std::cerr << "no supplemental data stored for this person at " << request->org_id() << "\n";
    return kReviewCallFailed;
  }
  // --json prints the SupplementalData itself, so it can be edited and given to `set`.
  return flags.json ? PrintJson(response.data()) : Print(FormatSupplemental(response.data()));
}

int RunSupplementalSet(const ReviewFlags& flags, bool clear) {
  absl::StatusOr<v1::SetSupplementalRequest> request;
  if (clear) {
    request = MakeClearSupplementalRequest(flags.org, flags.person);
  } else {
    absl::StatusOr<std::string> text = ReadInput(flags.file, "--json-file", std::cin);
    if (!text.ok()) return BadArguments(text.status());
    request = MakeSetSupplementalRequest(flags.org, flags.person, *text,
                                         flags.file == "-" ? "<stdin>" : flags.file);
  }
  if (!request.ok()) return BadArguments(request.status());
  v1::SetSupplementalResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.SetSupplemental(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  if (flags.json) return PrintJson(response.data());
  if (clear) {
    return Print("supplemental data cleared (version " + std::to_string(response.data().version()) +
                 ")\n");
  }
  return Print(FormatSupplemental(response.data()));
}

int RunAudit(const ReviewFlags& flags) {
  absl::StatusOr<v1::QueryAuditRequest> request =
      MakeQueryAuditRequest(flags.org, flags.person, flags.batch, flags.limit);
  if (!request.ok()) return BadArguments(request.status());
  v1::QueryAuditResponse response;
  if (int rc = Call(flags, [&](Stub& stub, grpc::ClientContext* context) {
        return stub.QueryAudit(context, *request, &response);
      });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatAudit(response));
}

// The flags every review command shares; `org` adds a required --org.
void AddCommon(CLI::App* cmd, const std::shared_ptr<ReviewFlags>& flags, bool org) {
  cmd->add_option("--builder", flags->builder,
                  "builder gRPC address host:port (else $SEVISFLOW_BUILDER_ADDR)")
      ->capture_default_str();
  cmd->add_option("--token-file", flags->token_file,
                  "file holding your bearer token (else $SEVISFLOW_TOKEN_FILE, else "
                  "$SEVISFLOW_TOKEN)");
  if (org) {
    cmd->add_option("--org", flags->org, "SEVIS school code or program number")->required();
  }
  cmd->add_flag("--json", flags->json, "print the reply as protobuf JSON");
  cmd->add_option("--timeout-ms", flags->timeout_ms, "call deadline")->capture_default_str();
  cmd->footer(kExitCodes);
}

void Run(CLI::App* cmd, std::function<int()> run) {
  cmd->callback([run = std::move(run)] {
    const int code = run();
    if (code != kReviewOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace

void AddReviewCommands(CLI::App& app) {
  auto flags = std::make_shared<ReviewFlags>();

  CLI::App* whoami =
      app.add_subcommand("whoami", "Your DSO name and the organisations granted to you (builder)");
  AddCommon(whoami, flags, /*org=*/false);
  Run(whoami, [flags] { return RunWhoAmI(*flags); });

  CLI::App* alerts = app.add_subcommand("alerts", "Alerts in review (builder)");
  alerts->require_subcommand(1);

  CLI::App* list = alerts->add_subcommand("list", "List an organisation's alerts");
  AddCommon(list, flags, true);
  list->add_option("--state", flags->list.state,
                   "open, selected, batched, accepted, rejected, failed, superseded, held or "
                   "all (default: all)");
  list->add_option("--event", flags->list.events,
                   "event code, e.g. STATUS_TERMINATE (repeatable or comma-separated; "
                   "docs/events.md)")
      ->delimiter(',');
  list->add_option("--person", flags->person, "only this SIS person id");
  list->add_option("--errors", flags->list.errors,
                   "with: only alerts with issues (detector, XSD or SEVIS); without: only "
                   "clean ones")
      ->check(CLI::IsMember({"with", "without", "any"}));
  list->add_option("--min-age", flags->list.min_age,
                   "detected at least this long ago (90s, 30m, 2h, 7d, 2w, 1d12h)");
  list->add_option("--max-age", flags->list.max_age, "detected at most this long ago");
  list->add_option("--limit", flags->limit, "at most this many (default 100, at most 10000)");
  Run(list, [flags] { return RunAlertsList(*flags); });

  CLI::App* show = alerts->add_subcommand(
      "show", "One alert: its data, changes, issues and review issues");
  AddCommon(show, flags, true);
  show->add_option("--id", flags->ids, "alert id")->required()->expected(1);
  Run(show, [flags] { return RunAlertsShow(*flags); });

  CLI::App* select = alerts->add_subcommand("select", "Select alerts for the next batch");
  AddCommon(select, flags, true);
  select->add_option("--id", flags->ids, "alert id (repeatable)")->required();
  select->add_flag("--deselect", flags->deselect, "deselect instead (same as `alerts deselect`)");
  Run(select, [flags] { return RunAlertsSelect(*flags, flags->deselect); });

  CLI::App* deselect =
      alerts->add_subcommand("deselect", "Put selected alerts back to open");
  AddCommon(deselect, flags, true);
  deselect->add_option("--id", flags->ids, "alert id (repeatable)")->required();
  Run(deselect, [flags] { return RunAlertsSelect(*flags, true); });

  CLI::App* reject = alerts->add_subcommand(
      "reject", "Reject alerts: they are never reported (the reason is audited)");
  AddCommon(reject, flags, true);
  reject->add_option("--id", flags->ids, "alert id (repeatable)")->required();
  reject->add_option("--reason", flags->reason, "why (free text, no personal data)")
      ->required();
  Run(reject, [flags] { return RunAlertsReject(*flags); });

  CLI::App* add = alerts->add_subcommand(
      "add", "Add a manual event; the rule book's preconditions are checked by the builder");
  AddCommon(add, flags, true);
  add->add_option("--person", flags->person, "SIS person id")->required();
  add->add_option("--event", flags->add.event, "event code, e.g. STATUS_TERMINATE")->required();
  add->add_option("--subject", flags->add.subject,
                  "what inside the person the event is about (e.g. the dependent id)");
  add->add_option("--data-json", flags->file,
                  "file (or - for stdin) with the alert's data in protobuf JSON, e.g. "
                  "{\"status\": {\"reason\": \"02\", \"remarks\": \"Lost form\"}}");
  Run(add, [flags] { return RunAlertsAdd(*flags); });

  CLI::App* batch = app.add_subcommand("batch", "Batches (builder)");
  batch->require_subcommand(1);
  CLI::App* close = batch->add_subcommand(
      "close", "Close the selected alerts into SEVIS batches, under your SEVIS userID");
  AddCommon(close, flags, true);
  Run(close, [flags] { return RunBatchClose(*flags); });
  CLI::App* batches = batch->add_subcommand("list", "List an organisation's batches");
  AddCommon(batches, flags, true);
  Run(batches, [flags] { return RunBatchList(*flags); });

  CLI::App* supplemental = app.add_subcommand(
      "supplemental", "SEVIS data the SIS does not hold, kept per person (builder)");
  supplemental->require_subcommand(1);
  CLI::App* get = supplemental->add_subcommand("get", "Print a person's supplemental data");
  AddCommon(get, flags, true);
  get->add_option("--person", flags->person, "SIS person id")->required();
  Run(get, [flags] { return RunSupplementalGet(*flags); });
  CLI::App* set = supplemental->add_subcommand(
      "set", "Replace a person's supplemental data (sevisflow.v1.SupplementalData JSON)");
  AddCommon(set, flags, true);
  set->add_option("--person", flags->person, "SIS person id")->required();
  set->add_option("--json-file", flags->file, "file (or - for stdin) in protobuf JSON")
      ->required();
  Run(set, [flags] { return RunSupplementalSet(*flags, /*clear=*/false); });
  CLI::App* clear =
      supplemental->add_subcommand("clear", "Remove a person's supplemental data");
  AddCommon(clear, flags, true);
  clear->add_option("--person", flags->person, "SIS person id")->required();
  Run(clear, [flags] { return RunSupplementalSet(*flags, /*clear=*/true); });

  CLI::App* audit = app.add_subcommand(
      "audit", "The audit log of an organisation, a person or a batch (builder), newest first");
  AddCommon(audit, flags, true);
  CLI::Option* person = audit->add_option("--person", flags->person, "only this SIS person id");
  CLI::Option* batch_id = audit->add_option("--batch", flags->batch, "only this batch id");
  person->excludes(batch_id);
  audit->add_option("--limit", flags->limit, "at most this many (default 100)");
  Run(audit, [flags] { return RunAudit(*flags); });
}

}  // namespace sevisflow::sevisctl
