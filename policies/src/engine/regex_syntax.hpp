// Small facts about RE2 pattern text, shared by the pattern index and the token matcher.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netaudit::policy::engine {

// A character with a meaning in RE2 syntax (outside a class).
inline bool is_regex_meta(char c) {
  return std::string_view(".[]()*+?{}|^$\\").find(c) != std::string_view::npos;
}

// The text `pattern` matches when it has no regex syntax at all (escaped punctuation allowed).
std::optional<std::string> plain_text(std::string_view pattern);

}  // namespace netaudit::policy::engine
