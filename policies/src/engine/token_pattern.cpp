#include "engine/token_pattern.hpp"

#include <algorithm>

#include "engine/regex_syntax.hpp"

namespace netaudit::policy::engine {
namespace {

// RE2's \s: [\t\n\f\r ] (not \v).
bool re2_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
bool non_ascii(char c) {
  return static_cast<unsigned char>(c) >= 0x80;
}
bool quantifier(char c) {
  return c == '*' || c == '+' || c == '?' || c == '{';
}

// Plain text with escaped punctuation ("a\.b" -> "a.b"), ASCII only; nullopt otherwise.
std::optional<std::string> plain(std::string_view p) {
  auto text = plain_text(p);
  if (text && std::any_of(text->begin(), text->end(), non_ascii)) return std::nullopt;
  return text;
}

}  // namespace

std::optional<TokenPattern> TokenPattern::parse(std::string_view p) {
  TokenPattern out;
  auto& segments = out.segments_;
  auto add_char = [&](char c) {
    if (segments.empty() || segments.back().kind != Segment::text || segments.back().group != 0)
      segments.push_back({Segment::text, "", {}, 0});
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
  // `a|b\.c|\d)` from p[i] up to the closing parenthesis: the alternatives and the length.
  auto choice_at = [&](std::size_t i, std::vector<Alternative>& alternatives) -> std::size_t {
    const std::size_t close = p.find(')', i);
    if (close == std::string_view::npos) return 0;
    const std::string_view body = p.substr(i, close - i);
    if (body.find('|') == std::string_view::npos || body.find('(') != std::string_view::npos)
      return 0;
    std::size_t start = 0;
    while (start <= body.size()) {
      std::size_t bar = body.find('|', start);
      if (bar == std::string_view::npos) bar = body.size();
      const std::string_view alternative = body.substr(start, bar - start);
      if (alternative == "\\d") {
        alternatives.push_back({true, ""});
      } else {
        auto text = plain(alternative);
        if (!text || text->empty()) return 0;
        alternatives.push_back({false, std::move(*text)});
      }
      start = bar + 1;
    }
    return close - i + 1;
  };
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (non_ascii(c)) return std::nullopt;
    Segment::Kind kind = Segment::text;
    if (const std::size_t length = token_at(i, kind)) {
      segments.push_back({kind, "", {}, 0});
      i += length;
    } else if (c == '\\') {
      if (i + 1 >= p.size() || !is_regex_meta(p[i + 1])) return std::nullopt;  // \s, \w, \b ...
      add_char(p[i + 1]);
      i += 2;
    } else if (c == '(') {
      if (p.substr(i) == "(?: .*)?") {
        segments.push_back({Segment::rest_spaced, "", {}, 0});
        i = p.size();
        continue;
      }
      std::size_t inner = i + 1;
      bool capturing = true;
      if (p.substr(i, 4) == "(?P<") {
        const std::size_t close = p.find('>', i);
        if (close == std::string_view::npos) return std::nullopt;
        inner = close + 1;
      } else if (p.substr(i, 3) == "(?:") {
        inner = i + 3;
        capturing = false;
      } else if (p.substr(i, 2) == "(?") {
        return std::nullopt;
      }
      Segment segment;
      if (const std::size_t length = token_at(inner, segment.kind);
          capturing && length != 0 && p.substr(inner + length, 1) == ")") {
        i = inner + length + 1;
      } else if (const std::size_t choice = choice_at(inner, segment.alternatives)) {
        segment.kind = Segment::choice;
        i = inner + choice;
      } else {
        return std::nullopt;
      }
      if (capturing) segment.group = ++out.groups_;
      segments.push_back(std::move(segment));
    } else if (c == '[') {
      const std::size_t close = p.find(']', i + 1);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      const std::string_view set = p.substr(i + 1, close - i - 1);
      if (set.find_first_of("^-\\[") != std::string_view::npos ||
          std::any_of(set.begin(), set.end(), non_ascii))
        return std::nullopt;
      segments.push_back({Segment::one_of, std::string(set), {}, 0});
      i = close + 1;
    } else if (is_regex_meta(c)) {
      return std::nullopt;
    } else {
      add_char(c);
      ++i;
    }
    if (i < p.size() && quantifier(p[i])) return std::nullopt;  // `s?`, `\S+?`, `[67]+` ...
  }
  // A token ends where the next segment must begin, and a tail `.+` / `.*` is the last segment.
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
    if (next->kind == Segment::choice &&
        std::all_of(next->alternatives.begin(), next->alternatives.end(),
                    [&](const Alternative& a) { return !a.digit && stops(a.text.front()); }))
      continue;
    return std::nullopt;
  }
  if (segments.empty()) return std::nullopt;
  // Choices are tried in order and may be retried after a later failure, so a pattern of many
  // overlapping choices could take exponential time (fuzz_token_pattern made one): the ways
  // through are capped, and such a pattern goes to RE2, which is linear.
  std::size_t ways = 1;
  for (const Segment& s : segments) {
    if (s.kind != Segment::choice) continue;
    ways *= s.alternatives.size();
    if (ways > kMaxWays) return std::nullopt;
  }
  return out;
}

TokenPattern::Result TokenPattern::match(std::string_view text, re2::StringPiece* groups) const {
  const Result result = match_from(0, 0, text, groups);
  if (result == Result::match && groups != nullptr)
    groups[0] = re2::StringPiece(text.data(), text.size());
  return result;
}

TokenPattern::Result TokenPattern::match_from(std::size_t segment, std::size_t pos,
                                              std::string_view text,
                                              re2::StringPiece* groups) const {
  // The rest of the text for `.`: no newline; non-ASCII is for RE2's UTF-8 rules.
  auto rest_verdict = [&](std::size_t from) {
    for (std::size_t k = from; k < text.size(); ++k) {
      if (text[k] == '\n') return Result::no_match;
      if (non_ascii(text[k])) return Result::ask_re2;
    }
    return Result::match;
  };
  for (; segment < segments_.size(); ++segment) {
    const Segment& s = segments_[segment];
    const std::size_t from = pos;
    switch (s.kind) {
      case Segment::text:
        if (text.substr(pos, s.chars.size()) != s.chars) return Result::no_match;
        pos += s.chars.size();
        break;
      case Segment::non_space:
        while (pos < text.size() && !re2_space(text[pos])) {
          if (non_ascii(text[pos])) return Result::ask_re2;
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
      case Segment::choice:
        // The first alternative with which the rest matches wins, as in RE2.
        for (const Alternative& alternative : s.alternatives) {
          std::size_t length = 1;
          if (alternative.digit ? pos >= text.size() || !ascii_digit(text[pos])
                                : text.compare(pos, alternative.text.size(), alternative.text) != 0)
            continue;
          if (!alternative.digit) length = alternative.text.size();
          const Result rest = match_from(segment + 1, pos + length, text, groups);
          if (rest == Result::no_match) continue;
          if (rest == Result::match && groups != nullptr && s.group != 0)
            groups[s.group] = re2::StringPiece(text.data() + pos, length);
          return rest;
        }
        return Result::no_match;
      case Segment::rest_some:
        if (pos >= text.size()) return Result::no_match;
        [[fallthrough]];
      case Segment::rest_any:
        if (const Result r = rest_verdict(pos); r != Result::match) return r;
        pos = text.size();
        break;
      case Segment::rest_spaced:
        if (pos == text.size()) break;
        if (text[pos] != ' ') return Result::no_match;
        if (const Result r = rest_verdict(pos); r != Result::match) return r;
        pos = text.size();
        break;
    }
    if (groups != nullptr && s.group != 0)
      groups[s.group] = re2::StringPiece(text.data() + from, pos - from);
  }
  return pos == text.size() ? Result::match : Result::no_match;
}

}  // namespace netaudit::policy::engine
