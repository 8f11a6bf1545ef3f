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

// Runs a command through /bin/sh, capturing stdout (and stderr when asked).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(const std::string& command);

}  // namespace netaudit::test
