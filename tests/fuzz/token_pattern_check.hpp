// The differential check of fuzz_token_pattern, shared with its regression test
// (tests/unit/policy/pattern_match_test.cpp): the input's first line is a pattern, the rest a
// statement. Whenever the engine's token matcher accepts the pattern and answers (rather than
// deferring to RE2), its verdict and every group must be RE2's.
#pragma once

#include <re2/re2.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/token_pattern.hpp"

namespace netaudit::fuzz {

enum class TokenCheck {
  not_compared,  // no pattern line, a pattern the matcher or RE2 refuses, or the matcher asks RE2
  agrees,
  differs,
};

inline TokenCheck compare_token_pattern_with_re2(std::string_view input) {
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos || newline > 200) return TokenCheck::not_compared;
  const std::string_view pattern = input.substr(0, newline);
  const std::string text(input.substr(newline + 1));
  const auto tokens = policy::engine::TokenPattern::parse(pattern);
  if (!tokens) return TokenCheck::not_compared;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(false);
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  // A pattern RE2 refuses never reaches the matcher (the pack loader rejects it first).
  if (!re.ok() || re.NumberOfCapturingGroups() != tokens->group_count()) {
    return TokenCheck::not_compared;
  }
  const int n = tokens->group_count() + 1;
  std::vector<re2::StringPiece> expected(static_cast<std::size_t>(n));
  std::vector<re2::StringPiece> actual(static_cast<std::size_t>(n));
  const bool re2_match = re.Match(text, 0, text.size(), RE2::ANCHOR_BOTH, expected.data(), n);
  using Result = policy::engine::TokenPattern::Result;
  const Result result = tokens->match(text, actual.data());
  if (result == Result::ask_re2) return TokenCheck::not_compared;
  if ((result == Result::match) != re2_match) return TokenCheck::differs;
  if (!re2_match) return TokenCheck::agrees;
  for (int g = 0; g < n; ++g) {
    if (std::string_view(actual[g].data(), actual[g].size()) !=
        std::string_view(expected[g].data(), expected[g].size())) {
      return TokenCheck::differs;
    }
  }
  return TokenCheck::agrees;
}

}  // namespace netaudit::fuzz
