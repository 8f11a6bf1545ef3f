// devsim changes a running device's configuration: SIGHUP re-reads the lab's files, so a
// collection before and after the change returns the two configs (how tests and the quickstart
// lab make drift happen). A lab that no longer loads keeps the configs it served.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <netaudit/collectors/collect.hpp>
#include <netaudit/collectors/profile.hpp>
#include <string>
#include <thread>

#include "devsim_fixture.hpp"
#include "temp_dir.hpp"
#include "test_key.hpp"
#include "test_paths.hpp"

using namespace netaudit::test;
namespace nc = netaudit::collectors;
using namespace std::chrono_literals;

namespace {

const std::string kBefore =
    "Building configuration...\n\n"
    "hostname drift1\n"
    "!\n"
    "snmp-server community n0t-publ1c RO\n"
    "ip ssh version 2\n"
    "line vty 0 4\n"
    " transport input ssh\n"
    "end\n";
const std::string kAfter =
    "Building configuration...\n\n"
    "hostname drift1\n"
    "!\n"
    "snmp-server community public RO\n"
    "line vty 0 4\n"
    " transport input telnet ssh\n"
    "end\n";

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out);
}

// A lab of its own in a temporary folder, so that the test may edit its files.
std::filesystem::path write_lab(const TempDir& dir) {
  write(dir.path() / "drift1.cfg", kBefore);
  write(dir.path() / "other.cfg", kBefore);
  const auto lab = dir.path() / "lab.yaml";
  write(lab,
        "defaults: {user: netops, password: lab-only-reload}\n"
        "devices:\n"
        "  - {name: drift1, platform: cisco_ios, config: drift1.cfg}\n"
        "  - {name: other, platform: cisco_ios, config: other.cfg}\n");
  return lab;
}

nc::CollectResult collect(const DevsimLab& lab, const std::string& device) {
  nc::DeviceTarget target;
  target.name = device;
  target.host = "127.0.0.1";
  target.port = lab.devsim->port(device);
  target.platform = "cisco_ios";
  target.transport = nc::Transport::ssh;
  target.credentials.user = "netops";
  target.credentials.key_file = lab.key;
  nc::CollectOptions options;
  options.redaction_key = netaudit::test::redaction_key();
  options.known_hosts = lab.devsim->known_hosts();
  options.connect_timeout = 5000ms;
  options.command_timeout = 3000ms;
  options.job_timeout = 15000ms;
  options.redaction_key = redaction_key();
  return nc::collect_config(target, nc::load_profile_by_name("cisco_ios"), options);
}

// Waits (bounded) until devsim's output holds `text` `count` times.
bool output_shows(const DevsimLab& lab, const std::string& text, std::size_t count) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (count_of(lab.devsim->output(), text) < count) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace

TEST_CASE("SIGHUP makes devsim serve the lab's changed config files", "[devsim]") {
  TempDir dir("devsim-reload");
  const auto lab_file = write_lab(dir);
  DevsimLab lab(lab_file);

  const auto before = collect(lab, "drift1");
  INFO(before.message);
  REQUIRE(before.ok());
  CHECK(before.raw == kBefore);

  write(dir.path() / "drift1.cfg", kAfter);
  REQUIRE(::kill(lab.devsim->pid(), SIGHUP) == 0);
  REQUIRE(output_shows(lab, "reloaded 2 devices", 1));

  const auto after = collect(lab, "drift1");
  INFO(after.message);
  REQUIRE(after.ok());
  CHECK(after.raw == kAfter);
  // The device left alone still serves what it did.
  const auto other = collect(lab, "other");
  REQUIRE(other.ok());
  CHECK(other.raw == kBefore);

  // A lab that no longer loads: devsim says so and keeps serving the configs it had.
  write(lab_file, "devices: [\n");
  REQUIRE(::kill(lab.devsim->pid(), SIGHUP) == 0);
  REQUIRE(output_shows(lab, "reload failed", 1));
  const auto kept = collect(lab, "drift1");
  REQUIRE(kept.ok());
  CHECK(kept.raw == kAfter);
  CHECK(lab.devsim->refused_commands().empty());
}
