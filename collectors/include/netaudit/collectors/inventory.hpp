// Inventory files (YAML): the devices to collect from.
//
//   defaults:              # optional, applied to every device
//     port: 22
//     user: netaudit
//     key_file: /etc/netaudit/id_ed25519
//   devices:
//     - name: core1
//       host: 192.0.2.1
//       platform: cisco_ios
//       transport: ssh            # ssh | netconf | file (with `path:`; platform optional)
//       password_file: /etc/netaudit/core1.pw
//       algorithms: {kex: diffie-hellman-group14-sha1}
//       labels: {site: ams, role: core}
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/collectors/target.hpp"

namespace YAML {
class Node;
}

namespace netaudit::collectors {

struct Inventory {
  std::filesystem::path source_file;
  std::vector<DeviceTarget> devices;
  // nullptr when absent.
  const DeviceTarget* find(std::string_view name) const;
};

// Throws CollectError(invalid_target) naming the file, the device and the field on bad input.
// Relative credential paths are resolved against the inventory file's folder.
Inventory load_inventory(const std::filesystem::path& file);
// The same for a YAML node already read ({defaults:, devices:}), e.g. an inline list in the
// daemon's config file; `where` names it in errors, `base` resolves relative paths.
Inventory parse_inventory(const YAML::Node& root, const std::string& where,
                          const std::filesystem::path& base);

}  // namespace netaudit::collectors
