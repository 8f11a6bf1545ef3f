// The devices the daemon audits, from the config's `inventory:`: an inventory file, an inline
// `devices:` list, or a folder whose every file is a device (transport file).
#pragma once

#include <vector>

#include "netaudit/collectors/inventory.hpp"
#include "serve/serve_config.hpp"

namespace netaudit::serve {

// Throws ConfigError naming the file, line and device on bad input (duplicate names, a
// missing folder, an unknown transport).
collectors::Inventory load_devices(const ServeConfig& config);

// A folder as an inventory: every regular file below it is a device named after its path
// below the folder ("core/rtr1.cfg" -> "core/rtr1.cfg"), with transport file. Hidden files
// and folders (.git of an Oxidized tree) are skipped; in a RANCID group folder (one holding
// router.db) only the configs/ subfolder is read. Symlinks are not followed.
collectors::Inventory directory_inventory(const std::filesystem::path& folder,
                                          const std::string& platform);

}  // namespace netaudit::serve
