// PLACEHOLDER until written.
#include "sevisflow/rules/fm_context.h"
namespace sevisflow::rules {
ManualCheck CheckManualFm(v1::EventType, const v1::SisPersonSnapshot&,
                          const std::optional<v1::MasterRecord>&, std::string_view, const Setup&,
                          common::Date) {
  return {};
}
}  // namespace sevisflow::rules
