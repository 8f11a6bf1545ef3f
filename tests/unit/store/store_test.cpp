// The store on a real SQLite file in a temporary folder: commits read back, deduplication,
// every event type, transitions, retention, policy changes, reopening.
#include "store/store.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "store_helpers.hpp"
#include "temp_dir.hpp"

namespace {

using namespace netaudit::store;
using namespace netaudit::store::testing;
using netaudit::policy::Evidence;
using netaudit::policy::Severity;
using netaudit::policy::Verdict;
using netaudit::test::TempDir;

const std::string config_a =
    "hostname r1\n!\ninterface Gi0/1\n description uplink\n ip address 10.0.0.1 255.255.255.0\n"
    "!\nip ssh version 2\nline vty 0 4\n transport input ssh\n!\nend\n";
const std::string config_b =
    "hostname r1\n!\ninterface Gi0/1\n description uplink to core\n ip address 10.0.0.1 "
    "255.255.255.0\n!\nip ssh version 2\nline vty 0 4\n transport input ssh telnet\n!\nend\n";

std::vector<Event> events_of(const Store& store, const std::string& type) {
  EventFilter filter;
  filter.type = type;
  return store.events(filter);
}

}  // namespace

TEST_CASE("a commit reads back: device, version, config, findings, policy version") {
  const TempDir dir("store");
  const auto file = dir.path() / "netaudit.db";
  auto store = Store::open(file);
  CHECK(store->policy_version().empty());
  CHECK(store->devices().empty());

  store->sync_devices({{"r1", "cisco_ios", "ssh", "10.0.0.1", {{"site", "par"}, {"role", "core"}}},
                       {"r2", "", "file", "/backups/r2.cfg", {}}});
  const auto summary = store->commit(
      collected(
          "r1", config_a,
          {finding("ssh.version", Verdict::pass, Severity::high, {{7, "ip ssh version 2"}}),
           finding("telnet.off", Verdict::fail, Severity::critical, {{9, " transport input ssh"}})},
          1'000'000),
      "baseline-1");
  CHECK(summary.new_version);
  CHECK(summary.version_id > 0);
  CHECK(summary.events.empty());  // a first version is a baseline: nothing changed

  const auto devices = store->devices();
  REQUIRE(devices.size() == 2);
  const DeviceStatus& r1 = devices[0];
  CHECK(r1.info.name == "r1");
  CHECK(r1.info.platform == "cisco_ios");
  CHECK(r1.info.transport == "ssh");
  CHECK(r1.info.host == "10.0.0.1");
  CHECK(r1.info.labels.at("site") == "par");
  CHECK(r1.up);
  CHECK(r1.last_collection == 1'000'000);
  CHECK(r1.last_success == 1'000'000);
  CHECK(r1.last_change == 1'000'000);
  REQUIRE(r1.latest_version);
  CHECK(r1.latest_version->id == summary.version_id);
  CHECK(r1.latest_version->sha256 == independent_sha256_hex(config_a));
  CHECK(r1.latest_version->bytes == config_a.size());
  CHECK(r1.verdict_counts.at("pass") == 1);
  CHECK(r1.verdict_counts.at("fail") == 1);
  CHECK(r1.failing_by_severity.at("critical") == 1);
  CHECK(r1.compliance_ratio == Approx(0.5));
  CHECK(r1.host_key_fingerprint == "SHA256:known");
  CHECK_FALSE(r1.has_intended);

  const DeviceStatus& r2 = devices[1];
  CHECK(r2.info.name == "r2");
  CHECK_FALSE(r2.up);  // never collected
  CHECK_FALSE(r2.latest_version);
  CHECK(r2.compliance_ratio == 1.0);

  CHECK(store->config("r1") == config_a);
  CHECK(store->config("r1", summary.version_id) == config_a);
  CHECK_FALSE(store->config("r2"));
  CHECK_FALSE(store->config("nope"));
  CHECK(store->policy_version() == "baseline-1");

  const auto rows = store->findings({});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].control == "ssh.version");
  CHECK(rows[0].verdict == "pass");
  CHECK_FALSE(rows[0].failing_since);
  CHECK(rows[1].control == "telnet.off");
  CHECK(rows[1].verdict == "fail");
  CHECK(rows[1].severity == "critical");
  CHECK(rows[1].title == "Title of telnet.off");
  CHECK(rows[1].remediation == "fix telnet.off");
  CHECK(rows[1].policy_version == "baseline-1");
  CHECK(rows[1].version_id == summary.version_id);
  REQUIRE(rows[1].evidence.size() == 1);
  CHECK(rows[1].evidence[0].line == 9);
  CHECK(rows[1].evidence[0].text == " transport input ssh");
  CHECK(rows[1].failing_since == 1'000'000);

  FindingFilter only_failing;
  only_failing.verdict = "fail";
  CHECK(store->findings(only_failing).size() == 1);
  FindingFilter by_severity;
  by_severity.severity = "high";
  REQUIRE(store->findings(by_severity).size() == 1);
  CHECK(store->findings(by_severity)[0].control == "ssh.version");
  FindingFilter other_device;
  other_device.device = "r2";
  CHECK(store->findings(other_device).empty());

  const auto latest = store->latest_configs();
  REQUIRE(latest.size() == 1);
  CHECK(latest[0].device == "r1");
  CHECK(latest[0].platform == "cisco_ios");
  CHECK(latest[0].text == config_a);

  // A device the inventory no longer has is retired: gone from the lists, history kept.
  store->sync_devices({{"r2", "", "file", "/backups/r2.cfg", {}}});
  REQUIRE(store->devices().size() == 1);
  CHECK_FALSE(store->device("r1"));
  CHECK(store->versions("r1").size() == 1);
  store->sync_devices({{"r1", "", "ssh", "10.0.0.1", {}}, {"r2", "", "file", "x", {}}});
  REQUIRE(store->device("r1"));
  CHECK(store->device("r1")->info.platform == "cisco_ios");  // an empty platform keeps the known
}

TEST_CASE("versions are deduplicated by content hash") {
  const TempDir dir("store");
  const auto file = dir.path() / "netaudit.db";
  auto store = Store::open(file);
  const std::vector findings{finding("c1", Verdict::pass)};

  const auto first = store->commit(collected("r1", config_a, findings, 1000), "p1");
  const auto again = store->commit(collected("r1", config_a, findings, 2000), "p1");
  CHECK(first.new_version);
  CHECK_FALSE(again.new_version);
  CHECK(again.version_id == first.version_id);
  CHECK(again.events.empty());
  auto versions = store->versions("r1");
  REQUIRE(versions.size() == 1);
  CHECK(versions[0].collected_at == 1000);
  CHECK(versions[0].last_seen_at == 2000);

  const auto changed = store->commit(collected("r1", config_b, findings, 3000), "p1");
  const auto back = store->commit(collected("r1", config_a, findings, 4000), "p1");
  CHECK(changed.new_version);
  CHECK(back.new_version);  // history is a timeline: A, B, A again
  versions = store->versions("r1");
  REQUIRE(versions.size() == 3);
  CHECK(versions[0].id == back.version_id);  // newest first
  CHECK(versions[2].id == first.version_id);
  CHECK(versions[0].sha256 == versions[2].sha256);

  // Another device with the same text shares it.
  store->commit(collected("r2", config_a, findings, 5000), "p1");
  store.reset();
  const RawDb raw(file);
  CHECK(raw.value("SELECT count(*) FROM blobs") == "2");
  CHECK(raw.value("SELECT count(*) FROM versions") == "4");
}

TEST_CASE("config_changed carries the unified diff of the two redacted texts") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  const std::vector findings{finding("c1", Verdict::pass)};
  const auto first = store->commit(collected("r1", config_a, findings, 1000), "p1");
  const auto second = store->commit(collected("r1", config_b, findings, 2000), "p1");
  REQUIRE(second.events.size() == 1);
  const Event& event = second.events[0];
  CHECK(event.type == "config_changed");
  CHECK(event.device == "r1");
  CHECK(event.at == 2000);
  CHECK(event.id > 0);
  CHECK(event.details.at("from_version") == first.version_id);
  CHECK(event.details.at("to_version") == second.version_id);
  CHECK(event.details.at("lines_added") == 2);
  CHECK(event.details.at("lines_removed") == 2);
  const std::string expected_diff = "--- r1 version " + std::to_string(first.version_id) + "\n" +
                                    "+++ r1 version " + std::to_string(second.version_id) + "\n" +
                                    "@@ -1,11 +1,11 @@\n"
                                    " hostname r1\n"
                                    " !\n"
                                    " interface Gi0/1\n"
                                    "- description uplink\n"
                                    "+ description uplink to core\n"
                                    "  ip address 10.0.0.1 255.255.255.0\n"
                                    " !\n"
                                    " ip ssh version 2\n"
                                    " line vty 0 4\n"
                                    "- transport input ssh\n"
                                    "+ transport input ssh telnet\n"
                                    " !\n"
                                    " end\n";
  CHECK(event.details.at("diff") == expected_diff);

  // The same event read back through events().
  const auto stored = events_of(*store, "config_changed");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].id == event.id);
  CHECK(stored[0].details == event.details);
}

TEST_CASE("regressions and restorations per control, with failing_since and last_cleared") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  const Evidence telnet_line{9, " transport input ssh telnet"};

  store->commit(
      collected("r1", config_a,
                {finding("telnet.off", Verdict::pass), finding("ssh.v2", Verdict::pass)}, 1000),
      "p1");
  const auto broken = store->commit(
      collected("r1", config_b,
                {finding("telnet.off", Verdict::fail, Severity::critical, {telnet_line}),
                 finding("ssh.v2", Verdict::pass)},
                2000),
      "p1");
  REQUIRE(broken.events.size() == 2);  // config_changed, then the regression
  CHECK(broken.events[0].type == "config_changed");
  const Event& regression = broken.events[1];
  CHECK(regression.type == "compliance_regression");
  CHECK(regression.device == "r1");
  CHECK(regression.control == "telnet.off");
  CHECK(regression.severity == "critical");
  CHECK(regression.details.at("previous_verdict") == "pass");
  CHECK(regression.details.at("verdict") == "fail");
  CHECK(regression.details.at("version_id") == broken.version_id);
  CHECK(regression.details.at("evidence") ==
        nlohmann::json::array({{{"line", 9}, {"text", " transport input ssh telnet"}}}));
  CHECK(regression.details.at("remediation") == "fix telnet.off");

  FindingFilter telnet;
  telnet.control = "telnet.off";
  CHECK(store->findings(telnet).at(0).failing_since == 2000);

  // Still failing on the next collection: no new event, failing_since unchanged.
  const auto still = store->commit(
      collected("r1", config_b,
                {finding("telnet.off", Verdict::fail, Severity::critical, {telnet_line}),
                 finding("ssh.v2", Verdict::pass)},
                3000),
      "p1");
  CHECK(still.events.empty());
  CHECK(store->findings(telnet).at(0).failing_since == 2000);

  // Cannot be evaluated once (error): not a clearance, the failure keeps its start.
  store->commit(
      collected("r1", config_b,
                {finding("telnet.off", Verdict::error), finding("ssh.v2", Verdict::pass)}, 3500),
      "p1");
  const auto again = store->commit(
      collected("r1", config_b,
                {finding("telnet.off", Verdict::fail, Severity::critical, {telnet_line}),
                 finding("ssh.v2", Verdict::pass)},
                3700),
      "p1");
  CHECK(again.events.empty());
  CHECK(store->findings(telnet).at(0).failing_since == 2000);

  const auto fixed = store->commit(
      collected("r1", config_a,
                {finding("telnet.off", Verdict::pass), finding("ssh.v2", Verdict::pass)}, 4000),
      "p1");
  REQUIRE(fixed.events.size() == 2);
  const Event& restored = fixed.events[1];
  CHECK(restored.type == "compliance_restored");
  CHECK(restored.control == "telnet.off");
  CHECK(restored.details.at("previous_verdict") == "fail");
  CHECK(restored.details.at("verdict") == "pass");
  CHECK(restored.details.at("failing_since") == 2000);
  const auto row = store->findings(telnet).at(0);
  CHECK_FALSE(row.failing_since);
  CHECK(row.last_cleared == 4000);

  // Everything recorded, oldest first, and the filters work.
  const auto all = store->events({});
  REQUIRE(all.size() == 4);
  for (std::size_t i = 1; i < all.size(); ++i)
    CHECK(all[i].id > all[i - 1].id);
  EventFilter after;
  after.after_id = all[1].id;
  CHECK(store->events(after).size() == 2);
  EventFilter since;
  since.since = 4000;
  CHECK(store->events(since).size() == 2);
  EventFilter limited;
  limited.limit = 1;
  CHECK(store->events(limited).size() == 1);
}

TEST_CASE("collection_failed once per run of failures, then collection_recovered") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  const std::vector findings{finding("c1", Verdict::pass)};
  store->commit(collected("r1", config_a, findings, 1000), "p1");

  const auto first = store->commit(failed("r1", "timeout", 2000), "p1");
  REQUIRE(first.events.size() == 1);
  CHECK(first.events[0].type == "collection_failed");
  CHECK(first.events[0].details.at("error_kind") == "timeout");
  CHECK(first.events[0].details.at("message") == "could not collect: timeout");
  CHECK(first.events[0].details.at("consecutive_failures") == 1);
  CHECK(first.events[0].details.at("last_success") == 1000);
  CHECK(store->commit(failed("r1", "timeout", 3000), "p1").events.empty());
  CHECK(store->commit(failed("r1", "auth_failed", 4000), "p1").events.empty());

  auto status = store->device("r1");
  REQUIRE(status);
  CHECK_FALSE(status->up);
  CHECK(status->consecutive_failures == 3);
  CHECK(status->last_error_kind == "auth_failed");
  CHECK(status->last_collection == 4000);
  CHECK(status->last_success == 1000);
  REQUIRE(status->latest_version);  // the last good config stays
  CHECK(store->config("r1") == config_a);

  const auto back = store->commit(collected("r1", config_a, findings, 5000), "p1");
  REQUIRE(back.events.size() == 1);
  CHECK(back.events[0].type == "collection_recovered");
  CHECK(back.events[0].details.at("failed_collections") == 3);
  CHECK(back.events[0].details.at("failing_since") == 1900);  // the first failure's start
  CHECK(back.events[0].details.at("last_error_kind") == "auth_failed");
  status = store->device("r1");
  CHECK(status->up);
  CHECK(status->consecutive_failures == 0);
  CHECK(status->last_error_kind.empty());

  // A device whose very first collection fails gets the event too.
  const auto never = store->commit(failed("r9", "connect_failed", 6000), "p1");
  REQUIRE(never.events.size() == 1);
  CHECK(never.events[0].type == "collection_failed");
  CHECK_FALSE(never.events[0].details.contains("last_success"));
}

TEST_CASE("host_key_changed names both fingerprints, once per run") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  store->commit(collected("r1", config_a, {finding("c1", Verdict::pass)}, 1000), "p1");
  const auto changed = store->commit(failed("r1", "host_key_changed", 2000), "p1");
  REQUIRE(changed.events.size() == 2);
  CHECK(changed.events[0].type == "collection_failed");
  CHECK(changed.events[0].details.at("error_kind") == "host_key_changed");
  const Event& event = changed.events[1];
  CHECK(event.type == "host_key_changed");
  CHECK(event.severity == "critical");
  CHECK(event.details.at("known_fingerprint") == "SHA256:known");
  CHECK(event.details.at("presented_fingerprint") == "SHA256:presented");
  CHECK(store->commit(failed("r1", "host_key_changed", 3000), "p1").events.empty());
  // A different failure, then the host key again: a new host_key_changed (not a new failure).
  store->commit(failed("r1", "timeout", 3500), "p1");
  const auto later = store->commit(failed("r1", "host_key_changed", 4000), "p1");
  REQUIRE(later.events.size() == 1);
  CHECK(later.events[0].type == "host_key_changed");
}

TEST_CASE("drift from the intended config is detected and cleared") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  const std::vector findings{finding("c1", Verdict::pass)};
  auto outcome = collected("r1", config_a, findings, 1000);
  outcome.intended_diff = "";
  CHECK(store->commit(outcome, "p1").events.empty());
  CHECK(store->device("r1")->has_intended);
  CHECK_FALSE(store->device("r1")->drift);

  const std::string drift = unified_diff(config_a, config_b, "intended", "actual");
  outcome = collected("r1", config_b, findings, 2000);
  outcome.intended_diff = drift;
  const auto detected = store->commit(outcome, "p1");
  REQUIRE(detected.events.size() == 2);
  CHECK(detected.events[1].type == "drift_detected");
  CHECK(detected.events[1].details.at("intended_diff") == drift);
  CHECK(store->device("r1")->drift);
  CHECK(store->device("r1")->intended_diff == drift);

  outcome.finished_at = 3000;
  CHECK(store->commit(outcome, "p1").events.empty());  // still drifting: no new event

  outcome = collected("r1", config_a, findings, 4000);
  outcome.intended_diff = "";
  const auto cleared = store->commit(outcome, "p1");
  REQUIRE(cleared.events.size() == 2);
  CHECK(cleared.events[1].type == "drift_cleared");
  CHECK_FALSE(store->device("r1")->drift);
  CHECK(store->device("r1")->intended_diff.empty());

  // Drifting, then the intended config is removed: the drift clears too (alerts resolve).
  outcome = collected("r1", config_b, findings, 5000);
  outcome.intended_diff = drift;
  store->commit(outcome, "p1");
  outcome = collected("r1", config_b, findings, 6000);
  outcome.intended_diff.reset();
  const auto removed = store->commit(outcome, "p1");
  REQUIRE(removed.events.size() == 1);
  CHECK(removed.events[0].type == "drift_cleared");
  CHECK(removed.events[0].details.at("reason") == "no intended config");
  CHECK_FALSE(store->device("r1")->has_intended);
}

TEST_CASE("retention keeps the newest versions, never the latest, and their texts") {
  const TempDir dir("store");
  const auto file = dir.path() / "netaudit.db";
  StoreOptions options;
  options.keep_versions = 2;
  auto store = Store::open(file, options);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(store
                      ->commit(collected("r1", config_a + "! revision " + std::to_string(i) + "\n",
                                         {finding("c1", Verdict::pass)}, 1000 * (i + 1)),
                               "p1")
                      .version_id);
  }
  const auto versions = store->versions("r1");
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].id == ids[4]);
  CHECK(versions[1].id == ids[3]);
  CHECK_FALSE(store->config("r1", ids[0]));
  CHECK(store->config("r1") == config_a + "! revision 4\n");
  CHECK(store->events({}).size() == 4);  // events outlive the versions they name
  store.reset();
  const RawDb raw(file);
  CHECK(raw.value("SELECT count(*) FROM blobs") == "2");
  CHECK(raw.value("SELECT count(*) FROM results") == "2");

  StoreOptions keep_one;
  keep_one.keep_versions = 1;
  auto again = Store::open(file, keep_one);
  again->commit(collected("r1", config_b, {finding("c1", Verdict::pass)}, 9000), "p1");
  REQUIRE(again->versions("r1").size() == 1);
  CHECK(again->config("r1") == config_b);
}

TEST_CASE("a policy change is one policy_changed event, never per-device regressions") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  for (int i = 0; i < 20; ++i) {
    const std::string name = "r" + std::to_string(i);
    store->commit(
        collected(name, config_a + "! " + name + "\n",
                  {finding("ntp.auth", Verdict::pass), finding("old.rule", Verdict::fail)}, 1000),
        "baseline-1");
  }
  const auto latest = store->latest_configs();
  REQUIRE(latest.size() == 20);
  std::vector<Store::Reaudit> reaudits;
  for (const auto& config : latest) {
    // The new policy: ntp.auth is stricter (fails everywhere), old.rule is gone, new.rule is new.
    reaudits.push_back({config.device,
                        config.version_id,
                        {finding("ntp.auth", Verdict::fail, Severity::medium),
                         finding("new.rule", Verdict::fail, Severity::low)}});
  }
  // One stale entry: a version that is not the device's latest any more is skipped.
  reaudits.push_back({"r0", 999'999, {finding("ntp.auth", Verdict::pass)}});
  const auto summary = store->commit_policy_change(reaudits, "baseline-1", "baseline-2");
  REQUIRE(summary.events.size() == 1);
  const Event& event = summary.events[0];
  CHECK(event.type == "policy_changed");
  CHECK(event.device.empty());
  CHECK(event.details.at("from_policy_version") == "baseline-1");
  CHECK(event.details.at("to_policy_version") == "baseline-2");
  CHECK(event.details.at("devices_reaudited") == 20);
  CHECK(event.details.at("devices_skipped") == 1);
  const auto& controls = event.details.at("controls");
  CHECK(controls.at("ntp.auth").at("pass_to_fail") == 20);
  CHECK(controls.at("ntp.auth").at("failing_devices") == 20);
  CHECK(controls.at("ntp.auth").at("severity") == "medium");
  CHECK(controls.at("new.rule").at("new_fail") == 20);
  CHECK(controls.at("old.rule").at("removed_fail") == 20);
  CHECK(store->events({}).size() == 1);  // nothing else was recorded

  CHECK(store->policy_version() == "baseline-2");
  FindingFilter ntp;
  ntp.control = "ntp.auth";
  const auto rows = store->findings(ntp);
  REQUIRE(rows.size() == 20);
  for (const auto& row : rows) {
    CHECK(row.verdict == "fail");
    CHECK(row.policy_version == "baseline-2");
    CHECK(row.failing_since);
  }
  FindingFilter old_rule;
  old_rule.control = "old.rule";
  CHECK(store->findings(old_rule).empty());

  // The next collection under the new policy sees no change: no events.
  const auto next = store->commit(collected("r3", config_a + "! r3\n",
                                            {finding("ntp.auth", Verdict::fail, Severity::medium),
                                             finding("new.rule", Verdict::fail, Severity::low)},
                                            5000),
                                  "baseline-2");
  CHECK(next.events.empty());
}

TEST_CASE("everything is there after closing and reopening") {
  const TempDir dir("store");
  const auto file = dir.path() / "netaudit.db";
  std::int64_t first_event = 0;
  {
    auto store = Store::open(file);
    store->sync_devices({{"r1", "cisco_ios", "ssh", "h1", {{"site", "x"}}}});
    store->commit(collected("r1", config_a, {finding("c1", Verdict::pass)}, 1000), "p1");
    first_event =
        store->commit(collected("r1", config_b, {finding("c1", Verdict::fail)}, 2000), "p1")
            .events.at(0)
            .id;
  }
  auto store = Store::open(file);
  CHECK(store->versions("r1").size() == 2);
  CHECK(store->config("r1") == config_b);
  CHECK(store->policy_version() == "p1");
  CHECK(store->device("r1")->info.labels.at("site") == "x");
  CHECK(store->findings({}).at(0).failing_since == 2000);
  const auto events = store->events({});
  REQUIRE(events.size() == 2);
  // Event ids keep growing across restarts (they are idempotency keys).
  const auto later =
      store->commit(collected("r1", config_a, {finding("c1", Verdict::pass)}, 3000), "p1");
  CHECK(later.events.at(0).id > events.back().id);
  CHECK(events.front().id == first_event);
}

TEST_CASE("the event hook writes in the commit's transaction, and a throw undoes it all") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  store->commit(collected("r1", config_a, {finding("c1", Verdict::pass)}, 1000), "p1");
  std::vector<std::int64_t> seen;
  store->set_event_hook([&](sqlite::Connection&, const std::vector<Event>& events) {
    for (const auto& event : events)
      seen.push_back(event.id);
  });
  const auto changed =
      store->commit(collected("r1", config_b, {finding("c1", Verdict::pass)}, 2000), "p1");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == changed.events.at(0).id);

  store->set_event_hook([](sqlite::Connection&, const std::vector<Event>&) {
    throw std::runtime_error("outbox full");
  });
  CHECK_THROWS_WITH(
      store->commit(collected("r1", config_a, {finding("c1", Verdict::fail)}, 3000), "p1"),
      "outbox full");
  // Nothing of that commit is there: no version, no result, no event.
  CHECK(store->versions("r1").size() == 2);
  CHECK(store->config("r1") == config_b);
  CHECK(store->findings({}).at(0).verdict == "pass");
  CHECK(store->events({}).size() == 1);
  store->set_event_hook({});
  CHECK(store->commit(collected("r1", config_a, {finding("c1", Verdict::fail)}, 3000), "p1")
            .events.size() == 2);
}

TEST_CASE("reads run from other threads while commits go on") {
  const TempDir dir("store");
  auto store = Store::open(dir.path() / "netaudit.db");
  store->commit(collected("r1", config_a, {finding("c1", Verdict::pass)}, 1000), "p1");
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<bool> consistent{true};
  std::thread reader([&] {
    while (!done) {
      for (const auto& status : store->devices()) {
        // A version always comes with its result: never one without the other.
        if (!status.latest_version || status.verdict_counts.empty()) consistent = false;
      }
      ++reads;
    }
  });
  for (int i = 0; i < 200; ++i) {
    store->commit(collected("r" + std::to_string(i % 7), config_a + std::to_string(i) + "\n",
                            {finding("c1", i % 2 ? Verdict::pass : Verdict::fail)}, 2000 + i),
                  "p1");
  }
  while (reads < 3)
    std::this_thread::yield();
  done = true;
  reader.join();
  CHECK(consistent);
  CHECK(store->devices().size() == 7);
}
