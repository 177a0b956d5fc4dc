#pragma once
// The offline core of `sevisctl build`: alerts read from a file (protobuf JSON lines, the
// output of `sevisctl detect`) are closed into SEVIS batch documents exactly as the builder
// closes a batch (batching::BuildBatches: one visa family per document, at most 250 creates and
// 250 updates, a person created once per document, every document validated against the
// official XSD and invalid records returned), and the documents are written to a folder.
// No Kafka, no Redis, no builder.
//
//   BuildFlags flags{.alerts = "A.jsonl", .org = "ABC214F12345000", .user = "dso0000001",
//                    .out = "out"};
//   int code = RunBuild(flags, std::cin, std::cout, std::cerr);
//
// Input errors name the file, the line and the field, never a value of the person (the file
// holds personal data; stderr ends up in CI logs).

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "detect_offline.h"
#include "sevisflow/batching/build.h"
#include "sevisflow/v1/alert.pb.h"

namespace sevisflow::sevisctl {

// Exit codes of `sevisctl build`.
inline constexpr int kBuildOk = 0;          // every alert of the org went into a document
inline constexpr int kBuildFailed = 1;      // a document could not be written (some may be)
inline constexpr int kBuildBadInput = 2;    // input or flags refused: nothing written
inline constexpr int kBuildIncomplete = 3;  // documents written, some alerts returned/unplanned

// --- A.jsonl: one sevisflow.v1.Alert per line (protobuf JSON, unknown fields refused, blank
// lines skipped). alert_id and org_id are required and an alert_id appears once in the file.
// Alerts of other organisations are counted and skipped.
struct LoadedAlerts {
  std::vector<v1::Alert> alerts;  // of the org, in file order (the order of selection)
  std::vector<int> lines;         // parallel to `alerts`: the line each came from
  int other_orgs = 0;             // alerts of other organisations (skipped)
  std::vector<InputError> errors;
};
LoadedAlerts ParseAlerts(std::string_view file, std::string_view text, std::string_view org);

// The command's flags as given (unchecked).
struct BuildFlags {
  std::string alerts;                 // file, or "-" for stdin
  std::string org;
  std::string user;                   // the SEVIS userID written into each document (10 chars)
  std::string out;                    // folder; created when missing
  std::string xsd_dir;                // empty: $SEVISFLOW_XSD_DIR, else the build's bundle
  std::string batch_prefix = "SF";    // as the builder's builder.batch_id_prefix
  int64_t first_sequence = 1;
  int max_per_section = batching::kMaxRecordsPerSection;
};

// The records file written next to each document (<out>/<batchID>.records.json): a
// sevisflow.v1.BatchDocument in protobuf JSON without the XML and without the alerts' data:
// batch ID, org, userID, family, schema version and, per record in document order, requestID,
// alert id, person id and event.
std::string RecordsJson(const batching::BuiltDocument& document, const std::string& org_id,
                        const std::string& user_id);

// `sevisctl build`: writes <out>/<batchID>.xml and <out>/<batchID>.records.json per valid
// document and prints one line per document on `out_stream` ("<batchID>\t<FM|J>\t<records>
// records\t<path>"); returned records (validator message and element path), alerts that could
// not be planned (reason) and a summary go to `err`. Returns the exit code. An existing file of
// the same name is never overwritten (batch IDs are unique for ever): the run is refused.
int RunBuild(const BuildFlags& flags, std::istream& in, std::ostream& out_stream,
             std::ostream& err);

}  // namespace sevisflow::sevisctl
