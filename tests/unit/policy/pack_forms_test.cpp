// One device, several syntaxes: a Junos config shown as braces, as `display set` and as the
// NETCONF <rpc-reply><configuration> XML, a VyOS config.boot and its set commands, a PAN-OS
// running-config.xml and its set commands must meet the baseline identically. The fixtures
// under tests/fixtures/policy/<platform>/ hold the same device in each form (hardened.conf /
// hardened.set / hardened.xml, ...); every control of the shipped baseline must give the same
// verdict on every form, and the platform must be detected the same.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
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

namespace {

using netaudit::test::shipped_policy;

DeviceReport audit(const fs::path& file) {
  INFO("fixture " << file.string());
  REQUIRE(fs::exists(file));
  DeviceReport report =
      netaudit::policy::audit_file(shipped_policy(), file.string(), AuditOptions{});
  REQUIRE(report.error.empty());
  return report;
}

std::map<std::string, std::string> verdicts(const DeviceReport& report) {
  std::map<std::string, std::string> out;
  for (const auto& finding : report.findings)
    out[finding.control] = std::string(to_string(finding.verdict));
  return out;
}

// Audits every form and compares each with the first one, control by control.
void check_same_verdicts(const std::string& platform, const std::vector<std::string>& forms) {
  const fs::path folder = netaudit::test::fixture_dir() / "policy" / platform;
  const DeviceReport reference = audit(folder / forms.front());
  CHECK(reference.platform == platform);
  const auto expected = verdicts(reference);
  REQUIRE(expected.size() == shipped_policy().controls().size());
  for (std::size_t i = 1; i < forms.size(); ++i) {
    const DeviceReport other = audit(folder / forms[i]);
    INFO(forms[i] << " against " << forms.front());
    CHECK(other.platform == platform);
    const auto actual = verdicts(other);
    for (const auto& [control, verdict] : expected) {
      INFO("control " << control);
      const auto found = actual.find(control);
      REQUIRE(found != actual.end());
      CHECK(found->second == verdict);
    }
  }
}

}  // namespace

TEST_CASE("Junos brace set and XML forms give identical verdicts") {
  check_same_verdicts("juniper_junos", {"hardened.conf", "hardened.set", "hardened.xml"});
  check_same_verdicts("juniper_junos", {"weak-mgmt.conf", "weak-mgmt.set", "weak-mgmt.xml"});
  check_same_verdicts("juniper_junos", {"weak-secrets.conf", "weak-secrets.set"});
  check_same_verdicts("juniper_junos", {"no-ntp.conf", "no-ntp.set"});
  check_same_verdicts("juniper_junos", {"hardened-further.conf", "hardened-further.set"});
  check_same_verdicts("juniper_junos", {"weak-further.conf", "weak-further.set"});
}

TEST_CASE("VyOS config.boot and set-command forms give identical verdicts") {
  check_same_verdicts("vyos", {"hardened.boot", "hardened.set"});
  check_same_verdicts("vyos", {"weak-services.boot", "weak-services.set"});
  check_same_verdicts("vyos", {"minimal.boot", "minimal.set"});
  check_same_verdicts("vyos", {"hardened-further.boot", "hardened-further.set"});
  check_same_verdicts("vyos", {"weak-further.boot", "weak-further.set"});
}

TEST_CASE("PAN-OS XML and set-command forms give identical verdicts") {
  check_same_verdicts("paloalto_panos", {"hardened.xml", "hardened.set"});
  check_same_verdicts("paloalto_panos", {"weak.xml", "weak.set"});
}

TEST_CASE("the Junos forms really differ in syntax so the equality is not trivial") {
  const fs::path junos = netaudit::test::fixture_dir() / "policy" / "juniper_junos";
  const DeviceReport brace = audit(junos / "weak-mgmt.conf");
  const DeviceReport set = audit(junos / "weak-mgmt.set");
  const DeviceReport xml = audit(junos / "weak-mgmt.xml");
  // The same telnet statement sits on a different line in each form.
  auto telnet_line = [](const DeviceReport& report) {
    for (const auto& finding : report.findings)
      if (finding.control == "MGMT-TELNET-DISABLED" && !finding.evidence.empty())
        return finding.evidence.front().line;
    return std::uint32_t{0};
  };
  CHECK(telnet_line(brace) == 32);
  CHECK(telnet_line(set) == 15);
  CHECK(telnet_line(xml) == 37);
}
