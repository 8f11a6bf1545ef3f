// Volatile-line removal and secret redaction, line by line, with RE2::Set prefilters so each
// line is scanned once per set rather than once per pattern. A few secrets are recognisable only
// from the enclosing block (SNMP community names on FortiOS and RouterOS); BlockContext tracks
// just enough of the block structure for those. SNMP community rules are marked, so that the
// well-known defaults `public`/`private` they capture stay readable (the audit needs to see them).
#include "netaudit/collectors/normalise.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

#include "netaudit/collectors/errors.hpp"

namespace netaudit::collectors {
namespace {

// A secret value: "double quoted", 'single quoted' or a bare token. Only the inside of the
// quotes is redacted, so the line keeps its syntax.
// clang-format off
const std::string kValue = R"re((?:"([^"\n]*)"|'([^'\n]*)'|([^\s"';{}\[\]<>]+)))re";
// clang-format on
// Words that sit between a secret keyword and the value (encryption type, algorithm, ...).
const std::string kQualifiers =
    R"((?:\s+(?:[0-9]{1,2}|sha512|sha256|encrypted|ENC|hmac-md5|hmac-sha-?1|md5|text|hidden|)"
    R"(cipher|irreversible-cipher|simple|plain|plain-text|ascii-text|hexadecimal|unencrypted|)"
    R"(clear|ciphertext|password|level\s+[0-9]+|type\s+\S+|value))*)";

const std::vector<std::string> kCommonSecretPatterns = {
    // password / secret and their kin, including *-password and *-secret compounds
    // (hello-password, authentication-password, shared-secret), and key=value (RouterOS).
    R"((?i)(?:^|[\s=-])(?:password|passwd|secret|phash|passphrase|psksecret|pre-shared-key|)"
    R"(preshared-key|psk|key-string|authentication-key|auth-key|md5-key|private-key|server-key|)"
    R"(shared-key|shared_key|wpa-passphrase))" +
        kQualifiers + R"(\s+)" + kValue,
    R"((?i)(?:^|[\s-])(?:password|passwd|secret|pre-shared-key|authentication-key|private-key)=)" +
        kValue,
    // SNMPv3 user auth/priv passphrases.
    R"((?i)\bauth (?:md5|sha\S*) )" + kValue,
    R"((?i)\bpriv (?:des|3des|aes(?: [0-9]+)?) )" + kValue,
    // TACACS+/RADIUS keys (inline, IOS server-private, and a lone `key` line in a server
    // block), OSPF/IS-IS keys, NTP keys.
    R"((?i)^\s*(?:tacacs-server|radius-server|tacacs|radius|aaa-server)\b.*?\bkey(?: [0-9])? )" +
        kValue,
    R"(^\s*server-private \S+ .*?\bkey(?: [0-9])? )" + kValue,
    R"(^\s*crypto (?:isakmp|ikev1) key(?: [0-9])? )" + kValue,
    R"(\bpre-shared-key address \S+(?: \S+)? key(?: [0-9])? )" + kValue,
    R"(^\s*key(?: [0-9])? )" + kValue + R"(\s*$)",
    R"(\bmessage-digest-key [0-9]+ md5)" + kQualifiers + R"(\s+)" + kValue,
    R"(\bauthentication key(?: [0-9])? )" + kValue,
    R"(\bntp authentication-key [0-9]+ md5 )" + kValue,
    // Encrypted-looking tokens anywhere: crypt hashes ($1$ $5$ $6$ $8$ $9$, Junos $9$, XR $1c$),
    // FortiOS ENC blobs, Huawei %^%#...%^%# / %@%@...%@%@ ciphers.
    R"((?:^|[\s"'=])(\$(?:1|2[abxy]?|5|6|7|8|9|1a|1c)\$[^\s"';]+))",
    R"(\bENC ([^\s"';]+))",
    R"((%\^%#.*?%\^%#|%@%@.*?%@%@|%\$%\$.*?%\$%\$))",
    // XML (NETCONF replies, PAN-OS): a secret element with its text on one line.
    R"(<(?:[\w-]+:)?(?:password|phash|secret|key|authentication-key|)"
    R"(private-key|pre-shared-key|passphrase|encrypted-password|shared-secret|psk)>([^<]+)<)",
};

// SNMP v1/v2c community names. They are secrets like the rest, except the well-known defaults
// `public` and `private`: those stay readable, because a config that uses them must still show
// it after collection (the audit's default-community control looks for them, and a marker would
// make it pass silently). Only a value these rules (or the block-scoped ones) capture is a
// community; `password public` elsewhere is redacted as usual.
const std::vector<std::string> kCommunityPatterns = {
    // IOS, NX-OS, EOS, XR, ASA, Aruba, EFOS; trap hosts (IOS-style `snmp-server host H [traps]
    // version 2c X`, Netgear `snmp host H enable version 2c "X"`, ASA `... community X`).
    R"((?i)^\s*snmp-server community )" + kValue,
    R"((?i)^\s*snmp(?:-server)? host \S+ .*?\bversion (?:1|2c) )" + kValue,
    R"((?i)^\s*snmp-server host .*\bcommunity )" + kValue,
    // VRP / Comware.
    R"(^\s*snmp-agent community (?:read|write) (?:cipher )?)" + kValue,
    // SR OS classic (`community "X" [hash|hash2] r version both`), SR OS MD-CLI, Junos and VyOS
    // braces (`community "X" {`).
    R"(^\s*community )" + kValue + R"( (?:hash2? )?(?:r|rw|rwa|mgmt|vpls-mgmt)\b)",
    R"(^\s*community )" + kValue + R"( \{\s*$)",
    // `snmp community X` after a space or at the start, never after `/` (a RouterOS menu path,
    // `/snmp community add ...`, is not a name): Junos/VyOS `set [service] snmp community X`,
    // EXOS `configure snmp community "X" read-only`, Netgear `snmp community "X" ... ro`, SR OS
    // MD-CLI flat `/configure system security snmp community "X" access-permissions r`.
    R"((?:^|\s)snmp community )" + kValue,
    // TNSR `snmp community community-name X ...`, F5 `community-name X`.
    R"((?:^|\s)community-name )" + kValue,
    // EXOS: `configure snmp add community readonly [encrypted] "X"`, `configure snmpv3 add
    // community IDX [encrypted] name "X" ...` (the index is usually the name too),
    // `configure snmp add trapreceiver H [port P] community X`.
    R"(\bsnmp (?:add|delete) community (?:(?:readonly|readwrite|encrypted|hex) )*)" + kValue,
    R"(\bsnmpv3 (?:add|delete) community (?:hex )?)" + kValue +
        R"((?: (?:encrypted )?name (?:hex )?)" + kValue + ")?",
    R"(\btrapreceiver \S+ .*?\bcommunity (?:(?:encrypted|hex) )*)" + kValue,
    // SR OS `trap-target ... notify-community "X"` (clear text), VyOS `trap-target H community X`.
    R"(\bnotify-community )" + kValue,
    R"(\btrap-target \S+ community )" + kValue,
    // PAN-OS; RouterOS `/snmp set trap-community=X`.
    R"(\bsnmp-community-string )" + kValue,
    R"((?:^|\s)trap-community=)" + kValue,
    // XML: PAN-OS, IOS-XR NETCONF, pfSense/OPNsense.
    R"(<(?:[\w-]+:)?(?:community-string|community-name|rocommunity|rwcommunity)>([^<]+)<)",
};

// `public` or `private`, any case, with or without quotes.
bool is_well_known_community(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  const auto equals_ignoring_case = [value](std::string_view word) {
    return value.size() == word.size() &&
           std::equal(value.begin(), value.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  return equals_ignoring_case("public") || equals_ignoring_case("private");
}

// A value equal to one of these is a keyword of the command, not a secret
// (`password encryption-key common`, `session shared-secret profile p0`, `key controller`).
const std::vector<std::string_view> kNotSecretValues = {"encryption-key",
                                                        "encryption",
                                                        "strength-check",
                                                        "profile",
                                                        "receive-lifetime",
                                                        "controller",
                                                        "required",
                                                        "prompt",
                                                        "policy",
                                                        "history",
                                                        "min-length",
                                                        "version",
                                                        "vrf",
                                                        "informs",
                                                        "traps",
                                                        "none",
                                                        "use-vrf",
                                                        "encrypted",
                                                        "ENC",
                                                        "hash",
                                                        "hash2",
                                                        "custom-hash",
                                                        "community-name"};

const std::vector<std::string> kCommonVolatilePatterns = {
    R"(^\s*!+\s*Last configuration change at)",
    R"(^\s*!+\s*NVRAM config last updated at)",
    R"(^\s*!\s*No configuration change since last restart)",
    R"(^\s*!\s*Time:)",
    R"(^\s*!Running configuration last done at:)",
    R"(^\s*!\s*Startup-config last modified at)",
    R"(^Building configuration\.\.\.)",
    R"(^Current configuration\s*:\s*[0-9]+ bytes)",
    R"(^\s*ntp clock-period [0-9]+)",
    R"(^\s*## Last (?:commit|changed):)",
    R"(^#conf_file_ver=)",
    R"(^: Written by \S+ at)",
    R"(^: Saved)",
    R"(^Cryptochecksum:)",
    R"(^# (?:[A-Za-z]{3}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}) [0-9:]+ by RouterOS)",
    R"(^# (?:Generated|Finished) [A-Z]{3} [A-Z]{3} +[0-9]+ [0-9:]+ [0-9]{4})",
    R"(^!\s*Last configuration was (?:updated|saved) at)",
    R"(^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]+ [0-9:]+(?:\.[0-9]+)? \S+$)",
    R"((?i)^\s*[!#]?\s*(?:system )?uptime\s*(?:is|:))",
};

// Block-scoped secrets: the value these capture is a secret only on a line BlockContext places
// inside an SNMP community block (FortiOS `config system snmp community`, RouterOS `/snmp
// community`); elsewhere `set name` and `name=` name ordinary objects.
// (`\"X\"`: the escaped quotes of a config inside a quoted script body.)
const std::string kFortiosCommunityName = R"(^\s*set name (?:\\"([^"\\\n]*)\\"|)" + kValue + ")";
const std::string kRouterosCommunityName = R"((?:^|\s)name=)" + kValue;

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

enum class BlockSecret { none, fortios_community_name, routeros_community_name };

// Follows the block structure of a config line by line, only as far as block-scoped secrets
// need it. Both syntaxes are tracked on every config: their markers (`config ...`/`end`,
// a line starting with `/`) do not select anything on other platforms.
class BlockContext {
 public:
  // Which block-scoped secret `line` (the next line of the config) may carry.
  BlockSecret observe(std::string_view line) {
    const std::string_view text = trim(line);
    const bool routeros = observe_routeros(text);
    const bool fortios = observe_fortios(text);
    if (fortios) return BlockSecret::fortios_community_name;
    if (routeros) return BlockSecret::routeros_community_name;
    return BlockSecret::none;
  }

 private:
  // FortiOS: `config X` opens a block, `end` closes it (`edit`/`next` stay inside). Only the
  // innermost block counts, so `set name` in a community's nested `config hosts` is not it,
  // and a stray `config`/`end` deeper down cannot make an outer block look like a community.
  bool observe_fortios(std::string_view text) {
    if (text.starts_with("config ")) {
      fortios_blocks_.push_back(text == "config system snmp community");
      return false;
    }
    if (text == "end") {
      if (!fortios_blocks_.empty()) fortios_blocks_.pop_back();
      return false;
    }
    return !fortios_blocks_.empty() && fortios_blocks_.back() && text.starts_with("set name ");
  }

  // RouterOS: a line that is only a menu path (`/snmp community`) moves into that menu; a line
  // with a path and a command (`/snmp community add name=x`, `/snmp/community/add`) runs there
  // without moving; a line ending in a backslash continues on the next (exports wrap long
  // commands), which belongs to the same command.
  bool observe_routeros(std::string_view text) {
    const bool continuation = routeros_continued_;
    routeros_continued_ = !text.empty() && text.back() == '\\';
    if (continuation) return routeros_command_in_community_;
    if (text.starts_with("/")) {
      const PathLine path = split_path(text);
      if (path.has_command) {
        routeros_command_in_community_ = path.community;
      } else {
        routeros_in_community_ = path.community;
        routeros_command_in_community_ = false;
      }
    } else {
      routeros_command_in_community_ = routeros_in_community_ && !text.empty();
    }
    return routeros_command_in_community_;
  }

  struct PathLine {
    bool community = false;    // the path is /snmp community
    bool has_command = false;  // a command follows the path
  };

  // `/snmp community`, `/snmp/community/add name=x`, `/ip address add address=...`.
  static PathLine split_path(std::string_view text) {
    static constexpr std::array<std::string_view, 14> kCommands = {
        "add",  "set",  "remove", "print", "export", "enable", "disable",
        "edit", "find", "get",    "unset", "reset",  "move",   "comment"};
    std::vector<std::string_view> path;
    PathLine result;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t start = text.find_first_not_of(" \t/", pos);
      if (start == std::string_view::npos) break;
      std::size_t end = text.find_first_of(" \t/", start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view word = text.substr(start, end - start);
      if (std::find(kCommands.begin(), kCommands.end(), word) != kCommands.end() ||
          word.find_first_of("=[\"") != std::string_view::npos) {
        result.has_command = true;
        break;
      }
      path.push_back(word);
      pos = end;
    }
    result.community = path.size() == 2 && path[0] == "snmp" && path[1] == "community";
    return result;
  }

  std::vector<bool> fortios_blocks_;    // per open `config` block: is it the SNMP community one
  bool routeros_in_community_ = false;  // the current menu is /snmp community
  bool routeros_command_in_community_ = false;  // the current command runs there
  bool routeros_continued_ = false;             // the previous line ended in a backslash
};

re2::RE2::Options quiet_options() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return options;
}

struct SecretRule {
  std::unique_ptr<re2::RE2> regex;
  int groups = 0;
  bool community = false;  // captures SNMP community names (public/private stay readable)
};

// kCommonSecretPatterns then kCommunityPatterns.
std::vector<std::string> all_common_secret_patterns() {
  std::vector<std::string> patterns = kCommonSecretPatterns;
  patterns.insert(patterns.end(), kCommunityPatterns.begin(), kCommunityPatterns.end());
  return patterns;
}

}  // namespace

const std::vector<std::string>& common_secret_patterns() {
  static const std::vector<std::string> patterns = all_common_secret_patterns();
  return patterns;
}
const std::vector<std::string>& common_volatile_patterns() {
  return kCommonVolatilePatterns;
}

struct Normaliser::Impl {
  re2::RE2::Set volatile_set{quiet_options(), re2::RE2::UNANCHORED};
  re2::RE2::Set secret_set{quiet_options(), re2::RE2::UNANCHORED};
  std::vector<SecretRule> secrets;
  SecretRule fortios_community_name = make_rule(kFortiosCommunityName, true);
  SecretRule routeros_community_name = make_rule(kRouterosCommunityName, true);

  static SecretRule make_rule(const std::string& pattern, bool community) {
    SecretRule rule;
    rule.community = community;
    rule.regex = std::make_unique<re2::RE2>(pattern, quiet_options());
    if (!rule.regex->ok())
      throw CollectError(ErrorKind::profile_error,
                         "bad secret pattern '" + pattern + "': " + rule.regex->error());
    rule.groups = rule.regex->NumberOfCapturingGroups();
    return rule;
  }

  const SecretRule* block_rule(BlockSecret secret) const {
    switch (secret) {
      case BlockSecret::fortios_community_name:
        return &fortios_community_name;
      case BlockSecret::routeros_community_name:
        return &routeros_community_name;
      case BlockSecret::none:
        break;
    }
    return nullptr;
  }

  void add_volatile(const std::string& pattern) {
    std::string error;
    if (volatile_set.Add(pattern, &error) < 0)
      throw CollectError(ErrorKind::profile_error,
                         "bad volatile pattern '" + pattern + "': " + error);
  }
  void add_secret(const std::string& pattern, bool community = false) {
    std::string error;
    if (secret_set.Add(pattern, &error) < 0)
      throw CollectError(ErrorKind::profile_error,
                         "bad secret pattern '" + pattern + "': " + error);
    secrets.push_back(make_rule(pattern, community));
  }
  void compile() {
    if (!volatile_set.Compile() || !secret_set.Compile())
      throw CollectError(ErrorKind::profile_error, "normalisation patterns too large to compile");
  }

  bool is_volatile(std::string_view line) const { return volatile_set.Match(line, nullptr); }

  using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

  // Adds the [begin, end) span of every secret `rule` captures in `line`. A value that is a
  // keyword of the command is skipped, except for block-scoped rules, where any value of the
  // field is the secret (a community may well be called "none"). A well-known community a
  // community rule captures goes to `kept` instead.
  static void collect_spans(const SecretRule& rule, std::string_view line, bool skip_keywords,
                            Spans& spans, Spans& kept) {
    std::array<re2::StringPiece, 8> groups;
    const int count = std::min<int>(rule.groups + 1, static_cast<int>(groups.size()));
    std::size_t pos = 0;
    while (pos <= line.size() &&
           rule.regex->Match(line, pos, line.size(), re2::RE2::UNANCHORED, groups.data(), count)) {
      for (int g = 1; g < count; ++g) {
        if (groups[g].data() == nullptr || groups[g].empty()) continue;
        const std::string_view value(groups[g].data(), groups[g].size());
        if (value.rfind("<redacted:", 0) == 0) continue;
        if (skip_keywords && std::find(kNotSecretValues.begin(), kNotSecretValues.end(), value) !=
                                 kNotSecretValues.end())
          continue;
        const auto begin = static_cast<std::size_t>(value.data() - line.data());
        if (rule.community && is_well_known_community(value))
          kept.emplace_back(begin, begin + value.size());
        else
          spans.emplace_back(begin, begin + value.size());
      }
      const auto match_end =
          static_cast<std::size_t>(groups[0].data() - line.data()) + groups[0].size();
      pos = std::max(match_end, pos + 1);
    }
  }

  // Redacts one line (with the block-scoped rule that applies to it, if any); returns the
  // number of secrets replaced.
  std::size_t redact_line(std::string_view line, const SecretRule* block_rule,
                          std::string& out) const {
    // Collect [begin, end) spans of secrets from every matching rule, then rewrite once.
    Spans spans;
    Spans kept;
    std::vector<int> hits;
    if (secret_set.Match(line, &hits)) {
      std::sort(hits.begin(), hits.end());
      for (int index : hits)
        collect_spans(secrets[static_cast<std::size_t>(index)], line, true, spans, kept);
    }
    if (block_rule != nullptr) collect_spans(*block_rule, line, false, spans, kept);
    // A well-known community stays readable even if a broader rule (a profile's `community
    // "X"`) captured the very same value; a different span (a password) is still redacted.
    if (!kept.empty())
      std::erase_if(spans, [&kept](const auto& span) {
        return std::find(kept.begin(), kept.end(), span) != kept.end();
      });
    if (spans.empty()) {
      out.append(line);
      return 0;
    }
    // Overlapping spans (two rules hitting the same secret) merge into one redaction.
    std::sort(spans.begin(), spans.end());
    std::size_t written = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < spans.size();) {
      std::size_t begin = spans[i].first;
      std::size_t end = spans[i].second;
      for (++i; i < spans.size() && spans[i].first < end; ++i)
        end = std::max(end, spans[i].second);
      if (begin < written) begin = written;
      out.append(line.substr(written, begin - written));
      out.append(redaction_marker(line.substr(begin, end - begin)));
      written = end;
      ++count;
    }
    out.append(line.substr(written));
    return count;
  }
};

Normaliser::Normaliser() : impl_(std::make_unique<Impl>()) {
  for (const std::string& pattern : kCommonVolatilePatterns)
    impl_->add_volatile(pattern);
  for (const std::string& pattern : kCommonSecretPatterns)
    impl_->add_secret(pattern);
  for (const std::string& pattern : kCommunityPatterns)
    impl_->add_secret(pattern, true);
  impl_->compile();
}

Normaliser::Normaliser(const Profile& profile) : impl_(std::make_unique<Impl>()) {
  for (const std::string& pattern : kCommonVolatilePatterns)
    impl_->add_volatile(pattern);
  for (const std::string& pattern : profile.volatile_patterns)
    impl_->add_volatile(pattern);
  for (const std::string& pattern : kCommonSecretPatterns)
    impl_->add_secret(pattern);
  for (const std::string& pattern : kCommunityPatterns)
    impl_->add_secret(pattern, true);
  for (const std::string& pattern : profile.secret_patterns)
    impl_->add_secret(pattern);
  impl_->compile();
}

Normaliser::~Normaliser() = default;
Normaliser::Normaliser(Normaliser&&) noexcept = default;
Normaliser& Normaliser::operator=(Normaliser&&) noexcept = default;

namespace {

// Calls fn(line) for each line without its "\n" or "\r\n"; tells whether text ended in "\n".
template <typename Fn>
bool for_each_line(std::string_view text, Fn&& fn) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    start = end + 1;
    if (last) return false;
  }
  return true;
}

bool is_pem_private_key_begin(std::string_view line) {
  return line.find("-----BEGIN") != std::string_view::npos &&
         line.find("PRIVATE KEY-----") != std::string_view::npos;
}

}  // namespace

std::string Normaliser::remove_volatile(std::string_view config, NormaliseStats* stats) const {
  std::string out;
  out.reserve(config.size());
  std::size_t removed = 0;
  for_each_line(config, [&](std::string_view line) {
    if (impl_->is_volatile(line)) {
      ++removed;
      return;
    }
    out.append(line);
    out.push_back('\n');
  });
  if (stats != nullptr) stats->volatile_lines_removed += removed;
  return out;
}

std::string Normaliser::redact(std::string_view config, NormaliseStats* stats) const {
  std::string out;
  out.reserve(config.size());
  std::size_t redacted = 0;
  // A PEM private key spans lines: its body is replaced by one marker (hash of the body).
  bool in_private_key = false;
  std::string key_body;
  BlockContext blocks;
  for_each_line(config, [&](std::string_view line) {
    if (in_private_key) {
      if (line.find("-----END") != std::string_view::npos) {
        const std::size_t indent = line.find_first_not_of(" \t");
        out.append(line.substr(0, indent == std::string_view::npos ? 0 : indent));
        out.append(redaction_marker(key_body));
        out.push_back('\n');
        ++redacted;
        key_body.clear();
        in_private_key = false;
        out.append(line);
        out.push_back('\n');
      } else {
        key_body.append(line);
        key_body.push_back('\n');
      }
      return;
    }
    const SecretRule* block_rule = impl_->block_rule(blocks.observe(line));
    if (is_pem_private_key_begin(line)) {
      in_private_key = true;
      out.append(line);
      out.push_back('\n');
      return;
    }
    // Negated commands (`no enable password`) never carry a secret.
    const std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line.substr(first).rfind("no ", 0) == 0) {
      out.append(line);
    } else {
      redacted += impl_->redact_line(line, block_rule, out);
    }
    out.push_back('\n');
  });
  if (in_private_key) {  // unterminated key block: still never emit it
    out.append(redaction_marker(key_body));
    out.push_back('\n');
    ++redacted;
  }
  if (stats != nullptr) stats->secrets_redacted += redacted;
  return out;
}

std::string Normaliser::normalise(std::string_view config, NormaliseStats* stats) const {
  return redact(remove_volatile(config, stats), stats);
}

}  // namespace netaudit::collectors
