// Statement patterns matched without RE2: literal text, `\S+` and `\d+` tokens that the text
// after them cannot continue, single characters from a `[set]`, alternatives of plain words
// `(?:tacacs|radius)` (tried in order, as RE2 does), and a tail `.+`, `.*` or `(?: .*)?`; any
// token, alternation or tail may be a capture group, named or not.
// `neighbor (\S+) remote-as (\S+)(?: .*)?` is one; optional parts, nested groups and anything
// a token could run into stay with RE2. Work is linear in the text for each way through the
// alternatives, and a pattern with more than kMaxWays ways is left to RE2.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit::policy::engine {

class TokenPattern {
 public:
  // The pattern, when it has the shape above (std::nullopt otherwise).
  static std::optional<TokenPattern> parse(std::string_view pattern);

  enum class Result : std::uint8_t { match, no_match, ask_re2 };
  // Full match of `text`. Fills groups[0 .. group_count] (0 = the whole text) when `groups` is
  // not null. Text with bytes outside ASCII where `.` or `\S` would have to read them is left
  // to RE2 (ask_re2), whose UTF-8 rules decide there.
  Result match(std::string_view text, re2::StringPiece* groups) const;

  int group_count() const { return groups_; }

  static constexpr std::size_t kMaxWays = 64;  // product of the choices' alternative counts

 private:
  // One alternative of a choice: plain text, or one digit (`\d`).
  struct Alternative {
    bool digit = false;
    std::string text;
  };
  struct Segment {
    enum Kind : std::uint8_t {
      text,
      non_space,
      digits,
      one_of,
      choice,
      rest_any,
      rest_some,
      rest_spaced
    };
    Kind kind = text;
    std::string chars;                      // the text, or the set of one_of
    std::vector<Alternative> alternatives;  // choice
    int group = 0;                          // capture group number; 0: none
  };
  Result match_from(std::size_t segment, std::size_t pos, std::string_view text,
                    re2::StringPiece* groups) const;
  std::vector<Segment> segments_;
  int groups_ = 0;
};

}  // namespace netaudit::policy::engine
