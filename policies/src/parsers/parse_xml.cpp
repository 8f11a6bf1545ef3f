// XML configs as token tries: NETCONF `<rpc-reply><data>`, bare `<data>`, Junos
// `<configuration>`, PAN-OS `<config>`, any other XML.
//
// The envelope (rpc-reply, data, configuration, configuration-information, a top-level
// config) is stripped, so the root's children are the config's top-level elements. Then:
//   element                        -> node named by its local name (prefix dropped)
//   <host-name>r1</host-name>      -> host-name -> r1 (the trimmed text is one node)
//   <group><name>ibgp</name>...    -> group -> ibgp -> ...  (a first <name> child keys a
//                                     list entry, as in Junos and IETF YANG; so do Junos
//                                     <filter-name> and <as-number>)
//   <interfaces><interface><name>ge-0/0/0</name>...
//                                  -> interfaces -> ge-0/0/0 -> ...  (the entry's own tag is
//                                     left out when it is the singular of its parent's:
//                                     interface/interfaces, vlan/vlans, policy/policies,
//                                     and Junos instance/routing-instances)
//   <contents>, <prefix-list-item> -> left out the same way (Junos prints them bare)
//   <entry name="X">               -> X   (PAN-OS)
//   <member>v</member>             -> v   (PAN-OS)
//   inactive="inactive"            -> kNodeInactive on the entry's node (Junos)
//   <junos:comment>                -> skipped, like /* */ annotations in the brace form
//   <rpc-reply><cli>               -> skipped (Junos prompt banner)
//   <configuration-text|-output>   -> its text parsed as the brace form (Junos text replies)
//   <configuration-set>            -> its text parsed as the set form
//   <rpc-error>                    -> a warning with its error-message
// Attributes (xmlns included) are kept with add_attribute. `config` and `state` containers
// (OpenConfig) are never keyed by a <name> child: there <name> is an ordinary leaf.
#include <algorithm>
#include <cstring>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "parsers.hpp"
#include "tokens.hpp"

namespace netaudit::detail::trie {
namespace {

std::string_view local_name(std::string_view name) {
  const std::size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim_xml(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_envelope(std::string_view tag) {
  return tag == "rpc-reply" || tag == "data" || tag == "configuration" ||
         tag == "configuration-information" || tag == "config";
}

// Tags of a first child that keys a list entry: <name> (Junos, IETF YANG), and two Junos
// keys the brace form prints bare (`input PROTECT-RE;`, `autonomous-system 65010;`).
bool is_key_tag(std::string_view tag) {
  return tag == "name" || tag == "filter-name" || tag == "as-number";
}

// Is `tag` a list entry whose tag the brace form does not print under `parent_tag`?
bool entry_tag_is_implied(std::string_view parent_tag, std::string_view tag) {
  if (tag == "contents" || tag == "prefix-list-item") return true;  // Junos
  if (parent_tag == "routing-instances" && tag == "instance") return true;
  if (parent_tag.size() == tag.size() + 1 && parent_tag.starts_with(tag) &&
      parent_tag.back() == 's')
    return true;  // interface / interfaces
  if (parent_tag.size() == tag.size() + 2 && parent_tag.starts_with(tag) &&
      parent_tag.ends_with("es"))
    return true;  // address / addresses
  if (tag.size() > 1 && tag.back() == 'y' && parent_tag.size() == tag.size() + 2 &&
      parent_tag.ends_with("ies") && parent_tag.starts_with(tag.substr(0, tag.size() - 1)))
    return true;  // policy / policies
  return false;
}

// Line numbers from byte offsets. The walk goes mostly forward through the document, so a
// cursor that moves from the last offset costs O(input) over the whole walk.
class LineCounter {
 public:
  explicit LineCounter(std::string_view source) : source_(source) {}
  std::uint32_t line_at(std::size_t offset) {
    offset = std::min(offset, source_.size());
    while (at_ < offset) {
      const void* found = std::memchr(source_.data() + at_, '\n', offset - at_);
      if (found == nullptr) {
        at_ = offset;
        break;
      }
      at_ = static_cast<std::size_t>(static_cast<const char*>(found) - source_.data()) + 1;
      ++line_;
    }
    while (at_ > offset) {
      --at_;
      if (source_[at_] == '\n') --line_;
    }
    return line_;
  }

 private:
  std::string_view source_;
  std::size_t at_ = 0;
  std::uint32_t line_ = 1;
};

class XmlWalker {
 public:
  XmlWalker(ConfigTree& tree, std::string_view buffer, WarningSink& warnings)
      : tree_(tree), buffer_(buffer), lines_(tree.source()), warnings_(warnings) {}

  void walk(const pugi::xml_node& document) {
    frames_.push_back(Frame{first_element(document), 0, {}, 0});
    while (!frames_.empty()) {
      Frame& frame = frames_.back();
      if (!frame.next) {
        frames_.pop_back();
        continue;
      }
      const pugi::xml_node element = frame.next;
      frame.next = next_element(element);
      const NodeId parent = frame.tree_parent;
      const std::string_view parent_tag = frame.parent_tag;
      const std::uint32_t depth = frame.depth;
      visit(element, parent, parent_tag, depth);  // may push a frame: `frame` is stale now
    }
  }

  std::uint32_t line_of(const char* at) {
    if (at < buffer_.data() || at > buffer_.data() + buffer_.size()) return 0;
    return lines_.line_at(static_cast<std::size_t>(at - buffer_.data()));
  }

 private:
  struct Frame {
    pugi::xml_node next;  // the next child element to visit
    NodeId tree_parent;
    std::string_view parent_tag;
    std::uint32_t depth;  // depth of tree_parent
  };

  static pugi::xml_node first_element(const pugi::xml_node& parent) {
    pugi::xml_node child = parent.first_child();
    while (child && child.type() != pugi::node_element)
      child = child.next_sibling();
    return child;
  }
  static pugi::xml_node next_element(const pugi::xml_node& node) {
    pugi::xml_node child = node.next_sibling();
    while (child && child.type() != pugi::node_element)
      child = child.next_sibling();
    return child;
  }

  // The element's text: its first non-blank text or CDATA child, trimmed.
  static std::string_view text_of(const pugi::xml_node& element) {
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        const std::string_view text = trim_xml(child.value());
        if (!text.empty()) return text;
      }
    }
    return {};
  }

  // A node under `parent`, kept within kMaxTrieDepth.
  NodeId add(NodeId parent, std::uint32_t& depth, std::string_view text, std::uint32_t line,
             std::uint32_t flags = 0) {
    if (depth >= kMaxTrieDepth) {
      if (!depth_warned_) {
        depth_warned_ = true;
        warnings_.add(WarningSink::kDepth, line,
                      "nesting deeper than " + std::to_string(kMaxTrieDepth) +
                          " levels; deeper elements are flattened at that depth");
      }
      const NodeId up = tree_.node(parent).parent;
      if (up != kNoNode) parent = up;
    } else {
      ++depth;
    }
    if (text.find('\n') != std::string_view::npos) flags |= kNodeMultiline;
    return tree_.child_or_append(parent, text, line, flags);
  }

  void visit(const pugi::xml_node& element, NodeId parent, std::string_view parent_tag,
             std::uint32_t depth) {
    const std::string_view qualified = element.name();
    const std::string_view tag = local_name(qualified);
    const std::uint32_t line = line_of(qualified.data());

    if (parent == 0 && is_envelope(tag)) {
      for (const pugi::xml_attribute& attribute : element.attributes())
        tree_.add_attribute(0, attribute.name(), attribute.value());
      frames_.push_back(Frame{first_element(element), parent, tag, depth});
      return;
    }
    if (tag == "comment" && qualified.starts_with("junos:")) return;
    if (parent == 0 && parent_tag == "rpc-reply" && tag == "cli") return;  // Junos prompt info
    if (tag == "rpc-error") {
      const std::string_view message = trim_xml(element.child_value("error-message"));
      warnings_.add(WarningSink::kSyntax, line,
                    "the reply carries an rpc-error: " +
                        (message.empty() ? std::string("(no error-message)") : excerpt(message)));
      return;
    }
    if (tag == "configuration-text" || tag == "configuration-output" ||
        tag == "configuration-set") {
      for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_pcdata && child.type() != pugi::node_cdata) continue;
        const std::string_view text = child.value();
        if (tag == "configuration-set") {
          parse_set_text(tree_, parent, text, line_of(text.data()), warnings_);
        } else {
          parse_braces_text(tree_, parent, text, line_of(text.data()), warnings_);
        }
      }
      return;
    }

    const pugi::xml_attribute inactive = element.attribute("inactive");
    const bool is_inactive = inactive && std::string_view(inactive.value()) == "inactive";
    std::string_view skip_attribute;  // the attribute that became the node's text
    pugi::xml_node skip_child;        // the child element that became the node's text
    bool text_used = false;
    NodeId node = kNoNode;

    const pugi::xml_attribute entry_name = element.attribute("name");
    const pugi::xml_node first_child = first_element(element);
    if (tag == "entry" && entry_name) {
      node = add(parent, depth, entry_name.value(), line);  // PAN-OS <entry name="X">
      skip_attribute = "name";
    } else if (tag == "member" && !first_child && !text_of(element).empty()) {
      node = add(parent, depth, text_of(element), line);  // PAN-OS <member>v</member>
      text_used = true;
    } else if (first_child && is_key_tag(first_child.name()) && !first_element(first_child) &&
               !text_of(first_child).empty() && tag != "config" && tag != "state") {
      // A list entry keyed by <name>.
      NodeId under = parent;
      if (!entry_tag_is_implied(parent_tag, tag)) under = add(parent, depth, tag, line);
      node = add(under, depth, text_of(first_child), line);
      skip_child = first_child;
    } else {
      node = add(parent, depth, tag, line);
    }

    for (const pugi::xml_attribute& attribute : element.attributes()) {
      if (!skip_attribute.empty() && skip_attribute == attribute.name()) continue;
      tree_.add_attribute(node, attribute.name(), attribute.value());
    }
    if (is_inactive) tree_.add_flags(node, kNodeInactive);

    if (!text_used) {
      for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_pcdata && child.type() != pugi::node_cdata) continue;
        const std::string_view text = trim_xml(child.value());
        if (text.empty()) continue;
        std::uint32_t text_depth = depth;
        add(node, text_depth, text, line);
      }
    }

    pugi::xml_node children = first_child;
    if (children && children == skip_child) children = next_element(children);
    if (children) frames_.push_back(Frame{children, node, tag, depth});
  }

  ConfigTree& tree_;
  std::string_view buffer_;
  LineCounter lines_;
  WarningSink& warnings_;
  std::vector<Frame> frames_;
  bool depth_warned_ = false;
};

}  // namespace
}  // namespace netaudit::detail::trie

namespace netaudit::detail {

void parse_xml(ConfigTree& tree, std::vector<Diagnostic>& warnings) {
  using trie::WarningSink;
  using trie::XmlWalker;
  WarningSink sink(warnings);
  // pugixml parses in place: it gets a copy the tree owns (intern storage), so every name,
  // value and text it yields is already stable storage for node texts; no copy per node.
  // The copy is ours (a non-const block from intern()), so writing to it is allowed.
  const std::string_view copy = tree.intern(tree.source());
  char* buffer = const_cast<char*>(copy.data());
  pugi::xml_document document;
  // encoding_utf8: no conversion, so pugixml keeps using our buffer (offsets stay valid).
  // No parse_eol: turning a lone CR into LF inside element text would add lines that the
  // source does not have, and embedded CLI text (`<configuration-text>`) is counted by line.
  // The parsers treat CR as blank space, so nothing else changes.
  const pugi::xml_parse_result result = document.load_buffer_inplace(
      buffer, copy.size(), pugi::parse_default & ~pugi::parse_eol, pugi::encoding_utf8);
  XmlWalker walker(tree, copy, sink);
  if (!result) {
    const auto offset = static_cast<std::size_t>(
        std::clamp<std::ptrdiff_t>(result.offset, 0, static_cast<std::ptrdiff_t>(copy.size())));
    const std::uint32_t line = walker.line_of(copy.data() + offset);
    // pugixml reports a cut-off document as a tag mismatch; say what it most likely is.
    const bool at_end =
        result.status != pugi::status_no_document_element &&
        tree.source().find_first_not_of(" \t\r\n", offset) == std::string_view::npos;
    sink.add(WarningSink::kSyntax, line,
             std::string("XML error: ") + result.description() +
                 (at_end ? " (the input ends before the document does: truncated?)" : "") +
                 "; the elements before it are kept");
  }
  walker.walk(document);
  if (!tree.root().first_child() && result) {
    sink.add(WarningSink::kSyntax, 0, "the XML document has no configuration elements");
  }
}

}  // namespace netaudit::detail
