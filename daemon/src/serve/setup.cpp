#include "serve/setup.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "inventory/device_source.hpp"
#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/normalise.hpp"
#include "netaudit/collectors/profile.hpp"
#include "store/store.hpp"

namespace netaudit::serve {
namespace {

namespace fs = std::filesystem;
namespace nc = netaudit::collectors;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A credential file must be readable; its contents are never read here (nor logged).
void check_readable(const fs::path& file, const std::string& what,
                    std::vector<std::string>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) errors.push_back(file.string() + ": " + what + " is not readable");
}

void check_device(const nc::DeviceTarget& device, const fs::path& profile_dir,
                  std::vector<std::string>& errors) {
  const std::string where = "device '" + device.name + "'";
  if (device.transport == nc::Transport::file) {
    std::error_code ec;
    if (!fs::exists(device.path, ec))
      errors.push_back(where + ": " + device.path.string() + ": no such file");
    return;
  }
  const nc::Credentials& c = device.credentials;
  if (c.key_file) check_readable(*c.key_file, where + " key_file", errors);
  if (c.key_passphrase_file)
    check_readable(*c.key_passphrase_file, where + " key_passphrase_file", errors);
  if (c.password_file) check_readable(*c.password_file, where + " password_file", errors);
  if (!c.key_file && !c.password_file && !c.password_env && !c.use_agent)
    errors.push_back(where +
                     ": no credential (key_file, password_file, password_env or use_agent)");
  try {
    (void)nc::load_profile_by_name(device.platform, profile_dir);
  } catch (const nc::CollectError& error) {
    errors.push_back(where + ": " + error.what());
  }
}

}  // namespace

std::string policy_version_of(const std::vector<std::string>& files) {
  std::vector<std::string> sorted = files;
  std::sort(sorted.begin(), sorted.end());
  std::string material;
  for (const std::string& file : sorted) {
    const std::string content = read_all(file);
    material +=
        fs::path(file).filename().string() + '\0' + std::to_string(content.size()) + '\0' + content;
  }
  return "sha256:" + store::sha256_hex(material).substr(0, 16);
}

LoadedSetup load_setup(const fs::path& config_file, const schedule::Shard& shard) {
  LoadedSetup setup;
  setup.config = load_serve_config(config_file);
  const ServeConfig& config = setup.config;
  nc::Inventory all = load_devices(config);
  setup.inventory.source_file = all.source_file;
  for (nc::DeviceTarget& device : all.devices)
    if (schedule::in_shard(device.name, shard))
      setup.inventory.devices.push_back(std::move(device));

  std::vector<std::string> errors;
  const fs::path profile_dir = nc::default_profile_dir();
  for (const nc::DeviceTarget& device : setup.inventory.devices)
    check_device(device, profile_dir, errors);

  policy::PolicyLoadResult loaded =
      config.policies.empty() ? policy::Policy::load_shipped(policy::default_policy_dir())
                              : policy::Policy::load(config.policies, policy::default_policy_dir());
  for (const policy::PolicyIssue& w : loaded.warnings)
    setup.warnings.push_back(w.to_string());
  for (const policy::PolicyIssue& e : loaded.errors)
    errors.push_back(e.to_string());
  if (loaded.policy) {
    setup.audit.policy = std::make_shared<const policy::Policy>(std::move(*loaded.policy));
    setup.audit.policy_version = policy_version_of(loaded.files);
  }

  if (config.waivers) {
    std::vector<std::string> waiver_errors;
    auto waivers = policy::WaiverSet::load(*config.waivers, waiver_errors);
    errors.insert(errors.end(), waiver_errors.begin(), waiver_errors.end());
    setup.audit.waivers = std::make_shared<const policy::WaiverSet>(std::move(waivers));
  }
  if (config.intended) {
    std::error_code ec;
    if (!fs::is_directory(*config.intended, ec))
      errors.push_back(config.intended->string() + ": intended is not a folder");
    setup.audit.intended_dir = config.intended;
  }
  // An existing key must be usable; an absent one is created at the first start.
  std::error_code key_ec;
  if (fs::exists(config.redaction_key_path(), key_ec)) {
    try {
      (void)secrets::RedactionKey::load(config.redaction_key_path());
    } catch (const std::exception& error) {
      errors.push_back(error.what());
    }
  }
  for (const auto& token : {config.api.token_file, config.api.read_token_file,
                            config.metrics.token_file, config.tls.cert_file, config.tls.key_file})
    if (token) check_readable(*token, "file", errors);
  if (!config.listen.is_loopback() && !config.api.read_token_file)
    setup.warnings.push_back("listen " + config.listen.to_string() +
                             " is not loopback and api.read_token_file is not set: configs and "
                             "evidence are readable by anyone who reaches the port");
  if (!config.api.token_file)
    setup.warnings.push_back("api.token_file is not set: POST /api/v1/devices/NAME/audit is off");

  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors)
      message += (message.empty() ? "" : "\n") + e;
    throw std::runtime_error(message);
  }
  return setup;
}

}  // namespace netaudit::serve
