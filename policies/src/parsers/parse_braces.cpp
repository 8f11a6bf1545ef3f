// Brace-form configs as token tries: Junos `show configuration`, VyOS/EdgeOS config.boot,
// Nokia SR OS MD-CLI `info`, PAN-OS brace form.
//
//   a b { ... }   opens a block whose path is the chain a -> b
//   c d;          a leaf statement (Junos, PAN-OS): the chain c -> d
//   c d           the same without `;`, ended by the line break (VyOS, SR OS MD-CLI)
//   m [ x y ];    x and y become sibling children of m
//
// Junos `inactive:` / `protect:` / `replace:` prefixes are stripped; `inactive:` marks the
// statement as inactive: a block on its own node (the last word of `unit 0 {`), a leaf on its
// first word (`host-name` of `host-name r1;`). That is where `deactivate <path>` of the
// display-set form points, so both forms give the same tree.
#include <string>
#include <vector>

#include "parsers.hpp"
#include "tokens.hpp"

namespace netaudit::detail::trie {
namespace {

// Text of the node an anonymous `{ ... }` block becomes (static storage outlives every tree).
constexpr std::string_view kAnonymousEntry = "{}";

struct Block {
  NodeId node;
  std::uint32_t depth;
  std::uint32_t line;  // where it was opened, for the unbalanced-brace warning
};

class BraceParser {
 public:
  BraceParser(ConfigTree& tree, NodeId parent, std::string_view text, std::uint32_t first_line,
              WarningSink& warnings)
      : tree_(tree),
        warnings_(warnings),
        tokens_(text, first_line, /*structural=*/true, warnings),
        chains_(tree, warnings) {
    std::uint32_t depth = 0;
    for (NodeId at = tree.node(parent).parent; at != kNoNode; at = tree.node(at).parent)
      ++depth;
    blocks_.push_back(Block{parent, depth, first_line});
    words_.reserve(32);
  }

  void run() {
    for (;;) {
      const Token token = tokens_.next();
      switch (token.kind) {
        case TokenKind::word:
          on_word(token);
          break;
        case TokenKind::open_list:
          if (in_list_) {
            warnings_.add(WarningSink::kSyntax, token.line, "'[' inside a [ ] list; ignored");
          } else {
            start_statement(token.line);
            in_list_ = true;
            list_line_ = token.line;
          }
          break;
        case TokenKind::close_list:
          if (!in_list_) {
            warnings_.add(WarningSink::kSyntax, token.line, "']' without '['; ignored");
          }
          in_list_ = false;
          break;
        case TokenKind::semicolon:
          end_leaf(token.line, /*by_line_break=*/false);
          break;
        case TokenKind::end_of_line:
          // A line break ends a statement (VyOS, MD-CLI), except inside a [ ] list.
          if (!in_list_) end_leaf(token.line, /*by_line_break=*/true);
          break;
        case TokenKind::open_brace:
          open_block(token.line);
          break;
        case TokenKind::close_brace:
          end_leaf(token.line, /*by_line_break=*/false);
          close_block(token.line);
          break;
        case TokenKind::end:
          end_leaf(token.line, /*by_line_break=*/false);
          report_unclosed();
          return;
      }
    }
  }

 private:
  void start_statement(std::uint32_t line) {
    if (words_.empty() && !inactive_) statement_line_ = line;
  }

  void on_word(const Token& token) {
    if (words_.empty() && !in_list_ && !token.quoted) {
      // Junos statement prefixes.
      if (token.text == "inactive:") {
        if (!inactive_) statement_line_ = token.line;
        inactive_ = true;
        return;
      }
      if (token.text == "protect:" || token.text == "replace:" || token.text == "active:") {
        if (!inactive_) statement_line_ = token.line;
        has_prefix_ = true;
        return;
      }
    }
    if (words_.empty() && !inactive_ && !has_prefix_) statement_line_ = token.line;
    words_.push_back(ChainWord{token.text, in_list_, token.multiline});
  }

  void close_list_at(std::uint32_t line) {
    if (in_list_) {
      warnings_.add(WarningSink::kSyntax, list_line_,
                    "'[' list not closed by ']' before the end of the statement on line " +
                        std::to_string(line));
      in_list_ = false;
    }
  }

  void clear_statement() {
    words_.clear();
    inactive_ = false;
    has_prefix_ = false;
  }

  void end_leaf(std::uint32_t line, bool by_line_break) {
    close_list_at(line);
    if (words_.empty()) {
      // `/* note */;` or a blank line: nothing to add. A line break keeps the last leaf
      // reopenable (for a `{` on the next line); anything else does not.
      if (!by_line_break) reopenable_ = kNoNode;
      clear_statement();
      return;
    }
    const Block& block = blocks_.back();
    const ChainResult chain = chains_.add(block.node, block.depth, words_, statement_line_);
    if (inactive_ && chain.first != kNoNode) tree_.add_flags(chain.first, kNodeInactive);
    reopenable_ = by_line_break ? chain.last : kNoNode;
    reopenable_depth_ = chain.depth;
    reopenable_line_ = statement_line_;
    clear_statement();
  }

  void open_block(std::uint32_t line) {
    close_list_at(line);
    if (words_.empty()) {
      if (reopenable_ != kNoNode) {
        // `name` on one line and `{` on the next (Allman style): the leaf opens the block.
        blocks_.push_back(Block{reopenable_, reopenable_depth_, reopenable_line_});
      } else if (blocks_.back().depth > 0 && blocks_.back().depth + 1 < kMaxTrieDepth) {
        // An anonymous list entry (F5 `unicast-address { { ip 192.0.2.1 } { ... } }`): each
        // gets a node of its own, never merged with its siblings, so entries stay apart. Only
        // inside a named block: a bare `{` at the top level is a broken file, not a list.
        const Block& enclosing = blocks_.back();
        const NodeId entry = tree_.append_child(enclosing.node, kAnonymousEntry, line);
        blocks_.push_back(Block{entry, enclosing.depth + 1, line});
      } else {
        warnings_.add(WarningSink::kSyntax, line,
                      "'{' without a statement before it; its contents are kept in the "
                      "enclosing block");
        blocks_.push_back(blocks_.back());
        blocks_.back().line = line;
      }
      reopenable_ = kNoNode;
      clear_statement();
      return;
    }
    const Block& block = blocks_.back();
    const ChainResult chain = chains_.add(block.node, block.depth, words_, statement_line_);
    if (inactive_) tree_.add_flags(chain.last, kNodeInactive);
    if (opens_embedded_code(block)) {
      take_embedded_code(chain.last, line);
      return;
    }
    blocks_.push_back(Block{chain.last, chain.depth, statement_line_});
    reopenable_ = kNoNode;
    clear_statement();
  }

  // F5 `ltm rule NAME {` (and v10's top-level `rule NAME {`) holds an iRule: Tcl, whose
  // `[ ]` and `{ }` mean something else. Its body is kept as one node, not tokenised.
  bool opens_embedded_code(const Block& block) const {
    if (block.depth != 0 || in_list_) return false;
    const bool ltm_rule = words_.size() == 3 && words_[0].text == "ltm" && words_[1].text == "rule";
    const bool bare_rule = words_.size() == 2 && words_[0].text == "rule";
    return ltm_rule || bare_rule;
  }

  void take_embedded_code(NodeId rule, std::uint32_t line) {
    std::string_view body;
    if (!tokens_.take_balanced_body(body)) {
      warnings_.add(
          WarningSink::kSyntax, line,
          "rule body opened here never closes; the rest of the input is kept as its text");
    }
    body = trim_blank_lines(body);
    if (!body.empty()) {
      const std::uint32_t flags = body.find('\n') != std::string_view::npos ? kNodeMultiline : 0u;
      tree_.append_child(rule, body, line + leading_newlines_, flags);
    }
    reopenable_ = kNoNode;
    clear_statement();
  }

  // The body without its leading and trailing blank lines; remembers how many lines it skipped.
  std::string_view trim_blank_lines(std::string_view body) {
    leading_newlines_ = 0;
    while (!body.empty() && (is_blank(body.front()) || body.front() == '\n')) {
      leading_newlines_ += body.front() == '\n';
      body.remove_prefix(1);
    }
    while (!body.empty() && (is_blank(body.back()) || body.back() == '\n'))
      body.remove_suffix(1);
    return body;
  }

  void close_block(std::uint32_t line) {
    reopenable_ = kNoNode;
    if (blocks_.size() <= 1) {
      warnings_.add(WarningSink::kSyntax, line, "'}' without an open block; ignored");
      return;
    }
    blocks_.pop_back();
  }

  void report_unclosed() {
    if (blocks_.size() <= 1) return;
    const std::size_t missing = blocks_.size() - 1;
    const Block& outer = blocks_[1];
    const Block& inner = blocks_.back();
    std::string message = std::to_string(missing) + " block(s) not closed by '}' at the end of " +
                          "the input; the outermost is '" + excerpt(tree_.node(outer.node).text()) +
                          "' opened on line " + std::to_string(outer.line);
    if (missing > 1) {
      message += ", the innermost '" + excerpt(tree_.node(inner.node).text()) +
                 "' opened on line " + std::to_string(inner.line);
    }
    warnings_.add(WarningSink::kSyntax, outer.line, std::move(message));
  }

  ConfigTree& tree_;
  WarningSink& warnings_;
  Tokenizer tokens_;
  ChainBuilder chains_;
  std::vector<Block> blocks_;
  std::uint32_t leading_newlines_ = 0;
  std::vector<ChainWord> words_;  // the statement being read (reused: no churn)
  std::uint32_t statement_line_ = 0;
  bool inactive_ = false;
  bool has_prefix_ = false;
  bool in_list_ = false;
  std::uint32_t list_line_ = 0;
  NodeId reopenable_ = kNoNode;  // last leaf ended by a line break
  std::uint32_t reopenable_depth_ = 0;
  std::uint32_t reopenable_line_ = 0;
};

}  // namespace

void parse_braces_text(ConfigTree& tree, NodeId parent, std::string_view text,
                       std::uint32_t first_line, WarningSink& warnings) {
  BraceParser(tree, parent, text, first_line, warnings).run();
}

}  // namespace netaudit::detail::trie

namespace netaudit::detail {

void parse_braces(ConfigTree& tree, std::vector<Diagnostic>& warnings) {
  trie::WarningSink sink(warnings);
  trie::parse_braces_text(tree, 0, tree.source(), 1, sink);
}

}  // namespace netaudit::detail
