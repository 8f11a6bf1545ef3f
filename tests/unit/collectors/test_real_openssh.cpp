// The collectors against a real OpenSSH sshd (Debian openssh-server) started by the test on
// 127.0.0.1, whose ForceCommand plays a Cisco IOS CLI from a fixture. Also host-key policy and
// authentication failures. Every server is stopped by PID when the test ends (RAII).
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "netaudit/collectors/collect.hpp"
#include "netaudit/collectors/profile.hpp"
#include "openssh_server.hpp"
#include "test_key.hpp"
#include "test_paths.hpp"

using namespace netaudit::collectors;
using netaudit::test::OpenSshOptions;
using netaudit::test::OpenSshServer;
using netaudit::test::TempDir;

namespace {

std::filesystem::path fixture() {
  return netaudit::test::fixture_dir() / "collectors" / "cisco_ios_running.cfg";
}

// How the fake device misbehaves.
enum class Behaviour { normal, ignore_paging, disconnect_mid_transfer, hang, garbage, no_end };

// A bash script that plays an IOS CLI on a PTY (interactive) or answers one exec command.
std::string fake_cli_script(Behaviour behaviour, const std::filesystem::path& config) {
  std::string mode = "normal";
  switch (behaviour) {
    case Behaviour::normal:
      mode = "normal";
      break;
    case Behaviour::ignore_paging:
      mode = "ignore_paging";
      break;
    case Behaviour::disconnect_mid_transfer:
      mode = "disconnect";
      break;
    case Behaviour::hang:
      mode = "hang";
      break;
    case Behaviour::garbage:
      mode = "garbage";
      break;
    case Behaviour::no_end:
      mode = "no_end";
      break;
  }
  return R"(#!/bin/bash
# Plays a Cisco IOS CLI for netaudit's collector tests.
FIXTURE=')" +
         config.string() + R"('
MODE=')" +
         mode + R"('
HOST=lab-r1
if [ -n "$SSH_ORIGINAL_COMMAND" ]; then
  case "$SSH_ORIGINAL_COMMAND" in
    'show running-config') cat "$FIXTURE"; exit 0 ;;
    *) echo '% Invalid input detected' >&2; exit 1 ;;
  esac
fi
if [ "$MODE" = hang ]; then exec sleep 20; fi
if [ "$MODE" = garbage ]; then
  for i in 1 2 3; do printf '\x1b[?25l#@!%%&*garbage-no-prompt-%s\n' "$i"; sleep 0.1; done
  exec sleep 20
fi
printf '\n*** Authorised access only. Text like lab-r9# or > in a banner must not end it ***\n\n'
paging=on
while true; do
  printf '%s#' "$HOST"
  IFS= read -r line || exit 0
  line=${line%$'\r'}
  case "$line" in
    'terminal length 0') [ "$MODE" = ignore_paging ] || paging=off ;;
    'terminal width 0') ;;
    'show running-config')
      if [ "$MODE" = disconnect ]; then head -n 40 "$FIXTURE"; exit 0; fi
      if [ "$MODE" = no_end ]; then grep -v '^end$' "$FIXTURE"; continue; fi
      if [ "$paging" = off ]; then
        cat "$FIXTURE"
      else
        n=0
        # The fixture on fd 3, so that the key press is read from the terminal.
        while IFS= read -r -u 3 l || [ -n "$l" ]; do
          printf '%s\n' "$l"
          n=$((n + 1))
          if [ $((n % 10)) -eq 0 ]; then
            printf ' --More-- '
            IFS= read -rsn1 key
            printf '\r          \r'
          fi
        done 3< "$FIXTURE"
      fi ;;
    exit|logout) exit 0 ;;
    '') ;;
    *) printf '%% Invalid input detected at marker.\n' ;;
  esac
done
)";
}

// One sshd on 127.0.0.1 in its own folder, whose ForceCommand plays the fake IOS CLI.
struct Lab {
  TempDir dir{"netaudit-sshd"};
  OpenSshServer server;
  explicit Lab(Behaviour behaviour = Behaviour::normal, bool password_authentication = false)
      : server(dir.path(), OpenSshOptions{fake_cli_script(behaviour, fixture()), "",
                                          password_authentication, 0}) {}

  // Where to connect and as whom, with no credential: for the tests that try their own.
  DeviceTarget endpoint() const {
    DeviceTarget target;
    target.host = "127.0.0.1";
    target.port = server.port();
    target.credentials.user = server.user();
    return target;
  }
  // The device as an inventory names it, logging in with the authorised client key.
  DeviceTarget target() const {
    DeviceTarget target = endpoint();
    target.name = "lab-r1";
    target.platform = "cisco_ios";
    target.credentials.key_file = server.client_key();
    return target;
  }
  // The lab's own known_hosts file; the library's default timeouts.
  CollectOptions host_key_options(HostKeyPolicy policy = HostKeyPolicy::accept_new) const {
    CollectOptions options;
    options.redaction_key = netaudit::test::redaction_key();
    options.known_hosts = dir.path() / "known_hosts";
    options.host_key_policy = policy;
    return options;
  }
  // host_key_options() with shorter timeouts, so that a test that goes wrong ends soon.
  CollectOptions options(HostKeyPolicy policy = HostKeyPolicy::accept_new) const {
    CollectOptions options = host_key_options(policy);
    options.connect_timeout = std::chrono::seconds(10);
    options.command_timeout = std::chrono::seconds(10);
    options.job_timeout = std::chrono::seconds(30);
    return options;
  }
};

}  // namespace

TEST_CASE("real sshd: the CLI driver fetches the config byte-exact over a PTY shell") {
  Lab lab;
  const Profile profile = load_profile_by_name("cisco_ios");
  const CollectResult result = collect_config(lab.target(), profile, lab.options());
  INFO(result.message << "\nsshd log:\n" << lab.server.log());
  REQUIRE(result.ok());
  CHECK(result.raw == netaudit::test::read_file(fixture()));
  CHECK(result.host_key_fingerprint.rfind("SHA256:", 0) == 0);
  CHECK(result.bytes_received > result.raw.size());
  // Normalised: volatile lines gone, secrets redacted, the rest intact.
  CHECK(result.normalised.find("Last configuration change") == std::string::npos);
  CHECK(result.normalised.find("ntp clock-period") == std::string::npos);
  CHECK(result.normalised.find("n0tPubl1c") == std::string::npos);
  CHECK(result.normalised.find("045802150C2E1D1C5A") == std::string::npos);
  CHECK(result.normalised.find("$9$nhEmQVczB7dqsO") == std::string::npos);
  CHECK(result.normalised.find("redacted-") != std::string::npos);
  CHECK(result.normalised.find("hostname lab-r1\n") != std::string::npos);
  CHECK(result.normalised.find(" description uplink to core-1 Gi1/0/1 (#primary >)\n") !=
        std::string::npos);
}

TEST_CASE("real sshd: paging-off ignored - the --More-- fallback still yields the exact config") {
  Lab lab(Behaviour::ignore_paging);
  const CollectResult result =
      collect_config(lab.target(), load_profile_by_name("cisco_ios"), lab.options());
  INFO(result.message);
  REQUIRE(result.ok());
  CHECK(result.raw == netaudit::test::read_file(fixture()));
}

TEST_CASE("real sshd: exec-channel mode fetches the config - a failing command is an error") {
  Lab lab;
  const auto profile_file = lab.dir.path() / "ios_exec.yaml";
  std::ofstream(profile_file) << "platform: ios_exec\nmode: exec\nfetch: [show running-config]\n"
                                 "end_marker: '^end\\s*$'\n";
  const Profile exec_profile = load_profile(profile_file);
  const CollectResult result = collect_config(lab.target(), exec_profile, lab.options());
  INFO(result.message);
  REQUIRE(result.ok());
  CHECK(result.raw == netaudit::test::read_file(fixture()));

  std::ofstream(profile_file, std::ios::trunc) << "mode: exec\nfetch: [show version]\n";
  const CollectResult failed =
      collect_config(lab.target(), load_profile(profile_file), lab.options());
  CHECK(failed.error == ErrorKind::protocol_error);
  CHECK(failed.message.find("exited with status 1") != std::string::npos);
  CHECK(failed.raw.empty());
}

TEST_CASE(
    "real sshd: host key policy: unknown refused (strict) - recorded (accept-new) - changed "
    "refused") {
  Lab lab;
  const Profile profile = load_profile_by_name("cisco_ios");
  const auto known_hosts = lab.dir.path() / "known_hosts";

  const CollectResult strict =
      collect_config(lab.target(), profile, lab.options(HostKeyPolicy::strict));
  CHECK(strict.error == ErrorKind::host_key_unknown);
  CHECK(strict.message.find("SHA256:") != std::string::npos);
  CHECK(strict.raw.empty());
  CHECK_FALSE(std::filesystem::exists(known_hosts));

  const CollectResult accepted =
      collect_config(lab.target(), profile, lab.options(HostKeyPolicy::accept_new));
  INFO(accepted.message);
  REQUIRE(accepted.ok());
  const std::string recorded = netaudit::test::read_file(known_hosts);
  CHECK(recorded.find("[127.0.0.1]:" + std::to_string(lab.server.port())) != std::string::npos);

  const CollectResult known =
      collect_config(lab.target(), profile, lab.options(HostKeyPolicy::strict));
  CHECK(known.ok());
  CHECK(known.host_key_fingerprint == accepted.host_key_fingerprint);

  lab.server.replace_host_key();
  for (HostKeyPolicy policy : {HostKeyPolicy::strict, HostKeyPolicy::accept_new}) {
    const CollectResult changed = collect_config(lab.target(), profile, lab.options(policy));
    CHECK(changed.error == ErrorKind::host_key_changed);
    CHECK(changed.message.find("HOST KEY CHANGED") != std::string::npos);
    CHECK(changed.host_key_fingerprint != accepted.host_key_fingerprint);
    CHECK(changed.raw.empty());
  }
  // accept-new never overwrites a changed key.
  CHECK(netaudit::test::read_file(known_hosts) == recorded);
}

TEST_CASE("real sshd: a wrong key or password is auth_failed and no secret is in the message") {
  const Lab lab(Behaviour::normal, /*password_authentication=*/true);
  DeviceTarget target = lab.endpoint();
  const CollectOptions options = lab.host_key_options();
  const Profile profile = load_profile_by_name("cisco_ios");

  const auto wrong_key = lab.dir.path() / "wrong_key";
  netaudit::test::generate_ssh_key(wrong_key);
  target.credentials.key_file = wrong_key;
  const CollectResult by_key = collect_config(target, profile, options);
  CHECK(by_key.error == ErrorKind::auth_failed);
  CHECK(by_key.message.find("publickey") != std::string::npos);

  const std::string password = "Sup3r-S3cret-Pa55word!";
  const auto password_file = lab.dir.path() / "password";
  std::ofstream(password_file) << password << "\n";
  target.credentials.key_file.reset();
  target.credentials.password_file = password_file;
  const CollectResult by_password = collect_config(target, profile, options);
  CHECK(by_password.error == ErrorKind::auth_failed);
  CHECK(by_password.message.find("password") != std::string::npos);
  CHECK(by_password.message.find(password) == std::string::npos);

  // A passphrase-protected key with the wrong passphrase: a credential error, no passphrase shown.
  const auto locked_key = lab.dir.path() / "locked_key";
  netaudit::test::generate_ssh_key(locked_key, "right-passphrase");
  const auto passphrase_file = lab.dir.path() / "passphrase";
  std::ofstream(passphrase_file) << "wrong-passphrase-xyz\n";
  target.credentials.password_file.reset();
  target.credentials.key_file = locked_key;
  target.credentials.key_passphrase_file = passphrase_file;
  const CollectResult locked = collect_config(target, profile, options);
  CHECK(locked.error == ErrorKind::credential_error);
  CHECK(locked.message.find("wrong-passphrase-xyz") == std::string::npos);

  // The right passphrase, but the key is not authorised: auth_failed.
  std::ofstream(passphrase_file, std::ios::trunc) << "right-passphrase\n";
  CHECK(collect_config(target, profile, options).error == ErrorKind::auth_failed);
}

TEST_CASE(
    "real sshd: faults end in distinct errors within their deadline - never a partial config") {
  const Profile profile = load_profile_by_name("cisco_ios");
  struct Case {
    Behaviour behaviour;
    ErrorKind expected;
  };
  for (const Case& c : {Case{Behaviour::disconnect_mid_transfer, ErrorKind::disconnected},
                        Case{Behaviour::hang, ErrorKind::timeout},
                        Case{Behaviour::garbage, ErrorKind::prompt_not_found},
                        Case{Behaviour::no_end, ErrorKind::incomplete_output}}) {
    Lab lab(c.behaviour);
    CollectOptions options = lab.options();
    options.command_timeout = std::chrono::seconds(2);
    const CollectResult result = collect_config(lab.target(), profile, options);
    INFO(to_string(c.expected) << ": " << result.message);
    CHECK(result.error == c.expected);
    CHECK(result.raw.empty());
    CHECK(result.normalised.empty());
    // The 2 s command deadline ended it, not the job's (options.job_timeout, 30 s).
    CHECK(result.elapsed < options.job_timeout);
  }
  // The output cap.
  Lab lab;
  CollectOptions options = lab.options();
  options.max_output_bytes = 1500;
  const CollectResult capped = collect_config(lab.target(), profile, options);
  CHECK(capped.error == ErrorKind::output_too_large);
  CHECK(capped.raw.empty());
  // The whole-job deadline bounds everything, however generous the others are.
  Lab hang(Behaviour::hang);
  CollectOptions job = hang.options();
  job.command_timeout = std::chrono::seconds(60);
  job.job_timeout = std::chrono::seconds(2);
  const CollectResult bounded = collect_config(hang.target(), profile, job);
  CHECK(bounded.error == ErrorKind::timeout);
  // The 2 s job deadline ended it, long before the 60 s command deadline would have.
  CHECK(bounded.elapsed < job.command_timeout);
}

TEST_CASE("nothing listens: connect_failed") {
  DeviceTarget target;
  target.host = "127.0.0.1";
  target.port = netaudit::test::free_local_port();
  target.credentials.user = "nobody";
  target.credentials.password_env = "NETAUDIT_TEST_UNSET_PASSWORD";
  CollectOptions options;
  options.redaction_key = netaudit::test::redaction_key();
  options.connect_timeout = std::chrono::seconds(3);
  const CollectResult result = collect_config(target, load_profile_by_name("cisco_ios"), options);
  CHECK(result.error == ErrorKind::connect_failed);
}

TEST_CASE("real sshd: encrypted key with passphrase from a file or env var - and ssh-agent") {
  const Lab lab;
  const auto locked_key = lab.dir.path() / "locked_key";
  netaudit::test::generate_ssh_key(locked_key, "correct horse battery");
  {
    std::ofstream authorized(lab.dir.path() / "authorized_keys", std::ios::app);
    authorized << netaudit::test::read_file(locked_key.string() + ".pub");
  }
  const Profile profile = load_profile_by_name("cisco_ios");
  DeviceTarget target = lab.endpoint();
  const CollectOptions options = lab.host_key_options();

  target.credentials.key_file = locked_key;
  const auto passphrase_file = lab.dir.path() / "passphrase";
  std::ofstream(passphrase_file) << "correct horse battery\n";
  target.credentials.key_passphrase_file = passphrase_file;
  const CollectResult from_file = collect_config(target, profile, options);
  INFO(from_file.message);
  CHECK(from_file.ok());

  target.credentials.key_passphrase_file.reset();
  target.credentials.key_passphrase_env = "NETAUDIT_TEST_KEY_PASSPHRASE";
  setenv("NETAUDIT_TEST_KEY_PASSPHRASE", "correct horse battery", 1);
  const CollectResult from_env = collect_config(target, profile, options);
  unsetenv("NETAUDIT_TEST_KEY_PASSPHRASE");
  INFO(from_env.message);
  CHECK(from_env.ok());
  const CollectResult env_unset = collect_config(target, profile, options);
  CHECK(env_unset.error == ErrorKind::credential_error);
  CHECK(env_unset.message.find("NETAUDIT_TEST_KEY_PASSPHRASE") != std::string::npos);

  // ssh-agent holding the (unencrypted) client key; no key file given.
  const auto socket = lab.dir.path() / "agent.sock";
  netaudit::test::ChildProcess agent({"/usr/bin/ssh-agent", "-D", "-a", socket.string()},
                                     lab.dir.path() / "agent.log");
  for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(std::filesystem::exists(socket));
  REQUIRE(netaudit::test::run_command("SSH_AUTH_SOCK='" + socket.string() + "' ssh-add '" +
                                      lab.server.client_key().string() + "' 2>/dev/null")
              .exit_code == 0);
  const char* previous = std::getenv("SSH_AUTH_SOCK");
  const std::string saved = previous != nullptr ? previous : "";
  setenv("SSH_AUTH_SOCK", socket.c_str(), 1);
  DeviceTarget by_agent = target;
  by_agent.credentials = Credentials{};
  by_agent.credentials.user = lab.server.user();
  by_agent.credentials.use_agent = true;
  const CollectResult agent_result = collect_config(by_agent, profile, options);
  if (previous != nullptr)
    setenv("SSH_AUTH_SOCK", saved.c_str(), 1);
  else
    unsetenv("SSH_AUTH_SOCK");
  INFO(agent_result.message);
  CHECK(agent_result.ok());
  CHECK(agent_result.raw == netaudit::test::read_file(fixture()));
}

TEST_CASE("real sshd: per-device algorithm overrides - a common set works - none in common fails") {
  Lab lab;
  const Profile profile = load_profile_by_name("cisco_ios");
  DeviceTarget target = lab.target();
  target.algorithms.kex = "curve25519-sha256";
  target.algorithms.ciphers = "aes128-ctr";
  target.algorithms.macs = "hmac-sha2-256";
  target.algorithms.host_key = "ssh-ed25519";
  const CollectResult ok = collect_config(target, profile, lab.options());
  INFO(ok.message);
  CHECK(ok.ok());

  // OpenSSH 9.2 no longer offers diffie-hellman-group14-sha1 by default.
  target.algorithms = AlgorithmOverrides{};
  target.algorithms.kex = "diffie-hellman-group14-sha1";
  const CollectResult old_kex = collect_config(target, profile, lab.options());
  INFO(old_kex.message);
  CHECK(old_kex.error == ErrorKind::negotiation_failed);

  target.algorithms = AlgorithmOverrides{};
  target.algorithms.kex = "no-such-kex-algorithm";
  CHECK(collect_config(target, profile, lab.options()).error == ErrorKind::invalid_target);
}
