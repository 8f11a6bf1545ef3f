// The suite's own machinery: skipping (skip.hpp) and checking child processes
// (child_check.hpp). The probes are hidden test cases ([.probe]) that this executable runs in a
// child of itself, so that what CTest and CI see of them (the exit status) is what is checked.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "child_check.hpp"
#include "skip.hpp"
#include "test_paths.hpp"

using netaudit::test::child_problem;
using netaudit::test::run_command;
using netaudit::test::sanitizer_report;

namespace {

std::string self() {
  return std::filesystem::read_symlink("/proc/self/exe").string();
}

// Runs one hidden probe of this executable, with NETAUDIT_NO_SKIP as given ("" = unset).
netaudit::test::CommandResult run_probe(const std::string& name, const std::string& no_skip = "") {
  const std::string env =
      no_skip.empty() ? "env -u NETAUDIT_NO_SKIP" : "env NETAUDIT_NO_SKIP=" + no_skip;
  return run_command(env + " '" + self() + "' '" + name + "' 2>&1");
}

}  // namespace

TEST_CASE("probe: a test that skips", "[.probe]") {
  NETAUDIT_SKIP("probe reason " << 42);
  FAIL("a skip returns from the test case");
}

TEST_CASE("probe: a corpus test with no corpus", "[.probe]") {
  NETAUDIT_CORPUS_OR_SKIP(corpus);
  FAIL("found a corpus at " << corpus);
}

TEST_CASE("probe: a use after free", "[.probe]") {
  auto* values = new int[4]{1, 2, 3, 4};  // the raw new is the point: the probe needs a bug
  int* volatile alias = values;           // volatile: the optimiser cannot drop the read below
  delete[] values;
  const int read = alias[2];
  CHECK(read == 3);
}

TEST_CASE("skip: a skipped test exits with the skip code and says why") {
  const auto skipped = run_probe("probe: a test that skips");
  CHECK(skipped.exit_code == netaudit::test::kSkipExitCode);
  CHECK_THAT(skipped.output, Catch::Contains("SKIPPED: probe reason 42"));
  CHECK_THAT(skipped.output, !Catch::Contains("a skip returns"));

  // "0" is the same as unset.
  CHECK(run_probe("probe: a test that skips", "0").exit_code == netaudit::test::kSkipExitCode);
}

TEST_CASE("skip: with NETAUDIT_NO_SKIP set, a skip is a failure") {
  const auto refused = run_probe("probe: a test that skips", "1");
  CHECK(refused.exit_code == 1);  // Catch's count of failed test cases
  CHECK_THAT(refused.output,
             Catch::Contains("not skipped, NETAUDIT_NO_SKIP is set: probe reason 42"));
}

TEST_CASE("skip: a corpus test skips when the corpus is absent") {
  const auto skipped = run_command("env -u NETAUDIT_NO_SKIP NETAUDIT_CORPUS=/nonexistent/corpus '" +
                                   self() + "' 'probe: a corpus test with no corpus' 2>&1");
  CHECK(skipped.exit_code == netaudit::test::kSkipExitCode);
  CHECK_THAT(skipped.output, Catch::Contains("SKIPPED: the shared corpus is absent"));
}

TEST_CASE("child check: how a child ended") {
  CHECK_EXIT(run_command("exit 0"), 0);
  CHECK_EXIT(run_command("exit 3"), 3);
  CHECK(child_problem(run_command("echo some output; exit 3"), 0) ==
        "exited with 3, expected exit 0; output:\nsome output\n");
  const auto aborted = run_command("kill -ABRT $$");
  CHECK(aborted.exit_code == -1);
  CHECK_THAT(child_problem(aborted, 0), Catch::StartsWith("killed by signal 6 ("));
}

TEST_CASE("child check: sanitizer reports are found in output") {
  CHECK(sanitizer_report("all fine\nSUMMARY: 3 files\n").empty());
  CHECK(sanitizer_report("line 1\n==12==ERROR: AddressSanitizer: heap-use-after-free\nstack\n") ==
        "==12==ERROR: AddressSanitizer: heap-use-after-free\nstack\n");
  CHECK(sanitizer_report("a.cpp:3:5: runtime error: signed integer overflow\n") ==
        "a.cpp:3:5: runtime error: signed integer overflow\n");
  CHECK(sanitizer_report("x\n==9==ERROR: LeakSanitizer: detected memory leaks\n").size() > 10);
  CHECK(sanitizer_report("SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior a.cpp:3:5\n")
            .size() > 10);
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

TEST_CASE("probe: run_command on a child with a use after free", "[.probe]") {
  run_command("'" + self() + "' 'probe: a use after free' >/dev/null 2>&1");
  SUCCEED("run_command returned");
}

TEST_CASE("child check: a sanitizer report in a child fails the test, even with stderr discarded") {
  if (!kAddressSanitizer) NETAUDIT_SKIP("not built with AddressSanitizer (NETAUDIT_SANITIZE)");
  // The probe's own child reports a use after free into /dev/null; the probe's run_command must
  // still see it and fail the probe.
  const auto probe = run_probe("probe: run_command on a child with a use after free");
  CHECK(probe.exit_code == 1);
  CHECK_THAT(probe.output, Catch::Contains("a sanitizer reported in a child process of:"));
  CHECK_THAT(probe.output, Catch::Contains("ERROR: AddressSanitizer: heap-use-after-free"));
}
