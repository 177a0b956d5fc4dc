#pragma once
// A deterministic synthetic campus: the same options always give the same snapshots (and the
// same bytes), on every platform (own PRNG, no std:: distributions). Mostly F-1, some M-1, a
// few J-1 (which Create Student must ignore). Every code comes from SEVISTable.xsd 6.55.

#include <cstdint>
#include <string>
#include <vector>

#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::sisgen {

struct CampusOptions {
  int count = 100;
  uint64_t seed = 1;
  std::string org = "ABC214F12345000";  // SEVIS school code on every I-20
  std::string id_prefix = "SIS";        // person ids are <prefix><7 digits>
  int j1_percent = 6;                   // share of J-1 exchange visitors (0 = students only)
};

// Kinds of generated people, for tests and summaries.
enum class Kind { kF1PortOfEntry, kF1VisaPermit, kM1, kJ1 };

struct GeneratedPerson {
  v1::SisPersonSnapshot snapshot;
  Kind kind = Kind::kF1PortOfEntry;
};

std::vector<GeneratedPerson> GenerateCampus(const CampusOptions& options);

// One snapshot as protobuf JSON on one line (field names as in the .proto, snake_case).
std::string ToJsonLine(const v1::SisPersonSnapshot& snapshot);

}  // namespace sevisflow::sisgen
