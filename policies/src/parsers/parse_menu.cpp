// Scaffold: replaced by the real menu parser.
#include "parsers.hpp"

namespace netaudit::detail {

void parse_menu(ConfigTree& /*tree*/, std::vector<Diagnostic>& warnings) {
  warnings.push_back({0, "the menu parser is not written yet"});
}

}  // namespace netaudit::detail
