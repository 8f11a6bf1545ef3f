// Every input a fuzzer ever crashed on stays fixed: tests/fixtures/fuzz-regressions/<family>/
// holds the reproducers, one folder per fuzz target (indented, braces, set, block, menu, xml,
// detect). Each is parsed the way its target does and the tree is walked completely.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;

namespace {

// The same invariants the fuzz targets check (tests/fuzz/fuzz_common.hpp), as assertions.
void check_tree(const netaudit::ParseResult& result) {
  const netaudit::ConfigTree& tree = result.tree;
  REQUIRE(tree.node_count() >= 1);
  std::size_t visited = 0;
  std::vector<netaudit::NodeRef> pending{tree.root()};
  while (!pending.empty()) {
    const netaudit::NodeRef node = pending.back();
    pending.pop_back();
    REQUIRE(++visited <= tree.node_count());
    if (!node.is_root()) {
      CHECK(node.line() >= 1);
      CHECK(node.line() <= tree.line_count());
    }
    for (netaudit::NodeRef child = node.first_child(); child; child = child.next_sibling()) {
      CHECK(child.parent() == node);
      pending.push_back(child);
    }
  }
  CHECK(visited == tree.node_count());
  for (const netaudit::Diagnostic& warning : result.warnings) {
    CHECK_FALSE(warning.message.empty());
    CHECK(warning.line <= tree.line_count() + 1);
  }
  CHECK(netaudit::same_shape(tree.root(), tree.root()));
}

}  // namespace

TEST_CASE("fuzz regressions: every reproducer parses and walks without a crash") {
  const fs::path root = netaudit::test::fixture_dir() / "fuzz-regressions";
  if (!fs::is_directory(root)) {
    WARN("no fuzz regressions recorded yet (" << root.string() << " absent)");
    return;
  }
  std::size_t count = 0;
  for (const auto& family_dir : fs::directory_iterator(root)) {
    if (!family_dir.is_directory()) continue;
    const std::string family = family_dir.path().filename().string();
    const auto syntax = netaudit::syntax_from_string(family);
    INFO("family " << family);
    REQUIRE((syntax || family == "detect"));
    for (const auto& entry : fs::directory_iterator(family_dir.path())) {
      if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
      ++count;
      INFO("reproducer " << entry.path().string());
      std::string input = netaudit::test::read_file(entry.path());
      if (syntax) {
        check_tree(netaudit::parse_config(std::move(input), *syntax));
        continue;
      }
      // The detect target: detection on the raw bytes, then the checked path of `parse`.
      const netaudit::Detection raw = netaudit::detect_platform(input);
      CHECK(raw.confidence >= 0.0);
      CHECK(raw.confidence <= 1.0);
      netaudit::LoadResult loaded =
          netaudit::check_config_text(std::move(input), entry.path().string());
      if (!loaded.source) {
        CHECK_FALSE(loaded.error.empty());
        continue;
      }
      const netaudit::Detection detection = netaudit::detect_platform(loaded.source->text);
      check_tree(netaudit::parse_config(std::move(loaded.source->text), detection.syntax));
    }
  }
  std::cout << "fuzz regressions: " << count << " reproducer(s) checked\n";
}
