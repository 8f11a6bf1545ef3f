// A loaded policy: the fact catalogue, the vendor packs and the controls, compiled once.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/facts.hpp"

namespace netaudit {
class ConfigTree;
}

namespace netaudit::policy {

enum class Severity : std::uint8_t { info, low, medium, high, critical };
std::string_view to_string(Severity severity);
std::optional<Severity> severity_from_string(std::string_view name);

struct References {
  std::vector<std::string> cis;
  std::vector<std::string> stig;
  std::vector<std::string> nist;
};

struct ControlInfo {
  std::string id;
  std::string title;
  Severity severity = Severity::medium;
  std::string rationale;
  References references;
  std::vector<std::string> platforms;  // platforms with a pack the control is checked on
  std::map<std::string, std::string, std::less<>> remediation;  // platform or "default"
  std::string file;
  int line = 0;
  std::string remediation_for(std::string_view platform) const;
};

// A problem in a policy file: "file:line: [subject] message".
struct PolicyIssue {
  std::string file;
  int line = 0;         // 1-based; 0 when it concerns the whole file
  std::string subject;  // rule id, fact name or platform; may be empty
  std::string message;
  std::string to_string() const;
};

struct PolicyLoadResult;

class Policy {
 public:
  // Loads policy files. Each path is a file or a directory (its *.yaml / *.yml files, sorted);
  // files are classified by their top-level key (facts / platform / controls). When the
  // given paths contain no catalogue or no packs, those of `shipped_dir` are used.
  static PolicyLoadResult load(const std::vector<std::filesystem::path>& paths,
                               const std::filesystem::path& shipped_dir);
  // The shipped policy: <dir>/baseline and <dir>/vendors.
  static PolicyLoadResult load_shipped(const std::filesystem::path& dir);

  Policy();
  Policy(Policy&&) noexcept;
  Policy& operator=(Policy&&) noexcept;
  ~Policy();

  const FactCatalogue& catalogue() const;
  std::vector<ControlInfo> controls() const;
  std::vector<std::string> platforms() const;  // platforms that have a pack
  bool has_pack(std::string_view platform) const;

  // Reads every fact the platform's pack defines.
  DeviceFacts extract(std::string_view platform, const ConfigTree& tree) const;

  struct Impl;
  const Impl& impl() const { return *impl_; }
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct PolicyLoadResult {
  std::optional<Policy> policy;     // absent when there were errors
  std::vector<PolicyIssue> errors;  // each names file, line, subject and what is wrong
  std::vector<PolicyIssue> warnings;
  std::vector<std::string> files;  // every file read
};

// Where the shipped policy lives: $NETAUDIT_POLICY_DIR, else next to the binary
// (<exe>/../share/netaudit/policies or <exe>/policies), else the source tree (compile-time
// NETAUDIT_POLICY_DIR).
std::filesystem::path default_policy_dir();

}  // namespace netaudit::policy
