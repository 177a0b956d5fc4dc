#pragma once
// What every F/M update event reads, resolved once per person: the rule book's "Selection
// Criteria for All Events Listed Below" (F-1/M-1 by Port of Entry, else Visa/Permit; the most
// recent effective-dated I-20 Active with Funding Verified; SEVIS status Initial or Active),
// the SEVIS Master row of the I-20's school code and that school's run control.
//
// Each event group lives in its own file and appends its detections:
//   fm_status.cc        Status - Cancel, Complete, Terminate, Verify; Request Cap-Gap Extension
//   fm_registration.cc  Registration; Auth Drop Below FC - Add
//   fm_employment.cc    CPT / Off Campus / OPT Employment; OPT Report Participation; OPT Employer
//   fm_person.cc        Personal Info; Dependent - Add, Cancel, Edit, Reactivate, Terminate;
//                       Financial Info
//   fm_program.cc       Education Level - Cancel, Change; Program - Cancel Extension, Manage
//                       Session, Edit, Extension, Shorten
//   fm_manual.cc        preconditions of the events a DSO adds by hand

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevisflow/common/clock.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/run_control.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::rules {

struct FmContext {
  const v1::SisPersonSnapshot* snapshot = nullptr;
  const Setup* setup = nullptr;
  common::Date today;
  std::string org;                             // school code of the current I-20
  std::string visa_type;                       // "01" F-1 or "02" M-1
  const v1::I20Form* i20 = nullptr;            // current I-20: Active, Funding Verified
  const v1::MasterRecord* master = nullptr;    // SEVIS Master row: Initial or Active
  const v1::RunControl* run_control = nullptr; // null when the school has none

  bool Initial() const { return master->sevis_status() == v1::SEVIS_STATUS_INITIAL; }
  bool Active() const { return master->sevis_status() == v1::SEVIS_STATUS_ACTIVE; }
  bool IsM1() const { return visa_type == "02"; }
  // Run control "Validate SEVIS CIP Code"; true without a run control.
  bool ValidateCip() const { return run_control == nullptr || run_control->validate_cip(); }
  // "Trigger Complete Program After" for the student's visa; nullopt when blank.
  std::optional<int> CompleteAfterDays() const;
  // Run control rows ("Academic Information Selection"); empty without a run control.
  std::vector<const v1::TermSelection*> Terms() const;
  // The run control row of an institution and career (trimmed, case-insensitive), or null.
  const v1::TermSelection* TermFor(std::string_view institution, std::string_view career) const;
};

// Resolves the context; nullopt when the selection criteria do not hold (not F/M, no current
// Active+Funded I-20, no school code, no master row, or SEVIS status not Initial/Active).
std::optional<FmContext> MakeFmContext(const v1::SisPersonSnapshot& snapshot,
                                       const v1::MasterRecord* master,
                                       const v1::RunControl* run_control, const Setup& setup,
                                       common::Date today);

// Builds the Detection of an update event. `alert` carries the event data (its oneof) and the
// changes; this sets org, person, visa family, SEVIS id, event, subject, snapshot version and
// issues, then the alert id over (org, person, event, subject, data, changes) — issues and
// versions do not change the id, so the same finding is never emitted twice.
Detection MakeDetection(const FmContext& ctx, v1::EventType event, std::string subject,
                        v1::Alert alert, std::vector<v1::ValidationIssue> issues = {});

// Appends one FieldChange when the two values differ.
void AddChange(v1::Alert& alert, std::string_view field, std::string_view sevis_value,
               std::string_view sis_value);

// The event groups.
void DetectFmStatusEvents(const FmContext& ctx, std::vector<Detection>& out);
void DetectFmRegistrationEvents(const FmContext& ctx, std::vector<Detection>& out);
void DetectFmEmploymentEvents(const FmContext& ctx, std::vector<Detection>& out);
void DetectFmPersonEvents(const FmContext& ctx, std::vector<Detection>& out);
void DetectFmProgramEvents(const FmContext& ctx, std::vector<Detection>& out);

// Manual-only events (and the manual entry of Auth Drop Below FC - Add, Status - Complete,
// Status - Terminate): may a DSO add `event` for this person now? `unmet` lists the rule-book
// conditions that do not hold, in the rule book's words. `subject` is the dependent id for
// Dependent - Reprint.
struct ManualCheck {
  bool allowed = false;
  std::vector<std::string> unmet;
};
ManualCheck CheckManualFm(v1::EventType event, const v1::SisPersonSnapshot& snapshot,
                          const std::optional<v1::MasterRecord>& master, std::string_view subject,
                          const Setup& setup, common::Date today);

}  // namespace sevisflow::rules
