// PLACEHOLDER until the event group is written.
#include "sevisflow/rules/fm_context.h"
namespace sevisflow::rules {
void DetectFmProgramEvents(const FmContext&, std::vector<Detection>&) {}
}  // namespace sevisflow::rules
