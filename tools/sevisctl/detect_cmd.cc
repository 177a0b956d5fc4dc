// sevisctl detect: the F/M rules over files, offline (no Kafka, no Redis). The work is done by
// RunDetect (detect_offline.h, unit-tested); this file only declares the flags.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "commands.h"
#include "detect_offline.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::sevisctl {

void AddDetectCommands(CLI::App& app) {
  auto flags = std::make_shared<DetectFlags>();
  CLI::App* cmd = app.add_subcommand(
      "detect",
      "Run the F/M rules over SIS snapshots, the SEVIS Master and run controls read from files; "
      "print the alerts as JSON lines (exit 2 when an input is refused)");
  cmd->add_option("--snapshots", flags->snapshots,
                  "JSON lines, one sevisflow.v1.SisPersonSnapshot per line")
      ->required();
  cmd->add_option("--master", flags->master,
                  "JSON lines, one sevisflow.v1.MasterRecord per line (default: no SEVIS rows)");
  cmd->add_option("--run-control", flags->run_control,
                  "sevisflow.v1.RunControl: one JSON object, an array, or one per line");
  cmd->add_option("--today", flags->today, "run date YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--setup", flags->setup,
                  "YAML with the keys of the detector's detector.setup section");
  cmd->add_option("--xsd-dir", flags->xsd_dir,
                  "XSD bundle folder holding 6.55/SEVISTable.xsd (default: $SEVISFLOW_XSD_DIR, "
                  "else the bundle of the build)");
  cmd->callback([flags] {
    const common::SystemClock clock;
    const int code = RunDetect(*flags, clock, std::cout, std::cerr);
    if (code != kDetectOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace sevisflow::sevisctl
