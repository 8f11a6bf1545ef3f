// Sharding (`netaudit serve --shard I/N`): N daemons split one inventory by rendezvous hashing
// (highest random weight) on the device name. Every device belongs to exactly one shard, and
// going from N to N+1 shards moves only the devices the new shard wins (about 1/(N+1)).
// Shard indexes are 0-based (0..N-1), like Kubernetes StatefulSet pod ordinals.
#pragma once

#include <stdexcept>
#include <string_view>

namespace netaudit::schedule {

struct Shard {
  unsigned index = 0;  // 0-based
  unsigned count = 1;  // 1 = no sharding
  friend bool operator==(const Shard&, const Shard&) = default;
};

// The shard that owns a device among `count` shards (count >= 1).
unsigned shard_of(std::string_view device, unsigned count);

// True when shard `index` of `count` owns the device. count 0 or index >= count: false.
bool in_shard(std::string_view device, unsigned index, unsigned count);
inline bool in_shard(std::string_view device, const Shard& shard) {
  return in_shard(device, shard.index, shard.count);
}

// Parses "I/N" (e.g. "0/3"): I in 0..N-1, N in 1..1024. Throws std::invalid_argument with a
// message that quotes the text and says what is wrong.
Shard parse_shard(std::string_view text);

}  // namespace netaudit::schedule
