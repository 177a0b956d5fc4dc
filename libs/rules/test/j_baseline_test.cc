// The baseline every J event test starts from: an active J-1 student-category exchange visitor
// whose SEVIS Master matches the SIS. Nothing may fire on it.
#include <gtest/gtest.h>

#include "sevisflow/rules/j_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ActiveJMaster;
using testing::BaselineToday;
using testing::JRunControl;
using testing::RunJ;
using testing::ValidJ1;

TEST(JBaseline, MatchingMasterGivesNoEvent) {
  auto d = RunJ(ValidJ1(), ActiveJMaster(), JRunControl(), rules::Setup{}, BaselineToday());
  for (const auto& x : d) ADD_FAILURE() << "unexpected " << v1::EventType_Name(x.alert.event_type())
                                        << " subject '" << x.alert.subject() << "'";
  EXPECT_TRUE(d.empty());
}

TEST(JBaseline, SelectionCriteria) {
  EXPECT_TRUE(SelectJVisa(ValidJ1()));
  auto f1 = ValidJ1();
  f1.mutable_port_of_entry(0)->set_immigration_status("01");
  EXPECT_FALSE(SelectJVisa(f1));
  // Blank immigration status: a Visa/Permit 03 where the country is USA.
  auto by_visa = ValidJ1();
  by_visa.mutable_port_of_entry(0)->set_immigration_status("");
  EXPECT_FALSE(SelectJVisa(by_visa));
  auto* visa = by_visa.add_visas();
  visa->set_visa_type("03");
  visa->set_country("GER");
  EXPECT_FALSE(SelectJVisa(by_visa));
  visa->set_country("USA");
  EXPECT_TRUE(SelectJVisa(by_visa));
  EXPECT_TRUE(IsStudentCategory("1a"));
  EXPECT_TRUE(IsStudentCategory("1F"));
  EXPECT_FALSE(IsStudentCategory("1G"));
  EXPECT_FALSE(IsStudentCategory("03"));
}

TEST(JBaseline, CompletedVisitorGetsNoUpdateEvent) {
  // "SEVIS Status on the SEVIS Master component is Initial, Inactive or Active."
  auto master = ActiveJMaster();
  master.set_sevis_status(v1::SEVIS_STATUS_COMPLETED);
  master.set_position_code("999");
  EXPECT_TRUE(RunJ(ValidJ1(), master, JRunControl(), rules::Setup{}, BaselineToday()).empty());
}

TEST(JBaseline, UnfundedDs2019GetsNoUpdateEvent) {
  auto s = ValidJ1();
  s.mutable_ds2019(0)->set_funding_verified(false);
  auto master = ActiveJMaster();
  master.set_position_code("999");
  EXPECT_TRUE(RunJ(s, master, JRunControl(), rules::Setup{}, BaselineToday()).empty());
}

TEST(JBaseline, DetectAllRunsTheRuleBookOfThePersonsVisa) {
  // An F-1 student and a J-1 exchange visitor without SEVIS records: each gets the create of
  // its own rule book, reported to its own organisation.
  MasterLookup none = [](const std::string&) -> const v1::MasterRecord* { return nullptr; };
  RunControlLookup no_rc = [](const std::string&) -> const v1::RunControl* { return nullptr; };
  auto f = DetectAll(testing::ValidF1(), none, no_rc, rules::Setup{}, BaselineToday());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].alert.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
  EXPECT_EQ(f[0].alert.visa_family(), v1::VISA_FAMILY_FM);
  auto j = DetectAll(ValidJ1(), none, no_rc, rules::Setup{}, BaselineToday());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].alert.event_type(), v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  EXPECT_EQ(j[0].alert.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(j[0].alert.org_id(), "P-1-12345");
}

}  // namespace
}  // namespace sevisflow::rules
