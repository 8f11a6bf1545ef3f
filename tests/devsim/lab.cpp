#include "lab.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "platform.hpp"

namespace devsim {
namespace {

constexpr std::array<std::pair<Fault, std::string_view>, 9> kFaultNames{{
    {Fault::none, "none"},
    {Fault::wrong_password, "wrong_password"},
    {Fault::host_key_changed, "host_key_changed"},
    {Fault::hang_after_login, "hang_after_login"},
    {Fault::disconnect_mid_transfer, "disconnect_mid_transfer"},
    {Fault::endless_output, "endless_output"},
    {Fault::garbage_prompt, "garbage_prompt"},
    {Fault::paging_refused, "paging_refused"},
    {Fault::netconf_bad_chunk, "netconf_bad_chunk"},
}};

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& where,
                       const std::string& what) {
  throw std::runtime_error(file.string() + ": " + where + ": " + what);
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& path) {
  std::filesystem::path p(path);
  return p.is_absolute() ? p : base / p;
}

std::shared_ptr<const std::string> load_shared(const std::filesystem::path& file) {
  return std::make_shared<const std::string>(read_text_file(file));
}

void apply_fields(const YAML::Node& node, const std::filesystem::path& base, Device& device) {
  if (auto v = node["platform"]) device.platform = v.as<std::string>();
  if (auto v = node["config"]) device.config = load_shared(resolve(base, v.as<std::string>()));
  if (auto v = node["netconf_config"]) {
    device.netconf_config = load_shared(resolve(base, v.as<std::string>()));
  }
  if (auto v = node["netconf_base11"]) device.netconf_base11 = v.as<bool>();
  if (auto v = node["user"]) device.user = v.as<std::string>();
  if (auto v = node["password"]) device.password = v.as<std::string>();
  if (auto v = node["password_file"]) {
    auto text = read_text_file(resolve(base, v.as<std::string>()));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      text.pop_back();
    device.password = text;
  }
  if (auto v = node["authorized_keys"]) {
    device.authorized_keys.clear();
    for (const auto& key : v)
      device.authorized_keys.push_back(resolve(base, key.as<std::string>()));
  }
  if (auto v = node["auth"]) {
    device.auth_methods.clear();
    for (const auto& method : v) {
      const auto name = method.as<std::string>();
      if (name != "password" && name != "keyboard-interactive" && name != "publickey") {
        throw std::runtime_error("unknown auth method '" + name +
                                 "' (password, keyboard-interactive, publickey)");
      }
      device.auth_methods.push_back(name);
    }
  }
  if (auto v = node["banner"]) device.banner = v.as<std::string>();
  if (auto v = node["latency_ms"]) device.latency_ms = v.as<int>();
  if (auto v = node["host_key"]) device.host_key = resolve(base, v.as<std::string>());
  if (auto v = node["port"]) device.port = v.as<std::uint16_t>();
  if (auto v = node["fault"]) {
    auto fault = fault_from_string(v.as<std::string>());
    if (!fault) throw std::runtime_error("unknown fault '" + v.as<std::string>() + "'");
    device.fault = *fault;
  }
  if (auto v = node["commands"]) {
    for (const auto& entry : v) {
      device.commands[collapse_blanks(entry.first.as<std::string>())] =
          load_shared(resolve(base, entry.second.as<std::string>()));
    }
  }
}

}  // namespace

std::string_view to_string(Fault fault) {
  for (const auto& [value, name] : kFaultNames) {
    if (value == fault) return name;
  }
  return "?";
}

std::optional<Fault> fault_from_string(std::string_view name) {
  for (const auto& [value, text] : kFaultNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Lab load_lab(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    fail(file, "line " + std::to_string(e.mark.line + 1), e.msg);
  }
  const auto base = file.parent_path();
  Device defaults;
  if (auto d = root["defaults"]) {
    try {
      apply_fields(d, base, defaults);
    } catch (const std::exception& e) {
      fail(file, "defaults", e.what());
    }
  }
  auto devices = root["devices"];
  if (!devices || !devices.IsSequence() || devices.size() == 0) {
    fail(file, "devices", "missing or empty list");
  }
  Lab lab;
  std::set<std::string> names;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const auto& node = devices[i];
    Device device = defaults;
    const std::string where = "devices[" + std::to_string(i) + "]";
    if (!node["name"]) fail(file, where, "missing 'name'");
    device.name = node["name"].as<std::string>();
    try {
      apply_fields(node, base, device);
    } catch (const std::exception& e) {
      fail(file, where + " (" + device.name + ")", e.what());
    }
    if (!names.insert(device.name).second) fail(file, where, "duplicate name " + device.name);
    if (!find_platform(device.platform)) {
      fail(file, where + " (" + device.name + ")", "unknown platform '" + device.platform + "'");
    }
    if (!device.config) fail(file, where + " (" + device.name + ")", "missing 'config'");
    if (!device.password && device.authorized_keys.empty()) {
      fail(file, where + " (" + device.name + ")", "no password and no authorized_keys");
    }
    lab.devices.push_back(std::move(device));
  }
  return lab;
}

Lab synthetic_lab(const SyntheticSpec& spec) {
  if (!find_platform(spec.platform)) {
    throw std::runtime_error("unknown platform '" + spec.platform + "'");
  }
  if (spec.count <= 0) throw std::runtime_error("--devices must be positive");
  auto config = load_shared(spec.config_file);
  Lab lab;
  lab.devices.reserve(static_cast<std::size_t>(spec.count));
  for (int i = 1; i <= spec.count; ++i) {
    Device device;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%04d", i);
    device.name = spec.name_prefix + suffix;
    device.platform = spec.platform;
    device.config = config;
    device.user = spec.user;
    device.password = spec.password;
    device.authorized_keys = spec.authorized_keys;
    device.latency_ms = spec.latency_ms;
    lab.devices.push_back(std::move(device));
  }
  return lab;
}

}  // namespace devsim
