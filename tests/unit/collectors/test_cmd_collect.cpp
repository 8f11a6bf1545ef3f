// `netaudit collect` end to end against a real sshd (and netconfd, ssh-agent): output, --output
// file, inventory, the options, and every exit code: 2 usage, 3 unreachable, 4 auth failure,
// 5 and 6 unknown and changed host keys, 7 timeouts, 8 protocol errors and too much output.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "child_check.hpp"
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
  // Built by appending: `"'" + std::string` made GCC 12 -O3 report a false -Wrestrict inside
  // libstdc++ (GCC PR 105651), which -Werror turned into a failed Release build.
  std::string quoted = "'";
  quoted += path.string();
  quoted += '\'';
  return quoted;
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

TEST_CASE("netaudit collect: a device that hangs after login is exit 7 by the job deadline") {
  TempDir dir{"netaudit-collect-cli"};
  OpenSshServer server(dir.path(), OpenSshOptions{device_script("/dev/null", true), "", false, 0});
  const auto start = std::chrono::steady_clock::now();
  auto hung = netaudit::test::run_command(
      quote(netaudit::test::netaudit_binary()) + " collect --host 127.0.0.1 --port " +
      std::to_string(server.port()) + " --platform cisco_ios --user " + server.user() + " --key " +
      quote(server.client_key()) + " --host-key-policy accept-new --known-hosts " +
      quote(dir.path() / "kh") + " --redaction-key " + quote(dir.path() / "redaction.key") +
      " --timeout 3 --command-timeout 120 2>&1");
  CHECK_EXIT(hung, 7);
  CHECK(hung.output.find("timeout") != std::string::npos);
  // The 3 s job deadline ended it, not the 120 s command deadline (a bound that tells the two
  // apart, not a measure of speed).
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(120));
}

namespace {

using netaudit::test::CommandResult;
using netaudit::test::run_command;

// `netaudit collect` at a server of this test: the CLI device at 127.0.0.1:port, its known_hosts
// in `dir`, generous deadlines (a bound for a test that goes wrong, not a measure).
std::string collect_at(std::uint16_t port, const std::filesystem::path& dir,
                       const std::string& user, int job_timeout_s = 60) {
  return quote(netaudit::test::netaudit_binary()) + " collect --host 127.0.0.1 --port " +
         std::to_string(port) + " --platform cisco_ios --user " + user +
         " --host-key-policy accept-new --known-hosts " + quote(dir / "known_hosts") +
         " --redaction-key " + quote(dir / "redaction.key") + " --timeout " +
         std::to_string(job_timeout_s) + " --command-timeout 30";
}

struct CliDevice {
  TempDir dir{"netaudit-collect-cli"};
  std::filesystem::path config =
      netaudit::test::fixture_dir() / "collectors" / "cisco_ios_running.cfg";
  OpenSshServer server{dir.path(), OpenSshOptions{device_script(config), "", false, 0}};
  std::string collect() const { return collect_at(server.port(), dir.path(), server.user()); }
  std::string with_key() const { return collect() + " --key " + quote(server.client_key()); }
};

}  // namespace

TEST_CASE("netaudit collect: nothing listening is exit 3 (connect failed)") {
  TempDir dir{"netaudit-collect-cli"};
  netaudit::test::generate_ssh_key(dir.path() / "key");
  const CommandResult result =
      run_command(collect_at(netaudit::test::free_local_port(), dir.path(), "nobody") + " --key " +
                  quote(dir.path() / "key") + " 2>&1");
  CHECK_EXIT(result, 3);
  CHECK_THAT(result.output, Catch::Contains("connect_failed"));
}

TEST_CASE("netaudit collect: --max-bytes caps the output: exit 8, nothing printed") {
  const CliDevice device;
  const CommandResult whole = run_command(device.with_key() + " 2>/dev/null");
  REQUIRE_EXIT(whole, 0);
  // The fixture config is some kilobytes; 200 bytes cannot hold it.
  const CommandResult capped = run_command(device.with_key() + " --max-bytes 200");
  CHECK_EXIT(capped, 8);
  CHECK(capped.output.empty());
  const CommandResult reason = run_command(device.with_key() + " --max-bytes 200 2>&1");
  CHECK_THAT(reason.output, Catch::Contains("output_too_large"));
}

TEST_CASE("netaudit collect: --connect-timeout bounds a server that never speaks SSH: exit 7") {
  // A listening socket nobody accepts on: the kernel completes the TCP handshake, but no SSH
  // banner ever comes.
  TempDir dir{"netaudit-collect-cli"};
  netaudit::test::generate_ssh_key(dir.path() / "key");
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const auto started = std::chrono::steady_clock::now();
  const CommandResult result =
      run_command(collect_at(ntohs(address.sin_port), dir.path(), "nobody", 120) + " --key " +
                  quote(dir.path() / "key") + " --connect-timeout 2 2>&1");
  ::close(listener);
  CHECK_EXIT(result, 7);
  CHECK_THAT(result.output, Catch::Contains("timeout"));
  // The 2 s connect deadline ended it, not the 120 s job deadline.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(120));
}

TEST_CASE("netaudit collect: algorithm overrides are used, refused when unknown or unshared") {
  const CliDevice device;
  // Each names an algorithm OpenSSH 9.2's sshd offers by default and libssh supports.
  const CommandResult chosen =
      run_command(device.with_key() + " --kex curve25519-sha256 --hostkey-algorithms ssh-ed25519" +
                  " --ciphers aes256-ctr --macs hmac-sha2-256 2>&1");
  CHECK_EXIT(chosen, 0);
  CHECK_THAT(chosen.output, Catch::Contains("hostname lab-r1"));
  // A name libssh does not know is a usage error naming the list.
  const CommandResult unknown = run_command(device.with_key() + " --ciphers no-such-cipher 2>&1");
  CHECK_EXIT(unknown, 2);
  CHECK_THAT(unknown.output, Catch::Contains("unsupported cipher list 'no-such-cipher'"));
  // The server's only host key is ed25519: asking for RSA host keys only cannot agree.
  const CommandResult unshared =
      run_command(device.with_key() + " --hostkey-algorithms rsa-sha2-512 2>&1");
  CHECK_EXIT(unshared, 3);
  CHECK_THAT(unshared.output, Catch::Contains("negotiation_failed"));
}

TEST_CASE("netaudit collect: --key-passphrase-file unlocks a key, a wrong one is exit 2") {
  const CliDevice device;
  const auto locked = device.dir.path() / "locked_key";
  netaudit::test::generate_ssh_key(locked, "lab passphrase 7");
  {
    std::ofstream authorized(device.dir.path() / "authorized_keys", std::ios::app);
    authorized << netaudit::test::read_file(locked.string() + ".pub");
  }
  const auto passphrase = device.dir.path() / "passphrase";
  std::ofstream(passphrase) << "lab passphrase 7\n";
  const auto wrong = device.dir.path() / "wrong-passphrase";
  std::ofstream(wrong) << "not the passphrase\n";
  const std::string with_locked = device.collect() + " --key " + quote(locked);

  const CommandResult unlocked =
      run_command(with_locked + " --key-passphrase-file " + quote(passphrase) + " 2>&1");
  CHECK_EXIT(unlocked, 0);
  CHECK_THAT(unlocked.output, Catch::Contains("hostname lab-r1"));
  const CommandResult refused =
      run_command(with_locked + " --key-passphrase-file " + quote(wrong) + " 2>&1");
  CHECK_EXIT(refused, 2);
  CHECK_THAT(refused.output,
             Catch::Contains(std::string("cannot load private key ").append(locked.string())));
  CHECK_THAT(refused.output, !Catch::Contains("not the passphrase"));
}

TEST_CASE("netaudit collect: --agent authenticates with the keys of a real ssh-agent") {
  const CliDevice device;
  const auto socket = device.dir.path() / "agent.sock";
  // ssh-agent -D stays in the foreground: its PID is the one ChildProcess stops.
  const netaudit::test::ChildProcess agent({"/usr/bin/ssh-agent", "-D", "-a", socket.string()},
                                           device.dir.path() / "agent.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(socket) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(std::filesystem::exists(socket));
  const std::string agent_env = std::string("SSH_AUTH_SOCK=").append(quote(socket)) + " ";

  // An empty agent has no key the server accepts: authentication fails (exit 4).
  const CommandResult empty = run_command(agent_env + device.collect() + " --agent 2>&1");
  CHECK_EXIT(empty, 4);
  CHECK_THAT(empty.output, Catch::Contains("auth_failed"));

  REQUIRE_EXIT(run_command(agent_env + "ssh-add " + quote(device.server.client_key()) + " 2>&1"),
               0);
  const CommandResult with_agent = run_command(agent_env + device.collect() + " --agent 2>&1");
  CHECK_EXIT(with_agent, 0);
  CHECK_THAT(with_agent.output, Catch::Contains("hostname lab-r1"));
}

TEST_CASE("netaudit collect: a broken inventory is exit 2 naming the file") {
  TempDir dir{"netaudit-collect-cli"};
  const auto inventory = dir.path() / "inventory.yaml";
  std::ofstream(inventory) << "devices:\n  - name: r1\n    host: [127.0.0.1\n";
  const CommandResult broken = run_command(quote(netaudit::test::netaudit_binary()) +
                                           " collect --inventory " + quote(inventory) + " r1 2>&1");
  CHECK_EXIT(broken, 2);
  CHECK_THAT(broken.output, Catch::Contains(inventory.string()));
  const CommandResult missing =
      run_command(quote(netaudit::test::netaudit_binary()) + " collect --inventory " +
                  quote(dir.path() / "nope.yaml") + " r1 2>&1");
  CHECK_EXIT(missing, 2);
  CHECK_THAT(missing.output, Catch::Contains("nope.yaml"));
}

TEST_CASE("netaudit collect: --transport netconf with --netconf-filter, against real netconfd") {
  TempDir dir{"netaudit-collect-netconf"};
  const std::uint16_t port = netaudit::test::free_local_port();
  const netaudit::test::NetconfdServer netconfd(
      dir.path(), port, netaudit::test::fixture_dir() / "collectors" / "ietf_system_startup.xml",
      {"ietf-system"});
  OpenSshServer sshd(dir.path(), OpenSshOptions{"", netconfd.subsystem_command(), false, port});
  const std::string collect = collect_at(port, dir.path(), sshd.user()) + " --key " +
                              quote(sshd.client_key()) + " --transport netconf";

  const CommandResult whole = run_command(collect + " 2>&1");
  INFO("netconfd log:\n" << netconfd.log());
  CHECK_EXIT(whole, 0);
  CHECK_THAT(whole.output, Catch::Contains("<hostname>nc-lab-1</hostname>"));
  CHECK_THAT(whole.output, Catch::Contains("192.0.2.123"));

  // The subtree filter selects the host name only.
  const auto filter = dir.path() / "filter.xml";
  std::ofstream(filter)
      << R"(<system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><hostname/></system>)";
  const CommandResult filtered =
      run_command(collect + " --netconf-filter " + quote(filter) + " 2>/dev/null");
  CHECK_EXIT(filtered, 0);
  CHECK_THAT(filtered.output, Catch::Contains("<hostname>nc-lab-1</hostname>"));
  CHECK_THAT(filtered.output, !Catch::Contains("192.0.2.123"));

  // An unreadable filter file is a usage error naming it, before any connection.
  const auto missing = dir.path() / "no-filter.xml";
  const CommandResult unreadable =
      run_command(collect + " --netconf-filter " + quote(missing) + " 2>&1");
  CHECK_EXIT(unreadable, 2);
  CHECK_THAT(unreadable.output,
             Catch::Contains(std::string("cannot read ").append(missing.string())));
}

TEST_CASE("netaudit collect: a NETCONF server that answers garbage is exit 8 (protocol error)") {
  TempDir dir{"netaudit-collect-netconf"};
  const auto subsystem = dir.path() / "garbage-netconf.sh";
  std::ofstream(subsystem) << "#!/bin/sh\nprintf '<hello><capabilities>]]>]]>'\ncat >/dev/null\n";
  std::filesystem::permissions(subsystem, std::filesystem::perms::owner_all);
  OpenSshServer sshd(dir.path(), OpenSshOptions{"", subsystem.string(), false, 0});
  const CommandResult result =
      run_command(collect_at(sshd.port(), dir.path(), sshd.user()) + " --key " +
                  quote(sshd.client_key()) + " --transport netconf 2>&1");
  CHECK_EXIT(result, 8);
  CHECK_THAT(result.output, Catch::Contains("protocol_error"));
}
