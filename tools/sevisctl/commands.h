#pragma once
// sevisctl sub-commands. Each <area>_cmd.cc defines one Add<Area>Commands that registers its
// sub-commands on the app; main.cc calls them all. A sub-command's callback prints results to
// stdout, reasons to stderr, and reports failure by throwing CLI::RuntimeError(exit_code)
// (CLI11's own mechanism: main turns it into the process exit code). A command-line usage
// error (unknown flag, missing required flag) exits with kUsageError.

#include <CLI/CLI.hpp>

namespace sevisflow::sevisctl {

// The exit code of a command-line usage error, the same as every command's "bad arguments".
inline constexpr int kUsageError = 2;

// sevisctl topics ensure|list
void AddTopicsCommands(CLI::App& app);
// sevisctl status (gRPC health of every service)
void AddStatusCommands(CLI::App& app);
// sevisctl whoami, alerts list|show|select|deselect|reject|add, batch close|list,
// supplemental get|set|clear, audit (builder ReviewService)
void AddReviewCommands(CLI::App& app);
// sevisctl validate FILE... (offline: XML against the official XSD)
void AddValidateCommands(CLI::App& app);
// sevisctl alerts run ORG, runctl get|set (detector DetectorService); adds to "alerts"
void AddDetectorCommands(CLI::App& app);
// sevisctl detect (offline: snapshots + master + run control -> alerts as JSON lines)
void AddDetectCommands(CLI::App& app);
// sevisctl build (offline: alerts -> XSD-valid batch documents in a folder)
void AddBuildCommands(CLI::App& app);
// sevisctl uploads list|retry|cancel (uploader UploadService), documents (importer)
void AddUploadCommands(CLI::App& app);

}  // namespace sevisflow::sevisctl
