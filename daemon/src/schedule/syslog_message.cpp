#include "schedule/syslog_message.hpp"

#include <array>
#include <stdexcept>

namespace netaudit::schedule {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// PRINTUSASCII of RFC 5424: %d33-126.
bool is_print_us_ascii(char c) {
  return c >= 33 && c <= 126;
}

// Reads "<PRI>" at the start; returns the position after '>' or npos.
std::size_t read_pri(std::string_view text, int& pri) {
  if (text.size() < 3 || text[0] != '<') return std::string_view::npos;
  std::size_t i = 1;
  int value = 0;
  while (i < text.size() && i <= 3 && is_digit(text[i])) {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 1 || i >= text.size() || text[i] != '>' || value > 191) return std::string_view::npos;
  pri = value;
  return i + 1;
}

// One RFC 5424 header field: PRINTUSASCII up to `max` bytes, then SP. "-" = empty.
bool read_field(std::string_view text, std::size_t& pos, std::size_t max, std::string_view& out) {
  const std::size_t start = pos;
  while (pos < text.size() && is_print_us_ascii(text[pos]))
    ++pos;
  const std::size_t length = pos - start;
  if (length == 0 || length > max || pos >= text.size() || text[pos] != ' ') return false;
  out = text.substr(start, length);
  if (out == "-") out = {};
  ++pos;  // the SP
  return true;
}

bool plausible_5424_timestamp(std::string_view t) {
  if (t.empty()) return true;  // NILVALUE
  // FULL-DATE "T" ...: check the date's shape; the rest is not interpreted.
  if (t.size() < 11) return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(t[i])) return false;
  }
  return t[4] == '-' && t[7] == '-' && t[10] == 'T';
}

// STRUCTURED-DATA: "-" or one or more [SD-ID *(SP PARAM-NAME="value")]. Returns the end.
bool read_structured_data(std::string_view text, std::size_t& pos, std::string_view& out) {
  const std::size_t start = pos;
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
    out = {};
    return true;
  }
  auto is_name_char = [](char c) {
    return is_print_us_ascii(c) && c != '=' && c != ']' && c != '"';
  };
  bool any = false;
  while (pos < text.size() && text[pos] == '[') {
    ++pos;
    std::size_t name_start = pos;
    while (pos < text.size() && is_name_char(text[pos]))
      ++pos;
    if (pos == name_start || pos - name_start > 32) return false;
    while (pos < text.size() && text[pos] == ' ') {
      ++pos;
      name_start = pos;
      while (pos < text.size() && is_name_char(text[pos]))
        ++pos;
      if (pos == name_start || pos - name_start > 32) return false;
      if (pos + 1 >= text.size() || text[pos] != '=' || text[pos + 1] != '"') return false;
      pos += 2;
      while (pos < text.size() && text[pos] != '"') {
        if (text[pos] == '\\') ++pos;  // escaped '"', '\' or ']' (others are kept as they are)
        ++pos;
      }
      if (pos >= text.size()) return false;
      ++pos;  // the closing quote
    }
    if (pos >= text.size() || text[pos] != ']') return false;
    ++pos;
    any = true;
  }
  if (!any) return false;
  out = text.substr(start, pos - start);
  return true;
}

std::optional<SyslogMessage> parse_5424(std::string_view text, std::size_t pos,
                                        SyslogMessage message) {
  message.format = SyslogFormat::rfc5424;
  std::string_view version;
  if (!read_field(text, pos, 2, version)) return std::nullopt;
  if (!read_field(text, pos, 64, message.timestamp)) return std::nullopt;
  if (!plausible_5424_timestamp(message.timestamp)) return std::nullopt;
  if (!read_field(text, pos, 255, message.hostname)) return std::nullopt;
  if (!read_field(text, pos, 48, message.app_name)) return std::nullopt;
  if (!read_field(text, pos, 128, message.procid)) return std::nullopt;
  if (!read_field(text, pos, 32, message.msgid)) return std::nullopt;
  if (!read_structured_data(text, pos, message.structured_data)) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] != ' ') return std::nullopt;
    ++pos;
    std::string_view rest = text.substr(pos);
    if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
    message.message = rest;
  }
  return message;
}

constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "Mmm dd hh:mm:ss" (the day padded with a space), as RFC 3164 4.1.2 writes it.
bool is_3164_timestamp(std::string_view t) {
  if (t.size() != 15) return false;
  bool month = false;
  for (auto name : kMonths)
    month = month || t.substr(0, 3) == name;
  if (!month || t[3] != ' ') return false;
  if (!(t[4] == ' ' || is_digit(t[4])) || !is_digit(t[5]) || t[6] != ' ') return false;
  return is_digit(t[7]) && is_digit(t[8]) && t[9] == ':' && is_digit(t[10]) && is_digit(t[11]) &&
         t[12] == ':' && is_digit(t[13]) && is_digit(t[14]);
}

std::optional<SyslogMessage> parse_3164(std::string_view text, std::size_t pos,
                                        SyslogMessage message) {
  message.format = SyslogFormat::rfc3164;
  std::string_view rest = text.substr(pos);
  if (rest.size() > 16 && is_3164_timestamp(rest.substr(0, 15)) && rest[15] == ' ') {
    std::string_view after = rest.substr(16);
    const std::size_t space = after.find(' ');
    if (space != std::string_view::npos && space > 0) {
      bool printable = true;
      for (char c : after.substr(0, space))
        printable = printable && is_print_us_ascii(c);
      if (printable) {
        message.timestamp = rest.substr(0, 15);
        message.hostname = after.substr(0, space);
        rest = after.substr(space + 1);
      }
    }
  }
  if (rest.empty()) return std::nullopt;
  message.message = rest;
  // TAG: up to 32 alphanumerics (and - _ . /), ended by '[' (a pid follows) or ':'.
  std::size_t i = 0;
  while (i < rest.size() && i <= 32) {
    const char c = rest[i];
    const bool tag_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                          c == '-' || c == '_' || c == '.' || c == '/';
    if (!tag_char) break;
    ++i;
  }
  if (i > 0 && i <= 32 && i < rest.size() && (rest[i] == '[' || rest[i] == ':')) {
    message.app_name = rest.substr(0, i);
    if (rest[i] == '[') {
      const std::size_t close = rest.find(']', i);
      if (close != std::string_view::npos && close - i <= 129) {
        message.procid = rest.substr(i + 1, close - i - 1);
      }
    }
  }
  return message;
}

}  // namespace

std::optional<SyslogMessage> parse_syslog(std::string_view datagram) {
  while (!datagram.empty() &&
         (datagram.back() == '\0' || datagram.back() == '\n' || datagram.back() == '\r')) {
    datagram.remove_suffix(1);
  }
  int pri = 0;
  const std::size_t pos = read_pri(datagram, pri);
  if (pos == std::string_view::npos) return std::nullopt;
  SyslogMessage message;
  message.facility = pri / 8;
  message.severity = pri % 8;
  // RFC 5424: VERSION (a non-zero digit, then at most two more) and SP right after the PRI.
  std::size_t digits = pos;
  while (digits < datagram.size() && digits - pos < 4 && is_digit(datagram[digits]))
    ++digits;
  const bool looks_5424 = digits > pos && digits - pos <= 3 && datagram[pos] != '0' &&
                          digits < datagram.size() && datagram[digits] == ' ';
  if (looks_5424) return parse_5424(datagram, pos, message);
  return parse_3164(datagram, pos, message);
}

std::string match_subject(const SyslogMessage& message) {
  if (message.format == SyslogFormat::rfc3164) return std::string(message.message);
  std::string subject;
  subject.reserve(message.app_name.size() + message.msgid.size() + message.message.size() + 2);
  subject.append(message.app_name).append(" ").append(message.msgid).append(" ");
  subject.append(message.message);
  return subject;
}

const std::vector<ConfigChangeMatcher::Pattern>& ConfigChangeMatcher::builtin() {
  static const std::vector<Pattern> patterns{
      // Cisco IOS, IOS-XE, NX-OS "%SYS-5-CONFIG_I: Configured from ...", Arista EOS the same
      // and "%SYS-5-CONFIG_E: Enter configuration mode ...".
      {"cisco_arista_sys_config", R"(%SYS-5-CONFIG_[IE]\b)"},
      // NX-OS "%VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty ...".
      {"nxos_vshd_config", R"(%VSHD-5-VSHD_SYSLOG_CONFIG_I\b)"},
      // IOS-XR "%MGBL-CONFIG-6-DB_COMMIT : Configuration committed by user ...".
      {"iosxr_commit", R"(%MGBL-CONFIG-6-DB_COMMIT\b)"},
      // Junos mgd "UI_COMMIT_COMPLETED: commit complete" (BSD) or MSGID UI_COMMIT_COMPLETED.
      {"junos_commit", R"(\bUI_COMMIT_COMPLETED\b)"},
      // Huawei VRP "%%01CFG/4/CFGCHANGE(l)[0]: ..." (and CFGCHANGE of other modules).
      {"vrp_cfgchange", R"(\bCFGCHANGE\b)"},
  };
  return patterns;
}

ConfigChangeMatcher::ConfigChangeMatcher(const std::vector<std::string>& extra) {
  RE2::Options options;
  options.set_log_errors(false);
  auto add = [&](std::string name, const std::string& regex) {
    auto compiled = std::make_unique<RE2>(regex, options);
    if (!compiled->ok()) {
      throw std::invalid_argument("syslog " + name + " '" + regex +
                                  "': not a valid RE2 pattern: " + compiled->error());
    }
    patterns_.push_back({std::move(name), std::move(compiled)});
  };
  for (const auto& pattern : builtin())
    add(pattern.name, pattern.regex);
  for (std::size_t i = 0; i < extra.size(); ++i)
    add("patterns[" + std::to_string(i) + "]", extra[i]);
}

ConfigChangeMatcher::~ConfigChangeMatcher() = default;
ConfigChangeMatcher::ConfigChangeMatcher(ConfigChangeMatcher&&) noexcept = default;
ConfigChangeMatcher& ConfigChangeMatcher::operator=(ConfigChangeMatcher&&) noexcept = default;

std::optional<std::string_view> ConfigChangeMatcher::match(const SyslogMessage& message) const {
  const std::string subject = match_subject(message);
  for (const auto& pattern : patterns_) {
    if (RE2::PartialMatch(subject, *pattern.regex)) return pattern.name;
  }
  return std::nullopt;
}

}  // namespace netaudit::schedule
