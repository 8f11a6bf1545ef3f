// Rendering a config tree for people and for round-trip checks.
#pragma once

#include <string>

#include "netaudit/policies/config_tree.hpp"

namespace netaudit {

// One node per line: its source line number, then its text indented by depth.
//    12  line vty 0 4
//    13    transport input ssh
std::string format_tree_text(const ConfigTree& tree);

// Structural equality: same texts, same shape, same order (line numbers not compared).
bool same_shape(NodeRef a, NodeRef b);

}  // namespace netaudit
