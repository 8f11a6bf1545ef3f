// Report formats: JSON keys, CSV quoting, JUnit well-formed (pugixml), SARIF 2.1.0 fields.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "netaudit/policies/report.hpp"
#include "policy_test_util.hpp"

using namespace netaudit::policy;

namespace {

std::vector<DeviceReport> sample_reports() {
  const auto dir = netaudit::test::fixture_dir() / "policy" / "cisco_ios";
  std::vector<DeviceReport> reports;
  for (const char* name : {"hardened.cfg", "weak-mgmt.cfg"})
    reports.push_back(audit_file(netaudit::test::shipped_policy(), (dir / name).string(), {}));
  DeviceReport broken;
  broken.file = "missing.cfg";
  broken.device = "missing";
  broken.platform = "unknown";
  broken.error = "missing.cfg: no such file";
  reports.push_back(broken);
  return reports;
}

}  // namespace

TEST_CASE("formats: JSON has exactly the documented keys") {
  const auto reports = sample_reports();
  const auto json = nlohmann::json::parse(render_json(reports));
  REQUIRE(json.size() == 2);
  REQUIRE(json.contains("results"));
  CHECK(json["warnings"] == nlohmann::json::array());  // about the run: none here
  REQUIRE(json["results"].size() == 3);
  const auto& device = json["results"][1];
  CHECK(device["file"].get<std::string>().find("weak-mgmt.cfg") != std::string::npos);
  CHECK(device["device"] == "access-sw-07");
  CHECK(device["platform"] == "cisco_ios");
  CHECK(device.size() == 4);
  bool saw_telnet = false;
  for (const auto& f : device["findings"]) {
    std::set<std::string> keys;
    for (const auto& [k, v] : f.items())
      keys.insert(k);
    CHECK(keys == std::set<std::string>{"control", "title", "severity", "verdict", "message",
                                        "evidence", "remediation"});
    for (const auto& e : f["evidence"]) {
      CHECK(e.size() == 2);
      CHECK((e["line"].is_null() || e["line"].is_number_unsigned()));
      CHECK(e["text"].is_string());
    }
    if (f["control"] == "MGMT-TELNET-DISABLED") {
      saw_telnet = true;
      CHECK(f["verdict"] == "fail");
      CHECK(f["severity"] == "high");
      REQUIRE(f["evidence"].size() == 2);
      CHECK(f["evidence"][0]["line"] == 25);
      CHECK(f["evidence"][0]["text"] == "line vty 0 4");
      CHECK(f["evidence"][1]["line"] == 28);
      CHECK(f["remediation"].get<std::string>().find("transport input ssh") != std::string::npos);
    }
  }
  CHECK(saw_telnet);
  CHECK(json["results"][2]["error"] == "missing.cfg: no such file");
  CHECK(json["results"][2]["findings"].empty());
}

TEST_CASE("formats: CSV has a header, one row per finding and RFC 4180 quoting") {
  const auto reports = sample_reports();
  const std::string csv = render_csv(reports);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line ==
        "file,device,platform,control,title,severity,verdict,message,evidence_lines,remediation");
  std::size_t rows = 0;
  bool quoted_multiline = false;
  while (std::getline(in, line)) {
    ++rows;
    if (line.find("MGMT-TELNET-DISABLED") != std::string::npos &&
        line.find("access-sw-07") != std::string::npos) {
      CHECK(line.find(",fail,") != std::string::npos);
      CHECK(line.find(",25;28,") != std::string::npos);
      // remediation spans two lines, so it is quoted
      CHECK(line.find("\"line vty 0 15") != std::string::npos);
      quoted_multiline = true;
    }
  }
  CHECK(quoted_multiline);
  CHECK(rows > reports[0].findings.size() + reports[1].findings.size());
}

TEST_CASE("formats: JUnit XML is well formed, one testcase per device and control") {
  const auto reports = sample_reports();
  const std::string xml = render_junit(reports);
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  INFO(parsed.description());
  REQUIRE(parsed);
  const pugi::xml_node suites = doc.child("testsuites");
  REQUIRE(suites);
  std::size_t suites_count = 0, cases = 0, failures = 0;
  for (const pugi::xml_node suite : suites.children("testsuite")) {
    ++suites_count;
    std::size_t suite_cases = 0;
    for (const pugi::xml_node tc : suite.children("testcase")) {
      ++suite_cases;
      if (tc.child("failure")) ++failures;
    }
    CHECK(suite.attribute("tests").as_ullong() == suite_cases);
    cases += suite_cases;
  }
  CHECK(suites_count == 3);
  CHECK(cases == reports[0].findings.size() + reports[1].findings.size() + 1);
  CHECK(suites.attribute("tests").as_ullong() == cases);
  CHECK(suites.attribute("failures").as_ullong() == failures);
  VerdictCounts counts;
  for (const auto& f : reports[1].findings)
    counts.add(f.verdict);
  CHECK(failures == counts.fail);
  const auto telnet = suites.find_node([](const pugi::xml_node& n) {
    return std::string(n.name()) == "testcase" &&
           std::string(n.attribute("name").as_string()).rfind("MGMT-TELNET-DISABLED", 0) == 0 &&
           std::string(n.attribute("classname").as_string()) == "netaudit.access-sw-07";
  });
  REQUIRE(telnet);
  CHECK(std::string(telnet.child("failure").attribute("type").as_string()) == "high");
  CHECK(telnet.attribute("line").as_uint() == 25);
}

TEST_CASE("formats: SARIF 2.1.0 with rules and file/line locations") {
  auto reports = sample_reports();
  const auto controls = netaudit::test::shipped_policy().controls();
  const auto sarif = nlohmann::json::parse(render_sarif(reports, controls, {}));
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["$schema"].get<std::string>().find("sarif-2.1.0") != std::string::npos);
  REQUIRE(sarif["runs"].size() == 1);
  const auto& run = sarif["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "netaudit");
  const auto& rules = run["tool"]["driver"]["rules"];
  CHECK(rules.size() == controls.size());
  std::set<std::string> names;
  for (const auto& rule : rules) {
    CHECK(rule["id"].is_string());
    // SARIF1001: a readable name that is not the id; PascalCase from the title.
    const std::string name = rule["name"];
    INFO(rule["id"] << " " << name);
    CHECK(name != rule["id"]);
    REQUIRE(!name.empty());
    CHECK(std::isupper(static_cast<unsigned char>(name[0])));
    CHECK(std::all_of(name.begin(), name.end(),
                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));
    names.insert(name);
    CHECK(rule["shortDescription"]["text"].is_string());
    CHECK(rule["defaultConfiguration"]["level"].is_string());
  }
  CHECK(names.size() == rules.size());
  bool found = false;
  std::size_t on_defaults = 0;
  for (const auto& result : run["results"]) {
    const std::size_t index = result["ruleIndex"];
    CHECK(rules[index]["id"] == result["ruleId"]);
    CHECK(result["message"]["text"].is_string());
    REQUIRE(result["locations"].size() == 1);
    const auto& physical = result["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"].is_string());
    if (!physical.contains("region")) {
      // SARIF2017: a finding that rests on a platform default still points at its file.
      ++on_defaults;
      CHECK(physical["artifactLocation"]["uri"].get<std::string>().ends_with(".cfg"));
    }
    if (result["ruleId"] == "MGMT-TELNET-DISABLED") {
      found = true;
      CHECK(result["level"] == "error");
      CHECK(result["kind"] == "fail");
      CHECK(physical["artifactLocation"]["uri"].get<std::string>().find("weak-mgmt.cfg") !=
            std::string::npos);
      CHECK(physical["region"]["startLine"] == 25);
      CHECK(result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 28);
    }
  }
  CHECK(found);
  CHECK(on_defaults > 0);
  CHECK(run["invocations"][0]["toolExecutionNotifications"].size() == 1);
  // missing.cfg was not audited: the run did not do all it was asked.
  CHECK(run["invocations"][0]["executionSuccessful"] == false);
  reports.pop_back();
  const auto clean = nlohmann::json::parse(render_sarif(reports, controls, {}));
  CHECK(clean["runs"][0]["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("formats: table puts failures first and ends each device with a summary") {
  const auto reports = sample_reports();
  const std::string table = render_table(reports, {});
  CHECK(table.find("\033[") == std::string::npos);
  const auto device = table.find("access-sw-07 (cisco_ios)");
  REQUIRE(device != std::string::npos);
  CHECK(table.find("33 fail", device) != std::string::npos);
  const auto first_fail = table.find("FAIL", device);
  const auto first_unknown = table.find("UNKNOWN", device);
  CHECK(first_fail < first_unknown);
  CHECK(table.find("NOT AUDITED missing.cfg: no such file") != std::string::npos);
  CHECK(table.find("1 input(s) not audited\n2 device(s):") != std::string::npos);
  RenderOptions colour;
  colour.colour = true;
  CHECK(render_table(reports, colour).find("\033[31m") != std::string::npos);
}
