#pragma once
// Injected clock (time-driven rules are tested with a fake one) and calendar dates.

#include <chrono>
#include <compare>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sevisflow::common {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint t) : now_(t) {}
  TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Set(TimePoint t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// A calendar date, "YYYY-MM-DD" on the wire.
class Date {
 public:
  Date() = default;
  explicit Date(std::chrono::year_month_day ymd) : ymd_(ymd) {}
  // nullopt for an empty or malformed string, or an impossible date (2025-02-30).
  static std::optional<Date> Parse(std::string_view iso);
  static Date FromTime(TimePoint t);  // UTC calendar day
  std::string ToString() const;
  Date AddDays(int days) const;
  Date AddMonths(int months) const;  // clamps to the month's last day
  int DaysUntil(const Date& other) const;  // other - this, in days
  std::chrono::year_month_day ymd() const { return ymd_; }
  auto operator<=>(const Date&) const = default;

 private:
  std::chrono::year_month_day ymd_{std::chrono::year{1970}, std::chrono::month{1},
                                   std::chrono::day{1}};
};

// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T20:15:00.123Z.
std::string FormatRfc3339(TimePoint t);

}  // namespace sevisflow::common
