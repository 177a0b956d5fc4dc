#include "sevisflow/common/daily_schedule.h"

#include <cctype>
#include <string>

namespace sevisflow::common {

absl::StatusOr<std::optional<std::chrono::minutes>> ParseDailyAt(std::string_view text) {
  if (text.empty()) return std::optional<std::chrono::minutes>();
  auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(text[i])) != 0; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return absl::InvalidArgumentError("expected HH:MM (UTC), e.g. 06:30");
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) {
    return absl::InvalidArgumentError("expected a time of day between 00:00 and 23:59");
  }
  return std::optional<std::chrono::minutes>(std::chrono::minutes(hours * 60 + minutes));
}

common::TimePoint NextDailyRun(common::TimePoint after, std::chrono::minutes at) {
  const auto midnight = std::chrono::floor<std::chrono::days>(after);
  common::TimePoint candidate = midnight + at;
  if (candidate <= after) candidate += std::chrono::days(1);
  return candidate;
}

DailyScheduler::DailyScheduler(const common::Clock& clock, std::chrono::minutes at, RunFn run,
                               std::chrono::milliseconds tick, std::chrono::milliseconds retry)
    : clock_(clock), at_(at), run_(std::move(run)), tick_(tick), retry_(retry) {}

DailyScheduler::~DailyScheduler() { Stop(); }

void DailyScheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  due_ = NextDailyRun(clock_.Now(), at_);
  next_attempt_ = due_;
  thread_ = std::thread([this] { Loop(); });
}

void DailyScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

common::TimePoint DailyScheduler::next_due() const {
  std::lock_guard lock(mu_);
  return due_;
}

void DailyScheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // The clock may be a fake one that jumps: never sleep longer than a tick, and compare
    // against the clock rather than the time slept.
    wake_.wait_for(lock, tick_, [this] { return stopping_; });
    if (stopping_) break;
    const common::TimePoint now = clock_.Now();
    if (now < next_attempt_) continue;
    const common::TimePoint due = due_;
    lock.unlock();
    const bool ok = run_(due);
    lock.lock();
    const common::TimePoint after = clock_.Now();
    const common::TimePoint next_day = NextDailyRun(after, at_);
    if (ok || after + retry_ >= next_day) {
      due_ = next_day;
      next_attempt_ = next_day;
    } else {
      next_attempt_ = after + retry_;
    }
  }
}

}  // namespace sevisflow::common
