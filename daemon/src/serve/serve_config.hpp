// `netaudit serve --config FILE`: the daemon's one YAML file, every key documented with its
// default in docs/serve.md. Relative paths resolve against the config file's folder.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "netaudit/collectors/target.hpp"

namespace netaudit::serve {

// A bad config: the message is "FILE:LINE: KEY: what is wrong".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;
  bool is_loopback() const;
};

struct ScheduleConfig {
  std::chrono::milliseconds interval{15 * 60 * 1000};
  double jitter = 0.1;  // fraction of the interval
  std::size_t concurrency = 50;
  std::chrono::milliseconds job_timeout{120'000};
  int retries = 2;
  std::chrono::milliseconds retry_backoff{30'000};  // first retry; doubles per attempt
  // Concurrency per group: "platform:cisco_iosxr" or "LABEL:VALUE" (e.g. "site:ams") -> limit.
  std::map<std::string, std::size_t> limits;
};

struct SyslogConfig {
  std::optional<ListenAddress> listen;  // off when absent
  std::vector<std::string> patterns;    // RE2, on top of the built-in config-change messages
  std::chrono::milliseconds debounce{30'000};
};

// Where the devices come from: an inventory file, an inline list, or a folder of configs.
struct InventorySource {
  enum class Kind { file, inline_list, directory } kind = Kind::file;
  std::filesystem::path path;  // file or directory
  YAML::Node inline_node;      // {defaults:, devices:} for inline_list
  std::string platform;        // directory: the platform of every file (empty: detect)
};

struct ServeConfig {
  std::filesystem::path file;  // the config file itself
  ListenAddress listen{"127.0.0.1", 9870};
  std::filesystem::path store;
  InventorySource inventory;
  std::filesystem::path known_hosts;
  collectors::HostKeyPolicy host_key_policy = collectors::HostKeyPolicy::strict;
  std::vector<std::filesystem::path> policies;  // empty: the shipped baseline
  std::optional<std::filesystem::path> waivers;
  std::optional<std::filesystem::path> intended;       // folder of <device>.cfg
  std::optional<std::filesystem::path> redaction_key;  // default: redaction.key beside the store
  ScheduleConfig schedule;
  SyslogConfig syslog;
  struct Api {
    std::optional<std::filesystem::path> token_file;       // bearer token for every POST
    std::optional<std::filesystem::path> read_token_file;  // optional token for GET /api
  } api;
  struct Metrics {
    std::optional<std::filesystem::path> token_file;  // optional bearer token for /metrics
    std::size_t finding_series_limit = 10'000;
  } metrics;
  struct Tls {
    std::optional<std::filesystem::path> cert_file;
    std::optional<std::filesystem::path> key_file;
  } tls;
  struct Collect {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds command_timeout{30'000};
    std::size_t max_bytes = 64u << 20;
  } collect;
  std::size_t keep_versions = 0;  // retention per device; 0 keeps every version
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::string log_level = "info";
  std::string log_format = "text";

  std::filesystem::path redaction_key_path() const;
};

// Reads and validates the file (keys, types, ranges). Throws ConfigError.
ServeConfig load_serve_config(const std::filesystem::path& file);

// "15m", "120s", "500ms", "1h30m", "2d" -> milliseconds. nullopt when malformed or zero.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace netaudit::serve
