#pragma once
// A realistic synthetic population for benchmarks (never real people): N persons, a F-1 / M-1 /
// J-1 mix over several schools (school codes) and exchange programs (program numbers), with
// dependents, employment, enrolment in the run control's terms, plans, effective-dated I-20 /
// DS-2019 rows (history and future-dated rows), addresses, visas, port-of-entry rows and names in
// several scripts. See tools/sisgen/README.md.
//
//   sisgen::PopulationOptions options{.count = 1'000'000, .seed = 7};
//   sisgen::ForEachPerson(options, [&](const sisgen::PopulationPerson& p) { publish(p); });
//
// Person i depends only on (options, i): GeneratePerson(options, i) equals the i-th person of
// ForEachPerson, so a million persons stream in O(1) memory and a change to person i can be made
// without the others. Same options, same bytes, on every platform (own PRNG, no std::
// distributions).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::sisgen {

struct PopulationOptions {
  int64_t count = 1000;
  uint64_t seed = 1;
  int m1_percent = 8;    // share of M-1 students among all persons
  int j1_percent = 12;   // share of J-1 exchange visitors among all persons; the rest is F-1
  int orgs = 3;          // school codes (F/M) and as many J program numbers
  std::string id_prefix = "POP";  // person ids are <prefix><9 digits>
  // The day the population describes: the run controls' current term contains it.
  std::string today = "2026-10-01";
};

enum class VisaKind { kF1, kM1, kJ1 };

struct PopulationPerson {
  int64_t index = 0;
  VisaKind visa = VisaKind::kF1;
  std::string org;                 // school code or program number of the current form row
  v1::SisPersonSnapshot snapshot;  // version 1
};

// The school codes ("SGN214F<5 digits>000") and program numbers ("P-1-<5 digits>") of the
// population, in order: org k of each list for k in [0, orgs).
std::vector<std::string> SchoolCodes(const PopulationOptions& options);
std::vector<std::string> ProgramNumbers(const PopulationOptions& options);

// The run control of every org (school codes, then program numbers): the fall term containing
// `today` as current term, spring next, for each institution and career the population uses.
std::vector<v1::RunControl> RunControls(const PopulationOptions& options);

// Person `index` (0-based) alone.
PopulationPerson GeneratePerson(const PopulationOptions& options, int64_t index);

// Persons 0 .. count-1 in order, one at a time (O(1) memory). Stops early when `visit` returns
// false.
void ForEachPerson(const PopulationOptions& options,
                   const std::function<bool(const PopulationPerson&)>& visit);

// Person id of `index` (the snapshot's person_id).
std::string PopulationPersonId(const PopulationOptions& options, int64_t index);

}  // namespace sevisflow::sisgen
