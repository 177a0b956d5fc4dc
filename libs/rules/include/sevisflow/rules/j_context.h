#pragma once
// J-1 exchange visitors (rule book: "Process SEVIS Alerts - J"). What every J update event reads,
// resolved once per person: the rule book's "Selection Criteria for All Events Listed Below"
// (J-1 by Port of Entry immigration status, else a Visa/Permit 03 with country USA; the most
// recent effective-dated DS-2019 Active with Funding Verified; SEVIS status Initial, Inactive or
// Active), the SEVIS Master row of the DS-2019's program number and its run control.
//
// Event groups, one file each:
//   j_create.cc    Create Exchange Visitor
//   j_person.cc    Biographical; Dependent - Add, Delete, Edit, End Status, Terminate;
//                  Financial Info
//   j_program.cc   Program - Amend, Edit Subject, Extension, Matriculate, Shorten;
//                  Site of Activity - Add, Delete, Edit; Validate
//   j_manual.cc    preconditions of the events a DSO / RO adds by hand

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/fm_context.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::rules {

inline constexpr char kVisaJ1[] = "03";

// "The exchange visitor's immigration status in port of entry data is SEVIS Visa Type 03 (J-1).
// OR If the Immigration Status field is blank on the Port of Entry Data page, the exchange
// visitor's visa type on the Visa Permit Data page is SEVIS Visa Type 03 (J-1) where the Country
// is USA." The newest Port of Entry row decides, as for F/M.
bool SelectJVisa(const v1::SisPersonSnapshot& snapshot);

// "The most recent effective-dated DS-2019 form": as CurrentI20 (greatest effective date not
// after today; a tie goes to the later row). Null when none qualifies.
const v1::Ds2019Form* CurrentDs2019(const v1::SisPersonSnapshot& snapshot, common::Date today);

// Status Active and Funding Verified Y on a DS-2019 row.
bool Ds2019ActiveAndFunded(const v1::Ds2019Form& ds2019);

// "Country of Birth is US or US Territory" (Create Exchange Visitor; also the Biographical and
// J-2 dependent birth-country reason): the United States and its territories among
// BirthCntryCodeType's FIPS codes. One list for every J rule that needs it.
bool BornInUsOrTerritory(std::string_view birth_country);

// Program categories of students ("1a, 1b, 1c, 1d, 1e, or 1f"; SEVIS codes 1A..1F).
bool IsStudentCategory(std::string_view category);

struct JContext {
  const v1::SisPersonSnapshot* snapshot = nullptr;
  const Setup* setup = nullptr;
  common::Date today;
  std::string org;                             // program number of the current DS-2019
  const v1::Ds2019Form* ds2019 = nullptr;      // current DS-2019: Active, Funding Verified
  const v1::MasterRecord* master = nullptr;    // SEVIS Master row: Initial, Inactive or Active
  const v1::RunControl* run_control = nullptr; // null when the sponsor has none

  bool Initial() const { return master->sevis_status() == v1::SEVIS_STATUS_INITIAL; }
  bool Active() const { return master->sevis_status() == v1::SEVIS_STATUS_ACTIVE; }
  bool Inactive() const { return master->sevis_status() == v1::SEVIS_STATUS_INACTIVE; }
  // Run control "Validate SEVIS CIP Code"; true without a run control.
  bool ValidateCip() const { return run_control == nullptr || run_control->validate_cip(); }
  // The run control row of an institution and career (trimmed, case-insensitive), or null.
  const v1::TermSelection* TermFor(std::string_view institution, std::string_view career) const;
};

// Nullopt when the selection criteria do not hold (not J-1, no current Active+Funded DS-2019,
// no program number, no master row, or SEVIS status not Initial/Inactive/Active).
std::optional<JContext> MakeJContext(const v1::SisPersonSnapshot& snapshot,
                                     const v1::MasterRecord* master,
                                     const v1::RunControl* run_control, const Setup& setup,
                                     common::Date today);

// As MakeDetection for F/M, with visa family J and the program number as the organisation.
Detection MakeJDetection(const JContext& ctx, v1::EventType event, std::string subject,
                         v1::Alert alert, std::vector<v1::ValidationIssue> issues = {});

// "Create Exchange Visitor": J-1 (visa 03 where the country is USA), current DS-2019 Active and
// Funding Verified, the birth-country reason rule, no SEVIS Master row for the program number.
std::optional<Detection> DetectCreateExchangeVisitor(const v1::SisPersonSnapshot& snapshot,
                                                     const MasterLookup& master,
                                                     const Setup& setup, common::Date today,
                                                     bool validate_cip = true);

// The event groups.
void DetectJPersonEvents(const JContext& ctx, std::vector<Detection>& out);
void DetectJProgramEvents(const JContext& ctx, std::vector<Detection>& out);

// Every J event of the rule book for one person.
std::vector<Detection> DetectJ(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                               const RunControlLookup& run_control, const Setup& setup,
                               common::Date today);

// The manual J events (Dependent - Reprint, Reprint, Status - Correct Infraction, Invalid,
// No Show, Terminate, and Validate for non-student categories): may a DSO add `event` now?
ManualCheck CheckManualJ(v1::EventType event, const v1::SisPersonSnapshot& snapshot,
                         const std::optional<v1::MasterRecord>& master, std::string_view subject,
                         const Setup& setup, common::Date today);

// Both rule books: the person's visa decides which runs (F/M, J, or neither).
std::vector<Detection> DetectAll(const v1::SisPersonSnapshot& snapshot, const MasterLookup& master,
                                 const RunControlLookup& run_control, const Setup& setup,
                                 common::Date today);
// CheckManualFm or CheckManualJ by the event's family.
ManualCheck CheckManual(v1::EventType event, const v1::SisPersonSnapshot& snapshot,
                        const std::optional<v1::MasterRecord>& master, std::string_view subject,
                        const Setup& setup, common::Date today);

}  // namespace sevisflow::rules
