#pragma once
// What the person events of both rule books share (F/M Personal Info and Dependent - Edit in
// fm_person.cc; J Biographical and Dependent - Edit in j_person.cc): value comparison into
// FieldChanges, and the name comparison of the rule book ("Character conversion is applied to
// the name record fields and SEVIS Master name values prior to the comparison"), done without
// ICU where the result is known and without allocation when raw values are byte-equal.

#include <cstdint>
#include <string_view>

#include <google/protobuf/repeated_ptr_field.h>

#include "internal.h"
#include "sevisflow/names/names.h"
#include "sevisflow/rules/setup.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow::rules::internal {

// The row whose type, trimmed, equals the SEVIS Setup type; null when the type is not set.
const v1::PersonName* FindNameOf(const google::protobuf::RepeatedPtrField<v1::PersonName>& rows,
                                 std::string_view type);
const v1::Address* FindAddressOf(const v1::SisPersonSnapshot& s, std::string_view type);

// Master relationship / site status strings (ACTIVE, INITIAL, ...) in any case.
bool StatusIs(std::string_view status, std::string_view upper);
const char* YesNo(bool b);

// One FieldChange for two trimmed values that differ.
void Compare(v1::Alert& alert, std::string_view field, std::string_view sevis,
             std::string_view sis);
// E-mail: a change of case alone is not reported.
void CompareEmail(v1::Alert& alert, std::string_view field, std::string_view sevis,
                  std::string_view sis);
void CompareAmount(v1::Alert& alert, std::string_view field, int64_t sevis, int64_t sis);

// The name values the SEVIS Master holds for the student or a dependent.
struct SevisNames {
  std::string_view last, first, middle, suffix, preferred, passport;
};

struct NameDiff {
  bool last = false, first = false, middle = false, suffix = false;
  bool preferred = false, passport = false;
  bool Any() const { return last || first || middle || suffix || preferred || passport; }
};

// Which names differ, both sides converted; Preferred and Passport Name only when SEVIS Setup
// names their type; Dummy First Name blanks First and Middle.
NameDiff CompareNames(const names::NameInput& sis, const Setup& setup, const SevisNames& sevis);
// The FieldChanges of the names that differ; SIS values as reported (converted).
void AddNameChanges(v1::Alert& alert, const NameDiff& diff, const SevisNames& sevis,
                    const names::StandardizedNames& sis);

}  // namespace sevisflow::rules::internal
