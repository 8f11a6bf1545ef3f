#include <catch2/catch.hpp>
#include <fstream>

#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/inventory.hpp"
#include "openssh_server.hpp"

using namespace netaudit::collectors;

TEST_CASE("inventory: defaults - credentials relative to the file - labels - algorithms") {
  netaudit::test::TempDir dir;
  const auto file = dir.path() / "inventory.yaml";
  std::ofstream(file) << R"(defaults:
  user: netaudit
  key_file: keys/id_ed25519
  port: 2222
devices:
  - name: core1
    host: 192.0.2.1
    platform: cisco_ios
    labels: {site: ams, role: core}
  - name: edge1
    host: 192.0.2.2
    port: 830
    platform: juniper_junos
    transport: netconf
    password_file: /etc/netaudit/edge1.pw
    algorithms: {kex: diffie-hellman-group14-sha1, host_key: ssh-rsa}
)";
  const Inventory inventory = load_inventory(file);
  REQUIRE(inventory.devices.size() == 2);
  const DeviceTarget* core = inventory.find("core1");
  REQUIRE(core);
  CHECK(core->port == 2222);
  CHECK(core->credentials.user == "netaudit");
  CHECK(core->credentials.key_file == dir.path() / "keys/id_ed25519");
  CHECK(core->labels.at("site") == "ams");
  CHECK(core->transport == Transport::ssh);
  const DeviceTarget* edge = inventory.find("edge1");
  REQUIRE(edge);
  CHECK(edge->port == 830);
  CHECK(edge->transport == Transport::netconf);
  CHECK(edge->credentials.password_file == std::filesystem::path("/etc/netaudit/edge1.pw"));
  CHECK(edge->algorithms.kex == "diffie-hellman-group14-sha1");
  CHECK(inventory.find("nope") == nullptr);
}

TEST_CASE("inventory errors name the file and line") {
  netaudit::test::TempDir dir;
  const auto file = dir.path() / "bad.yaml";
  std::ofstream(file)
      << "devices:\n  - name: a\n    host: h\n    platform: cisco_ios\n    colour: red\n";
  try {
    (void)load_inventory(file);
    FAIL("accepted");
  } catch (const CollectError& error) {
    const std::string message = error.what();
    CHECK(message.find("bad.yaml:5") != std::string::npos);
    CHECK(message.find("colour") != std::string::npos);
  }
  std::ofstream(file, std::ios::trunc) << "devices:\n  - {name: a, platform: cisco_ios}\n";
  CHECK_THROWS_AS(load_inventory(file), CollectError);
  std::ofstream(file, std::ios::trunc)
      << "devices:\n  - {name: a, host: h, platform: x}\n  - {name: a, host: h, platform: x}\n";
  CHECK_THROWS_AS(load_inventory(file), CollectError);
  CHECK_THROWS_AS(load_inventory(dir.path() / "missing.yaml"), CollectError);
}
