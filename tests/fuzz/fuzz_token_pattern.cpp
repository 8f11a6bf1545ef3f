// Differential fuzzing of the engine's token matcher against RE2: the input's first line is a
// pattern, the rest a statement. Whenever the matcher accepts the pattern and answers (rather
// than deferring to RE2), its verdict and every group must be RE2's. A difference aborts.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/token_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos || newline > 200) return 0;
  const std::string_view pattern = input.substr(0, newline);
  const std::string text(input.substr(newline + 1));
  const auto tokens = netaudit::policy::engine::TokenPattern::parse(pattern);
  if (!tokens) return 0;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(false);
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  // A pattern RE2 refuses never reaches the matcher (the pack loader rejects it first).
  if (!re.ok() || re.NumberOfCapturingGroups() != tokens->group_count()) return 0;
  const int n = tokens->group_count() + 1;
  std::vector<re2::StringPiece> expected(static_cast<std::size_t>(n));
  std::vector<re2::StringPiece> actual(static_cast<std::size_t>(n));
  const bool re2_match = re.Match(text, 0, text.size(), RE2::ANCHOR_BOTH, expected.data(), n);
  using Result = netaudit::policy::engine::TokenPattern::Result;
  const Result result = tokens->match(text, actual.data());
  if (result == Result::ask_re2) return 0;
  if ((result == Result::match) != re2_match) __builtin_trap();
  if (!re2_match) return 0;
  for (int g = 0; g < n; ++g)
    if (std::string_view(actual[g].data(), actual[g].size()) !=
        std::string_view(expected[g].data(), expected[g].size()))
      __builtin_trap();
  return 0;
}
