// Everything the daemon loads from disk before it can audit: the config file, the devices,
// the policy with its version, the waivers. Used at start, by SIGHUP (a bad reload keeps the
// old setup) and by `serve --check`.
#pragma once

#include <string>
#include <vector>

#include "netaudit/collectors/inventory.hpp"
#include "pipeline/device_job.hpp"
#include "schedule/shard.hpp"
#include "serve/serve_config.hpp"

namespace netaudit::serve {

struct LoadedSetup {
  ServeConfig config;
  collectors::Inventory inventory;  // already cut to this daemon's shard
  AuditSetup audit;
  std::vector<std::string> warnings;  // worth a log line, not a refusal
};

// Throws ConfigError (config file, inventory) or std::runtime_error with every problem found
// (policies, waivers, credentials, profiles), each naming its file.
LoadedSetup load_setup(const std::filesystem::path& config_file, const schedule::Shard& shard);

// "sha256:" + 16 hex digits over the policy files' names and contents: it changes exactly when
// a control, a pack or the catalogue changes.
std::string policy_version_of(const std::vector<std::string>& files);

}  // namespace netaudit::serve
