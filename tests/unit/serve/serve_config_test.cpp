// The daemon's config file and device sources: every key read, every mistake named with its
// file, line and key.
#include "serve/serve_config.hpp"

#include <catch2/catch.hpp>

#include "inventory/device_source.hpp"
#include "temp_dir.hpp"

using netaudit::serve::ConfigError;
using netaudit::serve::InventorySource;
using netaudit::serve::load_serve_config;
using netaudit::serve::parse_duration;
using netaudit::test::TempDir;
using namespace std::chrono_literals;

namespace {

std::string error_of(const std::filesystem::path& file) {
  try {
    (void)load_serve_config(file);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("durations: units, sums, and refusals", "[serve][config]") {
  CHECK(parse_duration("15m") == 15min);
  CHECK(parse_duration("120s") == 120s);
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("1h30m") == 90min);
  CHECK(parse_duration("2d") == 48h);
  for (const char* bad : {"", "15", "m", "-5s", "0s", "5x", "1.5h", "s5"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("a full config is read key by key, paths against its folder", "[serve][config]") {
  TempDir dir;
  const auto file = dir.write("etc/netaudit.yaml", R"(listen: 127.0.0.1:9999
store: state/netaudit.db
inventory: inventory.yaml
known_hosts: /var/lib/netaudit/known_hosts
host_key_policy: accept-new
policies: [policies/site.yaml]
waivers: waivers.yaml
intended: intended/
schedule: {interval: 5m, jitter: 20%, concurrency: 7, job_timeout: 90s, retries: 3,
           retry_backoff: 10s, limits: {"platform:cisco_iosxr": 2, "site:ams": 4}}
syslog: {listen: 127.0.0.1:5514, patterns: ['CONFIG_CHANGED'], debounce: 5s}
api: {token_file: api-token, read_token_file: read-token}
metrics: {token_file: metrics-token, finding_series_limit: 50}
collect: {connect_timeout: 3s, command_timeout: 20s, max_bytes: 1048576}
retention: {keep_versions: 30}
shutdown_timeout: 4s
log: {level: debug}
)");
  const auto config = load_serve_config(file);
  const auto base = dir.path() / "etc";
  CHECK(config.listen.host == "127.0.0.1");
  CHECK(config.listen.port == 9999);
  CHECK(config.store == base / "state/netaudit.db");
  CHECK(config.inventory.kind == InventorySource::Kind::file);
  CHECK(config.inventory.path == base / "inventory.yaml");
  CHECK(config.known_hosts == "/var/lib/netaudit/known_hosts");
  CHECK(config.host_key_policy == netaudit::collectors::HostKeyPolicy::accept_new);
  REQUIRE(config.policies.size() == 1);
  CHECK(config.policies[0] == base / "policies/site.yaml");
  CHECK(config.waivers == base / "waivers.yaml");
  CHECK(config.schedule.interval == 5min);
  CHECK(config.schedule.jitter == Approx(0.2));
  CHECK(config.schedule.concurrency == 7);
  CHECK(config.schedule.job_timeout == 90s);
  CHECK(config.schedule.retries == 3);
  CHECK(config.schedule.retry_backoff == 10s);
  CHECK(config.schedule.limits.at("platform:cisco_iosxr") == 2);
  CHECK(config.schedule.limits.at("site:ams") == 4);
  REQUIRE(config.syslog.listen.has_value());
  CHECK(config.syslog.listen->port == 5514);
  CHECK(config.syslog.patterns == std::vector<std::string>{"CONFIG_CHANGED"});
  CHECK(config.syslog.debounce == 5s);
  CHECK(config.api.token_file == base / "api-token");
  CHECK(config.api.read_token_file == base / "read-token");
  CHECK(config.metrics.finding_series_limit == 50);
  CHECK(config.collect.connect_timeout == 3s);
  CHECK(config.collect.max_bytes == 1048576);
  CHECK(config.keep_versions == 30);
  CHECK(config.shutdown_timeout == 4s);
  CHECK(config.log_level == "debug");
  CHECK(config.redaction_key_path() == base / "state/redaction.key");
}

TEST_CASE("defaults of a minimal config", "[serve][config]") {
  TempDir dir;
  const auto file = dir.write("serve.yaml", "store: s/n.db\ninventory: {directory: backups}\n");
  const auto config = load_serve_config(file);
  CHECK(config.listen.to_string() == "127.0.0.1:9870");
  CHECK(config.listen.is_loopback());
  CHECK(config.inventory.kind == InventorySource::Kind::directory);
  CHECK(config.known_hosts == dir.path() / "s/known_hosts");
  CHECK(config.schedule.interval == 15min);
  CHECK(config.schedule.concurrency == 50);
  CHECK(config.schedule.retries == 2);
  CHECK(config.host_key_policy == netaudit::collectors::HostKeyPolicy::strict);
  CHECK_FALSE(config.syslog.listen.has_value());
}

TEST_CASE("mistakes name the file, the line and the key", "[serve][config]") {
  TempDir dir;
  struct Case {
    const char* yaml;
    const char* expected;  // substring of the message, after "FILE:"
  };
  const Case cases[] = {
      {"store: a.db\ninventory: i.yaml\nlisten: 127.0.0.1\n", ":3: listen: must be HOST:PORT"},
      {"store: a.db\ninventory: i.yaml\nschedul: {}\n", ":3: schedul: unknown key"},
      {"store: a.db\ninventory: i.yaml\nschedule:\n  interval: soon\n",
       ":4: schedule.interval: must be a duration"},
      {"store: a.db\ninventory: i.yaml\nschedule:\n  concurrency: 0\n",
       ":4: schedule.concurrency: must be a whole number from 1"},
      {"store: a.db\ninventory: i.yaml\nschedule: {jitter: 150%}\n",
       ":3: schedule.jitter: must be a fraction"},
      {"store: a.db\ninventory: i.yaml\nschedule: {interval: 1m, job_timeout: 2m}\n",
       "schedule.job_timeout: must not be longer than schedule.interval"},
      {"store: a.db\ninventory: i.yaml\nhost_key_policy: trust\n",
       ":3: host_key_policy: must be strict or accept-new"},
      {"inventory: i.yaml\n", "store: is required"},
      {"store: a.db\n", "inventory: is required"},
      {"store: a.db\ninventory: {folder: x}\n", ":2: inventory: must be a file name"},
      {"store: a.db\ninventory: i.yaml\ntls: {cert_file: c.pem}\n",
       ":3: tls: needs both cert_file and key_file"},
      {"store: a.db\ninventory: i.yaml\nschedule: {limits: {cisco: 2}}\n",
       "must be platform:NAME or LABEL:VALUE"},
      {"store: a.db\ninventory: i.yaml\nlisten: 10.0.0.300:80\n", "host must be an IP address"},
      {"store: [a\n", "netaudit.yaml:"},  // YAML syntax error with its line
      {"- a\n- b\n", ":1: (top level): must be a mapping"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    const auto file = dir.write("netaudit.yaml", c.yaml);
    const std::string message = error_of(file);
    CHECK_THAT(message, Catch::Contains(file.string()));
    CHECK_THAT(message, Catch::Contains(c.expected));
  }
  CHECK_THAT(error_of(dir.path() / "absent.yaml"), Catch::Contains("cannot read"));
}

TEST_CASE("inline devices, file devices and their errors", "[serve][config][inventory]") {
  TempDir dir;
  dir.write("backups/r1.cfg", "hostname r1\n");
  const auto file = dir.write("serve.yaml", R"(store: n.db
inventory:
  defaults: {user: audit, password_file: pw}
  devices:
    - {name: r1, transport: file, path: backups/r1.cfg}
    - {name: sw1, host: 127.0.0.1, port: 2222, platform: cisco_ios, labels: {site: ams}}
)");
  const auto inventory = netaudit::serve::load_devices(load_serve_config(file));
  REQUIRE(inventory.devices.size() == 2);
  CHECK(inventory.devices[0].transport == netaudit::collectors::Transport::file);
  CHECK(inventory.devices[0].path == dir.path() / "backups/r1.cfg");
  CHECK(inventory.devices[0].platform.empty());  // detected at audit time
  CHECK(inventory.devices[1].port == 2222);
  CHECK(inventory.devices[1].labels.at("site") == "ams");
  CHECK(inventory.devices[1].credentials.password_file == dir.path() / "pw");

  const auto duplicate = dir.write("dup.yaml", R"(store: n.db
inventory:
  devices:
    - {name: a, transport: file, path: x}
    - {name: a, transport: file, path: y}
)");
  try {
    (void)netaudit::serve::load_devices(load_serve_config(duplicate));
    FAIL("a duplicate name was accepted");
  } catch (const ConfigError& error) {
    CHECK_THAT(error.what(), Catch::Contains(duplicate.string() + ":5"));
    CHECK_THAT(error.what(), Catch::Contains("device name 'a' appears twice"));
  }
  const auto no_path = dir.write(
      "nopath.yaml", "store: n.db\ninventory:\n  devices:\n    - {name: a, transport: file}\n");
  CHECK_THROWS_WITH(netaudit::serve::load_devices(load_serve_config(no_path)),
                    Catch::Contains("device 'a' has no path"));
}

TEST_CASE("a folder of backups is an inventory: Oxidized and RANCID layouts",
          "[serve][inventory]") {
  TempDir dir;
  // Oxidized: one file per device, groups as folders, its git metadata beside them.
  dir.write("oxidized/core/rtr1", "hostname rtr1\n");
  dir.write("oxidized/edge/fw1", "hostname fw1\n");
  dir.write("oxidized/.git/config", "[core]\n");
  dir.write("oxidized/.hidden", "x\n");
  // RANCID: <group>/router.db and <group>/configs/<device>; other files are RANCID's own.
  dir.write("rancid/dc1/router.db", "rtr2;cisco;up\n");
  dir.write("rancid/dc1/routers.all", "rtr2\n");
  dir.write("rancid/dc1/configs/rtr2", "!RANCID-CONTENT-TYPE: cisco\nhostname rtr2\n");
  std::filesystem::create_directory_symlink(dir.path() / "oxidized/edge",
                                            dir.path() / "oxidized/link");

  const auto oxidized = netaudit::serve::directory_inventory(dir.path() / "oxidized", "");
  std::vector<std::string> names;
  for (const auto& device : oxidized.devices)
    names.push_back(device.name);
  CHECK(names == std::vector<std::string>{"core/rtr1", "edge/fw1"});
  CHECK(oxidized.devices[0].transport == netaudit::collectors::Transport::file);

  const auto rancid = netaudit::serve::directory_inventory(dir.path() / "rancid", "cisco_ios");
  REQUIRE(rancid.devices.size() == 1);
  CHECK(rancid.devices[0].name == "dc1/configs/rtr2");
  CHECK(rancid.devices[0].platform == "cisco_ios");

  CHECK_THROWS_WITH(netaudit::serve::directory_inventory(dir.path() / "absent", ""),
                    Catch::Contains("is not a folder"));
}
