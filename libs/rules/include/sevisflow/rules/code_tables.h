#pragma once
// SEVIS code lists (country, state, education level, CIP ...) read from the official
// SEVISTable.xsd at start-up, so validation uses exactly the codes SEVIS accepts.

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sevisflow::rules {

// XSD simple type names used by the F/M rules.
inline constexpr char kCountryType[] = "CntryCodeWithoutType";
inline constexpr char kBirthCountryType[] = "BirthCntryCodeType";
inline constexpr char kStateType[] = "StateCodeType";
inline constexpr char kEduLevelType[] = "EduLevelCodeType";
inline constexpr char kGenderType[] = "GenderCodeType";
inline constexpr char kCipType[] = "ProgSubjectCodeType";
inline constexpr char kCipStudentOnlyType[] = "ProgSubjectCodeStudentOnlyType";
inline constexpr char kCreationReasonType[] = "StudentCreationReason";
inline constexpr char kStudentVisaType[] = "StudentVisaCodeType";

class CodeTables {
 public:
  CodeTables() = default;
  // Parses every <xs:simpleType name="..."> with <xs:enumeration value="..."/> children.
  static CodeTables FromXsdText(std::string_view xsd);
  // Reads SEVISTable.xsd; NotFound / InvalidArgument when unreadable or without any table.
  static absl::StatusOr<CodeTables> Load(const std::string& sevis_table_xsd_path);

  bool Has(std::string_view type) const { return tables_.count(std::string(type)) > 0; }
  // True when the table is unknown (nothing to check against) or holds the value.
  bool Accepts(std::string_view type, std::string_view value) const;
  const std::set<std::string>* Values(std::string_view type) const;
  size_t size() const { return tables_.size(); }
  void Add(std::string_view type, std::string_view value) {
    tables_[std::string(type)].insert(std::string(value));
  }

 private:
  std::map<std::string, std::set<std::string>> tables_;
};

}  // namespace sevisflow::rules
