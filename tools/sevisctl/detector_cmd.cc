// sevisctl alerts run and runctl get|set: the detector's DetectorService for operators.
//
//   sevisctl alerts run ORG  [--detector H:P] [--json]     (ORG "" or "*": every organisation)
//   sevisctl runctl get ORG  [--detector H:P]
//   sevisctl runctl set --file RC.json [--detector H:P] [--user ID]
//
// The detector address is --detector, else $SEVISFLOW_DETECTOR_ADDR, else 127.0.0.1:50051. The
// caller identity (x-sevis-user, stamped as the run control's updated_by) is --user, else
// $SEVISFLOW_USER. Results go to stdout; warnings and errors to stderr. Exit codes: 0 ok, 1 the
// call failed (or nothing found), 2 bad input (a file that does not parse, a run control the
// detector refuses).

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "commands.h"
#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"

namespace sevisflow::sevisctl {
namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

struct DetectorOptions {
  std::string detector = EnvOr("SEVISFLOW_DETECTOR_ADDR", "127.0.0.1:50051");
  std::string org;
  std::string file;
  std::string user;
  bool json = false;
  int timeout_ms = 30000;
};

std::unique_ptr<grpc::ClientContext> Context(const DetectorOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options.timeout_ms));
  const std::string user = options.user.empty() ? EnvOr("SEVISFLOW_USER", "") : options.user;
  if (!user.empty()) rpc::SetCaller(*context, user);
  return context;
}

std::unique_ptr<sevisflow::v1::DetectorService::Stub> Stub(const DetectorOptions& options) {
  return sevisflow::v1::DetectorService::NewStub(rpc::Dial(options.detector));
}

int Failed(const grpc::Status& status) {
  std::cerr << "detector: "
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

int RunAlertsRun(const DetectorOptions& options) {
  sevisflow::v1::RunAlertsRequest request;
  request.set_org_id(options.org == "*" ? "" : options.org);
  sevisflow::v1::RunAlertsResponse response;
  grpc::Status status = Stub(options)->RunAlerts(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  // The rule book's warning does not stop the run: it is reported, and the exit code stays 0.
  if (!response.warning().empty()) std::cerr << "warning: " << response.warning() << "\n";
  if (options.json) return PrintJson(response);
  std::cout << "persons\t" << response.persons() << "\n"
            << "alerts\t" << response.alerts() << "\n";
  if (!response.previous_run_at().empty()) {
    std::cout << "previous_run_at\t" << response.previous_run_at() << "\n";
  }
  return 0;
}

int RunRunControlGet(const DetectorOptions& options) {
  sevisflow::v1::GetRunControlRequest request;
  request.set_org_id(options.org);
  sevisflow::v1::GetRunControlResponse response;
  grpc::Status status = Stub(options)->GetRunControl(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  if (!response.found()) {
    std::cerr << "no run control stored for " << options.org << "\n";
    return 1;
  }
  return PrintJson(response.run_control());
}

int RunRunControlSet(const DetectorOptions& options) {
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    std::cerr << options.file << ": cannot be read\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  sevisflow::v1::SetRunControlRequest request;
  // Unknown fields are refused: a misspelt field would otherwise be dropped without a word.
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(text.str(), request.mutable_run_control(), parse);
  if (!parsed.ok()) {
    std::cerr << options.file << ": not a RunControl in protobuf JSON: "
              << std::string(parsed.message().data(), parsed.message().size()) << "\n";
    return 2;
  }
  sevisflow::v1::SetRunControlResponse response;
  grpc::Status status = Stub(options)->SetRunControl(Context(options).get(), request, &response);
  if (!status.ok()) return Failed(status);
  for (const std::string& w : response.warnings()) std::cerr << "warning: " << w << "\n";
  return PrintJson(response.run_control());
}

void AddCommon(CLI::App* cmd, const std::shared_ptr<DetectorOptions>& options) {
  cmd->add_option("--detector", options->detector, "detector gRPC address (host:port)")
      ->capture_default_str();
  cmd->add_option("--user", options->user, "your SEVIS user ID (else $SEVISFLOW_USER)");
  cmd->add_option("--timeout-ms", options->timeout_ms, "call deadline")->capture_default_str();
}

}  // namespace

void AddDetectorCommands(CLI::App& app) {
  auto options = std::make_shared<DetectorOptions>();

  // "alerts" belongs to the review commands (alerts list|select); add "run" to it.
  CLI::App* alerts = nullptr;
  try {
    alerts = app.get_subcommand("alerts");
  } catch (const CLI::OptionNotFound&) {
    alerts = app.add_subcommand("alerts", "Alerts");
    alerts->require_subcommand(1);
  }
  // A run re-evaluates every stored snapshot of the organisation: allow it time.
  auto run_options = std::make_shared<DetectorOptions>();
  run_options->timeout_ms = 600000;
  CLI::App* run = alerts->add_subcommand(
      "run", "Run the SEVIS Alerts process for an organisation now (detector)");
  run->add_option("org", run_options->org, "SEVIS school code or program number (\"*\": all)")
      ->required();
  AddCommon(run, run_options);
  run->add_flag("--json", run_options->json, "print the reply as protobuf JSON");
  run->callback([run_options] { throw CLI::RuntimeError(RunAlertsRun(*run_options)); });

  CLI::App* runctl = app.add_subcommand("runctl", "Run control per organisation (detector)");
  runctl->require_subcommand(1);
  CLI::App* get = runctl->add_subcommand("get", "Print an organisation's run control as JSON");
  get->add_option("org", options->org, "SEVIS school code or program number")->required();
  AddCommon(get, options);
  get->callback([options] { throw CLI::RuntimeError(RunRunControlGet(*options)); });

  CLI::App* set = runctl->add_subcommand(
      "set", "Validate and store a run control (protobuf JSON file; see sevisflow.v1.RunControl)");
  set->add_option("--file", options->file, "RunControl in protobuf JSON")->required();
  AddCommon(set, options);
  set->callback([options] { throw CLI::RuntimeError(RunRunControlSet(*options)); });
}

}  // namespace sevisflow::sevisctl
