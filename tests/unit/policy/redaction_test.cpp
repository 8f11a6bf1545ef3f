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

#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/report.hpp"
#include "policy_test_util.hpp"
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
      elsewhere += netaudit::test::run_command(bin + " facts --format json " + file + " 2>&1; " +
                                               bin + " facts " + file + " 2>&1")
                       .output;
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
  if (!corpus) {
    WARN("corpus not found (../shared/corpus or $NETAUDIT_CORPUS): skipping");
    return;
  }
  std::size_t files = 0, secrets = 0;
  const auto leaks = leaks_in_audits(*corpus, files, secrets, false);
  std::size_t shown = 0;
  for (const Leak& leak : leaks)
    if (++shown <= 40) UNSCOPED_INFO(leak.file << ": " << leak.value);
  WARN("corpus: " << files << " files with " << secrets << " secret values, " << leaks.size()
                  << " leaks");
  CHECK(leaks.empty());
}
