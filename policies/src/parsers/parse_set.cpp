// Scaffold: replaced by the real set parser.
#include "parsers.hpp"

namespace netaudit::detail {

void parse_set(ConfigTree& /*tree*/, std::vector<Diagnostic>& warnings) {
  warnings.push_back({0, "the set parser is not written yet"});
}

}  // namespace netaudit::detail
