#include "inventory/device_source.hpp"

#include <algorithm>
#include <system_error>

#include "netaudit/collectors/errors.hpp"

namespace netaudit::serve {
namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& entry) {
  const std::string name = entry.filename().string();
  return !name.empty() && name.front() == '.';
}

void walk(const fs::path& root, const fs::path& folder, const std::string& platform,
          collectors::Inventory& inventory) {
  std::error_code ec;
  const bool rancid_group = fs::is_regular_file(folder / "router.db", ec);
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(*it);
  if (ec)
    throw ConfigError(folder.string() + ": cannot read the inventory folder: " + ec.message());
  std::sort(entries.begin(), entries.end());
  for (const fs::directory_entry& entry : entries) {
    if (hidden(entry.path())) continue;
    if (entry.is_symlink(ec)) continue;
    if (entry.is_directory(ec)) {
      if (rancid_group && entry.path().filename() != "configs") continue;
      walk(root, entry.path(), platform, inventory);
    } else if (entry.is_regular_file(ec) && !rancid_group) {
      collectors::DeviceTarget device;
      device.name = fs::relative(entry.path(), root, ec).generic_string();
      device.transport = collectors::Transport::file;
      device.path = entry.path();
      device.host = device.path.string();
      device.platform = platform;
      inventory.devices.push_back(std::move(device));
    }
  }
}

}  // namespace

collectors::Inventory directory_inventory(const fs::path& folder, const std::string& platform) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw ConfigError(folder.string() + ": inventory.directory is not a folder");
  collectors::Inventory inventory;
  inventory.source_file = folder;
  walk(folder, folder, platform, inventory);
  return inventory;
}

collectors::Inventory load_devices(const ServeConfig& config) {
  try {
    switch (config.inventory.kind) {
      case InventorySource::Kind::file:
        return collectors::load_inventory(config.inventory.path);
      case InventorySource::Kind::inline_list: {
        collectors::Inventory inventory = collectors::parse_inventory(
            config.inventory.inline_node, config.file.string(), config.file.parent_path());
        inventory.source_file = config.file;
        return inventory;
      }
      case InventorySource::Kind::directory:
        return directory_inventory(config.inventory.path, config.inventory.platform);
    }
  } catch (const collectors::CollectError& error) {
    throw ConfigError(error.what());
  }
  throw ConfigError(config.file.string() + ": inventory: unknown kind");
}

}  // namespace netaudit::serve
