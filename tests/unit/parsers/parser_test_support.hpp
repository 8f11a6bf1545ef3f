// Helpers shared by the parser tests: fixtures, warnings and tree walks for every syntax family;
// the line checks and the indented re-emitter are for the statement trees (indented, block,
// menu).
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netaudit/policies/config_tree.hpp"
#include "netaudit/policies/parse.hpp"
#include "test_paths.hpp"

namespace netaudit::test {

inline ParseResult parse_fixture(const std::string& relative, Syntax syntax) {
  const auto path = fixture_dir() / "parsers" / relative;
  std::string text = read_file(path);
  REQUIRE_FALSE(text.empty());
  return parse_config(std::move(text), syntax);
}

// The regular files of a corpus folder, in directory order; none when the folder is absent
// (a corpus copy need not have every platform).
inline std::vector<std::filesystem::path> regular_files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

inline std::string describe(const std::vector<Diagnostic>& warnings) {
  std::string out;
  for (const Diagnostic& w : warnings)
    out += "line " + std::to_string(w.line) + ": " + w.message + "\n";
  return out;
}

inline bool has_warning_at(const std::vector<Diagnostic>& warnings, std::uint32_t line,
                           std::string_view fragment) {
  for (const Diagnostic& w : warnings) {
    if (w.line == line && w.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

inline std::size_t count_children(NodeRef node) {
  std::size_t count = 0;
  for (NodeRef child : node.children()) {
    (void)child;
    ++count;
  }
  return count;
}

inline std::vector<std::string> child_texts(NodeRef node) {
  std::vector<std::string> texts;
  for (NodeRef child : node.children())
    texts.emplace_back(child.text());
  return texts;
}

// Depth of the deepest node (the root is 0). Iterative, so a 10k-deep tree is fine.
inline std::size_t max_depth(const ConfigTree& tree) {
  std::size_t deepest = 0;
  std::vector<std::pair<NodeRef, std::size_t>> pending{{tree.root(), 0}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    deepest = std::max(deepest, depth);
    for (NodeRef child : node.children())
      pending.emplace_back(child, depth + 1);
  }
  return deepest;
}

inline bool is_multiline(NodeRef node) {
  return (node.flags() & kNodeMultiline) != 0;
}

// True when any node of the tree has exactly this text.
inline bool tree_has_text(const ConfigTree& tree, std::string_view text) {
  for (NodeId id = 1; id < tree.node_count(); ++id) {
    if (tree.ref(id).text() == text) return true;
  }
  return false;
}

inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The n-th (0-based) child with this text: statement trees keep repeated statements apart.
inline NodeRef nth_child(NodeRef node, std::string_view text, std::size_t n) {
  for (NodeRef child : node.children()) {
    if (child.text() == text && n-- == 0) return child;
  }
  return {};
}

// Every node of a statement tree says where it came from: its text is the trimmed source line
// at its line number, or, for a multi-line node, starts with it. Returns the first offender.
inline std::string first_line_mismatch(const ConfigTree& tree) {
  for (NodeId id = 1; id < tree.node_count(); ++id) {
    const NodeRef node = tree.ref(id);
    const std::string_view source_line = trimmed(tree.line_text(node.line()));
    const bool ok =
        is_multiline(node) ? node.text().starts_with(source_line) : node.text() == source_line;
    if (!ok) {
      return "line " + std::to_string(node.line()) + ": node '" + std::string(node.text()) +
             "' vs source '" + std::string(source_line) + "'";
    }
  }
  return {};
}

// Re-emits a statement tree as an indented config: one statement per line, two spaces per
// depth. Iterative, so a 10k-deep tree is fine.
inline std::string emit_indented(const ConfigTree& tree) {
  std::string out;
  std::vector<std::pair<NodeRef, std::size_t>> pending;
  std::vector<NodeRef> children;
  auto push_children = [&](NodeRef parent, std::size_t depth) {
    children.clear();
    for (NodeRef child : parent.children())
      children.push_back(child);
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      pending.emplace_back(*it, depth);
  };
  push_children(tree.root(), 0);
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    out.append(depth * 2, ' ');
    out += node.text();
    out += '\n';
    push_children(node, depth + 1);
  }
  return out;
}

}  // namespace netaudit::test
