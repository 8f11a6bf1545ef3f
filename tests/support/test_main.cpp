// Catch2's main, with two rules of the suite (tests/README.md):
// - every test case must make an assertion: `--warn NoAssertions` is always on (Catch2 2.x
//   takes a single --warn on its command line, and CTest passes `--warn NoTests`);
// - skip.hpp's convention: when nothing failed and a test skipped, the executable exits with
//   kSkipExitCode, which CTest's SKIP_RETURN_CODE reports as Skipped.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "skip.hpp"

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (const int bad_arguments = session.applyCommandLine(argc, argv); bad_arguments != 0) {
    return bad_arguments;
  }
  auto& config = session.configData();
  config.warnings =
      static_cast<Catch::WarnAbout::What>(config.warnings | Catch::WarnAbout::NoAssertions);
  const int failures = session.run();
  if (failures == 0 && netaudit::test::skipped_count() > 0) return netaudit::test::kSkipExitCode;
  return failures;
}
