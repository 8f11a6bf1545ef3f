// Data-driven check of the vendor packs and the baseline against the project's own fixture
// configs: every tests/fixtures/policy/<folder>/expected.yaml names, per fixture file and
// control, the verdict and the evidence line numbers the audit must produce:
//
//   hardened.cfg:
//     MGMT-TELNET-DISABLED: {verdict: pass, lines: []}
//     SNMP-NO-RW-COMMUNITY: {verdict: fail, lines: [12, 14]}
//
// `lines` is the exact set of source lines cited as evidence (a platform default or a missing
// statement cites none). The verdicts and lines are decided by hand from shared/BASELINE.md's
// evidence rule and SCHEMA.md §3.4, never copied from the engine's output. Every fixture lists
// every control of the shipped baseline (an expected not_applicable is an expectation too), and
// every control it lists must be in the audit's findings.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/rules.hpp"
#include "policy_test_util.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using netaudit::policy::AuditOptions;
using netaudit::policy::DeviceReport;
using netaudit::policy::Finding;

namespace {

using netaudit::test::shipped_policy;

std::vector<fs::path> expectation_files() {
  std::vector<fs::path> files;
  const fs::path root = netaudit::test::fixture_dir() / "policy";
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory() && fs::exists(entry.path() / "expected.yaml")) {
      files.push_back(entry.path() / "expected.yaml");
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string join(const std::set<std::uint32_t>& lines) {
  std::string text = "[";
  for (auto line : lines) {
    if (text.size() > 1) text += ", ";
    text += std::to_string(line);
  }
  return text + "]";
}

std::string describe(const Finding& finding) {
  std::string text = std::string(to_string(finding.verdict)) + ": " + finding.message;
  for (const auto& evidence : finding.evidence) {
    text += "\n    line " + std::to_string(evidence.line) + ": " + evidence.text;
  }
  return text;
}

// The ids of every control in the shipped baseline.
const std::vector<std::string>& baseline_controls() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& control : shipped_policy().controls())
      out.push_back(control.id);
    std::sort(out.begin(), out.end());
    return out;
  }();
  return ids;
}

void check_fixture(const fs::path& config, const YAML::Node& controls) {
  const DeviceReport report =
      netaudit::policy::audit_file(shipped_policy(), config.string(), AuditOptions{});
  INFO("fixture " << config.string() << " (platform " << report.platform << ")");
  REQUIRE(report.error.empty());
  REQUIRE(controls.IsMap());
  // Completeness: a control without an expectation would go unchecked.
  std::vector<std::string> missing;
  for (const auto& id : baseline_controls())
    if (!controls[id].IsDefined()) missing.push_back(id);
  std::string missing_text;
  for (const auto& id : missing)
    missing_text += " " + id;
  INFO("controls with no expectation:" << missing_text);
  CHECK(missing.empty());
  CHECK(controls.size() == baseline_controls().size());
  for (const auto& entry : controls) {
    const auto control = entry.first.as<std::string>();
    INFO("control " << control);
    // Both keys are required: an entry without `lines` would compare against nothing.
    REQUIRE(entry.second["verdict"].IsScalar());
    REQUIRE(entry.second["lines"].IsSequence());
    const auto expected_verdict = entry.second["verdict"].as<std::string>();
    std::set<std::uint32_t> expected_lines;
    for (const auto& line : entry.second["lines"])
      expected_lines.insert(line.as<std::uint32_t>());

    const auto found = std::find_if(report.findings.begin(), report.findings.end(),
                                    [&](const Finding& f) { return f.control == control; });
    REQUIRE(found != report.findings.end());
    INFO("finding " << describe(*found));
    CHECK(std::string(to_string(found->verdict)) == expected_verdict);
    std::set<std::uint32_t> actual_lines;
    for (const auto& evidence : found->evidence) {
      if (evidence.line != 0) actual_lines.insert(evidence.line);
    }
    CHECK(join(actual_lines) == join(expected_lines));
  }
}

}  // namespace

TEST_CASE("fixture configs give the expected verdicts and evidence lines") {
  const auto files = expectation_files();
  REQUIRE(files.size() >= 13);
  REQUIRE(baseline_controls().size() >= 56);
  for (const auto& expected : files) {
    const fs::path folder = expected.parent_path();
    DYNAMIC_SECTION(folder.filename().string()) {
      const YAML::Node fixtures = YAML::LoadFile(expected.string());
      REQUIRE(fixtures.IsMap());
      for (const auto& fixture : fixtures) {
        const fs::path config = folder / fixture.first.as<std::string>();
        INFO("expected.yaml " << expected.string());
        REQUIRE(fs::exists(config));
        check_fixture(config, fixture.second);
      }
    }
  }
}

TEST_CASE("every fixture config in a folder with expected.yaml has expectations") {
  for (const auto& expected : expectation_files()) {
    const YAML::Node fixtures = YAML::LoadFile(expected.string());
    for (const auto& entry : fs::directory_iterator(expected.parent_path())) {
      const auto name = entry.path().filename().string();
      if (name == "expected.yaml" || !entry.is_regular_file()) continue;
      INFO(expected.string() << " has no entry for " << name);
      CHECK(fixtures[name].IsDefined());
    }
  }
}
