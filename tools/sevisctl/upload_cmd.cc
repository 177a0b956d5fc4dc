// The operator's upload and document commands: the client side of the uploader's
// sevisflow.v1.UploadService and of the importer's ImportService.ListDocuments.
//
//   sevisctl uploads list [--org ORG] [--state S]...
//   sevisctl uploads retry --org ORG --batch ID
//   sevisctl uploads cancel --org ORG --batch ID
//   sevisctl documents --org ORG --person ID
//
// `uploads` takes --uploader (else $SEVISFLOW_UPLOADER_ADDR, else 127.0.0.1:50053),
// `documents` --importer (else $SEVISFLOW_IMPORTER_ADDR, else 127.0.0.1:50054); all take --json
// and --timeout-ms. Both services check the DSO's bearer token and org like the review API; the
// token comes from the same sources (--token-file, $SEVISFLOW_TOKEN_FILE, $SEVISFLOW_TOKEN).
// Flags -> requests is upload_args.h, replies -> text
// upload_format.h (both unit-tested); this file makes the calls.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
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
#include "sevisflow/v1/import_service.grpc.pb.h"
#include "sevisflow/v1/upload_service.grpc.pb.h"
#include "upload_args.h"
#include "upload_format.h"

namespace sevisflow::sevisctl {
namespace {

constexpr char kExitCodes[] =
    "Exit codes: 0 ok; 1 the call failed (service unreachable, NOT_FOUND, FAILED_PRECONDITION, "
    "ABORTED ...); 2 bad arguments, including the service's INVALID_ARGUMENT.";

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

struct UploadFlags {
  std::string uploader = EnvOr("SEVISFLOW_UPLOADER_ADDR", "127.0.0.1:50053");
  std::string importer = EnvOr("SEVISFLOW_IMPORTER_ADDR", "127.0.0.1:50054");
  std::string token_file;
  int timeout_ms = 30000;
  bool json = false;

  std::string org;
  std::string batch;
  std::string person;
  std::vector<std::string> states;
};

// One call with the DSO's token and the command's deadline.
int Call(const UploadFlags& flags, const Target& target,
         const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  return AuthenticatedCall(flags.token_file, flags.timeout_ms, target, call);
}

Target Uploader(const UploadFlags& flags) {
  return {"uploader", flags.uploader, "--uploader, $SEVISFLOW_UPLOADER_ADDR"};
}

int RunUploadsList(const UploadFlags& flags) {
  absl::StatusOr<v1::ListUploadsRequest> request = MakeListUploadsRequest(flags.org, flags.states);
  if (!request.ok()) return BadArguments(request.status());
  auto stub = v1::UploadService::NewStub(rpc::Dial(flags.uploader));
  v1::ListUploadsResponse response;
  if (int rc = Call(flags, Uploader(flags),
                    [&](grpc::ClientContext* context) {
                      return stub->ListUploads(context, *request, &response);
                    });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatUploadList(response));
}

int RunUploadsRetry(const UploadFlags& flags) {
  absl::StatusOr<v1::RetryUploadRequest> request = MakeRetryUploadRequest(flags.org, flags.batch);
  if (!request.ok()) return BadArguments(request.status());
  auto stub = v1::UploadService::NewStub(rpc::Dial(flags.uploader));
  v1::RetryUploadResponse response;
  if (int rc = Call(flags, Uploader(flags),
                    [&](grpc::ClientContext* context) {
                      return stub->RetryUpload(context, *request, &response);
                    });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response)
                    : Print(FormatUploadChange(response.upload(), "sent back to work"));
}

int RunUploadsCancel(const UploadFlags& flags) {
  absl::StatusOr<v1::CancelUploadRequest> request =
      MakeCancelUploadRequest(flags.org, flags.batch);
  if (!request.ok()) return BadArguments(request.status());
  auto stub = v1::UploadService::NewStub(rpc::Dial(flags.uploader));
  v1::CancelUploadResponse response;
  if (int rc = Call(flags, Uploader(flags),
                    [&](grpc::ClientContext* context) {
                      return stub->CancelUpload(context, *request, &response);
                    });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response)
                    : Print(FormatUploadChange(response.upload(), "cancelled"));
}

int RunDocuments(const UploadFlags& flags) {
  absl::StatusOr<v1::ListDocumentsRequest> request =
      MakeListDocumentsRequest(flags.org, flags.person);
  if (!request.ok()) return BadArguments(request.status());
  auto stub = v1::ImportService::NewStub(rpc::Dial(flags.importer));
  v1::ListDocumentsResponse response;
  if (int rc = Call(flags, {"importer", flags.importer, "--importer, $SEVISFLOW_IMPORTER_ADDR"},
                    [&](grpc::ClientContext* context) {
                      return stub->ListDocuments(context, *request, &response);
                    });
      rc != kReviewOk) {
    return rc;
  }
  return flags.json ? PrintJson(response) : Print(FormatDocuments(response));
}

void AddCommon(CLI::App* cmd, const std::shared_ptr<UploadFlags>& flags) {
  cmd->add_option("--token-file", flags->token_file,
                  "file holding your bearer token, sent when given (else $SEVISFLOW_TOKEN_FILE, "
                  "else $SEVISFLOW_TOKEN)");
  cmd->add_flag("--json", flags->json, "print the reply as protobuf JSON");
  cmd->add_option("--timeout-ms", flags->timeout_ms, "call deadline")->capture_default_str();
  cmd->footer(kExitCodes);
}

void AddUploader(CLI::App* cmd, const std::shared_ptr<UploadFlags>& flags) {
  cmd->add_option("--uploader", flags->uploader,
                  "uploader gRPC address host:port (else $SEVISFLOW_UPLOADER_ADDR)")
      ->capture_default_str();
  AddCommon(cmd, flags);
}

void Run(CLI::App* cmd, std::function<int()> run) {
  cmd->callback([run = std::move(run)] {
    const int code = run();
    if (code != kReviewOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace

void AddUploadCommands(CLI::App& app) {
  auto flags = std::make_shared<UploadFlags>();

  CLI::App* uploads = app.add_subcommand("uploads", "Batches at the uploader and their states");
  uploads->require_subcommand(1);

  CLI::App* list = uploads->add_subcommand("list", "List batches and their upload states");
  AddUploader(list, flags);
  list->add_option("--org", flags->org, "only this school code or program number");
  list->add_option("--state", flags->states,
                   "pending, uploading, uploaded, downloaded, rejected, failed or cancelled "
                   "(repeatable or comma-separated; default: every state)")
      ->delimiter(',');
  Run(list, [flags] { return RunUploadsList(*flags); });

  CLI::App* retry = uploads->add_subcommand(
      "retry", "Send a FAILED batch (or one rejected with S0001-S0003) back to work");
  AddUploader(retry, flags);
  retry->add_option("--org", flags->org, "school code or program number")->required();
  retry->add_option("--batch", flags->batch, "batch ID (14 characters)")->required();
  Run(retry, [flags] { return RunUploadsRetry(*flags); });

  CLI::App* cancel = uploads->add_subcommand(
      "cancel", "Cancel a PENDING batch that was never uploaded (terminal)");
  AddUploader(cancel, flags);
  cancel->add_option("--org", flags->org, "school code or program number")->required();
  cancel->add_option("--batch", flags->batch, "batch ID (14 characters)")->required();
  Run(cancel, [flags] { return RunUploadsCancel(*flags); });

  CLI::App* documents = app.add_subcommand(
      "documents", "A person's I-20 / DS-2019 PDFs filed by batch (importer)");
  documents
      ->add_option("--importer", flags->importer,
                   "importer gRPC address host:port (else $SEVISFLOW_IMPORTER_ADDR)")
      ->capture_default_str();
  AddCommon(documents, flags);
  documents->add_option("--org", flags->org, "school code or program number")->required();
  documents->add_option("--person", flags->person, "SIS person id")->required();
  Run(documents, [flags] { return RunDocuments(*flags); });
}

}  // namespace sevisflow::sevisctl
