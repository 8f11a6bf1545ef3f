// The scheduler on a real io_context with real timers and a real worker pool. Intervals are
// milliseconds; tests wait for conditions (bounded), and assert only lower bounds on time.
#include <catch2/catch.hpp>
#include <set>

#include "schedule/stable_hash.hpp"
#include "schedule_harness.hpp"

namespace {

using namespace netaudit::test;
using sched::JobOutcome;
using sched::JobReason;

sched::ScheduleOptions fast_options() {
  sched::ScheduleOptions options;
  options.interval = 10s;  // periodic tests shorten it
  options.jitter = 0.0;
  options.concurrency = 4;
  options.job_timeout = 5s;
  options.retries = 2;
  options.retry_backoff = 20ms;
  options.retry_backoff_max = 1s;
  return options;
}

// Runs one cycle with run_cycle_once and returns its report (fails the test on timeout).
sched::CycleReport run_once(Harness& harness) {
  std::optional<sched::CycleReport> report;
  harness.scheduler().run_cycle_once([&](const sched::CycleReport& done) {
    harness.locked([&] { report = done; });
    harness.notify();
  });
  REQUIRE(harness.wait_until([&] { return report.has_value(); }, 60s));
  return *report;
}

}  // namespace

TEST_CASE("offsets are stable per name and spread over the interval", "[schedule]") {
  const auto interval = std::chrono::milliseconds(std::chrono::minutes(15));
  std::vector<int> buckets(10, 0);
  for (int i = 0; i < 2000; ++i) {
    const std::string name = "router-" + std::to_string(i) + ".par1";
    const auto offset = sched::Scheduler::offset_of(name, interval, 0.1);
    REQUIRE(offset == sched::Scheduler::offset_of(name, interval, 0.1));
    REQUIRE(offset >= 0ms);
    REQUIRE(offset < interval * 9 / 10);  // room for the jitter inside the interval
    ++buckets[static_cast<std::size_t>(offset * 10 / (interval * 9 / 10))];
  }
  for (int count : buckets) {
    CHECK(count > 120);  // 200 expected per tenth
    CHECK(count < 280);
  }
  // Pinned: a different hash would move every deployed device to a new slot and shard.
  CHECK(sched::stable_hash("") == sched::mix64(0xcbf29ce484222325ULL));
  CHECK(sched::stable_hash("core1") == sched::stable_hash(std::string("core") + "1"));
  CHECK(sched::stable_hash("core1") != sched::stable_hash("core2"));
}

TEST_CASE("a device's groups are its platform and its labels", "[schedule]") {
  const std::map<std::string, std::string> labels{{"site", "par1"}, {"role", "edge"}};
  CHECK(sched::device_groups("cisco_iosxr", labels) ==
        std::vector<std::string>{"platform:cisco_iosxr", "role:edge", "site:par1"});
  CHECK(sched::device_groups("", std::map<std::string, std::string>{}).empty());
}

TEST_CASE("bad schedule options are refused by name", "[schedule]") {
  auto refused = [](auto edit) {
    sched::ScheduleOptions options = fast_options();
    edit(options);
    try {
      sched::validate(options);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(refused([](auto& o) { o.interval = 0ms; }), Catch::Contains("interval"));
  CHECK_THAT(refused([](auto& o) { o.jitter = 1.0; }), Catch::Contains("jitter"));
  CHECK_THAT(refused([](auto& o) { o.concurrency = 0; }), Catch::Contains("concurrency"));
  CHECK_THAT(refused([](auto& o) { o.job_timeout = 0ms; }), Catch::Contains("job_timeout"));
  CHECK_THAT(refused([](auto& o) { o.group_limits["platform:x"] = 0; }),
             Catch::Contains("platform:x"));
  CHECK(refused([](auto&) {}).empty());
}

TEST_CASE("one cycle runs every device once within the global limit", "[schedule]") {
  auto options = fast_options();
  options.concurrency = 3;
  Harness harness(options, [](const sched::JobRequest&) { return JobPlan{30ms}; });
  harness.scheduler().set_devices(device_list(20));
  const auto report = run_once(harness);
  CHECK(report.devices == 20);
  CHECK(report.ok == 20);
  CHECK(report.failed == 0);
  harness.locked([&] {
    CHECK(harness.started_.size() == 20);
    for (int i = 0; i < 20; ++i)
      CHECK(harness.starts_of("dev" + std::to_string(i)) == 1);
    CHECK(harness.max_in_flight_ == 3);  // reached, never exceeded
    for (const auto& job : harness.started_) {
      CHECK(job.request.reason == JobReason::scheduled);
      CHECK(job.request.attempt == 1);
    }
  });
  std::set<sched::JobId> ids;
  harness.locked([&] {
    for (const auto& job : harness.started_)
      ids.insert(job.request.id);
  });
  CHECK(ids.size() == 20);
  CHECK(harness.scheduler().stats().jobs_ok == 20);
}

TEST_CASE("group limits hold besides the global limit", "[schedule]") {
  auto options = fast_options();
  options.concurrency = 4;
  options.group_limits["platform:cisco_iosxr"] = 1;
  options.group_limits["site:par1"] = 2;
  std::map<std::string, std::vector<std::string>> groups;
  for (int i = 0; i < 30; ++i) {
    auto& g = groups["dev" + std::to_string(i)];
    if (i % 3 == 0) g.push_back("platform:cisco_iosxr");
    if (i % 2 == 0) g.push_back("site:par1");
    g.push_back("platform:other");
  }
  Harness harness(
      options, [](const sched::JobRequest&) { return JobPlan{20ms}; }, groups);
  harness.scheduler().set_devices(device_list(30, "dev", groups));
  const auto report = run_once(harness);
  CHECK(report.ok == 30);
  harness.locked([&] {
    CHECK(harness.max_in_flight_ <= 4);
    CHECK(harness.group_max_["platform:cisco_iosxr"] == 1);
    CHECK(harness.group_max_["site:par1"] <= 2);
    CHECK(harness.group_max_["site:par1"] >= 1);
    CHECK(harness.max_in_flight_ >= 3);  // the unlimited devices fill the global limit
  });
}

TEST_CASE("a hung job is timed out and blocks no other device", "[schedule]") {
  auto options = fast_options();
  options.concurrency = 2;
  options.job_timeout = 2s;  // long enough for the nine others on a loaded machine
  options.retries = 1;
  Harness harness(options, [](const sched::JobRequest& request) {
    JobPlan plan{10ms};
    plan.hang = request.device == "dev0";
    return plan;
  });
  harness.scheduler().set_devices(device_list(10));
  const auto report = run_once(harness);
  CHECK(report.devices == 10);
  CHECK(report.ok == 9);
  CHECK(report.failed == 1);
  CHECK(report.timed_out == 2);  // the first try and its retry
  CHECK(report.retries == 1);
  CHECK(report.finished - report.started >= 2 * options.job_timeout);
  harness.locked([&] {
    CHECK(harness.starts_of("dev0") == 2);
    for (int i = 1; i < 10; ++i)
      CHECK(harness.starts_of("dev" + std::to_string(i)) == 1);
    REQUIRE(harness.hung_.size() == 2);
    for (const auto& end : harness.ends_) {
      if (end.request.device == "dev0") CHECK(end.timed_out);
    }
    // The nine others ran on the other slot while dev0 held one: the first nine jobs to end
    // are theirs, before dev0's first timeout.
    REQUIRE(harness.ends_.size() == 11);
    for (std::size_t i = 0; i < 9; ++i)
      CHECK(harness.ends_[i].request.device != "dev0");
  });
  for (const auto& end : harness.locked([&] { return harness.ends_; })) {
    if (end.request.device == "dev0") CHECK(end.request.is_abandoned());
  }
  // A done() after the timeout is ignored and counted.
  harness.complete_hung(0);
  harness.complete_hung(1);
  REQUIRE(
      harness.wait_until([&] { return harness.scheduler().stats().late_completions == 2; }, 10s));
  const auto stats = harness.scheduler().stats();
  CHECK(stats.jobs_timed_out == 2);
  CHECK(stats.jobs_ok == 9);
  CHECK(stats.in_flight == 0);
}

TEST_CASE("retries back off exponentially up to the limit", "[schedule]") {
  auto options = fast_options();
  options.retries = 3;
  options.retry_backoff = 40ms;
  Harness harness(options, [](const sched::JobRequest& request) {
    JobPlan plan{1ms};
    if (request.device == "flaky" && request.attempt < 3) {
      plan.result = {JobOutcome::failed_retryable, "unreachable"};
    }
    if (request.device == "down") plan.result = {JobOutcome::failed_retryable, "unreachable"};
    if (request.device == "badauth") plan.result = {JobOutcome::failed_final, "auth"};
    return plan;
  });
  harness.scheduler().set_devices({{"flaky", {}}, {"down", {}}, {"badauth", {}}, {"fine", {}}});
  const auto report = run_once(harness);
  CHECK(report.ok == 2);
  CHECK(report.failed == 2);
  CHECK(report.retries == 2 + 3);
  harness.locked([&] {
    CHECK(harness.starts_of("flaky") == 3);
    CHECK(harness.starts_of("down") == 4);     // 1 + retries
    CHECK(harness.starts_of("badauth") == 1);  // a final failure is not retried
    CHECK(harness.starts_of("fine") == 1);
    std::vector<StartedJob> down;
    for (const auto& job : harness.started_) {
      if (job.request.device == "down") down.push_back(job);
    }
    REQUIRE(down.size() == 4);
    for (std::size_t i = 0; i < down.size(); ++i) {
      CHECK(down[i].request.attempt == i + 1);
      CHECK(down[i].request.reason == (i == 0 ? JobReason::scheduled : JobReason::retry));
    }
    // Backoff doubles: at least 40, 80, 160 ms between attempts (lower bounds only).
    CHECK(down[1].at - down[0].at >= 40ms);
    CHECK(down[2].at - down[1].at >= 80ms);
    CHECK(down[3].at - down[2].at >= 160ms);
  });
  CHECK(harness.scheduler().stats().retries_scheduled == 5);
}

TEST_CASE("on-demand runs: unknown devices, coalescing, never two jobs per device", "[schedule]") {
  auto options = fast_options();
  Harness harness(options, [&](const sched::JobRequest& request) {
    JobPlan plan{5ms};
    // The first job of r1 holds until the test releases it.
    if (request.device == "r1" && request.id == 1) plan.hang = true;
    return plan;
  });
  harness.scheduler().set_devices({{"r1", {}}, {"r2", {}}});
  CHECK_FALSE(harness.scheduler().run_now("nope"));

  const auto first = harness.scheduler().run_now("r1");
  REQUIRE(first == sched::JobId{1});
  REQUIRE(harness.wait_until([&] { return harness.hung_.size() == 1; }));
  // r1 is running: the next request queues one more run; later ones coalesce onto it.
  const auto second = harness.scheduler().run_now("r1");
  const auto third = harness.scheduler().run_now("r1", JobReason::syslog);
  REQUIRE(second);
  CHECK(*second != *first);
  CHECK(third == second);
  CHECK(harness.scheduler().stats().on_demand_coalesced == 1);
  CHECK(harness.scheduler().stats().queued == 1);
  // r2 is not held up by r1.
  const auto other = harness.scheduler().run_now("r2");
  REQUIRE(other);
  REQUIRE(harness.wait_until([&] { return harness.starts_of("r2") == 1; }));
  CHECK(harness.locked([&] { return harness.starts_of("r1"); }) == 1);

  harness.complete_hung(0);
  REQUIRE(harness.wait_until([&] { return harness.starts_of("r1") == 2; }));
  REQUIRE(harness.wait_until([&] { return harness.ends_.size() == 3; }));
  harness.locked([&] {
    CHECK(harness.device_max_["r1"] == 1);
    CHECK(harness.started_.back().request.id == *second);
    CHECK(harness.started_.back().request.reason == JobReason::on_demand);
  });
}

TEST_CASE("periodic cycles run each device once per cycle, never two jobs per device",
          "[schedule]") {
  auto options = fast_options();
  options.interval = 150ms;
  options.jitter = 0.2;
  options.concurrency = 3;
  Harness harness(options, [](const sched::JobRequest& request) {
    // Some jobs are slow, so that on-demand requests meet running jobs.
    return JobPlan{request.device == "dev1" ? 60ms : 5ms};
  });
  harness.scheduler().set_devices(device_list(8));
  harness.scheduler().start();
  for (int i = 0; i < 20; ++i) {
    harness.scheduler().run_now("dev1");
    harness.scheduler().run_now("dev" + std::to_string(i % 8));
    harness.wait_until([&] { return harness.started_.size() > static_cast<std::size_t>(i); }, 2s);
  }
  REQUIRE(harness.wait_until([&] { return harness.cycles_.size() >= 3; }, 30s));
  harness.scheduler().stop(5s);
  harness.locked([&] {
    for (const auto& [device, most] : harness.device_max_)
      CHECK(most == 1);
    CHECK(harness.max_in_flight_ <= 3);
    for (std::size_t i = 0; i + 1 < harness.cycles_.size(); ++i) {
      CHECK(harness.cycles_[i].devices == 8);
      CHECK(harness.cycles_[i].ok == 8);
      CHECK(harness.cycles_[i + 1].started >= harness.cycles_[i].finished);
      CHECK(harness.cycles_[i + 1].number == harness.cycles_[i].number + 1);
    }
    std::size_t scheduled = 0;
    for (const auto& job : harness.started_)
      scheduled += job.request.reason == JobReason::scheduled;
    CHECK(scheduled >= 8 * harness.cycles_.size());
  });
}

TEST_CASE("a cycle longer than its interval is counted and does not overlap the next",
          "[schedule]") {
  auto options = fast_options();
  options.interval = 100ms;
  options.concurrency = 1;
  Harness harness(options, [](const sched::JobRequest&) { return JobPlan{80ms}; });
  harness.scheduler().set_devices(device_list(3));  // 3 x 80 ms > 100 ms
  harness.scheduler().start();
  REQUIRE(harness.wait_until([&] { return harness.cycles_.size() >= 3; }, 30s));
  harness.scheduler().stop(5s);
  const auto stats = harness.scheduler().stats();
  CHECK(stats.cycle_overruns >= 3);
  harness.locked([&] {
    for (std::size_t i = 0; i < harness.cycles_.size(); ++i) {
      CHECK(harness.cycles_[i].overran);
      CHECK(harness.cycles_[i].ok == 3);
      if (i + 1 < harness.cycles_.size()) {
        CHECK(harness.cycles_[i + 1].started >= harness.cycles_[i].finished);
      }
    }
    CHECK(harness.max_in_flight_ == 1);
    for (const auto& [device, most] : harness.device_max_)
      CHECK(most == 1);
  });
}

TEST_CASE("stop() waits for jobs in flight up to its deadline", "[schedule]") {
  auto options = fast_options();
  options.concurrency = 2;
  options.job_timeout = 60s;
  Harness harness(options, [](const sched::JobRequest& request) {
    JobPlan plan{300ms};
    plan.hang = request.device == "dev0";
    return plan;
  });
  harness.scheduler().set_devices(device_list(6));
  harness.scheduler().run_cycle_once([](const sched::CycleReport&) {});
  REQUIRE(harness.wait_until([&] { return harness.started_.size() >= 2; }));
  std::optional<sched::StopReport> stopped;
  const auto asked = std::chrono::steady_clock::now();
  harness.scheduler().stop(2s, [&](const sched::StopReport& report) {
    harness.locked([&] { stopped = report; });
    harness.notify();
  });
  CHECK_FALSE(harness.scheduler().run_now("dev3"));
  REQUIRE(harness.wait_until([&] { return stopped.has_value(); }, 20s));
  CHECK(std::chrono::steady_clock::now() - asked >= 2s);  // dev0 held it to the deadline
  CHECK(stopped->abandoned == 1);
  harness.locked([&] {
    CHECK(harness.started_.size() == 2);  // nothing new after stop()
    REQUIRE(harness.hung_.size() == 1);
  });
  const auto stats = harness.scheduler().stats();
  CHECK(stats.in_flight == 0);
  CHECK(stats.jobs_ok == 1);  // the other job in flight finished before the deadline
}

TEST_CASE("stop() with nothing in flight reports at once", "[schedule]") {
  Harness harness(fast_options());
  harness.scheduler().set_devices(device_list(3));
  harness.scheduler().start();
  CHECK_THROWS_AS(harness.scheduler().start(), std::logic_error);
  CHECK_THROWS_AS(harness.scheduler().run_cycle_once({}), std::logic_error);
  std::optional<sched::StopReport> stopped;
  harness.scheduler().stop(30s, [&](const sched::StopReport& report) {
    harness.locked([&] { stopped = report; });
    harness.notify();
  });
  REQUIRE(harness.wait_until([&] { return stopped.has_value(); }, 10s));
  CHECK(stopped->abandoned == 0);
}

TEST_CASE("set_devices on reload keeps running jobs and per-device state", "[schedule]") {
  auto options = fast_options();
  Harness harness(options, [](const sched::JobRequest& request) {
    JobPlan plan{5ms};
    plan.hang = request.device == "keep" && request.id == 1;
    return plan;
  });
  harness.scheduler().set_devices({{"keep", {}}, {"drop", {}}});
  REQUIRE(harness.scheduler().run_now("keep") == sched::JobId{1});
  REQUIRE(harness.wait_until([&] { return harness.hung_.size() == 1; }));
  const auto queued = harness.scheduler().run_now("drop");
  REQUIRE(queued);
  // Reload: "drop" goes, "new" comes, "keep" is still running its job 1.
  harness.scheduler().set_devices({{"keep", {"platform:x"}}, {"new", {}}});
  CHECK_FALSE(harness.scheduler().run_now("drop"));
  const auto again = harness.scheduler().run_now("keep");
  REQUIRE(again);
  const auto fresh = harness.scheduler().run_now("new");
  REQUIRE(fresh);
  REQUIRE(harness.wait_until([&] { return harness.starts_of("new") == 1; }));
  CHECK(harness.locked([&] { return harness.starts_of("keep"); }) == 1);  // still job 1
  harness.complete_hung(0);
  REQUIRE(harness.wait_until([&] { return harness.starts_of("keep") == 2; }));
  harness.locked([&] {
    CHECK(harness.device_max_["keep"] == 1);
    CHECK(harness.started_.back().request.id == *again);
  });
  CHECK(harness.scheduler().stats().devices == 2);
}
