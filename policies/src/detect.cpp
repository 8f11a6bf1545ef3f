// Platform detection: weighted line signatures (detect_signatures.hpp) matched in one pass
// with a single RE2::Set over a bounded prefix and tail of the file, then a syntax decision
// from cheap whole-file line shape counts.
#include "netaudit/policies/detect.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "detect_signatures.hpp"
#include "netaudit/policies/display_text.hpp"

namespace netaudit {
namespace {

using detail::kSignatures;
using detail::Signature;

// Signatures are looked for in the first kScanHeadLines lines and the last kScanTailLines
// (vendor banners sit at the top, `end`/`return` trailers at the bottom); the syntax shape is
// counted over the whole file, which needs no regex.
constexpr std::size_t kScanHeadLines = 4000;
constexpr std::size_t kScanTailLines = 200;
constexpr std::size_t kScanHeadBytes = 2u * 1024u * 1024u;
// Lines are cut to this length before matching: signatures live at the start of a line, and a
// 10 MB single line must not cost more than a short one.
constexpr std::size_t kMaxMatchedLineBytes = 512;
// Evidence text quoted in a reason is cut to this many characters.
constexpr std::size_t kMaxQuotedChars = 60;
// How many deciding lines a reason names.
constexpr std::size_t kReasonLines = 3;
// The Cisco-like dialects that share the cisco_style signatures, and the evidence of its own
// a dialect other than cisco_ios needs before the shared evidence is credited to it.
constexpr std::array<std::string_view, 5> kCiscoFamily{"cisco_ios", "cisco_nxos", "cisco_iosxr",
                                                       "cisco_asa", "arista_eos"};
constexpr double kDialectEvidence = 7.0;
// A NETCONF/YANG XML document with no vendor namespace.
constexpr std::string_view kNetconfPlatform = "netconf";

struct PlatformInfo {
  std::string_view id;
  Syntax syntax;  // usual family; multi-form platforms are refined from the text
};

constexpr std::array<PlatformInfo, 29> kPlatforms{{
    {"cisco_ios", Syntax::indented},
    {"cisco_nxos", Syntax::indented},
    {"cisco_iosxr", Syntax::indented},
    {"cisco_asa", Syntax::indented},
    {"arista_eos", Syntax::indented},
    {"juniper_junos", Syntax::braces},
    {"huawei_vrp", Syntax::indented},
    {"nokia_sros", Syntax::indented},
    {"nokia_srlinux", Syntax::braces},
    {"mikrotik_routeros", Syntax::menu},
    {"fortinet_fortios", Syntax::block},
    {"paloalto_panos", Syntax::xml},
    {"vyos", Syntax::braces},
    {"f5_bigip", Syntax::braces},
    {"a10_acos", Syntax::indented},
    {"aruba_aos", Syntax::indented},
    {"aruba_aoscx", Syntax::indented},
    {"checkpoint_gaia", Syntax::indented},
    {"ciena_saos", Syntax::indented},
    {"cumulus_linux", Syntax::indented},
    {"extreme_exos", Syntax::indented},
    {"extreme_slxos", Syntax::indented},
    {"extreme_voss", Syntax::indented},
    {"frr", Syntax::indented},
    {"hp_procurve", Syntax::indented},
    {"hpe_comware", Syntax::indented},
    {"pfsense_opnsense", Syntax::xml},
    {"ruckus_icx", Syntax::indented},
    {"netconf", Syntax::xml},
}};

const PlatformInfo* find_platform(std::string_view id) {
  for (const PlatformInfo& info : kPlatforms) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

// All signatures compiled once into one RE2::Set; thread-safe after construction.
class SignatureMatcher {
 public:
  SignatureMatcher() : set_(options(), RE2::UNANCHORED) {
    for (const Signature& signature : kSignatures) {
      std::string error;
      if (set_.Add(re2::StringPiece(signature.pattern.data(), signature.pattern.size()), &error) <
          0) {
        throw std::logic_error("detect: bad signature pattern '" + std::string(signature.pattern) +
                               "': " + error);
      }
    }
    if (!set_.Compile()) throw std::logic_error("detect: cannot compile the signature set");
  }

  // Appends the indexes of the signatures that match `line` to `hits` (cleared first).
  void match(std::string_view line, std::vector<int>& hits) const {
    hits.clear();
    set_.Match(re2::StringPiece(line.data(), line.size()), &hits);
  }

  static const SignatureMatcher& instance() {
    static const SignatureMatcher matcher;
    return matcher;
  }

 private:
  static RE2::Options options() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);  // one DFA for ~300 patterns needs more than the 8 MB default
    return o;
  }
  RE2::Set set_;
};

// A line of the text: its 1-based number and content without the terminator.
struct Line {
  std::uint32_t number;
  std::string_view text;
};

template <typename Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  std::uint32_t number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!visit(Line{++number, line})) return;
    at = end + 1;
  }
}

std::string_view skip_bom_and_space(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\f\v") == std::string_view::npos;
}

// Whole-file counts that decide between the forms of a multi-form platform.
struct Shape {
  bool xml = false;             // the first non-blank character is '<'
  std::size_t statements = 0;   // non-blank lines that are not comments
  std::size_t set_lines = 0;    // `set ...`, `delete ...`, `deactivate ...`
  std::size_t brace_lines = 0;  // ending in `{` or `}`
};

Shape measure_shape(std::string_view text) {
  Shape shape;
  shape.xml = skip_bom_and_space(text).starts_with('<');
  for_each_line(text, [&](const Line& line) {
    std::string_view s = line.text;
    const std::size_t first = s.find_first_not_of(" \t\f\v");
    if (first == std::string_view::npos) return true;
    s.remove_prefix(first);
    if (s.front() == '#' || s.front() == '!' || s.starts_with("/*")) return true;
    ++shape.statements;
    const std::size_t last = s.find_last_not_of(" \t\f\v");
    const char end = s[last];
    if (end == '{' || end == '}') ++shape.brace_lines;
    if (first == 0 &&
        (s.starts_with("set ") || s.starts_with("delete ") || s.starts_with("deactivate ") ||
         s.starts_with("activate ") || s.starts_with("insert "))) {
      ++shape.set_lines;
    }
    return true;
  });
  return shape;
}

bool mostly(std::size_t part, std::size_t whole) {
  return whole > 0 && part * 2 > whole;
}

Syntax syntax_from_shape(const Shape& shape, Syntax fallback) {
  if (shape.xml) return Syntax::xml;
  if (mostly(shape.set_lines, shape.statements)) return Syntax::set;
  if (shape.brace_lines * 5 > shape.statements && shape.brace_lines > 0) return Syntax::braces;
  return fallback;
}

Syntax syntax_for(std::string_view platform, const Shape& shape) {
  const PlatformInfo* info = find_platform(platform);
  if (info == nullptr) {
    return syntax_from_shape(shape, Syntax::indented);  // unknown platform: the shape alone
  }
  if (shape.xml) return Syntax::xml;
  if (platform == "juniper_junos" || platform == "vyos" || platform == "paloalto_panos" ||
      platform == "nokia_srlinux") {
    return mostly(shape.set_lines, shape.statements) ? Syntax::set : Syntax::braces;
  }
  if (platform == "nokia_sros") {
    // MD-CLI `info` output is braces; classic CLI is indented with `exit`. The flat MD-CLI
    // form (`/configure system name "x"`) is one statement per line: indented parses it flat.
    return shape.brace_lines * 5 > shape.statements ? Syntax::braces : Syntax::indented;
  }
  if (info->syntax == Syntax::xml) return Syntax::indented;  // an XML platform given as text
  return info->syntax;
}

struct Evidence {
  int signature;
  std::uint32_t line;
  std::string_view text;
};

struct Tally {
  std::vector<std::uint8_t> hits;  // per signature, capped at 2
  std::vector<Evidence> evidence;  // first hit of each signature
};

void scan_line(const SignatureMatcher& matcher, const Line& line, std::vector<int>& matched,
               Tally& tally) {
  if (is_blank_line(line.text)) return;
  std::string_view text = line.text.substr(0, kMaxMatchedLineBytes);
  matcher.match(text, matched);
  for (int index : matched) {
    std::uint8_t& count = tally.hits[static_cast<std::size_t>(index)];
    if (count == 0) tally.evidence.push_back({index, line.number, line.text});
    if (count < 2) ++count;
  }
}

std::string quote(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  text = first == std::string_view::npos ? std::string_view{} : text.substr(first);
  std::string out = display_text(text.substr(0, kMaxQuotedChars));
  if (text.size() > kMaxQuotedChars) out += "...";
  return "'" + out + "'";
}

std::string format_score(double score) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", score);
  return buffer;
}

// Evidence strength grows with the score and saturates: one decisive signature (10) gives
// 0.86, two strong ones 0.95+; weak hints alone (score < 3.5) stay below kConfidentDetection.
double strength(double score) {
  return 1.0 - std::exp(-score / 5.0);
}

}  // namespace

Detection detect_platform(std::string_view text) {
  const SignatureMatcher& matcher = SignatureMatcher::instance();
  Tally tally;
  tally.hits.assign(std::size(kSignatures), 0);
  std::vector<int> matched;

  // Head: bounded by lines and bytes. Tail: the last lines, if the head did not reach them.
  std::size_t head_end = 0;
  std::uint32_t head_lines = 0;
  for_each_line(text, [&](const Line& line) {
    scan_line(matcher, line, matched, tally);
    head_lines = line.number;
    head_end = static_cast<std::size_t>(line.text.data() - text.data()) + line.text.size();
    return line.number < kScanHeadLines && head_end < kScanHeadBytes;
  });
  if (head_end + 1 < text.size()) {
    std::size_t tail_start = text.size();
    for (std::size_t n = 0; n <= kScanTailLines && tail_start > head_end + 1; ++n) {
      const std::size_t nl = text.rfind('\n', tail_start - 1);
      if (nl == std::string_view::npos || nl <= head_end) {
        tail_start = head_end + 1;
        break;
      }
      tail_start = nl;
    }
    tail_start = std::max(tail_start, head_end + 1);
    if (text[tail_start] == '\n') ++tail_start;
    // Line numbers of the tail: count the newlines skipped (cheap, memchr-speed).
    const auto skipped = static_cast<std::uint32_t>(
        std::count(text.begin() + static_cast<std::ptrdiff_t>(head_end),
                   text.begin() + static_cast<std::ptrdiff_t>(tail_start), '\n'));
    const std::uint32_t first_tail_line = head_lines + skipped;
    for_each_line(text.substr(tail_start), [&](const Line& line) {
      scan_line(matcher, Line{first_tail_line + line.number - 1, line.text}, matched, tally);
      return true;
    });
  }

  // Score per platform.
  std::unordered_map<std::string_view, double> scores;
  std::string_view family_dialect;  // the member credited with the cisco_style evidence
  for (std::size_t i = 0; i < tally.hits.size(); ++i) {
    if (tally.hits[i] == 0) continue;
    const double weight = kSignatures[i].weight;
    scores[kSignatures[i].platform] += weight * (tally.hits[i] >= 2 ? 1.5 : 1.0);
  }
  // Cisco-style evidence goes to the family member with the most evidence of its own; a
  // member needs kDialectEvidence of its own to take it from cisco_ios, the common dialect.
  if (const auto style = scores.find(detail::kCiscoStyle); style != scores.end()) {
    std::string_view dialect = "cisco_ios";
    double dialect_score = 0;
    for (std::string_view member : kCiscoFamily) {
      const auto it = scores.find(member);
      if (it != scores.end() && it->second > dialect_score &&
          (member == "cisco_ios" || it->second >= kDialectEvidence)) {
        dialect = member;
        dialect_score = it->second;
      }
    }
    scores[dialect] += style->second;
    family_dialect = dialect;
    scores.erase(style);
  }
  // `netconf` is the transport, not a rival: it wins only when no vendor matched at all.
  const bool any_vendor = std::any_of(scores.begin(), scores.end(), [](const auto& entry) {
    return entry.first != kNetconfPlatform;
  });
  // Ranked by score; ties keep kPlatforms order so the answer is stable.
  std::vector<std::pair<std::string_view, double>> ranked;
  for (const PlatformInfo& info : kPlatforms) {
    const auto it = scores.find(info.id);
    if (it == scores.end() || (any_vendor && info.id == kNetconfPlatform)) continue;
    ranked.emplace_back(info.id, it->second);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const std::string_view best = ranked.empty() ? std::string_view{} : ranked[0].first;
  const double best_score = ranked.empty() ? 0.0 : ranked[0].second;
  const double second_score = ranked.size() > 1 ? ranked[1].second : 0.0;
  const double third_score = ranked.size() > 2 ? ranked[2].second : 0.0;

  const Shape shape = measure_shape(text);
  Detection detection;
  if (best.empty()) {
    detection.syntax = syntax_for(kUnknownPlatform, shape);
    detection.reason = "no platform signature matched";
    return detection;
  }
  // Confidence: strength of the winner's evidence, discounted by how much of the evidence
  // points elsewhere (the strongest rival, and half the next: a grammar test mixing three
  // dialects is not confidently any of them).
  const double share = best_score / (best_score + second_score + 0.5 * third_score);
  const double margin = std::clamp((share - 0.5) * 2.0, 0.0, 1.0);  // 0 tie .. 1 no rival
  detection.confidence = strength(best_score) * (0.5 + 0.5 * margin);

  // Reason: the heaviest deciding lines of the winner, in line order.
  std::vector<Evidence> deciding;
  for (const Evidence& e : tally.evidence) {
    const std::string_view platform = kSignatures[static_cast<std::size_t>(e.signature)].platform;
    if (platform == best || (platform == detail::kCiscoStyle && best == family_dialect)) {
      deciding.push_back(e);
    }
  }
  std::stable_sort(deciding.begin(), deciding.end(), [](const Evidence& a, const Evidence& b) {
    return kSignatures[static_cast<std::size_t>(a.signature)].weight >
           kSignatures[static_cast<std::size_t>(b.signature)].weight;
  });
  // One line that matched several signatures is named once.
  std::vector<std::uint32_t> seen_lines;
  std::erase_if(deciding, [&](const Evidence& e) {
    if (std::find(seen_lines.begin(), seen_lines.end(), e.line) != seen_lines.end()) return true;
    seen_lines.push_back(e.line);
    return false;
  });
  const std::size_t named = std::min(deciding.size(), kReasonLines);
  std::sort(deciding.begin(), deciding.begin() + static_cast<std::ptrdiff_t>(named),
            [](const Evidence& a, const Evidence& b) { return a.line < b.line; });
  std::string reason;
  for (std::size_t i = 0; i < named; ++i) {
    if (!reason.empty()) reason += ", ";
    reason += "line " + std::to_string(deciding[i].line) + " " + quote(deciding[i].text);
  }
  if (deciding.size() > named) {
    reason += " (+" + std::to_string(deciding.size() - named) + " more)";
  }
  reason += "; score " + format_score(best_score);
  for (std::size_t i = 1; i < std::min<std::size_t>(ranked.size(), 3); ++i) {
    reason += (i == 1 ? " vs " : ", ") + std::string(ranked[i].first) + " " +
              format_score(ranked[i].second);
  }

  if (detection.confidence < kConfidentDetection) {
    detection.syntax = syntax_for(kUnknownPlatform, shape);
    detection.reason = "not sure: best guess " + std::string(best) + " from " + reason;
    return detection;
  }
  detection.platform = std::string(best);
  detection.syntax = syntax_for(best, shape);
  detection.reason = std::move(reason);
  return detection;
}

const std::vector<std::string_view>& known_platforms() {
  static const std::vector<std::string_view> platforms = [] {
    std::vector<std::string_view> ids;
    for (const PlatformInfo& info : kPlatforms)
      ids.push_back(info.id);
    return ids;
  }();
  return platforms;
}

Syntax syntax_for_platform(std::string_view platform, std::string_view text) {
  return syntax_for(platform, measure_shape(text));
}

}  // namespace netaudit
