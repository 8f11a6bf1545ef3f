// Sharding by rendezvous hashing: no gap, no overlap, little movement when a shard is added.
#include "schedule/shard.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

namespace sched = netaudit::schedule;

std::vector<std::string> inventory(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i)
    names.push_back("site" + std::to_string(i % 37) + "-sw" + std::to_string(i));
  return names;
}

std::string parse_error(std::string_view text) {
  try {
    sched::parse_shard(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("3 shards over 1,000 devices cover each device exactly once", "[shard]") {
  const auto devices = inventory(1000);
  std::vector<int> per_shard(3, 0);
  for (const auto& device : devices) {
    int owners = 0;
    for (unsigned shard = 0; shard < 3; ++shard) {
      if (sched::in_shard(device, shard, 3)) {
        ++owners;
        ++per_shard[shard];
      }
    }
    REQUIRE(owners == 1);
  }
  for (int count : per_shard) {
    CHECK(count > 270);  // 333 expected
    CHECK(count < 400);
  }
}

TEST_CASE("a 4th shard moves at most 35% of the devices, all to the new shard", "[shard]") {
  const auto devices = inventory(1000);
  int moved = 0;
  for (const auto& device : devices) {
    const unsigned before = sched::shard_of(device, 3);
    const unsigned after = sched::shard_of(device, 4);
    if (before != after) {
      ++moved;
      CHECK(after == 3);  // rendezvous: a device only ever moves to the shard that was added
    }
  }
  CHECK(moved <= 350);
  CHECK(moved >= 150);  // about 1/4; 0 would mean the new shard gets nothing
}

TEST_CASE("one shard owns everything, bad indexes own nothing", "[shard]") {
  CHECK(sched::in_shard("core1", 0, 1));
  CHECK_FALSE(sched::in_shard("core1", 1, 1));
  CHECK_FALSE(sched::in_shard("core1", 0, 0));
  CHECK(sched::in_shard("core1", sched::Shard{}));
}

TEST_CASE("shard I/N parses 0-based indexes with clear errors", "[shard]") {
  CHECK(sched::parse_shard("0/3") == sched::Shard{0, 3});
  CHECK(sched::parse_shard("2/3") == sched::Shard{2, 3});
  CHECK(sched::parse_shard("0/1") == sched::Shard{0, 1});
  CHECK_THAT(parse_error("3/3"), Catch::Contains("'3/3'") && Catch::Contains("below the count"));
  CHECK_THAT(parse_error("1/0"), Catch::Contains("at least 1"));
  CHECK_THAT(parse_error("2"), Catch::Contains("no '/'"));
  CHECK_THAT(parse_error("a/3"), Catch::Contains("index"));
  CHECK_THAT(parse_error("1/"), Catch::Contains("count"));
  CHECK_THAT(parse_error("-1/3"), Catch::Contains("index"));
  CHECK_THAT(parse_error(" 1/3"), Catch::Contains("index"));
  CHECK_THAT(parse_error("1/99999"), Catch::Contains("at most 1024"));
  CHECK_THAT(parse_error("0/3"), Catch::Equals(""));
  CHECK_THAT(parse_error("1/2"), Catch::Equals(""));
  CHECK_THAT(parse_error("x"), Catch::Contains("0-based"));
}
