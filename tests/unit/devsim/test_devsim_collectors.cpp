// The collectors against devsim: every platform profile fetches its fixture config exactly, every
// fault ends in its own error within its deadline with nothing partial returned, and devsim's
// audit log shows that no collector ever sent a command that is not read-only.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <netaudit/collectors/collect.hpp>
#include <netaudit/collectors/inventory.hpp>
#include <netaudit/collectors/netconf_client.hpp>
#include <netaudit/collectors/normalise.hpp>
#include <netaudit/collectors/profile.hpp>
#include <string>

#include "devsim_fixture.hpp"
#include "test_key.hpp"
#include "test_paths.hpp"

using namespace netaudit::test;
namespace nc = netaudit::collectors;
using std::chrono::milliseconds;

namespace {

struct LabDevice {
  std::string name;
  std::string platform;
  std::string user;
  std::filesystem::path config;
  std::map<std::string, std::filesystem::path> commands;
  std::string fault;
};

// The fixture lab as the tests see it (the same YAML devsim reads).
std::vector<LabDevice> lab_devices() {
  const auto file = devsim_lab_file();
  const auto root = YAML::LoadFile(file.string());
  const std::string default_user = root["defaults"]["user"].as<std::string>();
  std::vector<LabDevice> devices;
  for (const auto& node : root["devices"]) {
    LabDevice device;
    device.name = node["name"].as<std::string>();
    device.platform = node["platform"].as<std::string>();
    device.user = node["user"] ? node["user"].as<std::string>() : default_user;
    device.config = file.parent_path() / node["config"].as<std::string>();
    if (node["commands"]) {
      for (const auto& entry : node["commands"]) {
        device.commands[entry.first.as<std::string>()] =
            file.parent_path() / entry.second.as<std::string>();
      }
    }
    device.fault = node["fault"] ? node["fault"].as<std::string>() : "none";
    devices.push_back(device);
  }
  return devices;
}

const LabDevice& lab_device(std::string_view name) {
  static const auto devices = lab_devices();
  for (const auto& device : devices) {
    if (device.name == name) return device;
  }
  throw std::out_of_range("no lab device " + std::string(name));
}

nc::DeviceTarget target_for(const DevsimLab& lab, const LabDevice& device,
                            nc::Transport transport = nc::Transport::ssh) {
  nc::DeviceTarget target;
  target.name = device.name;
  target.host = "127.0.0.1";
  target.port = lab.devsim->port(device.name);
  target.platform = device.platform;
  target.transport = transport;
  target.credentials.user = device.user;
  target.credentials.key_file = lab.key;
  return target;
}

nc::CollectOptions quick_options(const DevsimLab& lab) {
  nc::CollectOptions options;
  options.known_hosts = lab.devsim->known_hosts();
  options.redaction_key = netaudit::test::redaction_key();
  options.connect_timeout = milliseconds(5000);
  options.command_timeout = milliseconds(3000);
  options.job_timeout = milliseconds(15000);
  return options;
}

// What devsim serves for the profile's fetch commands, concatenated.
std::string expected_fetch(const LabDevice& device, const nc::Profile& profile) {
  std::string expected;
  for (const auto& command : profile.fetch_commands) {
    auto it = device.commands.find(command);
    expected += read_file(it != device.commands.end() ? it->second : device.config);
  }
  return expected;
}

// Collects `platform`'s lab device and compares with what devsim serves for the profile's fetch
// commands (concatenated), raw and normalised.
void check_platform_fetch(const DevsimLab& lab, const std::string& platform) {
  INFO("platform " << platform);
  const LabDevice* device = nullptr;
  for (const auto& candidate : lab_devices()) {
    if (candidate.platform == platform && candidate.fault == "none") {
      device = &lab_device(candidate.name);
      break;
    }
  }
  if (!device) FAIL("the devsim lab has no device of platform " << platform);
  const auto profile = nc::load_profile_by_name(platform);
  const std::string expected = expected_fetch(*device, profile);
  const auto result = nc::collect_config(target_for(lab, *device), profile, quick_options(lab));
  INFO(result.message);
  REQUIRE(result.ok());
  CHECK(result.raw == expected);
  CHECK(result.normalised ==
        nc::Normaliser(profile, netaudit::test::redaction_key()).normalise(expected));
  CHECK(result.host_key_fingerprint.starts_with("SHA256:"));
}

}  // namespace

TEST_CASE("every platform profile fetches its fixture config from devsim exactly", "[collectors]") {
  DevsimLab lab;
  const auto platforms = nc::available_platforms();
  REQUIRE(platforms.size() >= 12);
  for (const auto& platform : platforms) {
    check_platform_fetch(lab, platform);
  }
  // Not a single configuration, write or reboot command reached any device.
  CHECK(lab.devsim->refused_commands().empty());
}

TEST_CASE("NETCONF get-config from devsim - chunked and end-of-message framing", "[collectors]") {
  DevsimLab lab;
  const auto xml = read_file(devsim_fixture_dir() / "netconf" / "juniper_junos.xml");
  const auto profile = nc::load_profile_by_name("juniper_junos");
  for (const char* name : {"lab-mx1", "netconf-base10"}) {
    INFO(name);
    const auto result = nc::collect_config(
        target_for(lab, lab_device(name), nc::Transport::netconf), profile, quick_options(lab));
    INFO(result.message);
    REQUIRE(result.ok());
    CHECK(result.raw.find("<host-name>lab-mx1</host-name>") != std::string::npos);
    CHECK(result.raw.find("<name>10.0.16.1/30</name>") != std::string::npos);
    // The SNMP community (<snmp><community><name>) comes back as a marker, never in clear.
    CHECK(result.raw.find("<name>N0tPublic</name>") != std::string::npos);
    CHECK(result.normalised.find("N0tPublic") == std::string::npos);
    CHECK(result.normalised.find("<name>" + netaudit::test::marker("N0tPublic") + "</name>") !=
          std::string::npos);
    CHECK(result.normalised.find("<name>10.0.16.1/30</name>") != std::string::npos);
    const bool has_11 = std::find(result.capabilities.begin(), result.capabilities.end(),
                                  std::string(nc::kNetconfBase11)) != result.capabilities.end();
    CHECK(has_11 == (std::string(name) == "lab-mx1"));
  }
  CHECK(lab.devsim->refused_commands().empty());
}

TEST_CASE("every devsim fault ends in its own error - in time - with nothing partial",
          "[collectors]") {
  DevsimLab lab;
  struct FaultCase {
    const char* device;
    nc::Transport transport;
    nc::ErrorKind expected;
  };
  auto options = quick_options(lab);
  options.max_output_bytes = 1u << 20;  // endless output hits the cap
  // Far beyond every per-step deadline: a case that ends before it was ended by its own option,
  // not by the job's, however loaded the machine.
  options.job_timeout = milliseconds(120000);
  const FaultCase cases[] = {
      {"fault-wrong-password", nc::Transport::ssh, nc::ErrorKind::auth_failed},
      {"fault-host-key", nc::Transport::ssh, nc::ErrorKind::host_key_changed},
      {"fault-hang", nc::Transport::ssh, nc::ErrorKind::timeout},
      {"fault-disconnect", nc::Transport::ssh, nc::ErrorKind::disconnected},
      {"fault-endless", nc::Transport::ssh, nc::ErrorKind::output_too_large},
      {"fault-garbage", nc::Transport::ssh, nc::ErrorKind::prompt_not_found},
      {"fault-netconf-chunk", nc::Transport::netconf, nc::ErrorKind::protocol_error},
  };
  for (const auto& c : cases) {
    INFO(c.device << ": expected " << nc::to_string(c.expected));
    const auto& device = lab_device(c.device);
    const auto profile = nc::load_profile_by_name(device.platform);
    const auto started = std::chrono::steady_clock::now();
    const auto result = nc::collect_config(target_for(lab, device, c.transport), profile, options);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    INFO("got " << nc::to_string(result.error) << ": " << result.message);
    CHECK(result.error == c.expected);
    CHECK(elapsed < options.job_timeout);
    CHECK(result.raw.empty());
    CHECK(result.normalised.empty());
  }
  SECTION("endless output without a small cap: the job deadline ends it") {
    auto slow = options;
    slow.max_output_bytes = 1u << 30;
    slow.command_timeout = milliseconds(2000);
    slow.job_timeout = milliseconds(3000);
    const auto& device = lab_device("fault-endless");
    const auto started = std::chrono::steady_clock::now();
    const auto result =
        nc::collect_config(target_for(lab, device), nc::load_profile_by_name("cisco_ios"), slow);
    INFO(result.message);
    CHECK(result.error == nc::ErrorKind::timeout);
    // Endless output never lets the 2 s command deadline pass with nothing read: the 3 s job
    // deadline is what ended it (without it, it would never end; 60 s is only a bound).
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
    CHECK(result.raw.empty());
  }
  CHECK(lab.devsim->refused_commands().empty());
}

TEST_CASE("paging fallback: a refused paging-off command still yields the whole config",
          "[collectors]") {
  DevsimLab lab;
  const auto& device = lab_device("fault-paging");
  const auto profile = nc::load_profile_by_name("cisco_ios");
  const auto result = nc::collect_config(target_for(lab, device), profile, quick_options(lab));
  INFO(result.message);
  REQUIRE(result.ok());
  CHECK(result.raw == read_file(device.config));
  CHECK(lab.devsim->refused_commands().empty());
}

TEST_CASE("host keys against devsim: unknown refused when strict - accept-new records - then ok",
          "[collectors]") {
  DevsimLab lab;
  TempDir dir("devsim-kh");
  const auto known_hosts = dir.path() / "known_hosts";
  const auto& device = lab_device("lab-ios1");
  const auto profile = nc::load_profile_by_name("cisco_ios");
  auto options = quick_options(lab);
  options.known_hosts = known_hosts;

  auto result = nc::collect_config(target_for(lab, device), profile, options);
  CHECK(result.error == nc::ErrorKind::host_key_unknown);
  options.host_key_policy = nc::HostKeyPolicy::accept_new;
  result = nc::collect_config(target_for(lab, device), profile, options);
  INFO(result.message);
  CHECK(result.ok());
  options.host_key_policy = nc::HostKeyPolicy::strict;
  result = nc::collect_config(target_for(lab, device), profile, options);
  CHECK(result.ok());
}

TEST_CASE("password credentials - password method and a keyboard-interactive-only device",
          "[collectors]") {
  DevsimLab lab;
  for (const char* name : {"lab-ios1", "kbdint-only"}) {
    INFO(name);
    const auto& device = lab_device(name);
    auto target = target_for(lab, device);
    target.credentials.key_file.reset();
    target.credentials.password_file = devsim_fixture_dir() / "lab-password.txt";
    const auto profile = nc::load_profile_by_name(device.platform);
    const auto result = nc::collect_config(target, profile, quick_options(lab));
    INFO(result.message);
    CHECK(result.ok());
    CHECK(result.raw == read_file(device.config));
    // The password never shows up in what the collector returns.
    CHECK(result.message.find("devsim-lab-only-pw") == std::string::npos);
  }
  auto target = target_for(lab, lab_device("fault-wrong-password"));
  target.credentials.key_file.reset();
  target.credentials.password_file = devsim_fixture_dir() / "lab-password.txt";
  const auto result =
      nc::collect_config(target, nc::load_profile_by_name("cisco_ios"), quick_options(lab));
  CHECK(result.error == nc::ErrorKind::auth_failed);
  CHECK(result.message.find("devsim-lab-only-pw") == std::string::npos);
}

TEST_CASE("the lab inventory matches the lab and collects every device", "[collectors]") {
  // tests/fixtures/devsim/inventory.yaml is the quickstart's inventory for
  // `devsim --lab lab.yaml --base-port 10022`; here devsim runs on free ports, so each device's
  // port is checked against its lab position, then replaced by the real one.
  const auto inventory = nc::load_inventory(devsim_fixture_dir() / "inventory.yaml");
  const auto lab_list = lab_devices();
  REQUIRE(inventory.devices.size() >= 13);
  DevsimLab lab;
  for (auto target : inventory.devices) {
    std::string lab_name = target.name;
    if (lab_name.ends_with("-netconf")) lab_name.resize(lab_name.size() - 8);
    INFO(target.name);
    const auto at = std::find_if(lab_list.begin(), lab_list.end(),
                                 [&](const LabDevice& d) { return d.name == lab_name; });
    REQUIRE(at != lab_list.end());
    CHECK(target.port == 10022 + (at - lab_list.begin()));
    CHECK(target.platform == at->platform);
    CHECK(at->fault == "none");
    target.port = lab.devsim->port(lab_name);
    const auto profile = nc::load_profile_by_name(target.platform);
    const auto result = nc::collect_config(target, profile, quick_options(lab));
    INFO(result.message);
    CHECK(result.ok());
    if (target.transport == nc::Transport::ssh) CHECK(result.raw == expected_fetch(*at, profile));
  }
  CHECK(lab.devsim->refused_commands().empty());
}
