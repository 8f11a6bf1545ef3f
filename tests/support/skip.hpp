// Skipping a test that cannot run here (the shared corpus is absent, a real component is not
// installed), so that CTest reports it as Skipped instead of Passed.
//
//   TEST_CASE("...") {
//     NETAUDIT_CORPUS_OR_SKIP(corpus);  // const std::filesystem::path corpus, or skip
//     ...
//   }
//   if (!tool_found) NETAUDIT_SKIP("promtool is not installed");
//
// The macros `return` from the function they are written in, so write them in the TEST_CASE
// body itself, never in a helper it calls. A skipped test prints "SKIPPED: <reason>"; the test
// executable then exits with kSkipExitCode (when nothing failed), which CTest's
// SKIP_RETURN_CODE (tests/CMakeLists.txt) shows as Skipped. With NETAUDIT_NO_SKIP set (CI does,
// in .ci/run) a skip is a failure instead: CI has every component, so nothing may skip there.
#pragma once

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "test_paths.hpp"

namespace netaudit::test {

// CTest's SKIP_RETURN_CODE for every test executable (the Automake convention).
inline constexpr int kSkipExitCode = 77;

// True when NETAUDIT_NO_SKIP is set to anything but "" or "0".
bool skips_forbidden();
// Counts a skip and prints the reason on stdout; test_main.cpp reads the count.
void record_skip(const std::string& reason);
int skipped_count();
// "the shared corpus is absent (...)": the reason every corpus test gives.
std::string corpus_absent_reason();

}  // namespace netaudit::test

// The SUCCEED keeps `--warn NoAssertions` quiet about a skipped test; the exit code, not the
// assertion count, is what makes CTest show it as Skipped.
#define NETAUDIT_SKIP(reason)                                                       \
  do {                                                                              \
    std::ostringstream netaudit_skip_reason;                                        \
    netaudit_skip_reason << reason;                                                 \
    if (::netaudit::test::skips_forbidden()) {                                      \
      FAIL("not skipped, NETAUDIT_NO_SKIP is set: " << netaudit_skip_reason.str()); \
    }                                                                               \
    ::netaudit::test::record_skip(netaudit_skip_reason.str());                      \
    SUCCEED("SKIPPED: " << netaudit_skip_reason.str());                             \
    return;                                                                         \
  } while (false)

// Declares `const std::filesystem::path var`, the shared corpus, or skips the test.
#define NETAUDIT_CORPUS_OR_SKIP(var)                                             \
  const auto var##_or_absent = ::netaudit::test::corpus_dir();                   \
  if (!var##_or_absent) NETAUDIT_SKIP(::netaudit::test::corpus_absent_reason()); \
  const std::filesystem::path var = *var##_or_absent
