// Internal structures of the policy engine: compiled patterns, selectors, packs, conditions and
// rules. Everything here is built once at load time and then only read (thread-safe).
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/regex_syntax.hpp"
#include "engine/token_pattern.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/config_tree.hpp"
#include "netaudit/policies/facts.hpp"
#include "netaudit/policies/rules.hpp"

namespace YAML {
class Node;
}

namespace netaudit::policy::engine {

// ---------------------------------------------------------------- patterns and selectors

struct Pattern {
  // Most statement patterns are plain text (`no ip redirects`), match anything (`(?s).*`) or
  // are a simple sequence of words and tokens (token_pattern.hpp); those are matched without
  // RE2.
  enum Shape : std::uint8_t { regex, literal, anything, token_sequence } shape = regex;
  std::unique_ptr<RE2> re;
  std::optional<TokenPattern> tokens;  // shape token_sequence (RE2 still decides non-ASCII text)
  std::string source;
  std::string text;          // the literal text (shape literal)
  std::string required;      // text every match contains (regex shape; empty: none proven)
  std::string first_word;    // literal first word every match starts with; empty: unindexed
  std::string first_two;     // "word1 word2" when both are literal; empty otherwise
  bool filter_weak = false;  // regex with no leading word and no required text to filter on
  int groups = 0;
  std::vector<std::pair<std::string, int>> named;  // named groups
};

// The literal words every full match of `pattern` must start with (none if that cannot be
// proven). Used to index patterns by the first one or two words of a node's text.
std::vector<std::string> literal_words(std::string_view pattern);
// The longest run of literal text that every match of `pattern` must contain ("" if none can
// be proven): a cheap substring test that rejects most statements before RE2 runs.
std::string required_text(std::string_view pattern);

// FNV-1a: the keys are one or two short words, for which std::hash's out-of-line Murmur costs
// more than the lookup itself.
// A word with its hash computed once, for looking it up in several tables (one per trie state).
struct HashedWord {
  std::string_view text;
  std::size_t hash;
  friend bool operator==(const HashedWord& a, const std::string& b) { return a.text == b; }
  friend bool operator==(const std::string& a, const HashedWord& b) { return a == b.text; }
};

struct WordHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    std::uint64_t h = 14695981039346656037ULL;
    for (char c : s)
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
  std::size_t operator()(const HashedWord& w) const { return w.hash; }
  static HashedWord hashed(std::string_view s) { return {s, WordHash{}(s)}; }
};

// "word1 word2" when `text` starts with two words separated by one space (`first` is its first
// word); "" otherwise.
std::string_view first_two_words(std::string_view text, std::string_view first);

// Items (trie edges, an anchor's child entries) filed by the literal words their patterns start
// with, so that those worth trying on a node text are found with one lookup of its first word.
template <typename Slot>
class WordIndex {
 public:
  // Where the items of `pattern` are filed: by its first word, or its first two, or unindexed.
  Slot& slot(const Pattern& pattern) {
    if (pattern.first_word.empty()) return unindexed_;
    Bucket& bucket = by_word_[pattern.first_word];
    if (pattern.first_two.empty()) return bucket.one_word;
    for (auto& [key, filed] : bucket.two_words)
      if (key == pattern.first_two) return filed;
    return bucket.two_words.emplace_back(pattern.first_two, Slot{}).second;
  }
  // Calls each(slot) for every slot whose words `text` (first word `word`) starts with, then
  // for the unindexed slot.
  template <typename Visit>
  void visit(std::string_view text, const HashedWord& word, Visit&& each) const {
    if (!by_word_.empty()) {
      if (auto it = by_word_.find(word); it != by_word_.end()) {
        each(it->second.one_word);
        if (!it->second.two_words.empty()) {
          const std::string_view two = first_two_words(text, word.text);
          for (const auto& [key, filed] : it->second.two_words)
            if (key == two) each(filed);
        }
      }
    }
    each(unindexed_);
  }

 private:
  struct Bucket {
    Slot one_word;
    std::vector<std::pair<std::string, Slot>> two_words;  // by "word1 word2"
  };
  std::unordered_map<std::string, Bucket, WordHash, std::equal_to<>> by_word_;
  Slot unindexed_;
};

inline constexpr int kAnyDepth = -1;  // '**' in a path

struct Selector {
  std::vector<int> path;  // pattern ids, or kAnyDepth
  int match = -1;         // pattern id
};

struct Captures {
  std::vector<std::string_view> groups;  // [0] = the whole node text
  std::vector<std::pair<std::string_view, std::string_view>> named;
  std::string_view word;  // current word of a `split` anchor
};

// Whether `text` matches `pattern` whole (the fast paths included): what every selector uses.
bool full_match(const Pattern& pattern, std::string_view text);
// The same, filling `captures` (groups replaced, named groups appended) on a match.
bool full_match(const Pattern& pattern, std::string_view text, Captures& captures);

struct Hit {
  NodeId node = kNoNode;
  std::uint32_t line = 0;
  Captures captures;
};

// A value template: literal text with $N, ${name}, ${word} references.
struct Template {
  struct Part {
    enum Kind : std::uint8_t { literal, capture, named_capture, word_ref } kind = literal;
    std::string text;
    int group = 0;
  };
  std::vector<Part> parts;
  bool constant() const;
  // empty_as_zero: an empty capture renders as "0" (int expressions).
  std::string render(const Captures& captures, bool empty_as_zero) const;
  int max_group() const;
};
// Parses "$1 * 60 + ${x}". Returns an error message or "".
std::string parse_template(std::string_view text, Template& out);

// Evaluates "5 * 60 + 30"; false when it is not such an expression.
bool eval_int_expression(std::string_view text, std::int64_t& out);

// Converts text to a typed scalar; returns an error message or "".
std::string convert_scalar(std::string_view text, ValueType type, Scalar& out);

// ---------------------------------------------------------------- packs

struct ValueSpec {
  Template tmpl;
  std::map<std::string, std::string, std::less<>> map;
  std::optional<std::string> map_default;
  std::optional<Scalar> constant;  // the typed value when it needs no capture (finish_pack)
  std::string apply(const Captures& captures, bool empty_as_zero) const;
};

struct DefaultSpec {
  enum Kind : std::uint8_t { fixed, unknown, not_applicable } kind = fixed;
  std::string value;
  std::optional<Scalar> constant;  // `value` converted to the fact's type (finish_pack)
  std::string note;
  int when = -1;  // absolute selector id, -1: none
  int unless = -1;
};

struct Entry {
  Selector selector;  // absolute (scalar facts) or relative to the anchor (fields)
  int absolute = -1;  // id of the absolute selector (scalar facts)
  bool self = false;
  bool scope_parent = false;
  std::optional<Template> key;
  ValueSpec value;
  int when = -1;
  int unless = -1;
  bool child = false;  // matched among the anchor's children by match_children (finish_pack)
};

struct ScalarDef {
  ValueType type = ValueType::string;
  std::vector<Entry> from;
  bool all_self = false;            // every entry matches the anchor statement itself (finish_pack)
  std::optional<ValueSpec> direct;  // field given as a template over the anchor's captures
  std::vector<DefaultSpec> defaults;
};

struct Anchor {
  Selector selector;
  int absolute = -1;
  std::optional<Template> split;
  std::optional<Template> key;
  // Absolute selectors: the anchor's records exist only when every `when` selector matches
  // somewhere in the tree and no `unless` selector does (e.g. servers only count while the
  // NTP client is enabled by another statement).
  std::vector<int> when;
  std::vector<int> unless;
  std::vector<std::optional<ScalarDef>> fields;  // by catalogue field index
  // Field entries that match the anchor's direct children, indexed by literal leading words,
  // so one pass over a record's children serves every field (built by finish_pack).
  struct ChildEntry {
    int field = -1;
    int entry = -1;
    int pattern = -1;
  };
  std::vector<ChildEntry> child_entries;
  WordIndex<std::vector<int>> child_index;  // child_entries indices
};

struct ListDefault {
  DefaultSpec::Kind kind = DefaultSpec::fixed;
  std::vector<std::vector<std::pair<int, std::string>>> items;  // (field, value)
  std::string note;
  int when = -1;
  int unless = -1;
};

struct Condition;

struct FactDef {
  enum Kind : std::uint8_t { scalar, list, derived, not_applicable } kind = scalar;
  int fact = -1;
  ScalarDef scalar_def;
  std::vector<Anchor> anchors;
  std::vector<ListDefault> list_defaults;
  std::vector<ListDefault> implicit;  // extra records (kind value only)
  std::unique_ptr<Condition> true_if;
  std::unique_ptr<Condition> false_if;
  DefaultSpec otherwise;
  std::string reason;  // not_applicable
  int line = 0;
};

// A pattern trie over absolute selectors, indexed by first word at each level.
struct TrieNode {
  struct Edge {
    int pattern = -1;
    int target = -1;             // trie node (for path edges)
    std::vector<int> selectors;  // absolute selector ids (terminal edges: one match serves all)
  };
  std::vector<Edge> edges;      // path steps
  std::vector<Edge> terminals;  // selector matches
  // Edges and terminals worth trying on a node text (indices into the two vectors above).
  struct Candidates {
    std::vector<int> edges;
    std::vector<int> terminals;
  };
  WordIndex<Candidates> index;
  int star = -1;  // trie node reached through '**' (loops on itself)
  bool is_star = false;
};

struct Pack {
  std::string platform;
  std::string description;
  std::string file;
  std::vector<Pattern> patterns;
  std::vector<Selector> absolute;  // every selector matched in the single tree walk
  std::vector<TrieNode> trie;
  std::vector<FactSpec> local_specs;
  std::vector<FactDef> defs;        // evaluation order: selector facts, then derived (topo)
  std::vector<std::string> redact;  // extra redaction patterns (sources)
  // The same, compiled at load (shared: a Pack may be copied).
  std::vector<std::shared_ptr<const RE2>> redact_compiled;

  int add_pattern(std::string_view source, std::string& error);
  int add_absolute(Selector selector);
  void build_trie();
  // Matches every absolute selector against the tree in one walk.
  std::vector<std::vector<Hit>> walk(const ConfigTree& tree) const;
};

// A field entry's hit among an anchor's direct children.
struct TaggedHit {
  int field = -1;
  int entry = -1;
  Hit hit;
};
// One pass over the anchor node's children for every indexed entry of a field that `wanted`
// marks (by field index): fills out[0, n) and returns n (elements past n are kept as scratch
// space, so a record's matches reuse them).
std::size_t match_children(const Pack& pack, const Anchor& anchor, NodeRef node,
                           const Captures& anchor_captures, const std::vector<char>& wanted,
                           std::vector<TaggedHit>& out);

// Matches a relative selector under `anchor` (or its own text when `self`).
void match_relative(const Pack& pack, const Selector& selector, NodeRef anchor, bool self,
                    std::vector<Hit>& out);

// ---------------------------------------------------------------- conditions

enum class Op : std::uint8_t {
  exists,
  equals,
  not_equals,
  in,
  not_in,
  matches,
  not_matches,
  lt,
  le,
  gt,
  ge,
  between
};

struct Condition {
  enum Kind : std::uint8_t { scalar, list, all_of, any_of, negate, present, missing, field };
  enum Quant : std::uint8_t { count, all, any, none };
  Kind kind = scalar;
  int fact = -1;
  int field_index = -1;
  Op op = Op::exists;
  bool exists_expected = true;
  std::vector<Scalar> operands;
  std::shared_ptr<const RE2> regex;  // one object per distinct pattern of a policy
  Quant quant = count;
  Op count_op = Op::ge;
  std::int64_t count_value = 0;
  std::unique_ptr<Condition> where;
  std::unique_ptr<Condition> item;
  std::vector<std::unique_ptr<Condition>> children;
  int selector = -1;     // present / missing: absolute selector id in the pack
  std::string describe;  // "ssh.v1_accepted equals false"
};

enum class Tri : std::uint8_t { yes, no, unknown, na, error };

// What a condition rests on: source lines (unsorted, may repeat; deduplicated when shown) and
// notes (platform defaults, missing statements; kept unique).
struct CondResult {
  Tri tri = Tri::na;
  std::vector<std::uint32_t> lines;
  std::vector<std::string> notes;
  std::vector<std::string> reasons;  // unknown / n.a. / error reasons
};

// Results of `matches` operators on one device's fact values: the same field of every record
// (an interface name) is often tested by several controls with the same regex.
class RegexMemo {
 public:
  // RE2's full match of `text`, which must outlive the memo (a value in DeviceFacts).
  bool full_match(const RE2& regex, const std::string& text);

 private:
  struct KeyHash {
    std::size_t operator()(const std::pair<const RE2*, const std::string*>& key) const {
      return std::hash<const void*>{}(key.first) * 31 + std::hash<const void*>{}(key.second);
    }
  };
  std::unordered_map<std::pair<const RE2*, const std::string*>, bool, KeyHash> known_;
};

struct EvalContext {
  const DeviceFacts* facts = nullptr;
  const std::vector<std::vector<Hit>>* hits = nullptr;
  const Pack* pack = nullptr;
  RegexMemo* memo = nullptr;  // optional; only while `facts` neither moves nor changes
};

CondResult evaluate(const Condition& condition, const EvalContext& context);

// Compiles a condition. `pack` may be null (then raw tree matches are refused and only
// catalogue facts are known). Errors go to `issues`.
struct LoadContext;
std::unique_ptr<Condition> compile_condition(const YAML::Node& node, LoadContext& load, Pack* pack,
                                             bool item_level, int list_fact);

// Fact ids referenced by a condition (for derivation order).
void referenced_facts(const Condition& condition, std::vector<int>& out);

// ---------------------------------------------------------------- rules

struct Rule {
  ControlInfo info;
  std::vector<std::string> include_platforms;  // empty: all
  std::vector<std::string> exclude_platforms;
  std::map<std::string, std::vector<std::string>, std::less<>> labels;
  std::unique_ptr<Condition> precondition;
  std::unique_ptr<Condition> assertion;
  struct Override {
    std::unique_ptr<Condition> precondition;
    std::unique_ptr<Condition> assertion;
    bool not_applicable = false;
    std::string reason;
  };
  std::map<std::string, Override, std::less<>> overrides;
  std::map<std::string, std::string, std::less<>> messages;  // by verdict name
};

struct LoadContext {
  const FactCatalogue* catalogue = nullptr;
  std::map<std::string, std::shared_ptr<const RE2>, std::less<>> regexes;  // compiled once
  std::string file;
  std::string subject;
  std::vector<PolicyIssue>* errors = nullptr;
  std::vector<PolicyIssue>* warnings = nullptr;
  void error(const YAML::Node& node, const std::string& message);
  void error_at(int line, const std::string& message);
  void warn(const YAML::Node& node, const std::string& message);
};

int yaml_line(const YAML::Node& node);

// Loaders (YAML → compiled). Each returns false after recording errors.
// `replaceable`: names defined by the shipped catalogue that this file may redefine once (a
// given copy of the shipped tree is no duplicate); `defined` collects the names it defines.
bool load_catalogue(const YAML::Node& root, LoadContext& load, FactCatalogue& catalogue,
                    std::vector<std::string>* replaceable = nullptr,
                    std::vector<std::string>* defined = nullptr);
std::unique_ptr<Pack> load_pack(const YAML::Node& root, LoadContext& load);
bool finish_pack(Pack& pack, LoadContext& load);  // derivation order, trie
bool load_rules(const YAML::Node& root, LoadContext& load,
                std::map<std::string, std::unique_ptr<Pack>, std::less<>>& packs,
                std::vector<Rule>& rules);

// The fields of list facts that something reads: a condition of a control or of a pack's
// derivation, or the redactor (secret fields). An audit reads only those; `netaudit facts`
// reads every field.
class FieldUse {
 public:
  void mark(int fact, int field);
  // Facts the policy does not know (a pack's local list facts): every field counts as used.
  bool used(int fact, int field) const;

 private:
  std::vector<std::vector<bool>> used_;  // by fact id, then field index
  std::vector<bool> known_;              // facts whose fields were listed
  friend FieldUse field_use(const FactCatalogue&, const std::vector<Rule>&,
                            const std::map<std::string, std::unique_ptr<Pack>, std::less<>>&);
};
FieldUse field_use(const FactCatalogue& catalogue, const std::vector<Rule>& rules,
                   const std::map<std::string, std::unique_ptr<Pack>, std::less<>>& packs);

// Reads facts for one config (`pack` may be null: every fact undefined). `fields`: read only
// the list fields it marks used (null: all of them).
DeviceFacts extract_facts(const FactCatalogue& catalogue, const Pack* pack,
                          std::string_view platform, const ConfigTree& tree,
                          std::vector<std::vector<Hit>>& hits, const FieldUse* fields = nullptr);

}  // namespace netaudit::policy::engine

namespace netaudit::policy {

struct Policy::Impl {
  FactCatalogue catalogue;
  std::map<std::string, std::unique_ptr<engine::Pack>, std::less<>> packs;
  std::vector<engine::Rule> rules;
  engine::FieldUse fields_used;  // by the rules, the derivations and the redactor
  const engine::Pack* pack(std::string_view platform) const {
    auto it = packs.find(platform);
    return it == packs.end() ? nullptr : it->second.get();
  }
};

}  // namespace netaudit::policy
