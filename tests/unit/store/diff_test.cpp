// store::unified_diff against GNU diff -u on the same texts (byte for byte where the shortest
// diff is unique), and against patch(1) where it is not.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace {

using netaudit::store::unified_diff;
using netaudit::test::run_command;
using netaudit::test::TempDir;

std::string join(const std::vector<std::string>& lines, bool final_newline = true) {
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    text += lines[i];
    if (i + 1 < lines.size() || final_newline) text += '\n';
  }
  return text;
}

// Distinct config-like lines: line i is unique, so the shortest diff is unique too.
std::vector<std::string> config_lines(int count, const std::string& tag = "") {
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    lines.push_back("interface GigabitEthernet0/" + std::to_string(i) + tag + " description x" +
                    std::to_string(i * 7 % 13));
  }
  return lines;
}

std::string gnu_diff(const TempDir& dir, const std::string& from, const std::string& to) {
  dir.write("from.txt", from);
  dir.write("to.txt", to);
  const auto result = run_command("cd '" + dir.path().string() +
                                  "' && diff -u --label from --label to from.txt to.txt");
  return result.output;
}

// Applies `diff` to `from` with patch(1) and returns the result.
std::string apply_patch(const TempDir& dir, const std::string& from, const std::string& diff) {
  dir.write("target.txt", from);
  dir.write("change.diff", diff);
  const auto result = run_command("cd '" + dir.path().string() +
                                  "' && patch -s --no-backup-if-mismatch target.txt change.diff "
                                  "2>&1 && cat target.txt");
  REQUIRE(result.exit_code == 0);
  return result.output;
}

std::size_t changed_lines(const std::string& diff) {
  std::size_t count = 0;
  std::size_t at = 0;
  while (at < diff.size()) {
    const std::size_t end = std::min(diff.find('\n', at), diff.size());
    const std::string_view line(diff.data() + at, end - at);
    if ((line.starts_with('+') && !line.starts_with("+++ ")) ||
        (line.starts_with('-') && !line.starts_with("--- "))) {
      ++count;
    }
    at = end + 1;
  }
  return count;
}

}  // namespace

TEST_CASE("unified_diff: equal texts give an empty diff") {
  CHECK(unified_diff("", "", "a", "b").empty());
  CHECK(unified_diff("x\ny\n", "x\ny\n", "a", "b").empty());
}

TEST_CASE("unified_diff: matches diff -u byte for byte on distinct lines") {
  const TempDir dir("store-diff");
  const auto base = config_lines(40);
  struct Case {
    std::string name;
    std::string from, to;
  };
  std::vector<Case> cases;
  {
    auto to = base;
    to[20] = "interface changed";
    cases.push_back({"one line changed", join(base), join(to)});
  }
  {
    auto to = base;
    to.insert(to.begin(), "hostname new");
    cases.push_back({"added at the start", join(base), join(to)});
  }
  {
    auto to = base;
    to.pop_back();
    to.pop_back();
    cases.push_back({"removed at the end", join(base), join(to)});
  }
  for (int gap : {5, 6, 7, 8}) {  // hunks merge when <= 2 * 3 unchanged lines lie between
    auto to = base;
    to[10] = "changed A";
    to[11 + gap] = "changed B";
    cases.push_back({"two changes " + std::to_string(gap) + " apart", join(base), join(to)});
  }
  {
    auto to = base;
    to[2] = "first";
    to.erase(to.begin() + 15, to.begin() + 18);
    to.insert(to.begin() + 30, {"new 1", "new 2"});
    to[36] = "near the end";
    cases.push_back({"several hunks", join(base), join(to)});
  }
  cases.push_back({"from empty", "", join(base)});
  cases.push_back({"to empty", join(base), ""});
  cases.push_back({"no newline at the end of from", join(base, false), join(base)});
  cases.push_back({"no newline at the end of to", join(base), join(base, false)});
  {
    auto to = base;
    to.back() = "last changed";
    cases.push_back(
        {"both without newline, last line changed", join(base, false), join(to, false)});
  }
  cases.push_back({"complete rewrite", join(config_lines(12)), join(config_lines(9, "-other"))});

  // Random edits on distinct lines.
  std::mt19937 random(20261203);
  int fresh = 0;
  for (int round = 0; round < 40; ++round) {
    auto to = base;
    const int edits = 1 + static_cast<int>(random() % 8);
    for (int e = 0; e < edits && !to.empty(); ++e) {
      const std::size_t at = random() % to.size();
      switch (random() % 3) {
        case 0:
          to.erase(to.begin() + static_cast<long>(at));
          break;
        case 1:
          to.insert(to.begin() + static_cast<long>(at), "inserted " + std::to_string(fresh++));
          break;
        default:
          to[at] = "replaced " + std::to_string(fresh++);
      }
    }
    cases.push_back({"random round " + std::to_string(round), join(base), join(to)});
  }

  for (const auto& test : cases) {
    INFO(test.name);
    const std::string ours = unified_diff(test.from, test.to, "from", "to");
    CHECK(ours == gnu_diff(dir, test.from, test.to));
    CHECK(apply_patch(dir, test.from, ours) == test.to);
  }
}

TEST_CASE("unified_diff: repeated lines give a diff that patch applies, as short as diff's") {
  const TempDir dir("store-diff-repeat");
  std::mt19937 random(7);
  // Few distinct lines (config-like repeats: "!", " shutdown", " exit"), many ambiguous matches.
  const std::vector<std::string> alphabet = {"!", " shutdown", " exit", "interface x", " no ip"};
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> from, to;
    const std::size_t from_size = random() % 60, to_size = random() % 60;
    for (std::size_t i = 0; i < from_size; ++i)
      from.push_back(alphabet[random() % alphabet.size()]);
    for (std::size_t i = 0; i < to_size; ++i)
      to.push_back(alphabet[random() % alphabet.size()]);
    const std::string a = join(from), b = join(to);
    INFO("round " << round);
    const std::string ours = unified_diff(a, b, "from", "to");
    if (a == b) {
      CHECK(ours.empty());
      continue;
    }
    CHECK(apply_patch(dir, a, ours) == b);
    dir.write("from.txt", a);
    dir.write("to.txt", b);
    const auto minimal =
        run_command("cd '" + dir.path().string() + "' && diff -u --minimal from.txt to.txt");
    CHECK(changed_lines(ours) == changed_lines(minimal.output));
  }
}

TEST_CASE("unified_diff: a total rewrite of a long config stays correct") {
  // Past the edit-distance cap the diff is no longer guaranteed shortest, but must still apply.
  const TempDir dir("store-diff-long");
  const std::string from = join(config_lines(6000, "-a"));
  std::vector<std::string> to_lines = config_lines(6000, "-b");
  for (int i = 0; i < 6000; i += 97)
    to_lines[static_cast<std::size_t>(i)] = config_lines(6000, "-a")[static_cast<std::size_t>(i)];
  const std::string to = join(to_lines);
  const std::string ours = unified_diff(from, to, "from", "to");
  CHECK(apply_patch(dir, from, ours) == to);
}
