// Internal helpers shared by the statement-tree parsers (indented, block, menu): words,
// indentation, multi-line spans and a bounded warning list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers.hpp"

namespace netaudit::detail {

// Column of the first non-blank character. A space is one column; a tab advances to the next
// multiple of 8 (the terminal convention, and what `expand` does), so a line indented with one
// tab nests like one indented with 8 spaces.
inline std::uint32_t indent_width(std::string_view line) {
  std::uint32_t column = 0;
  for (char c : line) {
    if (c == ' ' || c == '\f' || c == '\v') {
      ++column;
    } else if (c == '\t') {
      column = (column / 8 + 1) * 8;
    } else {
      break;
    }
  }
  return column;
}

inline std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  return s;
}

inline std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

// The loader strips a UTF-8 byte order mark; text handed to a parser directly may still start
// with one, and it must not become part of the first statement.
inline std::string_view without_bom(std::string_view line, std::uint32_t number) {
  if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  return line;
}

// One line of a statement-tree file that holds a statement.
struct StatementLine {
  std::string_view line;       // the raw line (without a leading byte order mark)
  std::string_view statement;  // the line trimmed: never empty, never a `#` comment
  std::uint32_t number = 0;    // 1-based
};

// Reads on to the next line that holds a statement, passing over blank lines and `#` comment
// lines (FortiOS and RouterOS both comment that way). Returns false at the end of the text.
inline bool next_statement_line(LineReader& reader, StatementLine& out) {
  std::string_view line;
  while (reader.next(line)) {
    const std::uint32_t number = reader.number();
    line = without_bom(line, number);
    const std::string_view statement = trim(line);
    if (statement.empty() || statement.front() == '#') continue;
    out = {line, statement, number};
    return true;
  }
  return false;
}

// The first blank-separated word of an already trimmed statement.
inline std::string_view first_word(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && !is_blank(s[end]))
    ++end;
  return s.substr(0, end);
}

// What follows the first word, without the blanks in between.
inline std::string_view after_first_word(std::string_view s) {
  return trim_left(s.substr(first_word(s).size()));
}

// True when `s` is `word` alone or `word` followed by a blank.
inline bool starts_with_word(std::string_view s, std::string_view word) {
  return s.starts_with(word) && (s.size() == word.size() || is_blank(s[word.size()]));
}

// Text of a statement that runs from `first` (a view into the source) to the end of `last`
// (a later view into the same source). Carriage returns of CRLF files are dropped from the
// inner line ends, which needs a copy in the tree's arena; other spans stay views.
inline std::string_view span_text(ConfigTree& tree, std::string_view first, std::string_view last) {
  const std::string_view span(first.data(),
                              static_cast<std::size_t>(last.data() + last.size() - first.data()));
  if (span.find('\r') == std::string_view::npos) return span;
  std::string copy;
  copy.reserve(span.size());
  for (std::size_t i = 0; i < span.size(); ++i) {
    // Only the CR of a CRLF line end goes; a stray CR inside a line is content.
    if (span[i] != '\r' || i + 1 >= span.size() || span[i + 1] != '\n') copy.push_back(span[i]);
  }
  return tree.intern(copy);
}

// Collects warnings, keeping at most `limit` so that hostile input (a million stray `end`
// lines) cannot turn into a million strings; the overflow is counted in one last warning.
class WarningSink {
 public:
  explicit WarningSink(std::vector<Diagnostic>& out, std::size_t limit = 200)
      : out_(out), limit_(limit) {}
  WarningSink(const WarningSink&) = delete;
  WarningSink& operator=(const WarningSink&) = delete;
  ~WarningSink() {
    if (dropped_ != 0) {
      out_.push_back({0, concat({std::to_string(dropped_), " more warning(s) not shown"})});
    }
  }

  void add(std::uint32_t line, std::string message) {
    if (added_ >= limit_) {
      ++dropped_;
      return;
    }
    ++added_;
    out_.push_back({line, std::move(message)});
  }

 private:
  std::vector<Diagnostic>& out_;
  std::size_t limit_;
  std::size_t added_ = 0;
  std::size_t dropped_ = 0;
};

// Shows a statement in a warning without flooding it: at most `max` bytes.
inline std::string quote_for_message(std::string_view text, std::size_t max = 60) {
  std::string shown(text.substr(0, max));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return concat({"'", shown, text.size() > max ? "...'" : "'"});
}

}  // namespace netaudit::detail
