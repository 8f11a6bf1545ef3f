#include "netaudit/policies/config_tree.hpp"

#include <catch2/catch.hpp>

using netaudit::ConfigTree;
using netaudit::NodeRef;

TEST_CASE("config tree: children keep order, lines and parents") {
  ConfigTree tree("line vty 0 4\n transport input ssh\n exec-timeout 5 0\n");
  const std::string_view src = tree.source();
  const auto vty = tree.append_child(0, src.substr(0, 12), 1);
  tree.append_child(vty, src.substr(14, 19), 2);
  tree.append_child(vty, src.substr(35, 16), 3);
  tree.finish_building();

  NodeRef line = tree.root().child("line vty 0 4");
  REQUIRE(line);
  CHECK(line.line() == 1);
  NodeRef transport = line.child("transport input ssh");
  REQUIRE(transport);
  CHECK(transport.line() == 2);
  CHECK(transport.parent() == line);
  CHECK(tree.line_text(3) == " exec-timeout 5 0");
  CHECK_FALSE(line.child("transport input telnet"));
  int count = 0;
  for (NodeRef child : line.children())
    count += child.parent() == line;
  CHECK(count == 2);
}

TEST_CASE("config tree: tries merge equal siblings, also past the hash threshold") {
  std::string source;
  for (int i = 0; i < 50; ++i)
    source += "s" + std::to_string(i) + "\n";
  ConfigTree tree(source);
  const std::string_view src = tree.source();
  std::vector<netaudit::NodeId> first;
  std::size_t at = 0;
  for (int i = 0; i < 50; ++i) {
    const std::size_t end = src.find('\n', at);
    first.push_back(
        tree.child_or_append(0, src.substr(at, end - at), static_cast<uint32_t>(i + 1)));
    at = end + 1;
  }
  at = 0;
  for (int i = 0; i < 50; ++i) {
    const std::size_t end = src.find('\n', at);
    CHECK(tree.child_or_append(0, tree.intern(src.substr(at, end - at)), 99) == first[i]);
    at = end + 1;
  }
  tree.finish_building();
  CHECK(tree.node_count() == 51);
  CHECK(tree.root().child("s42").line() == 43);
}
