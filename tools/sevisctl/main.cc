// sevisctl: the operator's CLI. Sub-commands plug in through commands.h.

#include <CLI/CLI.hpp>

#include <string>

#include "commands.h"
#include "sevisflow/common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"sevisflow operator CLI", "sevisctl"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  // Logging is set up once parsing is done, before any sub-command runs.
  app.parse_complete_callback([&log_level] {
    sevisflow::common::LoggingOptions options;
    options.level = log_level;
    sevisflow::common::InitLogging(options);
  });

  sevisflow::sevisctl::AddTopicsCommands(app);
  sevisflow::sevisctl::AddStatusCommands(app);
  sevisflow::sevisctl::AddReviewCommands(app);
  sevisflow::sevisctl::AddValidateCommands(app);
  sevisflow::sevisctl::AddDetectorCommands(app);
  sevisflow::sevisctl::AddDetectCommands(app);
  sevisflow::sevisctl::AddBuildCommands(app);
  sevisflow::sevisctl::AddUploadCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own exit code (its reasons are already printed)
  } catch (const CLI::ParseError& e) {
    // --help is a "parse error" too (exit 0); every real usage error is "bad arguments".
    const int code = app.exit(e);
    return code == 0 ? 0 : sevisflow::sevisctl::kUsageError;
  }
  return 0;
}
