#pragma once
// The human output of the upload and document commands (upload_cmd.cc), as strings; `--json`
// prints protobuf JSON instead (review_format.h ToJson). Pure, unit-tested.

#include <string>

#include "sevisflow/v1/import_service.pb.h"
#include "sevisflow/v1/upload_service.pb.h"

namespace sevisflow::sevisctl {

// sevisctl uploads list: BATCH ORG STATE RESULTS ATTEMPTS NEXT_ATTEMPT UPDATED CIRCUIT ERROR,
// then "N uploads". STATE carries " (stuck)" for a batch with no result after the uploader's
// stuck_after_seconds; RESULTS is "<upload code>/<download code>"; ATTEMPTS is
// "<uploads>/<downloads>" with "+<retries> retries" when some are pending.
std::string FormatUploadList(const v1::ListUploadsResponse& response);

// sevisctl uploads retry|cancel: "batch B <verb>: now STATE" then the batch as one table row.
std::string FormatUploadChange(const v1::UploadState& upload, const std::string& verb);

// sevisctl documents: BATCH KIND PATH, then "N documents".
std::string FormatDocuments(const v1::ListDocumentsResponse& response);

}  // namespace sevisflow::sevisctl
