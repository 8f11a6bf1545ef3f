// Menu statement trees: MikroTik RouterOS `/export`. A line `/ip service` opens the section
// `/ip service`; the `set ...`, `add ...` lines after it are its children until the next `/...`
// line. The inline form `/ip service set telnet disabled=yes` is the section `/ip service` with
// the child `set telnet disabled=yes`. A section that appears again (in either form) is the
// same node, so all of a menu's statements are its children in file order.
//
// A `\` at the end of a line continues the statement on the next line; the continuation's
// leading blanks are dropped (the export wraps long lines and indents the rest by four). The
// joined statement is one node (kNodeMultiline) on its first line. A continuation never runs
// into a line that starts with `/` at column 0 (a new section: the `\` was dangling), which is
// reported, as is a `\` on the last line. `#` lines (the export header `# ... by RouterOS 7.x`,
// `# software id = ...`) are comments. Statements before any section are kept under the root,
// with a warning.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers.hpp"
#include "statement_text.hpp"

namespace netaudit::detail {
namespace {

// An odd number of trailing backslashes: the last one escapes the line end.
bool continues(std::string_view statement) {
  std::size_t backslashes = 0;
  while (backslashes < statement.size() && statement[statement.size() - 1 - backslashes] == '\\')
    ++backslashes;
  return backslashes % 2 == 1;
}

// Words that start the command part of a `/menu path command ...` line.
bool is_command_word(std::string_view word) {
  return word == "add" || word == "set" || word == "remove" || word == "unset" ||
         word == "enable" || word == "disable" || word == "move" || word == "comment" ||
         word == "edit" || word == "print" || word == "export" || word == "find" || word == "get" ||
         word == "reset";
}

bool is_path_word(std::string_view word) {
  if (word.empty() || is_command_word(word)) return false;
  for (char c : word) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '/' || c == '.';
    if (!ok) return false;
  }
  return true;
}

struct MenuLine {
  std::string_view section;  // `/ip service`
  std::string_view command;  // `set telnet disabled=yes`, or empty
};

// Splits `/ip service set telnet disabled=yes` after its last menu word.
MenuLine split_menu_line(std::string_view statement) {
  std::size_t path_end = first_word(statement).size();
  std::size_t at = path_end;
  while (true) {
    while (at < statement.size() && is_blank(statement[at]))
      ++at;
    if (at >= statement.size()) break;
    const std::string_view word = first_word(statement.substr(at));
    if (!is_path_word(word)) break;
    at += word.size();
    path_end = at;
  }
  return {statement.substr(0, path_end), trim(statement.substr(path_end))};
}

class MenuParser {
 public:
  MenuParser(ConfigTree& tree, std::vector<Diagnostic>& warnings)
      : tree_(tree), warnings_(warnings), reader_(tree.source()) {}

  void run() {
    StatementLine next;
    while (next_statement_line(reader_, next)) {
      const std::string_view first = next.statement;
      const std::uint32_t number = next.number;
      std::string_view statement = first;
      std::uint32_t flags = 0;
      if (continues(first)) {
        statement = join_continuations(first, number);
        flags = statement.data() == first.data() ? 0u : static_cast<std::uint32_t>(kNodeMultiline);
        if (statement.empty()) continue;  // a lone `\` continued by a blank line
      }
      if (statement.front() == '/') {
        const MenuLine menu = split_menu_line(statement);
        section_ = tree_.child_or_append(0, menu.section, number);
        if (!menu.command.empty()) tree_.append_child(section_, menu.command, number, flags);
        continue;
      }
      if (section_ == kNoNode) {
        warnings_.add(number,
                      concat({quote_for_message(statement), " before any '/menu' section"}));
      }
      tree_.append_child(section_ == kNoNode ? 0 : section_, statement, number, flags);
    }
  }

 private:
  // Joins `first` (ending with `\`) with the lines it continues onto.
  std::string_view join_continuations(std::string_view first, std::uint32_t line) {
    joined_.assign(first.substr(0, first.size() - 1));
    std::string_view piece = first;
    bool joined_any = false;
    while (continues(piece)) {
      LineReader peek = reader_;
      std::string_view raw;
      if (!peek.next(raw)) {
        warnings_.add(line, "statement continues ('\\') past the end of the input");
        break;
      }
      if (raw.starts_with('/')) {
        warnings_.add(line, concat({"statement continues ('\\') into the section line ",
                                    std::to_string(peek.number()), "; continuation ignored"}));
        break;
      }
      reader_ = peek;
      piece = trim(raw);
      joined_any = true;
      joined_.append(continues(piece) ? piece.substr(0, piece.size() - 1) : piece);
    }
    if (!joined_any) return first;  // a dangling `\`: keep the line as it is
    return tree_.intern(trim_right(joined_));
  }

  ConfigTree& tree_;
  WarningSink warnings_;
  LineReader reader_;
  NodeId section_ = kNoNode;
  std::string joined_;  // reused buffer for continuation lines
};

}  // namespace

void parse_menu(ConfigTree& tree, std::vector<Diagnostic>& warnings) {
  MenuParser(tree, warnings).run();
}

}  // namespace netaudit::detail
