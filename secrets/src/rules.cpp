// Secret rules: loaded from secrets/rules/*.yaml, applied line by line with an RE2::Set
// prefilter (each line is scanned once per set rather than once per pattern), plus the
// block-scoped rules placed by BlockContext.
#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>

#include "block_context.hpp"
#include "netaudit/secrets/redaction.hpp"

namespace netaudit::secrets {
namespace {

using detail::Block;
using detail::BlockContext;
using detail::Spans;

re2::RE2::Options quiet_options() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return options;
}

struct Rule {
  std::unique_ptr<re2::RE2> regex;
  int groups = 0;
  bool community = false;         // SNMP community names: public/private stay readable
  bool keep_first_group = false;  // group 1 is a keyword that stays readable
  Block inside = Block::none;
};

// `public` or `private`, any case, with or without quotes.
bool is_well_known_community(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  const auto equals_ignoring_case = [value](std::string_view word) {
    return value.size() == word.size() &&
           std::equal(value.begin(), value.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  return equals_ignoring_case("public") || equals_ignoring_case("private");
}

// `snmp-server community ro RO`: an IOS community named `ro` (IOS writes its access word in
// capitals), not the Netgear `ro X` form.
bool names_ios_access(const re2::StringPiece* groups, int count) {
  for (int g = 2; g < count; ++g)
    if (groups[g].data() != nullptr && (groups[g] == "RO" || groups[g] == "RW")) return true;
  return false;
}

bool is_pem_private_key_begin(std::string_view line) {
  return line.find("-----BEGIN") != std::string_view::npos &&
         line.find("PRIVATE KEY-----") != std::string_view::npos;
}

// Calls fn(line, ending) for each line; `ending` is "\n", "\r\n" or "" (the last line).
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      fn(text.substr(start), std::string_view());
      return;
    }
    std::size_t content_end = end;
    if (content_end > start && text[content_end - 1] == '\r') --content_end;
    fn(text.substr(start, content_end - start), text.substr(content_end, end + 1 - content_end));
    start = end + 1;
  }
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

struct SecretRules::Impl {
  re2::RE2::Set set{quiet_options(), re2::RE2::UNANCHORED};
  std::vector<Rule> rules;                                       // index = the set's index
  std::vector<std::pair<Block, Rule>> scoped;                    // block-scoped rules
  std::vector<std::unique_ptr<re2::RE2>> keep_prefixes;          // anchored at a value's start
  std::vector<std::string> not_secret;                           // keywords, never secrets
  std::map<std::string, std::string, std::less<>> placeholders;  // @NAME@ -> text

  // One rule file; `where` names it in errors.
  void load(const std::filesystem::path& file) {
    const std::string where = file.string();
    YAML::Node root;
    try {
      root = YAML::LoadFile(where);
    } catch (const YAML::BadFile&) {
      throw std::runtime_error(where + ": cannot read secret rules");
    } catch (const YAML::Exception& error) {
      throw std::runtime_error(where + ":" + std::to_string(error.mark.line + 1) + ": " +
                               error.msg);
    }
    if (root.IsNull()) return;
    if (!root.IsMap()) throw std::runtime_error(where + ": secret rules must be a YAML mapping");
    try {
      for (const auto& entry : root) {
        const std::string key = entry.first.as<std::string>();
        const YAML::Node& value = entry.second;
        const std::string at = where + ":" + std::to_string(entry.first.Mark().line + 1);
        if (key == "placeholders") {
          for (const auto& p : value)
            placeholders["@" + p.first.as<std::string>() + "@"] = p.second.as<std::string>();
        } else if (key == "keep_prefixes") {
          for (const YAML::Node& p : value)
            keep_prefixes.push_back(compile(p.as<std::string>(), where, p.Mark().line));
        } else if (key == "not_secret") {
          for (const YAML::Node& p : value)
            not_secret.push_back(p.as<std::string>());
        } else if (key == "secrets" || key == "communities") {
          if (!value.IsSequence()) throw std::runtime_error(at + ": '" + key + "' must be a list");
          for (const YAML::Node& item : value)
            add(item, key == "communities", where);
        } else if (key != "platform" && key != "description") {
          throw std::runtime_error(at + ": unknown key '" + key +
                                   "' (expected secrets, communities, keep_prefixes, "
                                   "not_secret, placeholders)");
        }
      }
    } catch (const YAML::Exception& error) {
      throw std::runtime_error(where + ":" + std::to_string(error.mark.line + 1) + ": " +
                               error.msg);
    }
  }

  std::unique_ptr<re2::RE2> compile(std::string pattern, const std::string& where, int line) {
    for (const auto& [name, text] : placeholders)
      pattern = replace_all(std::move(pattern), name, text);
    auto regex = std::make_unique<re2::RE2>(pattern, quiet_options());
    if (!regex->ok())
      throw std::runtime_error(where + ":" + std::to_string(line + 1) + ": bad pattern '" +
                               pattern + "': " + regex->error());
    return regex;
  }

  void add(const YAML::Node& item, bool community, const std::string& where) {
    Rule rule;
    rule.community = community;
    std::string pattern;
    if (item.IsScalar()) {
      pattern = item.as<std::string>();
    } else if (item.IsMap()) {
      pattern = item["pattern"].as<std::string>("");
      rule.keep_first_group = item["keep_first_group"].as<bool>(false);
      const std::string inside = item["inside"].as<std::string>("");
      if (inside == "fortios_snmp_community") {
        rule.inside = Block::fortios_snmp_community;
      } else if (inside == "routeros_snmp_community") {
        rule.inside = Block::routeros_snmp_community;
      } else if (inside == "snmp_trap_block") {
        rule.inside = Block::snmp_trap_block;
      } else if (!inside.empty()) {
        throw std::runtime_error(where + ":" + std::to_string(item.Mark().line + 1) +
                                 ": unknown block '" + inside +
                                 "' (fortios_snmp_community, routeros_snmp_community, "
                                 "snmp_trap_block)");
      }
    }
    if (pattern.empty())
      throw std::runtime_error(where + ":" + std::to_string(item.Mark().line + 1) +
                               ": a rule is a pattern or {pattern: ..., inside: ...}");
    rule.regex = compile(pattern, where, item.Mark().line);
    rule.groups = rule.regex->NumberOfCapturingGroups();
    if (rule.groups < 1)
      throw std::runtime_error(where + ":" + std::to_string(item.Mark().line + 1) + ": pattern '" +
                               pattern +
                               "' needs a capture group around the "
                               "secret");
    if (rule.inside != Block::none) {
      scoped.emplace_back(rule.inside, std::move(rule));
      return;
    }
    std::string error;
    if (set.Add(rule.regex->pattern(), &error) < 0)
      throw std::runtime_error(where + ": bad pattern '" + pattern + "': " + error);
    rules.push_back(std::move(rule));
  }

  // The part of a captured value that is the secret: without a readable scheme prefix (and
  // the same delimiter at its end, Huawei `%^%#...%^%#`). Empty when nothing is secret.
  std::pair<std::size_t, std::size_t> secret_part(std::string_view value) const {
    std::size_t begin = 0;
    std::size_t end = value.size();
    for (const auto& prefix : keep_prefixes) {
      re2::StringPiece match;
      if (!prefix->Match(value, 0, value.size(), re2::RE2::ANCHOR_START, &match, 1)) continue;
      if (match.size() <= begin) continue;
      begin = match.size();
      end = value.size();
      const std::string_view delimiter(match.data(), match.size());
      if (value.size() >= 2 * begin && value.ends_with(delimiter) && delimiter.front() == '%')
        end = value.size() - begin;
    }
    return {begin, std::max(begin, end)};
  }

  bool keeps(std::string_view value) const {
    if (is_marker(value)) return true;
    // A mask the device applied itself (ASA `*****`, `********` in `show configuration`).
    if (!value.empty() && value.find_first_not_of('*') == std::string_view::npos) return true;
    return false;
  }

  // Adds the [begin, end) span of every secret `rule` captures in `line`. A value that is a
  // keyword of the command is skipped, except for block-scoped rules, where any value of the
  // field is the secret (a community may well be called "none"). A well-known community a
  // community rule captures goes to `kept` instead.
  void collect_spans(const Rule& rule, std::string_view line, bool skip_keywords, Spans& spans,
                     Spans& kept) const {
    std::array<re2::StringPiece, 8> groups;
    const int count = std::min<int>(rule.groups + 1, static_cast<int>(groups.size()));
    std::size_t pos = 0;
    while (pos <= line.size() &&
           rule.regex->Match(line, pos, line.size(), re2::RE2::UNANCHORED, groups.data(), count)) {
      const auto match_end =
          static_cast<std::size_t>(groups[0].data() - line.data()) + groups[0].size();
      pos = std::max(match_end, pos + 1);
      if (rule.keep_first_group && names_ios_access(groups.data(), count)) continue;
      for (int g = 1; g < count; ++g) {
        if (groups[g].data() == nullptr || groups[g].empty()) continue;
        const std::string_view value(groups[g].data(), groups[g].size());
        const auto begin = static_cast<std::size_t>(value.data() - line.data());
        if (rule.keep_first_group && g == 1) {
          kept.emplace_back(begin, begin + value.size());
          continue;
        }
        if (skip_keywords &&
            std::find(not_secret.begin(), not_secret.end(), value) != not_secret.end())
          continue;
        if (rule.community && is_well_known_community(value)) {
          kept.emplace_back(begin, begin + value.size());
          continue;
        }
        const auto [from, to] = secret_part(value);
        if (from >= to || keeps(value.substr(from, to - from))) continue;
        spans.emplace_back(begin + from, begin + to);
      }
    }
  }

  // A well-known community name goes to `kept`, any other to `spans`.
  void add_community_names(const Spans& names, std::string_view line, Spans& spans,
                           Spans& kept) const {
    for (const auto& name : names) {
      const std::string_view value = line.substr(name.first, name.second - name.first);
      if (keeps(value)) continue;
      (is_well_known_community(value) ? kept : spans).push_back(name);
    }
  }

  // The merged secret spans of one line.
  Spans line_spans(std::string_view line, Block block, const Spans& xml_names) const {
    Spans spans;
    Spans kept;
    std::vector<int> hits;
    if (set.Match(line, &hits)) {
      std::sort(hits.begin(), hits.end());
      for (int index : hits)
        collect_spans(rules[static_cast<std::size_t>(index)], line, true, spans, kept);
    }
    if (block != Block::none)
      for (const auto& [inside, rule] : scoped)
        if (inside == block) collect_spans(rule, line, false, spans, kept);
    add_community_names(xml_names, line, spans, kept);
    // A well-known community stays readable even if a broader rule (`community "X"`)
    // captured the very same value; a different span (a password) is still masked.
    if (!kept.empty())
      std::erase_if(spans, [&kept](const auto& span) {
        return std::find(kept.begin(), kept.end(), span) != kept.end();
      });
    // Overlapping spans (two rules hitting the same secret) merge into one.
    std::sort(spans.begin(), spans.end());
    Spans merged;
    for (const auto& span : spans) {
      if (!merged.empty() && span.first < merged.back().second)
        merged.back().second = std::max(merged.back().second, span.second);
      else
        merged.push_back(span);
    }
    return merged;
  }

  // Walks `text` line by line: fn(line, ending, spans) with the secret spans of each line.
  // The body lines of a PEM private key are secret whole (indentation kept).
  template <typename Fn>
  void scan(std::string_view text, Fn&& fn) const {
    BlockContext blocks;
    Spans xml_names;
    bool in_private_key = false;
    for_each_line(text, [&](std::string_view line, std::string_view ending) {
      if (in_private_key) {
        if (line.find("-----END") != std::string_view::npos) {
          in_private_key = false;
          fn(line, ending, Spans{});
          return;
        }
        const std::size_t first = line.find_first_not_of(" \t\"");
        std::size_t last = line.find_last_not_of(" \t\"");
        Spans body;
        if (first != std::string_view::npos && !keeps(line.substr(first, last + 1 - first)))
          body.emplace_back(first, last + 1);
        fn(line, ending, body);
        return;
      }
      xml_names.clear();
      const Block block = blocks.observe(line, xml_names);
      if (is_pem_private_key_begin(line)) {
        in_private_key = true;
        fn(line, ending, Spans{});
        return;
      }
      // Negated commands (`no enable password`) never carry a secret.
      const std::size_t first = line.find_first_not_of(" \t");
      if (first != std::string_view::npos && line.substr(first).starts_with("no ")) {
        fn(line, ending, Spans{});
        return;
      }
      fn(line, ending, line_spans(line, block, xml_names));
    });
  }
};

SecretRules::SecretRules(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretRules::~SecretRules() = default;

std::filesystem::path default_rules_dir() {
  if (const char* dir = std::getenv("NETAUDIT_SECRETS_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  return NETAUDIT_SECRETS_DIR;
}

std::shared_ptr<const SecretRules> SecretRules::for_platform(std::string_view platform,
                                                             const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, std::shared_ptr<const SecretRules>> cache;
  const bool valid = std::all_of(platform.begin(), platform.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  const std::string name = valid && platform != "common" ? std::string(platform) : std::string();
  const std::lock_guard lock(mutex);
  auto& slot = cache[{dir.string(), name}];
  if (slot) return slot;
  auto impl = std::make_unique<Impl>();
  impl->load(dir / "common.yaml");
  std::error_code ec;
  if (!name.empty() && std::filesystem::exists(dir / (name + ".yaml"), ec))
    impl->load(dir / (name + ".yaml"));
  if (!impl->set.Compile())
    throw std::runtime_error(dir.string() + ": secret rules of '" + name +
                             "' too large to compile");
  slot = std::shared_ptr<const SecretRules>(new SecretRules(std::move(impl)));
  return slot;
}

std::vector<std::string> SecretRules::platforms(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".yaml" && entry.path().stem() != "common")
      names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string SecretRules::redact(std::string_view text, const MarkerFn& marker,
                                std::size_t* count) const {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  std::size_t masked = 0;
  impl_->scan(text, [&](std::string_view line, std::string_view ending, const Spans& spans) {
    std::size_t written = 0;
    for (const auto& [begin, end] : spans) {
      out.append(line.substr(written, begin - written));
      out.append(marker(line.substr(begin, end - begin)));
      written = end;
      ++masked;
    }
    out.append(line.substr(written));
    out.append(ending);
  });
  if (count != nullptr) *count += masked;
  return out;
}

std::vector<std::string> SecretRules::secrets_in(std::string_view text) const {
  std::vector<std::string> values;
  impl_->scan(text, [&](std::string_view line, std::string_view, const Spans& spans) {
    for (const auto& [begin, end] : spans)
      values.emplace_back(line.substr(begin, end - begin));
  });
  return values;
}

}  // namespace netaudit::secrets
