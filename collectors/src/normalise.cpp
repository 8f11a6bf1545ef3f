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
    // (hello-password, authentication-password, shared-secret, Junos
    // plain-text-password-value), and key=value (RouterOS).
    R"((?i)(?:^|[\s=-])(?:password-value|password|passwd|secret|phash|passphrase|psksecret|)"
    R"(pre-shared-key|preshared-key|psk|key-string|authentication-key|auth-key|md5-key|)"
    R"(private-key|server-key|shared-key|shared_key|wpa-passphrase))" +
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
    // FortiOS ENC blobs, Huawei %^%#...%^%# / %@%@...%@%@ ciphers. A hash may also be an XML
    // element's whole text (Junos `<simple-password>$9$...`, `<privacy-key>`, `<ascii-text>`).
    R"((?:^|[\s"'=>])(\$(?:1|2[abxy]?|5|6|7|8|9|1a|1c)\$[^\s"';<]+))",
    R"(\bENC ([^\s"';]+))",
    R"((%\^%#.*?%\^%#|%@%@.*?%@%@|%\$%\$.*?%\$%\$))",
    // XML (NETCONF replies, PAN-OS): a secret element with its text on one line.
    R"(<(?:[\w-]+:)?(?:password|phash|secret|key|authentication-key|private-key|pre-shared-key|)"
    R"(passphrase|encrypted-password|plain-text-password-value|simple-password|shared-secret|)"
    R"(psk)>([^<]+)<)",
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
    // Junos trap groups: the group's name is sent as the community of its traps (set form
    // `set snmp trap-group X targets ...`, braces `trap-group X {`).
    R"((?:^|\s)snmp trap-group )" + kValue,
    R"(^\s*trap-group )" + kValue + R"( \{\s*$)",
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
    // PAN-OS; PAN-OS set form of a trap server profile (`set shared log-settings snmptrap P
    // version v2c server S community X`); RouterOS `/snmp set trap-community=X`.
    R"(\bsnmp-community-string )" + kValue,
    R"(\bsnmptrap \S+ .*\bcommunity )" + kValue,
    R"((?:^|\s)trap-community=)" + kValue,
    // Cumulus NCLU/NVUE `net add|nv set snmp-server readonly-community[-v6] X access any`.
    R"((?:^|\s)read(?:only|write)-community(?:-v6)? )" + kValue,
    // VRP `snmp-agent target-host trap|inform address ... params securityname X [v1|v2c]`: for
    // v1/v2c (the default is v1) the security name is the community; for v3 it is a user name.
    R"(^\s*snmp-agent target-host .*\bparams securityname (?:cipher )?)" + kValue +
        R"((?:\s+(?:v1|v2c|private-netmanager|ext-vb|notify-filter-profile)\b|\s*$))",
    // XML: PAN-OS, IOS-XR NETCONF, pfSense/OPNsense.
    R"(<(?:[\w-]+:)?(?:snmp-community-string|community-string|community-name|rocommunity|)"
    R"(rwcommunity)>([^<]+)<)",
};

// Netgear (FASTPATH) `snmp-server community ro|rw X`: the access word comes first, so the
// IOS rule above takes it for the name. Group 1 (the access word) stays readable even though
// that rule captured it; groups 2.. hold the name. An IOS community that is literally named
// `ro`/`rw` (`snmp-server community ro RO`) is left to the IOS rule.
const std::string kNetgearCommunityAccess =
    R"(^\s*snmp-server community (ro|rw) )" + kValue + R"(\s*$)";

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
// community`, a VyOS `trap-target H {` or PAN-OS `snmptrap {` brace block); elsewhere `set
// name`, `name=` and `community X` name ordinary objects (`community 65000:666` in a route map).
// (`\"X\"`: the escaped quotes of a config inside a quoted script body.)
const std::string kFortiosCommunityName = R"(^\s*set name (?:\\"([^"\\\n]*)\\"|)" + kValue + ")";
const std::string kRouterosCommunityName = R"((?:^|\s)name=)" + kValue;
const std::string kBraceCommunity = R"(^\s*community )" + kValue + R"(\s*;?\s*$)";

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

enum class BlockSecret { none, fortios_community_name, routeros_community_name, brace_community };

// SNMP community names in XML whose element names alone are ambiguous: Junos
// `<snmp><community><name>X</name>` (a `<community>` under `<policy-options>` is a BGP
// community) and `<snmp><trap-group><name>X` (the trap community), ietf-snmp
// `<snmp><community><text-name>X`, and PAN-OS trap server profiles
// `<snmptrap>...<community>X</community>`. The element path is followed only inside `<snmp>`
// and `<snmptrap>`; a tag may span lines (attributes), comments and CDATA are skipped.
class XmlSnmpContext {
 public:
  // Adds the [begin, end) span of each community name whose text is on `line`.
  void observe(std::string_view line, Spans& names) {
    std::size_t pos = 0;
    while (pos < line.size()) {
      switch (state_) {
        case State::text:
          pos = scan_text(line, pos, names);
          break;
        case State::tag:
          pos = scan_tag(line, pos);
          break;
        case State::skip: {
          const std::size_t end = line.find(skip_until_, pos);
          if (end == std::string_view::npos) return;
          pos = end + skip_until_.size();
          state_ = State::text;
          break;
        }
      }
    }
    // A name whose text runs past the end of the line is taken up to the end of the line.
    if (state_ == State::text && value_begin_ != std::string_view::npos)
      add_value(line, line.size(), names);
    value_begin_ = std::string_view::npos;
  }

 private:
  enum class State { text, tag, skip };

  std::size_t scan_text(std::string_view line, std::size_t pos, Spans& names) {
    const std::size_t open = line.find('<', pos);
    if (open == std::string_view::npos) return line.size();
    if (value_begin_ != std::string_view::npos) add_value(line, open, names);
    value_begin_ = std::string_view::npos;
    const std::string_view rest = line.substr(open);
    if (rest.starts_with("<!--")) return skip(open + 4, "-->");
    if (rest.starts_with("<![CDATA[")) return skip(open + 9, "]]>");
    // `<?xml ...?>`, `<!DOCTYPE ...>`, and a marker already in the text (`<redacted:...>`).
    if (rest.starts_with("<?") || rest.starts_with("<!") || rest.starts_with("<redacted:"))
      return skip(open + 1, ">");
    tag_closing_ = rest.starts_with("</");
    std::size_t name_begin = open + (tag_closing_ ? 2 : 1);
    std::size_t name_end = line.find_first_of(" \t/>", name_begin);
    if (name_end == std::string_view::npos) name_end = line.size();
    std::string_view name = line.substr(name_begin, name_end - name_begin);
    if (const std::size_t colon = name.rfind(':'); colon != std::string_view::npos)
      name.remove_prefix(colon + 1);  // the namespace prefix
    tag_name_.assign(name);
    tag_quote_ = '\0';
    tag_last_ = '\0';
    state_ = State::tag;
    return name_end;
  }

  // Inside a tag: up to its `>` (quoted attribute values may hold one).
  std::size_t scan_tag(std::string_view line, std::size_t pos) {
    for (; pos < line.size(); ++pos) {
      const char c = line[pos];
      if (tag_quote_ != '\0') {
        if (c == tag_quote_) tag_quote_ = '\0';
        continue;
      }
      if (c == '"' || c == '\'') {
        tag_quote_ = c;
      } else if (c == '>') {
        state_ = State::text;
        if (tag_closing_) {
          if (!path_.empty()) path_.pop_back();
        } else if (tag_last_ != '/') {
          open_element();
          if (is_community_name()) value_begin_ = pos + 1;
        }
        return pos + 1;
      }
      if (c != ' ' && c != '\t') tag_last_ = c;
    }
    return pos;
  }

  std::size_t skip(std::size_t from, std::string_view until) {
    state_ = State::skip;
    skip_until_ = until;
    return from;
  }

  void open_element() {
    if (!path_.empty() || tag_name_ == "snmp" || tag_name_ == "snmptrap")
      path_.push_back(tag_name_);
  }

  bool is_community_name() const {
    if (path_.empty()) return false;
    if (path_.front() == "snmptrap") return path_.back() == "community";
    if (path_.size() != 3) return false;
    if (path_[1] == "community") return path_[2] == "name" || path_[2] == "text-name";
    return path_[1] == "trap-group" && path_[2] == "name";  // Junos: sent as the community
  }

  void add_value(std::string_view line, std::size_t end, Spans& names) const {
    std::size_t begin = value_begin_;
    while (begin < end && (line[begin] == ' ' || line[begin] == '\t'))
      ++begin;
    while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t'))
      --end;
    if (begin < end) names.emplace_back(begin, end);
  }

  State state_ = State::text;
  std::vector<std::string> path_;  // element names from the <snmp>/<snmptrap> element down
  std::string tag_name_;           // the tag being read
  bool tag_closing_ = false;
  char tag_quote_ = '\0';        // inside a quoted attribute value
  char tag_last_ = '\0';         // last non-blank character of the tag so far (`/` before `>`)
  std::string_view skip_until_;  // end of a comment, CDATA or `<?...?>`
  std::size_t value_begin_ = std::string_view::npos;  // a community name's text starts here
};

// Follows the block structure of a config line by line, only as far as block-scoped secrets
// need it. Both syntaxes are tracked on every config: their markers (`config ...`/`end`,
// a line starting with `/`) do not select anything on other platforms.
class BlockContext {
 public:
  // Which block-scoped secret `line` (the next line of the config) may carry.
  // XML community names on the line are added to `xml_names`.
  BlockSecret observe(std::string_view line, Spans& xml_names) {
    const std::string_view text = trim(line);
    const bool routeros = observe_routeros(text);
    const bool fortios = observe_fortios(text);
    const bool braces = observe_braces(text);
    xml_.observe(line, xml_names);
    if (fortios) return BlockSecret::fortios_community_name;
    if (routeros) return BlockSecret::routeros_community_name;
    if (braces) return BlockSecret::brace_community;
    return BlockSecret::none;
  }

 private:
  // Braces (VyOS, PAN-OS `show config running`): `X {` opens a block, a line starting with `}`
  // closes one. A bare `community X` is a community name directly in a VyOS `trap-target H {`
  // block, or anywhere under a PAN-OS `snmptrap {` (trap server profiles).
  enum class Brace { other, trap_target, snmptrap };
  bool observe_braces(std::string_view text) {
    if (text.starts_with("}") && !braces_.empty()) braces_.pop_back();
    if (text.ends_with("{")) {
      Brace kind = Brace::other;
      if (text.starts_with("trap-target "))
        kind = Brace::trap_target;
      else if (text.starts_with("snmptrap ") ||
               (!braces_.empty() && braces_.back() == Brace::snmptrap))
        kind = Brace::snmptrap;
      braces_.push_back(kind);
      return false;
    }
    return !braces_.empty() && braces_.back() != Brace::other && text.starts_with("community ");
  }

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

  std::vector<Brace> braces_;  // per open brace block
  XmlSnmpContext xml_;
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
  bool community = false;      // captures SNMP community names (public/private stay readable)
  bool keyword_first = false;  // group 1 is a keyword that stays readable (kNetgearCommunityAccess)
};

// kCommonSecretPatterns then kCommunityPatterns.
std::vector<std::string> all_common_secret_patterns() {
  std::vector<std::string> patterns = kCommonSecretPatterns;
  patterns.insert(patterns.end(), kCommunityPatterns.begin(), kCommunityPatterns.end());
  patterns.push_back(kNetgearCommunityAccess);
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
  SecretRule brace_community = make_rule(kBraceCommunity, true);

  static SecretRule make_rule(const std::string& pattern, bool community,
                              bool keyword_first = false) {
    SecretRule rule;
    rule.community = community;
    rule.keyword_first = keyword_first;
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
      case BlockSecret::brace_community:
        return &brace_community;
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
  void add_secret(const std::string& pattern, bool community = false, bool keyword_first = false) {
    std::string error;
    if (secret_set.Add(pattern, &error) < 0)
      throw CollectError(ErrorKind::profile_error,
                         "bad secret pattern '" + pattern + "': " + error);
    secrets.push_back(make_rule(pattern, community, keyword_first));
  }
  void add_common_secrets() {
    for (const std::string& pattern : kCommonSecretPatterns)
      add_secret(pattern);
    for (const std::string& pattern : kCommunityPatterns)
      add_secret(pattern, true);
    add_secret(kNetgearCommunityAccess, true, true);
  }
  void compile() {
    if (!volatile_set.Compile() || !secret_set.Compile())
      throw CollectError(ErrorKind::profile_error, "normalisation patterns too large to compile");
  }

  bool is_volatile(std::string_view line) const { return volatile_set.Match(line, nullptr); }

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
      const auto match_end =
          static_cast<std::size_t>(groups[0].data() - line.data()) + groups[0].size();
      pos = std::max(match_end, pos + 1);
      if (rule.keyword_first && names_ios_access(groups.data(), count)) continue;
      for (int g = 1; g < count; ++g) {
        if (groups[g].data() == nullptr || groups[g].empty()) continue;
        const std::string_view value(groups[g].data(), groups[g].size());
        const auto begin = static_cast<std::size_t>(value.data() - line.data());
        if (rule.keyword_first && g == 1) {
          kept.emplace_back(begin, begin + value.size());
          continue;
        }
        if (value.rfind("<redacted:", 0) == 0) continue;
        if (skip_keywords && std::find(kNotSecretValues.begin(), kNotSecretValues.end(), value) !=
                                 kNotSecretValues.end())
          continue;
        if (rule.community && is_well_known_community(value))
          kept.emplace_back(begin, begin + value.size());
        else
          spans.emplace_back(begin, begin + value.size());
      }
    }
  }

  // `snmp-server community ro RO`: an IOS community named `ro` (IOS writes its access word in
  // capitals), not the Netgear `ro X` form.
  static bool names_ios_access(const re2::StringPiece* groups, int count) {
    for (int g = 2; g < count; ++g)
      if (groups[g].data() != nullptr && (groups[g] == "RO" || groups[g] == "RW")) return true;
    return false;
  }

  // A well-known community name goes to `kept`, any other to `spans`.
  static void add_community_names(const Spans& names, std::string_view line, Spans& spans,
                                  Spans& kept) {
    for (const auto& name : names) {
      const std::string_view value = line.substr(name.first, name.second - name.first);
      if (value.rfind("<redacted:", 0) == 0) continue;
      (is_well_known_community(value) ? kept : spans).push_back(name);
    }
  }

  // Redacts one line (with the block-scoped rule that applies to it, if any, and the XML
  // community names found on it); returns the number of secrets replaced.
  std::size_t redact_line(std::string_view line, const SecretRule* block_rule,
                          const Spans& xml_names, std::string& out) const {
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
    add_community_names(xml_names, line, spans, kept);
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
  impl_->add_common_secrets();
  impl_->compile();
}

Normaliser::Normaliser(const Profile& profile) : impl_(std::make_unique<Impl>()) {
  for (const std::string& pattern : kCommonVolatilePatterns)
    impl_->add_volatile(pattern);
  for (const std::string& pattern : profile.volatile_patterns)
    impl_->add_volatile(pattern);
  impl_->add_common_secrets();
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
  Spans xml_names;
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
    xml_names.clear();
    const SecretRule* block_rule = impl_->block_rule(blocks.observe(line, xml_names));
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
      redacted += impl_->redact_line(line, block_rule, xml_names, out);
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
