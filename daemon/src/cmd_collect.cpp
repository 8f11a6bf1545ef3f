// `netaudit collect`: fetch the running config of one device, or of several from an inventory,
// over SSH (CLI) or NETCONF, normalise it (volatile lines removed, secrets redacted) and print
// it, write it to a file, or write one file per device into a folder.
#include <stdlib.h>  // mkstemp
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "commands.hpp"
#include "netaudit/collectors/collect.hpp"
#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/inventory.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/secrets/redaction.hpp"
#include "parallel.hpp"

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
  std::string inventory;
  std::vector<std::string> devices;  // inventory names
  bool all = false;                  // every device of the inventory
  std::string output_dir;
  unsigned jobs = 4;
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

// Writes a temporary file beside the destination (a unique name, mode 0600, flushed to disk)
// and renames it over the destination: a reader sees the old file or the new one, never a part,
// and a failed run leaves the old file as it was.
bool write_atomically(const std::filesystem::path& path, const std::string& text,
                      std::string& error) {
  std::string temporary = path.string() + ".netaudit-XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    error = "cannot create " + temporary + ": " + std::strerror(errno);
    return false;
  }
  bool ok = true;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    error = "cannot write " + temporary + ": " + std::strerror(saved_errno);
  } else if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + temporary + " to " + path.string() + ": " + std::strerror(errno);
    ok = false;
  }
  if (!ok) std::remove(temporary.c_str());
  return ok;
}

// Command-line values override the inventory's (for every device collected).
void apply_overrides(const CollectCliOptions& options, nc::DeviceTarget& target) {
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
}

// What the target still lacks to be collected; empty when complete.
std::string missing_settings(const nc::DeviceTarget& target) {
  if (target.host.empty() || target.platform.empty() || target.credentials.user.empty())
    return "need --host, --platform and --user (or --inventory FILE DEVICE)";
  if (!target.credentials.key_file && !target.credentials.password_file &&
      !target.credentials.password_env && !target.credentials.use_agent)
    return "need a credential: --key FILE, --password-file FILE or --agent";
  return "";
}

// The devices named on the command line (or all of them), in inventory order for --all and in
// argument order otherwise. False (with the message printed) on an unknown name.
bool select_targets(const CollectCliOptions& options, std::vector<nc::DeviceTarget>& targets) {
  try {
    const nc::Inventory inventory = nc::load_inventory(options.inventory);
    if (options.all) {
      targets = inventory.devices;
    } else {
      for (const std::string& name : options.devices) {
        const nc::DeviceTarget* device = inventory.find(name);
        if (device == nullptr) {
          std::cerr << "netaudit collect: no device '" << name << "' in " << options.inventory
                    << '\n';
          return false;
        }
        targets.push_back(*device);
      }
    }
  } catch (const nc::CollectError& error) {
    std::cerr << "netaudit collect: " << error.what() << '\n';
    return false;
  }
  if (targets.empty()) {
    std::cerr << "netaudit collect: " << options.inventory << " lists no device\n";
    return false;
  }
  return true;
}

// The file a device's config is written to in --output-dir: its name, with every character that
// could leave the folder or hide the file replaced.
std::string file_name_for(const std::string& device) {
  std::string name = device;
  for (char& c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '-' && c != '_' && c != '.') c = '_';
  }
  if (name.empty() || name.front() == '.') name.insert(name.begin(), '_');
  return name + ".cfg";
}

// One device: collect, then print to stdout / write `destination`. Returns the exit code and
// fills `summary` with the device's one line.
int collect_one(const nc::DeviceTarget& target, const nc::CollectOptions& collect,
                const std::filesystem::path& destination, bool to_stdout, std::string& summary) {
  const std::string name = target.display_name();
  if (const std::string missing = missing_settings(target); !missing.empty()) {
    summary = name + ": " + missing;
    return kExitUsage;
  }
  nc::Profile profile;
  try {
    profile = nc::load_profile_by_name(target.platform);
  } catch (const nc::CollectError& error) {
    summary = name + ": " + error.what();
    return kExitUsage;
  }
  const nc::CollectResult result = nc::collect_config(target, profile, collect);
  if (!result.ok()) {
    const int code = exit_code_for(result.error);
    summary = name + ": " + std::string(nc::to_string(result.error)) + " (exit " +
              std::to_string(code) + "): " + result.message;
    return code;
  }
  std::string where = "to stdout";
  if (to_stdout) {
    std::cout << result.normalised << std::flush;
  } else {
    std::string error;
    if (!write_atomically(destination, result.normalised, error)) {
      summary = name + ": " + error;
      return kExitUsage;
    }
    where = "to " + destination.string();
  }
  // The size is what was written: the normalised text, not what the device sent.
  summary = name + ": ok, " + std::to_string(result.normalised.size()) + " bytes written " + where +
            " (" + std::to_string(result.raw.size()) + " received) in " +
            std::to_string(result.elapsed.count()) + " ms, host key " + result.host_key_fingerprint;
  return kExitOk;
}

int run_collect(const CollectCliOptions& options) {
  std::vector<nc::DeviceTarget> targets;
  if (options.inventory.empty()) {
    if (options.all || !options.devices.empty()) {
      std::cerr << "netaudit collect: device names and --all need --inventory FILE\n";
      return kExitUsage;
    }
    targets.emplace_back();
  } else if (options.devices.empty() && !options.all) {
    std::cerr << "netaudit collect: --inventory FILE needs DEVICE..., or --all\n";
    return kExitUsage;
  } else if (options.all && !options.devices.empty()) {
    std::cerr << "netaudit collect: give DEVICE names or --all, not both\n";
    return kExitUsage;
  } else if (!select_targets(options, targets)) {
    return kExitUsage;
  }
  const bool to_folder = !options.output_dir.empty();
  if (!to_folder && targets.size() > 1) {
    std::cerr << "netaudit collect: several devices need --output-dir DIR\n";
    return kExitUsage;
  }
  if (to_folder && (!options.output.empty() || (targets.size() > 1 && !options.host.empty()))) {
    std::cerr << "netaudit collect: --output-dir does not go with "
              << (options.output.empty() ? "--host" : "--output") << '\n';
    return kExitUsage;
  }
  for (nc::DeviceTarget& target : targets)
    apply_overrides(options, target);

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

  if (!to_folder) {
    if (const std::string missing = missing_settings(targets.front()); !missing.empty()) {
      std::cerr << "netaudit collect: " << missing << '\n';
      return kExitUsage;
    }
  }
  // One key for every device of the run: the markers of one secret are the same everywhere.
  try {
    const std::filesystem::path key_file = options.redaction_key.empty()
                                               ? secrets::RedactionKey::default_path()
                                               : std::filesystem::path(options.redaction_key);
    collect.redaction_key = std::make_shared<const secrets::RedactionKey>(
        secrets::RedactionKey::load_or_create(key_file));
  } catch (const secrets::KeyError& error) {
    std::cerr << "netaudit collect: " << error.what() << '\n';
    return kExitUsage;
  }

  if (!to_folder) {  // one device: the config to stdout or --output, the summary to stderr
    std::string summary;
    const int code =
        collect_one(targets.front(), collect, options.output, options.output.empty(), summary);
    std::cerr << "netaudit collect: " << summary << '\n';
    return code;
  }

  const std::filesystem::path folder = options.output_dir;
  std::error_code made;
  std::filesystem::create_directories(folder, made);
  if (made || !std::filesystem::is_directory(folder)) {
    std::cerr << "netaudit collect: cannot make folder " << options.output_dir << '\n';
    return kExitUsage;
  }
  std::map<std::string, std::string> file_owner;  // two names must not share a file
  for (const nc::DeviceTarget& target : targets) {
    const auto [at, fresh] =
        file_owner.emplace(file_name_for(target.display_name()), target.display_name());
    if (!fresh) {
      std::cerr << "netaudit collect: devices '" << at->second << "' and '" << target.display_name()
                << "' would both be written to " << at->first << '\n';
      return kExitUsage;
    }
  }
  // Devices are collected in parallel (each its own SSH session); one line per device on
  // stdout as it finishes; the exit code is the highest of all devices'.
  std::atomic<std::size_t> next{0};
  std::atomic<int> worst{kExitOk};
  std::mutex print;
  auto worker = [&] {
    for (std::size_t i = next++; i < targets.size(); i = next++) {
      const nc::DeviceTarget& target = targets[i];
      std::string summary;
      const int code = collect_one(target, collect, folder / file_name_for(target.display_name()),
                                   false, summary);
      for (int seen = worst.load(); code > seen && !worst.compare_exchange_weak(seen, code);) {
      }
      std::lock_guard<std::mutex> lock(print);
      std::cout << summary << std::endl;
    }
  };
  const unsigned jobs = static_cast<unsigned>(
      std::clamp<std::size_t>(options.jobs == 0 ? 1 : options.jobs, 1, targets.size()));
  run_on_threads(jobs, worker);
  return worst.load();
}

}  // namespace

void add_collect_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CollectCliOptions>();
  CLI::App* command = app.add_subcommand(
      "collect",
      "Fetch a device's running config over SSH or NETCONF (read-only), normalised and redacted");
  command->add_option("--inventory", options->inventory,
                      "Inventory file; the devices are named after the options, or --all");
  command->add_flag("--all", options->all, "Every device of the inventory");
  command->add_option("--output-dir", options->output_dir,
                      "Write each device's config to DIR/NAME.cfg (atomically); a summary line "
                      "per device on stdout; exit code the highest of the devices'");
  command->add_option("--jobs", options->jobs, "Devices collected at once with --output-dir")
      ->check(CLI::Range(1, 256));
  command->add_option("DEVICE", options->devices, "Device names of the inventory");
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
