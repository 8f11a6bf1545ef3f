// Auditing one config: detect, parse, read facts, evaluate every control, apply waivers.
#include "netaudit/policies/audit.hpp"

#include <re2/set.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <unordered_map>

#include "engine/engine.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/waivers.hpp"

namespace netaudit::policy {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::unknown:
      return "unknown";
    case Verdict::not_applicable:
      return "not_applicable";
    case Verdict::error:
      return "error";
    case Verdict::waived:
      return "waived";
  }
  return "?";
}

void VerdictCounts::add(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      ++pass;
      break;
    case Verdict::fail:
      ++fail;
      break;
    case Verdict::unknown:
      ++unknown;
      break;
    case Verdict::not_applicable:
      ++not_applicable;
      break;
    case Verdict::error:
      ++error;
      break;
    case Verdict::waived:
      ++waived;
      break;
  }
}

std::string utc_today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

namespace {

struct RedactionPatterns {
  std::vector<std::unique_ptr<RE2>> each;
  // All of them in one automaton, to learn in one pass which ones a line needs (null if the
  // set could not be built: then every pattern runs).
  std::unique_ptr<RE2::Set> any;
};

// Each pattern's group 1 is a secret; the rest of the line stays readable.
const RedactionPatterns& redaction_patterns() {
  static const RedactionPatterns patterns = [] {
    const char* sources[] = {
        R"((?i)(?:^|\s)(?:ntp |ntp-service )?authentication-key(?:id)?\s+\d+\s+(?:type\s+\S+\s+value\s+|(?:authentication-mode\s+)?\S+\s+(?:cipher\s+|simple\s+)?)("[^"]*"|'[^']*'|\S+))",
        R"((?i)(?:^|\s)message-digest-key\s+\d+\s+\S+\s+(?:\d\s+)?("[^"]*"|'[^']*'|\S+))",
        // The keyword must end at `=` or a space: `password-complexity` is no password. A type
        // word (`7`, `ENC`) may only follow a space: after `=` the first token is the value.
        R"((?i)(?:^|\s)(?:password|passwd|secret|key-string|pre-shared-key|psksecret|passphrase|plaintext-password|plain-text-password-value|encrypted-password|secret-key|auth-password|priv-password|authentication-password|privacy-password|auth-key|md5-key|community-string|sharedsecret|auth-pwd|priv-pwd|server-key)(?:\s*=\s*|\s+(?:(?:\d{1,2}|ENC|cipher|irreversible-cipher|simple|hash2?|encrypted|clear|sha512|sha256|md5|ascii-text|hexadecimal)\s+)?)("[^"]*"|'[^']*'|\S+))",
        R"((?i)(?:^|\s)key\s+(?:(?:\d|ENC|cipher|encrypted|hash2?|simple|clear)\s+)?("[^"]*"|'[^']*'|\S+))",
        R"((?i)(?:^|\s)authentication\s+(?:text\s+|md5\s+key-string\s+(?:\d\s+)?)("[^"]*"|'[^']*'|\S+))",
        // VRP names the access first (`snmp-agent community read cipher X`); elsewhere the word
        // after `community` is the name itself, even when it is `read` (NX-OS allows that).
        R"((?i)(?:^|\s)(?:snmp-agent\s+community\s+(?:read|write)\s+(?:(?:cipher|simple)\s+)?|(?:snmp-server\s+|snmp-agent\s+|snmp\s+)?community\s+(?:(?:cipher|simple)\s+)?)("[^"]*"|'[^']*'|\S+))",
        R"((?i)\s(?:auth|priv)\s+(?:md5|sha\S*|des\S*|aes\S*|3des)\s+(?:\d+\s+)?("[^"]*"|'[^']*'|\S+))",
        // NX-OS `auth md5 X priv Y`: the privacy passphrase may follow `priv` directly.
        R"((?i)\sauth\s+\S+\s+\S+\s+priv\s+(?:(?:des\S*|aes\S*|3des)\s+)?("[^"]*"|'[^']*'|\S+))",
        // FortiOS stores every secret as `ENC <base64>`, whatever the keyword before it.
        R"((?:^|\s)ENC\s+(\S+))",
        // SR OS quoted keys (`authentication-key "x" hash2`), VRP `shared-key cipher|simple x`
        // and VRP `authentication-mode|privacy-mode <alg> [id] plain|cipher x` (packs-1).
        R"((?i)(?:^|\s)authentication-key\s+("[^"]*"))",
        R"((?i)(?:^|\s)shared-key\s+(?:(?:cipher|simple|plain|irreversible-cipher)\s+)?("[^"]*"|'[^']*'|\S+))",
        R"((?i)(?:^|\s)(?:authentication|privacy)-mode\s+\S+\s+(?:\d+\s+)?(?:plain|cipher|simple|irreversible-cipher)\s+("[^"]*"|'[^']*'|\S+))",
    };
    RedactionPatterns out{{}, std::make_unique<RE2::Set>(RE2::Quiet, RE2::UNANCHORED)};
    for (const char* s : sources) {
      out.each.push_back(std::make_unique<RE2>(s, RE2::Quiet));
      if (out.any->Add(s, nullptr) < 0) out.any.reset();
      if (!out.any) break;
    }
    if (out.any && !out.any->Compile()) out.any.reset();
    return out;
  }();
  return patterns;
}

bool well_known_default(std::string_view value) {
  std::string v(value);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  for (char& c : v)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Default community strings identify a finding, they protect nothing.
  return v == "public" || v == "private";
}

// A captured "value" that is only list or block punctuation (`password ]` in a Junos
// `authentication-order [ tacplus password ]`) is syntax, not a secret.
bool punctuation_only(std::string_view value) {
  return !value.empty() && value.find_first_not_of("[]{};") == std::string_view::npos;
}

// Replaces group 1 of every match of `re` in `text` with <redacted>; true when it changed.
bool mask_groups(const RE2& re, std::string& text) {
  std::string next;
  re2::StringPiece input(text);
  std::size_t pos = 0;
  re2::StringPiece m[2];
  bool changed = false;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, m, 2)) {
    const std::size_t match_end = static_cast<std::size_t>(m[0].data() - text.data()) + m[0].size();
    if (m[1].data() != nullptr) {
      const std::size_t start = static_cast<std::size_t>(m[1].data() - text.data());
      const std::size_t end = start + m[1].size();
      const std::string_view secret(m[1].data(), m[1].size());
      next.append(text, pos, start - pos);
      if (well_known_default(secret) || secret == "<redacted>" || punctuation_only(secret)) {
        next.append(secret);
      } else {
        next.append("<redacted>");
        changed = true;
      }
      next.append(text, end, match_end - end);
    } else {
      next.append(text, pos, match_end - pos);
    }
    pos = match_end;
    if (m[0].size() == 0) break;
  }
  if (!changed) return false;
  next.append(text, std::min(pos, text.size()), std::string::npos);
  text = std::move(next);
  return true;
}

bool value_boundary(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '=' ||
         c == '<' || c == '>' || c == ';' || c == ',' || c == '[' || c == ']';
}

// Masks every occurrence of `value` that stands as a whole token in `text`.
std::string mask_value(std::string text, std::string_view value) {
  std::size_t from = 0;
  while ((from = text.find(value, from)) != std::string::npos) {
    const std::size_t end = from + value.size();
    const bool left = from == 0 || value_boundary(text[from - 1]);
    const bool right = end == text.size() || value_boundary(text[end]);
    if (left && right) {
      text.replace(from, value.size(), "<redacted>");
      from += std::string_view("<redacted>").size();
    } else {
      from = end;
    }
  }
  return text;
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_ci(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < word.size() && ascii_lower(text[i + k]) == word[k])
      ++k;
    if (k == word.size()) return true;
  }
  return false;
}

}  // namespace

std::string redact_line(std::string_view line) {
  // Every redaction pattern needs one of these words; most lines have none.
  static constexpr std::string_view kTriggers[] = {"pass",      "secret", "key",
                                                   "community", "auth",   "priv"};
  if (std::none_of(std::begin(kTriggers), std::end(kTriggers),
                   [&](std::string_view w) { return contains_ci(line, w); }))
    return std::string(line);
  // `authentication-order [ radius password ]` lists methods; the word `password` there is
  // a method name, not a keyword followed by a secret.
  if (contains_ci(line, "authentication-order")) return std::string(line);
  const RedactionPatterns& patterns = redaction_patterns();
  std::string out(line);
  // The patterns apply in order, each to the previous one's output; the set tells which
  // ones match at all, and is asked again whenever a mask changed the line.
  std::vector<int> matching;
  auto which_match = [&] {
    matching.clear();
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (!patterns.any ||
        (!patterns.any->Match(out, &matching, &error) && error.kind != RE2::Set::kNoError)) {
      matching.resize(patterns.each.size());
      for (std::size_t i = 0; i < matching.size(); ++i)
        matching[i] = static_cast<int>(i);
    }
  };
  which_match();
  for (std::size_t i = 0; i < patterns.each.size(); ++i) {
    if (std::find(matching.begin(), matching.end(), static_cast<int>(i)) == matching.end())
      continue;
    if (mask_groups(*patterns.each[i], out)) which_match();
  }
  return out;
}

Redactor::Redactor(const Policy& policy, std::string_view platform, const DeviceFacts* facts) {
  const Policy::Impl& impl = policy.impl();
  if (const engine::Pack* pack = impl.pack(platform))
    for (const auto& re : pack->redact_compiled)
      pack_patterns_.push_back(re.get());
  if (facts == nullptr) return;
  auto keep = [&](const ScalarReading& r) {
    if (r.state != FactState::value || !std::holds_alternative<std::string>(r.value)) return;
    const std::string& v = std::get<std::string>(r.value);
    if (v.empty() || well_known_default(v) || v == "<redacted>") return;
    if (std::find(secret_values_.begin(), secret_values_.end(), v) == secret_values_.end())
      secret_values_.push_back(v);
  };
  const int count = std::min(impl.catalogue.size(), static_cast<int>(facts->readings.size()));
  for (int id = 0; id < count; ++id) {
    const FactSpec& spec = impl.catalogue.spec(id);
    const FactReading& reading = facts->readings[static_cast<std::size_t>(id)];
    if (spec.type != ValueType::list) {
      if (spec.secret) keep(reading.scalar);
      continue;
    }
    for (std::size_t f = 0; f < spec.fields.size(); ++f) {
      if (!spec.fields[f].secret) continue;
      for (const Record& record : reading.items)
        if (f < record.fields.size()) keep(record.fields[f]);
    }
  }
  // Longest first, so a value containing another is masked whole.
  std::sort(secret_values_.begin(), secret_values_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::apply_pack_and_values(std::string text) const {
  for (const re2::RE2* re : pack_patterns_)
    mask_groups(*re, text);
  for (const std::string& v : secret_values_)
    text = mask_value(std::move(text), v);
  return text;
}

std::string Redactor::line(std::string_view text) const {
  return apply_pack_and_values(redact_line(text));
}

std::string Redactor::prose(std::string_view text) const {
  if (pack_patterns_.empty() && secret_values_.empty()) return std::string(text);
  return apply_pack_and_values(std::string(text));
}

namespace {

using engine::CondResult;
using engine::Tri;

Verdict verdict_of(Tri tri) {
  switch (tri) {
    case Tri::yes:
      return Verdict::pass;
    case Tri::no:
      return Verdict::fail;
    case Tri::unknown:
      return Verdict::unknown;
    case Tri::na:
      return Verdict::not_applicable;
    case Tri::error:
      return Verdict::error;
  }
  return Verdict::error;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

constexpr std::size_t kMaxEvidenceLines = 100;

// Config lines as shown in evidence, redacted once per device: the same interface or neighbor
// lines back several controls.
class EvidenceLines {
 public:
  EvidenceLines(const ConfigTree& tree, const Redactor& redact) : tree_(tree), redact_(redact) {}
  const std::string& line(std::uint32_t number) {
    auto [it, added] = shown_.try_emplace(number);
    if (added) {
      std::string_view text = tree_.line_text(number);
      while (!text.empty() && (text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
      it->second = redact_.line(text);
    }
    return it->second;
  }
  const Redactor& redactor() const { return redact_; }

 private:
  const ConfigTree& tree_;
  const Redactor& redact_;
  std::unordered_map<std::uint32_t, std::string> shown_;
};

std::vector<Evidence> to_evidence(const CondResult& result, EvidenceLines& shown) {
  std::vector<Evidence> out;
  std::vector<std::uint32_t> lines = result.lines;
  if (!std::is_sorted(lines.begin(), lines.end())) std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  // A finding over thousands of records (every interface of a big chassis) cites the first
  // ones and says how many more; `netaudit facts` lists them all.
  std::size_t omitted = 0;
  if (lines.size() > kMaxEvidenceLines) {
    omitted = lines.size() - kMaxEvidenceLines;
    lines.resize(kMaxEvidenceLines);
  }
  out.reserve(lines.size() + result.notes.size() + 1);
  for (std::uint32_t line : lines)
    out.push_back({line, shown.line(line)});
  if (omitted != 0)
    out.push_back(
        {0, std::string("... and ").append(std::to_string(omitted)).append(" more lines")});
  for (const std::string& note : result.notes)
    out.push_back({0, shown.redactor().prose(note)});
  return out;
}

std::string message_for(const engine::Rule& rule, Verdict verdict, const CondResult& result,
                        const std::string& fallback) {
  auto it = rule.messages.find(std::string(to_string(verdict)));
  std::string base = it != rule.messages.end() ? it->second : fallback;
  const std::string reasons = join(result.reasons, "; ");
  if ((verdict == Verdict::unknown || verdict == Verdict::error ||
       verdict == Verdict::not_applicable) &&
      !reasons.empty()) {
    base = base.empty() ? reasons : base + ": " + reasons;
  }
  return base;
}

bool labels_match(const engine::Rule& rule, const Labels& labels, std::string& why) {
  for (const auto& [name, allowed] : rule.labels) {
    auto it = labels.find(name);
    if (it == labels.end() ||
        std::find(allowed.begin(), allowed.end(), it->second) == allowed.end()) {
      why = "applies to devices with " + name + " in [" + join(allowed, ", ") + "]";
      return false;
    }
  }
  return true;
}

// What every control of one device is evaluated against.
struct DeviceUnderAudit {
  const engine::Pack* pack;
  const DeviceFacts& facts;
  const std::vector<std::vector<engine::Hit>>& hits;
  const std::string& platform;
  const Labels& labels;
  bool broken;
  const std::string& broken_reason;
  EvidenceLines& shown;
  engine::RegexMemo& memo;
};

Finding evaluate_rule(const engine::Rule& rule, const DeviceUnderAudit& device) {
  const auto& [pack, facts, hits, platform, labels, broken, broken_reason, shown, memo] = device;
  const Redactor& redact = shown.redactor();
  Finding finding;
  finding.control = rule.info.id;
  finding.title = rule.info.title;
  finding.severity = rule.info.severity;
  finding.remediation = rule.info.remediation_for(platform);
  auto set = [&](Verdict v, std::string message) {
    finding.verdict = v;
    finding.message = std::move(message);
  };
  const bool included = rule.include_platforms.empty() ||
                        std::find(rule.include_platforms.begin(), rule.include_platforms.end(),
                                  platform) != rule.include_platforms.end();
  const bool excluded = std::find(rule.exclude_platforms.begin(), rule.exclude_platforms.end(),
                                  platform) != rule.exclude_platforms.end();
  if (!included || excluded) {
    set(Verdict::not_applicable, "control does not apply to platform " + platform);
    return finding;
  }
  std::string why;
  if (!labels_match(rule, labels, why)) {
    set(Verdict::not_applicable, why);
    return finding;
  }
  if (pack == nullptr) {
    set(Verdict::unknown,
        "no vendor pack for platform '" + platform + "': its facts cannot be read");
    return finding;
  }
  if (broken) {
    set(Verdict::error, broken_reason);
    return finding;
  }
  const engine::Condition* precondition = rule.precondition.get();
  const engine::Condition* assertion = rule.assertion.get();
  if (auto o = rule.overrides.find(platform); o != rule.overrides.end()) {
    if (o->second.not_applicable) {
      set(Verdict::not_applicable, o->second.reason);
      return finding;
    }
    if (o->second.precondition) precondition = o->second.precondition.get();
    if (o->second.assertion) assertion = o->second.assertion.get();
  }
  const engine::EvalContext context{&facts, &hits, pack, &memo};
  if (precondition != nullptr) {
    const CondResult pre = engine::evaluate(*precondition, context);
    if (pre.tri != Tri::yes) {
      Verdict v = pre.tri == Tri::no ? Verdict::not_applicable : verdict_of(pre.tri);
      std::string fallback =
          pre.tri == Tri::no ? "precondition not met: " + precondition->describe : std::string();
      set(v, redact.prose(message_for(rule, v, pre, fallback)));
      finding.evidence = to_evidence(pre, shown);
      return finding;
    }
  }
  const CondResult result = engine::evaluate(*assertion, context);
  const Verdict v = verdict_of(result.tri);
  std::string fallback;
  switch (v) {
    case Verdict::pass:
      fallback = "compliant: " + assertion->describe;
      break;
    case Verdict::fail:
      fallback = "violated: " + assertion->describe;
      break;
    case Verdict::unknown:
      fallback = "cannot tell from the config";
      break;
    default:
      break;
  }
  set(v, redact.prose(message_for(rule, v, result, fallback)));
  finding.evidence = to_evidence(result, shown);
  return finding;
}

std::string file_stem(const std::string& origin) {
  return std::filesystem::path(origin).stem().string();
}

}  // namespace

DeviceReport audit_text(const Policy& policy, std::string text, const std::string& origin,
                        const AuditOptions& options) {
  DeviceReport report;
  report.file = origin;
  LoadResult checked = check_config_text(std::move(text), origin);
  if (!checked.source) {
    report.error = checked.error;
    report.device = file_stem(origin);
    report.platform = options.platform.empty() ? std::string(kUnknownPlatform) : options.platform;
    return report;
  }
  SourceText& source = *checked.source;
  for (const Diagnostic& d : source.warnings)
    report.warnings.push_back(std::string("line ").append(std::to_string(d.line)) + ": " +
                              d.message);
  Syntax syntax = Syntax::indented;
  if (!options.platform.empty()) {
    report.platform = options.platform;
    syntax = syntax_for_platform(options.platform, source.text);
  } else {
    const Detection detection = detect_platform(source.text);
    report.platform = detection.platform;
    syntax = detection.syntax;
    // Auditing an unrecognised file would give one `unknown` per control and look like a
    // result; it is an input that was not audited, with the way to audit it.
    if (detection.platform == kUnknownPlatform) {
      report.device = file_stem(origin);
      report.error = origin + ": " + std::string(kPlatformNotRecognised) + " (" + detection.reason +
                     "); name it with --platform";
      return report;
    }
  }
  const bool has_content = std::any_of(source.text.begin(), source.text.end(), [](char c) {
    return !std::isspace(static_cast<unsigned char>(c));
  });
  ParseResult parsed = parse_config(std::move(source.text), syntax);
  for (const Diagnostic& d : parsed.warnings)
    report.warnings.push_back(std::string("line ").append(std::to_string(d.line)) + ": " +
                              d.message);
  const ConfigTree& tree = parsed.tree;
  // A parser that produced nothing from real content could not read the file.
  const bool broken = has_content && tree.node_count() <= 1;
  const std::string broken_reason =
      "the " + std::string(to_string(syntax)) + " parser read no statement from this file" +
      (parsed.warnings.empty() ? "" : " (" + parsed.warnings.front().message + ")");

  DeviceReport tree_report =
      audit_tree(policy, tree, report.platform, origin, options, broken, broken_reason);
  tree_report.warnings.insert(tree_report.warnings.begin(), report.warnings.begin(),
                              report.warnings.end());
  return tree_report;
}

DeviceReport audit_tree(const Policy& policy, const ConfigTree& tree, const std::string& platform,
                        const std::string& origin, const AuditOptions& options, bool broken,
                        const std::string& broken_reason) {
  DeviceReport report;
  report.file = origin;
  report.platform = platform;
  const Policy::Impl& impl = policy.impl();
  const engine::Pack* pack = impl.pack(report.platform);
  std::vector<std::vector<engine::Hit>> hits;
  const DeviceFacts facts =
      engine::extract_facts(impl.catalogue, pack, report.platform, tree, hits, &impl.fields_used);
  report.device = file_stem(origin);
  if (const int host = impl.catalogue.find("system.hostname"); host >= 0) {
    const ScalarReading& r = facts.readings[static_cast<std::size_t>(host)].scalar;
    if (r.state == FactState::value && !scalar_to_string(r.value).empty())
      report.device = scalar_to_string(r.value);
  }
  const Redactor redact(policy, report.platform, &facts);
  EvidenceLines shown(tree, redact);
  const std::string today = options.today.empty() ? utc_today() : options.today;
  engine::RegexMemo memo;
  const DeviceUnderAudit device{pack,          facts, hits, report.platform, options.labels, broken,
                                broken_reason, shown, memo};
  for (const engine::Rule& rule : impl.rules) {
    Finding finding = evaluate_rule(rule, device);
    if (options.waivers != nullptr && finding.verdict != Verdict::pass &&
        finding.verdict != Verdict::not_applicable) {
      const WaiverMatch match =
          options.waivers->match(report.device, origin, options.labels, finding.control, today);
      if (match.active != nullptr) {
        const Waiver& w = *match.active;
        finding.message = "waived (was " + std::string(to_string(finding.verdict)) +
                          "): " + w.reason + " [owner " + w.owner + ", ticket " + w.ticket +
                          ", until " + w.expires + "]";
        finding.verdict = Verdict::waived;
      } else if (match.expired != nullptr) {
        const Waiver& w = *match.expired;
        finding.message += " (waiver " + w.ticket + " expired on " + w.expires + ")";
        report.warnings.push_back("waiver for " + finding.control + " (ticket " + w.ticket +
                                  ", owner " + w.owner + ") expired on " + w.expires +
                                  " and no longer applies");
      }
    }
    report.findings.push_back(std::move(finding));
  }
  return report;
}

DeviceReport audit_file(const Policy& policy, const std::string& path,
                        const AuditOptions& options) {
  LoadResult loaded = load_config_file(path);
  if (!loaded.source) {
    DeviceReport report;
    report.file = path;
    report.device = file_stem(path);
    report.platform = options.platform.empty() ? std::string(kUnknownPlatform) : options.platform;
    report.error = loaded.error;
    return report;
  }
  // audit_text repeats the input checks on the cleaned text; their warnings come from there.
  return audit_text(policy, std::move(loaded.source->text), path, options);
}

}  // namespace netaudit::policy
