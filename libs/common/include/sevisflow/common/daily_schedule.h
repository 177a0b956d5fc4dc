#pragma once
// Something done once a day at "HH:MM" UTC: the detector's SEVIS Alerts run
// (`detector.schedule.daily_at`) and the builder's daily batch close (`builder.close_daily_at`).
// Time comes from the injected common::Clock, so a test drives the schedule with a FakeClock.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::common {

// "HH:MM" (00:00 .. 23:59) -> minutes after midnight UTC; "" -> nullopt (no schedule).
// InvalidArgument otherwise.
absl::StatusOr<std::optional<std::chrono::minutes>> ParseDailyAt(std::string_view text);

// The first time of day `at` (UTC) strictly after `after`.
common::TimePoint NextDailyRun(common::TimePoint after, std::chrono::minutes at);

// A thread that calls `run(due)` once each day at `at`: it wakes every `tick` (at most), reads
// the clock, and runs when the clock has reached the due time. A run that was missed (the
// process was down, or the clock jumped over several days) happens once, at the next wake-up,
// and the schedule continues from the current time. The first due time is the first `at` after
// Start(). When `run` returns false (it failed) the same due time is tried again `retry` later,
// until the next day's run is due. Stop() returns promptly: it does not wait for a tick, only
// for a run in progress.
class DailyScheduler {
 public:
  using RunFn = std::function<bool(common::TimePoint due)>;

  DailyScheduler(const common::Clock& clock, std::chrono::minutes at, RunFn run,
                 std::chrono::milliseconds tick = std::chrono::seconds(2),
                 std::chrono::milliseconds retry = std::chrono::minutes(5));
  ~DailyScheduler();  // Stop()
  DailyScheduler(const DailyScheduler&) = delete;
  DailyScheduler& operator=(const DailyScheduler&) = delete;

  void Start();
  void Stop();
  // The due time of the next run (for logs and tests).
  common::TimePoint next_due() const;

 private:
  void Loop();

  const common::Clock& clock_;
  const std::chrono::minutes at_;
  const RunFn run_;
  const std::chrono::milliseconds tick_;
  const std::chrono::milliseconds retry_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  common::TimePoint due_;           // the run to make
  common::TimePoint next_attempt_;  // when to make it (later than due_ after a failure)
  std::thread thread_;
};

}  // namespace sevisflow::common
