// Syslog messages as they arrive in UDP datagrams (RFC 3164 "BSD" and RFC 5424), and the
// matcher that tells whether a message says a device's configuration changed.
//
// The datagrams are untrusted bytes from the network: parse_syslog never throws, never reads
// outside the datagram, and returns nullopt for anything that is not a syslog message (the
// listener counts those as garbage). Fuzzed by tests/fuzz/fuzz_syslog.cpp.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit::schedule {

enum class SyslogFormat { rfc3164, rfc5424 };

// Every view points into the datagram given to parse_syslog. Empty = absent (or NILVALUE "-").
struct SyslogMessage {
  SyslogFormat format = SyslogFormat::rfc3164;
  int facility = 0;  // 0..23
  int severity = 0;  // 0..7
  std::string_view timestamp;
  std::string_view hostname;
  std::string_view app_name;  // RFC 5424 APP-NAME; RFC 3164 the TAG when there is one
  std::string_view procid;
  std::string_view msgid;            // RFC 5424 only
  std::string_view structured_data;  // RFC 5424 only, raw "[id k="v"]..."
  // RFC 5424 MSG (without a UTF-8 BOM); RFC 3164 the MSG part (TAG and CONTENT), or everything
  // after the PRI when the header is not the RFC's (Cisco IOS sends "<189>12: *Mar 1 ...: %SYS").
  std::string_view message;
};

// nullopt: not a syslog message (no or bad PRI, a broken RFC 5424 header, nothing after it).
// Trailing NUL, CR and LF bytes are ignored.
std::optional<SyslogMessage> parse_syslog(std::string_view datagram);

// The text the config-change patterns search: RFC 3164 its message; RFC 5424
// "APP-NAME MSGID MSG" (so Junos' MSGID UI_COMMIT_COMPLETED is seen).
std::string match_subject(const SyslogMessage& message);

class ConfigChangeMatcher {
 public:
  struct Pattern {
    std::string name;  // built-in name, or "patterns[i]" for the configured ones
    std::string regex;
  };
  // The vendors' config-change messages (see docs/serve.md "Scheduling and triggers").
  static const std::vector<Pattern>& builtin();

  // `extra`: RE2 patterns searched (unanchored, case-sensitive) in match_subject(). Throws
  // std::invalid_argument naming the pattern's index and RE2's error for a bad one.
  explicit ConfigChangeMatcher(const std::vector<std::string>& extra = {});
  ~ConfigChangeMatcher();
  ConfigChangeMatcher(ConfigChangeMatcher&&) noexcept;
  ConfigChangeMatcher& operator=(ConfigChangeMatcher&&) noexcept;

  // The name of the first pattern that matches, or nullopt.
  std::optional<std::string_view> match(const SyslogMessage& message) const;

 private:
  struct Compiled {
    std::string name;
    std::unique_ptr<RE2> regex;
  };
  std::vector<Compiled> patterns_;
};

}  // namespace netaudit::schedule
