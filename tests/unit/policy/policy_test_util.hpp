// Helpers for policy tests: write small policy files to a temporary folder and load them.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/rules.hpp"
#include "temp_dir.hpp"  // TempDir, with write() for policy files
#include "test_paths.hpp"

namespace netaudit::test {

inline std::filesystem::path shipped_policy_dir() {
  return source_dir() / "policies";
}

inline const policy::Policy& shipped_policy() {
  static const policy::Policy policy = [] {
    auto loaded = policy::Policy::load_shipped(shipped_policy_dir());
    if (!loaded.policy) {
      std::string problems;
      for (const auto& issue : loaded.errors)
        problems += issue.to_string() + "\n";
      throw std::runtime_error("the shipped policy does not load:\n" + problems);
    }
    return std::move(*loaded.policy);
  }();
  return policy;
}

inline const policy::Finding* find_finding(const policy::DeviceReport& report,
                                           const std::string& control) {
  for (const auto& f : report.findings)
    if (f.control == control) return &f;
  return nullptr;
}

inline std::string evidence_lines(const policy::Finding& finding) {
  std::string out;
  for (const auto& e : finding.evidence) {
    if (e.line == 0) continue;
    if (!out.empty()) out += ",";
    out += std::to_string(e.line);
  }
  return out;
}

}  // namespace netaudit::test
