#include "sevisflow/rules/code_tables.h"

#include <gtest/gtest.h>

namespace sevisflow::rules {
namespace {

TEST(CodeTablesTest, ParsesEnumerations) {
  CodeTables t = CodeTables::FromXsdText(R"(
    <xs:simpleType name="GenderCodeType"><xs:restriction base="xs:string">
      <xs:enumeration value="M"/><xs:enumeration value="F">
        <xs:annotation><xs:documentation>x</xs:documentation></xs:annotation>
      </xs:enumeration></xs:restriction></xs:simpleType>
    <xs:simpleType name="Other"><xs:restriction base="xs:string">
      <xs:pattern value="\d{5}"/></xs:restriction></xs:simpleType>)");
  EXPECT_TRUE(t.Has("GenderCodeType"));
  EXPECT_TRUE(t.Accepts("GenderCodeType", "F"));
  EXPECT_FALSE(t.Accepts("GenderCodeType", "X"));
  EXPECT_FALSE(t.Has("Other"));  // no enumeration: no table
  EXPECT_TRUE(t.Accepts("Unknown", "anything"));
}

TEST(CodeTablesTest, LoadsOfficialSevisTable) {
  auto t = CodeTables::Load(std::string(SEVISFLOW_DEFAULT_XSD_DIR) + "/6.55/SEVISTable.xsd");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->Accepts(kCountryType, "PE"));
  EXPECT_FALSE(t->Accepts(kCountryType, "USA"));
  EXPECT_TRUE(t->Accepts(kStateType, "IL"));
  EXPECT_TRUE(t->Accepts(kEduLevelType, "04"));
  EXPECT_TRUE(t->Accepts(kCipType, "11.0701"));
  EXPECT_TRUE(t->Accepts(kCreationReasonType, "I"));
  EXPECT_FALSE(t->Accepts(kCreationReasonType, "N"));
}

TEST(CodeTablesTest, MissingFileIsAnError) {
  EXPECT_FALSE(CodeTables::Load("/nonexistent/SEVISTable.xsd").ok());
}

}  // namespace
}  // namespace sevisflow::rules
