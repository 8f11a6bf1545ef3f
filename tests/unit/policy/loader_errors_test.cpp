// Each kind of broken policy file gets its own precise error: file, line, subject, what.
#include <catch2/catch.hpp>

#include "policy_test_util.hpp"

using namespace netaudit::policy;
using netaudit::test::TempDir;

namespace {

// Loads one extra rules file (plus the shipped catalogue and packs) and returns the errors.
std::vector<PolicyIssue> rule_errors(const TempDir& dir, const std::string& text) {
  const auto file = dir.write("rules.yaml", text);
  return Policy::load({file}, netaudit::test::shipped_policy_dir()).errors;
}

// Loads one extra pack (with the shipped core controls) and returns the errors.
std::vector<PolicyIssue> pack_errors(const TempDir& dir, const std::string& text) {
  const auto file = dir.write("pack.yaml", text);
  return Policy::load({file, netaudit::test::shipped_policy_dir() / "baseline" / "core.yaml"},
                      netaudit::test::shipped_policy_dir())
      .errors;
}

const char* kGoodRule = R"(  - id: OK-1
    title: fine
    severity: low
    assert: {fact: ntp.servers, count: {ge: 1}}
)";

// One error the loader must report. A field left empty (or 0) is not checked.
struct ExpectedError {
  std::string message{};  // the whole message, or its start when `prefix`
  bool prefix = false;
  int line = 0;
  std::string subject{};
};

// A policy file with mistakes in it, and every error the loader must report for it, in order.
struct BrokenFile {
  std::string name;  // names the case when it fails
  enum Kind { rules, pack } kind;
  std::string text;
  std::vector<ExpectedError> errors;
};

// Loads the broken file on its own folder and checks the errors against the expected ones;
// returns them for checks of its own.
std::vector<PolicyIssue> check_errors(const BrokenFile& broken) {
  TempDir dir;
  const bool is_rules = broken.kind == BrokenFile::rules;
  const auto errors = is_rules ? rule_errors(dir, broken.text) : pack_errors(dir, broken.text);
  std::string reported;
  for (const PolicyIssue& error : errors)
    reported += error.to_string() + "\n";
  INFO(broken.name << " reported:\n" << reported);
  REQUIRE(errors.size() == broken.errors.size());
  const std::string file = (dir.path() / (is_rules ? "rules.yaml" : "pack.yaml")).string();
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const ExpectedError& expected = broken.errors[i];
    const PolicyIssue& error = errors[i];
    CHECK(error.file == file);
    if (expected.line != 0) CHECK(error.line == expected.line);
    if (!expected.subject.empty()) CHECK(error.subject == expected.subject);
    if (expected.prefix) {
      CHECK_THAT(error.message, Catch::StartsWith(expected.message));
    } else if (!expected.message.empty()) {
      CHECK(error.message == expected.message);
    }
  }
  return errors;
}

// Each file in a section of its own, so that a failure names its case.
void check_each(const std::vector<BrokenFile>& files) {
  for (const BrokenFile& broken : files) {
    DYNAMIC_SECTION(broken.name) {
      check_errors(broken);
    }
  }
}

}  // namespace

TEST_CASE("policy loader: the shipped policy loads without errors or warnings") {
  const auto result = Policy::load_shipped(netaudit::test::shipped_policy_dir());
  std::string text;
  for (const auto& e : result.errors)
    text += e.to_string() + "\n";
  for (const auto& e : result.warnings)
    text += "warning " + e.to_string() + "\n";
  INFO(text);
  REQUIRE(result.policy);
  CHECK(result.errors.empty());
  CHECK(result.policy->controls().size() >= 40);
  CHECK(result.policy->has_pack("cisco_ios"));
}

TEST_CASE("policy loader: unknown fact names in a rule") {
  const auto errors =
      check_errors({"unknown fact",
                    BrokenFile::rules,
                    std::string("controls:\n") + kGoodRule +
                        "  - id: BAD-FACT\n"
                        "    title: x\n"
                        "    severity: low\n"
                        "    assert: {fact: ntp.serverz, count: {ge: 1}}\n",
                    {{.message = "unknown fact 'ntp.serverz'", .line = 9, .subject = "BAD-FACT"}}});
  CHECK(errors[0].to_string() == errors[0].file + ":9: [BAD-FACT] unknown fact 'ntp.serverz'");
}

TEST_CASE("policy loader: unknown field of a list fact") {
  check_errors({"unknown field",
                BrokenFile::rules,
                "controls:\n"
                "  - id: BAD-FIELD\n"
                "    title: x\n"
                "    severity: low\n"
                "    assert: {fact: snmp.communities, all: {field: acess, equals: ro}}\n",
                {{.message = "unknown field 'acess' of 'snmp.communities'", .line = 5}}});
}

TEST_CASE("policy loader: bad regexes in rules and packs") {
  check_each({
      {"rule regex",
       BrokenFile::rules,
       "controls:\n"
       "  - id: BAD-RE\n"
       "    title: x\n"
       "    severity: low\n"
       "    assert: {fact: snmp.communities, none: {field: name, matches: 'pub(lic'}}\n",
       {{.message = "bad regex 'pub(lic': missing )",
         .prefix = true,
         .line = 5,
         .subject = "BAD-RE"}}},
      {"pack regex",
       BrokenFile::pack,
       "platform: testos\n"
       "facts:\n"
       "  ssh.v1_accepted:\n"
       "    from:\n"
       "      - match: 'ip ssh version (1'\n"
       "        value: true\n",
       {{.message = "bad regex 'ip ssh version (1'",
         .prefix = true,
         .line = 5,
         .subject = "testos ssh.v1_accepted"}}},
  });
}

TEST_CASE("policy loader: lookahead is refused (RE2 only)") {
  check_errors({"lookahead",
                BrokenFile::pack,
                "platform: testos\n"
                "facts:\n"
                "  services.http.enabled:\n"
                "    from: [{match: 'ip http (?!secure).*'}]\n",
                {{.message = "bad regex", .prefix = true, .line = 4}}});
}

TEST_CASE("policy loader: duplicate ids, across files too") {
  TempDir dir;
  dir.write("a.yaml", std::string("controls:\n") + kGoodRule);
  dir.write("b.yaml", std::string("controls:\n") + kGoodRule);
  const auto errors = Policy::load({dir.path()}, netaudit::test::shipped_policy_dir()).errors;
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == (dir.path() / "b.yaml").string());
  CHECK(errors[0].line == 2);
  CHECK(errors[0].subject == "OK-1");
  CHECK(errors[0].message ==
        "duplicate id 'OK-1' (first defined in " + (dir.path() / "a.yaml").string() + ":2)");
}

TEST_CASE("policy loader: missing or bad severity, missing title and assert") {
  check_each({
      {"no severity",
       BrokenFile::rules,
       "controls:\n"
       "  - id: NO-SEV\n"
       "    title: x\n"
       "    assert: {fact: ntp.servers, count: {ge: 1}}\n",
       {{.message = "missing 'severity' (critical, high, medium, low or info)",
         .line = 2,
         .subject = "NO-SEV"}}},
      {"bad severity",
       BrokenFile::rules,
       "controls:\n"
       "  - id: BAD-SEV\n"
       "    title: x\n"
       "    severity: severe\n"
       "    assert: {fact: ntp.servers, count: {ge: 1}}\n",
       {{.message = "bad severity 'severe' (critical, high, medium, low or info)", .line = 4}}},
      {"no title or assert",
       BrokenFile::rules,
       "controls:\n"
       "  - id: NO-ASSERT\n"
       "    severity: low\n",
       {{.message = "missing 'title'"}, {.message = "missing 'assert'"}}},
  });
}

TEST_CASE("policy loader: unknown keys, operators and operand types") {
  check_each({
      {"unknown key",
       BrokenFile::rules,
       "controls:\n"
       "  - id: TYPO\n"
       "    title: x\n"
       "    severity: low\n"
       "    asert: {fact: ntp.servers, count: {ge: 1}}\n",
       {{.message = "unknown key 'asert' in control", .prefix = true, .line = 5},
        {.message = "missing 'assert'"}}},
      {"bad operand",
       BrokenFile::rules,
       "controls:\n"
       "  - id: BAD-OPERAND\n"
       "    title: x\n"
       "    severity: low\n"
       "    assert: {fact: ssh.v1_accepted, equals: maybe}\n",
       {{.message = "operand of 'equals' for ssh.v1_accepted: 'maybe' is not a bool (true/false)",
         .line = 5}}},
      {"numeric operator on a string",
       BrokenFile::rules,
       "controls:\n"
       "  - id: NUMERIC-ON-STRING\n"
       "    title: x\n"
       "    severity: low\n"
       "    assert: {fact: system.hostname, ge: 3}\n",
       {{.message = "'ge' needs an int fact; system.hostname is string"}}},
      {"no operator",
       BrokenFile::rules,
       "controls:\n"
       "  - id: NO-OP\n"
       "    title: x\n"
       "    severity: low\n"
       "    assert: {fact: ntp.servers}\n",
       {{.message = "a condition on list fact 'ntp.servers' needs exactly one of count / all / "
                    "any / none"}}},
  });
}

TEST_CASE("policy loader: YAML syntax errors name the line") {
  TempDir dir;
  const auto errors = rule_errors(dir, "controls:\n  - id: X\n    title: [unclosed\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line >= 3);
  CHECK(errors[0].message.rfind("YAML syntax error", 0) == 0);
}

TEST_CASE("policy loader: pack errors (unknown fact, bad value, derivation cycle, template)") {
  check_each({
      {"unknown fact",
       BrokenFile::pack,
       "platform: testos\n"
       "facts:\n"
       "  ssh.version:\n"
       "    from: [{match: 'ip ssh version (\\d)'}]\n",
       {{.message = "unknown fact 'ssh.version'",
         .prefix = true,
         .line = 3,
         .subject = "testos ssh.version"}}},
      {"bad value",
       BrokenFile::pack,
       "platform: testos\n"
       "facts:\n"
       "  snmp.communities:\n"
       "    items:\n"
       "      - match: 'community (\\S+)'\n"
       "        fields: {name: $1, access: {value: write}}\n",
       {{.message = "'write' is not one of: ro, rw", .line = 6}}},
      {"template group",
       BrokenFile::pack,
       "platform: testos\n"
       "facts:\n"
       "  ssh.timeout_seconds:\n"
       "    from: [{match: 'ssh timeout (\\d+)', value: $2}]\n",
       {{.message = "template '$2' refers to $2 but the pattern has 1 group(s)"}}},
      {"derivation cycle",
       BrokenFile::pack,
       "platform: testos\n"
       "facts:\n"
       "  local.a: {type: bool, derive: {true_if: {fact: local.b, equals: true}}}\n"
       "  local.b: {type: bool, derive: {true_if: {fact: local.a, equals: true}}}\n",
       {{.message = "derived fact depends on itself (a cycle among derivations)"}, {}}},
      {"default without a note",
       BrokenFile::pack,
       "platform: testos\n"
       "facts:\n"
       "  mgmt.tcp_keepalives:\n"
       "    default: {value: true}\n",
       {{.message = "a default value needs a 'note' saying why it is the platform default"}}},
  });
}

TEST_CASE("policy loader: a file of no known kind, and a missing path") {
  TempDir dir;
  const auto file = dir.write("other.yaml", "hello: world\n");
  auto result =
      Policy::load({file, dir.path() / "missing.yaml"}, netaudit::test::shipped_policy_dir());
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].file == (dir.path() / "missing.yaml").string());
  CHECK(result.errors[0].message == "no such file or directory");
  CHECK(result.errors[1].message ==
        "not a policy file: no top-level 'facts', 'platform' or 'controls'");
  CHECK_FALSE(result.policy);
}

TEST_CASE("policy loader: the shipped files given by another spelling load once") {
  const auto dir = netaudit::test::shipped_policy_dir();
  const auto result =
      Policy::load({dir / "." / "baseline", dir / "vendors" / ".." / "vendors"}, dir);
  std::string text;
  for (const auto& e : result.errors)
    text += e.to_string() + "\n";
  INFO(text);
  CHECK(result.errors.empty());
  REQUIRE(result.policy);
  CHECK(result.policy->controls().size() == Policy::load_shipped(dir).policy->controls().size());
}

TEST_CASE(
    "policy loader: a copy of the shipped tree checks clean and two given catalogues conflict") {
  TempDir dir;
  // A copy elsewhere (another checkout, an installed share/): same facts, different paths.
  std::filesystem::copy(netaudit::test::shipped_policy_dir(), dir.path() / "policies",
                        std::filesystem::copy_options::recursive);
  {
    const auto result =
        Policy::load({dir.path() / "policies"}, netaudit::test::shipped_policy_dir());
    std::string text;
    for (const auto& e : result.errors)
      text += e.to_string() + "\n";
    INFO(text);
    CHECK(result.errors.empty());
    CHECK(result.policy);
  }
  // The copy's catalogue plus a second given file redefining one of its facts: a real
  // duplicate, reported once against the second file.
  const auto extra = dir.write("extra/facts.yaml",
                               "facts:\n"
                               "  ntp.servers:\n"
                               "    type: bool\n"
                               "    meaning: again\n");
  const auto errors = Policy::load({dir.path() / "policies" / "baseline" / "facts.yaml", extra},
                                   netaudit::test::shipped_policy_dir())
                          .errors;
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == extra.string());
  CHECK(errors[0].line == 2);
  CHECK(errors[0].message == "duplicate fact 'ntp.servers'");
}
