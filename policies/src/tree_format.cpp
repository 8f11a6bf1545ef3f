#include "netaudit/policies/tree_format.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace netaudit {

std::string format_tree_text(const ConfigTree& tree) {
  std::string out;
  out.reserve(tree.source().size() + tree.node_count() * 8);
  // Iterative pre-order walk: a deep tree from hostile input must not overflow the stack.
  std::vector<std::pair<NodeRef, std::size_t>> pending;
  for (NodeRef child = tree.root().first_child(); child; child = child.next_sibling()) {
    pending.emplace_back(child, 0);
  }
  std::vector<std::pair<NodeRef, std::size_t>> reversed(pending.rbegin(), pending.rend());
  pending = std::move(reversed);
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    std::string number = std::to_string(node.line());
    if (number.size() < 6) out.append(6 - number.size(), ' ');
    out += number;
    out.append(2 + depth * 2, ' ');
    out += node.text();
    if (node.inactive()) out += "  (inactive)";
    out += '\n';
    const std::size_t mark = pending.size();
    for (NodeRef child = node.first_child(); child; child = child.next_sibling()) {
      pending.emplace_back(child, depth + 1);
    }
    std::reverse(pending.begin() + static_cast<std::ptrdiff_t>(mark), pending.end());
  }
  return out;
}

bool same_shape(NodeRef a, NodeRef b) {
  std::vector<std::pair<NodeRef, NodeRef>> pending{{a, b}};
  while (!pending.empty()) {
    auto [x, y] = pending.back();
    pending.pop_back();
    if (x.text() != y.text() || x.inactive() != y.inactive()) return false;
    NodeRef cx = x.first_child();
    NodeRef cy = y.first_child();
    for (; cx && cy; cx = cx.next_sibling(), cy = cy.next_sibling())
      pending.emplace_back(cx, cy);
    if (static_cast<bool>(cx) != static_cast<bool>(cy)) return false;
  }
  return true;
}

}  // namespace netaudit
