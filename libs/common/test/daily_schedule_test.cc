// The daily schedule shared by the detector's alerts run and the builder's batch close.
#include "sevisflow/common/daily_schedule.h"

#include <atomic>
#include <mutex>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sevisflow::common {
namespace {

using namespace std::chrono_literals;

TimePoint At(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours(hh) +
         std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TEST(ParseDailyAtTest, Values) {
  auto off = ParseDailyAt("");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->has_value());
  auto at = ParseDailyAt("06:30");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(**at, std::chrono::minutes(6 * 60 + 30));
  EXPECT_EQ(**ParseDailyAt("00:00"), std::chrono::minutes(0));
  EXPECT_EQ(**ParseDailyAt("23:59"), std::chrono::minutes(23 * 60 + 59));
  for (const char* bad : {"24:00", "12:60", "6:30", "06:30:00", "0630", "ab:cd", " 06:30"}) {
    EXPECT_FALSE(ParseDailyAt(bad).ok()) << bad;
  }
}

TEST(NextDailyRunTest, StrictlyAfterSameDayOrNext) {
  const auto at = std::chrono::minutes(6 * 60);
  EXPECT_EQ(NextDailyRun(At(2026, 1, 15, 5, 59, 59), at), At(2026, 1, 15, 6, 0, 0));
  EXPECT_EQ(NextDailyRun(At(2026, 1, 15, 6, 0, 0), at), At(2026, 1, 16, 6, 0, 0));
  EXPECT_EQ(NextDailyRun(At(2026, 12, 31, 23, 0, 0), at), At(2027, 1, 1, 6, 0, 0));
}

// Records the due times the scheduler ran; `fail_first` runs report a failure.
class Runs {
 public:
  explicit Runs(int fail_first = 0) : fail_left_(fail_first) {}
  bool Run(common::TimePoint due) {
    std::lock_guard lock(mu_);
    due_.push_back(due);
    if (fail_left_ > 0) {
      --fail_left_;
      return false;
    }
    return true;
  }
  std::vector<common::TimePoint> due() const {
    std::lock_guard lock(mu_);
    return due_;
  }
  // Waits (real time) until `n` runs happened.
  bool WaitFor(size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (due().size() >= n) return true;
      std::this_thread::sleep_for(2ms);
    }
    return due().size() >= n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<common::TimePoint> due_;
  int fail_left_;
};

TEST(DailySchedulerTest, RunsOnceADayAtTheConfiguredTime) {
  common::FakeClock clock(At(2026, 1, 15, 5, 59, 0));
  Runs runs;
  DailyScheduler scheduler(clock, std::chrono::minutes(6 * 60),
                           [&](common::TimePoint due) { return runs.Run(due); }, 5ms);
  scheduler.Start();
  EXPECT_EQ(scheduler.next_due(), At(2026, 1, 15, 6, 0, 0));
  std::this_thread::sleep_for(60ms);  // many ticks, clock before 06:00
  EXPECT_TRUE(runs.due().empty());

  clock.Set(At(2026, 1, 15, 6, 0, 0));
  ASSERT_TRUE(runs.WaitFor(1));
  EXPECT_EQ(runs.due()[0], At(2026, 1, 15, 6, 0, 0));
  std::this_thread::sleep_for(60ms);  // still 06:00 that day: no second run
  clock.Advance(3h);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.due().size(), 1u);
  EXPECT_EQ(scheduler.next_due(), At(2026, 1, 16, 6, 0, 0));

  clock.Set(At(2026, 1, 16, 6, 0, 30));
  ASSERT_TRUE(runs.WaitFor(2));
  EXPECT_EQ(runs.due()[1], At(2026, 1, 16, 6, 0, 0));
  scheduler.Stop();
  EXPECT_EQ(runs.due().size(), 2u);
}

TEST(DailySchedulerTest, MissedDaysRunOnceThenTheScheduleGoesOn) {
  common::FakeClock clock(At(2026, 1, 15, 12, 0, 0));
  Runs runs;
  DailyScheduler scheduler(clock, std::chrono::minutes(6 * 60),
                           [&](common::TimePoint due) { return runs.Run(due); }, 5ms);
  scheduler.Start();
  clock.Set(At(2026, 1, 19, 9, 0, 0));  // four due times passed while "asleep"
  ASSERT_TRUE(runs.WaitFor(1));
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.due().size(), 1u);
  EXPECT_EQ(scheduler.next_due(), At(2026, 1, 20, 6, 0, 0));
}

TEST(DailySchedulerTest, AFailedRunIsRetriedForTheSameDay) {
  common::FakeClock clock(At(2026, 1, 15, 5, 0, 0));
  Runs runs(/*fail_first=*/1);
  DailyScheduler scheduler(clock, std::chrono::minutes(6 * 60),
                           [&](common::TimePoint due) { return runs.Run(due); }, 5ms, 5min);
  scheduler.Start();
  clock.Set(At(2026, 1, 15, 6, 0, 0));
  ASSERT_TRUE(runs.WaitFor(1));
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.due().size(), 1u);  // the retry waits 5 minutes
  clock.Advance(5min);
  ASSERT_TRUE(runs.WaitFor(2));
  EXPECT_EQ(runs.due()[1], At(2026, 1, 15, 6, 0, 0));  // same day
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(runs.due().size(), 2u);
  EXPECT_EQ(scheduler.next_due(), At(2026, 1, 16, 6, 0, 0));
}

TEST(DailySchedulerTest, StopIsPromptEvenWithALongTick) {
  common::FakeClock clock(At(2026, 1, 15, 5, 0, 0));
  Runs runs;
  DailyScheduler scheduler(clock, std::chrono::minutes(6 * 60),
                           [&](common::TimePoint due) { return runs.Run(due); }, 10min);
  scheduler.Start();
  std::this_thread::sleep_for(20ms);
  const auto started = std::chrono::steady_clock::now();
  scheduler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_TRUE(runs.due().empty());
}

// ---- detector.setup.cip_table_file ------------------------------------------------------------


}  // namespace
}  // namespace sevisflow::common
