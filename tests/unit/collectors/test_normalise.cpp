// Normalisation: volatile lines removed, secrets replaced by a hashed marker.
#include <re2/re2.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "netaudit/collectors/normalise.hpp"
#include "netaudit/collectors/profile.hpp"
#include "test_key.hpp"
#include "skip.hpp"
#include "test_paths.hpp"

using namespace netaudit::collectors;

namespace {
// The key every normaliser of this file uses (netaudit::test::redaction_key).
std::string redaction_marker(std::string_view secret) {
  return netaudit::test::marker(secret);
}

// The readable scheme prefix of a secret value that redaction keeps (`$6$`, FortiOS `SH2`,
// Huawei `%^%#`), as secrets/rules/common.yaml's keep_prefixes say.
std::size_t scheme_prefix(std::string_view value) {
  static const re2::RE2 prefix(
      R"((\$(?:0|1|2[abxy]?|5|6|7|8|9|1a|1c)\$|SH2|AK1|%\^%#|%@%@|%\$%\$))");
  re2::StringPiece match;
  if (!prefix.Match(value, 0, value.size(), re2::RE2::ANCHOR_START, &match, 1)) return 0;
  return match.size();
}

// What a secret value becomes: its scheme prefix, then the marker of the rest (a Huawei
// cipher keeps its closing delimiter too).
std::string masked_form(std::string_view secret) {
  const std::size_t keep = scheme_prefix(secret);
  std::size_t end = secret.size();
  if (keep > 0 && secret.front() == '%' && secret.size() >= 2 * keep &&
      secret.ends_with(secret.substr(0, keep)))
    end -= keep;
  return std::string(secret.substr(0, keep)) + redaction_marker(secret.substr(keep, end - keep)) +
         std::string(secret.substr(end));
}
}  // namespace

TEST_CASE("the redaction marker is keyed and changes with the secret") {
  CHECK(redaction_marker("cisco123") != redaction_marker("cisco124"));
  CHECK(redaction_marker("abc").starts_with("redacted-"));
  CHECK(redaction_marker("abc").size() == std::string("redacted-").size() + 16);
}

TEST_CASE("secrets of every kind are redacted - and a changed secret changes the marker") {
  const Normaliser normaliser(netaudit::test::redaction_key());
  struct Case {
    const char* line;
    const char* secret;
  };
  const std::vector<Case> cases = {
      {"enable secret 9 $9$abcdEFGH$hashhashhash", "$9$abcdEFGH$hashhashhash"},
      {"enable password 7 0822455D0A16", "0822455D0A16"},
      {"username admin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
       "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"},
      {"username ops password 0 PlainTextPw!", "PlainTextPw!"},
      {"snmp-server community S3cr3tRO RO 10", "S3cr3tRO"},
      {"snmp-server host 10.0.0.5 version 2c TrapComm", "TrapComm"},
      {"tacacs-server host 10.1.1.1 key 7 045802150C2E", "045802150C2E"},
      {"radius-server key RadKey99", "RadKey99"},
      {" server-private 10.9.9.9 key 7 13061E010803", "13061E010803"},
      {" key 7 TACACSKEYENC", "TACACSKEYENC"},
      {"crypto isakmp key PskSecret99 address 0.0.0.0", "PskSecret99"},
      {" ikev2 remote-authentication pre-shared-key VpnPsk42", "VpnPsk42"},
      {"ntp authentication-key 1 md5 NtpKey77 7", "NtpKey77"},
      {" neighbor 10.0.0.2 password 7 104D000A0618", "104D000A0618"},
      {" ip ospf message-digest-key 1 md5 7 OspfKey1", "OspfKey1"},
      {" ip ospf authentication-key OspfPlain", "OspfPlain"},
      {"        encrypted-password \"$6$salt$hash.hash/hash\"; ## SECRET-DATA",
       "$6$salt$hash.hash/hash"},
      {"            authentication-key \"$9$dkVbgJZjHqP5\"; ## SECRET-DATA", "$9$dkVbgJZjHqP5"},
      {"set system root-authentication encrypted-password \"$1$CXKw$6vLS\"", "$1$CXKw$6vLS"},
      {"    set password ENC AK1PZX3bWw3Wh2H", "AK1PZX3bWw3Wh2H"},
      {"        set psksecret ENC YmFzZTY0ZW5jb2RlZA==", "YmFzZTY0ZW5jb2RlZA=="},
      {" local-user admin password irreversible-cipher $1a$Zz}i$J%^%#x", "$1a$Zz}i$J%^%#x"},
      {"snmp-agent community read cipher %^%#abc123%^%#", "%^%#abc123%^%#"},
      {"/user add name=ops password=RouterPw1 group=full", "RouterPw1"},
      {"set service snmp community pubro authorization ro", "pubro"},
      {"        pre-shared-secret 'VyOSPsk'", "VyOSPsk"},
      {"  <password>$0$nc-secret</password>", "$0$nc-secret"},
      {"snmp-server user u1 g1 v3 auth sha AuthPass1 priv aes 128 PrivPass1", "AuthPass1"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    const std::string out = normaliser.redact(std::string(c.line) + "\n");
    CHECK(out.find(c.secret) == std::string::npos);
    CHECK(out.find("redacted-") != std::string::npos);
    // The same line with a different secret gives a different marker.
    std::string changed = c.line;
    const std::size_t at = changed.find(c.secret);
    REQUIRE(at != std::string::npos);
    changed.insert(at, "X");
    CHECK(normaliser.redact(changed + "\n") != out);
  }
  // Both SNMPv3 secrets, not only the first.
  const std::string v3 =
      normaliser.redact("snmp-server user u1 g1 v3 auth sha AuthPass1 priv aes 128 PrivPass1\n");
  CHECK(v3.find("PrivPass1") == std::string::npos);
}

TEST_CASE("non-secret lines are left alone") {
  const Normaliser normaliser(netaudit::test::redaction_key());
  for (const char* line :
       {"service password-encryption", "no enable password", "security passwords min-length 8",
        "authentication-order [ radius password ];", "neighbor 10.0.0.2 send-community extended",
        "ip community-list standard X permit 65000:1", "set community 65000:100 additive",
        "lacp key 2", "hostname core1", " description key uplink",
        "aaa authentication login default local", "password encryption-key common",
        "interface GigabitEthernet0/1"}) {
    INFO(line);
    CHECK(normaliser.redact(std::string(line) + "\n") == std::string(line) + "\n");
  }
}

TEST_CASE("PEM private keys are redacted as a block") {
  const Normaliser normaliser(netaudit::test::redaction_key());
  const std::string text =
      "crypto key\n    set private-key \"-----BEGIN ENCRYPTED PRIVATE "
      "KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0w\nPFSqHc3Ah1XA==\n-----END ENCRYPTED PRIVATE "
      "KEY-----\"\nnext\n";
  const std::string out = normaliser.redact(text);
  CHECK(out.find("MIIFHzBJBgkqhkiG9w0BBQ0w") == std::string::npos);
  CHECK(out.find("PFSqHc3Ah1XA==") == std::string::npos);
  CHECK(out.find("next\n") != std::string::npos);
  CHECK(out.find("redacted-") != std::string::npos);
}

namespace {
// A secret to find inside `fragment` (which must occur exactly once in the text).
struct Redaction {
  std::string fragment;
  std::string secret;
};

// `text` with each secret replaced by its marker inside its fragment: what redaction must give,
// byte for byte.
std::string with_markers(std::string text, const std::vector<Redaction>& redactions) {
  for (const Redaction& r : redactions) {
    INFO(r.fragment);
    const std::size_t at = text.find(r.fragment);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(r.fragment, at + 1) == std::string::npos);
    std::string replaced = r.fragment;
    const std::size_t secret_at = replaced.find(r.secret);
    REQUIRE(secret_at != std::string::npos);
    replaced.replace(secret_at, r.secret.size(), masked_form(r.secret));
    text.replace(at, r.fragment.size(), replaced);
  }
  return text;
}

std::string collectors_fixture(const char* name) {
  return netaudit::test::read_file(netaudit::test::fixture_dir() / "collectors" / name);
}
}  // namespace

TEST_CASE("FortiOS: SNMP community names are redacted, other `set name` lines are not") {
  const std::string config = collectors_fixture("fortinet_fortios_snmp.conf");
  const std::string expected =
      with_markers(config, {{R"(set name "Br4nchR0comm")", "Br4nchR0comm"},
                            {"set name Tr4pOnly", "Tr4pOnly"},
                            {"set auth-pwd ENC QXV0aFB3ZEJsb2IxMjM0NTY3ODkwYWJjZGVm",
                             "QXV0aFB3ZEJsb2IxMjM0NTY3ODkwYWJjZGVm"},
                            {"set priv-pwd ENC UHJpdlB3ZEJsb2IxMjM0NTY3ODkwYWJjZGVm",
                             "UHJpdlB3ZEJsb2IxMjM0NTY3ODkwYWJjZGVm"},
                            {"set passwd ENC SGVscGRlc2tQYXNzd29yZEJsb2JBQkNERUZH",
                             "SGVscGRlc2tQYXNzd29yZEJsb2JBQkNERUZH"}});
  // The block-scoped rule is common: with or without the FortiOS profile.
  for (const Normaliser& normaliser :
       {Normaliser(load_profile_by_name("fortinet_fortios"), netaudit::test::redaction_key()),
        Normaliser(netaudit::test::redaction_key())}) {
    NormaliseStats stats;
    const std::string out = normaliser.redact(config, &stats);
    CHECK(out == expected);
    CHECK(stats.secrets_redacted == 5);
    for (const char* secret : {"Br4nchR0comm", "Tr4pOnly", "QXV0aFB3", "UHJpdlB3"})
      CHECK(out.find(secret) == std::string::npos);
    // Names outside the community block stay readable: policy names, address names (whose
    // name is the `edit` argument), the address a policy points at; and so does the
    // well-known community `public` inside it.
    for (const char* kept :
         {"        set name \"public\"\n        set status disable", "set name \"snmp-from-nms\"",
          "edit \"public\"", "        set name \"public\"\n        set srcintf \"internal\"",
          "set dstaddr \"public\"", "edit \"nms-v3\""})
      CHECK(out.find(kept) != std::string::npos);
  }
}

TEST_CASE("FortiOS: the community block is found inside `config global`, and only there") {
  const Normaliser normaliser(load_profile_by_name("fortinet_fortios"),
                              netaudit::test::redaction_key());
  const std::string config =
      "config global\n"
      "config system snmp community\n"
      "    edit 1\n"
      "        set name \"Gl0balComm\"\n"
      "        config hosts\n"
      "            edit 1\n"
      "                set ip 192.0.2.10 255.255.255.255\n"
      "            next\n"
      "        end\n"
      "        set name \"S3condName\"\n"
      "    next\n"
      "end\n"
      "config system admin\n"
      "    edit \"admin\"\n"
      "        set accprofile \"super_admin\"\n"
      "    next\n"
      "end\n"
      "end\n"
      "config vdom\n"
      "edit root\n"
      "config firewall policy\n"
      "    edit 1\n"
      "        set name \"allow-dns\"\n"
      "    next\n"
      "end\n"
      "next\n"
      "end\n";
  // After the nested `config hosts` ends, the entry is a community again.
  CHECK(normaliser.redact(config) ==
        with_markers(config, {{"Gl0balComm", "Gl0balComm"}, {"S3condName", "S3condName"}}));
}

TEST_CASE("FortiOS: a community block inside a quoted script body has escaped quotes") {
  const Normaliser normaliser(load_profile_by_name("fortinet_fortios"),
                              netaudit::test::redaction_key());
  const std::string config =
      "config system auto-script\n"
      "    edit \"snmp-setup\"\n"
      "        set interval 0\n"
      "        set script \"\n"
      "config system snmp community\n"
      "edit 5\n"
      "set name \\\"Scr1ptComm\\\"\n"
      "next\n"
      "end\"\n"
      "    next\n"
      "end\n"
      "config firewall policy\n"
      "    edit 1\n"
      "        set name \"after-script\"\n"
      "    next\n"
      "end\n";
  CHECK(normaliser.redact(config) == with_markers(config, {{"Scr1ptComm", "Scr1ptComm"}}));
}

TEST_CASE("RouterOS: /snmp community names are redacted, other `name=` values are not") {
  const std::string config = collectors_fixture("mikrotik_routeros_snmp.rsc");
  const std::string expected =
      with_markers(config, {{"name=R0pollMgmt", "R0pollMgmt"},
                            {"name=Tr4pC0mm write-access", "Tr4pC0mm"},
                            {"authentication-password=AuthV3pass1", "AuthV3pass1"},
                            {"encryption-password=PrivV3pass1", "PrivV3pass1"},
                            {"name=V3n4me", "V3n4me"},
                            {"trap-community=Tr4pC0mm", "Tr4pC0mm"}});
  for (const Normaliser& normaliser :
       {Normaliser(load_profile_by_name("mikrotik_routeros"), netaudit::test::redaction_key()),
        Normaliser(netaudit::test::redaction_key())}) {
    NormaliseStats stats;
    const std::string out = normaliser.redact(config, &stats);
    CHECK(out == expected);
    CHECK(stats.secrets_redacted == 6);
    for (const char* secret : {"R0pollMgmt", "Tr4pC0mm", "V3n4me", "AuthV3pass1", "PrivV3pass1"})
      CHECK(out.find(secret) == std::string::npos);
    // The well-known community `private` stays readable, as a name and not as a security level.
    for (const char* kept :
         {"comment=\"legacy poller\" name=\"private\"", "comment=wan name=ether1\n",
          "name=bridge\n", "name=vlan20-mgmt", "add name=WAN", "security=private\n",
          "set name=core-ros1", "add name=dhcp-lan", "add name=readers"})
      CHECK(out.find(kept) != std::string::npos);
  }
}

TEST_CASE("RouterOS: one-line, slash-path and wrapped /snmp community commands") {
  const Normaliser normaliser(load_profile_by_name("mikrotik_routeros"),
                              netaudit::test::redaction_key());
  const std::string config =
      "/interface list\n"
      "/snmp community add addresses=192.0.2.0/24 name=OneL1ner\n"
      // A command with a path runs there but does not move: this is /interface list again.
      "add name=LAN2\n"
      "/snmp/community/add name=Sl4shForm\n"
      "/snmp community set [ find name=OldC0mm ] name=NewC0mm\n"
      "/snmp community add addresses=192.0.2.0/24 \\\n"
      "    name=Wr4pped\n"
      "add comment=\"second lan list\" \\\n"
      "    name=LAN3\n"
      "/snmp community\n"
      "# a comment inside the menu\n"
      "add addresses=192.0.2.0/24 name=\"Quoted C0mm\"\n"
      "/interface ethernet\n"
      "set [ find default-name=ether1 ] name=ether1\n"
      "/snmp\n"
      "set enabled=yes\n"
      "/ip pool\n"
      "add name=pool1 ranges=10.0.0.10-10.0.0.20\n";
  NormaliseStats stats;
  CHECK(normaliser.redact(config, &stats) ==
        with_markers(config, {{"OneL1ner", "OneL1ner"},
                              {"Sl4shForm", "Sl4shForm"},
                              {"OldC0mm", "OldC0mm"},
                              {"NewC0mm", "NewC0mm"},
                              {"Wr4pped", "Wr4pped"},
                              {"Quoted C0mm", "Quoted C0mm"}}));
  CHECK(stats.secrets_redacted == 6);
}

namespace {
// Every profile's normaliser and the common one.
std::vector<std::pair<std::string, Normaliser>> all_normalisers() {
  std::vector<std::pair<std::string, Normaliser>> normalisers;
  normalisers.emplace_back("(common)", Normaliser(netaudit::test::redaction_key()));
  for (const std::string& platform : available_platforms())
    normalisers.emplace_back(
        platform, Normaliser(load_profile_by_name(platform), netaudit::test::redaction_key()));
  return normalisers;
}
}  // namespace

TEST_CASE("well-known communities public and private stay readable as community names") {
  // The audit's default-community control must still see them after collection; any case,
  // quoted or not, every community form, through every profile.
  const std::vector<std::string> configs = {
      "snmp-server community public RO\n",
      "snmp-server community \"Private\" RW 10\n",
      "snmp-server community PUBLIC group network-operator\n",
      "snmp-server host 192.0.2.5 traps version 2c public\n",
      "snmp-server host management 192.0.2.21 community private version 2c\n",
      " snmp-agent community read public\n snmp-agent community write private\n",
      "    snmp\n        community \"public\" r version both\n        community \"private\" "
      "rwa version v2c\n    exit\n",
      "                community \"public\" {\n                    access-permissions r\n",
      "/configure system security snmp community \"public\" access-permissions r\n",
      "            trap-target \"nms\" address 192.0.2.9 snmpv2c notify-community \"private\"\n",
      "set snmp community public authorization read-only\n",
      "set service snmp community 'public' authorization 'ro'\n",
      "set service snmp trap-target 192.0.2.70 community 'public'\n",
      "    community public {\n        authorization read-only;\n",
      "configure snmp add community readonly \"public\"\n",
      "configure snmp community \"private\" read-write\n",
      "configure snmpv3 add community public name public user v1v2c_ro\n",
      "configure snmp add trapreceiver 192.0.2.50 community public\n",
      "snmp community \"public\" enable 0.0.0.0 mask 0.0.0.0 ro\n",
      "snmp host 192.0.2.60 enable version 2c \"public\"\n",
      "snmp community community-name public source 192.0.2.0/24 security-name Cacti\n",
      "            community-name private\n",
      "                  snmp-community-string public;\n",
      "      <community-name>public</community-name>\n",
      "<community-string>private</community-string>\n",
      "\t\t<rocommunity>public</rocommunity>\n",
      "config system snmp community\n    edit 1\n        set name \"public\"\n    next\nend\n",
      "/snmp community\nset [ find default=yes ] name=public\nadd name=\"Private\"\n",
      "/snmp community add addresses=192.0.2.0/24 name=private\n",
      "/snmp set enabled=yes trap-community=public\n",
      "  <snmp>\n    <community>\n      <name>public</name>\n    </community>\n  </snmp>\n",
      "        trap-target 192.0.2.70 {\n            community public\n        }\n",
      "snmptrap {\n  nms {\n    version {\n      v2c {\n        server {\n          s1 {\n"
      "            community public;\n          }\n        }\n      }\n    }\n  }\n}\n",
      "set shared log-settings snmptrap nms version v2c server s1 community private\n",
      "<snmptrap>\n<entry name=\"nms\"><version><v2c><server><entry name=\"s1\">"
      "<community>public</community></entry></server></v2c></version></entry>\n</snmptrap>\n",
      "<snmp-community-string>public</snmp-community-string>\n",
      "net add snmp-server readonly-community public access any\n",
      "nv set service snmp-server readwrite-community private access 192.0.2.10\n",
      "snmp-agent target-host trap address udp-domain 192.0.2.5 params securityname public v2c\n",
      "snmp-server community rw private\n",
      "snmp-server community ro public\n",
      "set snmp trap-group public targets 192.0.2.9\n",
      "    trap-group private {\n        version v2;\n    }\n",
      "<snmp><trap-group><name>public</name></trap-group></snmp>\n",
  };
  for (const auto& [platform, normaliser] : all_normalisers()) {
    for (const std::string& config : configs) {
      INFO(platform << ": " << config);
      NormaliseStats stats;
      CHECK(normaliser.redact(config, &stats) == config);
      CHECK(stats.secrets_redacted == 0);
    }
  }
}

TEST_CASE("public and private are still redacted where they are not a community name") {
  struct Case {
    std::string line;
    std::vector<std::string> secrets;
  };
  const std::vector<Case> cases = {
      {"username admin password public\n", {"public"}},
      {"enable secret private\n", {"private"}},
      {"username ops privilege 15 secret 0 Public\n", {"Public"}},
      {"        password \"public\"\n", {"public"}},
      {"snmp-server user u1 g1 v3 auth sha public priv aes 128 private\n", {"public", "private"}},
      {"tacacs-server host 192.0.2.9 key public\n", {"public"}},
      {"/user add name=ops password=private group=full\n", {"private"}},
      {"  <password>public</password>\n", {"public"}},
      {"set system login user ops authentication plain-text-password \"private\"\n", {"private"}},
      // A community that merely starts like a default is not one.
      {"snmp-server community publicRO RO\n", {"publicRO"}},
      {"snmp-server community private-rw RW\n", {"private-rw"}},
      {"configure snmp add community readonly \"public2\"\n", {"public2"}},
  };
  // The common patterns replace exactly the value; a profile may redact more of the line (the
  // ASA profile takes the quotes too), but never leaves the value.
  const Normaliser common(netaudit::test::redaction_key());
  for (const Case& c : cases) {
    INFO(c.line);
    std::string expected = c.line;
    for (const std::string& secret : c.secrets) {
      const std::size_t at = expected.find(secret);
      REQUIRE(at != std::string::npos);
      expected.replace(at, secret.size(), masked_form(secret));
    }
    CHECK(common.redact(c.line) == expected);
  }
  for (const auto& [platform, normaliser] : all_normalisers()) {
    for (const Case& c : cases) {
      INFO(platform << ": " << c.line);
      NormaliseStats stats;
      const std::string out = normaliser.redact(c.line, &stats);
      CHECK(stats.secrets_redacted >= c.secrets.size());
      for (const std::string& secret : c.secrets)
        CHECK(out.find(secret) == std::string::npos);
    }
  }
}

namespace {
// A config snippet in one platform's own syntax with the community names it holds; every other
// line (the negative cases: look-alike keywords, BGP communities, SNMP groups and views) must
// come out unchanged, through the common patterns and the platform's profiles if it has one.
struct CommunitySnippet {
  std::string platform;
  std::vector<std::string> profiles;
  std::string config;
  std::vector<Redaction> redactions;
};

const std::vector<CommunitySnippet>& community_snippets() {
  static const std::vector<CommunitySnippet> snippets = {
      {"Extreme EXOS",
       {},
       "#\n# Module snmpMaster configuration.\n#\n"
       "configure snmp sysName \"edge-exos-01\"\n"
       "configure snmp sysContact \"noc@example.net\"\n"
       "configure snmp add community readonly \"Ex0sR3ad\"\n"
       "configure snmp add community readwrite encrypted \"#$c2VjcmV0YmxvYjEyMw==\"\n"
       "configure snmp community \"Ex0sOldSyntax\" read-only\n"
       "configure snmpv3 add community Ex0sIdx encrypted name \"#$bmFtZWJsb2I0NTY=\" user "
       "\"v1v2c_ro\"\n"
       "configure snmpv3 add group \"v1v2c_ro\" user \"v1v2c_ro\" sec-model snmpv2c\n"
       "configure snmpv3 add access \"v1v2c_ro\" sec-model snmpv2c sec-level noauth read-view "
       "\"defaultUserView\"\n"
       "configure snmp add trapreceiver 192.0.2.50 community Ex0sTr4p from 192.0.2.1\n"
       "enable snmp access\n",
       {{"readonly \"Ex0sR3ad\"", "Ex0sR3ad"},
        {"#$c2VjcmV0YmxvYjEyMw==", "#$c2VjcmV0YmxvYjEyMw=="},
        {"Ex0sOldSyntax", "Ex0sOldSyntax"},
        {"community Ex0sIdx", "Ex0sIdx"},
        {"#$bmFtZWJsb2I0NTY=", "#$bmFtZWJsb2I0NTY="},
        {"community Ex0sTr4p", "Ex0sTr4p"}}},
      {"Nokia SR OS classic",
       {"nokia_sros"},
       "    system\n"
       "        snmp\n"
       "            community \"Cl4ssR34d\" r version both\n"
       "            community \"uTdc9j48PBRkxn5DcSjchk\" hash2 rwa version both\n"
       "            packet-size 9216\n"
       "        exit\n"
       "        security\n"
       "            snmp\n"
       "                community \"Cl4ssV2c\" hash2 r version v2c\n"
       "            exit\n"
       "        exit\n"
       "    exit\n"
       "    log\n"
       "        snmp-trap-group 98 create\n"
       "            trap-target \"nms:main1\" address 192.0.2.240 snmpv2c notify-community "
       "\"Tr4pN0tify\"\n"
       "        exit\n"
       "    exit\n"
       "    router Base\n"
       "        policy-options\n"
       "            begin\n"
       "            community \"vrf-red\" members \"target:65000:1\"\n"
       "            policy-statement \"export-red\"\n"
       "                entry 10\n"
       "                    from\n"
       "                        community \"vrf-red\"\n"
       "                    exit\n"
       "                exit\n"
       "            exit\n"
       "            commit\n"
       "        exit\n",
       {{"Cl4ssR34d", "Cl4ssR34d"},
        {"uTdc9j48PBRkxn5DcSjchk", "uTdc9j48PBRkxn5DcSjchk"},
        {"Cl4ssV2c", "Cl4ssV2c"},
        {"Tr4pN0tify", "Tr4pN0tify"}}},
      {"Nokia SR OS MD-CLI",
       {"nokia_sros_md"},
       "    configure {\n"
       "        log {\n"
       "            snmp-trap-group \"98\" {\n"
       "                trap-target \"nms\" {\n"
       "                    address 192.0.2.240\n"
       "                    version snmpv2c\n"
       "                    notify-community \"MdTr4p\"\n"
       "                }\n"
       "            }\n"
       "        }\n"
       "        system {\n"
       "            security {\n"
       "                snmp {\n"
       "                    community \"MdR34d\" {\n"
       "                        access-permissions r\n"
       "                        version v2c\n"
       "                    }\n"
       "                }\n"
       "            }\n"
       "        }\n"
       "    }\n"
       "/configure system security snmp community \"FlatC0mm\" access-permissions r\n"
       "/configure system security snmp community \"FlatV2c\" version v2c\n"
       "/configure log snmp-trap-group \"98\" trap-target \"nms\" notify-community \"FlatTr4p\"\n"
       "/configure policy-options community \"vrf_1003\" member \"target:65000:1003\"\n"
       "/configure service vprn \"1003\" bgp-ipvpn mpls vrf-target community "
       "\"target:65000:1003\"\n",
       {{"MdTr4p", "MdTr4p"},
        {"MdR34d", "MdR34d"},
        {"FlatC0mm", "FlatC0mm"},
        {"FlatV2c", "FlatV2c"},
        {"FlatTr4p", "FlatTr4p"}}},
      {"Netgear smart switch",
       {},
       "snmp sysname \"GS752TPP\"\n"
       "snmp community \"NgR34d\" enable 0.0.0.0 mask 0.0.0.0 ro\n"
       "snmp community \"NgWr1te\" enable 192.0.2.0 mask 255.255.255.0 rw\n"
       "no snmp trap poe\n"
       "snmp host 192.0.2.60 enable version 2c \"NgTr4p\"\n",
       {{"NgR34d", "NgR34d"}, {"NgWr1te", "NgWr1te"}, {"NgTr4p", "NgTr4p"}}},
      {"Netgate TNSR",
       {},
       "snmp host enable\n"
       "snmp dataplane disable\n"
       "snmp community community-name TnsrC0mm source 192.0.2.0/24 security-name Cacti\n"
       "snmp group group-name ROGroup security-name Cacti security-model v2c\n"
       "snmp view view-name systemview view-type included oid .1\n"
       "snmp access group-name ROGroup prefix exact model any level noauth read systemview "
       "write none\n"
       "route dynamic bgp\n"
       "    neighbor 192.0.2.1\n"
       "        send-community standard\n",
       {{"TnsrC0mm", "TnsrC0mm"}}},
      {"F5 BIG-IP, IOS-XR NETCONF, pfSense, VyOS trap target",
       {"vyos"},
       "sys snmp {\n"
       "    communities {\n"
       "        /Common/comm-nms {\n"
       "            community-name F5C0mm\n"
       "            source 192.0.2.0/24\n"
       "        }\n"
       "    }\n"
       "}\n"
       "     <default-community>\n"
       "      <community-name>XrC0mm</community-name>\n"
       "      <priviledge>read-only</priviledge>\n"
       "     </default-community>\n"
       "\t\t<rocommunity>PfR0comm</rocommunity>\n"
       "set service snmp trap-target 192.0.2.70 community 'VyTr4p'\n"
       "set service snmp trap-target 192.0.2.70 port '162'\n",
       {{"F5C0mm", "F5C0mm"},
        {"XrC0mm", "XrC0mm"},
        {"PfR0comm", "PfR0comm"},
        {"VyTr4p", "VyTr4p"}}},
      {"Junos NETCONF XML: SNMP communities, not BGP ones",
       {"juniper_junos"},
       "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/21.4R3/junos\">\n"
       "<configuration junos:commit-seconds=\"1795944612\"\n"
       "               junos:commit-user=\"netops\">\n"
       "  <snmp>\n"
       "    <location>lab rack 4</location>\n"
       "    <community>\n"
       "      <name>JnxR34d</name>\n"
       "      <authorization>read-only</authorization>\n"
       "      <clients>\n"
       "        <name>192.0.2.0/24</name>\n"
       "      </clients>\n"
       "      <routing-instance>\n"
       "        <name>mgmt-vrf</name>\n"
       "      </routing-instance>\n"
       "    </community>\n"
       "    <community inactive=\"inactive\">\n"
       "      <name>JnxIn4ctive</name>\n"
       "    </community>\n"
       "    <community><name>JnxOneL1ne</name><authorization>read-write</authorization>"
       "</community>\n"
       "    <v3>\n"
       "      <snmp-community>\n"
       "        <community-index>idx1</community-index>\n"
       "        <security-name>v2c-user</security-name>\n"
       "      </snmp-community>\n"
       "    </v3>\n"
       "  </snmp>\n"
       "  <policy-options>\n"
       "    <community>\n"
       "      <name>vrf-red</name>\n"
       "      <members>target:65000:1</members>\n"
       "    </community>\n"
       "    <policy-statement>\n"
       "      <name>export-red</name>\n"
       "      <term>\n"
       "        <name>t1</name>\n"
       "        <from>\n"
       "          <community>vrf-red</community>\n"
       "        </from>\n"
       "      </term>\n"
       "    </policy-statement>\n"
       "  </policy-options>\n"
       "</configuration>\n"
       "</rpc-reply>\n",
       {{"JnxR34d", "JnxR34d"}, {"JnxIn4ctive", "JnxIn4ctive"}, {"JnxOneL1ne", "JnxOneL1ne"}}},
      {"Junos trap groups (set, braces, XML): the name is the trap community",
       {"juniper_junos"},
       "set snmp trap-options source-address lo0\n"
       "set snmp trap-group JnxTr4pSet categories chassis\n"
       "set snmp trap-group \"Jnx Tr4p Qu0ted\" targets 192.0.2.9\n"
       "set groups lab snmp trap-group JnxTr4pGr0up version v2\n"
       "snmp {\n"
       "    trap-group JnxTr4pBr4ce {\n"
       "        version v2;\n"
       "        categories {\n"
       "            link;\n"
       "        }\n"
       "        targets {\n"
       "            192.0.2.9;\n"
       "        }\n"
       "    }\n"
       "}\n"
       "<snmp>\n"
       "  <trap-group>\n"
       "    <name>JnxTr4pXml</name>\n"
       "    <targets>\n"
       "      <name>192.0.2.9</name>\n"
       "    </targets>\n"
       "  </trap-group>\n"
       "</snmp>\n",
       {{"JnxTr4pSet", "JnxTr4pSet"},
        {"Jnx Tr4p Qu0ted", "Jnx Tr4p Qu0ted"},
        {"JnxTr4pGr0up", "JnxTr4pGr0up"},
        {"JnxTr4pBr4ce", "JnxTr4pBr4ce"},
        {"JnxTr4pXml", "JnxTr4pXml"}}},
      {"VyOS braces: trap-target community, not route-map communities",
       {"vyos"},
       "policy {\n"
       "    route-map ExportRouteMap {\n"
       "        rule 5 {\n"
       "            action permit\n"
       "            set {\n"
       "                community 65000:666\n"
       "            }\n"
       "        }\n"
       "    }\n"
       "}\n"
       "service {\n"
       "    snmp {\n"
       "        community V7R0comm {\n"
       "            authorization ro\n"
       "            network 192.0.2.0/24\n"
       "        }\n"
       "        trap-target 192.0.2.70 {\n"
       "            community V7Tr4p\n"
       "            port 162\n"
       "        }\n"
       "        trap-target 192.0.2.71 {\n"
       "            community \"V7 Qu0ted\"\n"
       "        }\n"
       "    }\n"
       "}\n",
       {{"V7R0comm", "V7R0comm"}, {"V7Tr4p", "V7Tr4p"}, {"V7 Qu0ted", "V7 Qu0ted"}}},
      {"PAN-OS trap server profiles (braces, set, XML) and SNMP XML, not BGP communities",
       {"paloalto_panos"},
       "shared {\n"
       "  log-settings {\n"
       "    snmptrap {\n"
       "      nms-traps {\n"
       "        version {\n"
       "          v2c {\n"
       "            server {\n"
       "              nms1 {\n"
       "                manager 192.0.2.5;\n"
       "                community P4nTr4p;\n"
       "              }\n"
       "            }\n"
       "          }\n"
       "        }\n"
       "      }\n"
       "    }\n"
       "  }\n"
       "}\n"
       "network {\n"
       "  virtual-router {\n"
       "    vr1 {\n"
       "      protocol {\n"
       "        bgp {\n"
       "          policy {\n"
       "            export {\n"
       "              rules {\n"
       "                export1 {\n"
       "                  action {\n"
       "                    allow {\n"
       "                      update {\n"
       "                        community none;\n"
       "                      }\n"
       "                    }\n"
       "                  }\n"
       "                }\n"
       "              }\n"
       "            }\n"
       "          }\n"
       "        }\n"
       "      }\n"
       "    }\n"
       "  }\n"
       "}\n"
       "set shared log-settings snmptrap nms-traps version v2c server nms2 manager 192.0.2.6\n"
       "set shared log-settings snmptrap nms-traps version v2c server nms2 community P4nS3tTr4p\n"
       "set network virtual-router vr1 protocol bgp policy import rules import1 action allow "
       "update community none\n"
       "<log-settings>\n"
       "  <snmptrap>\n"
       "    <entry name=\"nms-traps\">\n"
       "      <version>\n"
       "        <v2c>\n"
       "          <server>\n"
       "            <entry name=\"nms3\">\n"
       "              <manager>192.0.2.7</manager>\n"
       "              <community>P4nXmlTr4p</community>\n"
       "            </entry>\n"
       "          </server>\n"
       "        </v2c>\n"
       "      </version>\n"
       "    </entry>\n"
       "  </snmptrap>\n"
       "</log-settings>\n"
       "<snmp-setting>\n"
       "  <access-setting>\n"
       "    <version>\n"
       "      <v2c>\n"
       "        <snmp-community-string>P4nXmlR34d</snmp-community-string>\n"
       "      </v2c>\n"
       "    </version>\n"
       "  </access-setting>\n"
       "</snmp-setting>\n",
       {{"P4nTr4p", "P4nTr4p"},
        {"P4nS3tTr4p", "P4nS3tTr4p"},
        {"P4nXmlTr4p", "P4nXmlTr4p"},
        {"P4nXmlR34d", "P4nXmlR34d"}}},
      {"Cumulus NCLU and NVUE",
       {},
       "net add snmp-server listening-address localhost\n"
       "net add snmp-server system-location \"lab rack 4\"\n"
       "net add snmp-server readonly-community CuR34d access any\n"
       "net add snmp-server readonly-community-v6 CuR34d6 access any\n"
       "nv set service snmp-server readonly-community NvR34d access 192.0.2.0/24\n"
       "nv set service snmp-server readwrite-community NvWr1te access 192.0.2.10\n"
       "net add routing route-map RM permit 10 set community 65000:100\n"
       "net add bgp neighbor swp51 send-community extended\n",
       {{"CuR34d ", "CuR34d"},
        {"CuR34d6", "CuR34d6"},
        {"NvR34d", "NvR34d"},
        {"NvWr1te", "NvWr1te"}}},
      {"Huawei VRP trap targets (v1/v2c security name = community)",
       {"huawei_vrp"},
       "snmp-agent\n"
       "snmp-agent sys-info version v2c v3\n"
       "snmp-agent target-host trap address udp-domain 192.0.2.5 params securityname VrpTr4p v2c\n"
       "snmp-agent target-host inform address udp-domain 192.0.2.6 vpn-instance mgmt params "
       "securityname VrpInf0rm v2c private-netmanager\n"
       "snmp-agent target-host trap address udp-domain 192.0.2.7 params securityname VrpV1\n"
       "snmp-agent target-host trap address udp-domain 192.0.2.8 params securityname v3admin v3 "
       "privacy\n"
       "snmp-agent usm-user v3 v3admin group nms-group\n"
       "snmp-agent trap enable\n",
       {{"VrpTr4p", "VrpTr4p"}, {"VrpInf0rm", "VrpInf0rm"}, {"VrpV1", "VrpV1"}}},
      {"Netgear managed switch (FASTPATH)",
       {},
       "snmp-server sysname \"M4300-core\"\n"
       "snmp-server community rw NgFpWr1te\n"
       "snmp-server community ro NgFpR34d\n"
       "snmp-server community \"NgFpName\"\n"
       "snmp-server enable traps\n",
       {{"rw NgFpWr1te", "NgFpWr1te"}, {"ro NgFpR34d", "NgFpR34d"}, {"NgFpName", "NgFpName"}}},
  };
  return snippets;
}
}  // namespace

TEST_CASE(
    "EXOS - SR OS - Netgear - TNSR - Junos XML - VyOS - PAN-OS - Cumulus - VRP community forms") {
  for (const CommunitySnippet& snippet : community_snippets()) {
    INFO(snippet.platform);
    // The common patterns: exactly these values, every other line unchanged.
    NormaliseStats stats;
    CHECK(Normaliser(netaudit::test::redaction_key()).redact(snippet.config, &stats) ==
          with_markers(snippet.config, snippet.redactions));
    CHECK(stats.secrets_redacted == snippet.redactions.size());
    // The platform's profile: the same markers (its own patterns may redact more, such as the
    // SR OS profiles' any `community "X"`, BGP communities included).
    for (const std::string& profile : snippet.profiles) {
      INFO("through " << profile);
      const std::string out =
          Normaliser(load_profile_by_name(profile), netaudit::test::redaction_key())
              .redact(snippet.config);
      for (const Redaction& redaction : snippet.redactions) {
        CHECK(out.find(redaction.secret) == std::string::npos);
        CHECK(out.find(masked_form(redaction.secret)) != std::string::npos);
      }
    }
  }
}

TEST_CASE("XML community names: comments, CDATA, tags across lines, prefixes, markers") {
  const Normaliser normaliser(netaudit::test::redaction_key());
  const std::string config =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<junos:snmp\n"
      "    xmlns:junos=\"http://xml.juniper.net/junos/21.4R3/junos\" note=\"a > b\">\n"
      "  <!-- <community><name>InAC0mment</name></community>\n"
      "       still a comment <name>StillC0mment</name> -->\n"
      "  <junos:community>\n"
      "    <junos:name>  Pr3fixed  </junos:name>\n"
      "  </junos:community>\n"
      "  <community><![CDATA[ <name>InCd4ta</name> ]]><name>AfterCd4ta</name></community>\n"
      "  <community>\n"
      "    <name>Tw0Lines\n"
      "    </name>\n"
      "  </community>\n"
      "  <community><name/><name>AfterEmpty</name></community>\n"
      "</junos:snmp>\n"
      "<community><name>OutsideSnmp</name></community>\n"
      // ietf-snmp: the community string is text-name.
      "<snmp xmlns=\"urn:ietf:params:xml:ns:yang:ietf-snmp\"><community><index>1</index>"
      "<text-name>IetfC0mm</text-name><security-name>ro-sec</security-name></community></snmp>\n";
  const std::string expected = with_markers(config, {{"Pr3fixed", "Pr3fixed"},
                                                     {"AfterCd4ta", "AfterCd4ta"},
                                                     {"Tw0Lines", "Tw0Lines"},
                                                     {"AfterEmpty", "AfterEmpty"},
                                                     {"IetfC0mm", "IetfC0mm"}});
  CHECK(normaliser.redact(config) == expected);
  // Redacting again changes nothing: a marker is not read as a tag.
  CHECK(normaliser.redact(expected) == expected);
}

TEST_CASE("IOS: a community named ro or rw is not read as the Netgear access word") {
  const Normaliser normaliser(netaudit::test::redaction_key());
  CHECK(normaliser.redact("snmp-server community ro RO\n") ==
        "snmp-server community " + redaction_marker("ro") + " RO\n");
  CHECK(normaliser.redact("snmp-server community rw RW 10\n") ==
        "snmp-server community " + redaction_marker("rw") + " RW 10\n");
  CHECK(normaliser.redact("snmp-server community rw N3tg34r\n") ==
        "snmp-server community rw " + redaction_marker("N3tg34r") + "\n");
}

TEST_CASE("FortiOS SNMPv3 user passwords are redacted, ENC or plain") {
  const std::string user =
      "config system snmp user\n    edit \"nms\"\n        set auth-pwd ENC QmxvYjEyMzQ1Njc4\n"
      "        set priv-pwd Pl4inPriv\n    next\nend\n";
  const Normaliser fortios(load_profile_by_name("fortinet_fortios"),
                           netaudit::test::redaction_key());
  const std::string out = fortios.redact(user);
  CHECK(out ==
        with_markers(user, {{"QmxvYjEyMzQ1Njc4", "QmxvYjEyMzQ1Njc4"}, {"Pl4inPriv", "Pl4inPriv"}}));
  // Without the profile, the ENC blob is still caught by the common `ENC ...` rule.
  CHECK(Normaliser(netaudit::test::redaction_key()).redact(user).find("QmxvYjEyMzQ1Njc4") ==
        std::string::npos);
}

TEST_CASE("volatile lines are removed per profile") {
  const Profile ios = load_profile_by_name("cisco_ios");
  const Normaliser normaliser(ios, netaudit::test::redaction_key());
  const std::string config =
      "Building configuration...\n\nCurrent configuration : 1234 bytes\n"
      "! Last configuration change at 10:00:01 UTC Mon Jan 1 2024 by admin\n"
      "! NVRAM config last updated at 10:00:02 UTC Mon Jan 1 2024 by admin\n"
      "!\nversion 15.2\nntp clock-period 17179869\nhostname r1\nend\n";
  NormaliseStats stats;
  const std::string out = normaliser.normalise(config, &stats);
  CHECK(out == "\n!\nversion 15.2\nhostname r1\nend\n");
  CHECK(stats.volatile_lines_removed == 5);

  const Normaliser nxos(load_profile_by_name("cisco_nxos"), netaudit::test::redaction_key());
  CHECK(nxos.normalise(
            "!Command: show running-config\n!Time: Mon Jan  1 10:00:00 2024\nfeature ssh\n") ==
        "!Command: show running-config\nfeature ssh\n");
  const Normaliser junos(load_profile_by_name("juniper_junos"), netaudit::test::redaction_key());
  CHECK(junos.normalise("## Last commit: 2024-01-01 10:00:00 UTC by admin\nversion 21.4R1;\n") ==
        "version 21.4R1;\n");
  const Normaliser ros(load_profile_by_name("mikrotik_routeros"), netaudit::test::redaction_key());
  CHECK(ros.normalise("# 2024-01-01 10:00:00 by RouterOS 7.12\n# software id = ABCD\n") ==
        "# software id = ABCD\n");
  // CRLF in, LF out.
  CHECK(normaliser.normalise("hostname r1\r\nend\r\n") == "hostname r1\nend\n");
}

// Detection patterns, independent of the redaction patterns: each captures a value that must
// be a redaction marker (or empty / an obvious placeholder) after normalisation.
namespace {
const std::vector<std::string>& detection_patterns() {
  static const std::vector<std::string> patterns = {
      R"(\$(?:1|5|6|8|9)\$([A-Za-z0-9./]{4,}))",
      R"(\bENC ([A-Za-z0-9+/=]{8,}))",
      R"(\b(?:password|secret|key) [0-9] ([^\s<]\S*))",
      R"(\b(?:enable|username \S+) .*\b(?:secret|password) (?:[0-9] )?([^\s<]\S*))",
      R"(%\^%#([^%]+)%\^%#)",
      R"(<(?:phash|password|encrypted-password|plain-text-password-value|simple-password|)"
      R"(authentication-key|privacy-key|ascii-text)>([^<]+)<)",
      R"(\b(?:encrypted-password|authentication-key|pre-shared-key|pre-shared-secret|)"
      R"(simple-password) ["']([^"'<][^"']*)["'])",
      R"re(\bplain-text-password-value ("[^"]*"|[^\s";]+))re",
      R"(\bpassword=([^\s<"]+))",
  };
  return patterns;
}

// Community names, whose value may also be the well-known `public` or `private` in clear.
const std::vector<std::string>& community_detection_patterns() {
  static const std::vector<std::string> patterns = {
      // IOS and the like; Netgear FASTPATH puts the access word first (`rw X`).
      R"(^\s*snmp-server community (?:(?:ro|rw) )?("?[^\s"]+))",
      R"(\bsnmp(?:-server)? host \S+ .*\bversion (?:1|2c) (?:community )?("?[^\s"]+))",
      R"(\btrap-community=("?[^\s"]+))",
      // Any `snmp [add] community`, but not a RouterOS menu path (`/snmp community add`).
      R"((?:^|\s)snmp (?:add )?community (?:community-name |readonly |readwrite |encrypted )*)"
      R"(("?[^\s"]+))",
      R"(\bsnmpv3 add community ("?[^\s"]+))",
      R"(\bsnmpv3 add community .* name ("?[^\s"]+))",
      R"(\btrapreceiver .*\bcommunity ("?[^\s"]+))",
      R"(^\s*community ("[^"]*"|\S+) (?:hash2 )?(?:r|rw|rwa) version)",
      R"(^\s*community ("[^"]*"|\S+) \{)",
      R"(\bnotify-community ("?[^\s"]+))",
      R"(\bcommunity-name ("?[^\s"<]+))",
      R"(\btrap-target \S+ community (["']?[^\s"']+))",
      R"(<(?:community-name|community-string|snmp-community-string|rocommunity|rwcommunity)>)"
      R"(([^<]+)<)",
      R"(\bsnmptrap .*\bcommunity ("?[^\s"]+))",
      // Junos trap groups (their name is the trap community).
      R"((?:^|\s)snmp trap-group ("[^"]*"|\S+))",
      R"(^\s*trap-group ("[^"]*"|\S+) \{)",
      R"(\bread(?:only|write)-community(?:-v6)? ("?[^\s"]+))",
      // VRP: the security name of a v1/v2c target (v1 when no version is given).
      R"(\bsecurityname (?:cipher )?("?[^\s"]+)(?: v1| v2c|\s*$))",
  };
  return patterns;
}

// Community names that only their block identifies, read independently of the normaliser and
// deliberately simply: FortiOS `set name X` directly in `config system snmp community` (nested
// `config`s counted), RouterOS `name=X` in a command under `/snmp community` (a line with that
// path, or any line after a bare `/snmp community` header until the next `/` line; a line
// ending in a backslash continues the command).
class CommunityNameDetector {
 public:
  std::vector<std::string> names(const std::string& line) {
    std::vector<std::string> found;
    const bool continued = continued_;
    continued_ = !line.empty() && line.back() == '\\';
    std::string value;
    if (re2::RE2::FullMatch(line, R"(\s*config system snmp community\s*)")) {
      fortios_depth_ = 1;
    } else if (fortios_depth_ > 0) {
      if (re2::RE2::PartialMatch(line, R"(^\s*config )")) {
        ++fortios_depth_;
      } else if (re2::RE2::FullMatch(line, R"(\s*end\s*)")) {
        --fortios_depth_;
      } else if (fortios_depth_ == 1 &&
                 re2::RE2::PartialMatch(line, R"(^\s*set name "?([^"\s]*))", &value)) {
        found.push_back(value);
      }
    }
    if (!continued) {
      const bool community_path = re2::RE2::PartialMatch(line, R"(^/snmp[ /]community\b)");
      if (!line.empty() && line.front() == '/') {
        if (!community_path || re2::RE2::FullMatch(line, R"(/snmp[ /]community\s*)"))
          routeros_menu_ = community_path;
        routeros_command_ = community_path;
      } else {
        routeros_command_ = routeros_menu_;
      }
    }
    if (routeros_command_) {
      re2::StringPiece input(line);
      static const re2::RE2 name(R"((?:^|\s)name="?([^"\s\]]*))");
      while (re2::RE2::FindAndConsume(&input, name, &value))
        found.push_back(value);
    }
    braces(line, found);
    xml(line, found);
    return found;
  }

 private:
  // Brace blocks by their header line: `community X` directly in `trap-target H {` (VyOS) or
  // anywhere under `snmptrap {` (PAN-OS).
  void braces(const std::string& line, std::vector<std::string>& found) {
    std::string value;
    if (re2::RE2::PartialMatch(line, R"re(^\s*community "?([^";]+?)"?;?\s*$)re", &value) &&
        !headers_.empty() &&
        (headers_.back().starts_with("trap-target ") ||
         std::any_of(headers_.begin(), headers_.end(), [](const std::string& h) {
           return h == "snmptrap" || h.starts_with("snmptrap ");
         })))
      found.push_back(value);
    std::string header;
    if (re2::RE2::PartialMatch(line, R"(^\s*})") && !headers_.empty()) headers_.pop_back();
    if (re2::RE2::FullMatch(line, R"(\s*(.*\S)\s*\{\s*)", &header)) headers_.push_back(header);
  }

  // XML elements by regex, tag by tag: the path from an <snmp> or <snmptrap> element down;
  // Junos/ietf-snmp <snmp><community><name|text-name>X, Junos <snmp><trap-group><name>X,
  // PAN-OS <snmptrap>...<community>X.
  void xml(const std::string& line, std::vector<std::string>& found) {
    // A marker (`<redacted:sha256:...>`) is no tag: a name is followed by a blank, `/` or `>`.
    static const re2::RE2 tag(R"(<(/?)(?:[\w-]+:)?([\w-]+)(?:\s[^<>]*?)?(/?)>([^<]*))");
    re2::StringPiece input(line);
    std::string closing, name, empty, text;
    while (re2::RE2::FindAndConsume(&input, tag, &closing, &name, &empty, &text)) {
      if (!closing.empty()) {
        if (!xml_path_.empty()) xml_path_.pop_back();
        continue;
      }
      if (!empty.empty() || (xml_path_.empty() && name != "snmp" && name != "snmptrap")) continue;
      xml_path_.push_back(name);
      const bool junos =
          xml_path_.size() == 3 && xml_path_[0] == "snmp" &&
          ((xml_path_[1] == "community" && (name == "name" || name == "text-name")) ||
           (xml_path_[1] == "trap-group" && name == "name"));
      const bool panos = xml_path_[0] == "snmptrap" && name == "community";
      if (junos || panos) {
        const std::size_t first = text.find_first_not_of(" \t");
        found.push_back(first == std::string::npos
                            ? std::string()
                            : text.substr(first, text.find_last_not_of(" \t") - first + 1));
      }
    }
  }

  std::vector<std::string> headers_;   // open brace blocks
  std::vector<std::string> xml_path_;  // from <snmp>/<snmptrap> down
  int fortios_depth_ = 0;
  bool routeros_menu_ = false;
  bool routeros_command_ = false;
  bool continued_ = false;
};

std::string_view unquoted(std::string_view value) {
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.remove_prefix(1);
  if (!value.empty() && (value.back() == '"' || value.back() == '\'')) value.remove_suffix(1);
  return value;
}

// `public` or `private` in any case: a community name the normaliser must keep readable.
bool is_well_known(std::string_view value) {
  std::string lower(unquoted(value));
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "public" || lower == "private";
}

// The marker of a well-known community: it must not stand where a community name is.
bool is_well_known_marker(std::string_view value) {
  const std::string_view inner = unquoted(value);
  for (std::string_view word : {"public", "private", "Public", "Private", "PUBLIC", "PRIVATE"})
    if (inner == redaction_marker(word)) return true;
  return false;
}

// Fine after redaction: a marker, empty, masked ("*****"), or an encryption type ("5").
bool is_placeholder(std::string_view value) {
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.remove_prefix(1);
  value.remove_prefix(scheme_prefix(value));
  if (value.rfind("redacted", 0) == 0) return true;
  // The detectors are deliberately naive: a qualifier word may be taken for the value.
  for (std::string_view word : {"sha512", "encrypted", "md5", "cipher", "0", "7"})
    if (value == word) return true;
  if (value.size() <= 2 && value.find_first_not_of("0123456789") == std::string_view::npos)
    return true;
  return value.empty() || value.find_first_not_of("*") == std::string_view::npos;
}

std::vector<std::unique_ptr<re2::RE2>> compile_all(const std::vector<std::string>& patterns) {
  std::vector<std::unique_ptr<re2::RE2>> compiled;
  for (const std::string& pattern : patterns) {
    compiled.push_back(std::make_unique<re2::RE2>(pattern));
    REQUIRE(compiled.back()->ok());
  }
  return compiled;
}

// What a redacted config must not contain, read line by line: a value a secret detector finds
// that is not a placeholder; a community name (community detectors, block reader) that is
// neither a placeholder nor `public`/`private`; the marker of `public`/`private` where a
// community name stands (the defaults must stay readable).
class LeakDetector {
 public:
  struct Report {
    std::vector<std::string> leaks;  // each: what was left
    std::size_t communities = 0;     // community names seen
    std::size_t well_known = 0;      // of which public/private in clear
  };

  Report check(const std::string& line) {
    static const auto secrets = compile_all(detection_patterns());
    static const auto communities = compile_all(community_detection_patterns());
    Report report;
    for (const auto& detector : secrets) {
      std::string value;
      re2::StringPiece input(line);
      while (re2::RE2::FindAndConsume(&input, *detector, &value))
        if (!is_placeholder(value)) report.leaks.push_back("secret left: " + value);
    }
    std::vector<std::string> names = block_names_.names(line);
    for (const auto& detector : communities) {
      std::string value;
      re2::StringPiece input(line);
      while (re2::RE2::FindAndConsume(&input, *detector, &value))
        names.push_back(value);
    }
    for (const std::string& value : names) {
      ++report.communities;
      if (is_well_known(value)) {
        ++report.well_known;
      } else if (is_well_known_marker(value)) {
        report.leaks.push_back("well-known community hidden: " + value);
      } else if (!is_placeholder(value)) {
        report.leaks.push_back("community left: " + value);
      }
    }
    return report;
  }

 private:
  CommunityNameDetector block_names_;
};

// Every leak the detectors report in `text`, one per line of the result.
std::string leaks_in(const std::string& text) {
  LeakDetector detector;
  std::istringstream lines(text);
  std::string line;
  std::string leaks;
  while (std::getline(lines, line))
    for (const std::string& leak : detector.check(line).leaks)
      leaks += leak + "\n";
  return leaks;
}
}  // namespace

TEST_CASE("the corpus detectors would catch every community form left in clear") {
  // Unredacted, each snippet's community names are leaks to the detectors; redacted, none is.
  for (const CommunitySnippet& snippet : community_snippets()) {
    INFO(snippet.platform);
    std::vector<std::string> found;
    for (const bool redacted : {false, true}) {
      const std::string text =
          redacted ? Normaliser(netaudit::test::redaction_key()).redact(snippet.config)
                   : snippet.config;
      LeakDetector detector;
      std::istringstream lines(text);
      std::string line;
      std::size_t leaks = 0;
      while (std::getline(lines, line)) {
        const LeakDetector::Report report = detector.check(line);
        leaks += report.leaks.size();
        if (!redacted) found.insert(found.end(), report.leaks.begin(), report.leaks.end());
      }
      if (redacted) CHECK(leaks == 0);
    }
    for (const Redaction& redaction : snippet.redactions) {
      INFO(redaction.secret);
      CHECK(std::any_of(found.begin(), found.end(), [&](const std::string& leak) {
        return leak.find(redaction.secret) != std::string::npos;
      }));
    }
  }
}

TEST_CASE("Junos passwords and keys are redacted in set, brace and XML forms") {
  const std::string config =
      "set system root-authentication plain-text-password-value R00tV4lue\n"
      "set system login user ops authentication plain-text-password-value \"Pl41n V4lue\"\n"
      "set system login user ops authentication encrypted-password \"$6$Qz9k$S3tHash.x/y\"\n"
      "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 authentication simple-password "
      "\"$9$S1mpleS3t\"\n"
      "set protocols bgp group ext authentication-key \"$9$BgpK3yS3t\"\n"
      "system {\n"
      "    root-authentication {\n"
      "        plain-text-password-value \"Br4ceV4lue\";\n"
      "        encrypted-password \"$6$Qz9k$Br4ceHash\"; ## SECRET-DATA\n"
      "    }\n"
      "}\n"
      "protocols {\n"
      "    ospf {\n"
      "        area 0.0.0.0 {\n"
      "            interface ge-0/0/0.0 {\n"
      "                authentication {\n"
      "                    simple-password \"$9$S1mpleBr4ce\"; ## SECRET-DATA\n"
      "                }\n"
      "            }\n"
      "        }\n"
      "    }\n"
      "    bgp {\n"
      "        authentication-key \"$9$BgpK3yBr4ce\"; ## SECRET-DATA\n"
      "    }\n"
      "}\n"
      "<root-authentication>\n"
      "  <plain-text-password-value>Xml V4lue</plain-text-password-value>\n"
      "  <encrypted-password>$6$Qz9k$XmlHash</encrypted-password>\n"
      "</root-authentication>\n"
      "<authentication>\n"
      "  <simple-password>$9$S1mpleXml</simple-password>\n"
      "</authentication>\n"
      "<authentication-key>$9$BgpK3yXml</authentication-key>\n"
      "<privacy-aes128>\n"
      "  <privacy-key>$9$Pr1vK3yXml</privacy-key>\n"
      "</privacy-aes128>\n"
      "<pre-shared-key>\n"
      "  <ascii-text>$9$IkePskXml</ascii-text>\n"
      "</pre-shared-key>\n"
      // Not a secret: the authentication order.
      "set system authentication-order [ radius password ]\n";
  const std::vector<Redaction> redactions = {
      {"R00tV4lue", "R00tV4lue"},
      {"Pl41n V4lue", "Pl41n V4lue"},
      {"$6$Qz9k$S3tHash.x/y", "$6$Qz9k$S3tHash.x/y"},
      {"$9$S1mpleS3t", "$9$S1mpleS3t"},
      {"$9$BgpK3yS3t", "$9$BgpK3yS3t"},
      {"Br4ceV4lue", "Br4ceV4lue"},
      {"$6$Qz9k$Br4ceHash", "$6$Qz9k$Br4ceHash"},
      {"$9$S1mpleBr4ce", "$9$S1mpleBr4ce"},
      {"$9$BgpK3yBr4ce", "$9$BgpK3yBr4ce"},
      {"Xml V4lue", "Xml V4lue"},
      {"$6$Qz9k$XmlHash", "$6$Qz9k$XmlHash"},
      {"$9$S1mpleXml", "$9$S1mpleXml"},
      {"$9$BgpK3yXml", "$9$BgpK3yXml"},
      {"$9$Pr1vK3yXml", "$9$Pr1vK3yXml"},
      {"$9$IkePskXml", "$9$IkePskXml"},
  };
  const std::string expected = with_markers(config, redactions);
  NormaliseStats stats;
  CHECK(Normaliser(netaudit::test::redaction_key()).redact(config, &stats) == expected);
  CHECK(stats.secrets_redacted == redactions.size());
  CHECK(Normaliser(load_profile_by_name("juniper_junos"), netaudit::test::redaction_key())
            .redact(config) == expected);
  // The independent detectors find every one of them in the input, and none in the output.
  for (const Redaction& redaction : redactions) {
    INFO(redaction.secret);
    CHECK(leaks_in(config).find(redaction.secret) != std::string::npos);
  }
  CHECK(leaks_in(expected).empty());
}

TEST_CASE("corpus: after redaction no known secret pattern remains - other lines unchanged") {
  const auto corpus = netaudit::test::corpus_dir();
  if (!corpus) NETAUDIT_SKIP(netaudit::test::corpus_absent_reason());
  const Normaliser common(netaudit::test::redaction_key());
  // Files of a platform with a profile also go through that profile's own patterns.
  std::map<std::string, Normaliser> by_platform;
  for (const std::string& platform : available_platforms())
    by_platform.emplace(
        platform, Normaliser(load_profile_by_name(platform), netaudit::test::redaction_key()));
  std::size_t files = 0;
  std::size_t redactions = 0;
  std::size_t leaks = 0;
  // The community detectors see real shapes: they find names in the corpus as fetched, and
  // some of them are well-known defaults, which must come out in clear.
  std::size_t community_names_in_input = 0;
  std::size_t well_known_kept = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(*corpus)) {
    if (!entry.is_regular_file() || entry.path().filename() == "MANIFEST.tsv") continue;
    const std::string text = netaudit::test::read_file(entry.path());
    NormaliseStats stats;
    const auto platform = by_platform.find(entry.path().parent_path().filename().string());
    const Normaliser& normaliser = platform != by_platform.end() ? platform->second : common;
    const std::string out = normaliser.redact(text, &stats);
    ++files;
    redactions += stats.secrets_redacted;
    {
      LeakDetector input_detector;
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        community_names_in_input += input_detector.check(line).communities;
      }
    }
    LeakDetector detector;
    // Line by line: unchanged, or changed only where a marker now stands.
    std::istringstream in_lines(text), out_lines(out);
    std::string before, after;
    std::size_t line_no = 0;
    // PEM key bodies collapse into one marker line: compare lines only without them.
    const bool compare_lines = text.find("PRIVATE KEY-----") == std::string::npos;
    while (std::getline(out_lines, after)) {
      ++line_no;
      const LeakDetector::Report report = detector.check(after);
      well_known_kept += report.well_known;
      for (const std::string& leak : report.leaks) {
        ++leaks;
        FAIL_CHECK(entry.path().string() << ":" << line_no << ": " << leak << ": " << after);
      }
      if (!compare_lines) continue;
      if (!std::getline(in_lines, before)) break;
      if (!before.empty() && before.back() == '\r') before.pop_back();
      if (before == after) continue;
      // Every piece of the output line outside the markers appears, in order, in the input.
      std::size_t pos = 0;
      std::size_t cursor = 0;
      bool ok = true;
      while (cursor <= after.size()) {
        const std::size_t marker = after.find("redacted-", cursor);
        const std::string piece =
            after.substr(cursor, marker == std::string::npos ? std::string::npos : marker - cursor);
        const std::size_t found = before.find(piece, pos);
        if (found == std::string::npos) {
          ok = false;
          break;
        }
        pos = found + piece.size();
        if (marker == std::string::npos) break;
        cursor = marker + redaction_marker("").size();
      }
      if (!ok)
        FAIL_CHECK(entry.path().string() << ":" << line_no << ": line changed beyond redaction: "
                                         << before << " -> " << after);
    }
  }
  INFO("files " << files << ", redactions " << redactions << ", leaks " << leaks
                << ", community names in input " << community_names_in_input
                << ", well-known communities kept " << well_known_kept);
  CHECK(files > 100);
  CHECK(community_names_in_input > 0);
  CHECK(well_known_kept > 0);
  CHECK(redactions > 100);
  CHECK(leaks == 0);
}
