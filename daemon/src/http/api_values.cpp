// The small value helpers of the API (declared in api.hpp), in their own object file so tests
// of them link without the store.
#include <array>
#include <chrono>
#include <cstdio>

#include "http/api.hpp"

namespace netaudit::http {

bool constant_time_equal(std::string_view a, std::string_view b) {
  const std::size_t length = std::max(a.size(), b.size());
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    difference = static_cast<unsigned char>(difference | (x ^ y));
  }
  return difference == 0;
}

std::string format_rfc3339(store::TimestampMs at) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(at)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<int>(clock.subseconds().count()));
  return text.data();
}

std::optional<store::TimestampMs> parse_time(std::string_view text) {
  const auto digits = [](std::string_view part) {
    if (part.empty()) return false;
    for (const char c : part)
      if (c < '0' || c > '9') return false;
    return true;
  };
  const auto number = [](std::string_view part) {
    int value = 0;
    for (const char c : part)
      value = value * 10 + (c - '0');
    return value;
  };

  // Unix seconds, with up to 3 decimals.
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  if (digits(whole) && whole.size() <= 12) {
    std::int64_t ms = 0;
    for (const char c : whole)
      ms = ms * 10 + (c - '0');
    ms *= 1000;
    if (dot != std::string_view::npos) {
      const std::string_view fraction = text.substr(dot + 1);
      if (!digits(fraction) || fraction.size() > 9) return std::nullopt;
      int scale = 100;
      for (std::size_t i = 0; i < fraction.size() && i < 3; ++i, scale /= 10)
        ms += (fraction[i] - '0') * scale;
    }
    return ms;
  }

  // RFC 3339: 2026-12-03T13:17:29[.123](Z|+01:00)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  const std::string_view year = text.substr(0, 4), month = text.substr(5, 2),
                         day = text.substr(8, 2), hour = text.substr(11, 2),
                         minute = text.substr(14, 2), second = text.substr(17, 2);
  for (const std::string_view part : {year, month, day, hour, minute, second})
    if (!digits(part)) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(number(year)),
                            std::chrono::month(static_cast<unsigned>(number(month))),
                            std::chrono::day(static_cast<unsigned>(number(day)))};
  if (!date.ok() || number(hour) > 23 || number(minute) > 59 || number(second) > 60)
    return std::nullopt;
  std::int64_t ms = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count() +
                    ((number(hour) * 60 + number(minute)) * 60 + number(second)) * 1000LL;
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t length = 1;
    while (length < rest.size() && rest[length] >= '0' && rest[length] <= '9')
      ++length;
    if (length == 1) return std::nullopt;
    int scale = 100;
    for (std::size_t i = 1; i < length && i < 4; ++i, scale /= 10)
      ms += (rest[i] - '0') * scale;
    rest.remove_prefix(length);
  }
  if (rest == "Z" || rest == "z") return ms;
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' ||
      !digits(rest.substr(1, 2)) || !digits(rest.substr(4, 2)))
    return std::nullopt;
  const int offset_minutes = number(rest.substr(1, 2)) * 60 + number(rest.substr(4, 2));
  if (number(rest.substr(1, 2)) > 23 || number(rest.substr(4, 2)) > 59) return std::nullopt;
  return ms - (rest[0] == '+' ? 1 : -1) * offset_minutes * 60'000LL;
}

}  // namespace netaudit::http
