// Scaffold: replaced by the real braces parser.
#include "parsers.hpp"

namespace netaudit::detail {

void parse_braces(ConfigTree& /*tree*/, std::vector<Diagnostic>& warnings) {
  warnings.push_back({0, "the braces parser is not written yet"});
}

}  // namespace netaudit::detail
