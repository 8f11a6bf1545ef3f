// Platform detection from the content of a config alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/parse.hpp"

namespace netaudit {

// Platform ids are those of the corpus folders: cisco_ios, juniper_junos, vyos, ...
inline constexpr std::string_view kUnknownPlatform = "unknown";

struct Detection {
  std::string platform{kUnknownPlatform};
  Syntax syntax = Syntax::indented;  // the family to parse it with
  double confidence = 0.0;           // 0..1; below kConfidentDetection it reports unknown
  std::string reason;                // which lines decided, e.g. "line 3 'feature telnet'"
};

inline constexpr double kConfidentDetection = 0.5;

Detection detect_platform(std::string_view text);

// Every platform the detector can name, for `--platform` validation and help text.
const std::vector<std::string_view>& known_platforms();

// The syntax family a platform's configs are usually in; for platforms with several forms
// (juniper_junos, vyos, paloalto_panos) the form is taken from the text.
Syntax syntax_for_platform(std::string_view platform, std::string_view text);

}  // namespace netaudit
