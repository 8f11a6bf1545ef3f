// Waivers: applied, expired (reported, not applied), by glob and by label; parse errors.
#include "netaudit/policies/waivers.hpp"

#include <catch2/catch.hpp>

#include "policy_test_util.hpp"

using namespace netaudit::policy;

namespace {

DeviceReport audit_weak(const WaiverSet& waivers, const std::string& today, Labels labels = {}) {
  AuditOptions options;
  options.waivers = &waivers;
  options.today = today;
  options.labels = std::move(labels);
  return audit_file(
      netaudit::test::shipped_policy(),
      (netaudit::test::fixture_dir() / "policy" / "cisco_ios" / "weak-mgmt.cfg").string(), options);
}

}  // namespace

TEST_CASE("waivers: glob matching") {
  CHECK(glob_match("*", "anything"));
  CHECK(glob_match("access-sw-*", "access-sw-07"));
  CHECK(glob_match("SNMP-*", "SNMP-NO-RW-COMMUNITY"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("access-sw-*", "core-rtr-01"));
  CHECK_FALSE(glob_match("SNMP-*", "MGMT-SNMP"));
}

TEST_CASE("waivers: an active waiver turns a failure into waived, with its reason") {
  std::vector<std::string> errors;
  const WaiverSet waivers = WaiverSet::parse(R"(waivers:
  - device: access-sw-*
    control: SNMP-NO-RW-COMMUNITY
    reason: legacy NMS needs write access until migration
    owner: netops
    ticket: CHG-1234
    expires: 2027-03-31
)",
                                             "waivers.yaml", errors);
  REQUIRE(errors.empty());
  const DeviceReport r = audit_weak(waivers, "2026-11-25");
  const Finding* f = netaudit::test::find_finding(r, "SNMP-NO-RW-COMMUNITY");
  REQUIRE(f);
  CHECK(f->verdict == Verdict::waived);
  CHECK(f->message.find("legacy NMS needs write access") != std::string::npos);
  CHECK(f->message.find("CHG-1234") != std::string::npos);
  CHECK(f->message.find("was fail") != std::string::npos);
  // other controls are untouched
  CHECK(netaudit::test::find_finding(r, "MGMT-TELNET-DISABLED")->verdict == Verdict::fail);
  // the last day still counts
  CHECK(netaudit::test::find_finding(audit_weak(waivers, "2027-03-31"), "SNMP-NO-RW-COMMUNITY")
            ->verdict == Verdict::waived);
}

TEST_CASE("waivers: an expired waiver does not apply and is reported") {
  std::vector<std::string> errors;
  const WaiverSet waivers = WaiverSet::parse(R"(waivers:
  - device: access-sw-07
    control: SNMP-*
    reason: temporary
    owner: alice
    ticket: INC-9
    expires: 2026-01-31
)",
                                             "waivers.yaml", errors);
  REQUIRE(errors.empty());
  const DeviceReport r = audit_weak(waivers, "2026-02-01");
  const Finding* f = netaudit::test::find_finding(r, "SNMP-NO-RW-COMMUNITY");
  CHECK(f->verdict == Verdict::fail);
  CHECK(f->message.find("waiver INC-9 expired on 2026-01-31") != std::string::npos);
  bool warned = false;
  for (const auto& w : r.warnings)
    warned |= w.find("INC-9") != std::string::npos && w.find("expired") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("waivers: label selectors") {
  std::vector<std::string> errors;
  const WaiverSet waivers = WaiverSet::parse(R"(waivers:
  - labels: {site: lab-*}
    control: BANNER-LOGIN
    reason: lab devices need no banner
    owner: lab-team
    ticket: LAB-1
    expires: 2030-12-31
)",
                                             "waivers.yaml", errors);
  REQUIRE(errors.empty());
  CHECK(netaudit::test::find_finding(audit_weak(waivers, "2026-11-25", {{"site", "lab-3"}}),
                                     "BANNER-LOGIN")
            ->verdict == Verdict::waived);
  CHECK(netaudit::test::find_finding(audit_weak(waivers, "2026-11-25", {{"site", "prod-1"}}),
                                     "BANNER-LOGIN")
            ->verdict == Verdict::fail);
  CHECK(netaudit::test::find_finding(audit_weak(waivers, "2026-11-25"), "BANNER-LOGIN")->verdict ==
        Verdict::fail);
}

TEST_CASE("waivers: a pass is never turned into waived") {
  std::vector<std::string> errors;
  const WaiverSet waivers = WaiverSet::parse(
      "waivers:\n  - {device: '*', control: '*', reason: r, owner: o, ticket: t, expires: "
      "2030-01-01}\n",
      "w.yaml", errors);
  REQUIRE(errors.empty());
  const DeviceReport r = audit_weak(waivers, "2026-11-25");
  CHECK(netaudit::test::find_finding(r, "MGMT-SSH-V2-ONLY")->verdict == Verdict::waived);
  CHECK(netaudit::test::find_finding(r, "KEY-NO-CLEARTEXT")->verdict == Verdict::pass);
}

TEST_CASE("waivers: broken files name the line and the problem") {
  std::vector<std::string> errors;
  WaiverSet::parse(R"(waivers:
  - device: r1
    control: BANNER-LOGIN
    owner: o
    ticket: t
    expires: 31/12/2026
  - control: X
    reason: r
    owner: o
    ticket: t
    expires: 2026-12-31
    colour: red
)",
                   "w.yaml", errors);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0] == "w.yaml:2: waiver is missing 'reason'");
  CHECK(errors[1] == "w.yaml:6: 'expires' must be a real date YYYY-MM-DD, got '31/12/2026'");
  CHECK(errors[2] ==
        "w.yaml:12: unknown key 'colour' in waiver (device, labels, control, reason, owner, "
        "ticket, expires)");
  CHECK(errors[3] == "w.yaml:7: a waiver needs 'device' (name or glob) or 'labels'");
  errors.clear();
  WaiverSet::parse("not: [a list\n", "w.yaml", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("YAML syntax error") != std::string::npos);
}

TEST_CASE("waivers: impossible calendar dates are refused with file and line") {
  auto parse_expiry = [](const std::string& date) {
    std::vector<std::string> errors;
    WaiverSet::parse(
        "waivers:\n  - device: r1\n    control: BANNER-LOGIN\n    reason: r\n"
        "    owner: o\n    ticket: t\n    expires: " +
            date + "\n",
        "w.yaml", errors);
    return errors;
  };
  for (const char* bad : {"2027-02-30", "2026-02-29", "2100-02-29", "2027-04-31", "2027-06-31",
                          "2027-13-01", "2027-00-10", "2027-01-00", "2027-01-32"}) {
    INFO(bad);
    const auto errors = parse_expiry(bad);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] ==
          std::string("w.yaml:7: 'expires' must be a real date YYYY-MM-DD, got '") + bad + "'");
  }
  for (const char* good : {"2028-02-29", "2000-02-29", "2027-02-28", "2027-12-31", "2027-04-30"}) {
    INFO(good);
    CHECK(parse_expiry(good).empty());
  }
}

TEST_CASE("waivers: a waiver that matches no control or no audited device is named") {
  std::vector<std::string> errors;
  const WaiverSet waivers = WaiverSet::parse(R"(waivers:
  - device: access-sw-07
    control: MGMT-TELNET-DISABLED
    reason: r
    owner: o
    ticket: OK-1
    expires: 2099-12-31
  - device: access-sw-07
    control: MGMT-TELNET-DISABLD
    reason: misspelt control
    owner: o
    ticket: T-2
    expires: 2099-12-31
  - device: no-such-switch
    control: SNMP-*
    reason: misspelt device
    owner: o
    ticket: T-3
    expires: 2099-12-31
  - labels: {role: edge}
    control: NTP-*
    reason: no device has the label
    owner: o
    ticket: T-4
    expires: 2099-12-31
)",
                                             "w.yaml", errors);
  REQUIRE(errors.empty());
  const DeviceReport r = audit_weak(waivers, "2026-11-25");
  REQUIRE(r.error.empty());
  const auto controls = netaudit::test::shipped_policy().controls();
  const auto unmatched = waivers.unmatched({r}, controls, {});
  REQUIRE(unmatched.size() == 3);
  CHECK(unmatched[0] ==
        "w.yaml:8: waiver (ticket T-2) names control 'MGMT-TELNET-DISABLD', which matches no "
        "control of the policy; it waives nothing");
  CHECK(unmatched[1] ==
        "w.yaml:14: waiver (ticket T-3) for 'no-such-switch' matches no audited device");
  CHECK(unmatched[2] ==
        "w.yaml:20: waiver (ticket T-4) for the labels given matches no audited "
        "device");
  // With the label on the audit, the label waiver selects the device and is not reported.
  CHECK(waivers.unmatched({r}, controls, {{"role", "edge"}}).size() == 2);
  // A report that was not audited (an error) selects nothing.
  DeviceReport unread = r;
  unread.error = "x: unreadable";
  CHECK(waivers.unmatched({unread}, controls, {{"role", "edge"}}).size() == 5);
}
