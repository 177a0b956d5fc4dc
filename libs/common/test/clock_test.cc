#include "sevisflow/common/clock.h"

#include <gtest/gtest.h>

namespace sevisflow::common {
namespace {

using namespace std::chrono;

TEST(Date, ParsesAndFormatsIsoDates) {
  auto d = Date::Parse("2026-11-23");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->ToString(), "2026-11-23");
  EXPECT_FALSE(Date::Parse("").has_value());
  EXPECT_FALSE(Date::Parse("2026-02-30").has_value());
  EXPECT_FALSE(Date::Parse("2026/11/23").has_value());
  EXPECT_FALSE(Date::Parse("26-11-23").has_value());
}

TEST(Date, Arithmetic) {
  Date d = *Date::Parse("2024-01-31");
  EXPECT_EQ(d.AddDays(30).ToString(), "2024-03-01");  // leap year
  EXPECT_EQ(d.AddMonths(1).ToString(), "2024-02-29");  // clamped to month end
  EXPECT_EQ(d.DaysUntil(*Date::Parse("2024-07-29")), 180);
  EXPECT_LT(d, d.AddDays(1));
}

TEST(Clock, FakeClockAndRfc3339) {
  FakeClock clock(sys_days{year{2026} / 11 / 23} + hours{20} + minutes{15} + milliseconds{7});
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2026-11-23T20:15:00.007Z");
  clock.Advance(hours{4});
  EXPECT_EQ(Date::FromTime(clock.Now()).ToString(), "2026-11-24");
}

}  // namespace
}  // namespace sevisflow::common
