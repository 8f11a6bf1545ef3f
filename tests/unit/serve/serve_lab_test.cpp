// `netaudit serve --once` over a devsim lab of 21 devices on 13 platforms, SSH and NETCONF,
// with the faults a NOC meets: every reachable device ends with a stored version and its
// results, and every broken one with its own error and event, none waiting for another.
#include "serve_lab.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "store/store.hpp"

using namespace netaudit::test;
namespace fs = std::filesystem;

TEST_CASE("serve --check validates the lab config", "[serve][devsim]") {
  ServeLab lab;
  const auto config = lab.write_config();
  const CommandResult check = lab.serve(config, "--check");
  INFO(check.output);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.output, Catch::Contains("ok: ") && Catch::Contains("21 device(s)"));

  const auto broken = lab.write_config("    - {name: lab-ios1, platform: cisco_ios, port: 1}\n");
  const CommandResult dup = lab.serve(broken, "--check");
  INFO(dup.output);
  CHECK(dup.exit_code == 2);
  CHECK_THAT(dup.output, Catch::Contains("device name 'lab-ios1' appears twice"));
}

TEST_CASE("serve --once over the lab stores every reachable device and every failure",
          "[serve][devsim]") {
  ServeLab lab;
  const auto config = lab.write_config();
  const CommandResult run = lab.serve(config, "--once");
  INFO(run.output);
  CHECK(run.exit_code == 1);  // some devices failed, on purpose

  auto store = netaudit::store::Store::open(lab.dir.path() / "state/netaudit.db");
  const auto devices = store->devices();
  REQUIRE(devices.size() == 21);
  std::size_t up = 0;
  for (const auto& device : devices) {
    INFO(device.info.name << " " << device.last_error_kind << ": " << device.last_error_message);
    CHECK(device.last_collection.has_value());
    if (kBrokenLabDevices.count(device.info.name)) {
      CHECK_FALSE(device.up);
      CHECK_FALSE(device.latest_version.has_value());
      continue;
    }
    ++up;
    CHECK(device.up);
    REQUIRE(device.latest_version.has_value());
    CHECK(device.latest_version->sha256.size() == 64);
    // Every control has a verdict, and at least one control fails on each lab config.
    int controls = 0;
    for (const auto& [verdict, n] : device.verdict_counts)
      controls += n;
    CHECK(controls == 56);
    CHECK(device.verdict_counts.count("fail") == 1);
  }
  CHECK(up == 17);

  auto status_of = [&](const std::string& name) {
    for (const auto& device : devices)
      if (device.info.name == name) return device;
    FAIL("no device " << name);
    return netaudit::store::DeviceStatus{};
  };
  CHECK(status_of("fault-host-key").last_error_kind == "host_key_changed");
  CHECK(status_of("fault-wrong-password").last_error_kind == "auth_failed");
  CHECK(status_of("unreachable").last_error_kind == "connect_failed");
  CHECK(status_of("fault-hang").last_error_kind == "timeout");

  netaudit::store::EventFilter filter;
  filter.type = "host_key_changed";
  const auto host_key_events = store->events(filter);
  REQUIRE(host_key_events.size() == 1);
  CHECK(host_key_events[0].device == "fault-host-key");
  filter.type = "collection_failed";
  std::set<std::string> failed;
  for (const auto& event : store->events(filter))
    failed.insert(event.device);
  CHECK(failed == kBrokenLabDevices);

  // Evidence refers to the stored text: each cited line number holds the cited text.
  netaudit::store::FindingFilter findings;
  findings.device = "lab-ios1";
  findings.verdict = "fail";
  const auto rows = store->findings(findings);
  REQUIRE_FALSE(rows.empty());
  const auto text = store->config("lab-ios1");
  REQUIRE(text.has_value());
  std::vector<std::string> lines;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::size_t cited = 0;
  for (const auto& row : rows)
    for (const auto& evidence : row.evidence) {
      if (evidence.line == 0) continue;
      REQUIRE(evidence.line <= lines.size());
      const std::string& stored = lines[evidence.line - 1];
      // The evidence redactor masks once more what it takes for a secret ("<redacted>": a
      // stored marker, an NTP key id); up to there the evidence is the stored line itself.
      const std::size_t masked = evidence.text.find("<redacted>");
      if (masked != std::string::npos)
        CHECK(stored.compare(0, masked, evidence.text, 0, masked) == 0);
      else
        CHECK(stored == evidence.text);
      ++cited;
    }
  CHECK(cited > 0);
}
