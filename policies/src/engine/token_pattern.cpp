#include "engine/token_pattern.hpp"

#include <algorithm>

namespace netaudit::policy::engine {
namespace {

// RE2's \s: [\t\n\f\r ] (not \v).
bool re2_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
bool quantifier(char c) {
  return c == '*' || c == '+' || c == '?' || c == '{';
}
bool regex_meta(char c) {
  return std::string_view(".[]()*+?{}|^$\\").find(c) != std::string_view::npos;
}

}  // namespace

std::optional<TokenPattern> TokenPattern::parse(std::string_view p) {
  TokenPattern out;
  auto& segments = out.segments_;
  auto add_char = [&](char c) {
    if (segments.empty() || segments.back().kind != Segment::text || segments.back().group != 0)
      segments.push_back({Segment::text, "", 0});
    segments.back().chars.push_back(c);
  };
  // `\S+`, `\d+`, `.+` or `.*` at p[i]: its kind and length.
  auto token_at = [&](std::size_t i, Segment::Kind& kind) -> std::size_t {
    const std::string_view rest = p.substr(i);
    if (rest.substr(0, 3) == "\\S+")
      kind = Segment::non_space;
    else if (rest.substr(0, 3) == "\\d+")
      kind = Segment::digits;
    else if (rest.substr(0, 2) == ".+")
      kind = Segment::rest_some;
    else if (rest.substr(0, 2) == ".*")
      kind = Segment::rest_any;
    else
      return 0;
    return kind == Segment::rest_some || kind == Segment::rest_any ? 2 : 3;
  };
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
    Segment::Kind kind = Segment::text;
    if (const std::size_t length = token_at(i, kind)) {
      segments.push_back({kind, "", 0});
      i += length;
    } else if (c == '\\') {
      if (i + 1 >= p.size() || !regex_meta(p[i + 1]) ||
          static_cast<unsigned char>(p[i + 1]) >= 0x80)
        return std::nullopt;  // \s, \w, \b, \n ...: not ours
      add_char(p[i + 1]);
      i += 2;
    } else if (c == '(') {
      if (p.substr(i) == "(?: .*)?") {
        segments.push_back({Segment::rest_spaced, "", 0});
        i = p.size();
        continue;
      }
      std::size_t inner = i + 1;
      if (p.substr(i, 4) == "(?P<") {
        const std::size_t close = p.find('>', i);
        if (close == std::string_view::npos) return std::nullopt;
        inner = close + 1;
      } else if (p.substr(i, 2) == "(?") {
        return std::nullopt;
      }
      const std::size_t length = token_at(inner, kind);
      if (length == 0 || p.substr(inner + length, 1) != ")") return std::nullopt;
      segments.push_back({kind, "", ++out.groups_});
      i = inner + length + 1;
    } else if (c == '[') {
      const std::size_t close = p.find(']', i + 1);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      const std::string_view set = p.substr(i + 1, close - i - 1);
      if (set.find_first_of("^-\\[") != std::string_view::npos) return std::nullopt;
      if (std::any_of(set.begin(), set.end(),
                      [](char s) { return static_cast<unsigned char>(s) >= 0x80; }))
        return std::nullopt;
      segments.push_back({Segment::one_of, std::string(set), 0});
      i = close + 1;
    } else if (regex_meta(c)) {
      return std::nullopt;
    } else {
      add_char(c);
      ++i;
    }
    if (i < p.size() && quantifier(p[i])) return std::nullopt;  // `s?`, `\S+?`, `[67]+` ...
  }
  // Deterministic left to right: a token ends where the next segment must begin, and a tail
  // `.+` / `.*` is the last segment.
  for (std::size_t k = 0; k < segments.size(); ++k) {
    const Segment& s = segments[k];
    const Segment* next = k + 1 < segments.size() ? &segments[k + 1] : nullptr;
    if (s.kind == Segment::rest_any || s.kind == Segment::rest_some) {
      if (next != nullptr) return std::nullopt;
      continue;
    }
    if (s.kind != Segment::non_space && s.kind != Segment::digits) continue;
    if (next == nullptr || next->kind == Segment::rest_spaced) continue;
    auto stops = [&](char first) {
      return s.kind == Segment::non_space ? re2_space(first) : !ascii_digit(first);
    };
    if (next->kind == Segment::text && stops(next->chars.front())) continue;
    if (next->kind == Segment::one_of && std::all_of(next->chars.begin(), next->chars.end(), stops))
      continue;
    return std::nullopt;
  }
  if (segments.empty()) return std::nullopt;
  return out;
}

TokenPattern::Result TokenPattern::match(std::string_view text, re2::StringPiece* groups) const {
  std::size_t pos = 0;
  auto capture = [&](int group, std::size_t from) {
    if (groups != nullptr && group != 0)
      groups[group] = re2::StringPiece(text.data() + from, pos - from);
  };
  // The rest of the text for `.`: no newline; non-ASCII is for RE2's UTF-8 rules.
  auto rest_ok = [&](Result& verdict) {
    for (std::size_t k = pos; k < text.size(); ++k) {
      if (text[k] == '\n') {
        verdict = Result::no_match;
        return false;
      }
      if (static_cast<unsigned char>(text[k]) >= 0x80) {
        verdict = Result::ask_re2;
        return false;
      }
    }
    return true;
  };
  for (const Segment& s : segments_) {
    const std::size_t from = pos;
    Result verdict = Result::no_match;
    switch (s.kind) {
      case Segment::text:
        if (text.substr(pos, s.chars.size()) != s.chars) return Result::no_match;
        pos += s.chars.size();
        break;
      case Segment::non_space:
        while (pos < text.size() && !re2_space(text[pos])) {
          if (static_cast<unsigned char>(text[pos]) >= 0x80) return Result::ask_re2;
          ++pos;
        }
        if (pos == from) return Result::no_match;
        break;
      case Segment::digits:
        while (pos < text.size() && ascii_digit(text[pos]))
          ++pos;
        if (pos == from) return Result::no_match;
        break;
      case Segment::one_of:
        if (pos >= text.size() || s.chars.find(text[pos]) == std::string::npos)
          return Result::no_match;
        ++pos;
        break;
      case Segment::rest_some:
        if (pos >= text.size()) return Result::no_match;
        [[fallthrough]];
      case Segment::rest_any:
        if (!rest_ok(verdict)) return verdict;
        pos = text.size();
        break;
      case Segment::rest_spaced:
        if (pos == text.size()) break;
        if (text[pos] != ' ' || !rest_ok(verdict)) return verdict;
        pos = text.size();
        break;
    }
    capture(s.group, from);
  }
  if (pos != text.size()) return Result::no_match;
  if (groups != nullptr) groups[0] = re2::StringPiece(text.data(), text.size());
  return Result::match;
}

}  // namespace netaudit::policy::engine
