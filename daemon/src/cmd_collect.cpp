// `netaudit collect`: fetch one device's running config over SSH (CLI) or NETCONF, normalise
// it (volatile lines removed, secrets redacted) and print it or write it to a file.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "netaudit/collectors/collect.hpp"
#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/inventory.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/secrets/redaction.hpp"

namespace netaudit::cli {
namespace {

namespace nc = netaudit::collectors;

// Exit codes of `collect` (documented in docs/collectors.md). 2 stays "usage / input error".
inline constexpr int kExitUnreachable = 3;     // connect_failed, negotiation_failed
inline constexpr int kExitAuthFailed = 4;      // auth_failed
inline constexpr int kExitHostKeyUnknown = 5;  // host_key_unknown (strict policy)
inline constexpr int kExitHostKeyChanged = 6;  // host_key_changed
inline constexpr int kExitTimeout = 7;         // timeout, prompt_not_found
inline constexpr int kExitProtocol = 8;  // protocol/rpc error, disconnected, incomplete, too large

int exit_code_for(nc::ErrorKind kind) {
  switch (kind) {
    case nc::ErrorKind::none:
      return kExitOk;
    case nc::ErrorKind::invalid_target:
    case nc::ErrorKind::credential_error:
    case nc::ErrorKind::profile_error:
    case nc::ErrorKind::refused_command:
    case nc::ErrorKind::unreadable:
      return kExitUsage;
    case nc::ErrorKind::connect_failed:
    case nc::ErrorKind::negotiation_failed:
      return kExitUnreachable;
    case nc::ErrorKind::auth_failed:
      return kExitAuthFailed;
    case nc::ErrorKind::host_key_unknown:
      return kExitHostKeyUnknown;
    case nc::ErrorKind::host_key_changed:
      return kExitHostKeyChanged;
    case nc::ErrorKind::timeout:
    case nc::ErrorKind::prompt_not_found:
      return kExitTimeout;
    case nc::ErrorKind::disconnected:
    case nc::ErrorKind::incomplete_output:
    case nc::ErrorKind::output_too_large:
    case nc::ErrorKind::protocol_error:
    case nc::ErrorKind::rpc_error:
      return kExitProtocol;
  }
  return kExitProtocol;
}

struct CollectCliOptions {
  std::vector<std::string> inventory;  // FILE DEVICE
  std::string host;
  int port = 0;  // 0 = 22 or the inventory's
  std::string platform;
  std::string user;
  std::string key_file;
  std::string key_passphrase_file;
  std::string password_file;
  bool agent = false;
  std::string transport;
  std::string known_hosts;
  std::string host_key_policy = "strict";
  std::string output;
  double timeout_s = 120;
  double command_timeout_s = 30;
  double connect_timeout_s = 10;
  std::size_t max_bytes = 64u << 20;
  std::string netconf_filter_file;
  std::string kex, host_key_algorithms, ciphers, macs;
  std::string redaction_key;  // empty: the per-user default (RedactionKey::default_path)
};

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

// Writes next to the destination and renames, so a failed run never leaves a partial file.
bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  const std::string temporary = path + ".netaudit-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = "cannot write " + temporary;
      return false;
    }
    out << text;
    if (!out.flush()) {
      error = "cannot write " + temporary;
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    error = "cannot rename " + temporary + " to " + path;
    return false;
  }
  return true;
}

int run_collect(const CollectCliOptions& options) {
  nc::DeviceTarget target;
  try {
    if (!options.inventory.empty()) {
      const nc::Inventory inventory = nc::load_inventory(options.inventory[0]);
      const nc::DeviceTarget* device = inventory.find(options.inventory[1]);
      if (device == nullptr) {
        std::cerr << "netaudit collect: no device '" << options.inventory[1] << "' in "
                  << options.inventory[0] << '\n';
        return kExitUsage;
      }
      target = *device;
    }
  } catch (const nc::CollectError& error) {
    std::cerr << "netaudit collect: " << error.what() << '\n';
    return kExitUsage;
  }
  // Command-line values override the inventory's.
  if (!options.host.empty()) target.host = options.host;
  if (target.name.empty()) target.name = target.host;
  if (options.port != 0) target.port = static_cast<std::uint16_t>(options.port);
  if (!options.platform.empty()) target.platform = options.platform;
  if (!options.user.empty()) target.credentials.user = options.user;
  if (!options.key_file.empty()) target.credentials.key_file = options.key_file;
  if (!options.key_passphrase_file.empty())
    target.credentials.key_passphrase_file = options.key_passphrase_file;
  if (!options.password_file.empty()) target.credentials.password_file = options.password_file;
  if (options.agent) target.credentials.use_agent = true;
  if (options.transport == "netconf") target.transport = nc::Transport::netconf;
  if (options.transport == "ssh") target.transport = nc::Transport::ssh;
  if (!options.kex.empty()) target.algorithms.kex = options.kex;
  if (!options.host_key_algorithms.empty())
    target.algorithms.host_key = options.host_key_algorithms;
  if (!options.ciphers.empty()) target.algorithms.ciphers = options.ciphers;
  if (!options.macs.empty()) target.algorithms.macs = options.macs;

  if (target.host.empty() || target.platform.empty() || target.credentials.user.empty()) {
    std::cerr << "netaudit collect: need --host, --platform and --user (or --inventory FILE "
                 "DEVICE)\n";
    return kExitUsage;
  }
  if (!target.credentials.key_file && !target.credentials.password_file &&
      !target.credentials.password_env && !target.credentials.use_agent) {
    std::cerr << "netaudit collect: need a credential: --key FILE, --password-file FILE or "
                 "--agent\n";
    return kExitUsage;
  }

  nc::CollectOptions collect;
  collect.known_hosts = options.known_hosts;
  collect.host_key_policy = options.host_key_policy == "accept-new" ? nc::HostKeyPolicy::accept_new
                                                                    : nc::HostKeyPolicy::strict;
  collect.job_timeout = seconds_to_ms(options.timeout_s);
  collect.command_timeout = std::min(seconds_to_ms(options.command_timeout_s), collect.job_timeout);
  collect.connect_timeout = std::min(seconds_to_ms(options.connect_timeout_s), collect.job_timeout);
  collect.max_output_bytes = options.max_bytes;
  if (!options.netconf_filter_file.empty()) {
    std::ifstream in(options.netconf_filter_file, std::ios::binary);
    if (!in) {
      std::cerr << "netaudit collect: cannot read " << options.netconf_filter_file << '\n';
      return kExitUsage;
    }
    collect.netconf_subtree_filter.assign(std::istreambuf_iterator<char>(in), {});
  }

  nc::Profile profile;
  try {
    profile = nc::load_profile_by_name(target.platform);
    const std::filesystem::path key_file = options.redaction_key.empty()
                                               ? secrets::RedactionKey::default_path()
                                               : std::filesystem::path(options.redaction_key);
    collect.redaction_key = std::make_shared<const secrets::RedactionKey>(
        secrets::RedactionKey::load_or_create(key_file));
  } catch (const nc::CollectError& error) {
    std::cerr << "netaudit collect: " << error.what() << '\n';
    return kExitUsage;
  } catch (const secrets::KeyError& error) {
    std::cerr << "netaudit collect: " << error.what() << '\n';
    return kExitUsage;
  }

  const nc::CollectResult result = nc::collect_config(target, profile, collect);
  if (!result.ok()) {
    std::cerr << "netaudit collect: " << nc::to_string(result.error) << ": " << result.message
              << '\n';
    return exit_code_for(result.error);
  }
  if (options.output.empty()) {
    std::cout << result.normalised;
  } else {
    std::string error;
    if (!write_atomically(options.output, result.normalised, error)) {
      std::cerr << "netaudit collect: " << error << '\n';
      return kExitUsage;
    }
  }
  std::cerr << "netaudit collect: " << target.display_name() << ": " << result.raw.size()
            << " bytes in " << result.elapsed.count() << " ms, host key "
            << result.host_key_fingerprint << '\n';
  return kExitOk;
}

}  // namespace

void add_collect_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CollectCliOptions>();
  CLI::App* command = app.add_subcommand(
      "collect",
      "Fetch a device's running config over SSH or NETCONF (read-only), normalised and redacted");
  command->add_option("--inventory", options->inventory, "Inventory file and device name")
      ->expected(2)
      ->type_name("FILE DEVICE");
  command->add_option("--host", options->host, "Device address or name");
  command->add_option("--port", options->port, "SSH port (default 22)")
      ->check(CLI::Range(1, 65535));
  command->add_option("--platform", options->platform, "Platform profile, e.g. cisco_ios");
  command->add_option("--user", options->user, "SSH user name");
  command->add_option("--key", options->key_file, "Private key file");
  command->add_option("--key-passphrase-file", options->key_passphrase_file,
                      "File holding the key's passphrase");
  command->add_option("--password-file", options->password_file, "File holding the password");
  command->add_flag("--agent", options->agent, "Try the keys of ssh-agent ($SSH_AUTH_SOCK)");
  command->add_option("--transport", options->transport, "ssh (CLI) or netconf")
      ->check(CLI::IsMember({"ssh", "netconf"}));
  command->add_option("--known-hosts", options->known_hosts,
                      "known_hosts file (default ~/.ssh/known_hosts)");
  command
      ->add_option("--host-key-policy", options->host_key_policy,
                   "strict (default) or accept-new (record unknown keys)")
      ->check(CLI::IsMember({"strict", "accept-new"}));
  command->add_option("--output", options->output, "Write the config here instead of stdout");
  command->add_option("--timeout", options->timeout_s, "Whole-job deadline in seconds")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--command-timeout", options->command_timeout_s,
                   "Deadline per command in seconds")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--connect-timeout", options->connect_timeout_s,
                   "Deadline for connect, key exchange and login in seconds")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-bytes", options->max_bytes, "Cap on the output size");
  command->add_option("--netconf-filter", options->netconf_filter_file,
                      "File with a NETCONF subtree filter");
  command->add_option("--kex", options->kex, "Key exchange algorithms (OpenSSH list syntax)");
  command->add_option("--hostkey-algorithms", options->host_key_algorithms, "Host key algorithms");
  command->add_option("--ciphers", options->ciphers, "Ciphers");
  command->add_option("--macs", options->macs, "MAC algorithms");
  command->add_option("--redaction-key", options->redaction_key,
                      "Key file of the redaction markers (32 bytes, mode 0600; created when "
                      "absent). Default: $XDG_STATE_HOME/netaudit/redaction.key or "
                      "~/.local/state/netaudit/redaction.key");
  command->callback([options, &exit_code] { exit_code = run_collect(*options); });
}

}  // namespace netaudit::cli
