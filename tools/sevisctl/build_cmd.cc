// sevisctl build: closes alerts read from a file into SEVIS batch documents, offline (no Kafka,
// no Redis, no builder). The work is done by RunBuild (build_offline.h, unit-tested); this file
// only declares the flags.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "build_offline.h"
#include "commands.h"

namespace sevisflow::sevisctl {

void AddBuildCommands(CLI::App& app) {
  auto flags = std::make_shared<BuildFlags>();
  CLI::App* cmd = app.add_subcommand(
      "build",
      "Close an organisation's alerts (JSON lines, as `sevisctl detect` prints them) into "
      "XSD-valid SEVIS batch documents, as the builder does, and write them to a folder");
  cmd->add_option("--alerts", flags->alerts,
                  "JSON lines, one sevisflow.v1.Alert per line (- for stdin)")
      ->required();
  cmd->add_option("--org", flags->org, "SEVIS school code or program number; other "
                                       "organisations' alerts are skipped")
      ->required();
  cmd->add_option("--user", flags->user,
                  "the SEVIS userID written into each document (10 characters)")
      ->required();
  cmd->add_option("--out", flags->out, "folder for <batchID>.xml and <batchID>.records.json "
                                       "(created when missing; files are never overwritten)")
      ->required();
  cmd->add_option("--xsd-dir", flags->xsd_dir,
                  "XSD bundle folder holding 6.55/ and 6.27/ (default: $SEVISFLOW_XSD_DIR, else "
                  "the bundle of the build)");
  cmd->add_option("--batch-prefix", flags->batch_prefix,
                  "batch ID prefix, 1-13 letters or digits")
      ->capture_default_str();
  cmd->add_option("--first-sequence", flags->first_sequence,
                  "sequence number of the first batch ID (prefix + zero-padded sequence = 14 "
                  "characters)")
      ->capture_default_str();
  cmd->add_option("--max-per-section", flags->max_per_section,
                  "at most this many creates and this many updates per document (1-250)")
      ->capture_default_str();
  cmd->footer(
      "Exit codes: 0 every alert went into a document; 1 a document could not be written; 2 "
      "bad input or flags (nothing written); 3 documents written, but some alerts were "
      "returned (XSD) or could not be planned (listed on stderr).");
  cmd->callback([flags] {
    const int code = RunBuild(*flags, std::cin, std::cout, std::cerr);
    if (code != kBuildOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace sevisflow::sevisctl
