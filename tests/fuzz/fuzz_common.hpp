// Shared by the libFuzzer targets and the fuzz regression test: parse the input in one family
// and walk the whole tree, checking the invariants every consumer relies on. A broken invariant
// traps in a fuzz target (a finding) and fails the regression test.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"  // format_tree_text

namespace netaudit::fuzz {

// Cost bound for rendering the text dump (it indents by depth, so a deep tree renders in
// quadratic size); the walk itself always covers every node.
inline constexpr std::size_t kMaxRenderedIndent = 1u << 22;

// What a broken invariant does. In a fuzz target: trap (a finding). The regression test
// (tests/unit/detect/fuzz_regressions_test.cpp) replays reproducers through these same checks
// and installs a handler that fails the test with the invariant's text; a handler must not
// return (the walk cannot go on past a broken link).
using FailureHandler = void (*)(const char* invariant);
[[noreturn]] inline void trap(const char*) {
  __builtin_trap();
}
inline FailureHandler failure_handler = trap;

inline void check(bool ok, const char* invariant) {
  if (!ok) failure_handler(invariant);
}
#define NETAUDIT_FUZZ_CHECK(condition) ::netaudit::fuzz::check((condition), #condition)

// Walks every node without recursion (hostile input can nest deeply) and checks: parent and
// sibling links agree, each node is reached once, line numbers are within the source, texts
// are readable (ASan catches a dangling view), attributes belong to their node.
inline void walk_tree(const ParseResult& result) {
  const ConfigTree& tree = result.tree;
  NETAUDIT_FUZZ_CHECK(tree.node_count() >= 1);
  NETAUDIT_FUZZ_CHECK(tree.root().line() == 0);
  NETAUDIT_FUZZ_CHECK(!tree.root().parent());
  const std::size_t lines = tree.line_count();
  std::size_t visited = 0;
  std::size_t indent_cost = 0;
  volatile unsigned char sink = 0;
  std::vector<std::pair<NodeRef, std::size_t>> pending{{tree.root(), 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    NETAUDIT_FUZZ_CHECK(++visited <= tree.node_count());
    indent_cost += depth + 1;
    const std::string_view text = node.text();
    for (char c : text)
      sink = sink ^ static_cast<unsigned char>(c);
    if (!node.is_root()) {
      NETAUDIT_FUZZ_CHECK(node.line() >= 1 && node.line() <= lines);
      for (char c : tree.line_text(node.line()))
        sink = sink ^ static_cast<unsigned char>(c);
    }
    for (const XmlAttribute& attribute : tree.attributes(node.id())) {
      NETAUDIT_FUZZ_CHECK(attribute.node == node.id());
      for (char c : attribute.name)
        sink = sink ^ static_cast<unsigned char>(c);
      for (char c : attribute.value)
        sink = sink ^ static_cast<unsigned char>(c);
    }
    for (NodeRef child = node.first_child(); child; child = child.next_sibling()) {
      NETAUDIT_FUZZ_CHECK(child.parent() == node);
      pending.emplace_back(child, depth + 1);
    }
  }
  NETAUDIT_FUZZ_CHECK(visited == tree.node_count());
  for (const Diagnostic& warning : result.warnings) {
    NETAUDIT_FUZZ_CHECK(!warning.message.empty());
    NETAUDIT_FUZZ_CHECK(warning.line <= lines + 1);
  }
  if (indent_cost <= kMaxRenderedIndent) {
    const std::string dump = format_tree_text(tree);
    NETAUDIT_FUZZ_CHECK(tree.node_count() == 1 || !dump.empty());
  }
}

inline int parse_and_walk(const std::uint8_t* data, std::size_t size, Syntax syntax) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const ParseResult result = parse_config(std::move(text), syntax);
  walk_tree(result);
  return 0;
}

// The path `netaudit parse FILE` takes: detection on the raw bytes (it must cope with anything,
// not only checked text), the input checks, then a parse in the detected family and the walk.
inline void check_detect_path(std::string_view input) {
  const Detection raw = detect_platform(input);
  NETAUDIT_FUZZ_CHECK(raw.confidence >= 0.0 && raw.confidence <= 1.0);
  NETAUDIT_FUZZ_CHECK(!raw.reason.empty());
  for (char c : raw.reason)
    NETAUDIT_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20);
  const auto& known = known_platforms();
  NETAUDIT_FUZZ_CHECK(raw.platform == kUnknownPlatform ||
                      std::find(known.begin(), known.end(), raw.platform) != known.end());
  NETAUDIT_FUZZ_CHECK(raw.platform == kUnknownPlatform || raw.confidence >= kConfidentDetection);
  NETAUDIT_FUZZ_CHECK(raw.syntax == syntax_for_platform(raw.platform, input) ||
                      raw.platform == kUnknownPlatform);

  LoadResult loaded = check_config_text(std::string(input), "fuzz-input", InputLimits{1u << 20});
  if (!loaded.source) {
    NETAUDIT_FUZZ_CHECK(loaded.error.starts_with("fuzz-input: "));
    return;
  }
  const Detection detection = detect_platform(loaded.source->text);
  walk_tree(parse_config(std::move(loaded.source->text), detection.syntax));
}

}  // namespace netaudit::fuzz
