#include "pipeline/device_job.hpp"

#include <algorithm>

#include "netaudit/collectors/errors.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/detect.hpp"

namespace netaudit::serve {
namespace {

namespace nc = netaudit::collectors;

policy::Labels labels_of(const nc::DeviceTarget& device) {
  return {device.labels.begin(), device.labels.end()};
}

policy::AuditOptions audit_options(const nc::DeviceTarget* device, const std::string& platform,
                                   const AuditSetup& setup) {
  policy::AuditOptions options;
  options.platform = platform;
  if (device) options.labels = labels_of(*device);
  options.waivers = setup.waivers.get();
  return options;
}

}  // namespace

ProfileCache::ProfileCache(std::filesystem::path profile_dir,
                           std::shared_ptr<const secrets::RedactionKey> key)
    : dir_(std::move(profile_dir)), key_(std::move(key)) {}

std::shared_ptr<const nc::Profile> ProfileCache::profile(const std::string& platform) {
  std::lock_guard lock(mutex_);
  if (auto it = profiles_.find(platform); it != profiles_.end()) return it->second;
  std::shared_ptr<const nc::Profile> loaded;
  const auto available = nc::available_platforms(dir_);
  if (std::find(available.begin(), available.end(), platform) != available.end())
    loaded = std::make_shared<const nc::Profile>(nc::load_profile_by_name(platform, dir_));
  profiles_.emplace(platform, loaded);
  return loaded;
}

std::shared_ptr<const nc::Normaliser> ProfileCache::normaliser(const std::string& platform) {
  std::lock_guard lock(mutex_);
  if (auto it = normalisers_.find(platform); it != normalisers_.end()) return it->second;
  auto made = std::make_shared<const nc::Normaliser>(
      platform.empty() || platform == kUnknownPlatform
          ? nc::Normaliser(key_)
          : nc::Normaliser::for_platform(platform, key_, dir_));
  normalisers_.emplace(platform, made);
  return made;
}

DeviceJob::DeviceJob(std::shared_ptr<ProfileCache> profiles, nc::CollectOptions options)
    : profiles_(std::move(profiles)), options_(std::move(options)) {
  options_.normalise = false;  // analyse() normalises, on the CPU pool
}

nc::CollectResult DeviceJob::fetch(const nc::DeviceTarget& device) const {
  if (device.transport == nc::Transport::file) return nc::collect_config(device, {}, options_);
  std::shared_ptr<const nc::Profile> profile;
  try {
    profile = profiles_->profile(device.platform);
  } catch (const nc::CollectError& error) {
    nc::CollectResult result;
    result.error = error.kind();
    result.message = error.what();
    return result;
  }
  if (!profile) {
    nc::CollectResult result;
    result.error = nc::ErrorKind::profile_error;
    result.message =
        device.display_name() + ": no collector profile for platform '" + device.platform + "'";
    return result;
  }
  return nc::collect_config(device, *profile, options_);
}

std::string audit_platform(const nc::DeviceTarget& device, std::string_view text) {
  const auto& packs = known_platforms();
  if (!device.platform.empty() &&
      std::find(packs.begin(), packs.end(), device.platform) != packs.end())
    return device.platform;
  const Detection detection = detect_platform(text);
  if (detection.platform != kUnknownPlatform) return detection.platform;
  return device.platform;  // no pack: the audit says so, control by control
}

store::CollectionOutcome DeviceJob::analyse(const nc::DeviceTarget& device,
                                            nc::CollectResult fetched, store::TimestampMs started,
                                            const AuditSetup& setup) const {
  store::CollectionOutcome outcome;
  outcome.device = device.name;
  outcome.started_at = started;
  outcome.host_key_fingerprint = fetched.host_key_fingerprint;
  if (!fetched.ok()) {
    outcome.finished_at = store::now_ms();
    outcome.error_kind = std::string(nc::to_string(fetched.error));
    outcome.error_message = fetched.message;
    return outcome;
  }
  const std::string platform = audit_platform(device, fetched.raw);
  // The collector profile decides what is volatile and secret; for a file its platform is
  // the detected one.
  const std::string profile_platform =
      device.transport == nc::Transport::file ? platform : device.platform;
  std::shared_ptr<const nc::Normaliser> normaliser;
  try {
    normaliser = profiles_->normaliser(profile_platform);
  } catch (const nc::CollectError& error) {
    outcome.finished_at = store::now_ms();
    outcome.error_kind = std::string(nc::to_string(error.kind()));
    outcome.error_message = error.what();
    return outcome;
  }
  outcome.config_text = normaliser->normalise(fetched.raw);
  fetched.raw.clear();
  fetched.raw.shrink_to_fit();  // the raw text, secrets and all, lives no longer than needed

  policy::DeviceReport report = policy::audit_text(*setup.policy, outcome.config_text, device.name,
                                                   audit_options(&device, platform, setup));
  outcome.ok = true;
  outcome.platform = report.platform;
  outcome.findings = std::move(report.findings);
  outcome.warnings = std::move(report.warnings);
  if (!report.error.empty()) outcome.warnings.push_back(report.error);

  if (setup.intended_dir) {
    const std::filesystem::path intended = *setup.intended_dir / (device.name + ".cfg");
    std::error_code ec;
    if (std::filesystem::is_regular_file(intended, ec)) {
      try {
        const std::string text =
            normaliser->normalise(nc::read_config_file(intended, options_.max_output_bytes));
        outcome.intended_diff =
            store::unified_diff(text, outcome.config_text, "intended/" + device.name, device.name);
      } catch (const nc::CollectError& error) {
        outcome.warnings.push_back(std::string("intended config: ") + error.what());
      }
    }
  }
  outcome.finished_at = store::now_ms();
  return outcome;
}

std::vector<policy::Finding> DeviceJob::reaudit(const std::string& device,
                                                const std::string& platform,
                                                const std::string& text, const AuditSetup& setup,
                                                const nc::DeviceTarget* target) const {
  policy::DeviceReport report =
      policy::audit_text(*setup.policy, text, device, audit_options(target, platform, setup));
  return std::move(report.findings);
}

}  // namespace netaudit::serve
