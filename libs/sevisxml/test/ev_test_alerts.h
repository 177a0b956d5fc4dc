#pragma once
// Synthetic exchange-visitor (J) alerts for the sevisxml tests, shaped as the J rules
// (libs/rules/src/j_*.cc) and, for manual events, a DSO fill them. Every value is made up.

#include <string>
#include <vector>

#include "sevisflow/v1/alert.pb.h"

namespace sevisflow::sevisxml::testing {

// The program number the factories use as OrgID.
inline constexpr char kEvOrgId[] = "P-1-12345";

// Every J event of alert.proto (codes 100 and up), read from the enum descriptor so that a new
// code is picked up by the tests that iterate it.
std::vector<sevisflow::v1::EventType> AllEvEvents();

// SEVIS ids of the synthetic exchange visitor `n` and of its dependent `n`.
std::string EvSevisId(int n);
std::string EvDependentSevisId(int n);

// A Create Exchange Visitor alert with `dependents` J-2 dependents (SIS ids "D<n>-<i>") and
// `sites` sites of activity (the second one EXEMPT, the others SOA with an address).
sevisflow::v1::Alert MakeCreateEvAlert(int n, int dependents, int sites);

// A realistic alert of `event` (any J event) for exchange visitor `n`: the data member the
// event needs, sevis_id for updates. An event the factory does not know gets no data, so the
// tests fail for a new code until it is added here.
sevisflow::v1::Alert MakeEvAlert(sevisflow::v1::EventType event, int n);

}  // namespace sevisflow::sevisxml::testing
