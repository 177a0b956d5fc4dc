// PLACEHOLDER until written.
#include "commands.h"
namespace sevisflow::sevisctl {
void AddDetectCommands(CLI::App&) {}
}  // namespace sevisflow::sevisctl
