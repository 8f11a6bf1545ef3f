// Internal: the tokenizer and helpers shared by the token-trie parsers (braces, set, xml).
//
// Tokens are views into the text being parsed: no copies, no per-token allocation. A quoted
// token ("..." or '...') is returned without its quotes; escapes are kept as written.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/config_tree.hpp"
#include "netaudit/policies/parse.hpp"

// Everything here lives in detail::trie: the statement-tree parsers have helpers of their own
// (e.g. their own WarningSink) in detail, and two inline definitions of one name would break
// the one-definition rule.
namespace netaudit::detail::trie {

// Deepest node a token trie may hold (the root is depth 0). Real configs stay under ~30;
// a cap keeps hostile input from building trees that recursive consumers cannot walk.
inline constexpr std::uint32_t kMaxTrieDepth = 1000;

// Per-kind cap on repeated warnings, so a file of the wrong family cannot produce millions.
inline constexpr std::uint32_t kMaxWarningsPerKind = 20;

// Collects warnings, keeping at most kMaxWarningsPerKind of each kind and then one summary.
class WarningSink {
 public:
  enum Kind : std::uint8_t {
    kSyntax,
    kQuote,
    kComment,
    kSkippedLine,
    kUnsupportedVerb,
    kDepth,
    kKindCount,
  };

  explicit WarningSink(std::vector<Diagnostic>& out) : out_(out) {}
  WarningSink(const WarningSink&) = delete;
  WarningSink& operator=(const WarningSink&) = delete;
  ~WarningSink() { flush(); }

  void add(Kind kind, std::uint32_t line, std::string message) {
    if (++counts_[kind] <= kMaxWarningsPerKind) out_.push_back({line, std::move(message)});
  }
  // Adds the "... and N more" summaries; also run by the destructor.
  void flush() {
    for (std::uint32_t kind = 0; kind < kKindCount; ++kind) {
      if (counts_[kind] > kMaxWarningsPerKind) {
        out_.push_back({0, std::to_string(counts_[kind] - kMaxWarningsPerKind) +
                               " more warning(s) like the ones above were left out"});
      }
      counts_[kind] = 0;
    }
  }

 private:
  std::vector<Diagnostic>& out_;
  std::uint32_t counts_[kKindCount] = {};
};

// Shortens a piece of source for a message: at most 40 bytes, on one line.
inline std::string excerpt(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  if (end != std::string_view::npos) text = text.substr(0, end);
  if (text.size() <= 40) return std::string(text);
  return std::string(text.substr(0, 40)) + "...";
}

enum class TokenKind : std::uint8_t {
  word,         // a bare or quoted word
  open_brace,   // {
  close_brace,  // }
  semicolon,    // ;
  open_list,    // [ (set form: only standing alone)
  close_list,   // ] (set form: only standing alone)
  end_of_line,  // an unquoted line break
  end,          // end of the text
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string_view text;   // for words: the word, quotes stripped
  std::uint32_t line = 0;  // 1-based line the token starts on
  bool quoted = false;     // the word was written in quotes
  bool multiline = false;  // a quoted word that spans several lines
};

// Splits brace-form or set-form text into tokens.
//  - structural (brace form): `{`, `}` and `;` end a word and are tokens of their own; so
//    are `[` at the start of a token when a blank or a quote follows, and `]` inside a list
//    (MD-CLI's `["a" "b"]`); `/* ... */` and `// ...` at the start of a token are comments.
//    Otherwise (set form) words run to the next blank and only `#` starts a comment.
//  - `#` at the start of a token comments out the rest of the line (`#` inside a word or
//    inside quotes is data).
//  - "..." may span lines and honours backslash escapes; '...' is literal, as in a shell.
//    A quote with no closing quote before the end of the text is taken to end at the end of
//    its own line (with a warning), so one stray quote does not swallow the rest of the file.
class Tokenizer {
 public:
  Tokenizer(std::string_view text, std::uint32_t first_line, bool structural, WarningSink& warnings)
      : text_(text), line_(first_line), structural_(structural), warnings_(warnings) {}

  Token next() {
    for (;;) {
      while (at_ < text_.size() && is_space(text_[at_]))
        ++at_;
      if (at_ >= text_.size()) return Token{TokenKind::end, {}, line_, false, false};
      const char c = text_[at_];
      if (c == '\n') {
        ++at_;
        return Token{TokenKind::end_of_line, {}, line_++, false, false};
      }
      if (c == '#') {
        skip_to_line_end();
        continue;
      }
      if (structural_) {
        if (c == '/' && at_ + 1 < text_.size() && text_[at_ + 1] == '*') {
          skip_block_comment();
          continue;
        }
        if (c == '/' && at_ + 1 < text_.size() && text_[at_ + 1] == '/') {
          skip_to_line_end();
          continue;
        }
        if (c == '{') return single(TokenKind::open_brace);
        if (c == '}') return single(TokenKind::close_brace);
        if (c == ';') return single(TokenKind::semicolon);
        // MD-CLI writes lists without blanks: member ["a" "b"]. A word that merely starts
        // with `[` (a regex such as [0-9]+) is not a list.
        if (c == '[' && (at_ + 1 >= text_.size() || opens_list(text_[at_ + 1]))) {
          in_list_ = true;
          return single(TokenKind::open_list);
        }
        if (c == ']' && in_list_) {
          in_list_ = false;
          return single(TokenKind::close_list);
        }
      }
      if (c == '"' || c == '\'') return quoted(c);
      return bare_word();
    }
  }

  // Raw text up to the `}` that balances an `{` just returned, consumed without tokenising:
  // for embedded code in another language (F5 iRules are Tcl). Backslash escapes are
  // skipped. Returns false (and consumes the rest) when the braces never balance.
  bool take_balanced_body(std::string_view& body) {
    const std::size_t begin = at_;
    std::size_t depth = 1;
    for (; at_ < text_.size(); ++at_) {
      const char c = text_[at_];
      if (c == '\\' && at_ + 1 < text_.size()) {
        if (text_[at_ + 1] == '\n') ++line_;
        ++at_;
      } else if (c == '\n') {
        ++line_;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        body = text_.substr(begin, at_ - begin);
        ++at_;
        return true;
      }
    }
    body = text_.substr(begin);
    return false;
  }

 private:
  static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
  }
  bool ends_word(char c) const {
    if (is_space(c) || c == '\n') return true;
    return structural_ && (c == '{' || c == '}' || c == ';' || (c == ']' && in_list_));
  }
  static bool opens_list(char next) {
    return is_space(next) || next == '\n' || next == '"' || next == '\'' || next == ']';
  }

  Token single(TokenKind kind) {
    if (kind == TokenKind::open_brace || kind == TokenKind::close_brace ||
        kind == TokenKind::semicolon)
      in_list_ = false;  // a statement's end also ends an unclosed list
    Token token{kind, text_.substr(at_, 1), line_, false, false};
    ++at_;
    return token;
  }

  Token bare_word() {
    const std::size_t begin = at_;
    while (at_ < text_.size() && !ends_word(text_[at_]))
      ++at_;
    const std::string_view word = text_.substr(begin, at_ - begin);
    if (word == "[") {
      in_list_ = true;
      return Token{TokenKind::open_list, word, line_, false, false};
    }
    if (word == "]") {
      in_list_ = false;
      return Token{TokenKind::close_list, word, line_, false, false};
    }
    return Token{TokenKind::word, word, line_, false, false};
  }

  Token quoted(char quote) {
    const std::size_t open = at_;
    const std::uint32_t open_line = line_;
    const std::size_t begin = open + 1;
    std::size_t& known_unterminated =
        quote == '"' ? unterminated_double_from_ : unterminated_single_from_;
    std::size_t at = begin;
    std::uint32_t newlines = 0;
    bool closed = false;
    if (open < known_unterminated) {
      while (at < text_.size()) {
        const char c = text_[at];
        if (c == quote) {
          closed = true;
          break;
        }
        if (c == '\\' && quote == '"' && at + 1 < text_.size()) {
          newlines += text_[at + 1] == '\n';
          at += 2;
          continue;
        }
        newlines += c == '\n';
        ++at;
      }
    }
    if (closed) {
      at_ = at + 1;
      line_ += newlines;
      return Token{TokenKind::word, text_.substr(begin, at - begin), open_line, true, newlines > 0};
    }
    // No closing quote anywhere after this point: remember that (so later quotes of this
    // kind need no rescan, keeping the pass linear) and end the word at the end of its line.
    known_unterminated = std::min(known_unterminated, open);
    std::size_t end = text_.find('\n', begin);
    if (end == std::string_view::npos) end = text_.size();
    at_ = end;
    std::size_t word_end = end;
    if (word_end > begin && text_[word_end - 1] == '\r') --word_end;
    warnings_.add(WarningSink::kQuote, open_line,
                  std::string("unterminated quoted string (no closing ") + quote +
                      " before the end of the input); taken to end at the end of this line");
    return Token{TokenKind::word, text_.substr(begin, word_end - begin), open_line, true, false};
  }

  void skip_to_line_end() {
    const std::size_t end = text_.find('\n', at_);
    at_ = end == std::string_view::npos ? text_.size() : end;
  }

  void skip_block_comment() {
    const std::uint32_t open_line = line_;
    const std::size_t close = text_.find("*/", at_ + 2);
    const std::size_t end = close == std::string_view::npos ? text_.size() : close + 2;
    for (std::size_t i = at_; i < end; ++i)
      line_ += text_[i] == '\n';
    at_ = end;
    if (close == std::string_view::npos) {
      warnings_.add(WarningSink::kComment, open_line,
                    "unterminated /* comment: the rest of the input is inside it");
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::uint32_t line_;
  bool structural_;
  bool in_list_ = false;  // between `[` and `]`: there `]` ends a word (brace form)
  WarningSink& warnings_;
  std::size_t unterminated_double_from_ = std::string_view::npos;
  std::size_t unterminated_single_from_ = std::string_view::npos;
};

// The building side shared by braces and set: adds one statement's words as a chain of
// trie nodes under `parent`, expanding `[ a b ]` lists into siblings under the word before
// the list. Keeps every node within kMaxTrieDepth (deeper words are flattened at the cap).
struct ChainWord {
  std::string_view text;
  bool list_item = false;
  bool multiline = false;
};

struct ChainResult {
  NodeId first = kNoNode;   // node of the first word (not a list item)
  NodeId last = kNoNode;    // node the chain ends on (where a block opens)
  std::uint32_t depth = 0;  // depth of `last`
};

class ChainBuilder {
 public:
  ChainBuilder(ConfigTree& tree, WarningSink& warnings) : tree_(tree), warnings_(warnings) {}

  ChainResult add(NodeId parent, std::uint32_t parent_depth, const std::vector<ChainWord>& words,
                  std::uint32_t line) {
    ChainResult result{kNoNode, parent, parent_depth};
    NodeId at = parent;
    std::uint32_t depth = parent_depth;
    // Consecutive set lines share long prefixes (`set interfaces ge-0/0/0 unit 0 ...`): the
    // nodes of the previous chain from the same parent are reused without a lookup while the
    // words agree. Nodes are never removed, so a remembered (parent, word) -> node holds.
    if (parent != previous_parent_) previous_.clear();
    previous_parent_ = parent;
    std::size_t position = 0;  // index among the chain's (non-list) words
    bool matching = true;
    for (const ChainWord& word : words) {
      const std::uint32_t flags = word.multiline ? kNodeMultiline : 0u;
      if (word.list_item) {
        // Siblings under the word before the list; the chain does not move.
        NodeId anchor = at;
        if (depth >= kMaxTrieDepth) anchor = flatten(at, line);
        tree_.child_or_append(anchor, word.text, line, flags);
        continue;
      }
      if (matching && position < previous_.size() && depth < kMaxTrieDepth &&
          previous_[position].text == word.text) {
        at = previous_[position].node;
        if (flags != 0) tree_.add_flags(at, flags);
        ++depth;
      } else {
        if (matching) previous_.resize(std::min(previous_.size(), position));
        matching = false;
        NodeId under = at;
        if (depth >= kMaxTrieDepth) {
          under = flatten(at, line);
        } else {
          ++depth;
        }
        at = tree_.child_or_append(under, word.text, line, flags);
        previous_.push_back(Remembered{word.text, at});
      }
      ++position;
      if (result.first == kNoNode) result.first = at;
    }
    result.last = at;
    result.depth = depth;
    return result;
  }

 private:
  // At the depth cap, new words become siblings of the node at the cap.
  NodeId flatten(NodeId at, std::uint32_t line) {
    if (!depth_warned_) {
      depth_warned_ = true;
      warnings_.add(WarningSink::kDepth, line,
                    "nesting deeper than " + std::to_string(kMaxTrieDepth) +
                        " levels; deeper statements are flattened at that depth");
    }
    const NodeId parent = tree_.node(at).parent;
    return parent == kNoNode ? at : parent;
  }

  struct Remembered {
    std::string_view text;
    NodeId node;
  };

  ConfigTree& tree_;
  WarningSink& warnings_;
  bool depth_warned_ = false;
  NodeId previous_parent_ = kNoNode;
  std::vector<Remembered> previous_;  // the last chain's words and nodes, in order
};

// Entry points on a part of a text (used by parse_xml for a Junos reply that carries the
// configuration as text). `text` must live in the tree's source or interned storage;
// `first_line` is the line `text` starts on.
void parse_braces_text(ConfigTree& tree, NodeId parent, std::string_view text,
                       std::uint32_t first_line, WarningSink& warnings);
void parse_set_text(ConfigTree& tree, NodeId parent, std::string_view text,
                    std::uint32_t first_line, WarningSink& warnings);

}  // namespace netaudit::detail::trie
