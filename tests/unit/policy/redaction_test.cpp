// Secrets never leave the engine: built-in masks, pack `redact:` patterns and secret fact
// values, checked line by line and over every fixture (and the corpus when present).
#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "child_check.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/report.hpp"
#include "policy_test_util.hpp"
#include "skip.hpp"
#include "test_paths.hpp"

namespace {

using netaudit::policy::redact_line;
using netaudit::policy::Redactor;

bool masked(const std::string& text, const std::string& secret) {
  return text.find(secret) == std::string::npos && text.find("<redacted>") != std::string::npos;
}

// Facts of one config, for the secret values a Redactor masks.
netaudit::policy::DeviceFacts facts_of(const std::string& platform, std::string text,
                                       netaudit::Syntax syntax) {
  auto parsed = netaudit::parse_config(std::move(text), syntax);
  return netaudit::test::shipped_policy().extract(platform, parsed.tree);
}

// Patterns that find secret values in config text, independent of the engine's own masks
// (kept separate on purpose: a mistake in one should not hide in the other).
const std::vector<std::unique_ptr<re2::RE2>>& secret_detectors() {
  static const std::vector<std::unique_ptr<re2::RE2>> detectors = [] {
    const char* sources[] = {
        R"(\$(?:1|5|6|8|9)\$([A-Za-z0-9./$]{4,}))",
        R"(\bENC\s+([A-Za-z0-9+/=]{8,}))",
        R"((?i)(?:^|\s)(?:password|secret|passphrase|pre-shared-secret|pre-shared-key|preshared-key|psksecret|key-string|shared-secret|auth-password|priv-password|authentication-key|encrypted-password|plaintext-password|md5-key)(?:\s+|\s*=\s*)(?:(?:\d{1,2}|ENC|cipher|simple|hash2?|encrypted|sha\d*|md5)\s+)?["']?([^\s"'<>\]\[;{}]{4,}))",
        R"(<(?:phash|password|password-hashed|secret|secret-key|secret-key-hashed|private-key|key|shared-secret|authentication-key|pre-shared-key|snmp-community-string)>([^<]{4,})<)",
        R"((?:^|\s)(?:private-key|wpa2?-pre-shared-key|encryption-password|password|secret)=("?[^\s"<]{4,}))",
        R"(%\^%#([^%]+)%\^%#)",
        R"((?i)^\s*snmp-server community\s+"?([^\s"]+))",
        R"((?i)^\s*snmp-agent community (?:read|write) (?:cipher |simple )?"?([^\s"]+))",
    };
    std::vector<std::unique_ptr<re2::RE2>> out;
    for (const char* s : sources) {
      out.push_back(std::make_unique<re2::RE2>(s));
      if (!out.back()->ok()) throw std::runtime_error(std::string("bad detector: ") + s);
    }
    return out;
  }();
  return detectors;
}

bool not_a_secret(std::string value) {
  if (!value.empty() && value.front() == '"') value.erase(0, 1);
  if (!value.empty() && value.back() == '"') value.pop_back();
  for (char& c : value)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Keywords that follow `password`/`secret` in real syntax, and masks a vendor already applied.
  static const std::set<std::string> kKeywords = {"public",
                                                  "private",
                                                  "<redacted>",
                                                  "encrypted",
                                                  "clear",
                                                  "type",
                                                  "minimum",
                                                  "minimum-length",
                                                  "irreversible-cipher",
                                                  "strength-check",
                                                  "encryption",
                                                  "policy",
                                                  "format",
                                                  "address",
                                                  "ascii-text",
                                                  "hexadecimal",
                                                  "cipher",
                                                  "simple",
                                                  "hash",
                                                  "plain",
                                                  "complexity",
                                                  "min-length",
                                                  "secret",
                                                  "password",
                                                  "key",
                                                  "value",
                                                  "group",
                                                  "lifetime",
                                                  "prompts",
                                                  "redacted",
                                                  "sha1",
                                                  "sha256",
                                                  "sha512",
                                                  "reuse",
                                                  "history",
                                                  "profile",
                                                  "required",
                                                  "optional"};
  return value.size() < 4 || kKeywords.count(value) != 0 ||
         value.find_first_not_of('*') == std::string::npos;
}

// FortiOS SNMP community names (`set name` inside `config system snmp community`), which only
// the block around them tells apart from other `set name` lines.
std::set<std::string> fortios_community_names(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  int depth = 0;  // >0 while inside `config system snmp community`
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (trimmed == "config system snmp community") {
      depth = 1;
      continue;
    }
    if (depth == 0) continue;
    if (trimmed.rfind("config ", 0) == 0) ++depth;
    if (trimmed == "end") --depth;
    std::string name;
    if (depth == 1 && re2::RE2::FullMatch(trimmed, R"re(set name "?([^"]+)"?)re", &name) &&
        !not_a_secret(name))
      out.insert(name);
  }
  return out;
}

// One config line's secret values, and the line with every secret span blanked out (what
// may legitimately remain visible: `username cisco password 0 cisco` keeps one `cisco`).
struct ScannedLine {
  std::vector<std::string> values;
  std::string masked;
};

ScannedLine scan_line(const std::string& line) {
  ScannedLine out{{}, line};
  for (const auto& detector : secret_detectors()) {
    re2::StringPiece groups[2];
    std::size_t pos = 0;
    while (pos < line.size() &&
           detector->Match(line, pos, line.size(), re2::RE2::UNANCHORED, groups, 2)) {
      pos = static_cast<std::size_t>(groups[0].data() - line.data()) + groups[0].size();
      if (groups[0].empty()) ++pos;
      if (groups[1].data() == nullptr) continue;
      std::string value(groups[1].data(), groups[1].size());
      const std::size_t at = static_cast<std::size_t>(groups[1].data() - line.data());
      if (!value.empty() && value.front() == '"') value.erase(0, 1);
      if (!value.empty() && value.back() == '"') value.pop_back();
      if (not_a_secret(value)) continue;
      out.values.push_back(value);
      for (std::size_t i = at; i < at + groups[1].size(); ++i)
        out.masked[i] = '\x01';
    }
  }
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& value) {
  std::size_t n = 0;
  for (std::size_t at = text.find(value); at != std::string::npos; at = text.find(value, at + 1))
    ++n;
  return n;
}

// A value unlikely to appear by chance: long, with a digit or a symbol.
bool distinctive(const std::string& value) {
  return value.size() >= 8 && value.find_first_of("0123456789$/.=+-_!#%") != std::string::npos;
}

struct Leak {
  std::string file, value;
};

// Audits every config under `root` to JSON and lists each secret value seen in the output:
// on an evidence line, more often than the line shows it outside secret positions; anywhere
// else (messages, notes, `netaudit facts`), a distinctive value that the config shows only
// as a secret.
std::vector<Leak> leaks_in_audits(const std::filesystem::path& root, std::size_t& files,
                                  std::size_t& secrets, bool run_facts_command) {
  std::vector<Leak> leaks;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".md" || ext == ".json") continue;
    const std::string text = netaudit::test::read_file(entry.path());
    std::vector<ScannedLine> lines{ScannedLine{}};  // 1-based
    std::string masked_text;
    std::set<std::string> values;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(scan_line(line));
      masked_text += lines.back().masked + "\n";
      values.insert(lines.back().values.begin(), lines.back().values.end());
    }
    const std::set<std::string> communities = fortios_community_names(text);
    values.insert(communities.begin(), communities.end());
    if (values.empty()) continue;
    ++files;
    secrets += values.size();
    const auto report =
        netaudit::policy::audit_file(netaudit::test::shipped_policy(), entry.path().string(), {});
    const auto json = nlohmann::json::parse(netaudit::policy::render_json({report}));
    std::string elsewhere;  // every output text not tied to a source line
    for (const auto& result : json["results"])
      for (const auto& finding : result["findings"]) {
        elsewhere += finding["message"].get<std::string>() + "\n";
        for (const auto& evidence : finding["evidence"]) {
          const std::size_t at =
              evidence["line"].is_number() ? evidence["line"].get<std::size_t>() : 0;
          const std::string shown = evidence["text"].get<std::string>();
          if (at == 0 || at >= lines.size()) {
            elsewhere += shown + "\n";
            continue;
          }
          for (const std::string& v : lines[at].values)
            if (occurrences(shown, v) > occurrences(lines[at].masked, v))
              leaks.push_back({entry.path().string() + ":" + std::to_string(at), v});
          for (const std::string& v : communities)
            if (shown.find(v) != std::string::npos)
              leaks.push_back({entry.path().string() + ":" + std::to_string(at), v});
        }
      }
    if (run_facts_command) {
      const std::string bin = netaudit::test::netaudit_binary().string();
      const std::string file = "'" + entry.path().string() + "'";
      for (const std::string format : {"json", "text"}) {
        const auto facts =
            netaudit::test::run_command(bin + " facts --format " + format + " " + file + " 2>&1");
        CHECK_EXIT(facts, 0);
        elsewhere += facts.output;
      }
    }
    for (const std::string& v : values)
      if (distinctive(v) && masked_text.find(v) == std::string::npos &&
          elsewhere.find(v) != std::string::npos)
        leaks.push_back({entry.path().string() + " (message, note or facts)", v});
  }
  return leaks;
}

}  // namespace

TEST_CASE("redaction: built-in patterns mask the value, not the keyword around it") {
  // FortiOS `set key ENC <value>`: the value is the secret, ENC only says it is encrypted.
  const std::string enc = redact_line("        set key ENC Zm9vYmFyYmF6cXV4MTIzNDU2");
  CHECK(enc.find("Zm9vYmFyYmF6cXV4MTIzNDU2") == std::string::npos);
  CHECK(enc == "        set key ENC <redacted>");
  // A keyword that only starts with `password` is not followed by a password.
  CHECK(redact_line("set system password-complexity enable") ==
        "set system password-complexity enable");
  CHECK(redact_line("password-complexity min-length 12") == "password-complexity min-length 12");
  CHECK(redact_line("username admin password 0 Secr3t!") == "username admin password 0 <redacted>");
  // Junos method lists: `password` is a method name there.
  CHECK(redact_line("    authentication-order [ tacplus password ];") ==
        "    authentication-order [ tacplus password ];");
  CHECK(redact_line("set system authentication-order [ radius password ]") ==
        "set system authentication-order [ radius password ]");
  // NX-OS: a community may be called `read`; the word after it (`group`) is syntax.
  CHECK(redact_line("snmp-server community read group network-operator") ==
        "snmp-server community <redacted> group network-operator");
  CHECK(redact_line("snmp-server community Ops-Write group network-admin") ==
        "snmp-server community <redacted> group network-admin");
  // VRP names the access first.
  CHECK(redact_line("snmp-agent community read cipher %^%#abcdEFGH%^%#") ==
        "snmp-agent community read cipher <redacted>");
  CHECK(redact_line("snmp-agent community write Wr1te-S3cret") ==
        "snmp-agent community write <redacted>");
  // NX-OS SNMPv3: the privacy passphrase may follow `priv` without an algorithm.
  CHECK(redact_line("snmp-server user admin network-admin auth md5 0xabc123def priv 0xfed321cba "
                    "localizedkey") ==
        "snmp-server user admin network-admin auth md5 <redacted> priv <redacted> localizedkey");
  // FortiOS: any `ENC` value.
  CHECK(redact_line("        set auth-pwd ENC Lz4Xc6Vb8Nm0Qw2Er4Ty6Ui8Op0As2Df4=") ==
        "        set auth-pwd ENC <redacted>");
  CHECK(redact_line("    set server-key ENC Tn9Vr4Yo1Sb6Zx3Dp8Ae5Jf0Nu7Lh2Ic=") ==
        "    set server-key ENC <redacted>");
  // Junos NTP keys: `type <alg> value <key>`.
  CHECK(redact_line("set system ntp authentication-key 1 type sha1 value \"$9$Dsj.5QF/tp\"") ==
        "set system ntp authentication-key 1 type sha1 value <redacted>");
  // The defaults are the finding and stay visible.
  CHECK(redact_line("snmp-server community public RO") == "snmp-server community public RO");
  CHECK(redact_line("set service snmp community 'public'") ==
        "set service snmp community 'public'");
  // VyOS single-quoted values with spaces are masked whole (the second word leaked before).
  CHECK(redact_line("set system login user ops authentication plaintext-password 'two words'") ==
        "set system login user ops authentication plaintext-password <redacted>");
  CHECK(redact_line("set protocols bgp 65001 neighbor 192.0.2.1 password 'pa ss'") ==
        "set protocols bgp 65001 neighbor 192.0.2.1 password <redacted>");
  // After `=` the first token is the value itself, even when it looks like a type word: the
  // next property stays readable.
  CHECK(redact_line("add auth-key=12 interfaces=ether1") ==
        "add auth-key=<redacted> interfaces=ether1");
  CHECK(redact_line("set password=ENC interfaces=ether2") ==
        "set password=<redacted> interfaces=ether2");
}

TEST_CASE("redaction: pack redact patterns apply to that platform's evidence") {
  const auto& policy = netaudit::test::shipped_policy();
  SECTION("PAN-OS <secret>") {
    const std::string line = "            <secret>-AQ==kN3Zx9QpL2mVb7Rt4YwE1s</secret>";
    CHECK(masked(Redactor(policy, "paloalto_panos").line(line), "kN3Zx9QpL2mVb7Rt4YwE1s"));
  }
  SECTION("OpenConfig <password> and <secret-key>") {
    const Redactor redact(policy, "netconf");
    CHECK(masked(redact.line("<password>Cl3arText!</password>"), "Cl3arText!"));
    CHECK(masked(redact.line("      <secret-key>TacKey99</secret-key>"), "TacKey99"));
  }
  SECTION("RouterOS private-key=") {
    CHECK(masked(
        Redactor(policy, "mikrotik_routeros")
            .line("add listen-port=13231 name=wg1 private-key=\"aGVsbG8td2lyZWd1YXJkLWtleQ==\""),
        "aGVsbG8td2lyZWd1YXJkLWtleQ=="));
  }
  SECTION("VyOS pre-shared-secret") {
    const Redactor redact(policy, "vyos");
    CHECK(masked(redact.line("set vpn ipsec authentication psk peer1 secret 'Ps4Shared'"),
                 "Ps4Shared"));
    CHECK(masked(redact.line("                pre-shared-secret 'VyPsk2026'"), "VyPsk2026"));
  }
  SECTION("a pack's patterns do not leak into another platform") {
    // cisco_ios has no `<secret>` pattern: XML text is not its business.
    CHECK(Redactor(policy, "cisco_ios").line("<secret>abc</secret>") == "<secret>abc</secret>");
  }
}

// RouterOS `prop=value`: the value after `=` is the secret whatever it looks like (`auth-key=12`),
// and the ids, names and public keys beside it stay readable. `prose()` applies the pack's
// patterns alone (as for messages), so it shows that the pack covers each secret by itself.
TEST_CASE("redaction: RouterOS masks key material after `=`, not key ids or public keys") {
  const Redactor ros(netaudit::test::shipped_policy(), "mikrotik_routeros");
  struct Case {
    const char* line;
    const char* shown;
  };
  const Case cases[] = {
      // OSPF v7 interface-template: auth-id is the key id, auth-key the key.
      {"add area=backbone-v2 auth=md5 auth-id=1 auth-key=OspfK3y interfaces=ether1",
       "add area=backbone-v2 auth=md5 auth-id=1 auth-key=<redacted> interfaces=ether1"},
      // OSPF v6 interface: authentication-key-id is the id.
      {"add authentication=md5 authentication-key=mySampleKey authentication-key-id=2 "
       "interface=ether1",
       "add authentication=md5 authentication-key=<redacted> authentication-key-id=2 "
       "interface=ether1"},
      {"add as=65001 local.role=ebgp name=peer1 remote.address=10.0.0.2 tcp-md5-key=BgpS3cret",
       "add as=65001 local.role=ebgp name=peer1 remote.address=10.0.0.2 tcp-md5-key=<redacted>"},
      {"add chain=rip-keys key=RipK3y99 key-id=1", "add chain=rip-keys key=<redacted> key-id=1"},
      {"add auth-method=pre-shared-key peer=p1 secret=IpsecPsk1",
       "add auth-method=pre-shared-key peer=p1 secret=<redacted>"},
      {"add connect-to=10.0.0.1 ipsec-secret=L2tpS3c name=l2tp-out1 password=Pw12345 user=u",
       "add connect-to=10.0.0.1 ipsec-secret=<redacted> name=l2tp-out1 password=<redacted> user=u"},
      {"add authentication-types=wpa2-psk group-key-update=1h mode=dynamic-keys name=p1 "
       "wpa2-pre-shared-key=WiFiPsk12",
       "add authentication-types=wpa2-psk group-key-update=1h mode=dynamic-keys name=p1 "
       "wpa2-pre-shared-key=<redacted>"},
      // WEP: static-transmit-key names which of the four keys to send with.
      {"add mode=static-keys-required name=wep static-algo-0=40bit-wep static-key-0=0123456789 "
       "static-transmit-key=key-0",
       "add mode=static-keys-required name=wep static-algo-0=40bit-wep static-key-0=<redacted> "
       "static-transmit-key=key-0"},
      {"add management-protection=required management-protection-key=Mgmt12345 name=p2 "
       "static-sta-private-key=Sta12345 mschapv2-password=Msch4pPw",
       "add management-protection=required management-protection-key=<redacted> name=p2 "
       "static-sta-private-key=<redacted> mschapv2-password=<redacted>"},
      {"add allowed-address=10.9.0.2/32 interface=wg1 preshared-key=\"cHJlc2hhcmVk\" "
       "public-key=\"cHVibGlja2V5cHVibGlja2V5\"",
       "add allowed-address=10.9.0.2/32 interface=wg1 preshared-key=<redacted> "
       "public-key=\"cHVibGlja2V5cHVibGlja2V5\""},
      // /interface wifi: dotted property names.
      {"add configuration.ssid=Office security.authentication-types=wpa2-psk "
       "security.passphrase=\"Off1ce Wifi\"",
       "add configuration.ssid=Office security.authentication-types=wpa2-psk "
       "security.passphrase=<redacted>"},
      {"add cak=0123456789abcdef ckn=00112233 interface=ether1",
       "add cak=<redacted> ckn=00112233 interface=ether1"},
      {"add dst-address=10.0.0.2 spi=0x100 auth-key=0011223344 enc-key=aabbccdd",
       "add dst-address=10.0.0.2 spi=0x100 auth-key=<redacted> enc-key=<redacted>"},
      // A quoted value may contain an escaped quote.
      {"add group=full name=u1 password=\"esc\\\"aped\"",
       "add group=full name=u1 password=<redacted>"},
      {"set host-key-size=4096 strong-crypto=yes", "set host-key-size=4096 strong-crypto=yes"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    CHECK(ros.line(c.line) == c.shown);
    CHECK(ros.prose(c.line) == c.shown);
  }
  // A one- or two-digit key is still a key. (The built-in mask reads `12 ` as a key-type prefix
  // and masks the next token as well; the pack masks the digits themselves.)
  const std::string short_key =
      "add area=backbone-v2 auth=md5 auth-id=2 auth-key=12 interfaces=lan";
  CHECK(ros.prose(short_key) ==
        "add area=backbone-v2 auth=md5 auth-id=2 auth-key=<redacted> interfaces=lan");
  const std::string shown = ros.line(short_key);
  CHECK(shown.find("auth-key=<redacted>") != std::string::npos);
  CHECK(shown.find("auth-id=2") != std::string::npos);
  CHECK(shown.find("12") == std::string::npos);
}

// VyOS `key`: a secret under RADIUS/TACACS servers, OTP, the HTTPS API, PKI private keys and
// OpenVPN shared secrets; an SSH or PKI public key, the GRE key field or a key name elsewhere.
TEST_CASE("redaction: VyOS masks secret `key` statements, not public keys or key-exchange") {
  const Redactor vyos(netaudit::test::shipped_policy(), "vyos");
  const std::pair<const char*, const char*> secrets[] = {
      {"set system login radius server 10.0.0.5 key 'Rad1usS3c'", "Rad1usS3c"},
      {"set system login tacacs server 10.0.0.6 key 'Tac4csS3c'", "Tac4csS3c"},
      {"set service pppoe-server authentication radius dynamic-author key 'DynAuth9'", "DynAuth9"},
      {"set system login user vyos authentication otp key 'JBSWY3DPEHPK3PXP'", "JBSWY3DPEHPK3PXP"},
      {"set service https api keys id admin key 'ApiK3y123'", "ApiK3y123"},
      {"set service config-sync secondary key 'SyncK3y7'", "SyncK3y7"},
      {"set pki certificate web private key 'MIIEvQIBADANBgkqhkiG9w0B'",
       "MIIEvQIBADANBgkqhkiG9w0B"},
      {"set pki openvpn shared-secret s1 key '2b4a8f0c0d1e2f30'", "2b4a8f0c0d1e2f30"},
      {"set interfaces macsec macsec0 security static key 'b1c2d3e4f5a6'", "b1c2d3e4f5a6"},
      // config.boot: the line does not show what the key belongs to, so it is masked.
      {"                    key \"Rad1usS3c\"", "Rad1usS3c"},
      {"set interfaces macsec macsec0 security mka cak '0123456789abcdef'", "0123456789abcdef"},
      {"set interfaces wireguard wg0 private-key 'aGVsbG8td2lyZWd1YXJk'", "aGVsbG8td2lyZWd1YXJk"},
      {"set interfaces wireguard wg0 peer p1 preshared-key 'cHJlc2hhcmVk'", "cHJlc2hhcmVk"},
      {"set vpn ipsec site-to-site peer 192.0.2.1 authentication pre-shared-secret 'VyPsk2026'",
       "VyPsk2026"},
      {"set vpn ipsec authentication psk p1 secret 'Ps4Shared'", "Ps4Shared"},
      {"set service monitoring telegraf influxdb authentication token 'T0kenVal'", "T0kenVal"},
      {"set protocols isis area-password md5 'IsisAr3a'", "IsisAr3a"},
  };
  for (const auto& [line, secret] : secrets) {
    INFO(line);
    CHECK(masked(vyos.line(line), secret));
    CHECK(masked(vyos.prose(line), secret));  // the pack alone covers it
  }
  // Not secrets: the pack leaves them readable (messages show them as they are).
  const char* readable[] = {
      "set system login user vyos authentication public-keys me@host key 'AAAAB3NzaC1yc2EAAAAD'",
      "set pki key-pair kp public key 'MIIBIjANBgkqhkiG9w0BAQEF'",
      "set interfaces tunnel tun0 parameters ip key '1'",
      "set protocols rpki cache 192.0.2.1 ssh key 'rpki-kp'",
      "set vpn ipsec ike-group IKE key-exchange 'ikev2'",
      "set service ssh key-exchange 'curve25519-sha256'",
      "set protocols ospf interface eth0 authentication md5 key-id 1",
      "set vpn ipsec site-to-site peer 192.0.2.1 authentication rsa local-key 'rsa-local'",
      "set interfaces wireguard wg0 peer p1 public-key 'cHVibGljLWtleS1oZXJl'",
  };
  for (const char* line : readable) {
    INFO(line);
    CHECK(vyos.prose(line) == line);
  }
  // Nor does any mask touch these in evidence lines.
  for (const char* line :
       {"set vpn ipsec ike-group IKE key-exchange 'ikev2'",
        "set service ssh key-exchange 'curve25519-sha256'",
        "set interfaces wireguard wg0 peer p1 public-key 'cHVibGljLWtleS1oZXJl'"})
    CHECK(vyos.line(line) == line);
}

TEST_CASE("redaction: FortiOS SNMP community names are masked wherever they appear") {
  const std::string config =
      "config system global\n"
      "    set hostname \"fw1\"\n"
      "end\n"
      "config system snmp community\n"
      "    edit 1\n"
      "        set name \"Xy7-ops-read\"\n"
      "    next\n"
      "    edit 2\n"
      "        set name \"public\"\n"
      "    next\n"
      "end\n"
      "config firewall address\n"
      "    edit \"lan\"\n"
      "        set name \"kept-visible\"\n"
      "    next\n"
      "end\n";
  const auto& policy = netaudit::test::shipped_policy();
  const auto facts = facts_of("fortinet_fortios", config, netaudit::Syntax::block);
  const Redactor redact(policy, "fortinet_fortios", &facts);
  CHECK(redact.line("        set name \"Xy7-ops-read\"") == "        set name \"<redacted>\"");
  CHECK(redact.prose("community Xy7-ops-read is read-only") == "community <redacted> is read-only");
  // The default community is the finding; a firewall object name is no secret.
  CHECK(redact.line("        set name \"public\"") == "        set name \"public\"");
  CHECK(redact.line("        set name \"kept-visible\"") == "        set name \"kept-visible\"");

  const auto report = netaudit::policy::audit_text(policy, config, "fw1.conf", {});
  const std::string json = netaudit::policy::render_json({report});
  CHECK(json.find("Xy7-ops-read") == std::string::npos);
}

TEST_CASE("redaction: no secret of any policy fixture appears in audit or facts output") {
  std::size_t files = 0, secrets = 0;
  const auto leaks =
      leaks_in_audits(netaudit::test::fixture_dir() / "policy", files, secrets, true);
  for (const Leak& leak : leaks)
    UNSCOPED_INFO(leak.file << ": " << leak.value);
  CHECK(leaks.empty());
  // The detectors must find something, or this test proves nothing.
  CHECK(files >= 13);
  CHECK(secrets >= 50);
}

TEST_CASE("redaction: no secret of any corpus config appears in audit output") {
  const auto corpus = netaudit::test::corpus_dir();
  if (!corpus) NETAUDIT_SKIP(netaudit::test::corpus_absent_reason());
  std::size_t files = 0, secrets = 0;
  const auto leaks = leaks_in_audits(*corpus, files, secrets, false);
  std::size_t shown = 0;
  for (const Leak& leak : leaks)
    if (++shown <= 40) UNSCOPED_INFO(leak.file << ": " << leak.value);
  WARN("corpus: " << files << " files with " << secrets << " secret values, " << leaks.size()
                  << " leaks");
  CHECK(leaks.empty());
  // The detectors must find something, or this test proves nothing: the corpus holds 102 files
  // with 357 secret values they recognise (December 2026); a floor a little under that.
  CHECK(files >= 95);
  CHECK(secrets >= 330);
}
