// Shared by the libFuzzer targets: parse the input in one family and walk the whole tree,
// checking the invariants every consumer relies on. A broken invariant aborts (a finding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"

namespace netaudit::fuzz {

// Cost bound for rendering the text dump (it indents by depth, so a deep tree renders in
// quadratic size); the walk itself always covers every node.
inline constexpr std::size_t kMaxRenderedIndent = 1u << 22;

[[noreturn]] inline void fail() {
  __builtin_trap();
}

inline void check(bool ok) {
  if (!ok) fail();
}

// Walks every node without recursion (hostile input can nest deeply) and checks: parent and
// sibling links agree, each node is reached once, line numbers are within the source, texts
// are readable (ASan catches a dangling view), attributes belong to their node.
inline void walk_tree(const ParseResult& result) {
  const ConfigTree& tree = result.tree;
  check(tree.node_count() >= 1);
  check(tree.root().line() == 0);
  check(!tree.root().parent());
  const std::size_t lines = tree.line_count();
  std::size_t visited = 0;
  std::size_t indent_cost = 0;
  volatile unsigned char sink = 0;
  std::vector<std::pair<NodeRef, std::size_t>> pending{{tree.root(), 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    check(++visited <= tree.node_count());
    indent_cost += depth + 1;
    const std::string_view text = node.text();
    for (char c : text)
      sink = sink ^ static_cast<unsigned char>(c);
    if (!node.is_root()) {
      check(node.line() >= 1 && node.line() <= lines);
      (void)tree.line_text(node.line());
    }
    for (const XmlAttribute& attribute : tree.attributes(node.id())) {
      check(attribute.node == node.id());
      for (char c : attribute.name)
        sink = sink ^ static_cast<unsigned char>(c);
      for (char c : attribute.value)
        sink = sink ^ static_cast<unsigned char>(c);
    }
    for (NodeRef child = node.first_child(); child; child = child.next_sibling()) {
      check(child.parent() == node);
      pending.emplace_back(child, depth + 1);
    }
  }
  check(visited == tree.node_count());
  for (const Diagnostic& warning : result.warnings) {
    check(!warning.message.empty());
    check(warning.line <= lines + 1);
  }
  check(same_shape(tree.root(), tree.root()));
  if (indent_cost <= kMaxRenderedIndent) {
    const std::string dump = format_tree_text(tree);
    check(tree.node_count() == 1 || !dump.empty());
  }
}

inline int parse_and_walk(const std::uint8_t* data, std::size_t size, Syntax syntax) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const ParseResult result = parse_config(std::move(text), syntax);
  walk_tree(result);
  return 0;
}

}  // namespace netaudit::fuzz
