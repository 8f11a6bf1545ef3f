#include "schedule/shard.hpp"

#include <charconv>
#include <string>

#include "schedule/stable_hash.hpp"

namespace netaudit::schedule {
namespace {

constexpr unsigned kMaxShards = 1024;

// The weight of one (device, shard) pair; the highest weight wins.
std::uint64_t weight(std::uint64_t device_hash, unsigned shard) {
  return mix64(device_hash ^ mix64(0x5ba4d0c3a7f1e2b9ULL + shard));
}

[[noreturn]] void bad_shard(std::string_view text, const std::string& why) {
  throw std::invalid_argument("--shard '" + std::string(text) + "': " + why +
                              " (expected I/N with 0 <= I < N, e.g. 0/3; I is 0-based)");
}

bool parse_unsigned(std::string_view digits, unsigned& value) {
  if (digits.empty() || digits.size() > 9) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return error == std::errc() && end == digits.data() + digits.size();
}

}  // namespace

unsigned shard_of(std::string_view device, unsigned count) {
  const std::uint64_t h = stable_hash(device);
  unsigned best = 0;
  std::uint64_t best_weight = 0;
  for (unsigned shard = 0; shard < count; ++shard) {
    const std::uint64_t w = weight(h, shard);
    if (shard == 0 || w > best_weight) {
      best = shard;
      best_weight = w;
    }
  }
  return best;
}

bool in_shard(std::string_view device, unsigned index, unsigned count) {
  if (count == 0 || index >= count) return false;
  return shard_of(device, count) == index;
}

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) bad_shard(text, "no '/'");
  Shard shard;
  if (!parse_unsigned(text.substr(0, slash), shard.index)) {
    bad_shard(text, "the index before '/' is not a number");
  }
  if (!parse_unsigned(text.substr(slash + 1), shard.count)) {
    bad_shard(text, "the count after '/' is not a number");
  }
  if (shard.count == 0) bad_shard(text, "the count must be at least 1");
  if (shard.count > kMaxShards) {
    bad_shard(text, "the count must be at most " + std::to_string(kMaxShards));
  }
  if (shard.index >= shard.count) {
    bad_shard(text, "the index must be below the count (" + std::to_string(shard.count) + ")");
  }
  return shard;
}

}  // namespace netaudit::schedule
