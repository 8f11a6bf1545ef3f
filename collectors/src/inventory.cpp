// Inventory files: YAML list of devices, with defaults.
#include "netaudit/collectors/inventory.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

#include "netaudit/collectors/errors.hpp"

namespace netaudit::collectors {
namespace {

const std::set<std::string> kDeviceKeys = {"name",
                                           "host",
                                           "port",
                                           "platform",
                                           "transport",
                                           "user",
                                           "key_file",
                                           "key_passphrase_file",
                                           "key_passphrase_env",
                                           "password_file",
                                           "password_env",
                                           "use_agent",
                                           "algorithms",
                                           "labels",
                                           "path"};

[[noreturn]] void fail(const std::string& where, const YAML::Node& node, const std::string& why) {
  throw CollectError(ErrorKind::invalid_target,
                     where + ":" + std::to_string(node.Mark().line + 1) + ": " + why);
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& value) {
  std::filesystem::path path(value);
  return path.is_absolute() ? path : base / path;
}

// Applies the keys present in `node` onto `device` (defaults first, then the device entry).
void apply(DeviceTarget& device, const YAML::Node& node, const std::string& where,
           const std::filesystem::path& base) {
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (!kDeviceKeys.count(key)) fail(where, entry.first, "unknown key '" + key + "'");
  }
  if (node["name"]) device.name = node["name"].as<std::string>();
  if (node["host"]) device.host = node["host"].as<std::string>();
  if (node["port"]) {
    const int port = node["port"].as<int>();
    if (port < 1 || port > 65535) fail(where, node["port"], "port out of range");
    device.port = static_cast<std::uint16_t>(port);
  }
  if (node["platform"]) device.platform = node["platform"].as<std::string>();
  if (node["path"]) device.path = resolve(base, node["path"].as<std::string>());
  if (node["transport"]) {
    const std::string transport = node["transport"].as<std::string>();
    if (transport == "ssh") {
      device.transport = Transport::ssh;
    } else if (transport == "netconf") {
      device.transport = Transport::netconf;
    } else if (transport == "file") {
      device.transport = Transport::file;
    } else {
      fail(where, node["transport"], "transport must be ssh, netconf or file");
    }
  }
  Credentials& creds = device.credentials;
  if (node["user"]) creds.user = node["user"].as<std::string>();
  if (node["key_file"]) creds.key_file = resolve(base, node["key_file"].as<std::string>());
  if (node["key_passphrase_file"])
    creds.key_passphrase_file = resolve(base, node["key_passphrase_file"].as<std::string>());
  if (node["key_passphrase_env"])
    creds.key_passphrase_env = node["key_passphrase_env"].as<std::string>();
  if (node["password_file"])
    creds.password_file = resolve(base, node["password_file"].as<std::string>());
  if (node["password_env"]) creds.password_env = node["password_env"].as<std::string>();
  if (node["use_agent"]) creds.use_agent = node["use_agent"].as<bool>();
  if (const YAML::Node algorithms = node["algorithms"]) {
    if (!algorithms.IsMap()) fail(where, algorithms, "algorithms must be a mapping");
    for (const auto& entry : algorithms) {
      const std::string key = entry.first.as<std::string>();
      const std::string value = entry.second.as<std::string>();
      if (key == "kex")
        device.algorithms.kex = value;
      else if (key == "host_key")
        device.algorithms.host_key = value;
      else if (key == "ciphers")
        device.algorithms.ciphers = value;
      else if (key == "macs")
        device.algorithms.macs = value;
      else
        fail(where, entry.first,
             "unknown algorithm kind '" + key + "' (kex, host_key, ciphers, macs)");
    }
  }
  if (const YAML::Node labels = node["labels"]) {
    if (!labels.IsMap()) fail(where, labels, "labels must be a mapping");
    for (const auto& entry : labels)
      device.labels[entry.first.as<std::string>()] = entry.second.as<std::string>();
  }
}

}  // namespace

const DeviceTarget* Inventory::find(std::string_view name) const {
  for (const DeviceTarget& device : devices)
    if (device.name == name) return &device;
  return nullptr;
}

Inventory load_inventory(const std::filesystem::path& file) {
  const std::string where = file.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(where);
  } catch (const YAML::BadFile&) {
    throw CollectError(ErrorKind::invalid_target, where + ": cannot read inventory file");
  } catch (const YAML::Exception& error) {
    throw CollectError(ErrorKind::invalid_target,
                       where + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  Inventory inventory =
      parse_inventory(root, where, file.has_parent_path() ? file.parent_path() : ".");
  inventory.source_file = file;
  return inventory;
}

Inventory parse_inventory(const YAML::Node& root, const std::string& where,
                          const std::filesystem::path& base) {
  if (!root.IsMap() || !root["devices"] || !root["devices"].IsSequence())
    throw CollectError(ErrorKind::invalid_target,
                       where + ": expected a mapping with a 'devices' list");
  Inventory inventory;
  try {
    DeviceTarget defaults;
    if (const YAML::Node node = root["defaults"]) {
      if (!node.IsMap()) fail(where, node, "defaults must be a mapping");
      apply(defaults, node, where, base);
    }
    std::set<std::string> names;
    for (const YAML::Node& node : root["devices"]) {
      if (!node.IsMap()) fail(where, node, "each device must be a mapping");
      DeviceTarget device = defaults;
      apply(device, node, where, base);
      if (device.transport == Transport::file) {
        // A file device needs its path; the platform may be left to detection.
        if (device.path.empty()) fail(where, node, "device '" + device.name + "' has no path");
        if (device.name.empty()) fail(where, node, "a file device needs a name");
      } else {
        if (device.name.empty()) device.name = device.host;
        if (device.host.empty()) fail(where, node, "device '" + device.name + "' has no host");
        if (device.platform.empty())
          fail(where, node, "device '" + device.name + "' has no platform");
      }
      if (!names.insert(device.name).second)
        fail(where, node, "device name '" + device.name + "' appears twice");
      inventory.devices.push_back(std::move(device));
    }
  } catch (const YAML::Exception& error) {
    throw CollectError(ErrorKind::invalid_target,
                       where + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  return inventory;
}

}  // namespace netaudit::collectors
