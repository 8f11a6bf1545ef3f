// The policy engine on small policies written for the test: selectors on both tree shapes,
// defaults, derivations, the three-valued logic, verdicts and their evidence.
#include <catch2/catch.hpp>

#include "netaudit/policies/parse.hpp"
#include "policy_test_util.hpp"

using namespace netaudit;
using namespace netaudit::policy;
using netaudit::test::TempDir;

namespace {

const char* kCatalogue = R"(facts:
  t.flag: {type: bool, meaning: a flag}
  t.count: {type: int, meaning: a number}
  t.name: {type: string, meaning: a name}
  t.derived: {type: bool, meaning: derived}
  t.items:
    type: list
    meaning: items
    fields:
      name: {type: string, meaning: n}
      mode: {type: string, values: [on, off], meaning: m}
      secs: {type: int, meaning: s}
      peer_auth: {type: bool, meaning: p}
)";

struct MiniPolicy {
  TempDir dir;
  Policy policy;
};

std::unique_ptr<MiniPolicy> load_mini(const std::string& pack, const std::string& rules) {
  auto mini = std::make_unique<MiniPolicy>();
  mini->dir.write("facts.yaml", kCatalogue);
  mini->dir.write("pack.yaml", pack);
  mini->dir.write("rules.yaml", rules);
  auto loaded = Policy::load({mini->dir.path()}, netaudit::test::shipped_policy_dir());
  std::string problems;
  for (const auto& e : loaded.errors)
    problems += e.to_string() + "\n";
  INFO(problems);
  REQUIRE(loaded.policy);
  mini->policy = std::move(*loaded.policy);
  return mini;
}

DeviceFacts facts_of(const Policy& policy, const std::string& platform, const std::string& text,
                     Syntax syntax, ParseResult& parsed) {
  parsed = parse_config(text, syntax);
  return policy.extract(platform, parsed.tree);
}

const FactReading& reading(const DeviceFacts& facts, const std::string& name) {
  const int id = facts.find(name);
  REQUIRE(id >= 0);
  return facts.readings[static_cast<std::size_t>(id)];
}

DeviceReport audit(const Policy& policy, const std::string& platform, const std::string& text) {
  AuditOptions options;
  options.platform = platform;
  return audit_text(policy, text, "device.cfg", options);
}

const char* kRulesFlag = R"(controls:
  - id: T-FLAG
    title: flag is off
    severity: high
    assert: {fact: t.flag, equals: false}
)";

}  // namespace

TEST_CASE("engine: statement tree selectors, captures, last statement wins") {
  auto mini = load_mini(R"(platform: cisco_ios
facts:
  t.flag:
    from:
      - {match: 'feature x', value: true}
      - {match: 'no feature x', value: false}
    default: {value: false, note: "off unless enabled"}
  t.count:
    from: [{path: ['line (?P<kind>\S+) .*'], match: 'exec-timeout (\d+)(?: (\d+))?', value: '$1 * 60 + $2'}]
  t.name:
    from: [{match: 'hostname (\S+)'}]
  t.items:
    items:
      - match: 'line (\S+) (.+)'
        fields:
          name: '$1-$2'
          mode:
            from: [{match: 'transport input ssh', value: on}, {match: 'transport input .*', value: off}]
            default: {unknown: "no transport input"}
          secs:
            from: [{match: 'exec-timeout (\d+)(?: \d+)?', value: '$1 * 60'}]
            default: {value: 600, note: "ten minutes"}
)",
                        kRulesFlag);
  ParseResult parsed{ConfigTree(""), {}};
  const DeviceFacts facts = facts_of(mini->policy, "cisco_ios",
                                     "hostname r1\n"
                                     "feature x\n"
                                     "line vty 0 4\n"
                                     " exec-timeout 5 30\n"
                                     " transport input ssh\n"
                                     "line con 0\n"
                                     " exec-timeout 2\n"
                                     "no feature x\n"
                                     "hostname r2\n",
                                     Syntax::indented, parsed);
  // The last statement wins, and its line is the evidence.
  const auto& flag = reading(facts, "t.flag").scalar;
  CHECK(flag.state == FactState::value);
  CHECK(std::get<bool>(flag.value) == false);
  CHECK(flag.line == 8);
  CHECK(std::get<std::string>(reading(facts, "t.name").scalar.value) == "r2");
  // int expression over captures; an absent group counts as 0; last match wins (line 7)
  const auto& count = reading(facts, "t.count").scalar;
  CHECK(std::get<std::int64_t>(count.value) == 120);
  CHECK(count.line == 7);
  const auto& items = reading(facts, "t.items");
  REQUIRE(items.items.size() == 2);
  CHECK(std::get<std::string>(items.items[0].fields[0].value) == "vty-0 4");
  CHECK(std::get<std::string>(items.items[0].fields[1].value) == "on");
  CHECK(items.items[0].fields[1].line == 5);
  CHECK(std::get<std::int64_t>(items.items[0].fields[2].value) == 300);
  CHECK(items.items[1].fields[1].state == FactState::unknown);
  CHECK(items.items[1].fields[1].note == "no transport input");
  CHECK(std::get<std::int64_t>(items.items[1].fields[2].value) == 120);

  const DeviceFacts empty =
      facts_of(mini->policy, "cisco_ios", "hostname r3\n", Syntax::indented, parsed);
  const auto& flag_default = reading(empty, "t.flag").scalar;
  CHECK(flag_default.from_default);
  CHECK(flag_default.note == "off unless enabled");
  CHECK(reading(empty, "t.count").scalar.state == FactState::unset);
  CHECK(reading(empty, "t.items").items.empty());
}

TEST_CASE("engine: token-trie selectors give the same facts for brace and set forms") {
  auto mini = load_mini(R"(platform: juniper_junos
shape: tokens
facts:
  t.flag:
    from: [{path: [system, services], match: telnet, value: true}]
    default: {value: false, note: "telnet is off unless configured"}
  t.items:
    items:
      - path: [system, ntp, server]
        match: '(.+)'
        fields:
          name: $1
          mode: {from: [{match: prefer, value: on}], default: {value: off, note: "not preferred"}}
          secs: {from: [{path: [key], match: '(\d+)', value: $1}]}
)",
                        kRulesFlag);
  const std::string braces =
      "system {\n"
      "    services {\n"
      "        telnet;\n"
      "    }\n"
      "    ntp {\n"
      "        server 10.0.0.1 key 5;\n"
      "        server 10.0.0.2 prefer;\n"
      "    }\n"
      "}\n";
  const std::string set =
      "set system services telnet\n"
      "set system ntp server 10.0.0.1 key 5\n"
      "set system ntp server 10.0.0.2 prefer\n";
  ParseResult a{ConfigTree(""), {}}, b{ConfigTree(""), {}};
  const DeviceFacts fa = facts_of(mini->policy, "juniper_junos", braces, Syntax::braces, a);
  const DeviceFacts fb = facts_of(mini->policy, "juniper_junos", set, Syntax::set, b);
  for (const DeviceFacts* f : {&fa, &fb}) {
    CHECK(std::get<bool>(reading(*f, "t.flag").scalar.value) == true);
    const auto& items = reading(*f, "t.items").items;
    REQUIRE(items.size() == 2);
    CHECK(std::get<std::string>(items[0].fields[0].value) == "10.0.0.1");
    CHECK(std::get<std::int64_t>(items[0].fields[2].value) == 5);
    CHECK(std::get<std::string>(items[0].fields[1].value) == "off");
    CHECK(items[0].fields[1].from_default);
    CHECK(std::get<std::string>(items[1].fields[1].value) == "on");
    CHECK(items[1].fields[2].state == FactState::unset);
  }
  CHECK(reading(fa, "t.flag").scalar.line == 3);
  CHECK(reading(fb, "t.flag").scalar.line == 1);
  CHECK(reading(fa, "t.items").items[1].line == 7);
  CHECK(reading(fb, "t.items").items[1].line == 3);
}

TEST_CASE("engine: '**' paths, named path captures, split and keyed parent scope") {
  auto mini = load_mini(R"(platform: cisco_ios
facts:
  t.items:
    items:
      - path: ['router bgp (?P<asn>\d+)', '**']
        match: 'neighbor (\S+) remote-as (\d+)'
        key: $1
        fields:
          name: '${asn}:$1'
          peer_auth:
            from: [{scope: parent, key: $1, match: 'neighbor (\S+) password .+', value: true}]
            default: {value: false, note: "no password"}
          secs:
            from: [{scope: parent, key: $1, match: 'neighbor (\S+) maximum-prefix (\d+)', value: $2}]
      - match: 'ciphers (.+)'
        split: $1
        fields: {name: '${word}'}
)",
                        kRulesFlag);
  ParseResult parsed{ConfigTree(""), {}};
  const DeviceFacts facts = facts_of(mini->policy, "cisco_ios",
                                     "router bgp 65001\n"
                                     " neighbor 10.0.0.1 remote-as 65002\n"
                                     " neighbor 10.0.0.1 password 7 XYZ\n"
                                     " address-family ipv4 vrf A\n"
                                     "  neighbor 10.9.9.9 remote-as 65003\n"
                                     "  neighbor 10.9.9.9 maximum-prefix 100\n"
                                     "ciphers aes256-ctr aes128-ctr\n",
                                     Syntax::indented, parsed);
  const auto& items = reading(facts, "t.items").items;
  REQUIRE(items.size() == 4);
  CHECK(std::get<std::string>(items[0].fields[0].value) == "65001:10.0.0.1");
  CHECK(std::get<bool>(items[0].fields[3].value) == true);
  CHECK(items[0].fields[3].line == 3);
  CHECK(items[0].fields[2].state == FactState::unset);
  CHECK(std::get<std::string>(items[1].fields[0].value) == "65001:10.9.9.9");
  CHECK(std::get<bool>(items[1].fields[3].value) == false);
  CHECK(std::get<std::int64_t>(items[1].fields[2].value) == 100);
  CHECK(std::get<std::string>(items[2].fields[0].value) == "aes256-ctr");
  CHECK(std::get<std::string>(items[3].fields[0].value) == "aes128-ctr");
  CHECK(items[3].line == 7);
}

TEST_CASE("engine: derived facts, when/unless and not_applicable defaults") {
  auto mini = load_mini(R"(platform: cisco_ios
facts:
  local.server:
    type: bool
    from: [{match: 'server on', value: true}, {match: 'server off', value: false}]
    default: {unknown: "server state depends on the release"}
  t.items:
    items:
      - match: 'vty (\d+)'
        fields:
          name: $1
          peer_auth:
            from: [{match: 'telnet', value: true}, {match: 'ssh', value: false}]
            default: {unknown: "no protocol"}
  t.derived:
    derive:
      true_if: {any_of: [{fact: local.server, equals: true}, {fact: t.items, any: {field: peer_auth, equals: true}}]}
      false_if: {any_of: [{fact: local.server, equals: false}, {all_of: [{fact: t.items, count: {ge: 1}}, {fact: t.items, all: {field: peer_auth, equals: false}}]}]}
      otherwise: {unknown: "cannot tell"}
  t.count:
    from: [{match: 'limit (\d+)', value: $1, unless: {match: 'unlimited'}}]
    default:
      - {when: {match: 'feature y'}, not_applicable: "y replaces the limit"}
      - {value: 10, note: "ten"}
)",
                        R"(controls:
  - id: T-DERIVED
    title: derived is false
    severity: high
    assert: {fact: t.derived, equals: false}
)");
  auto derived = [&](const std::string& text) {
    ParseResult parsed{ConfigTree(""), {}};
    const DeviceFacts facts = facts_of(mini->policy, "cisco_ios", text, Syntax::indented, parsed);
    return reading(facts, "t.derived").scalar;
  };
  auto r = derived("server on\nvty 0\n ssh\n");
  CHECK(r.state == FactState::value);
  CHECK(std::get<bool>(r.value) == true);
  CHECK(r.derived_lines == std::vector<std::uint32_t>{1});
  r = derived("vty 0\n ssh\nvty 1\n telnet\n");
  CHECK(std::get<bool>(r.value) == true);
  r = derived("vty 0\n ssh\n");
  CHECK(std::get<bool>(r.value) == false);
  r = derived("vty 0\n ssh\nvty 1\n");
  CHECK(r.state == FactState::unknown);
  CHECK(r.note == "cannot tell");

  ParseResult parsed{ConfigTree(""), {}};
  auto count = [&](const std::string& text) {
    const DeviceFacts facts = facts_of(mini->policy, "cisco_ios", text, Syntax::indented, parsed);
    return reading(facts, "t.count").scalar;
  };
  CHECK(std::get<std::int64_t>(count("limit 5\n").value) == 5);
  CHECK(count("limit 5\nunlimited\n").from_default);
  CHECK(count("feature y\n").state == FactState::not_applicable);

  const DeviceReport report = audit(mini->policy, "cisco_ios", "vty 0\n ssh\nvty 1\n");
  const Finding* f = netaudit::test::find_finding(report, "T-DERIVED");
  REQUIRE(f);
  CHECK(f->verdict == Verdict::unknown);
  CHECK(f->message.find("cannot tell") != std::string::npos);
  CHECK(netaudit::test::evidence_lines(*f) == "3");
}

TEST_CASE("engine: three-valued verdicts, worst instance wins, evidence lines") {
  auto mini = load_mini(R"(platform: cisco_ios
facts:
  t.flag: {from: [{match: 'feature x', value: true}]}
  t.name: {not_applicable: "no names here"}
  t.items:
    items:
      - match: 'vty (\d+)'
        fields:
          name: $1
          mode:
            from: [{match: 'mode (on|off)', value: $1}]
            default: {unknown: "mode depends on the release"}
)",
                        R"(controls:
  - id: T-ALL-OFF
    title: every vty is off
    severity: high
    assert: {fact: t.items, all: {field: mode, equals: off}}
  - id: T-NA
    title: name check
    severity: low
    assert: {fact: t.name, equals: x}
  - id: T-PRE
    title: precondition
    severity: low
    precondition: {fact: t.items, count: {ge: 1}}
    assert: {fact: t.flag, equals: true}
  - id: T-UNSET
    title: unset scalar
    severity: low
    assert: {any_of: [{fact: t.flag, not_equals: true}, {fact: t.name, equals: x}]}
  - id: T-UNDEFINED
    title: a fact this pack does not read
    severity: low
    assert: {fact: t.count, ge: 1}
  - id: T-ROLE
    title: only edge routers
    severity: low
    applies_to: {labels: {role: [edge]}}
    assert: {fact: t.flag, equals: true}
)");
  auto verdict = [&](const DeviceReport& r, const char* id) {
    const Finding* f = netaudit::test::find_finding(r, id);
    REQUIRE(f);
    return f->verdict;
  };
  // One failing instance fails the device even when another is unknown.
  DeviceReport r = audit(mini->policy, "cisco_ios", "vty 0\n mode on\nvty 1\nvty 2\n mode off\n");
  CHECK(verdict(r, "T-ALL-OFF") == Verdict::fail);
  CHECK(netaudit::test::evidence_lines(*netaudit::test::find_finding(r, "T-ALL-OFF")) == "1,2");
  r = audit(mini->policy, "cisco_ios", "vty 1\nvty 2\n mode off\n");
  CHECK(verdict(r, "T-ALL-OFF") == Verdict::unknown);
  CHECK(netaudit::test::find_finding(r, "T-ALL-OFF")->message.find("mode depends on the release") !=
        std::string::npos);
  r = audit(mini->policy, "cisco_ios", "vty 2\n mode off\n");
  CHECK(verdict(r, "T-ALL-OFF") == Verdict::pass);
  CHECK(netaudit::test::evidence_lines(*netaudit::test::find_finding(r, "T-ALL-OFF")) == "1,2");
  CHECK(verdict(r, "T-NA") == Verdict::not_applicable);
  CHECK(verdict(r, "T-PRE") == Verdict::fail);
  CHECK(verdict(r, "T-UNSET") == Verdict::pass);
  CHECK(verdict(r, "T-UNDEFINED") == Verdict::unknown);
  CHECK(netaudit::test::find_finding(r, "T-UNDEFINED")->message.find("does not read 't.count'") !=
        std::string::npos);
  CHECK(verdict(r, "T-ROLE") == Verdict::not_applicable);
  r = audit(mini->policy, "cisco_ios", "feature x\n");
  CHECK(verdict(r, "T-PRE") == Verdict::not_applicable);
  CHECK(verdict(r, "T-ALL-OFF") == Verdict::pass);  // all over no items holds

  AuditOptions edge;
  edge.platform = "cisco_ios";
  edge.labels["role"] = "edge";
  r = audit_text(mini->policy, "feature x\n", "edge.cfg", edge);
  CHECK(verdict(r, "T-ROLE") == Verdict::pass);
  CHECK(netaudit::test::evidence_lines(*netaudit::test::find_finding(r, "T-ROLE")) == "1");

  // A platform without a pack: unknown, saying so.
  r = audit(mini->policy, "example_os", "hostname x\n");
  CHECK(verdict(r, "T-ALL-OFF") == Verdict::unknown);
  CHECK(netaudit::test::find_finding(r, "T-ALL-OFF")->message.find("no vendor pack") !=
        std::string::npos);
}

TEST_CASE("engine: raw tree matches in per-platform overrides") {
  auto mini = load_mini(R"(platform: cisco_ios
facts:
  t.flag: {from: [{match: 'feature x', value: true}], default: {value: false, note: off}}
)",
                        R"(controls:
  - id: T-RAW
    title: raw
    severity: medium
    assert: {fact: t.flag, equals: true}
    platforms:
      cisco_ios:
        assert: {all_of: [{present: {path: ['line vty .*'], match: 'transport input ssh'}}, {missing: {match: 'ip http server'}}]}
)");
  DeviceReport r = audit(mini->policy, "cisco_ios", "line vty 0 4\n transport input ssh\n");
  const Finding* f = netaudit::test::find_finding(r, "T-RAW");
  REQUIRE(f);
  CHECK(f->verdict == Verdict::pass);
  CHECK(netaudit::test::evidence_lines(*f) == "2");
  r = audit(mini->policy, "cisco_ios", "ip http server\nline vty 0 4\n transport input ssh\n");
  f = netaudit::test::find_finding(r, "T-RAW");
  CHECK(f->verdict == Verdict::fail);
  CHECK(netaudit::test::evidence_lines(*f) == "1");
}

TEST_CASE("engine: evidence never shows secrets") {
  CHECK(redact_line("username admin privilege 15 password 0 Cisco123") ==
        "username admin privilege 15 password 0 <redacted>");
  CHECK(redact_line("snmp-server community s3cr3t RW 10") ==
        "snmp-server community <redacted> RW 10");
  CHECK(redact_line("snmp-server community public RO") == "snmp-server community public RO");
  CHECK(redact_line(" key 7 060506324F41584B56") == " key 7 <redacted>");
  CHECK(redact_line("ntp authentication-key 1 md5 121A0C0411045D5679 7") ==
        "ntp authentication-key 1 md5 <redacted> 7");
  CHECK(redact_line(" standby 1 authentication text hsrpKey") ==
        " standby 1 authentication text <redacted>");
  CHECK(redact_line("set system login user a authentication encrypted-password \"$6$abc\"") ==
        "set system login user a authentication encrypted-password <redacted>");
  CHECK(redact_line("ip ssh version 2") == "ip ssh version 2");

  const DeviceReport r =
      audit_text(netaudit::test::shipped_policy(),
                 netaudit::test::read_file(netaudit::test::fixture_dir() / "policy" / "cisco_ios" /
                                           "weak-secrets.cfg"),
                 "weak-secrets.cfg", {});
  for (const auto& f : r.findings) {
    for (const auto& e : f.evidence) {
      INFO(f.control << " line " << e.line << ": " << e.text);
      CHECK(e.text.find("SuperSecretKey") == std::string::npos);
      CHECK(e.text.find("RadiusKey1") == std::string::npos);
      CHECK(e.text.find("BgpClear1") == std::string::npos);
      CHECK(e.text.find("plaintext99") == std::string::npos);
      CHECK(e.text.find("hsrpKey") == std::string::npos);
      CHECK(e.text.find("OspfKey") == std::string::npos);
    }
  }
}

TEST_CASE("engine: a file the parser cannot read gives error verdicts, never pass") {
  const auto& policy = netaudit::test::shipped_policy();
  AuditOptions options;
  options.platform = "juniper_junos";
  const DeviceReport r = audit_text(policy, "}}}} {{{{ ;;;; }}}}\n", "garbage.conf", options);
  REQUIRE(r.error.empty());
  for (const auto& f : r.findings) {
    INFO(f.control << ": " << to_string(f.verdict) << " " << f.message);
    CHECK(f.verdict != Verdict::pass);
  }
}

TEST_CASE("engine: list entries with when/unless count only while another statement holds") {
  auto mini = load_mini(R"(platform: cisco_ios
facts:
  t.items:
    items:
      # Servers count only while the client is enabled and in custom mode.
      - path: ['ntp']
        match: 'server (\S+)'
        when: [{path: ['ntp'], match: 'sync enable'}, {path: ['ntp'], match: 'type custom'}]
        fields: {name: $1}
      # Otherwise one record for the vendor's own servers.
      - path: ['ntp']
        match: 'sync enable'
        unless: {path: ['ntp'], match: 'type custom'}
        fields: {name: vendor}
)",
                        R"(controls:
  - id: T-TWO
    title: two items
    severity: low
    assert: {fact: t.items, count: {ge: 2}}
)");
  auto names = [&](const std::string& text) {
    ParseResult parsed{ConfigTree(""), {}};
    const DeviceFacts facts = facts_of(mini->policy, "cisco_ios", text, Syntax::indented, parsed);
    std::string out;
    for (const Record& r : reading(facts, "t.items").items)
      out += std::get<std::string>(r.fields[0].value) + "@" + std::to_string(r.line) + " ";
    return out;
  };
  CHECK(names("ntp\n sync enable\n type custom\n server a\n server b\n") == "a@4 b@5 ");
  CHECK(names("ntp\n type custom\n server a\n server b\n").empty());  // sync off
  CHECK(names("ntp\n sync enable\n server a\n") == "vendor@2 ");      // not custom
  CHECK(names("ntp\n server a\n").empty());

  const DeviceReport report =
      audit(mini->policy, "cisco_ios", "ntp\n sync enable\n type custom\n server a\n server b\n");
  const Finding* f = netaudit::test::find_finding(report, "T-TWO");
  REQUIRE(f);
  CHECK(f->verdict == Verdict::pass);
  CHECK(netaudit::test::evidence_lines(*f) == "4,5");
}
