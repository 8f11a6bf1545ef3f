// A point in time after which an operation gives up (connect, per-command, whole job).
#pragma once

#include <algorithm>
#include <chrono>

namespace netaudit::collectors {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(Clock::time_point at) : at_(at) {}
  static Deadline after(std::chrono::milliseconds timeout) {
    return Deadline(Clock::now() + timeout);
  }
  static Deadline never() { return Deadline(Clock::time_point::max()); }

  Clock::time_point at() const { return at_; }
  bool expired() const { return Clock::now() >= at_; }
  // Time left, clamped to [0, 24 h] so it fits every C API's int milliseconds.
  std::chrono::milliseconds remaining() const {
    const auto now = Clock::now();
    if (now >= at_) return std::chrono::milliseconds{0};
    if (at_ - now > std::chrono::hours{24}) return std::chrono::hours{24};
    return std::chrono::duration_cast<std::chrono::milliseconds>(at_ - now);
  }
  // The earlier of the two: a per-command deadline never outlives the job's.
  Deadline min(const Deadline& other) const { return Deadline(std::min(at_, other.at_)); }

 private:
  Clock::time_point at_;
};

}  // namespace netaudit::collectors
