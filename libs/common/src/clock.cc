#include "sevisflow/common/clock.h"

#include <cstdio>

namespace sevisflow::common {

using namespace std::chrono;

std::optional<Date> Date::Parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (iso[i] < '0' || iso[i] > '9') return std::nullopt;
  }
  y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
  m = (iso[5] - '0') * 10 + (iso[6] - '0');
  d = (iso[8] - '0') * 10 + (iso[9] - '0');
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date(ymd);
}

Date Date::FromTime(TimePoint t) { return Date(year_month_day{floor<days>(t)}); }

std::string Date::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd_.year()),
                static_cast<unsigned>(ymd_.month()), static_cast<unsigned>(ymd_.day()));
  return buf;
}

Date Date::AddDays(int n) const { return Date(year_month_day{sys_days{ymd_} + days{n}}); }

Date Date::AddMonths(int n) const {
  year_month_day shifted = ymd_ + months{n};
  if (!shifted.ok()) {
    shifted = year_month_day{shifted.year() / shifted.month() / last};
  }
  return Date(shifted);
}

int Date::DaysUntil(const Date& other) const {
  return static_cast<int>((sys_days{other.ymd_} - sys_days{ymd_}).count());
}

std::string FormatRfc3339(TimePoint t) {
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  hh_mm_ss hms{floor<milliseconds>(t - day_point)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

}  // namespace sevisflow::common
