// Scaffold: replaced by the real block parser.
#include "parsers.hpp"

namespace netaudit::detail {

void parse_block(ConfigTree& /*tree*/, std::vector<Diagnostic>& warnings) {
  warnings.push_back({0, "the block parser is not written yet"});
}

}  // namespace netaudit::detail
