// Helpers for policy tests: write small policy files to a temporary folder and load them.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/rules.hpp"
#include "test_paths.hpp"

namespace netaudit::test {

// A temporary folder removed (with its contents) when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("netaudit-policy-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

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
