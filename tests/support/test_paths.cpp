#include "test_paths.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace netaudit::test {

std::filesystem::path source_dir() {
  return NETAUDIT_SOURCE_DIR;
}
std::filesystem::path fixture_dir() {
  return source_dir() / "tests" / "fixtures";
}
std::filesystem::path binary_dir() {
  return NETAUDIT_BINARY_DIR;
}

std::filesystem::path netaudit_binary() {
  if (const char* from_env = std::getenv("NETAUDIT_BIN"); from_env && *from_env) return from_env;
  return binary_dir() / "daemon" / "netaudit";
}

std::optional<std::filesystem::path> corpus_dir() {
  std::filesystem::path candidate;
  if (const char* from_env = std::getenv("NETAUDIT_CORPUS"); from_env && *from_env) {
    candidate = from_env;
  } else {
    candidate = source_dir().parent_path() / "shared" / "corpus";
  }
  if (std::filesystem::is_directory(candidate)) return candidate;
  return std::nullopt;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* raw = popen(command.c_str(), "r");
  if (!raw) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), raw)) > 0) {
    result.output.append(buffer.data(), got);
  }
  const int status = pclose(raw);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace netaudit::test
