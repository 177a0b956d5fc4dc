#include "grpc_call.h"

#include <chrono>
#include <iostream>

#include "review_args.h"
#include "review_format.h"
#include "sevisflow/rpc/dso_auth.h"

namespace sevisflow::sevisctl {

int BadArguments(const absl::Status& status) {
  std::cerr << status.message() << "\n";
  return kReviewBadArguments;
}

int ReportFailure(const grpc::Status& status, const Target& target) {
  std::cerr << target.name << ": "
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))
            << ": " << status.error_message() << "\n";
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return kReviewBadArguments;
    case grpc::StatusCode::UNAVAILABLE:
      std::cerr << "is the " << target.name << " listening on " << target.address << "? ("
                << target.how << ")\n";
      break;
    case grpc::StatusCode::ABORTED:
      std::cerr << "the " << target.name << " changed it meanwhile: try again\n";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      std::cerr << "check the token (--token-file, $SEVISFLOW_TOKEN_FILE, $SEVISFLOW_TOKEN)\n";
      break;
    default:
      break;
  }
  return kReviewCallFailed;
}

int AuthenticatedCall(const std::string& token_file, int timeout_ms, const Target& target,
                      const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  absl::StatusOr<Token> token = ResolveToken(token_file, ProcessEnv);
  if (!token.ok()) return BadArguments(token.status());
  if (!token->warning.empty()) std::cerr << token->warning << "\n";
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  rpc::SetBearerToken(context, token->value);
  const grpc::Status status = call(&context);
  if (!status.ok()) return ReportFailure(status, target);
  return kReviewOk;
}

int Print(const std::string& text) {
  std::cout << text;
  std::cout.flush();
  return kReviewOk;
}

int PrintJson(const google::protobuf::Message& message) {
  const std::string json = ToJson(message);
  if (json.empty()) {
    std::cerr << "cannot print the reply as JSON\n";
    return kReviewCallFailed;
  }
  return Print(json);
}

}  // namespace sevisflow::sevisctl
