#pragma once
// The pure half of the operator's upload and document commands (upload_cmd.cc): command-line
// values turned into sevisflow.v1.UploadService (uploader) and ImportService (importer)
// requests. No gRPC call is made here, so every mapping is unit-tested.
//
//   absl::StatusOr<v1::ListUploadsRequest> request = MakeListUploadsRequest(org, states);
//   if (!request.ok()) { std::cerr << request.status().message() << "\n"; return 2; }

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "review_args.h"
#include "sevisflow/v1/import_service.pb.h"
#include "sevisflow/v1/upload_service.pb.h"

namespace sevisflow::sevisctl {

// The uploader's batch states (UploadState.state), in the order a batch goes through them.
inline constexpr const char* kUploadStates[] = {"PENDING",  "UPLOADING", "UPLOADED", "DOWNLOADED",
                                                "REJECTED", "FAILED",    "CANCELLED"};

// "failed", "FAILED", " Failed " -> "FAILED"; InvalidArgument naming --state for anything that
// is not one of kUploadStates.
absl::StatusOr<std::string> ParseUploadState(std::string_view text);

// sevisctl uploads list: org may be empty (every org); each state parsed, each sent once in
// the order given (none: every state).
absl::StatusOr<v1::ListUploadsRequest> MakeListUploadsRequest(
    std::string_view org, const std::vector<std::string>& states);

// sevisctl uploads retry|cancel: both --org and --batch are required; the batch ID is SEVIS's
// BatchIDType: exactly 14 characters (printable ASCII, no blanks).
absl::StatusOr<v1::RetryUploadRequest> MakeRetryUploadRequest(std::string_view org,
                                                              std::string_view batch);
absl::StatusOr<v1::CancelUploadRequest> MakeCancelUploadRequest(std::string_view org,
                                                                std::string_view batch);

// sevisctl documents: the filed I-20 / DS-2019 PDFs of one person at one org.
absl::StatusOr<v1::ListDocumentsRequest> MakeListDocumentsRequest(std::string_view org,
                                                                  std::string_view person);

}  // namespace sevisflow::sevisctl
