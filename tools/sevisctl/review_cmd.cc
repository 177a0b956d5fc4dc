// sevisctl alerts list|select and batch close|list: the builder's ReviewService for DSOs.
//
//   sevisctl alerts list  --builder H:P --org ORG [--state S] [--limit N] [--json]
//   sevisctl alerts select --builder H:P --org ORG --id ID... [--deselect] [--json]
//   sevisctl batch close  --builder H:P --org ORG [--user ID] [--json]
//   sevisctl batch list   --builder H:P --org ORG [--json]
//
// The caller identity (x-sevis-user) is --user, else $SEVISFLOW_USER; for batch close it is the
// SEVIS userID written into the document (10 characters), else the org's configured one.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "commands.h"
#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow::sevisctl {
namespace {

struct ReviewOptions {
  std::string builder = [] {
    const char* v = std::getenv("SEVISFLOW_BUILDER_ADDR");
    return std::string(v && *v ? v : "127.0.0.1:50052");
  }();
  std::string org;
  std::string user;
  std::string state;
  int limit = 0;
  std::vector<std::string> ids;
  bool deselect = false;
  bool json = false;
  int timeout_ms = 30000;
};

std::string CallerUser(const ReviewOptions& options) {
  if (!options.user.empty()) return options.user;
  const char* v = std::getenv("SEVISFLOW_USER");
  return v && *v ? v : "";
}

std::unique_ptr<grpc::ClientContext> Context(const ReviewOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options.timeout_ms));
  if (std::string user = CallerUser(options); !user.empty()) rpc::SetCaller(*context, user);
  return context;
}

std::unique_ptr<sevisflow::v1::ReviewService::Stub> Stub(const ReviewOptions& options) {
  return sevisflow::v1::ReviewService::NewStub(rpc::Dial(options.builder));
}

// Exit codes: 0 ok, 1 the call failed, 2 bad arguments.
int Failed(const grpc::Status& status) {
  std::cerr << "builder: "
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))
            << ": " << status.error_message() << "\n";
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 1;
}

int PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) {
    std::cerr << "cannot print the reply as JSON\n";
    return 1;
  }
  std::cout << out;
  if (out.empty() || out.back() != '\n') std::cout << "\n";
  return 0;
}

std::string StateName(sevisflow::v1::AlertState state) {
  std::string name = sevisflow::v1::AlertState_Name(state);
  const std::string prefix = "ALERT_STATE_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

std::string EventName(sevisflow::v1::EventType event) {
  std::string name = sevisflow::v1::EventType_Name(event);
  const std::string prefix = "EVENT_TYPE_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

int ParseState(const std::string& text, sevisflow::v1::AlertState* state) {
  *state = sevisflow::v1::ALERT_STATE_UNSPECIFIED;
  if (text.empty()) return 0;
  std::string upper = absl::AsciiStrToUpper(text);
  if (upper.rfind("ALERT_STATE_", 0) != 0) upper = "ALERT_STATE_" + upper;
  if (!sevisflow::v1::AlertState_Parse(upper, state)) {
    std::cerr << "unknown state " << text
              << " (open, selected, batched, accepted, rejected, failed)\n";
    return 2;
  }
  return 0;
}

int RunAlertsList(const ReviewOptions& options) {
  sevisflow::v1::ListAlertsRequest request;
  request.set_org_id(options.org);
  sevisflow::v1::AlertState state;
  if (int rc = ParseState(options.state, &state); rc != 0) return rc;
  request.set_state(state);
  request.set_limit(options.limit);
  sevisflow::v1::ListAlertsResponse response;
  grpc::Status status = Stub(options)->ListAlerts(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  if (options.json) return PrintJson(response);
  std::cout << std::left << std::setw(22) << "ALERT" << std::setw(10) << "STATE"
            << std::setw(16) << "EVENT" << std::setw(16) << "BATCH" << std::setw(26)
            << "DETECTED" << "ISSUES\n";
  for (const sevisflow::v1::ReviewAlert& alert : response.alerts()) {
    std::string issues;
    for (const auto& issue : alert.alert().issues()) issues += issue.code() + " ";
    for (const auto& issue : alert.review_issues()) {
      issues += issue.code() + ": " + issue.message() + " ";
    }
    std::cout << std::left << std::setw(22) << alert.alert().alert_id() << std::setw(10)
              << StateName(alert.state()) << std::setw(16) << EventName(alert.alert().event_type())
              << std::setw(16) << (alert.batch_id().empty() ? "-" : alert.batch_id())
              << std::setw(26) << alert.alert().detected_at() << issues << "\n";
  }
  std::cout << response.alerts_size() << " alerts\n";
  return 0;
}

int RunAlertsSelect(const ReviewOptions& options) {
  sevisflow::v1::SelectAlertsRequest request;
  request.set_org_id(options.org);
  for (const std::string& id : options.ids) request.add_alert_ids(id);
  request.set_deselect(options.deselect);
  sevisflow::v1::SelectAlertsResponse response;
  grpc::Status status = Stub(options)->SelectAlerts(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  if (options.json) return PrintJson(response);
  std::cout << response.changed() << (options.deselect ? " deselected" : " selected") << "\n";
  for (const std::string& id : response.refused()) std::cout << "refused\t" << id << "\n";
  return response.refused_size() == 0 ? 0 : 1;
}

int RunBatchClose(const ReviewOptions& options) {
  sevisflow::v1::CloseBatchRequest request;
  request.set_org_id(options.org);
  request.set_user_id(CallerUser(options));
  sevisflow::v1::CloseBatchResponse response;
  grpc::Status status = Stub(options)->CloseBatch(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  if (options.json) return PrintJson(response);
  for (const std::string& id : response.batch_ids()) std::cout << "batch\t" << id << "\n";
  std::cout << response.batch_ids_size() << " batches, " << response.records() << " records\n";
  return 0;
}

int RunBatchList(const ReviewOptions& options) {
  sevisflow::v1::ListBatchesRequest request;
  request.set_org_id(options.org);
  sevisflow::v1::ListBatchesResponse response;
  grpc::Status status = Stub(options)->ListBatches(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  if (options.json) return PrintJson(response);
  std::cout << std::left << std::setw(16) << "BATCH" << std::setw(11) << "STATE" << std::setw(9)
            << "RECORDS" << "CREATED\n";
  for (const sevisflow::v1::BatchSummary& batch : response.batches()) {
    std::cout << std::left << std::setw(16) << batch.batch_id() << std::setw(11) << batch.state()
              << std::setw(9) << batch.records() << batch.created_at() << "\n";
  }
  return 0;
}

void AddCommon(CLI::App* cmd, const std::shared_ptr<ReviewOptions>& options) {
  cmd->add_option("--builder", options->builder, "builder gRPC address (host:port)")
      ->capture_default_str();
  cmd->add_option("--org", options->org, "SEVIS school code or program number")->required();
  cmd->add_flag("--json", options->json, "print the reply as protobuf JSON");
  cmd->add_option("--timeout-ms", options->timeout_ms, "call deadline")->capture_default_str();
}

}  // namespace

void AddReviewCommands(CLI::App& app) {
  auto options = std::make_shared<ReviewOptions>();

  CLI::App* alerts = app.add_subcommand("alerts", "Alerts in review (builder)");
  alerts->require_subcommand(1);
  CLI::App* list = alerts->add_subcommand("list", "List an organisation's alerts");
  AddCommon(list, options);
  list->add_option("--state", options->state,
                   "open, selected, batched, accepted, rejected or failed (default: all)");
  list->add_option("--limit", options->limit, "at most this many (default 100)");
  list->add_option("--user", options->user, "your SEVIS user ID (else $SEVISFLOW_USER)");
  list->callback([options] { throw CLI::RuntimeError(RunAlertsList(*options)); });

  CLI::App* select = alerts->add_subcommand("select", "Select (or deselect) alerts for a batch");
  AddCommon(select, options);
  select->add_option("--id", options->ids, "alert id (repeatable)")->required();
  select->add_flag("--deselect", options->deselect, "deselect instead");
  select->add_option("--user", options->user, "your SEVIS user ID (else $SEVISFLOW_USER)");
  select->callback([options] { throw CLI::RuntimeError(RunAlertsSelect(*options)); });

  CLI::App* batch = app.add_subcommand("batch", "Batches (builder)");
  batch->require_subcommand(1);
  CLI::App* close = batch->add_subcommand("close", "Close a batch of the selected alerts");
  AddCommon(close, options);
  close->add_option("--user", options->user,
                    "SEVIS user ID (10 characters; else $SEVISFLOW_USER, else the org's)");
  close->callback([options] { throw CLI::RuntimeError(RunBatchClose(*options)); });

  CLI::App* batches = batch->add_subcommand("list", "List an organisation's batches");
  AddCommon(batches, options);
  batches->add_option("--user", options->user, "your SEVIS user ID (else $SEVISFLOW_USER)");
  batches->callback([options] { throw CLI::RuntimeError(RunBatchList(*options)); });
}

}  // namespace sevisflow::sevisctl
