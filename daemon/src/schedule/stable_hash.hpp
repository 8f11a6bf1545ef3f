// A hash of a device name that is the same on every build, platform and run (std::hash is not),
// so that a device's offset in the interval and its shard survive restarts and upgrades.
#pragma once

#include <cstdint>
#include <string_view>

namespace netaudit::schedule {

// splitmix64's finaliser: spreads every input bit over the whole word.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a over the bytes, then mix64 (FNV alone spreads short, similar names poorly).
constexpr std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

}  // namespace netaudit::schedule
