// Just enough of a config's block structure to place the block-scoped secret rules: SNMP
// community names that only the enclosing block tells apart from ordinary object names
// (FortiOS `config system snmp community`, RouterOS `/snmp community`, VyOS `trap-target H {`
// and PAN-OS `snmptrap {` brace blocks), and SNMP community names in XML whose element names
// alone are ambiguous. Syntax-family knowledge, like the parsers'; the rules are data.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netaudit::secrets::detail {

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

inline std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// The blocks a rule may be scoped to (`inside:` in a rule file).
enum class Block { none, fortios_snmp_community, routeros_snmp_community, snmp_trap_block };

// SNMP community names in XML whose element names alone are ambiguous: Junos
// `<snmp><community><name>X</name>` (a `<community>` under `<policy-options>` is a BGP
// community) and `<snmp><trap-group><name>X` (the trap community), ietf-snmp
// `<snmp><community><text-name>X`, and PAN-OS trap server profiles
// `<snmptrap>...<community>X</community>`. The element path is followed only inside `<snmp>`
// and `<snmptrap>`; a tag may span lines (attributes), comments and CDATA are skipped.
class XmlSnmpContext {
 public:
  // Adds the [begin, end) span of each community name whose text is on `line`.
  void observe(std::string_view line, Spans& names) {
    std::size_t pos = 0;
    while (pos < line.size()) {
      switch (state_) {
        case State::text:
          pos = scan_text(line, pos, names);
          break;
        case State::tag:
          pos = scan_tag(line, pos);
          break;
        case State::skip: {
          const std::size_t end = line.find(skip_until_, pos);
          if (end == std::string_view::npos) return;
          pos = end + skip_until_.size();
          state_ = State::text;
          break;
        }
      }
    }
    // A name whose text runs past the end of the line is taken up to the end of the line.
    if (state_ == State::text && value_begin_ != std::string_view::npos)
      add_value(line, line.size(), names);
    value_begin_ = std::string_view::npos;
  }

 private:
  enum class State { text, tag, skip };

  std::size_t scan_text(std::string_view line, std::size_t pos, Spans& names) {
    const std::size_t open = line.find('<', pos);
    if (open == std::string_view::npos) return line.size();
    if (value_begin_ != std::string_view::npos) add_value(line, open, names);
    value_begin_ = std::string_view::npos;
    const std::string_view rest = line.substr(open);
    if (rest.starts_with("<!--")) return skip(open + 4, "-->");
    if (rest.starts_with("<![CDATA[")) return skip(open + 9, "]]>");
    // `<?xml ...?>`, `<!DOCTYPE ...>`, and a marker of netaudit
    // before 0.2 (`<redacted:sha256:...>`) in text normalised by it.
    if (rest.starts_with("<?") || rest.starts_with("<!") || rest.starts_with("<redacted:"))
      return skip(open + 1, ">");
    tag_closing_ = rest.starts_with("</");
    std::size_t name_begin = open + (tag_closing_ ? 2 : 1);
    std::size_t name_end = line.find_first_of(" \t/>", name_begin);
    if (name_end == std::string_view::npos) name_end = line.size();
    std::string_view name = line.substr(name_begin, name_end - name_begin);
    if (const std::size_t colon = name.rfind(':'); colon != std::string_view::npos)
      name.remove_prefix(colon + 1);  // the namespace prefix
    tag_name_.assign(name);
    tag_quote_ = '\0';
    tag_last_ = '\0';
    state_ = State::tag;
    return name_end;
  }

  // Inside a tag: up to its `>` (quoted attribute values may hold one).
  std::size_t scan_tag(std::string_view line, std::size_t pos) {
    for (; pos < line.size(); ++pos) {
      const char c = line[pos];
      if (tag_quote_ != '\0') {
        if (c == tag_quote_) tag_quote_ = '\0';
        continue;
      }
      if (c == '"' || c == '\'') {
        tag_quote_ = c;
      } else if (c == '>') {
        state_ = State::text;
        if (tag_closing_) {
          if (!path_.empty()) path_.pop_back();
        } else if (tag_last_ != '/') {
          open_element();
          if (is_community_name()) value_begin_ = pos + 1;
        }
        return pos + 1;
      }
      if (c != ' ' && c != '\t') tag_last_ = c;
    }
    return pos;
  }

  std::size_t skip(std::size_t from, std::string_view until) {
    state_ = State::skip;
    skip_until_ = until;
    return from;
  }

  void open_element() {
    if (!path_.empty() || tag_name_ == "snmp" || tag_name_ == "snmptrap")
      path_.push_back(tag_name_);
  }

  bool is_community_name() const {
    if (path_.empty()) return false;
    if (path_.front() == "snmptrap") return path_.back() == "community";
    if (path_.size() != 3) return false;
    if (path_[1] == "community") return path_[2] == "name" || path_[2] == "text-name";
    return path_[1] == "trap-group" && path_[2] == "name";  // Junos: sent as the community
  }

  void add_value(std::string_view line, std::size_t end, Spans& names) const {
    std::size_t begin = value_begin_;
    while (begin < end && (line[begin] == ' ' || line[begin] == '\t'))
      ++begin;
    while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t'))
      --end;
    if (begin < end) names.emplace_back(begin, end);
  }

  State state_ = State::text;
  std::vector<std::string> path_;  // element names from the <snmp>/<snmptrap> element down
  std::string tag_name_;           // the tag being read
  bool tag_closing_ = false;
  char tag_quote_ = '\0';        // inside a quoted attribute value
  char tag_last_ = '\0';         // last non-blank character of the tag so far (`/` before `>`)
  std::string_view skip_until_;  // end of a comment, CDATA or `<?...?>`
  std::size_t value_begin_ = std::string_view::npos;  // a community name's text starts here
};

// Follows the block structure of a config line by line, only as far as block-scoped secrets
// need it. Both syntaxes are tracked on every config: their markers (`config ...`/`end`,
// a line starting with `/`) do not select anything on other platforms.
class BlockContext {
 public:
  // Which block-scoped secret `line` (the next line of the config) may carry.
  // XML community names on the line are added to `xml_names`.
  Block observe(std::string_view line, Spans& xml_names) {
    const std::string_view text = trim(line);
    const bool routeros = observe_routeros(text);
    const bool fortios = observe_fortios(text);
    const bool braces = observe_braces(text);
    xml_.observe(line, xml_names);
    if (fortios) return Block::fortios_snmp_community;
    if (routeros) return Block::routeros_snmp_community;
    if (braces) return Block::snmp_trap_block;
    return Block::none;
  }

 private:
  // Braces (VyOS, PAN-OS `show config running`): `X {` opens a block, a line starting with `}`
  // closes one. A bare `community X` is a community name directly in a VyOS `trap-target H {`
  // block, or anywhere under a PAN-OS `snmptrap {` (trap server profiles).
  enum class Brace { other, trap_target, snmptrap };
  bool observe_braces(std::string_view text) {
    if (text.starts_with("}") && !braces_.empty()) braces_.pop_back();
    if (text.ends_with("{")) {
      Brace kind = Brace::other;
      if (text.starts_with("trap-target "))
        kind = Brace::trap_target;
      else if (text.starts_with("snmptrap ") ||
               (!braces_.empty() && braces_.back() == Brace::snmptrap))
        kind = Brace::snmptrap;
      braces_.push_back(kind);
      return false;
    }
    return !braces_.empty() && braces_.back() != Brace::other && text.starts_with("community ");
  }

  // FortiOS: `config X` opens a block, `end` closes it (`edit`/`next` stay inside). Only the
  // innermost block counts, so `set name` in a community's nested `config hosts` is not it,
  // and a stray `config`/`end` deeper down cannot make an outer block look like a community.
  bool observe_fortios(std::string_view text) {
    if (text.starts_with("config ")) {
      fortios_blocks_.push_back(text == "config system snmp community");
      return false;
    }
    if (text == "end") {
      if (!fortios_blocks_.empty()) fortios_blocks_.pop_back();
      return false;
    }
    return !fortios_blocks_.empty() && fortios_blocks_.back() && text.starts_with("set name ");
  }

  // RouterOS: a line that is only a menu path (`/snmp community`) moves into that menu; a line
  // with a path and a command (`/snmp community add name=x`, `/snmp/community/add`) runs there
  // without moving; a line ending in a backslash continues on the next (exports wrap long
  // commands), which belongs to the same command.
  bool observe_routeros(std::string_view text) {
    const bool continuation = routeros_continued_;
    routeros_continued_ = !text.empty() && text.back() == '\\';
    if (continuation) return routeros_command_in_community_;
    if (text.starts_with("/")) {
      const PathLine path = split_path(text);
      if (path.has_command) {
        routeros_command_in_community_ = path.community;
      } else {
        routeros_in_community_ = path.community;
        routeros_command_in_community_ = false;
      }
    } else {
      routeros_command_in_community_ = routeros_in_community_ && !text.empty();
    }
    return routeros_command_in_community_;
  }

  struct PathLine {
    bool community = false;    // the path is /snmp community
    bool has_command = false;  // a command follows the path
  };

  // `/snmp community`, `/snmp/community/add name=x`, `/ip address add address=...`.
  static PathLine split_path(std::string_view text) {
    static constexpr std::array<std::string_view, 14> kCommands = {
        "add",  "set",  "remove", "print", "export", "enable", "disable",
        "edit", "find", "get",    "unset", "reset",  "move",   "comment"};
    std::vector<std::string_view> path;
    PathLine result;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t start = text.find_first_not_of(" \t/", pos);
      if (start == std::string_view::npos) break;
      std::size_t end = text.find_first_of(" \t/", start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view word = text.substr(start, end - start);
      if (std::find(kCommands.begin(), kCommands.end(), word) != kCommands.end() ||
          word.find_first_of("=[\"") != std::string_view::npos) {
        result.has_command = true;
        break;
      }
      path.push_back(word);
      pos = end;
    }
    result.community = path.size() == 2 && path[0] == "snmp" && path[1] == "community";
    return result;
  }

  std::vector<Brace> braces_;  // per open brace block
  XmlSnmpContext xml_;
  std::vector<bool> fortios_blocks_;    // per open `config` block: is it the SNMP community one
  bool routeros_in_community_ = false;  // the current menu is /snmp community
  bool routeros_command_in_community_ = false;  // the current command runs there
  bool routeros_continued_ = false;             // the previous line ended in a backslash
};

}  // namespace netaudit::secrets::detail
