// One vendor-neutral configuration tree for every syntax family.
//
// The tree owns one copy of the source text; node texts are views into it (or into a small
// arena for the rare text that had to be synthesised, such as a line joined from `\`
// continuations). Nodes live in one vector and link to each other by index, so building a
// tree costs one allocation per growth step, not one per line.
//
// Two shapes of tree, chosen by the parser:
//  - statement trees (indented, block, menu): a node is a whole statement ("line vty 0 4");
//  - token tries (braces, set, xml): a node is one word, and siblings with the same word are
//    merged, so `set system services ssh` and `system { services { ssh; } }` give equal trees.
// In both, every node keeps the 1-based line its statement starts on.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit {

class ConfigTree;

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

enum NodeFlags : std::uint32_t {
  kNodeInactive = 1u << 0,   // Junos `inactive:` / `deactivate`; present but not in effect
  kNodeMultiline = 1u << 1,  // a banner or quoted string that spans several source lines
};

struct XmlAttribute {
  NodeId node;
  std::string_view name;
  std::string_view value;
};

// A cheap handle to one node: a tree pointer and an index. Valid while its tree lives.
class NodeRef {
 public:
  NodeRef() = default;
  NodeRef(const ConfigTree* tree, NodeId id) : tree_(tree), id_(id) {}

  explicit operator bool() const { return tree_ != nullptr && id_ != kNoNode; }
  NodeId id() const { return id_; }
  const ConfigTree& tree() const { return *tree_; }

  std::string_view text() const;
  std::uint32_t line() const;  // 1-based; 0 for the root
  std::uint32_t flags() const;
  bool inactive() const { return (flags() & kNodeInactive) != 0; }
  bool is_root() const { return id_ == 0; }

  NodeRef parent() const;
  NodeRef first_child() const;
  NodeRef next_sibling() const;
  bool has_children() const { return static_cast<bool>(first_child()); }

  // First child whose text equals `text` exactly.
  NodeRef child(std::string_view text) const;
  // Follows a path of exact texts: root.find({"system", "services", "ssh"}).
  NodeRef find(std::initializer_list<std::string_view> path) const;

  // Iterates the direct children: for (NodeRef c : node.children()) ...
  class ChildRange children() const;

  friend bool operator==(const NodeRef& a, const NodeRef& b) {
    return a.tree_ == b.tree_ && a.id_ == b.id_;
  }

 private:
  const ConfigTree* tree_ = nullptr;
  NodeId id_ = kNoNode;
};

class ChildIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = NodeRef;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = NodeRef;
  ChildIterator() = default;
  explicit ChildIterator(NodeRef at) : at_(at) {}
  NodeRef operator*() const { return at_; }
  ChildIterator& operator++() {
    at_ = at_.next_sibling();
    return *this;
  }
  ChildIterator operator++(int) {
    ChildIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const ChildIterator& other) const { return at_.id() == other.at_.id(); }

 private:
  NodeRef at_;
};

class ChildRange {
 public:
  explicit ChildRange(NodeRef first) : first_(first) {}
  ChildIterator begin() const { return ChildIterator(first_); }
  ChildIterator end() const { return ChildIterator(); }

 private:
  NodeRef first_;
};

class ConfigTree {
 public:
  struct Node {
    const char* text_data = nullptr;
    std::uint32_t text_size = 0;
    std::uint32_t line = 0;
    NodeId parent = kNoNode;
    NodeId first_child = kNoNode;
    NodeId next_sibling = kNoNode;
    std::uint32_t flags = 0;
    std::string_view text() const { return {text_data, text_size}; }
  };

  // Takes the source text; the root node (id 0) exists from the start.
  explicit ConfigTree(std::string source);
  ConfigTree(ConfigTree&&) noexcept;
  ConfigTree& operator=(ConfigTree&&) noexcept;
  ConfigTree(const ConfigTree&) = delete;
  ConfigTree& operator=(const ConfigTree&) = delete;
  ~ConfigTree();

  std::string_view source() const { return *source_; }
  NodeRef root() const { return NodeRef(this, 0); }
  std::size_t node_count() const { return nodes_.size(); }
  const Node& node(NodeId id) const { return nodes_[id]; }
  NodeRef ref(NodeId id) const { return NodeRef(this, id); }

  // Source lines, 1-based, without the line terminator: evidence for a finding.
  std::size_t line_count() const { return line_starts_.size(); }
  std::string_view line_text(std::uint32_t line) const;

  std::vector<XmlAttribute> attributes(NodeId node) const;

  // Approximate bytes held by the tree beyond the source text itself.
  std::size_t memory_bytes() const;

  // ---- building (for parsers) ----
  // `text` must point into source() or into storage returned by intern().
  NodeId append_child(NodeId parent, std::string_view text, std::uint32_t line,
                      std::uint32_t flags = 0);
  // Token tries: the existing child of `parent` with this exact text, or a new one.
  NodeId child_or_append(NodeId parent, std::string_view text, std::uint32_t line,
                         std::uint32_t flags = 0);
  void add_flags(NodeId id, std::uint32_t flags) { nodes_[id].flags |= flags; }
  void add_attribute(NodeId node, std::string_view name, std::string_view value);
  // Copies text that is not in the source (joined continuation lines) into stable storage.
  std::string_view intern(std::string_view text);
  // Drops build-time indexes; call once parsing is finished.
  void finish_building();

 private:
  struct BuildIndex;
  std::unique_ptr<const std::string> source_;  // heap-held so views survive a move
  std::vector<Node> nodes_;
  std::vector<NodeId> last_child_;  // build time only: O(1) append
  std::vector<std::uint32_t> line_starts_;
  std::vector<XmlAttribute> attributes_;  // sorted by node, XML trees only
  std::vector<std::unique_ptr<char[]>> arena_;
  std::unique_ptr<BuildIndex> build_index_;  // (parent, text) -> child, for large tries
};

inline std::string_view NodeRef::text() const {
  return tree_->node(id_).text();
}
inline std::uint32_t NodeRef::line() const {
  return tree_->node(id_).line;
}
inline std::uint32_t NodeRef::flags() const {
  return tree_->node(id_).flags;
}
inline NodeRef NodeRef::parent() const {
  return NodeRef(tree_, tree_->node(id_).parent);
}
inline NodeRef NodeRef::first_child() const {
  return NodeRef(tree_, tree_->node(id_).first_child);
}
inline NodeRef NodeRef::next_sibling() const {
  return NodeRef(tree_, tree_->node(id_).next_sibling);
}
inline ChildRange NodeRef::children() const {
  return ChildRange(first_child());
}

}  // namespace netaudit
