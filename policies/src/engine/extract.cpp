// Reading facts from a config tree with a compiled pack: one walk for every absolute selector,
// then per-anchor field lookups, defaults and derivations.
#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/engine.hpp"

namespace netaudit::policy::engine {
namespace {

struct Extractor {
  Extractor(const FactCatalogue& catalogue_, const Pack& pack_, const ConfigTree& tree_,
            const std::vector<std::vector<Hit>>& hits_, DeviceFacts& facts_,
            const FieldUse* fields_)
      : catalogue(catalogue_),
        pack(pack_),
        tree(tree_),
        hits(hits_),
        facts(facts_),
        fields(fields_) {}

  const FactCatalogue& catalogue;
  const Pack& pack;
  const ConfigTree& tree;
  const std::vector<std::vector<Hit>>& hits;
  DeviceFacts& facts;
  const FieldUse* fields;              // null: every field
  std::vector<TaggedHit> child_hits_;  // the current record's children matches: [0, count)
  std::size_t child_hit_count_ = 0;
  std::vector<char> wanted_;  // the current anchor's fields to read
  // A hit that may give a reading, and the index of the entry that matched it.
  struct Candidate {
    const Hit* hit;
    std::size_t entry;
  };
  // Scratch space of read_field.
  std::vector<std::vector<Hit>> entry_hits_;
  std::vector<Candidate> candidates_;
  Captures scratch_;
  // scope: parent lookups, cached per (entry, parent node): key -> hits.
  std::unordered_map<const Entry*,
                     std::unordered_map<NodeId, std::unordered_map<std::string, std::vector<Hit>>>>
      parent_cache;

  bool selector_found(int id) const {
    return id >= 0 && !hits[static_cast<std::size_t>(id)].empty();
  }
  bool conditions_hold(int when, int unless) const {
    if (when >= 0 && !selector_found(when)) return false;
    if (unless >= 0 && selector_found(unless)) return false;
    return true;
  }

  // A rendered string value is moved in, not converted.
  void set_value(ScalarReading& out, ValueType type, std::string&& text) {
    if (type != ValueType::string) return set_value(out, type, std::as_const(text));
    out.state = FactState::value;
    out.value = std::move(text);
  }

  void set_value(ScalarReading& out, ValueType type, const std::string& text) {
    Scalar value;
    const std::string error = convert_scalar(text, type, value);
    if (!error.empty()) {
      out.state = FactState::error;
      out.note = error;
      return;
    }
    out.state = FactState::value;
    out.value = std::move(value);
  }

  void apply_defaults(const std::vector<DefaultSpec>& defaults, ValueType type,
                      ScalarReading& out) {
    for (const DefaultSpec& d : defaults) {
      if (!conditions_hold(d.when, d.unless)) continue;
      out.note = d.note;
      out.line = 0;
      // A default taken because of a `when:` statement (NX-OS `feature telnet`, Junos `system
      // no-redirects`) rests on that statement: its line is evidence too.
      if (d.when >= 0) add_line(out, hits[static_cast<std::size_t>(d.when)].front().line);
      switch (d.kind) {
        case DefaultSpec::fixed:
          if (d.constant) {
            out.state = FactState::value;
            out.value = *d.constant;
          } else {
            set_value(out, type, d.value);
          }
          out.from_default = true;
          return;
        case DefaultSpec::unknown:
          out.state = FactState::unknown;
          return;
        case DefaultSpec::not_applicable:
          out.state = FactState::not_applicable;
          return;
      }
    }
    out.state = FactState::unset;
  }

  // Adds `line` to the lines a reading rests on, once.
  static void add_line(ScalarReading& out, std::uint32_t line) {
    if (line == 0 || line == out.line) return;
    if (std::find(out.derived_lines.begin(), out.derived_lines.end(), line) ==
        out.derived_lines.end())
      out.derived_lines.push_back(line);
  }

  // The value an entry gives for a statement it matched.
  void set_entry_value(const Entry& entry, ValueType type, const Captures& captures,
                       ScalarReading& out) {
    if (entry.value.constant) {
      out.state = FactState::value;
      out.value = *entry.value.constant;
      return;
    }
    set_value(out, type, entry.value.apply(captures, type == ValueType::integer));
  }

  // Chooses among candidate hits: the last statement in config order wins; on one statement
  // the first entry that matched.
  // Returns the winner (nullptr: a default applied).
  const Candidate* pick(const std::vector<Candidate>& candidates, const ScalarDef& def,
                        ScalarReading& out) {
    const Candidate* best = nullptr;
    for (const Candidate& c : candidates) {
      if (best == nullptr) {
        best = &c;
        continue;
      }
      const auto key = std::make_pair(c.hit->line, c.hit->node);
      const auto best_key = std::make_pair(best->hit->line, best->hit->node);
      if (key > best_key || (key == best_key && c.entry < best->entry)) best = &c;
    }
    if (best == nullptr) {
      apply_defaults(def.defaults, def.type, out);
      return nullptr;
    }
    set_entry_value(def.from[best->entry], def.type, best->hit->captures, out);
    out.line = best->hit->line;
    if (out.state != FactState::value || candidates.size() < 2) return best;
    // Earlier statements that give the same value back the verdict as much as the winner
    // (two interfaces that both allow http): cite them too, back to the last statement that
    // gave a different value.
    std::vector<const Candidate*> earlier;
    for (const Candidate& c : candidates)
      if (std::make_pair(c.hit->line, c.hit->node) <
          std::make_pair(best->hit->line, best->hit->node))
        earlier.push_back(&c);
    std::sort(earlier.begin(), earlier.end(), [](const Candidate* a, const Candidate* b) {
      return std::make_pair(a->hit->line, a->hit->node) >
             std::make_pair(b->hit->line, b->hit->node);
    });
    for (const Candidate* c : earlier) {
      ScalarReading other;
      set_entry_value(def.from[c->entry], def.type, c->hit->captures, other);
      if (other.state != FactState::value || other.value != out.value) break;
      add_line(out, c->hit->line);
    }
    return best;
  }

  ScalarReading read_scalar(const ScalarDef& def) {
    ScalarReading out;
    std::vector<Candidate> candidates;
    for (std::size_t i = 0; i < def.from.size(); ++i) {
      const Entry& entry = def.from[i];
      if (!conditions_hold(entry.when, entry.unless)) continue;
      for (const Hit& hit : hits[static_cast<std::size_t>(entry.absolute)])
        candidates.push_back({&hit, i});
    }
    // A statement read only `when:` another is present (NX-OS `nxapi http port` with `feature
    // nxapi`) rests on both: cite the condition's statement too.
    if (const Candidate* best = pick(candidates, def, out); best != nullptr) {
      const int when = def.from[best->entry].when;
      if (when >= 0) add_line(out, hits[static_cast<std::size_t>(when)].front().line);
    }
    return out;
  }

  const std::vector<Hit>* parent_hits(const Entry& entry, NodeRef parent, const std::string& key) {
    auto& by_parent = parent_cache[&entry];
    auto it = by_parent.find(parent.id());
    if (it == by_parent.end()) {
      std::vector<Hit> all;
      match_relative(pack, entry.selector, parent, false, all);
      std::unordered_map<std::string, std::vector<Hit>> by_key;
      for (Hit& h : all) {
        const std::string k = entry.key ? entry.key->render(h.captures, false) : std::string();
        by_key[k].push_back(std::move(h));
      }
      it = by_parent.emplace(parent.id(), std::move(by_key)).first;
    }
    auto found = it->second.find(key);
    return found == it->second.end() ? nullptr : &found->second;
  }

  ScalarReading read_field(const ScalarDef& def, int field, const Anchor& anchor,
                           const Hit& anchor_hit, const Captures& anchor_captures) {
    ScalarReading out;
    if (def.direct) {
      const std::string text = def.direct->apply(anchor_captures, def.type == ValueType::integer);
      if (text.empty() && !def.direct->tmpl.constant()) {
        apply_defaults(def.defaults, def.type, out);
        return out;
      }
      set_value(out, def.type, text);
      out.line = anchor_hit.line;
      return out;
    }
    const NodeRef node = tree.ref(anchor_hit.node);
    if (def.all_self) {
      // Every candidate is the anchor statement itself: the first entry that matches wins.
      for (const Entry& entry : def.from) {
        if (!conditions_hold(entry.when, entry.unless)) continue;
        scratch_.named.clear();
        const Pattern& pattern = pack.patterns[static_cast<std::size_t>(entry.selector.match)];
        if (!full_match(pattern, node.text(), scratch_)) continue;
        // Templates may also name the anchor's captures.
        scratch_.named.insert(scratch_.named.end(), anchor_captures.named.begin(),
                              anchor_captures.named.end());
        set_entry_value(entry, def.type, scratch_, out);
        out.line = node.line();
        // The global statement that let this entry apply decides the value as much as the
        // anchor does (RouterOS `send-redirects=no` for each address): cite it too.
        if (entry.when >= 0) add_line(out, hits[static_cast<std::size_t>(entry.when)].front().line);
        return out;
      }
      apply_defaults(def.defaults, def.type, out);
      return out;
    }
    // Reused between fields: a record's fields are read one after the other.
    std::vector<std::vector<Hit>>& entry_hits = entry_hits_;
    if (entry_hits.size() < def.from.size()) entry_hits.resize(def.from.size());
    for (std::size_t i = 0; i < def.from.size(); ++i)
      entry_hits[i].clear();
    std::vector<Candidate>& candidates = candidates_;
    candidates.clear();
    for (std::size_t i = 0; i < def.from.size(); ++i) {
      const Entry& entry = def.from[i];
      if (!conditions_hold(entry.when, entry.unless)) continue;
      if (entry.scope_parent) {
        const std::string key =
            anchor.key ? anchor.key->render(anchor_captures, false) : std::string();
        const NodeRef parent = node.parent();
        if (!parent) continue;
        if (const std::vector<Hit>* found = parent_hits(entry, parent, key)) {
          for (const Hit& h : *found)
            candidates.push_back({&h, i});
        }
        continue;
      }
      if (entry.child) {
        for (std::size_t h = 0; h < child_hit_count_; ++h) {
          const TaggedHit& t = child_hits_[h];
          if (t.field == field && t.entry == static_cast<int>(i)) candidates.push_back({&t.hit, i});
        }
        continue;
      }
      match_relative(pack, entry.selector, node, entry.self, entry_hits[i]);
      // Templates may also use the anchor's named captures.
      for (Hit& h : entry_hits[i])
        h.captures.named.insert(h.captures.named.end(), anchor_captures.named.begin(),
                                anchor_captures.named.end());
    }
    for (std::size_t i = 0; i < def.from.size(); ++i)
      for (const Hit& h : entry_hits[i])
        candidates.push_back({&h, i});
    // The winner's `when:` is not cited here: on a child statement it may be a device-wide
    // approximation naming another record's statement (IOS-XR neighbor-group passwords).
    pick(candidates, def, out);
    return out;
  }

  // A record of `anchor`'s fact (wanted_ set for the anchor).
  Record make_record(const Anchor& anchor, const Hit& hit, const Captures& captures,
                     const FactSpec& spec) {
    Record record;
    record.line = hit.line;
    record.fields.resize(spec.fields.size());
    child_hit_count_ =
        match_children(pack, anchor, tree.ref(hit.node), captures, wanted_, child_hits_);
    for (std::size_t f = 0; f < spec.fields.size(); ++f)
      if (wanted_[f])
        record.fields[f] =
            read_field(*anchor.fields[f], static_cast<int>(f), anchor, hit, captures);
    return record;
  }

  Record constant_record(const std::vector<std::pair<int, std::string>>& values,
                         const FactSpec& spec, const std::string& note) {
    Record record;
    record.from_default = true;
    record.note = note;
    record.fields.resize(spec.fields.size());
    for (const auto& [field, value] : values) {
      ScalarReading& r = record.fields[static_cast<std::size_t>(field)];
      set_value(r, spec.fields[static_cast<std::size_t>(field)].type, value);
      r.from_default = true;
      r.note = note;
    }
    return record;
  }

  void read_list(const FactDef& def, const FactSpec& spec, FactReading& out) {
    out.state = FactState::value;
    for (const Anchor& anchor : def.anchors) {
      if (std::any_of(anchor.when.begin(), anchor.when.end(),
                      [&](int id) { return !selector_found(id); }) ||
          std::any_of(anchor.unless.begin(), anchor.unless.end(),
                      [&](int id) { return selector_found(id); }))
        continue;
      // The fields to read: those the anchor defines and the audit uses.
      wanted_.assign(spec.fields.size(), 0);
      for (std::size_t f = 0; f < spec.fields.size(); ++f)
        wanted_[f] =
            anchor.fields[f] && (fields == nullptr || fields->used(def.fact, static_cast<int>(f)));
      const std::vector<Hit>& anchor_hits = hits[static_cast<std::size_t>(anchor.absolute)];
      out.items.reserve(out.items.size() + anchor_hits.size());
      for (const Hit& hit : anchor_hits) {
        if (!anchor.split) {
          out.items.push_back(make_record(anchor, hit, hit.captures, spec));
          continue;
        }
        const std::string words = anchor.split->render(hit.captures, false);
        std::size_t i = 0;
        while (i < words.size()) {
          while (i < words.size() && (words[i] == ' ' || words[i] == '\t' || words[i] == ','))
            ++i;
          std::size_t end = i;
          while (end < words.size() && words[end] != ' ' && words[end] != '\t' && words[end] != ',')
            ++end;
          if (end > i) {
            Captures captures = hit.captures;
            captures.word = std::string_view(words).substr(i, end - i);
            out.items.push_back(make_record(anchor, hit, captures, spec));
          }
          i = end;
        }
      }
    }
    auto by_line = [](const Record& a, const Record& b) { return a.line < b.line; };
    if (!std::is_sorted(out.items.begin(), out.items.end(), by_line))
      std::stable_sort(out.items.begin(), out.items.end(), by_line);
    for (const ListDefault& d : def.implicit) {
      if (!conditions_hold(d.when, d.unless)) continue;
      // A built-in record exists because of its `when:` statement (RouterOS `/snmp set
      // enabled=yes` brings in `public`): that statement's line is the record's evidence.
      const std::uint32_t when_line =
          d.when >= 0 ? hits[static_cast<std::size_t>(d.when)].front().line : 0;
      for (const auto& item : d.items) {
        out.items.push_back(constant_record(item, spec, d.note));
        out.items.back().line = when_line;
      }
    }
    if (!out.items.empty()) return;
    for (const ListDefault& d : def.list_defaults) {
      if (!conditions_hold(d.when, d.unless)) continue;
      out.note = d.note;
      switch (d.kind) {
        case DefaultSpec::fixed:
          out.from_default = true;
          for (const auto& item : d.items)
            out.items.push_back(constant_record(item, spec, d.note));
          return;
        case DefaultSpec::unknown:
          out.state = FactState::unknown;
          return;
        case DefaultSpec::not_applicable:
          out.state = FactState::not_applicable;
          return;
      }
    }
  }

  void derive(const FactDef& def, ScalarReading& out) {
    EvalContext context{&facts, &hits, &pack};
    auto lines_of = [](const CondResult& r) {
      std::vector<std::uint32_t> lines = r.lines;
      std::sort(lines.begin(), lines.end());
      lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
      return lines;
    };
    auto notes_of = [](const CondResult& r) {
      std::string notes;
      for (const std::string& n : r.notes)
        notes += (notes.empty() ? "" : "; ") + n;
      return notes;
    };
    std::vector<std::uint32_t> unknown_lines;
    for (int which = 0; which < 2; ++which) {
      const Condition* condition = which == 0 ? def.true_if.get() : def.false_if.get();
      if (condition == nullptr) continue;
      const CondResult r = evaluate(*condition, context);
      if (r.tri == Tri::error) {
        out.state = FactState::error;
        for (const std::string& reason : r.reasons)
          out.note += (out.note.empty() ? "" : "; ") + reason;
        return;
      }
      if (r.tri == Tri::unknown) {
        const auto lines = lines_of(r);
        unknown_lines.insert(unknown_lines.end(), lines.begin(), lines.end());
      }
      if (r.tri != Tri::yes) continue;
      out.state = FactState::value;
      out.value = which == 0;
      out.derived_lines = lines_of(r);
      out.note = notes_of(r);
      // A decision that rests only on platform defaults is itself a default.
      out.from_default = out.derived_lines.empty() && !out.note.empty();
      if (out.from_default) {
        std::string stripped;
        for (const std::string& n : r.notes) {
          std::string note = n;
          const std::string prefix = "platform default: ";
          if (note.rfind(prefix, 0) == 0) note = note.substr(prefix.size());
          stripped += (stripped.empty() ? "" : "; ") + note;
        }
        out.note = stripped;
      }
      return;
    }
    const DefaultSpec& d = def.otherwise;
    out.note = d.note;
    switch (d.kind) {
      case DefaultSpec::fixed:
        set_value(out, ValueType::boolean, d.value);
        out.from_default = true;
        break;
      case DefaultSpec::unknown:
        out.state = FactState::unknown;
        std::sort(unknown_lines.begin(), unknown_lines.end());
        unknown_lines.erase(std::unique(unknown_lines.begin(), unknown_lines.end()),
                            unknown_lines.end());
        out.derived_lines = unknown_lines;
        break;
      case DefaultSpec::not_applicable:
        out.state = FactState::not_applicable;
        break;
    }
  }

  void run() {
    for (const FactDef& def : pack.defs) {
      FactReading& reading = facts.readings[static_cast<std::size_t>(def.fact)];
      const FactSpec& spec = facts.spec(def.fact);
      switch (def.kind) {
        case FactDef::not_applicable:
          reading.state = FactState::not_applicable;
          reading.note = def.reason;
          reading.scalar.state = FactState::not_applicable;
          reading.scalar.note = def.reason;
          break;
        case FactDef::scalar:
          reading.scalar = read_scalar(def.scalar_def);
          reading.state = reading.scalar.state;
          break;
        case FactDef::list:
          read_list(def, spec, reading);
          break;
        case FactDef::derived:
          derive(def, reading.scalar);
          reading.state = reading.scalar.state;
          break;
      }
    }
  }
};

}  // namespace

DeviceFacts extract_facts(const FactCatalogue& catalogue, const Pack* pack,
                          std::string_view platform, const ConfigTree& tree,
                          std::vector<std::vector<Hit>>& hits, const FieldUse* fields) {
  DeviceFacts facts;
  facts.platform = std::string(platform);
  facts.catalogue = &catalogue;
  facts.has_pack = pack != nullptr;
  if (pack != nullptr) facts.local_specs = pack->local_specs;
  facts.readings.resize(static_cast<std::size_t>(catalogue.size()) + facts.local_specs.size());
  for (FactReading& r : facts.readings)
    r.scalar.state = FactState::undefined;
  if (pack == nullptr) return facts;
  hits = pack->walk(tree);
  Extractor extractor{catalogue, *pack, tree, hits, facts, fields};
  extractor.run();
  return facts;
}

void FieldUse::mark(int fact, int field) {
  const auto f = static_cast<std::size_t>(fact);
  if (used_.size() <= f) used_.resize(f + 1);
  auto& fields = used_[f];
  if (fields.size() <= static_cast<std::size_t>(field))
    fields.resize(static_cast<std::size_t>(field) + 1);
  fields[static_cast<std::size_t>(field)] = true;
}

bool FieldUse::used(int fact, int field) const {
  const auto f = static_cast<std::size_t>(fact);
  if (f >= known_.size() || !known_[f]) return true;
  return f < used_.size() && static_cast<std::size_t>(field) < used_[f].size() &&
         used_[f][static_cast<std::size_t>(field)];
}

namespace {

void mark_fields(const Condition* condition, FieldUse& use) {
  if (condition == nullptr) return;
  if (condition->kind == Condition::field) use.mark(condition->fact, condition->field_index);
  for (const auto& child : condition->children)
    mark_fields(child.get(), use);
  mark_fields(condition->where.get(), use);
  mark_fields(condition->item.get(), use);
}

}  // namespace

FieldUse field_use(const FactCatalogue& catalogue, const std::vector<Rule>& rules,
                   const std::map<std::string, std::unique_ptr<Pack>, std::less<>>& packs) {
  FieldUse use;
  use.known_.assign(static_cast<std::size_t>(catalogue.size()), true);
  for (int fact = 0; fact < catalogue.size(); ++fact) {
    const FactSpec& spec = catalogue.spec(fact);
    for (std::size_t f = 0; f < spec.fields.size(); ++f)
      if (spec.fields[f].secret) use.mark(fact, static_cast<int>(f));
  }
  for (const Rule& rule : rules) {
    mark_fields(rule.precondition.get(), use);
    mark_fields(rule.assertion.get(), use);
    for (const auto& [platform, override_] : rule.overrides) {
      mark_fields(override_.precondition.get(), use);
      mark_fields(override_.assertion.get(), use);
    }
  }
  for (const auto& [platform, pack] : packs)
    for (const FactDef& def : pack->defs) {
      mark_fields(def.true_if.get(), use);
      mark_fields(def.false_if.get(), use);
    }
  return use;
}

}  // namespace netaudit::policy::engine
