#pragma once
// What every gRPC command of sevisctl does around its call: the DSO's bearer token, the deadline,
// the failure message with a hint, the exit code, and printing the reply.

#include <functional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace sevisflow::sevisctl {

// Which service a call goes to: its name in messages, its address and the flag / variable
// that set it (e.g. {"builder", "127.0.0.1:50052", "--builder, $SEVISFLOW_BUILDER_ADDR"}).
struct Target {
  const char* name;
  std::string address;
  const char* how;
};

// Prints the message; kReviewBadArguments.
int BadArguments(const absl::Status& status);

// Prints "<service>: <CODE>: <message>" and a hint (unreachable: the address and its flag; a bad
// token: where tokens come from; ABORTED: try again). kReviewBadArguments for INVALID_ARGUMENT,
// else kReviewCallFailed.
int ReportFailure(const grpc::Status& status, const Target& target);

// One call with the DSO's token (--token-file, $SEVISFLOW_TOKEN_FILE, $SEVISFLOW_TOKEN) and a
// deadline of timeout_ms: kReviewOk when `call(context)` succeeded, else the exit code (the
// reason printed on stderr). Without a token nothing is sent.
int AuthenticatedCall(const std::string& token_file, int timeout_ms, const Target& target,
                      const std::function<grpc::Status(grpc::ClientContext*)>& call);

// stdout, flushed; kReviewOk.
int Print(const std::string& text);
// The message as protobuf JSON; kReviewCallFailed when it cannot be printed.
int PrintJson(const google::protobuf::Message& message);

}  // namespace sevisflow::sevisctl
