#pragma once
// The SEVIS Setup values the F/M rules read (rule book: "SEVIS Setup", "Address Mapping",
// academic plan types), loaded from the detector config (`detector.setup.*`).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sevisflow/rules/code_tables.h"

namespace sevisflow::rules {

struct Setup {
  // Name types (PersonName.name_type). Preferred/passport names are reported only when their
  // type is set (rule book: "only if a name type is defined in SEVIS Setup").
  std::string legal_name_type = "PRI";
  std::string preferred_name_type;
  std::string passport_name_type;
  // "Dummy First Name"; empty = none.
  std::string dummy_first_name;
  // Address Mapping: SIS address types of the U.S. and the foreign address.
  std::string us_address_type = "LOCL";
  std::string foreign_address_type = "HOME";
  // Academic plan types that count as majors / minors ("Program - Edit").
  std::vector<std::string> major_plan_types = {"MAJ"};
  std::vector<std::string> minor_plan_types = {"MIN"};
  // Instruction modes of the SEVIS Setup table ("Auth Drop Below FC - Add"): of the classes
  // with one of these modes only the one with the most units counts toward full time.
  std::vector<std::string> online_instruction_modes;
  // SEVIS code lists (SEVISTable.xsd). Null: only formats are checked.
  std::shared_ptr<const CodeTables> codes;
  // The school's CIP Code Table: CIP code -> its Valid SEVIS CIP Code ("" when the row says No).
  // Null: the valid codes are SEVISTable.xsd's ProgSubjectCodeType list.
  std::shared_ptr<const std::map<std::string, std::string>> cip_table;
};

}  // namespace sevisflow::rules
