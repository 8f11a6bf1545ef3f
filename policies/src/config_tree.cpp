#include "netaudit/policies/config_tree.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

namespace netaudit {
namespace {

// Hash of (parent, text) for merging siblings in token tries.
struct ChildKey {
  NodeId parent;
  std::string_view text;
  bool operator==(const ChildKey&) const = default;
};
struct ChildKeyHash {
  std::size_t operator()(const ChildKey& key) const noexcept {
    return std::hash<std::string_view>{}(key.text) ^
           (std::size_t{key.parent} * 0x9E3779B97F4A7C15ull);
  }
};

// Below this many children a linear scan is cheaper than hashing.
constexpr std::uint32_t kIndexAfterChildren = 8;

}  // namespace

struct ConfigTree::BuildIndex {
  std::unordered_map<ChildKey, NodeId, ChildKeyHash> children;
  std::vector<bool> indexed;  // per parent: are all its children in `children`?
  bool is_indexed(NodeId parent) const { return parent < indexed.size() && indexed[parent]; }
};

ConfigTree::ConfigTree(std::string source)
    : source_(std::make_unique<const std::string>(std::move(source))) {
  const std::string& text = *source_;
  line_starts_.reserve(text.size() / 32 + 1);
  line_starts_.push_back(0);
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
    if (at + 1 < text.size()) line_starts_.push_back(static_cast<std::uint32_t>(at + 1));
  }
  nodes_.reserve(line_starts_.size() + 1);
  last_child_.reserve(line_starts_.size() + 1);
  nodes_.push_back(Node{});
  last_child_.push_back(kNoNode);
}

ConfigTree::~ConfigTree() = default;
ConfigTree::ConfigTree(ConfigTree&&) noexcept = default;
ConfigTree& ConfigTree::operator=(ConfigTree&&) noexcept = default;

std::string_view ConfigTree::line_text(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::string& text = *source_;
  std::size_t begin = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] : text.size();
  while (end > begin && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    --end;
  return std::string_view(text).substr(begin, end - begin);
}

std::vector<XmlAttribute> ConfigTree::attributes(NodeId node) const {
  auto by_node = [](const XmlAttribute& a, NodeId id) { return a.node < id; };
  auto first = std::lower_bound(attributes_.begin(), attributes_.end(), node, by_node);
  std::vector<XmlAttribute> found;
  for (auto it = first; it != attributes_.end() && it->node == node; ++it)
    found.push_back(*it);
  return found;
}

std::size_t ConfigTree::memory_bytes() const {
  std::size_t bytes =
      nodes_.capacity() * sizeof(Node) + line_starts_.capacity() * sizeof(std::uint32_t) +
      attributes_.capacity() * sizeof(XmlAttribute) + last_child_.capacity() * sizeof(NodeId);
  return bytes;
}

NodeId ConfigTree::append_child(NodeId parent, std::string_view text, std::uint32_t line,
                                std::uint32_t flags) {
  const auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(Node{text.data(), static_cast<std::uint32_t>(text.size()), line, parent, kNoNode,
                        kNoNode, flags});
  last_child_.push_back(kNoNode);
  NodeId& last = last_child_[parent];
  if (last == kNoNode) {
    nodes_[parent].first_child = id;
  } else {
    nodes_[last].next_sibling = id;
  }
  last = id;
  if (build_index_ && build_index_->is_indexed(parent)) {
    build_index_->children.emplace(ChildKey{parent, text}, id);
  }
  return id;
}

NodeId ConfigTree::child_or_append(NodeId parent, std::string_view text, std::uint32_t line,
                                   std::uint32_t flags) {
  if (!build_index_) build_index_ = std::make_unique<BuildIndex>();
  BuildIndex& index = *build_index_;
  if (index.is_indexed(parent)) {
    if (auto found = index.children.find(ChildKey{parent, text}); found != index.children.end()) {
      nodes_[found->second].flags |= flags;
      return found->second;
    }
    return append_child(parent, text, line, flags);
  }
  std::uint32_t scanned = 0;
  for (NodeId child = nodes_[parent].first_child; child != kNoNode;
       child = nodes_[child].next_sibling, ++scanned) {
    if (nodes_[child].text() == text) {
      nodes_[child].flags |= flags;
      return child;
    }
  }
  if (scanned >= kIndexAfterChildren) {
    // A wide parent (prefix lists, address books): index it once, then look up by hash.
    if (index.indexed.size() <= parent) index.indexed.resize(parent + 1, false);
    index.indexed[parent] = true;
    for (NodeId child = nodes_[parent].first_child; child != kNoNode;
         child = nodes_[child].next_sibling) {
      index.children.emplace(ChildKey{parent, nodes_[child].text()}, child);
    }
  }
  return append_child(parent, text, line, flags);
}

void ConfigTree::add_attribute(NodeId node, std::string_view name, std::string_view value) {
  attributes_.push_back(XmlAttribute{node, name, value});
}

std::string_view ConfigTree::intern(std::string_view text) {
  auto block = std::make_unique<char[]>(text.size() + 1);
  std::memcpy(block.get(), text.data(), text.size());
  block[text.size()] = '\0';
  std::string_view stored(block.get(), text.size());
  arena_.push_back(std::move(block));
  return stored;
}

void ConfigTree::finish_building() {
  last_child_.clear();
  last_child_.shrink_to_fit();
  build_index_.reset();
  nodes_.shrink_to_fit();
  std::stable_sort(attributes_.begin(), attributes_.end(),
                   [](const XmlAttribute& a, const XmlAttribute& b) { return a.node < b.node; });
}

NodeRef NodeRef::child(std::string_view text) const {
  for (NodeRef c = first_child(); c; c = c.next_sibling()) {
    if (c.text() == text) return c;
  }
  return NodeRef(tree_, kNoNode);
}

NodeRef NodeRef::find(std::initializer_list<std::string_view> path) const {
  NodeRef at = *this;
  for (std::string_view step : path) {
    at = at.child(step);
    if (!at) break;
  }
  return at;
}

}  // namespace netaudit
