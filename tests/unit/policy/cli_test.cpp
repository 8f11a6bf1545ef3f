// The audit, facts and policy subcommands as a user runs them: exit codes, formats, and the
// worked example of docs/policy.md, read from that file and run as written.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "policy_test_util.hpp"

using netaudit::test::netaudit_binary;
using netaudit::test::run_command;
using netaudit::test::TempDir;

namespace {

std::string quote(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

std::string bin() {
  return quote(netaudit_binary());
}

std::filesystem::path ios_fixture(const char* name) {
  return netaudit::test::fixture_dir() / "policy" / "cisco_ios" / name;
}

}  // namespace

TEST_CASE("cli audit: exit codes 0, 1 and 2") {
  auto r = run_command(bin() + " audit --color never " + quote(ios_fixture("hardened.cfg")));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("core-rtr-01 (cisco_ios)") != std::string::npos);
  CHECK(r.output.find("0 fail") != std::string::npos);

  r = run_command(bin() + " audit --color never " + quote(ios_fixture("weak-mgmt.cfg")));
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("FAIL     critical SNMP-NO-DEFAULT-COMMUNITY") != std::string::npos);

  // weak-secrets.cfg fails high controls but nothing critical
  r = run_command(bin() + " audit --fail-on critical " + quote(ios_fixture("weak-secrets.cfg")));
  CHECK(r.exit_code == 0);
  r = run_command(bin() + " audit --fail-on high " + quote(ios_fixture("weak-secrets.cfg")));
  CHECK(r.exit_code == 1);

  TempDir dir;
  r = run_command(bin() + " audit " + quote(dir.path() / "nope.cfg") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("nope.cfg") != std::string::npos);
  r = run_command(bin() + " audit --format yaml " + quote(ios_fixture("hardened.cfg")) + " 2>&1");
  CHECK(r.exit_code == 2);
  r = run_command(bin() + " audit --platform no_such_os " + quote(ios_fixture("hardened.cfg")) +
                  " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unknown platform 'no_such_os'") != std::string::npos);
  const auto broken =
      dir.write("broken.yaml",
                "controls:\n  - id: X\n    title: t\n    assert: {fact: nope, exists: true}\n");
  r = run_command(bin() + " audit --policy " + quote(broken) + " " +
                  quote(ios_fixture("hardened.cfg")) + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("broken.yaml:2: [X] missing 'severity'") != std::string::npos);
  CHECK(r.output.find("broken.yaml:4: [X] unknown fact 'nope'") != std::string::npos);
  const auto waivers = dir.write("w.yaml", "waivers:\n  - device: x\n");
  r = run_command(bin() + " audit --waivers " + quote(waivers) + " " +
                  quote(ios_fixture("hardened.cfg")) + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("w.yaml:2: waiver is missing 'control'") != std::string::npos);
}

TEST_CASE("cli audit: a directory, JSON to a file, waivers from a file") {
  TempDir dir;
  const auto out = dir.path() / "report.json";
  const auto waivers = dir.write("waivers.yaml", R"(waivers:
  - device: access-sw-07
    control: MGMT-TELNET-DISABLED
    reason: console server migration
    owner: netops
    ticket: CHG-77
    expires: 2099-12-31
)");
  const auto configs = dir.path() / "configs";
  std::filesystem::create_directories(configs / "sub");
  for (const char* name : {"hardened.cfg", "weak-mgmt.cfg", "weak-secrets.cfg"})
    std::filesystem::copy_file(ios_fixture(name), configs / name);
  std::filesystem::copy_file(ios_fixture("release-defaults.cfg"),
                             configs / "sub" / "release-defaults.cfg");
  const auto r = run_command(bin() + " audit --format json --waivers " + quote(waivers) +
                             " --output " + quote(out) + " " + quote(configs));
  CHECK(r.exit_code == 1);
  CHECK(r.output.empty());
  const auto json = nlohmann::json::parse(netaudit::test::read_file(out));
  REQUIRE(json["results"].size() == 4);
  bool waived = false;
  for (const auto& device : json["results"]) {
    CHECK(device["platform"] == "cisco_ios");
    for (const auto& f : device["findings"])
      if (device["device"] == "access-sw-07" && f["control"] == "MGMT-TELNET-DISABLED")
        waived = f["verdict"] == "waived";
  }
  CHECK(waived);
}

TEST_CASE("cli policy list and check") {
  auto r = run_command(bin() + " policy list --format json");
  REQUIRE(r.exit_code == 0);
  const auto list = nlohmann::json::parse(r.output);
  REQUIRE(list.is_array());
  CHECK(list.size() >= 40);
  std::set<std::string> ids;
  for (const auto& c : list) {
    ids.insert(c["id"].get<std::string>());
    CHECK(c["title"].is_string());
    CHECK(c["severity"].is_string());
    CHECK(c["references"].contains("cis"));
    CHECK(c["references"].contains("stig"));
    CHECK(c["references"].contains("nist"));
    CHECK(c["platforms"].is_array());
  }
  CHECK(ids.size() == list.size());
  for (const char* core :
       {"MGMT-TELNET-DISABLED", "MGMT-SSH-V2-ONLY", "MGMT-HTTP-DISABLED",
        "SNMP-NO-DEFAULT-COMMUNITY", "SNMP-NO-RW-COMMUNITY", "PWD-NO-CLEARTEXT", "AAA-CENTRAL",
        "LOG-REMOTE", "NTP-CONFIGURED", "NTP-AUTHENTICATED", "BANNER-LOGIN", "MGMT-IDLE-TIMEOUT",
        "MGMT-ACCESS-ACL", "SVC-SOURCE-ROUTE-DISABLED", "KEY-NO-CLEARTEXT"})
    CHECK(ids.count(core) == 1);

  r = run_command(bin() + " policy check " + quote(netaudit::test::shipped_policy_dir()));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.rfind("ok: ", 0) == 0);

  TempDir dir;
  const auto bad = dir.write("bad.yaml",
                             "controls:\n  - id: DUP-1\n    title: a\n    severity: low\n"
                             "    assert: {fact: ntp.servers, count: {ge: 1}}\n"
                             "  - id: DUP-1\n    title: b\n    severity: low\n"
                             "    assert: {fact: ntp.servers, count: {ge: 1}}\n");
  r = run_command(bin() + " policy check " + quote(bad));
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("bad.yaml:6: [DUP-1] duplicate id 'DUP-1'") != std::string::npos);
}

TEST_CASE("cli facts: values with their lines, defaults named, secrets masked") {
  auto r = run_command(bin() + " facts --format json " + quote(ios_fixture("weak-mgmt.cfg")));
  REQUIRE(r.exit_code == 0);
  const auto json = nlohmann::json::parse(r.output);
  CHECK(json["platform"] == "cisco_ios");
  const auto& facts = json["facts"];
  CHECK(facts["ssh.v1_accepted"]["value"] == true);
  CHECK(facts["ssh.v1_accepted"]["line"] == 13);
  CHECK(facts["ip.source_route"]["default"] == true);
  CHECK(facts["ip.source_route"]["line"].is_null());
  const auto& communities = facts["snmp.communities"]["items"];
  REQUIRE(communities.size() == 2);
  CHECK(communities[0]["fields"]["name"]["value"] == "public");
  CHECK(communities[1]["fields"]["name"]["value"] == "<redacted>");
  CHECK(communities[1]["fields"]["access"]["value"] == "rw");
  CHECK(r.output.find("n3tw0rk-rw") == std::string::npos);

  r = run_command(bin() + " facts " + quote(ios_fixture("weak-mgmt.cfg")));
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("ssh.v1_accepted = true    [line 13: ip ssh version 1]") !=
        std::string::npos);
  CHECK(r.output.find("Cisco123") == std::string::npos);
}

TEST_CASE("docs/policy.md worked example runs exactly as written") {
  const std::string doc =
      netaudit::test::read_file(netaudit::test::source_dir() / "docs" / "policy.md");
  TempDir dir;
  std::vector<std::string> commands;
  std::string expected_output;
  std::size_t files = 0;
  std::istringstream in(doc);
  std::string line;
  std::string pending_file;
  bool pending_output = false;
  while (std::getline(in, line)) {
    const std::string file_marker = "<!-- worked-example: ";
    const std::string command_marker = "<!-- worked-example-command: ";
    if (line.rfind(file_marker, 0) == 0) {
      pending_file = line.substr(file_marker.size(), line.size() - file_marker.size() - 4);
      continue;
    }
    if (line.rfind(command_marker, 0) == 0) {
      commands.push_back(
          line.substr(command_marker.size(), line.size() - command_marker.size() - 4));
      continue;
    }
    if (line == "<!-- worked-example-output -->") {
      pending_output = true;
      continue;
    }
    if ((!pending_file.empty() || pending_output) && line.rfind("```", 0) == 0) {
      std::string body;
      while (std::getline(in, line) && line.rfind("```", 0) != 0)
        body += line + "\n";
      if (pending_output) {
        expected_output = body;
        pending_output = false;
      } else {
        dir.write(pending_file, body);
        ++files;
        pending_file.clear();
      }
    }
  }
  REQUIRE(files == 4);
  REQUIRE(commands.size() == 2);
  REQUIRE_FALSE(expected_output.empty());
  const std::string cd = "cd " + quote(dir.path()) + " && ";
  auto r = run_command(cd + bin() + " " + commands[0] + " 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  r = run_command(cd + bin() + " " + commands[1] + " 2>&1");
  CHECK(r.exit_code == 1);
  CHECK(r.output == expected_output);

  // The two variations the text promises.
  std::string config = netaudit::test::read_file(dir.path() / "edge-sw-01.cfg");
  dir.write("fixed.cfg", config + "ntp enable\n");
  r = run_command(cd + bin() +
                  " audit --format json --policy my-facts.yaml --policy aruba_aoscx.yaml "
                  "--policy my-controls.yaml fixed.cfg");
  CHECK(r.exit_code == 0);
  auto json = nlohmann::json::parse(r.output);
  const auto& finding = json["results"][0]["findings"][0];
  CHECK(finding["verdict"] == "pass");
  CHECK(finding["evidence"][0]["line"] == 7);
  dir.write("no-ntp.cfg",
            "hostname edge-sw-02\nuser admin group administrators password ciphertext AQBa==\n"
            "logging 10.0.0.100\n");
  r = run_command(cd + bin() +
                  " audit --format json --policy my-facts.yaml --policy aruba_aoscx.yaml "
                  "--policy my-controls.yaml no-ntp.cfg");
  json = nlohmann::json::parse(r.output);
  CHECK(json["results"][0]["findings"][0]["verdict"] == "not_applicable");
}
