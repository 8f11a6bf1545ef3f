#include "test_paths.hpp"

#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "temp_dir.hpp"

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

namespace {

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// Appends log_path to the sanitizer options the child inherits, so that its reports (one file
// per process: <prefix>.<pid>) cannot be lost to a 2>/dev/null.
std::string with_sanitizer_logs(const std::filesystem::path& logs, const std::string& command) {
  std::string prefix;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
    const char* inherited = std::getenv(name);
    std::string options = inherited && *inherited ? std::string(inherited) + ":" : "";
    options += "log_path=" + (logs / "report").string();
    prefix += "export " + std::string(name) + "=" + shell_quoted(options) + "; ";
  }
  return prefix + "\n" + command;
}

std::string collected_reports(const std::filesystem::path& logs) {
  std::string reports;
  for (const auto& entry : std::filesystem::directory_iterator(logs)) {
    reports += read_file(entry.path());
  }
  return reports;
}

}  // namespace

CommandResult run_command(const std::string& command) {
  CommandResult result;
  const TempDir logs("sanitizer-logs");
  FILE* raw = popen(with_sanitizer_logs(logs.path(), command).c_str(), "r");
  if (!raw) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), raw)) > 0) {
    result.output.append(buffer.data(), got);
  }
  result.wait_status = pclose(raw);
  result.exit_code = WIFEXITED(result.wait_status) ? WEXITSTATUS(result.wait_status) : -1;
  result.sanitizer_report = collected_reports(logs.path());
  if (!result.sanitizer_report.empty()) {
    FAIL_CHECK("a sanitizer reported in a child process of: " << command << "\n"
                                                              << result.sanitizer_report);
  }
  return result;
}

}  // namespace netaudit::test
