// Running the built `netaudit` binary from the CLI tests.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "test_paths.hpp"

namespace netaudit::test {

// Single-quotes a path for /bin/sh (any byte but NUL may be in it).
inline std::string quoted(const std::filesystem::path& path) {
  std::string out = "'";
  for (char c : path.string()) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `netaudit ARGS`; stderr is folded into the output when `with_stderr`.
inline CommandResult run_netaudit(const std::string& args, bool with_stderr = false) {
  const std::filesystem::path binary = netaudit_binary();
  REQUIRE(std::filesystem::exists(binary));
  return run_command(quoted(binary) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

// The non-empty lines of `text`.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace netaudit::test
