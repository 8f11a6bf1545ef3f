// The selector fast paths (plain text, match-anything, required-text prefilter) must agree with
// RE2 on every pattern the shipped packs use, over every statement of the pack fixtures.
#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/token_pattern.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "policy_test_util.hpp"
#include "skip.hpp"

namespace fs = std::filesystem;
using netaudit::policy::engine::full_match;
using netaudit::policy::engine::plain_text;
using netaudit::policy::engine::required_text;

namespace {

void collect_texts(netaudit::NodeRef node, std::vector<std::string>& out) {
  for (netaudit::NodeRef child : node.children()) {
    out.emplace_back(child.text());
    collect_texts(child, out);
  }
}

// Every node text of every fixture config of one platform.
std::vector<std::string> fixture_texts(const std::string& platform) {
  std::vector<std::string> texts;
  const fs::path dir = netaudit::test::fixture_dir() / "policy" / platform;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") continue;
    const std::string text = netaudit::test::read_file(entry.path());
    const auto parsed = netaudit::parse_config(text, netaudit::syntax_for_platform(platform, text));
    collect_texts(parsed.tree.root(), texts);
  }
  return texts;
}

// Whether the engine and RE2 agree on `pattern` over `text`: verdict and every group.
bool agrees_with_re2(const netaudit::policy::engine::Pattern& pattern, const std::string& text) {
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(pattern.groups) + 1);
  const bool expected =
      pattern.re->Match(text, 0, text.size(), RE2::ANCHOR_BOTH, groups.data(), pattern.groups + 1);
  netaudit::policy::engine::Captures captures;
  if (full_match(pattern, text, captures) != expected || full_match(pattern, text) != expected)
    return false;
  for (std::size_t g = 0; expected && g < groups.size(); ++g)
    if (g >= captures.groups.size() ||
        captures.groups[g] != std::string_view(groups[g].data(), groups[g].size()))
      return false;
  return true;
}

}  // namespace

TEST_CASE("pattern shapes: plain text and required text") {
  CHECK(plain_text("no ip redirects") == std::optional<std::string>("no ip redirects"));
  CHECK(plain_text(R"(set system\.x)") == std::optional<std::string>("set system.x"));
  CHECK_FALSE(plain_text("interface (.+)"));
  CHECK_FALSE(plain_text(R"(key \d+)"));
  CHECK_FALSE(plain_text("a|b"));

  CHECK(required_text(R"(neighbor (\S+) password .+)") == " password ");
  CHECK(required_text(R"(neighbor (\S+) remote-as (\S+)(?: .*)?)") == " remote-as ");
  CHECK(required_text(R"(ip address (?:\d|dhcp).*)") == "ip address ");
  CHECK(required_text("logging host (.+)|logging (.+)") == "");     // top-level alternation
  CHECK(required_text("(?i)snmp-server community .+") == "");       // case-insensitive
  CHECK(required_text("ntp servers?") == "ntp server");             // `s` is optional
  CHECK(required_text("a{2}bc x+yz") == "bc x");                    // quantified chars drop
  CHECK(required_text(R"(crypto [a-z]+ key (\S+))") == "crypto ");  // a class ends a run
  CHECK(required_text(R"(x (?:abc|def) y)") == "x ");               // group content is skipped
}

TEST_CASE("pattern shapes: token sequences") {
  using netaudit::policy::engine::TokenPattern;
  for (const char* accepted :
       {R"(neighbor (\S+) remote-as (\S+)(?: .*)?)", "interface (?P<ifname>.+)", "interface .+",
        R"(neighbor \S+ password [67] .+)", R"(ntp server (\d+)\.(\d+))", "logging (.*)",
        R"((?:ip finger|service finger)(?: .*)?)", R"(ip address (?:\d|dhcp|negotiated).*)",
        R"(snmp-server group (\S+) v3 (auth|noauth|priv)(?: .*)?)"})
    CHECK(TokenPattern::parse(accepted));
  for (const char* refused :
       {R"((\S+)(\S+))", R"(a (\S+)x)", R"(a (\d+)\S+)", R"(a (\S+).*)", "a (.+) b", "ntp servers?",
        "a|b", R"(a \s+b)", "(?i)a .+", "a (?:b|c)?", "(a|(b))", R"((\S+)(?:x|y))", "a (?:b|)",
        "[^a]b", "[a-z]", R"(a (\S+?))", "^a$"})
    CHECK_FALSE(TokenPattern::parse(refused));
  const auto p = TokenPattern::parse(R"(neighbor (\S+) remote-as (\S+)(?: .*)?)");
  REQUIRE(p);
  re2::StringPiece groups[3];
  CHECK(p->match("neighbor 1.1.1.1 remote-as 65001 shutdown", groups) ==
        TokenPattern::Result::match);
  CHECK(groups[1] == "1.1.1.1");
  CHECK(groups[2] == "65001");
  CHECK(p->match("neighbor 1.1.1.1 remote-as", groups) == TokenPattern::Result::no_match);
  CHECK(p->match("neighbor \xc3\xa9 remote-as 1", groups) == TokenPattern::Result::ask_re2);
  // Alternatives are tried in order, and a later one serves when an earlier one leaves a rest
  // that does not match (RE2's leftmost-first choice).
  const auto choice = TokenPattern::parse("x (ab|a)b c");
  REQUIRE(choice);
  CHECK(choice->match("x ab c", groups) == TokenPattern::Result::match);
  CHECK(groups[1] == "a");
  CHECK(choice->match("x abb c", groups) == TokenPattern::Result::match);
  CHECK(groups[1] == "ab");
  // fuzz_token_pattern's finding: the plain alternative `\\d` (a backslash, then d) is text,
  // not the digit class `\d`.
  const auto escaped = TokenPattern::parse(R"((\\d|a|\d|-))");
  REQUIRE(escaped);
  CHECK(escaped->match("\\d", groups) == TokenPattern::Result::match);
  CHECK(groups[1] == "\\d");
  CHECK(escaped->match("7", groups) == TokenPattern::Result::match);
  CHECK(escaped->match("\\", groups) == TokenPattern::Result::no_match);
  // fuzz_token_pattern's second finding: many overlapping choices would backtrack without end;
  // past kMaxWays ways through them the pattern is RE2's.
  CHECK(TokenPattern::parse(R"((a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)b)"));
  CHECK_FALSE(TokenPattern::parse(R"((a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)b)"));
}

TEST_CASE("pattern shapes: the fast paths agree with RE2 on every shipped pattern") {
  const auto& impl = netaudit::test::shipped_policy().impl();
  for (const auto& [platform, pack] : impl.packs) {
    if (!fs::exists(netaudit::test::fixture_dir() / "policy" / platform)) continue;
    std::vector<std::string> texts = fixture_texts(platform);
    // Edge cases around the prefilters: empty, multi-line, near-miss literals.
    texts.insert(texts.end(), {"",
                               "shutdown\n",
                               "no shutdown ",
                               " password ",
                               "line\nnext",
                               "neighbor 10.0.0.1 remote-as 65001",
                               "neighbor 10.0.0.1  remote-as 65001",
                               "neighbor 10.0.0.1 remote-as",
                               "neighbor \xc3\xa9 remote-as 1",
                               "neighbor a\vb remote-as 1 x",
                               "neighbor x remote-as 1 descr\xc3\xa9",
                               "interface Gi1\nx",
                               "interface \xff",
                               "interface \tGi1",
                               "neighbor x password 7 ab",
                               "neighbor x password 6",
                               "neighbor x maximum-prefix 100 80",
                               "neighbor x maximum-prefix 1a",
                               "ip address 10.0.0.1 255.0.0.0",
                               "ip address dhcp",
                               "ip address negotiated\nx",
                               "ip address ",
                               "service finger",
                               "ip finger x",
                               "ip fingers",
                               "x ab c"});
    // ... and the pattern's own literal parts, whole and cut short.
    for (const auto& pattern : pack->patterns)
      for (const std::string& part : {pattern.text, pattern.required, pattern.first_two}) {
        if (part.empty()) continue;
        texts.push_back(part);
        texts.push_back(part.substr(0, part.size() - 1));
        texts.push_back(part + " x");
      }
    std::size_t fast = 0;
    for (const auto& pattern : pack->patterns) {
      if (pattern.shape != netaudit::policy::engine::Pattern::regex) ++fast;
      for (const std::string& text : texts) {
        if (agrees_with_re2(pattern, text)) continue;
        INFO(platform << ": pattern '" << pattern.source << "' on '" << text << "'");
        CHECK(agrees_with_re2(pattern, text));
      }
    }
    INFO(platform << ": " << pack->patterns.size() << " patterns, " << texts.size() << " texts");
    CHECK(fast > 0);
  }
}

TEST_CASE("pattern shapes: the engine agrees with RE2 over the corpus") {
  const auto corpus = netaudit::test::corpus_dir();
  if (!corpus) NETAUDIT_SKIP(netaudit::test::corpus_absent_reason());
  const auto& impl = netaudit::test::shipped_policy().impl();
  std::size_t files = 0;
  std::size_t pairs = 0;
  for (const auto& folder : fs::directory_iterator(*corpus)) {
    const auto* pack = impl.pack(folder.path().filename().string());
    if (!folder.is_directory() || pack == nullptr) continue;
    for (const auto& file : fs::recursive_directory_iterator(folder.path())) {
      if (!file.is_regular_file()) continue;
      const std::string text = netaudit::test::read_file(file.path());
      const auto parsed =
          netaudit::parse_config(text, netaudit::syntax_for_platform(pack->platform, text));
      std::vector<std::string> texts;
      collect_texts(parsed.tree.root(), texts);
      ++files;
      // Every pattern: the RE2 ones go through the required-text prefilter.
      for (const auto& pattern : pack->patterns) {
        for (const std::string& t : texts) {
          ++pairs;
          if (agrees_with_re2(pattern, t)) continue;
          INFO(file.path() << ": pattern '" << pattern.source << "' on '" << t << "'");
          CHECK(agrees_with_re2(pattern, t));
        }
      }
    }
  }
  INFO(files << " corpus files, " << pairs << " pattern/statement pairs");
  CHECK(files > 0);
}
