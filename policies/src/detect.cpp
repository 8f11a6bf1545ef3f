// Scaffold: replaced by the real detector.
#include "netaudit/policies/detect.hpp"

namespace netaudit {

Detection detect_platform(std::string_view /*text*/) {
  return Detection{};
}

const std::vector<std::string_view>& known_platforms() {
  static const std::vector<std::string_view> platforms{};
  return platforms;
}

Syntax syntax_for_platform(std::string_view /*platform*/, std::string_view /*text*/) {
  return Syntax::indented;
}

}  // namespace netaudit
