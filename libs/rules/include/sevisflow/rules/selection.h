#pragma once
// Building blocks of the F/M trigger logic (rule book: "Create Student" and "Selection Criteria
// for All Events Listed Below"), exposed so each can be tested and reused by later events.
// The choices made where the rule book is ambiguous are in docs/rule-decisions.md.

#include <optional>
#include <string>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::rules {

inline constexpr char kVisaF1[] = "01";
inline constexpr char kVisaM1[] = "02";
inline constexpr char kNoCip[] = "00.0000";

enum class VisaSource { kPortOfEntry, kVisaPermit };

struct FmVisa {
  std::string visa_type;  // "01" F-1 or "02" M-1
  VisaSource source = VisaSource::kPortOfEntry;
};

// "The student has an immigration status on the Port of Entry Data page that equals the SEVIS
// visa type 01 (F-1) or 02 (M-1). OR If the Immigration Status field is blank on the Port of
// Entry Data page, the student has a visa type on the Visa/Permit Data page that equals SEVIS
// visa type 01 (F-1) or 02 (M-1) [where the country is USA]."
// The newest Port of Entry row decides (by entry date; a tie goes to the later row of the feed).
// `require_usa` is the Create Student variant; the general selection criteria omit the country.
std::optional<FmVisa> SelectFmVisa(const v1::SisPersonSnapshot& snapshot, bool require_usa);

// "The most recent effective-dated I-20 form": the row with the greatest effective date that is
// not after `today` (PeopleSoft's current row); a tie goes to the later row of the feed. Rows
// without a valid date are ignored. Null when no row qualifies.
const v1::I20Form* CurrentI20(const v1::SisPersonSnapshot& snapshot, common::Date today);

// "Active" and "Funding Verified = Y" on the current I-20.
bool I20ActiveAndFunded(const v1::I20Form& i20);

struct Majors {
  std::string primary;    // CIP code, empty when none
  std::string secondary;  // CIP code, or 00.0000 for F-1 when none
  std::string minor;      // CIP code, or 00.0000 for F-1 when none
  bool from_application = false;  // true when the application plans were used
};

// "Program - Edit": primary major, secondary major and minor from the student plans, or, when
// the student plans give no major, from the application plans. For F-1 an empty secondary major
// or minor becomes 00.0000 ("Note: For F-1 students ...").
Majors SelectMajors(const v1::SisPersonSnapshot& snapshot, const Setup& setup,
                    const std::string& visa_type);

}  // namespace sevisflow::rules
