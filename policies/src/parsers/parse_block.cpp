// Block-keyword statement trees: FortiOS `config <path>` / `edit <name>` / `set ...` / `next` /
// `end`. `config` and `edit` open a node; `next` closes an edit, `end` closes a config; every
// other statement (`set`, `unset`, `append`, `select`, ...) is a child of the innermost open
// block. Indentation carries no meaning. `#` lines (`#config-version=...`, `#conf_file_ver=`,
// `#buildno=`, Oxidized headers) are comments.
//
// Quoting: `"..."` and `'...'` quote, and a backslash escapes the next character anywhere
// (including the line end). A value whose quote is still open at the end of a line (a
// certificate, a replacement message, a pre-login banner) continues on the next lines and the
// statement stays one node (kNodeMultiline). The continuation ends the statement where the
// quote closes; it is abandoned (warning, opening line kept alone, following lines parsed as
// statements that may not open another multi-line value) at a line that can only be
// structure (`config`, `edit`, `set`, `unset`, `next`, `end`), after kMaxValueLines lines, or
// at the end of the input.
//
// Unbalanced input gives a best-effort tree and a warning naming the line: `next` or `end`
// with nothing to close is ignored; `next` inside a nested config closes that config too;
// `end` inside an edit closes the edit as well; blocks still open at the end are reported.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers.hpp"
#include "statement_text.hpp"

namespace netaudit::detail {
namespace {

// Longest quoted value followed across lines (a certificate chain or an HTML replacement
// message is a few hundred lines at most).
constexpr std::uint32_t kMaxValueLines = 2000;

struct QuoteState {
  char quote = 0;       // the open quote character, or 0
  bool escape = false;  // the last character was an unescaped backslash

  bool open() const { return quote != 0 || escape; }
  void scan(std::string_view text) {
    for (char c : text) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      }
    }
  }
};

bool is_structure(std::string_view statement) {
  return statement == "next" || statement == "end" || starts_with_word(statement, "config") ||
         starts_with_word(statement, "edit") || starts_with_word(statement, "set") ||
         starts_with_word(statement, "unset");
}

class BlockParser {
 public:
  BlockParser(ConfigTree& tree, std::vector<Diagnostic>& warnings)
      : tree_(tree), warnings_(warnings), reader_(tree.source()) {}

  void run() {
    StatementLine next;
    while (next_statement_line(reader_, next)) {
      const auto [line, statement, number] = next;
      const std::uint32_t indent = indent_width(line);
      if (statement == "next") {
        close_edit(number);
      } else if (statement == "end") {
        close_config(number);
      } else {
        const std::string_view word = first_word(statement);
        if (word == "config" || word == "edit") {
          close_outdented(indent, number);
          open(statement, number, indent, word == "edit");
        } else {
          add_statement(statement, number, indent);
        }
      }
    }
    if (!open_.empty()) {
      const Open& innermost = open_.back();
      warnings_.add(innermost.line,
                    concat({"input ends inside ", std::to_string(open_.size()),
                            " open block(s) (missing 'next'/'end'); the innermost, ",
                            quote_for_message(tree_.node(innermost.node).text()), ", opens here"}));
    }
  }

 private:
  struct Open {
    NodeId node;
    std::uint32_t line;
    std::uint32_t indent;
    bool edit;
    bool indents_children = false;  // a child was seen indented deeper than this line
  };
  struct Text {
    std::string_view text;
    std::uint32_t flags = 0;
  };

  NodeId current() const { return open_.empty() ? NodeId{0} : open_.back().node; }

  std::string describe(const Open& block) const {
    return concat({quote_for_message(tree_.node(block.node).text()), " (line ",
                   std::to_string(block.line), ")"});
  }

  // Indentation means nothing to FortiOS, but `show` indents every level. Where the file does
  // (its innermost block indents its children), a `config` or `edit` no deeper than that block
  // cannot be inside it: the block's `end` or `next` is missing (a truncated or hand-cut file).
  void close_outdented(std::uint32_t indent, std::uint32_t line) {
    while (!open_.empty() && open_.back().indents_children && open_.back().indent >= indent) {
      warnings_.add(line, concat({describe(open_.back()), " has no '",
                                  open_.back().edit ? "next" : "end", "' before this line"}));
      open_.pop_back();
    }
  }

  void note_child_indent(std::uint32_t indent) {
    if (!open_.empty() && indent > open_.back().indent) open_.back().indents_children = true;
  }

  void open(std::string_view statement, std::uint32_t line, std::uint32_t indent, bool edit) {
    if (edit) {
      if (open_.empty()) {
        warnings_.add(line, "'edit' outside any 'config' block");
      } else if (open_.back().edit) {
        warnings_.add(line, concat({"'edit' inside ", describe(open_.back()),
                                    " which has no 'next'; closing it here"}));
        open_.pop_back();
      }
    }
    note_child_indent(indent);
    const Text text = statement_text(statement, line);
    const NodeId id = tree_.append_child(current(), text.text, line, text.flags);
    open_.push_back({id, line, indent, edit});
  }

  void add_statement(std::string_view statement, std::uint32_t line, std::uint32_t indent) {
    note_child_indent(indent);
    if (open_.empty()) {
      warnings_.add(line, concat({quote_for_message(statement), " outside any 'config' block"}));
    }
    const Text text = statement_text(statement, line);
    tree_.append_child(current(), text.text, line, text.flags);
  }

  void close_edit(std::uint32_t line) {
    bool inside_edit = false;
    for (const Open& block : open_)
      inside_edit = inside_edit || block.edit;
    if (!inside_edit) {
      warnings_.add(line, "'next' outside any 'edit' block; ignored");
      return;
    }
    while (!open_.back().edit) {
      warnings_.add(line,
                    concat({"'next' closes ", describe(open_.back()), " which has no 'end'"}));
      open_.pop_back();
    }
    open_.pop_back();
  }

  void close_config(std::uint32_t line) {
    if (open_.empty()) {
      warnings_.add(line, "'end' without an open 'config' block; ignored");
      return;
    }
    if (open_.back().edit) {
      warnings_.add(line,
                    concat({"'end' closes ", describe(open_.back()), " which has no 'next'"}));
      open_.pop_back();
      if (open_.empty()) return;
    }
    open_.pop_back();
  }

  // The statement starting on `line`, followed onto later lines while a quote is open.
  Text statement_text(std::string_view statement, std::uint32_t line) {
    // Most statements have no quote or backslash at all: skip the character scan for them.
    std::size_t special = 0;
    while (special < statement.size() && statement[special] != '"' && statement[special] != '\'' &&
           statement[special] != '\\')
      ++special;
    if (special == statement.size() || line <= plain_until_) return {statement};
    QuoteState state;
    state.scan(statement.substr(special));
    if (!state.open()) return {statement};
    LineReader peek = reader_;
    std::string_view raw;
    std::uint32_t scanned = 0;
    std::string reason;
    while (true) {
      if (scanned == kMaxValueLines) {
        reason = concat({"within ", std::to_string(kMaxValueLines), " lines"});
        break;
      }
      if (!peek.next(raw)) {
        reason = "before the end of the input";
        break;
      }
      if (is_structure(trim(raw))) {
        reason = concat(
            {"before line ", std::to_string(peek.number()), " ", quote_for_message(trim(raw))});
        break;
      }
      ++scanned;
      state.escape = false;  // a trailing backslash escaped the line end
      state.scan(raw);
      if (!state.open()) {
        reader_ = peek;
        return {span_text(tree_, statement, trim_right(raw)), kNodeMultiline};
      }
    }
    plain_until_ = line + scanned;
    warnings_.add(line,
                  concat({quote_for_message(statement), ": quoted value not closed ", reason,
                          "; kept as one line, the lines after it are parsed as statements"}));
    return {statement};
  }

  ConfigTree& tree_;
  WarningSink warnings_;
  LineReader reader_;
  std::vector<Open> open_;
  std::uint32_t plain_until_ = 0;  // lines up to here may not open a multi-line value
};

}  // namespace

void parse_block(ConfigTree& tree, std::vector<Diagnostic>& warnings) {
  BlockParser(tree, warnings).run();
}

}  // namespace netaudit::detail
