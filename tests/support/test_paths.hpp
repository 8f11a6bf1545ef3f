// Where tests find the project's fixtures, the shared corpus and the built binary.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace netaudit::test {

std::filesystem::path source_dir();
std::filesystem::path fixture_dir();  // tests/fixtures
std::filesystem::path binary_dir();   // the CMake build folder
std::filesystem::path netaudit_binary();

// ../shared/corpus, or $NETAUDIT_CORPUS. Empty when absent: the caller skips with a reason.
std::optional<std::filesystem::path> corpus_dir();

std::string read_file(const std::filesystem::path& path);

// Runs a command through /bin/sh, capturing stdout (and stderr when the command says 2>&1).
// Sanitizer reports of the command and everything it starts go to files of their own
// (ASAN_OPTIONS/UBSAN_OPTIONS log_path), whatever it does with stderr: a report fails the
// running test case. Check the exit status with CHECK_EXIT (child_check.hpp).
struct CommandResult {
  int exit_code = -1;   // the exit status, -1 when killed by a signal
  int wait_status = 0;  // as waitpid gives it
  std::string output;
  std::string sanitizer_report;  // "" when no sanitizer reported
};
CommandResult run_command(const std::string& command);

}  // namespace netaudit::test
