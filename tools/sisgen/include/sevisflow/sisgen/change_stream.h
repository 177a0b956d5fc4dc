#pragma once
// A deterministic stream of realistic SIS edits against a population (population.h): each
// change is the person's whole new snapshot with a higher version, as a SIS publisher sends it.
//
//   sisgen::ChangeStream changes({.population = options, .seed = 9});
//   for (int n = 0; n < 1000; ++n) { sisgen::Change c = changes.Next(); publish(c.snapshot); }
//
// Change n depends only on (options, n) (ChangeAt), so the stream holds O(1) state. Each change
// edits the person's generated snapshot (GeneratePerson), not the result of an earlier change of
// the same person: two changes of one person are two alternative edits, the later one with the
// higher version (see tools/sisgen/README.md).

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "sevisflow/sisgen/population.h"

namespace sevisflow::sisgen {

enum class ChangeKind {
  kAddressChange,     // the U.S. (LOCL) address moves: Personal Info / Biographical
  kEnrollmentDrop,    // classes dropped at term start, below full time: Auth Drop Below FC - Add
  kFullTimeChange,    // classes added at term start (part time -> full time): no SEVIS event
  kProgramExtension,  // the program end date moves later: Program - Extension
  kOptEmployer,       // an F-1's OPT employer is added (or an OPT authorisation starts)
  kNewDependent,      // a spouse or child is added: Dependent - Add
  kNameChange,        // the legal last name changes: Personal Info / Biographical
};
inline constexpr int kChangeKindCount = 7;

std::string_view ChangeKindName(ChangeKind kind);

struct ChangeOptions {
  PopulationOptions population;
  uint64_t seed = 1;  // the change stream's own seed (the population keeps its own)
  // Relative weights of the kinds, in ChangeKind order (0 = never).
  std::array<int, kChangeKindCount> weights = {30, 15, 10, 15, 10, 10, 10};
};

struct Change {
  int64_t sequence = 0;       // n, from 0
  ChangeKind kind = ChangeKind::kAddressChange;
  int64_t person_index = 0;
  v1::SisPersonSnapshot snapshot;  // whole new picture; version = 2 + sequence
};

// Change n alone. A kind that does not apply to the picked person (e.g. OPT for a J-1) falls
// back to the address change, so `kind` is always what was done.
Change ChangeAt(const ChangeOptions& options, int64_t sequence);

class ChangeStream {
 public:
  explicit ChangeStream(ChangeOptions options) : options_(std::move(options)) {}
  Change Next() { return ChangeAt(options_, next_++); }
  int64_t produced() const { return next_; }

 private:
  ChangeOptions options_;
  int64_t next_ = 0;
};

}  // namespace sevisflow::sisgen
