// The lab: the simulated devices, loaded from a lab YAML file or generated (synthetic mode).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devsim {

enum class Fault {
  none,
  wrong_password,           // every authentication attempt fails
  host_key_changed,         // presents a host key other than the one recorded in known_hosts
  hang_after_login,         // authenticates, then never prints anything
  disconnect_mid_transfer,  // drops the connection half-way through the config
  endless_output,           // the fetch command never stops printing
  garbage_prompt,           // prints noise where the prompt should be
  paging_refused,           // the paging-off command is denied; paging stays on
  netconf_bad_chunk,        // NETCONF reply with a malformed chunk header
};
std::string_view to_string(Fault fault);
std::optional<Fault> fault_from_string(std::string_view name);

struct Device {
  std::string name;
  std::string platform;
  // The configuration served by the platform's fetch command (shared between synthetic devices).
  std::shared_ptr<const std::string> config;
  // Extra read-only commands and their output, e.g. "show configuration | display set".
  std::map<std::string, std::shared_ptr<const std::string>> commands;
  // XML inside <data> for NETCONF get-config; null = no netconf subsystem.
  std::shared_ptr<const std::string> netconf_config;
  bool netconf_base11 = true;  // advertise urn:ietf:params:netconf:base:1.1
  std::string user = "admin";
  std::optional<std::string> password;
  std::vector<std::filesystem::path> authorized_keys;  // public key files (OpenSSH format)
  // Authentication methods offered: any of "password", "keyboard-interactive", "publickey".
  std::vector<std::string> auth_methods = {"publickey", "keyboard-interactive", "password"};
  std::string banner;  // printed before the first prompt
  int latency_ms = 0;  // added before each command's output
  Fault fault = Fault::none;
  std::optional<std::filesystem::path> host_key;  // private key file; generated when absent
  std::uint16_t port = 0;                         // 0 = base port + index, or any free port
};

struct Lab {
  std::vector<Device> devices;
};

// Throws std::runtime_error naming the file, the device and the field on bad input.
// Relative paths in the file are resolved against the file's folder.
Lab load_lab(const std::filesystem::path& file);

struct SyntheticSpec {
  int count = 0;
  std::string platform;
  std::filesystem::path config_file;  // served by every device
  std::string name_prefix = "dev";
  std::string user = "admin";
  std::optional<std::string> password;
  std::vector<std::filesystem::path> authorized_keys;
  int latency_ms = 0;
};
Lab synthetic_lab(const SyntheticSpec& spec);

std::string read_text_file(const std::filesystem::path& file);

}  // namespace devsim
