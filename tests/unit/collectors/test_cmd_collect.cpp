// `netaudit collect` end to end against a real sshd: output, --output file, inventory, and the
// exit codes that distinguish auth failure, unknown and changed host keys, timeouts.
#include <catch2/catch.hpp>
#include <fstream>

#include "openssh_server.hpp"
#include "test_paths.hpp"

using netaudit::test::OpenSshOptions;
using netaudit::test::OpenSshServer;
using netaudit::test::TempDir;

namespace {

// Prints a prompt, answers `terminal length 0` and `show running-config`, exits on `exit`.
std::string device_script(const std::filesystem::path& config, bool hang = false) {
  return std::string("#!/bin/bash\n") + (hang ? "exec sleep 20\n" : "") + "printf 'r1#'\n" +
         "while IFS= read -r line; do\n"
         "  case \"${line%$'\\r'}\" in\n"
         "    'show running-config') cat '" +
         config.string() +
         "' ;;\n"
         "    exit) exit 0 ;;\n"
         "  esac\n"
         "  printf 'r1#'\n"
         "done\n";
}

std::string quote(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

}  // namespace

TEST_CASE("netaudit collect: prints the normalised config - exit codes per failure") {
  TempDir dir{"netaudit-collect-cli"};
  const auto config = netaudit::test::fixture_dir() / "collectors" / "cisco_ios_running.cfg";
  OpenSshServer server(dir.path(), OpenSshOptions{device_script(config), "", false, 0});
  const std::string base = quote(netaudit::test::netaudit_binary()) +
                           " collect --host 127.0.0.1 --port " + std::to_string(server.port()) +
                           " --platform cisco_ios --user " + server.user() + " --known-hosts " +
                           quote(dir.path() / "known_hosts") + " --timeout 20 --command-timeout 5" +
                           " --redaction-key " + quote(dir.path() / "redaction.key");
  const std::string with_key = base + " --key " + quote(server.client_key());

  // Strict by default: an unknown host key is exit 5 and nothing on stdout.
  auto unknown = netaudit::test::run_command(with_key + " 2>/dev/null");
  CHECK(unknown.exit_code == 5);
  CHECK(unknown.output.empty());

  auto ok = netaudit::test::run_command(with_key + " --host-key-policy accept-new 2>/dev/null");
  INFO(server.log());
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.output.find("hostname lab-r1\n") != std::string::npos);
  CHECK(ok.output.find("n0tPubl1c") == std::string::npos);
  CHECK(ok.output.find("redacted-") != std::string::npos);
  CHECK(ok.output.find("Last configuration change") == std::string::npos);

  const auto out_file = dir.path() / "r1.cfg";
  auto to_file =
      netaudit::test::run_command(with_key + " --output " + quote(out_file) + " 2>/dev/null");
  CHECK(to_file.exit_code == 0);
  CHECK(to_file.output.empty());
  CHECK(netaudit::test::read_file(out_file) == ok.output);

  // Inventory: the same device by name.
  const auto inventory = dir.path() / "inventory.yaml";
  std::ofstream(inventory) << "devices:\n  - name: r1\n    host: 127.0.0.1\n    port: "
                           << server.port()
                           << "\n    platform: cisco_ios\n    user: " << server.user()
                           << "\n    key_file: " << server.client_key().string() << "\n";
  auto from_inventory = netaudit::test::run_command(
      quote(netaudit::test::netaudit_binary()) + " collect --inventory " + quote(inventory) +
      " r1 --known-hosts " + quote(dir.path() / "known_hosts") + " --redaction-key " +
      quote(dir.path() / "redaction.key") + " 2>/dev/null");
  CHECK(from_inventory.exit_code == 0);
  CHECK(from_inventory.output == ok.output);
  auto missing_device =
      netaudit::test::run_command(quote(netaudit::test::netaudit_binary()) +
                                  " collect --inventory " + quote(inventory) + " nope 2>&1");
  CHECK(missing_device.exit_code == 2);
  CHECK(missing_device.output.find("nope") != std::string::npos);

  // Wrong password: exit 4, and the password never printed.
  const auto password_file = dir.path() / "pw";
  std::ofstream(password_file) << "Very-Secret-Pw-4711\n";
  auto auth =
      netaudit::test::run_command(base + " --password-file " + quote(password_file) + " 2>&1");
  CHECK(auth.exit_code == 4);
  CHECK(auth.output.find("auth_failed") != std::string::npos);
  CHECK(auth.output.find("Very-Secret-Pw-4711") == std::string::npos);

  // Usage errors: exit 2.
  CHECK(netaudit::test::run_command(base + " 2>/dev/null").exit_code == 2);  // no credential
  CHECK(netaudit::test::run_command(with_key + " --platform no_such 2>/dev/null").exit_code == 2);

  // A changed host key: exit 6, even with accept-new; the old output file is left untouched.
  server.replace_host_key();
  auto changed = netaudit::test::run_command(with_key + " --host-key-policy accept-new --output " +
                                             quote(out_file) + " 2>&1");
  CHECK(changed.exit_code == 6);
  CHECK(changed.output.find("host_key_changed") != std::string::npos);
  CHECK(netaudit::test::read_file(out_file).find("hostname lab-r1") != std::string::npos);
}

TEST_CASE("netaudit collect: a device that hangs after login is exit 7 within the deadline") {
  TempDir dir{"netaudit-collect-cli"};
  OpenSshServer server(dir.path(), OpenSshOptions{device_script("/dev/null", true), "", false, 0});
  const auto start = std::chrono::steady_clock::now();
  auto hung = netaudit::test::run_command(
      quote(netaudit::test::netaudit_binary()) + " collect --host 127.0.0.1 --port " +
      std::to_string(server.port()) + " --platform cisco_ios --user " + server.user() + " --key " +
      quote(server.client_key()) + " --host-key-policy accept-new --known-hosts " +
      quote(dir.path() / "kh") + " --redaction-key " + quote(dir.path() / "redaction.key") +
      " --timeout 3 2>&1");
  CHECK(hung.exit_code == 7);
  CHECK(hung.output.find("timeout") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));
}
