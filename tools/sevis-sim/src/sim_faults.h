#pragma once
// Fault injection for tests of the clients' retry and recovery paths. Faults are queued from
// JSON (config key `faults`, flag --faults, or POST /sim/faults from loopback) and each is
// served to the next `count` matching requests, in the order they were queued:
//
//   {"faults": [{"kind": "http500", "on": "upload", "count": 2},
//               {"kind": "timeout", "on": "download", "count": 1, "seconds": 5},
//               {"kind": "slow", "on": "any", "count": 3, "seconds": 1},
//               {"kind": "drop", "on": "upload"},            // close without an answer
//               {"kind": "drop_after", "on": "upload"},      // process, then close silently
//               {"kind": "truncated_zip"}, {"kind": "corrupt_zip"},
//               {"kind": "not_yet_processed", "count": 3}]}
//   {"clear": true}                                          // drop every queued fault
//
// "on" is upload, download or any (default any; zip and not-yet-processed faults only apply to
// downloads of a processed batch). "count" defaults to 1, "seconds" (timeout, slow) to 1.
// Thread-safe.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace sevisflow::sim {

enum class FaultKind {
  kHttp500,          // HTTP 500, no processing
  kTimeout,          // no answer for `seconds`, then the connection is closed
  kSlow,             // the normal answer after `seconds`
  kDrop,             // connection closed without an answer, no processing
  kDropAfter,        // the request is handled (an upload is accepted), then closed silently
  kTruncatedZip,     // the result zip cut to half its length
  kCorruptZip,       // the result zip with bytes overwritten in its middle
  kNotYetProcessed,  // S0030 although the batch is processed
};

enum class FaultTarget { kUpload, kDownload, kAny };
enum class Endpoint { kUpload, kDownload };

struct Fault {
  FaultKind kind = FaultKind::kHttp500;
  FaultTarget on = FaultTarget::kAny;
  int count = 1;
  double seconds = 1;
};

std::string_view FaultKindName(FaultKind kind);

class FaultInjector {
 public:
  // Queues the faults of a JSON request (see above); InvalidArgument names the bad field and
  // queues nothing.
  absl::Status Apply(std::string_view json);
  void Add(const Fault& fault);
  void Clear();

  // Serves one transport fault (http500, timeout, slow, drop, drop_after) for the endpoint, if
  // one is queued: the first queued fault of those kinds matching it, counted as served.
  std::optional<Fault> TakeTransport(Endpoint endpoint);
  // Same for the download reply faults (truncated_zip, corrupt_zip, not_yet_processed).
  std::optional<Fault> TakeDownload();

  // {"<kind>": served, ...} plus "total".
  std::string ServedJson() const;
  int64_t served(FaultKind kind) const;
  size_t pending() const;  // queued faults with count left

 private:
  std::optional<Fault> Take(Endpoint endpoint, bool transport);

  mutable std::mutex mu_;
  std::deque<Fault> queue_;
  std::map<FaultKind, int64_t> served_;
};

// The zip faults applied to a result body.
std::string TruncateZip(const std::string& zip);
std::string CorruptZip(const std::string& zip);

}  // namespace sevisflow::sim
