// The exit paths of `audit`, `facts`, `policy list` and the top-level flags that no other test
// takes: labels, jobs, colour, an unwritable output, bad policy and platform arguments, where
// the policy directory comes from. Every expectation follows from the documented behaviour
// (README, docs/policy.md) and the fixture configs, not from a run of the binary.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "child_check.hpp"
#include "policy_test_util.hpp"

namespace fs = std::filesystem;
using netaudit::test::CommandResult;
using netaudit::test::run_command;
using netaudit::test::TempDir;

namespace {

std::string quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

std::string bin() {
  return quote(netaudit::test::netaudit_binary());
}

fs::path ios_fixture(const char* name) {
  return netaudit::test::fixture_dir() / "policy" / "cisco_ios" / name;
}

// The verdict of `control` for the one device of an `audit --format json` report.
std::string verdict_of(const std::string& json_text, const std::string& control) {
  const auto json = nlohmann::json::parse(json_text);
  REQUIRE(json["results"].size() == 1);
  for (const auto& finding : json["results"][0]["findings"])
    if (finding["control"] == control) return finding["verdict"].get<std::string>();
  return "(no finding for " + control + ")";
}

bool has_ansi_escape(const std::string& text) {
  return text.find("\x1b[") != std::string::npos;
}

}  // namespace

TEST_CASE("cli audit: --label gives every device labels that waivers select by") {
  TempDir dir;
  // weak-mgmt.cfg has `transport input telnet ssh` on vty 0 4: MGMT-TELNET-DISABLED fails.
  const auto waivers = dir.write("waivers.yaml", R"(waivers:
  - labels: {site: lab-*}
    control: MGMT-TELNET-DISABLED
    reason: lab switches keep telnet until the console servers arrive
    owner: lab-team
    ticket: LAB-9
    expires: 2099-12-31
)");
  const std::string audit = bin() + " audit --format json --waivers " + quote(waivers) + " ";
  const std::string file = " " + quote(ios_fixture("weak-mgmt.cfg"));

  const CommandResult unlabelled = run_command(audit + file);
  CHECK_EXIT(unlabelled, 1);
  CHECK(verdict_of(unlabelled.output, "MGMT-TELNET-DISABLED") == "fail");

  const CommandResult labelled = run_command(audit + "--label site=lab-3 --label role=edge" + file);
  CHECK_EXIT(labelled, 1);  // other controls still fail
  CHECK(verdict_of(labelled.output, "MGMT-TELNET-DISABLED") == "waived");

  const CommandResult other_site = run_command(audit + "--label site=prod-1" + file);
  CHECK_EXIT(other_site, 1);
  CHECK(verdict_of(other_site.output, "MGMT-TELNET-DISABLED") == "fail");

  for (const char* bad : {"site", "=lab-3"}) {
    INFO("--label " << bad);
    const CommandResult refused =
        run_command(bin() + " audit --label " + quote(bad) + file + " 2>&1");
    CHECK_EXIT(refused, 2);
    CHECK_THAT(refused.output,
               Catch::Contains(std::string("--label needs KEY=VALUE, got '") + bad + "'"));
  }
}

TEST_CASE("cli audit: --jobs gives the same report, in input order, for any number of jobs") {
  TempDir dir;
  const auto configs = dir.path() / "configs";
  fs::create_directories(configs);
  for (const char* name :
       {"hardened.cfg", "weak-mgmt.cfg", "weak-secrets.cfg", "release-defaults.cfg"})
    fs::copy_file(ios_fixture(name), configs / name);
  const std::string audit = bin() + " audit --format json " + quote(configs);
  const CommandResult one = run_command(audit + " --jobs 1");
  CHECK_EXIT(one, 1);
  const auto report = nlohmann::json::parse(one.output);
  REQUIRE(report["results"].size() == 4);
  for (const char* jobs : {"2", "4", "16"}) {
    INFO("--jobs " << jobs);
    const CommandResult many = run_command(audit + " --jobs " + jobs);
    CHECK_EXIT(many, 1);
    CHECK(many.output == one.output);
  }
  const CommandResult not_a_number = run_command(audit + " --jobs many 2>&1");
  CHECK_EXIT(not_a_number, 2);
  CHECK_THAT(not_a_number.output, Catch::Contains("--jobs"));
}

TEST_CASE("cli audit: --color always colours the table even into a pipe, never and auto do not") {
  const std::string audit = bin() + " audit " + quote(ios_fixture("weak-mgmt.cfg"));
  const CommandResult always = run_command(audit + " --color always");
  CHECK_EXIT(always, 1);
  CHECK(has_ansi_escape(always.output));
  for (const char* plain : {"never", "auto"}) {  // auto: stdout is a pipe here
    INFO("--color " << plain);
    const CommandResult result = run_command(audit + " --color " + plain);
    CHECK_EXIT(result, 1);
    CHECK_FALSE(has_ansi_escape(result.output));
    CHECK_THAT(result.output, Catch::Contains("MGMT-TELNET-DISABLED"));
  }
  const CommandResult bad = run_command(audit + " --color sometimes 2>&1");
  CHECK_EXIT(bad, 2);
  CHECK_THAT(bad.output, Catch::Contains("--color"));
}

TEST_CASE("cli audit: an unwritable --output is exit 2 naming the file") {
  TempDir dir;
  const auto target = dir.path() / "no-such-folder" / "report.json";
  const CommandResult result =
      run_command(bin() + " audit --format json --output " + quote(target) + " " +
                  quote(ios_fixture("hardened.cfg")) + " 2>&1");
  CHECK_EXIT(result, 2);
  CHECK_THAT(result.output, Catch::Contains("cannot write " + target.string()));
  CHECK_FALSE(fs::exists(target));
}

TEST_CASE("cli facts: a missing file, a broken --policy and an unknown --platform are exit 2") {
  TempDir dir;
  const auto missing = dir.path() / "nope.cfg";
  const CommandResult no_file = run_command(bin() + " facts " + quote(missing) + " 2>&1");
  CHECK_EXIT(no_file, 2);
  CHECK_THAT(no_file.output, Catch::Contains(missing.string()));

  const auto broken = dir.write("broken.yaml", "controls:\n  - id: X-1\n    title: [unclosed\n");
  const CommandResult bad_policy = run_command(bin() + " facts --policy " + quote(broken) + " " +
                                               quote(ios_fixture("hardened.cfg")) + " 2>&1");
  CHECK_EXIT(bad_policy, 2);
  CHECK_THAT(bad_policy.output, Catch::Contains("broken.yaml"));

  const CommandResult bad_platform = run_command(bin() + " facts --platform no_such_os " +
                                                 quote(ios_fixture("hardened.cfg")) + " 2>&1");
  CHECK_EXIT(bad_platform, 2);
  CHECK_THAT(bad_platform.output, Catch::Contains("no_such_os"));
}

TEST_CASE("cli policy list: the text format lists every control, a broken --policy is exit 2") {
  const CommandResult json = run_command(bin() + " policy list --format json");
  REQUIRE_EXIT(json, 0);
  const auto controls = nlohmann::json::parse(json.output);
  REQUIRE(controls.size() >= 40);

  const CommandResult text = run_command(bin() + " policy list");
  CHECK_EXIT(text, 0);
  // Two lines per control (id, severity, title; then its platforms) and a count.
  for (const auto& control : controls) {
    const std::string line = control["id"].get<std::string>();
    INFO(line);
    CHECK_THAT(text.output, Catch::Contains("\n" + line + " ") || Catch::StartsWith(line + " "));
    CHECK_THAT(text.output, Catch::Contains(control["title"].get<std::string>()));
  }
  CHECK_THAT(text.output,
             Catch::EndsWith("\n" + std::to_string(controls.size()) + " control(s)\n"));
  CHECK_THAT(text.output, Catch::Contains("platforms: "));

  TempDir dir;
  const auto broken = dir.write("broken.yaml", "controls: {this is: [not, a list\n");
  const CommandResult bad = run_command(bin() + " policy list --policy " + quote(broken) + " 2>&1");
  CHECK_EXIT(bad, 2);
  CHECK_THAT(bad.output, Catch::Contains("netaudit policy list: "));
  CHECK_THAT(bad.output, Catch::Contains("broken.yaml"));
}

TEST_CASE("cli: --version and --help exit 0, no subcommand is a usage error") {
  const CommandResult version = run_command(bin() + " --version");
  CHECK_EXIT(version, 0);
  CHECK(version.output == "netaudit 0.1.0\n");

  const CommandResult help = run_command(bin() + " --help");
  CHECK_EXIT(help, 0);
  for (const char* command : {"audit", "facts", "policy", "detect", "parse", "collect"})
    CHECK_THAT(help.output, Catch::Contains(command));
  const CommandResult audit_help = run_command(bin() + " audit --help");
  CHECK_EXIT(audit_help, 0);
  CHECK_THAT(audit_help.output, Catch::Contains("--fail-on"));

  const CommandResult nothing = run_command(bin() + " 2>&1");
  CHECK_EXIT(nothing, 2);
}

TEST_CASE("default_policy_dir: an installed layout, NETAUDIT_POLICY_DIR, and the build's own") {
  // An installed layout: <prefix>/bin/netaudit and <prefix>/share/netaudit/policies, here a
  // policy of one control of our own (and the shipped vendor packs and fact catalogue), so that
  // which directory was used shows in `policy list`.
  TempDir prefix("netaudit-installed");
  const fs::path shipped = netaudit::test::shipped_policy_dir();
  const fs::path installed = prefix.path() / "share" / "netaudit" / "policies";
  fs::create_directories(installed / "baseline");
  fs::create_directories(prefix.path() / "bin");
  fs::copy(shipped / "vendors", installed / "vendors", fs::copy_options::recursive);
  fs::copy_file(shipped / "baseline" / "facts.yaml", installed / "baseline" / "facts.yaml");
  fs::copy_file(shipped / "baseline" / "core.yaml", installed / "baseline" / "core.yaml");
  const fs::path copy = prefix.path() / "bin" / "netaudit";
  fs::copy_file(netaudit::test::netaudit_binary(), copy);
  fs::permissions(copy, fs::perms::owner_all);

  const auto count_controls = [](const std::string& command) {
    const CommandResult listed = run_command(command + " policy list --format json");
    CHECK_EXIT(listed, 0);
    return listed.exit_code == 0 ? nlohmann::json::parse(listed.output).size() : 0;
  };
  const auto core_controls = [&] {
    const auto policy = netaudit::policy::Policy::load_shipped(shipped);
    REQUIRE(policy.policy);
    std::size_t in_core = 0;
    for (const auto& control : policy.policy->controls())
      in_core += control.file.ends_with("core.yaml");
    return in_core;
  }();
  const std::size_t all_controls = count_controls("env -u NETAUDIT_POLICY_DIR " + bin());
  REQUIRE(core_controls > 0);
  REQUIRE(core_controls < all_controls);

  // Installed: the share/ folder next to bin/ is found through /proc/self/exe.
  CHECK(count_controls("env -u NETAUDIT_POLICY_DIR " + quote(copy)) == core_controls);
  // NETAUDIT_POLICY_DIR wins over both the installed and the build's folders.
  CHECK(count_controls("env NETAUDIT_POLICY_DIR=" + quote(installed) + " " + bin()) ==
        core_controls);
  // A NETAUDIT_POLICY_DIR without baseline/ and vendors/ is passed over, not half used.
  CHECK(count_controls("env NETAUDIT_POLICY_DIR=" + quote(prefix.path()) + " " + bin()) ==
        all_controls);
}
