// Every input a fuzzer ever crashed on stays fixed: tests/fixtures/fuzz-regressions/<family>/
// holds the reproducers, one folder per fuzz target (indented, braces, set, block, menu, xml,
// detect; token_pattern is replayed by tests/unit/policy/fuzz_token_regressions_test.cpp). Each
// goes through the very checks of its fuzz target (tests/fuzz/fuzz_common.hpp), which read
// every node's text, attributes and line (so that ASan sees a dangling view), and a parse of the
// same bytes twice must give the same tree.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;

namespace {

// Thrown out of the fuzz checks; Catch reports it (with the invariant) as the test's failure.
[[noreturn]] void fail_test(const char* invariant) {
  throw std::runtime_error(std::string("fuzz invariant broken: ") + invariant);
}

// Installs fail_test for the fuzz checks while a test runs.
struct FailTestOnBrokenInvariant {
  FailTestOnBrokenInvariant() { netaudit::fuzz::failure_handler = fail_test; }
  ~FailTestOnBrokenInvariant() { netaudit::fuzz::failure_handler = netaudit::fuzz::trap; }
};

}  // namespace

TEST_CASE("fuzz regressions: every reproducer passes its fuzz target's checks") {
  const FailTestOnBrokenInvariant handler;
  const fs::path root = netaudit::test::fixture_dir() / "fuzz-regressions";
  REQUIRE(fs::is_directory(root));
  std::size_t count = 0;
  for (const auto& family_dir : fs::directory_iterator(root)) {
    if (!family_dir.is_directory()) continue;
    const std::string family = family_dir.path().filename().string();
    if (family == "token_pattern") continue;  // the policy tests replay these, against RE2
    const auto syntax = netaudit::syntax_from_string(family);
    INFO("family " << family);
    REQUIRE((syntax || family == "detect"));
    for (const auto& entry : fs::directory_iterator(family_dir.path())) {
      if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
      ++count;
      INFO("reproducer " << entry.path().string());
      const std::string input = netaudit::test::read_file(entry.path());
      if (!syntax) {
        netaudit::fuzz::check_detect_path(input);
        continue;
      }
      const netaudit::ParseResult first = netaudit::parse_config(std::string(input), *syntax);
      netaudit::fuzz::walk_tree(first);
      const netaudit::ParseResult again = netaudit::parse_config(std::string(input), *syntax);
      CHECK(netaudit::same_shape(first.tree.root(), again.tree.root()));
      CHECK(first.warnings.size() == again.warnings.size());
    }
  }
  std::cout << "fuzz regressions: " << count << " reproducer(s) checked\n";
  // The three xml reproducers of the lone-CR crash; a folder that vanished fails here.
  CHECK(count >= 3);
}

TEST_CASE("fuzz regressions: a broken invariant fails the test instead of trapping") {
  const FailTestOnBrokenInvariant handler;
  CHECK_THROWS_WITH(netaudit::fuzz::check(false, "probe"), "fuzz invariant broken: probe");
  CHECK_NOTHROW(netaudit::fuzz::check(true, "probe"));
}
