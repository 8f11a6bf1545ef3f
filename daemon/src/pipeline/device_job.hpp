// One device's job, in the two halves the daemon runs on different pools:
//   fetch()   — blocking I/O (libssh, or a file read): the collect pool;
//   analyse() — normalise + redact, detect, parse, audit, drift from intended: the CPU pool.
// Neither touches the store or the event loop; the daemon commits the outcome.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "netaudit/collectors/collect.hpp"
#include "netaudit/collectors/normalise.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/collectors/target.hpp"
#include "netaudit/policies/rules.hpp"
#include "netaudit/policies/waivers.hpp"
#include "store/store.hpp"

namespace netaudit::serve {

// Platform profiles and their normalisers, loaded once per platform on first use.
// Thread-safe.
class ProfileCache {
 public:
  // Every normaliser masks secrets with `key`, the installation's redaction key.
  ProfileCache(std::filesystem::path profile_dir, std::shared_ptr<const secrets::RedactionKey> key);
  // nullptr when the platform has no profile (a file of a platform we only audit).
  std::shared_ptr<const collectors::Profile> profile(const std::string& platform);
  // The platform's normaliser: its profile's volatile patterns (the common ones when it has no
  // profile) and its secret rules. Throws CollectError(profile_error) for a broken profile.
  std::shared_ptr<const collectors::Normaliser> normaliser(const std::string& platform);

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const secrets::RedactionKey> key_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const collectors::Profile>, std::less<>> profiles_;
  std::map<std::string, std::shared_ptr<const collectors::Normaliser>, std::less<>> normalisers_;
};

// Everything a job reads that only a reload changes.
struct AuditSetup {
  std::shared_ptr<const policy::Policy> policy;
  std::string policy_version;
  std::shared_ptr<const policy::WaiverSet> waivers;  // may be null
  std::optional<std::filesystem::path> intended_dir;
};

class DeviceJob {
 public:
  DeviceJob(std::shared_ptr<ProfileCache> profiles, collectors::CollectOptions options);

  // Blocking: collects over SSH/NETCONF or reads the file. Never throws for device problems.
  collectors::CollectResult fetch(const collectors::DeviceTarget& device) const;

  // CPU: turns a fetch into what the store commits. The audit runs on the normalised,
  // redacted text, so evidence line numbers refer to the stored text.
  store::CollectionOutcome analyse(const collectors::DeviceTarget& device,
                                   collectors::CollectResult fetched, store::TimestampMs started,
                                   const AuditSetup& setup) const;

  // Re-audits stored text after a policy change (no collection).
  std::vector<policy::Finding> reaudit(const std::string& device, const std::string& platform,
                                       const std::string& text, const AuditSetup& setup,
                                       const collectors::DeviceTarget* target) const;

 private:
  std::shared_ptr<ProfileCache> profiles_;
  collectors::CollectOptions options_;
};

// The platform to audit with: the inventory's when a pack knows it, else detected.
std::string audit_platform(const collectors::DeviceTarget& device, std::string_view text);

}  // namespace netaudit::serve
