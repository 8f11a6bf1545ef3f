// Loading the policy for the audit, facts and policy subcommands.
#pragma once

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "netaudit/policies/rules.hpp"

namespace netaudit::cli {

// Loads the shipped policy (no paths) or the given files/directories. Prints every problem
// to stderr as "netaudit <command>: file:line: [subject] message"; nullopt on errors.
inline std::optional<policy::Policy> load_policy(const std::vector<std::string>& paths,
                                                 const char* command) {
  const std::filesystem::path shipped = policy::default_policy_dir();
  policy::PolicyLoadResult result =
      paths.empty() ? policy::Policy::load_shipped(shipped)
                    : policy::Policy::load({paths.begin(), paths.end()}, shipped);
  for (const policy::PolicyIssue& w : result.warnings)
    std::cerr << "netaudit " << command << ": warning: " << w.to_string() << '\n';
  for (const policy::PolicyIssue& e : result.errors)
    std::cerr << "netaudit " << command << ": " << e.to_string() << '\n';
  return std::move(result.policy);
}

}  // namespace netaudit::cli
