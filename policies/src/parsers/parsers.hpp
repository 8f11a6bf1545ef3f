// Internal: one entry point per syntax family, and the line reader they share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/config_tree.hpp"
#include "netaudit/policies/parse.hpp"

namespace netaudit::detail {

// Each fills `tree` (which already holds the source text) and appends warnings.
void parse_indented(ConfigTree& tree, std::vector<Diagnostic>& warnings);
void parse_braces(ConfigTree& tree, std::vector<Diagnostic>& warnings);
void parse_set(ConfigTree& tree, std::vector<Diagnostic>& warnings);
void parse_block(ConfigTree& tree, std::vector<Diagnostic>& warnings);
void parse_menu(ConfigTree& tree, std::vector<Diagnostic>& warnings);
void parse_xml(ConfigTree& tree, std::vector<Diagnostic>& warnings);

// Walks a text line by line without copying. Lines end at '\n'; a trailing '\r' is dropped.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  // Returns false at the end of the text.
  bool next(std::string_view& line) {
    if (at_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', at_);
    if (end == std::string_view::npos) end = text_.size();
    line = text_.substr(at_, end - at_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at_ = end + 1;
    ++number_;
    return true;
  }
  std::uint32_t number() const { return number_; }  // 1-based number of the last line read

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  std::uint32_t number_ = 0;
};

inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

// Builds a message from pieces. (Used instead of `"text" + std::string`, which g++ 12 at -O2
// wrongly reports under -Werror=restrict, GCC bug 105651.)
inline std::string concat(std::initializer_list<std::string_view> pieces) {
  std::size_t size = 0;
  for (std::string_view piece : pieces)
    size += piece.size();
  std::string out;
  out.reserve(size);
  for (std::string_view piece : pieces)
    out.append(piece);
  return out;
}

}  // namespace netaudit::detail
