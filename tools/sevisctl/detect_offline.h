#pragma once
// The offline core of `sevisctl detect`: SIS snapshots, the SEVIS Master and run controls read
// from files, the F/M rules run over them (rules::DetectFm) and the alerts returned in a
// deterministic order. No Kafka, no Redis.
//
//   DetectResult result = DetectFiles(inputs);
//   if (!result.errors.empty()) std::cerr << FormatErrors(result.errors);  // refused whole
//
// Input errors name the file, the line and the field, never a value of the person (names,
// dates of birth, ids): the files hold personal data, stderr ends up in CI logs.

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::sevisctl {

// Exit codes of `sevisctl detect`.
inline constexpr int kDetectOk = 0;        // alerts printed (possibly none)
inline constexpr int kDetectInternal = 1;  // an alert could not be printed as JSON
inline constexpr int kDetectBadInput = 2;  // an input was refused; nothing printed on stdout

// At most this many errors are printed, then "... N more".
inline constexpr size_t kMaxErrorsShown = 20;

// One problem of an input: "<file>:<line>: <message>", or "<file>: <message>" when it concerns
// the whole file (line 0). `message` is "<field>: <reason>" when a field is to blame.
struct InputError {
  std::string file;
  int line = 0;
  std::string message;
  std::string ToString() const;
  bool operator==(const InputError&) const = default;
};

// One error per line (each ending in '\n'); past `max_shown`, one "... N more" line.
std::string FormatErrors(const std::vector<InputError>& errors,
                         size_t max_shown = kMaxErrorsShown);

// Protobuf's JSON parser message turned into "<field>: <reason>" or "invalid JSON: <reason>",
// without the echo of the input the parser adds (it may hold personal data).
std::string DescribeJsonError(std::string_view parser_message);

// --- S.jsonl: one sevisflow.v1.SisPersonSnapshot per line (protobuf JSON, unknown fields
// refused, blank lines skipped). One snapshot per person: the highest version wins; two lines
// of the same person and version are accepted only when they are identical.
struct LoadedSnapshots {
  std::vector<v1::SisPersonSnapshot> snapshots;  // ordered by person_id
  std::vector<InputError> errors;
};
LoadedSnapshots ParseSnapshots(std::string_view file, std::string_view text);
LoadedSnapshots LoadSnapshots(const std::string& path);

// --- M.jsonl: one sevisflow.v1.MasterRecord per line; org_id and person_id required. The file
// is read like a dump of the compacted sevis.master topic: a later line of the same
// (org_id, person_id) replaces an earlier one, and `deleted: true` makes the record absent.
class MasterIndex {
 public:
  // The record of (org, person), nullopt when there is none or it is deleted.
  // Null when absent or deleted; valid until the index changes.
  const v1::MasterRecord* Find(std::string_view org, std::string_view person) const;
  void Put(v1::MasterRecord record);
  size_t size() const { return records_.size(); }  // deleted ones included

 private:
  std::map<std::pair<std::string, std::string>, v1::MasterRecord> records_;
};
struct LoadedMaster {
  MasterIndex master;
  std::vector<InputError> errors;
};
LoadedMaster ParseMaster(std::string_view file, std::string_view text);
LoadedMaster LoadMaster(const std::string& path);

// --- RC.json: one sevisflow.v1.RunControl object, a JSON array of them, or one object per
// line; each is checked with rules::ValidateRunControl (one error per violation) and at most
// one run control per org_id. Errors carry the line where the object starts.
struct LoadedRunControl {
  v1::RunControl run_control;
  int line = 0;
};
struct LoadedRunControls {
  std::map<std::string, LoadedRunControl> by_org;  // trimmed org_id
  std::vector<InputError> errors;
};
LoadedRunControls ParseRunControls(std::string_view file, std::string_view text);
LoadedRunControls LoadRunControls(const std::string& path);

// --- SETUP.yaml: the keys of the detector's `detector.setup` section, at the top level
// (legal_name_type, preferred_name_type, passport_name_type, dummy_first_name,
// us_address_type, foreign_address_type, major_plan_types, minor_plan_types). Unknown keys and
// bad values are errors; environment variables do not override the file. Empty path: defaults.
struct LoadedSetup {
  rules::Setup setup;
  std::vector<InputError> errors;
};
LoadedSetup ParseSetup(std::string_view file, std::string_view yaml);
LoadedSetup LoadSetup(const std::string& path);

// --today: empty means the UTC date of `clock`; anything else must be YYYY-MM-DD
// (InvalidArgument naming --today otherwise).
absl::StatusOr<common::Date> ResolveToday(std::string_view flag, const common::Clock& clock);

// By person, org, event, subject, then alert id: the output order of `sevisctl detect`.
void SortAlerts(std::vector<v1::Alert>& alerts);

// The rules over loaded inputs: rules::DetectFm per snapshot, detected_at = <today>T00:00:00Z,
// sorted by person, org, event, subject (then alert id).
std::vector<v1::Alert> DetectAlerts(const std::vector<v1::SisPersonSnapshot>& snapshots,
                                    const MasterIndex& master,
                                    const std::map<std::string, LoadedRunControl>& run_controls,
                                    const rules::Setup& setup, common::Date today);

struct DetectInputs {
  std::string snapshots_path;
  std::string master_path;       // empty: no SEVIS Master rows (only Create Student can fire)
  std::string run_control_path;  // empty: no run control
  std::string setup_path;        // empty: rules::Setup{} defaults
  std::string xsd_dir;           // empty: common::DefaultXsdDir(); codes from 6.55/SEVISTable.xsd
  common::Date today;
};

struct DetectResult {
  std::vector<v1::Alert> alerts;     // empty whenever `errors` is not
  std::vector<InputError> errors;    // any: the input is refused whole
  std::vector<InputError> warnings;  // run control remarks ("warning: <field>: ...")
};

// Reads and checks every input, then runs the rules. Every error of every file is collected.
DetectResult DetectFiles(const DetectInputs& inputs);

// The command's flags as given (strings, unchecked).
struct DetectFlags {
  std::string snapshots;
  std::string master;
  std::string run_control;
  std::string today;
  std::string setup;
  std::string xsd_dir;
};

// `sevisctl detect`: alerts as JSON lines (protobuf JSON mapping of sevisflow.v1.Alert) on
// `out`, warnings and errors on `err`; returns the exit code.
int RunDetect(const DetectFlags& flags, const common::Clock& clock, std::ostream& out,
              std::ostream& err);

}  // namespace sevisflow::sevisctl
