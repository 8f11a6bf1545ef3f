// Set-form configs as token tries: Junos `display set`, VyOS `show configuration commands`,
// PAN-OS `set` CLI, SR Linux flat `set /` form.
//
//   set a b c              the chain a -> b -> c from the root (a leading `/` is dropped)
//   set m [ x y ]          x and y become sibling children of m (PAN-OS, SR Linux)
//   deactivate a b         marks the node at a -> b inactive (as Junos `inactive:` does)
//   activate a b           undoes an earlier `deactivate` of that path
//   delete / insert / ...  not applied (the tree only grows); a warning names the line
//
// Comment lines (`#`), and the lines that wrap a captured config (`{master:0}`, `[edit]`,
// `user@host> show configuration | display set`) are skipped quietly; any other line that
// does not start with a verb is skipped with a warning.
#include <algorithm>
#include <string>
#include <vector>

#include "parsers.hpp"
#include "tokens.hpp"

namespace netaudit::detail::trie {
namespace {

// Lines around a captured config that carry no configuration.
bool is_capture_noise(std::string_view word) {
  if (word.size() >= 2 && word.front() == '{' && word.back() == '}') return true;  // {master:0}
  if (word.starts_with("[edit")) return true;
  if (word == "!" || word.starts_with("##")) return true;
  // A prompt: user@host> or user@host#
  if (word.find('@') != std::string_view::npos &&
      (word.back() == '>' || word.back() == '#' || word.back() == '%'))
    return true;
  return false;
}

// Verbs that only carry metadata (annotations, protection) and change nothing in the tree.
bool is_metadata_verb(std::string_view verb) {
  return verb == "protect" || verb == "unprotect" || verb == "annotate" || verb == "comment";
}

class SetParser {
 public:
  SetParser(ConfigTree& tree, NodeId parent, std::string_view text, std::uint32_t first_line,
            WarningSink& warnings)
      : tree_(tree),
        parent_(parent),
        warnings_(warnings),
        tokens_(text, first_line, /*structural=*/false, warnings),
        chains_(tree, warnings) {
    for (NodeId at = tree.node(parent).parent; at != kNoNode; at = tree.node(at).parent)
      ++parent_depth_;
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
          }
          in_list_ = true;
          list_line_ = token.line;
          break;
        case TokenKind::close_list:
          if (!in_list_) {
            warnings_.add(WarningSink::kSyntax, token.line, "']' without '['; ignored");
          }
          in_list_ = false;
          break;
        case TokenKind::end_of_line:
        case TokenKind::end:
          end_line();
          if (token.kind == TokenKind::end) {
            apply_deactivations();
            return;
          }
          break;
        case TokenKind::open_brace:
        case TokenKind::close_brace:
        case TokenKind::semicolon:
          break;  // not produced in set mode
      }
    }
  }

 private:
  void on_word(const Token& token) {
    if (state_ == State::skip) return;
    if (state_ == State::start) {
      line_ = token.line;
      if (token.quoted) {
        skip_line(token, "a quoted word");
        return;
      }
      verb_ = token.text;
      if (verb_ == "set" || verb_ == "deactivate" || verb_ == "activate") {
        state_ = State::path;
      } else if (is_metadata_verb(verb_) || is_capture_noise(verb_)) {
        state_ = State::skip;
      } else if (verb_ == "delete" || verb_ == "insert" || verb_ == "rename" || verb_ == "copy" ||
                 verb_ == "replace" || verb_ == "edit" || verb_ == "top" || verb_ == "up" ||
                 verb_ == "exit") {
        warnings_.add(WarningSink::kUnsupportedVerb, line_,
                      concat({"'", verb_,
                              "' is not applied (only set, deactivate and activate are); line "
                              "skipped"}));
        state_ = State::skip;
      } else {
        skip_line(token, concat({"'", excerpt(verb_), "'"}));
      }
      return;
    }
    // SR Linux writes `set / interface ...`: the leading `/` names the root.
    if (words_.empty() && !in_list_ && !token.quoted && token.text == "/") return;
    words_.push_back(ChainWord{token.text, in_list_, token.multiline});
  }

  void skip_line(const Token& token, const std::string& what) {
    warnings_.add(WarningSink::kSkippedLine, token.line,
                  concat({"not a set command (starts with ", what, "); line skipped"}));
    state_ = State::skip;
  }

  void end_line() {
    if (in_list_) {
      warnings_.add(WarningSink::kSyntax, list_line_, "'[' list not closed by ']' on its line");
      in_list_ = false;
    }
    if (state_ == State::path) {
      if (words_.empty()) {
        warnings_.add(WarningSink::kSyntax, line_,
                      concat({"'", verb_, "' without a path; line skipped"}));
      } else if (verb_ == "set") {
        chains_.add(parent_, parent_depth_, words_, line_);
      } else if (verb_ == "deactivate") {
        // The path exists in a display-set listing (its set lines come first); if not, it is
        // created, as `inactive:` in the brace form creates the statement it marks.
        deactivated_.push_back(chains_.add(parent_, parent_depth_, words_, line_).last);
      } else {
        activate(line_);
      }
    }
    words_.clear();
    state_ = State::start;
  }

  // `activate` clears an earlier `deactivate` of the same path (flags are applied at the end).
  void activate(std::uint32_t line) {
    NodeId at = parent_;
    for (const ChainWord& word : words_) {
      if (word.list_item) continue;
      NodeId found = kNoNode;
      for (NodeRef child = tree_.ref(at).first_child(); child; child = child.next_sibling()) {
        if (child.text() == word.text) {
          found = child.id();
          break;
        }
      }
      if (found == kNoNode) {
        warnings_.add(WarningSink::kSyntax, line, "'activate' of a path that is not configured");
        return;
      }
      at = found;
    }
    std::erase(deactivated_, at);
  }

  void apply_deactivations() {
    for (NodeId node : deactivated_)
      tree_.add_flags(node, kNodeInactive);
    deactivated_.clear();
  }

  enum class State : std::uint8_t { start, path, skip };

  ConfigTree& tree_;
  NodeId parent_;
  std::uint32_t parent_depth_ = 0;
  WarningSink& warnings_;
  Tokenizer tokens_;
  ChainBuilder chains_;
  State state_ = State::start;
  std::string_view verb_;
  std::uint32_t line_ = 0;
  bool in_list_ = false;
  std::uint32_t list_line_ = 0;
  std::vector<ChainWord> words_;     // the line being read (reused: no churn)
  std::vector<NodeId> deactivated_;  // applied at the end, so `activate` can undo
};

}  // namespace

void parse_set_text(ConfigTree& tree, NodeId parent, std::string_view text,
                    std::uint32_t first_line, WarningSink& warnings) {
  SetParser(tree, parent, text, first_line, warnings).run();
}

}  // namespace netaudit::detail::trie

namespace netaudit::detail {

void parse_set(ConfigTree& tree, std::vector<Diagnostic>& warnings) {
  trie::WarningSink sink(warnings);
  trie::parse_set_text(tree, 0, tree.source(), 1, sink);
}

}  // namespace netaudit::detail
