// Patterns, templates, selectors and the one-pass tree walk that matches every selector.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>

#include "engine/engine.hpp"

namespace netaudit::policy::engine {
namespace {

// True when the group starting at `open` ("(?:" ...) begins with whitespace and has no
// top-level alternation, so a word cannot continue into it.
bool group_starts_with_space(std::string_view p, std::size_t open) {
  std::size_t i = open + 1;
  if (p.substr(i, 2) == "?:") i += 2;
  const bool space = p.substr(i, 1) == " " || p.substr(i, 2) == "\\s";
  if (!space) return false;
  int depth = 1;
  for (std::size_t k = open + 1; k < p.size(); ++k) {
    const char c = p[k];
    if (c == '\\') {
      ++k;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return true;
    if (c == '|' && depth == 1) return false;
  }
  return false;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

std::string_view first_word_of(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && !is_blank(text[end]))
    ++end;
  return text.substr(0, end);
}

// Whether `text` starts with the words `prefix`, as whole words.
bool starts_with_words(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix &&
         (text.size() == prefix.size() || is_blank(text[prefix.size()]));
}

// Whether a node text can match a pattern, judged on its literal leading words.
bool may_match(const Pattern& pattern, std::string_view text) {
  if (!pattern.first_two.empty()) return starts_with_words(text, pattern.first_two);
  if (!pattern.first_word.empty()) return starts_with_words(text, pattern.first_word);
  return true;
}

// Where a pattern's text starts after a leading flag group such as `(?s)`; nullopt when the
// flags make it case-insensitive (`(?i)`), or the group is not a plain flag group.
std::optional<std::size_t> after_flags(std::string_view p) {
  if (p.substr(0, 2) != "(?" || p.size() <= 2 || !std::isalpha(static_cast<unsigned char>(p[2])))
    return 0;
  const std::size_t close = p.find(')');
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view flags = p.substr(2, close - 2);
  if (flags.find(':') != std::string_view::npos || flags.find('i') != std::string_view::npos)
    return std::nullopt;
  return close + 1;
}

}  // namespace

std::string_view first_two_words(std::string_view text, std::string_view first) {
  const std::size_t end = first.size();
  if (end == 0 || end >= text.size() || text[end] != ' ') return {};
  std::size_t second = end + 1;
  while (second < text.size() && !is_blank(text[second]))
    ++second;
  if (second == end + 1) return {};
  return text.substr(0, second);
}

std::vector<std::string> literal_words(std::string_view p) {
  // A case-insensitive pattern has no case-exact words to index by.
  const auto text_start = after_flags(p);
  if (!text_start) return {};
  std::size_t i = *text_start;
  std::string literal;
  bool stopped_at_end = true;
  bool boundary = false;  // the stop itself is whitespace
  for (; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && !std::isalnum(static_cast<unsigned char>(p[i + 1]))) {
        literal.push_back(p[++i]);
        continue;
      }
      if (i + 1 < p.size() && p[i + 1] == 's') boundary = true;
      stopped_at_end = false;
      break;
    }
    if (is_regex_meta(c)) {
      stopped_at_end = false;
      if ((c == '*' || c == '?' || c == '{') && !literal.empty()) literal.pop_back();
      if (c == '(' && group_starts_with_space(p, i)) boundary = true;
      if (c == '|') return {};  // top-level alternation
      break;
    }
    literal.push_back(c);
  }
  // A later top-level '|' would make the prefix optional.
  int depth = 0;
  for (std::size_t k = i; k < p.size(); ++k) {
    if (p[k] == '\\') {
      ++k;
      continue;
    }
    if (p[k] == '(') ++depth;
    if (p[k] == ')') --depth;
    if (p[k] == '|' && depth == 0) return {};
  }
  // Complete words of the literal: those followed by a space, and the last one when the
  // pattern ends (or continues with whitespace) right after it.
  std::vector<std::string> words;
  std::size_t start = 0;
  for (std::size_t k = 0; k < literal.size(); ++k) {
    if (literal[k] == ' ' || literal[k] == '\t') {
      if (k == start) return words;  // leading or double space: stop indexing here
      words.push_back(literal.substr(start, k - start));
      start = k + 1;
    }
  }
  if (start < literal.size() && (stopped_at_end || boundary))
    words.push_back(literal.substr(start));
  return words;
}

std::optional<std::string> plain_text(std::string_view p) {
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size() || std::isalnum(static_cast<unsigned char>(p[i + 1]))) return {};
      out.push_back(p[++i]);
      continue;
    }
    if (is_regex_meta(c)) return {};
    out.push_back(c);
  }
  return out;
}

std::string required_text(std::string_view p) {
  // A case-insensitive pattern has no case-exact required text.
  const auto text_start = after_flags(p);
  if (!text_start) return {};
  std::size_t i = *text_start;
  std::string best;
  std::string run;
  auto end_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  int depth = 0;
  bool in_class = false;
  for (; i < p.size(); ++i) {
    const char c = p[i];
    if (in_class) {
      if (c == '\\') ++i;
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= p.size()) return {};
      const char next = p[++i];
      if (depth == 0 && !std::isalnum(static_cast<unsigned char>(next))) {
        run.push_back(next);
      } else {
        end_run();  // \S, \d, \b ... or inside a group
      }
      continue;
    }
    switch (c) {
      case '|':
        if (depth == 0) return {};  // top-level alternation: nothing is required
        break;
      case '(':
        ++depth;
        end_run();
        break;
      case ')':
        --depth;
        break;
      case '[':
        in_class = true;
        end_run();
        break;
      case '*':
      case '?':
      case '{':
        // The character before the quantifier may be absent.
        if (!run.empty()) run.pop_back();
        end_run();
        if (c == '{')
          while (i + 1 < p.size() && p[i] != '}')
            ++i;
        break;
      case '+':
        end_run();  // the character stays required, what follows may not be adjacent
        break;
      case '.':
      case '^':
      case '$':
        end_run();
        break;
      default:
        if (depth == 0) run.push_back(c);
        break;
    }
  }
  end_run();
  return best;
}

// ---------------------------------------------------------------- templates

bool Template::constant() const {
  return std::all_of(parts.begin(), parts.end(),
                     [](const Part& part) { return part.kind == Part::literal; });
}

int Template::max_group() const {
  int max = -1;
  for (const Part& part : parts)
    if (part.kind == Part::capture) max = std::max(max, part.group);
  return max;
}

std::string Template::render(const Captures& captures, bool empty_as_zero) const {
  std::string out;
  for (const Part& part : parts) {
    std::string_view piece;
    switch (part.kind) {
      case Part::literal:
        out += part.text;
        continue;
      case Part::capture:
        if (static_cast<std::size_t>(part.group) < captures.groups.size())
          piece = captures.groups[static_cast<std::size_t>(part.group)];
        break;
      case Part::named_capture:
        for (const auto& [name, value] : captures.named) {
          if (name == part.text) {
            piece = value;
            break;
          }
        }
        break;
      case Part::word_ref:
        piece = captures.word;
        break;
    }
    if (piece.empty() && empty_as_zero)
      out += '0';
    else
      out += piece;
  }
  return out;
}

std::string parse_template(std::string_view text, Template& out) {
  out.parts.clear();
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.parts.push_back({Template::Part::literal, std::move(literal), 0});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      literal.push_back(text[i]);
      continue;
    }
    const char next = text[i + 1];
    if (std::isdigit(static_cast<unsigned char>(next))) {
      flush();
      out.parts.push_back({Template::Part::capture, "", next - '0'});
      ++i;
    } else if (next == '{') {
      const std::size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) return "unterminated ${...} in template";
      const std::string name(text.substr(i + 2, close - i - 2));
      if (name.empty()) return "empty ${} in template";
      flush();
      if (name == "word") {
        out.parts.push_back({Template::Part::word_ref, "", 0});
      } else if (std::all_of(name.begin(), name.end(),
                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        out.parts.push_back({Template::Part::capture, "", std::stoi(name)});
      } else {
        out.parts.push_back({Template::Part::named_capture, name, 0});
      }
      i = close;
    } else {
      literal.push_back('$');
    }
  }
  flush();
  return "";
}

bool eval_int_expression(std::string_view text, std::int64_t& out) {
  std::size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
  };
  auto number = [&](std::int64_t& value) {
    skip();
    bool negative = false;
    if (i < text.size() && text[i] == '-') {
      negative = true;
      ++i;
    }
    const char* begin = text.data() + i;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr == begin) return false;
    i += static_cast<std::size_t>(ptr - begin);
    if (negative) value = -value;
    return true;
  };
  auto term = [&](std::int64_t& value) {
    if (!number(value)) return false;
    for (;;) {
      skip();
      if (i >= text.size() || text[i] != '*') return true;
      ++i;
      std::int64_t rhs = 0;
      if (!number(rhs)) return false;
      if (__builtin_mul_overflow(value, rhs, &value)) return false;
    }
  };
  std::int64_t total = 0;
  if (!term(total)) return false;
  for (;;) {
    skip();
    if (i >= text.size()) break;
    const char op = text[i];
    if (op != '+' && op != '-') return false;
    ++i;
    std::int64_t rhs = 0;
    if (!term(rhs)) return false;
    if (op == '+' ? __builtin_add_overflow(total, rhs, &total)
                  : __builtin_sub_overflow(total, rhs, &total))
      return false;
  }
  out = total;
  return true;
}

std::string convert_scalar(std::string_view text, ValueType type, Scalar& out) {
  switch (type) {
    case ValueType::boolean: {
      std::string lower(text);
      for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") {
        out = true;
      } else if (lower == "false" || lower == "no" || lower == "off" || lower == "0") {
        out = false;
      } else {
        std::string error(1, '\'');
        return error.append(text).append("' is not a bool (true/false)");
      }
      return "";
    }
    case ValueType::integer: {
      std::int64_t value = 0;
      if (!eval_int_expression(text, value)) {
        std::string error(1, '\'');
        return error.append(text).append("' is not an integer");
      }
      out = value;
      return "";
    }
    case ValueType::string:
      out = std::string(text);
      return "";
    case ValueType::list:
      return "a list has no scalar value";
  }
  return "bad type";
}

std::string ValueSpec::apply(const Captures& captures, bool empty_as_zero) const {
  std::string rendered = tmpl.render(captures, empty_as_zero);
  if (map.empty() && !map_default) return rendered;
  auto it = map.find(rendered);
  if (it != map.end()) return it->second;
  if (map_default) return *map_default;
  return rendered;
}

// ---------------------------------------------------------------- packs: patterns and trie

int Pack::add_pattern(std::string_view source, std::string& error) {
  for (std::size_t i = 0; i < patterns.size(); ++i)
    if (patterns[i].source == source) return static_cast<int>(i);
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(source.data(), source.size()), options);
  if (!re->ok()) {
    error = "bad regex '" + std::string(source) + "': " + re->error();
    return -1;
  }
  Pattern pattern;
  pattern.groups = re->NumberOfCapturingGroups();
  for (const auto& [name, index] : re->NamedCapturingGroups())
    pattern.named.emplace_back(name, index);
  if (auto text = plain_text(source)) {
    pattern.shape = Pattern::literal;
    pattern.text = std::move(*text);
  } else if (source == "(?s).*") {
    pattern.shape = Pattern::anything;
  } else if (auto tokens = TokenPattern::parse(source);
             tokens && tokens->group_count() == re->NumberOfCapturingGroups()) {
    pattern.shape = Pattern::token_sequence;
    pattern.tokens = std::move(*tokens);
  } else {
    pattern.required = required_text(source);
  }
  const auto words = literal_words(source);
  if (!words.empty()) pattern.first_word = words[0];
  if (words.size() >= 2) pattern.first_two = words[0] + " " + words[1];
  pattern.filter_weak =
      pattern.shape == Pattern::regex && pattern.required.empty() && words.empty();
  pattern.source = std::string(source);
  pattern.re = std::move(re);
  patterns.push_back(std::move(pattern));
  return static_cast<int>(patterns.size() - 1);
}

int Pack::add_absolute(Selector selector) {
  absolute.push_back(std::move(selector));
  return static_cast<int>(absolute.size() - 1);
}

void Pack::build_trie() {
  trie.assign(1, TrieNode{});
  for (std::size_t s = 0; s < absolute.size(); ++s) {
    int node = 0;
    for (int step : absolute[s].path) {
      if (step == kAnyDepth) {
        if (trie[static_cast<std::size_t>(node)].star < 0) {
          trie.push_back(TrieNode{});
          trie.back().is_star = true;
          trie[static_cast<std::size_t>(node)].star = static_cast<int>(trie.size() - 1);
        }
        node = trie[static_cast<std::size_t>(node)].star;
        continue;
      }
      int target = -1;
      for (const TrieNode::Edge& edge : trie[static_cast<std::size_t>(node)].edges)
        if (edge.pattern == step) target = edge.target;
      if (target < 0) {
        trie.push_back(TrieNode{});
        target = static_cast<int>(trie.size() - 1);
        trie[static_cast<std::size_t>(node)].edges.push_back({step, target, {}});
      }
      node = target;
    }
    auto& terminals = trie[static_cast<std::size_t>(node)].terminals;
    auto same = std::find_if(terminals.begin(), terminals.end(), [&](const TrieNode::Edge& e) {
      return e.pattern == absolute[s].match;
    });
    if (same == terminals.end())
      terminals.push_back({absolute[s].match, -1, {static_cast<int>(s)}});
    else
      same->selectors.push_back(static_cast<int>(s));
  }
  auto index = [&](TrieNode& t, bool terminals) {
    const auto& edges = terminals ? t.terminals : t.edges;
    for (std::size_t e = 0; e < edges.size(); ++e) {
      TrieNode::Candidates& into =
          t.index.slot(patterns[static_cast<std::size_t>(edges[e].pattern)]);
      (terminals ? into.terminals : into.edges).push_back(static_cast<int>(e));
    }
  };
  for (TrieNode& t : trie) {
    index(t, false);
    index(t, true);
  }
}

namespace {

using Named = std::vector<std::pair<std::string_view, std::string_view>>;

// Full match; fills groups (and named captures) only when asked.
bool match_pattern(const Pattern& pattern, std::string_view text, Captures* captures,
                   Named* named) {
  // (RE2's `.` does not match bytes that are not UTF-8, so non-ASCII text goes to RE2.)
  if (pattern.shape == Pattern::literal ||
      (pattern.shape == Pattern::anything && std::all_of(text.begin(), text.end(), [](char c) {
         return static_cast<unsigned char>(c) < 0x80;
       }))) {
    if (pattern.shape == Pattern::literal && text != pattern.text) return false;
    if (captures != nullptr) captures->groups.assign(1, text);
    return true;
  }
  if (pattern.shape == Pattern::regex && !pattern.required.empty() &&
      text.find(pattern.required) == std::string_view::npos)
    return false;
  const bool want = captures != nullptr || (named != nullptr && !pattern.named.empty());
  const int n = want ? pattern.groups + 1 : 0;
  re2::StringPiece subs[10];
  std::vector<re2::StringPiece> many;
  re2::StringPiece* out = subs;
  if (n > 10) {
    many.resize(static_cast<std::size_t>(n));
    out = many.data();
  }
  auto re2_match = [&] {
    const re2::StringPiece input(text.data(), text.size());
    // With submatches RE2 goes straight to its one-pass or backtracking engine, which is slow
    // to reject; a pattern that neither a leading word nor a required text filtered is tried on
    // statements that mostly do not match, so its DFA answers first.
    if (n > 0 && pattern.filter_weak &&
        !pattern.re->Match(input, 0, text.size(), RE2::ANCHOR_BOTH, nullptr, 0))
      return false;
    return pattern.re->Match(input, 0, text.size(), RE2::ANCHOR_BOTH, out, n);
  };
  if (pattern.shape == Pattern::token_sequence) {
    switch (pattern.tokens->match(text, n > 0 ? out : nullptr)) {
      case TokenPattern::Result::match:
        break;
      case TokenPattern::Result::no_match:
        return false;
      case TokenPattern::Result::ask_re2:
        if (!re2_match()) return false;
        break;
    }
  } else if (!re2_match()) {
    return false;
  }
  if (captures != nullptr) {
    captures->groups.resize(static_cast<std::size_t>(n));
    for (int g = 0; g < n; ++g)
      captures->groups[static_cast<std::size_t>(g)] =
          out[g].data() ? std::string_view(out[g].data(), out[g].size()) : std::string_view();
  }
  Named* target = named != nullptr ? named : (captures != nullptr ? &captures->named : nullptr);
  if (target != nullptr) {
    for (const auto& [name, index] : pattern.named) {
      const re2::StringPiece& piece = out[index];
      target->emplace_back(
          name, piece.data() ? std::string_view(piece.data(), piece.size()) : std::string_view());
    }
  }
  return true;
}

struct WalkState {
  int trie = 0;
  Named named;
};

class TreeWalker {
 public:
  TreeWalker(const Pack& pack, std::vector<std::vector<Hit>>& hits) : pack_(pack), hits_(hits) {}

  void walk(NodeRef root) {
    levels_.clear();
    levels_.emplace_back().push_back(WalkState{});
    walk(root, 0);
  }

 private:
  // Matches the children of `parent` against the trie states of levels_[depth] (which it may
  // extend with their '**' closure); the states reached go to levels_[depth + 1], reused from
  // one child to the next.
  void walk(NodeRef parent, std::size_t depth) {
    std::vector<WalkState>& states = levels_[depth];
    // Zero-level closure of '**'.
    const std::size_t initial = states.size();
    for (std::size_t s = 0; s < initial; ++s) {
      const int star = pack_.trie[static_cast<std::size_t>(states[s].trie)].star;
      if (star >= 0 && !has_state(states, star)) states.push_back({star, states[s].named});
    }
    if (levels_.size() <= depth + 1) levels_.emplace_back();  // a deque: `states` stays valid
    std::vector<WalkState>& next = levels_[depth + 1];
    for (NodeRef child : parent.children()) {
      if (child.inactive()) continue;
      const std::string_view text = child.text();
      const std::string_view word = first_word_of(text);
      const HashedWord hashed_word = WordHash::hashed(word);
      next.clear();
      for (const WalkState& state : states) {
        const TrieNode& t = pack_.trie[static_cast<std::size_t>(state.trie)];
        auto try_terminal = [&](int e) {
          const TrieNode::Edge& edge = t.terminals[static_cast<std::size_t>(e)];
          scratch_.named.clear();
          if (!match_pattern(pack_.patterns[static_cast<std::size_t>(edge.pattern)], text,
                             &scratch_, nullptr))
            return;
          Hit hit;
          hit.node = child.id();
          hit.line = child.line();
          hit.captures.groups = scratch_.groups;
          hit.captures.named.reserve(state.named.size() + scratch_.named.size());
          hit.captures.named = state.named;
          hit.captures.named.insert(hit.captures.named.end(), scratch_.named.begin(),
                                    scratch_.named.end());
          for (std::size_t i = 1; i < edge.selectors.size(); ++i)
            hits_[static_cast<std::size_t>(edge.selectors[i])].push_back(hit);
          hits_[static_cast<std::size_t>(edge.selectors[0])].push_back(std::move(hit));
        };
        auto try_edge = [&](int e) {
          const TrieNode::Edge& edge = t.edges[static_cast<std::size_t>(e)];
          if (has_state(next, edge.target)) return;
          const Pattern& pattern = pack_.patterns[static_cast<std::size_t>(edge.pattern)];
          Named named = state.named;
          if (match_pattern(pattern, text, nullptr, &named))
            next.push_back({edge.target, std::move(named)});
        };
        // Every candidate among `c`: its edges too when the node has children to descend into.
        auto try_all = [&](const TrieNode::Candidates& c) {
          for (int e : c.terminals)
            try_terminal(e);
          if (child.has_children())
            for (int e : c.edges)
              try_edge(e);
        };
        t.index.visit(text, hashed_word, try_all);
        if (child.has_children()) {
          if (t.is_star && !has_state(next, state.trie)) next.push_back(state);
        }
      }
      if (!next.empty()) walk(child, depth + 1);
    }
  }

  static bool has_state(const std::vector<WalkState>& states, int trie) {
    for (const WalkState& s : states)
      if (s.trie == trie) return true;
    return false;
  }
  const Pack& pack_;
  std::vector<std::vector<Hit>>& hits_;
  Captures scratch_;                           // a terminal's match before it becomes a hit
  std::deque<std::vector<WalkState>> levels_;  // trie states by tree depth
};

void relative_walk(const Pack& pack, const Selector& selector, NodeRef node, std::size_t step,
                   const Named& named, std::vector<Hit>& out) {
  if (step == selector.path.size()) {
    const Pattern& pattern = pack.patterns[static_cast<std::size_t>(selector.match)];
    for (NodeRef child : node.children()) {
      if (child.inactive()) continue;
      // Cheap literal first-word test before running the regex.
      if (!may_match(pattern, child.text())) continue;
      Hit hit;
      hit.captures.named = named;
      if (match_pattern(pattern, child.text(), &hit.captures, nullptr)) {
        hit.node = child.id();
        hit.line = child.line();
        out.push_back(std::move(hit));
      }
    }
    return;
  }
  const int p = selector.path[step];
  if (p == kAnyDepth) {
    relative_walk(pack, selector, node, step + 1, named, out);
    for (NodeRef child : node.children())
      if (!child.inactive() && child.has_children())
        relative_walk(pack, selector, child, step, named, out);
    return;
  }
  const Pattern& pattern = pack.patterns[static_cast<std::size_t>(p)];
  for (NodeRef child : node.children()) {
    if (child.inactive() || !child.has_children()) continue;
    if (!may_match(pattern, child.text())) continue;
    Named more = named;
    if (match_pattern(pattern, child.text(), nullptr, &more))
      relative_walk(pack, selector, child, step + 1, more, out);
  }
}

}  // namespace

bool full_match(const Pattern& pattern, std::string_view text) {
  return match_pattern(pattern, text, nullptr, nullptr);
}

bool full_match(const Pattern& pattern, std::string_view text, Captures& captures) {
  return match_pattern(pattern, text, &captures, nullptr);
}

std::size_t match_children(const Pack& pack, const Anchor& anchor, NodeRef node,
                           const Captures& anchor_captures, const std::vector<char>& wanted,
                           std::vector<TaggedHit>& out) {
  std::size_t used = 0;
  if (anchor.child_entries.empty()) return used;
  for (NodeRef child : node.children()) {
    if (child.inactive()) continue;
    const std::string_view text = child.text();
    auto attempt = [&](int index) {
      const Anchor::ChildEntry& ce = anchor.child_entries[static_cast<std::size_t>(index)];
      if (!wanted[static_cast<std::size_t>(ce.field)]) return;
      if (used == out.size()) out.emplace_back();
      TaggedHit& tagged = out[used];
      tagged.hit.captures.named.clear();
      if (!match_pattern(pack.patterns[static_cast<std::size_t>(ce.pattern)], text,
                         &tagged.hit.captures, nullptr))
        return;
      tagged.field = ce.field;
      tagged.entry = ce.entry;
      tagged.hit.node = child.id();
      tagged.hit.line = child.line();
      tagged.hit.captures.named.insert(tagged.hit.captures.named.end(),
                                       anchor_captures.named.begin(), anchor_captures.named.end());
      ++used;
    };
    anchor.child_index.visit(text, WordHash::hashed(first_word_of(text)),
                             [&](const std::vector<int>& indices) {
                               for (int i : indices)
                                 attempt(i);
                             });
  }
  return used;
}

std::vector<std::vector<Hit>> Pack::walk(const ConfigTree& tree) const {
  std::vector<std::vector<Hit>> hits(absolute.size());
  if (trie.empty()) return hits;
  TreeWalker walker(*this, hits);
  walker.walk(tree.root());
  return hits;
}

void match_relative(const Pack& pack, const Selector& selector, NodeRef anchor, bool self,
                    std::vector<Hit>& out) {
  if (self) {
    Hit hit;
    if (match_pattern(pack.patterns[static_cast<std::size_t>(selector.match)], anchor.text(),
                      &hit.captures, nullptr)) {
      hit.node = anchor.id();
      hit.line = anchor.line();
      out.push_back(std::move(hit));
    }
    return;
  }
  relative_walk(pack, selector, anchor, 0, {}, out);
}

}  // namespace netaudit::policy::engine
