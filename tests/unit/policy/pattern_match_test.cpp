// The selector fast paths (plain text, match-anything, required-text prefilter) must agree with
// RE2 on every pattern the shipped packs use, over every statement of the pack fixtures.
#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "policy_test_util.hpp"

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

TEST_CASE("pattern shapes: the fast paths agree with RE2 on every shipped pattern") {
  const auto& impl = netaudit::test::shipped_policy().impl();
  for (const auto& [platform, pack] : impl.packs) {
    if (!fs::exists(netaudit::test::fixture_dir() / "policy" / platform)) continue;
    std::vector<std::string> texts = fixture_texts(platform);
    // Edge cases around the prefilters: empty, multi-line, near-miss literals.
    texts.insert(texts.end(), {"", "shutdown\n", "no shutdown ", " password ", "line\nnext"});
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
        const bool expected = RE2::FullMatch(text, *pattern.re);
        if (full_match(pattern, text) != expected) {
          INFO(platform << ": pattern '" << pattern.source << "' on '" << text << "'");
          CHECK(full_match(pattern, text) == expected);
        }
      }
    }
    INFO(platform << ": " << pack->patterns.size() << " patterns, " << texts.size() << " texts");
    CHECK(fast > 0);
  }
}
