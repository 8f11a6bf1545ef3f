// Indented statement trees: IOS/IOS-XE, NX-OS, IOS-XR, ASA, Arista EOS, Huawei VRP, Nokia SR OS
// classic, HP ProCurve/Aruba, Cumulus and every syntax where a child is indented under its
// parent. One pass over the lines with a stack of (indentation, node); a statement's parent is
// the nearest open statement that is less indented.
//
// Not statements (skipped): blank lines; comment lines starting with `!`, `#`, `:` or `;`
// (RANCID and Oxidized headers, VRP `#` separators, SR OS `#----` rules, NX-OS `!Time:`, ASA
// `: Saved`, ProCurve `; J9729A Configuration Editor`);
// the block closers `end`, `exit`, `exit all`, `quit`, `return` (indentation already closes
// the block); and, at column 0, the `show running-config` noise `Building configuration...`,
// `Current configuration : N bytes`, ProCurve's `Running configuration:`, `Cryptochecksum:...`,
// IOS-XR's leading time stamp and SR OS section titles (`echo "System Configuration"`).
// Closers that name what they close (`exit-address-family`, `end-policy`, `end-set`) are real
// statements of their grammar and stay nodes.
//
// Multi-line texts (one node, kNodeMultiline, text spanning the lines):
//  - `banner <type> <d>...<d>` (IOS `^C`, a control-C byte, or one punctuation character such
//    as `#` `%` `/` `"`), also VRP `header <type> information <d>...<d>`;
//  - EOS here-documents ending with a line `EOF`: `banner login|motd` with nothing after the
//    type, and `protocol https certificate` (certificate, EOF, key, EOF);
//  - a quoted string left open on a message-like statement (`motd`, `pre-login-message`, ...).
// Banners and VRP headers are recognised at column 0 only (indented, `banner write` is an A10
// role permission). A banner whose type is followed by a letter or digit is one line (ASA writes
// one `banner motd text` statement per line), and so is a banner right after a banner of the
// same type. Indentation: a space is one column, a tab advances to the next multiple of 8.
// The end of a multi-line text is searched at most kMaxTextLines ahead (and, for banners, not
// past the next line that starts with `banner `). If it is not found, the opening line stays a
// one-line statement, a warning names it, and the lines after it are parsed as ordinary
// statements (none of them may open another multi-line text, so each line is scanned at most
// twice and a hostile file cannot make the parse quadratic).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers.hpp"
#include "statement_text.hpp"

namespace netaudit::detail {
namespace {

// Longest banner or quoted message we look for the end of; real banners are a few dozen lines.
constexpr std::uint32_t kMaxTextLines = 500;
constexpr std::string_view kKeptAsOneLine =
    "; kept as one line, the lines after it are parsed as statements";

bool is_comment(std::string_view statement) {
  const char c = statement.front();
  return c == '!' || c == '#' || c == ':' || c == ';';
}

// Words that only close a block in `show` output; the indentation says the same thing.
bool is_block_closer(std::string_view statement) {
  return statement == "end" || statement == "exit" || statement == "exit all" ||
         statement == "quit" || statement == "return";
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// IOS-XR prints the time before the configuration: `Sat Feb 16 15:59:22.174 GMT-7`.
bool looks_like_timestamp(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu",
                                                         "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 17 || s[3] != ' ' || s[7] != ' ') return false;
  bool day = false;
  bool month = false;
  for (std::string_view d : kDays)
    day = day || s.starts_with(d);
  for (std::string_view m : kMonths)
    month = month || s.substr(4, 3) == m;
  if (!day || !month) return false;
  std::size_t at = 8;
  while (at < s.size() && s[at] == ' ')
    ++at;
  while (at < s.size() && is_digit(s[at]))
    ++at;
  while (at < s.size() && s[at] == ' ')
    ++at;
  return at + 6 <= s.size() && is_digit(s[at]) && is_digit(s[at + 1]) && s[at + 2] == ':' &&
         is_digit(s[at + 3]) && is_digit(s[at + 4]) && s[at + 5] == ':';
}

bool is_header_noise(std::string_view s) {
  // SR OS prints `echo "System Configuration"` at column 0 between `#----` rules, inside the
  // indented `configure` block: a display directive that would otherwise become the parent of
  // the section after it.
  return starts_with_word(s, "echo") || s.starts_with("Building configuration") ||
         s.starts_with("Current configuration") || s.starts_with("Running configuration") ||
         s.starts_with("Cryptochecksum:") || looks_like_timestamp(s);
}

// Statements whose quoted argument may legitimately span lines (VRP, SR OS, ProCurve...).
bool is_message_word(std::string_view word) {
  return word == "motd" || word == "pre-login-message" || word == "post-login-message" ||
         word == "login-banner" || word == "login-message" || word == "message" ||
         word == "banner-motd";
}

// Quotes not escaped by a backslash.
std::size_t count_quotes(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) ++count;
  }
  return count;
}

bool is_delimiter_char(unsigned char c) {
  // Punctuation or a control byte (IOS may store a real control-C). Letters, digits, blanks
  // and UTF-8 lead bytes start banner *text* instead.
  if (c < 0x20 || c == 0x7F) return c != '\t';
  if (c >= 0x80 || c == ' ') return false;
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return !alnum;
}

bool starts_banner_line(std::string_view raw_line) {
  return raw_line.starts_with("banner ");
}

class IndentedParser {
 public:
  IndentedParser(ConfigTree& tree, std::vector<Diagnostic>& warnings)
      : tree_(tree), warnings_(warnings), reader_(tree.source()) {}

  void run() {
    stack_.push_back({-1, 0});
    std::string_view line;
    while (reader_.next(line)) {
      const std::uint32_t number = reader_.number();
      line = without_bom(line, number);
      const std::string_view statement = trim(line);
      if (statement.empty() || is_comment(statement) || is_block_closer(statement)) continue;
      const std::uint32_t indent = indent_width(line);
      if (indent == 0 && is_header_noise(statement)) continue;
      const NodeId parent = parent_for(indent);
      const Text text = statement_text(statement, number, indent);
      const NodeId id = tree_.append_child(parent, text.text, number, text.flags);
      stack_.push_back({indent, id});
      previous_banner_type_ = text.banner_type;
    }
  }

 private:
  struct Level {
    std::int64_t indent;
    NodeId node;
  };
  struct Text {
    Text(std::string_view text, std::uint32_t flags = 0, std::string_view banner_type = {})
        : text(text), flags(flags), banner_type(banner_type) {}
    std::string_view text;
    std::uint32_t flags;
    std::string_view banner_type;  // set when the statement is a banner
  };
  struct Lookahead {
    bool found = false;
    std::string_view end_line;    // the line that closes the text (raw)
    bool stopped = false;         // a line that cannot belong to the text came first
    std::uint32_t stop_line = 0;  // that line's number
    std::string_view stop_text;   // and its text
    bool reached_end_of_input = false;
  };

  // Pops every level at least as deep as `indent`; the level left on top is the parent. An
  // indentation between two open levels (IOS prints a class-map's `  description` two deep and
  // its ` match` lines one deep; IOS-XR right-aligns ACL sequence numbers) attaches to the
  // nearest shallower level, which is what the device means, so it is not warned about.
  NodeId parent_for(std::uint32_t indent) {
    const auto wanted = static_cast<std::int64_t>(indent);
    while (stack_.back().indent >= wanted)
      stack_.pop_back();
    return stack_.back().node;
  }

  // Scans the lines after the current one. `ends(raw)` is true for the line that closes the
  // text; `stops(raw)` for a line that cannot be part of it. On success the reader moves past
  // the closing line; otherwise the scanned lines are marked as plain statements.
  template <class Ends, class Stops>
  Lookahead look_ahead(Ends ends, Stops stops) {
    Lookahead result;
    LineReader peek = reader_;
    std::string_view raw;
    std::uint32_t scanned = 0;
    while (scanned < kMaxTextLines) {
      if (!peek.next(raw)) {
        result.reached_end_of_input = true;
        break;
      }
      if (stops(raw)) {
        result.stopped = true;
        result.stop_line = peek.number();
        result.stop_text = trim(raw);
        break;
      }
      ++scanned;
      if (ends(raw)) {
        result.found = true;
        result.end_line = raw;
        reader_ = peek;
        return result;
      }
    }
    plain_until_ = reader_.number() + scanned;
    return result;
  }

  std::string describe_failure(const Lookahead& scan) const {
    if (scan.stopped) return concat({"before line ", std::to_string(scan.stop_line)});
    if (scan.reached_end_of_input) return "before the end of the input";
    return concat({"within ", std::to_string(kMaxTextLines), " lines"});
  }

  Text statement_text(std::string_view statement, std::uint32_t line, std::uint32_t indent) {
    if (line <= plain_until_) return {statement};
    const std::string_view word = first_word(statement);
    // Banners and VRP headers are global statements; indented, the words mean something else
    // (A10 lists a `banner write` permission inside a role).
    if (word == "banner" && indent == 0) return banner(statement, line);
    if (word == "header" && indent == 0) {
      // VRP: header login|shell information <text>
      const std::string_view after_type = after_first_word(after_first_word(statement));
      if (starts_with_word(after_type, "information")) {
        return delimited(statement, line, after_first_word(after_type), {}, false);
      }
      return {statement};
    }
    if (statement == "protocol https certificate") return here_document(statement, line, 2, {});
    if (is_message_word(word) && count_quotes(statement) % 2 == 1) {
      return quoted(statement, line);
    }
    return {statement};
  }

  Text banner(std::string_view statement, std::uint32_t line) {
    const std::string_view after_banner = after_first_word(statement);
    const std::string_view type = first_word(after_banner);
    const std::string_view body = after_first_word(after_banner);
    if (type.empty()) return {statement};
    // ASA repeats `banner motd <text>` once per line; so does a banner right after its twin.
    if (type == previous_banner_type_) return {statement, 0, type};
    if (body.empty()) return here_document(statement, line, 1, type);
    return delimited(statement, line, body, type, true);
  }

  // `<d>text<d>`: the text ends at the next occurrence of the delimiter, on this line or later.
  Text delimited(std::string_view statement, std::uint32_t line, std::string_view body,
                 std::string_view banner_type, bool is_banner) {
    if (body.empty() || !is_delimiter_char(static_cast<unsigned char>(body.front()))) {
      return {statement, 0, banner_type};
    }
    const std::string_view delimiter =
        body.starts_with("^C") ? body.substr(0, 2) : body.substr(0, 1);
    if (body.substr(delimiter.size()).find(delimiter) != std::string_view::npos) {
      return {statement, 0, banner_type};
    }
    const Lookahead scan = look_ahead(
        [delimiter](std::string_view raw) { return raw.find(delimiter) != std::string_view::npos; },
        [is_banner](std::string_view raw) { return is_banner && starts_banner_line(raw); });
    if (scan.found) {
      return {span_text(tree_, statement, trim_right(scan.end_line)), kNodeMultiline, banner_type};
    }
    // `banner motd .` followed by `banner motd ...` lines: ASA's one-statement-per-line form.
    const bool asa_form = is_banner && scan.stopped && scan.stop_line == line + 1 &&
                          starts_with_word(after_first_word(scan.stop_text), banner_type);
    if (!asa_form) {
      warnings_.add(line, concat({quote_for_message(statement, 30), ": no closing delimiter ",
                                  quote_for_message(printable(delimiter)), " ",
                                  describe_failure(scan), kKeptAsOneLine}));
    }
    return {statement, 0, banner_type};
  }

  // EOS: the text runs until a line `EOF`; `blocks` such texts follow one another.
  Text here_document(std::string_view statement, std::uint32_t line, int blocks,
                     std::string_view banner_type) {
    const bool is_banner = !banner_type.empty();
    std::string_view last;
    for (int block = 0; block < blocks; ++block) {
      if (block > 0) {
        // A second block (the private key after a certificate) starts right away at column 0.
        LineReader peek = reader_;
        std::string_view next;
        if (!peek.next(next) || next.empty() || is_blank(next.front()) || next.front() == '!') {
          break;
        }
      }
      const Lookahead scan = look_ahead(
          [](std::string_view raw) { return trim(raw) == "EOF"; },
          [is_banner](std::string_view raw) { return is_banner && starts_banner_line(raw); });
      if (!scan.found) {
        warnings_.add(line, concat({quote_for_message(statement), ": no closing 'EOF' line ",
                                    describe_failure(scan), kKeptAsOneLine}));
        break;
      }
      last = trim_right(scan.end_line);
    }
    if (last.empty()) return {statement, 0, banner_type};
    return {span_text(tree_, statement, last), kNodeMultiline, banner_type};
  }

  // A message whose quoted text is still open at the end of its first line.
  Text quoted(std::string_view statement, std::uint32_t line) {
    const Lookahead scan =
        look_ahead([](std::string_view raw) { return count_quotes(raw) % 2 == 1; },
                   [](std::string_view) { return false; });
    if (scan.found) return {span_text(tree_, statement, trim_right(scan.end_line)), kNodeMultiline};
    warnings_.add(line, concat({quote_for_message(statement), ": quoted text not closed ",
                                describe_failure(scan), kKeptAsOneLine}));
    return {statement};
  }

  static std::string printable(std::string_view delimiter) {
    if (delimiter.size() == 1 && static_cast<unsigned char>(delimiter.front()) < 0x20) {
      return std::string{'^', static_cast<char>(delimiter.front() + '@')};
    }
    return std::string(delimiter);
  }

  ConfigTree& tree_;
  WarningSink warnings_;
  LineReader reader_;
  std::vector<Level> stack_;
  std::uint32_t plain_until_ = 0;  // lines up to here may not open a multi-line text
  std::string_view previous_banner_type_;
};

}  // namespace

void parse_indented(ConfigTree& tree, std::vector<Diagnostic>& warnings) {
  IndentedParser(tree, warnings).run();
}

}  // namespace netaudit::detail
