// PLACEHOLDER until written.
#include "commands.h"
namespace sevisflow::sevisctl {
void AddDetectorCommands(CLI::App&) {}
}  // namespace sevisflow::sevisctl
