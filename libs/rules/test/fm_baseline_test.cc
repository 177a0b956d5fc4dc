// The baseline every F/M event test starts from: a registered, active F-1 student whose SEVIS
// Master matches the SIS. Nothing may fire on it (a spurious event is work for a DSO).
#include <gtest/gtest.h>

#include "sevisflow/rules/detect.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ActiveMaster;
using testing::BaselineToday;
using testing::FallRunControl;
using testing::RegisteredF1;
using testing::RunFm;

TEST(FmBaseline, MatchingMasterGivesNoEvent) {
  auto d = RunFm(RegisteredF1(), ActiveMaster(), FallRunControl(), rules::Setup{}, BaselineToday());
  for (const auto& x : d) ADD_FAILURE() << "unexpected " << v1::EventType_Name(x.alert.event_type())
                                        << " subject '" << x.alert.subject() << "'";
  EXPECT_TRUE(d.empty());
}

TEST(FmBaseline, NoUpdateEventWithoutMasterRowOnlyCreate) {
  auto d = RunFm(RegisteredF1(), std::nullopt, FallRunControl(), rules::Setup{}, BaselineToday());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].alert.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
}

TEST(FmBaseline, CompletedStudentGetsNoUpdateEvent) {
  // "Selection Criteria for All Events": SEVIS Status Initial or Active.
  auto master = ActiveMaster();
  master.set_sevis_status(v1::SEVIS_STATUS_COMPLETED);
  master.set_tuition(1);  // a difference that would otherwise be Financial Info
  EXPECT_TRUE(RunFm(RegisteredF1(), master, FallRunControl(), rules::Setup{}, BaselineToday()).empty());
}

TEST(FmBaseline, InactiveI20GetsNoUpdateEvent) {
  auto s = RegisteredF1();
  s.mutable_i20(0)->set_effective_status(v1::FORM_STATUS_INACTIVE);
  auto master = ActiveMaster();
  master.set_tuition(1);
  EXPECT_TRUE(RunFm(s, master, FallRunControl(), rules::Setup{}, BaselineToday()).empty());
}

}  // namespace
}  // namespace sevisflow::rules
