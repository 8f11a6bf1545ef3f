// The condition language shared by rules (assertions, preconditions) and pack derivations:
// compiled once from YAML, evaluated in three-valued logic (plus n/a and error) with evidence.
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "engine/engine.hpp"
#include "engine/yaml_util.hpp"

namespace netaudit::policy::engine {
namespace {

constexpr std::string_view kScalarOps[] = {"exists", "equals",  "not_equals",  "in",
                                           "not_in", "matches", "not_matches", "lt",
                                           "le",     "gt",      "ge",          "between"};

Op op_from(std::string_view name) {
  if (name == "exists") return Op::exists;
  if (name == "equals") return Op::equals;
  if (name == "not_equals") return Op::not_equals;
  if (name == "in") return Op::in;
  if (name == "not_in") return Op::not_in;
  if (name == "matches") return Op::matches;
  if (name == "not_matches") return Op::not_matches;
  if (name == "lt") return Op::lt;
  if (name == "le") return Op::le;
  if (name == "gt") return Op::gt;
  if (name == "ge") return Op::ge;
  return Op::between;
}

struct SpecLookup {
  const FactCatalogue& catalogue;
  const Pack* pack;
  int find(std::string_view name) const {
    const int id = catalogue.find(name);
    if (id >= 0 || pack == nullptr) return id;
    for (std::size_t i = 0; i < pack->local_specs.size(); ++i)
      if (pack->local_specs[i].name == name) return catalogue.size() + static_cast<int>(i);
    return -1;
  }
  const FactSpec& spec(int id) const {
    if (id < catalogue.size()) return catalogue.spec(id);
    return pack->local_specs[static_cast<std::size_t>(id - catalogue.size())];
  }
};

// Parses the comparison operator of a scalar (fact or field) condition.
bool compile_comparison(const YAML::Node& node, LoadContext& load, ValueType type,
                        const std::string& subject, Condition& out) {
  int found = 0;
  for (std::string_view name : kScalarOps) {
    const YAML::Node operand = node[std::string(name)];
    if (!operand) continue;
    ++found;
    out.op = op_from(name);
    out.describe = subject + " " + std::string(name);
    auto convert = [&](const YAML::Node& v, Scalar& s) {
      const std::string error = convert_scalar(scalar_text(v), type, s);
      if (!error.empty() || !v.IsScalar()) {
        load.error(v, "operand of '" + std::string(name) + "' for " + subject + ": " +
                          (error.empty() ? "must be a scalar" : error));
        return false;
      }
      return true;
    };
    switch (out.op) {
      case Op::exists:
        out.exists_expected = operand.as<bool>(true);
        out.describe += operand.as<bool>(true) ? "" : " false";
        break;
      case Op::equals:
      case Op::not_equals: {
        Scalar s;
        if (!convert(operand, s)) return false;
        out.describe += " " + scalar_text(operand);
        out.operands.push_back(std::move(s));
        break;
      }
      case Op::in:
      case Op::not_in:
        if (!operand.IsSequence()) {
          load.error(operand, "'" + std::string(name) + "' needs a list");
          return false;
        }
        for (const auto& v : operand) {
          Scalar s;
          if (!convert(v, s)) return false;
          out.operands.push_back(std::move(s));
        }
        break;
      case Op::matches:
      case Op::not_matches: {
        const std::string source = scalar_text(operand);
        auto& shared = load.regexes[source];
        if (!shared) {
          RE2::Options options;
          options.set_log_errors(false);
          shared = std::make_shared<const RE2>(source, options);
        }
        out.regex = shared;
        if (!out.regex->ok()) {
          load.error(operand, "bad regex '" + scalar_text(operand) + "': " + out.regex->error());
          return false;
        }
        out.describe += " '" + scalar_text(operand) + "'";
        break;
      }
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge:
      case Op::between: {
        if (type != ValueType::integer) {
          load.error(operand, "'" + std::string(name) + "' needs an int fact; " + subject + " is " +
                                  std::string(to_string(type)));
          return false;
        }
        if (out.op == Op::between) {
          if (!operand.IsSequence() || operand.size() != 2) {
            load.error(operand, "'between' needs [low, high]");
            return false;
          }
          for (const auto& v : operand) {
            Scalar s;
            if (!convert(v, s)) return false;
            out.operands.push_back(std::move(s));
          }
          out.describe += " " + scalar_text(operand[0]) + " and " + scalar_text(operand[1]);
        } else {
          Scalar s;
          if (!convert(operand, s)) return false;
          out.describe += " " + scalar_text(operand);
          out.operands.push_back(std::move(s));
        }
        break;
      }
    }
  }
  if (found != 1) {
    load.error(node, found == 0 ? "condition on " + subject +
                                      " needs an operator (exists, equals, not_equals, in, "
                                      "not_in, matches, not_matches, lt, le, gt, ge, between)"
                                : "condition on " + subject + " has more than one operator");
    return false;
  }
  return true;
}

bool known_key(std::string_view key, std::initializer_list<std::string_view> extra) {
  for (std::string_view op : kScalarOps)
    if (op == key) return true;
  return std::find(extra.begin(), extra.end(), key) != extra.end();
}

}  // namespace

std::unique_ptr<Condition> compile_condition(const YAML::Node& node, LoadContext& load, Pack* pack,
                                             bool item_level, int list_fact) {
  if (!node.IsDefined() || !node.IsMap()) {
    load.error(node, "a condition must be a map");
    return nullptr;
  }
  const SpecLookup lookup{*load.catalogue, pack};
  auto out = std::make_unique<Condition>();
  for (const char* combinator : {"all_of", "any_of"}) {
    if (!node[combinator]) continue;
    if (node.size() != 1) {
      load.error(node, std::string("'") + combinator + "' must be the only key of its condition");
      return nullptr;
    }
    const YAML::Node list = node[combinator];
    if (!list.IsSequence() || list.size() == 0) {
      load.error(list, std::string("'") + combinator + "' needs a non-empty list of conditions");
      return nullptr;
    }
    out->kind = std::string_view(combinator) == "all_of" ? Condition::all_of : Condition::any_of;
    for (const auto& child : list) {
      auto compiled = compile_condition(child, load, pack, item_level, list_fact);
      if (!compiled) return nullptr;
      out->children.push_back(std::move(compiled));
    }
    out->describe = combinator;
    return out;
  }
  if (node["not"]) {
    if (node.size() != 1) {
      load.error(node, "'not' must be the only key of its condition");
      return nullptr;
    }
    out->kind = Condition::negate;
    auto child = compile_condition(node["not"], load, pack, item_level, list_fact);
    if (!child) return nullptr;
    out->describe = "not " + child->describe;
    out->children.push_back(std::move(child));
    return out;
  }
  for (const char* raw : {"present", "missing"}) {
    if (!node[raw]) continue;
    if (pack == nullptr) {
      load.error(node, std::string("raw tree match '") + raw +
                           "' is platform-specific: use it in a `platforms: <platform>:` override");
      return nullptr;
    }
    if (!check_keys(node, load, {"present", "missing"}, "condition")) return nullptr;
    const YAML::Node sel = node[raw];
    if (!check_keys(sel, load, {"path", "match"}, "selector")) return nullptr;
    Selector selector;
    const YAML::Node path = sel["path"];
    if (path && !path.IsSequence()) {
      load.error(path, "'path' must be a list of patterns");
      return nullptr;
    }
    if (path)
      for (const auto& step : path) {
        if (step.IsScalar() && step.Scalar() == "**") {
          selector.path.push_back(kAnyDepth);
          continue;
        }
        std::string error;
        const int id = pack->add_pattern(scalar_text(step), error);
        if (id < 0) {
          load.error(step, error);
          return nullptr;
        }
        selector.path.push_back(id);
      }
    std::string error;
    selector.match = pack->add_pattern(scalar_text(sel["match"]), error);
    if (selector.match < 0) {
      load.error(sel["match"] ? sel["match"] : sel,
                 sel["match"] ? error : "selector needs 'match'");
      return nullptr;
    }
    out->kind = std::string_view(raw) == "present" ? Condition::present : Condition::missing;
    out->selector = pack->add_absolute(std::move(selector));
    out->describe = std::string(raw) + " '" + scalar_text(sel["match"]) + "'";
    return out;
  }
  if (item_level) {
    if (!node["field"]) {
      load.error(node, "an item condition needs 'field' (or all_of / any_of / not)");
      return nullptr;
    }
    const FactSpec& list_spec = lookup.spec(list_fact);
    const std::string field = scalar_text(node["field"]);
    const int index = list_spec.field_index(field);
    if (index < 0) {
      load.error(node["field"], "unknown field '" + field + "' of '" + list_spec.name + "'");
      return nullptr;
    }
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>("");
      if (!known_key(key, {"field"})) {
        load.error(kv.first, "unknown key '" + key + "' in item condition");
        return nullptr;
      }
    }
    out->kind = Condition::field;
    out->fact = list_fact;
    out->field_index = index;
    const FieldSpec& fs = list_spec.fields[static_cast<std::size_t>(index)];
    if (!compile_comparison(node, load, fs.type, field, *out)) return nullptr;
    return out;
  }
  if (!node["fact"]) {
    load.error(node, "a condition needs 'fact' (or all_of / any_of / not / present / missing)");
    return nullptr;
  }
  const std::string name = scalar_text(node["fact"]);
  const int id = lookup.find(name);
  if (id < 0) {
    load.error(node["fact"], "unknown fact '" + name + "'");
    return nullptr;
  }
  out->fact = id;
  const FactSpec& spec = lookup.spec(id);
  if (spec.type != ValueType::list) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>("");
      if (!known_key(key, {"fact"})) {
        load.error(kv.first,
                   "unknown key '" + key + "' in condition on scalar fact '" + name + "'");
        return nullptr;
      }
    }
    out->kind = Condition::scalar;
    if (!compile_comparison(node, load, spec.type, name, *out)) return nullptr;
    return out;
  }
  out->kind = Condition::list;
  if (!check_keys(node, load, {"fact", "where", "count", "all", "any", "none"}, "list condition"))
    return nullptr;
  int quantifiers = 0;
  if (node["where"]) {
    out->where = compile_condition(node["where"], load, pack, true, id);
    if (!out->where) return nullptr;
  }
  if (const YAML::Node count = node["count"]) {
    ++quantifiers;
    out->quant = Condition::count;
    if (!count.IsMap() || count.size() != 1) {
      load.error(count, "'count' needs one comparison, e.g. {ge: 1}");
      return nullptr;
    }
    const std::string op = count.begin()->first.as<std::string>("");
    static const std::pair<std::string_view, Op> kCountOps[] = {
        {"eq", Op::equals}, {"ne", Op::not_equals}, {"lt", Op::lt},
        {"le", Op::le},     {"gt", Op::gt},         {"ge", Op::ge}};
    bool known = false;
    for (const auto& [n, o] : kCountOps) {
      if (n == op) {
        out->count_op = o;
        known = true;
      }
    }
    if (!known) {
      load.error(count, "count operator '" + op + "' is not one of eq, ne, lt, le, gt, ge");
      return nullptr;
    }
    Scalar n;
    if (!convert_scalar(scalar_text(count.begin()->second), ValueType::integer, n).empty()) {
      load.error(count, "count needs an integer");
      return nullptr;
    }
    out->count_value = std::get<std::int64_t>(n);
    out->describe =
        "count of " + name + " " + op + std::string(" ").append(std::to_string(out->count_value));
  }
  for (const char* q : {"all", "any", "none"}) {
    if (!node[q]) continue;
    ++quantifiers;
    out->quant = std::string_view(q) == "all"   ? Condition::all
                 : std::string_view(q) == "any" ? Condition::any
                                                : Condition::none;
    out->item = compile_condition(node[q], load, pack, true, id);
    if (!out->item) return nullptr;
    out->describe = std::string(q) + " of " + name + ": " + out->item->describe;
  }
  if (quantifiers != 1) {
    load.error(node, "a condition on list fact '" + name +
                         "' needs exactly one of count / all / any / none");
    return nullptr;
  }
  return out;
}

void referenced_facts(const Condition& condition, std::vector<int>& out) {
  if (condition.fact >= 0) out.push_back(condition.fact);
  for (const auto& child : condition.children)
    referenced_facts(*child, out);
}

// ---------------------------------------------------------------- evaluation

namespace {

bool scalar_equal(const Scalar& a, const Scalar& b) {
  return a == b;
}

bool compare(const Condition& c, const Scalar& value, RegexMemo* memo) {
  switch (c.op) {
    case Op::exists:
      return c.exists_expected;
    case Op::equals:
      return scalar_equal(value, c.operands[0]);
    case Op::not_equals:
      return !scalar_equal(value, c.operands[0]);
    case Op::in:
    case Op::not_in: {
      const bool found = std::any_of(c.operands.begin(), c.operands.end(),
                                     [&](const Scalar& s) { return scalar_equal(s, value); });
      return c.op == Op::in ? found : !found;
    }
    case Op::matches:
    case Op::not_matches: {
      const std::string* text = std::get_if<std::string>(&value);
      const bool m = text == nullptr ? RE2::FullMatch(scalar_to_string(value), *c.regex)
                     : memo != nullptr
                         ? memo->full_match(*c.regex, *text)
                         : c.regex->Match(*text, 0, text->size(), RE2::ANCHOR_BOTH, nullptr, 0);
      return c.op == Op::matches ? m : !m;
    }
    default:
      break;
  }
  if (!std::holds_alternative<std::int64_t>(value)) return false;
  const std::int64_t v = std::get<std::int64_t>(value);
  const std::int64_t a = std::get<std::int64_t>(c.operands[0]);
  switch (c.op) {
    case Op::lt:
      return v < a;
    case Op::le:
      return v <= a;
    case Op::gt:
      return v > a;
    case Op::ge:
      return v >= a;
    case Op::between:
      return v >= a && v <= std::get<std::int64_t>(c.operands[1]);
    default:
      return false;
  }
}

// True for an unset fact: an absent statement is not equal to anything.
bool compare_unset(const Condition& c) {
  switch (c.op) {
    case Op::exists:
      return !c.exists_expected;
    case Op::not_equals:
    case Op::not_in:
    case Op::not_matches:
      return true;
    default:
      return false;
  }
}

// Adds `prefix` + `text` to notes or reasons unless it is empty or there already (built only
// when missing: a platform default is cited once per record of a long list).
void add_unique(std::vector<std::string>& out, std::string_view prefix, std::string_view text) {
  const std::size_t size = prefix.size() + text.size();
  if (size == 0) return;
  for (const std::string& n : out)
    if (n.size() == size && std::string_view(n).substr(0, prefix.size()) == prefix &&
        std::string_view(n).substr(prefix.size()) == text)
      return;
  out.push_back(std::string(prefix).append(text));
}

void add_unique(std::vector<std::string>& out, std::string_view text) {
  add_unique(out, {}, text);
}

// Adds what `from` rests on to `to`.
void merge_evidence(CondResult& to, const CondResult& from) {
  to.lines.insert(to.lines.end(), from.lines.begin(), from.lines.end());
  for (const std::string& n : from.notes)
    add_unique(to.notes, n);
}

Tri reading_tri(const Condition& c, const ScalarReading& r, RegexMemo* memo) {
  switch (r.state) {
    case FactState::value:
      return compare(c, r.value, memo) ? Tri::yes : Tri::no;
    case FactState::unset:
      return compare_unset(c) ? Tri::yes : Tri::no;
    case FactState::unknown:
    case FactState::undefined:
      return Tri::unknown;
    case FactState::not_applicable:
      return Tri::na;
    case FactState::error:
      return Tri::error;
  }
  return Tri::error;
}

// Adds to `out` what reading `r` (of `fact`, or of its field `field`) rests on. An unset field
// of a record adds nothing: the record's own line is the evidence.
void reading_evidence(const ScalarReading& r, std::string_view fact, std::string_view field,
                      const std::string& platform, CondResult& out) {
  auto shown_name = [&] {
    std::string name(fact);
    if (!field.empty()) name.append(".").append(field);
    return name;
  };
  switch (r.state) {
    case FactState::value:
      if (r.line != 0) out.lines.push_back(r.line);
      out.lines.insert(out.lines.end(), r.derived_lines.begin(), r.derived_lines.end());
      if (r.from_default)
        add_unique(out.notes, "platform default: ", r.note);
      else if (r.line == 0 && r.derived_lines.empty() && !r.note.empty())
        add_unique(out.notes, r.note);
      return;
    case FactState::unset:
      if (field.empty()) add_unique(out.notes, "not configured: ", fact);
      return;
    case FactState::unknown:
      if (r.line != 0) out.lines.push_back(r.line);
      out.lines.insert(out.lines.end(), r.derived_lines.begin(), r.derived_lines.end());
      add_unique(out.notes, "unknown: ", r.note);
      add_unique(out.reasons, r.note);
      return;
    case FactState::not_applicable:
      add_unique(out.reasons, r.note);
      return;
    case FactState::undefined: {
      const std::string reason = "the " + platform + " pack does not read '" + shown_name() + "'";
      add_unique(out.reasons, reason);
      add_unique(out.notes, reason);
      return;
    }
    case FactState::error:
      add_unique(out.reasons, shown_name() + ": " + r.note);
      return;
  }
}

CondResult eval_reading(const Condition& c, const ScalarReading& r, const std::string& name,
                        const std::string& platform, RegexMemo* memo) {
  CondResult out;
  out.tri = reading_tri(c, r, memo);
  reading_evidence(r, name, {}, platform, out);
  return out;
}

CondResult combine(const Condition::Kind kind, std::vector<CondResult> parts) {
  CondResult out;
  auto merge = [&](Tri want) {
    for (const CondResult& p : parts) {
      if (p.tri != want) continue;
      merge_evidence(out, p);
      for (const std::string& r : p.reasons)
        add_unique(out.reasons, r);
    }
  };
  auto has = [&](Tri t) {
    return std::any_of(parts.begin(), parts.end(), [&](const CondResult& p) { return p.tri == t; });
  };
  const Tri decisive = kind == Condition::all_of ? Tri::no : Tri::yes;
  const Tri other = kind == Condition::all_of ? Tri::yes : Tri::no;
  for (Tri t : {Tri::error, decisive, Tri::unknown, other}) {
    if (has(t)) {
      out.tri = t;
      merge(t);
      return out;
    }
  }
  out.tri = Tri::na;
  merge(Tri::na);
  return out;
}

// Item conditions run once per record of a list (every interface of a chassis), so they are
// evaluated in two steps: the verdict first, without evidence and without allocating, then the
// evidence only for the records a quantifier cites.

// The verdict all_of / any_of give to their parts' verdicts (`seen`: a bit per Tri).
Tri combined_tri(Condition::Kind kind, unsigned seen) {
  const Tri decisive = kind == Condition::all_of ? Tri::no : Tri::yes;
  const Tri other = kind == Condition::all_of ? Tri::yes : Tri::no;
  for (Tri t : {Tri::error, decisive, Tri::unknown, other})
    if ((seen & (1U << static_cast<unsigned>(t))) != 0) return t;
  return Tri::na;
}

Tri item_tri(const Condition& c, const Record& record, RegexMemo* memo) {
  switch (c.kind) {
    case Condition::field:
      return reading_tri(c, record.fields[static_cast<std::size_t>(c.field_index)], memo);
    case Condition::all_of:
    case Condition::any_of: {
      unsigned seen = 0;
      for (const auto& child : c.children)
        seen |= 1U << static_cast<unsigned>(item_tri(*child, record, memo));
      return combined_tri(c.kind, seen);
    }
    case Condition::negate: {
      const Tri t = item_tri(*c.children[0], record, memo);
      return t == Tri::yes ? Tri::no : t == Tri::no ? Tri::yes : t;
    }
    default:
      return Tri::error;
  }
}

// Adds to `out` what the verdict `tri` (from item_tri) of `c` on `record` rests on.
void item_evidence(const Condition& c, const Record& record, Tri tri, const FactSpec& spec,
                   const std::string& platform, RegexMemo* memo, CondResult& out) {
  switch (c.kind) {
    case Condition::field: {
      const ScalarReading& r = record.fields[static_cast<std::size_t>(c.field_index)];
      const FieldSpec& fs = spec.fields[static_cast<std::size_t>(c.field_index)];
      reading_evidence(r, spec.name, fs.name, platform, out);
      return;
    }
    case Condition::all_of:
    case Condition::any_of:
      for (const auto& child : c.children) {
        const Tri t = item_tri(*child, record, memo);
        if (t == tri) item_evidence(*child, record, t, spec, platform, memo, out);
      }
      return;
    case Condition::negate: {
      const Tri t = tri == Tri::yes ? Tri::no : tri == Tri::no ? Tri::yes : tri;
      item_evidence(*c.children[0], record, t, spec, platform, memo, out);
      return;
    }
    default:
      add_unique(out.reasons, "bad item condition");
      return;
  }
}

void record_evidence(const Record& record, CondResult& out) {
  if (record.line != 0) out.lines.push_back(record.line);
  if (record.from_default) add_unique(out.notes, "platform default: ", record.note);
}

CondResult eval_list(const Condition& c, const FactReading& reading, const FactSpec& spec,
                     const std::string& platform, RegexMemo* memo) {
  CondResult out;
  switch (reading.state) {
    case FactState::unknown:
      out.tri = Tri::unknown;
      out.reasons.push_back(reading.note);
      add_unique(out.notes, "unknown: " + reading.note);
      return out;
    case FactState::not_applicable:
      out.tri = Tri::na;
      out.reasons.push_back(reading.note);
      return out;
    case FactState::undefined:
      out.tri = Tri::unknown;
      out.reasons.push_back("the " + platform + " pack does not read '" + spec.name + "'");
      add_unique(out.notes, out.reasons.back());
      return out;
    case FactState::error:
      out.tri = Tri::error;
      out.reasons.push_back(spec.name + ": " + reading.note);
      return out;
    default:
      break;
  }
  std::vector<const Record*> items;
  bool where_unknown = false;
  for (const Record& record : reading.items) {
    if (!c.where) {
      items.push_back(&record);
      continue;
    }
    const Tri w = item_tri(*c.where, record, memo);
    if (w == Tri::yes) items.push_back(&record);
    if (w == Tri::unknown || w == Tri::error) where_unknown = true;
  }
  const std::string none_note = "none configured: " + spec.name;
  if (c.quant == Condition::count) {
    const auto n = static_cast<std::int64_t>(items.size());
    bool ok = false;
    switch (c.count_op) {
      case Op::equals:
        ok = n == c.count_value;
        break;
      case Op::not_equals:
        ok = n != c.count_value;
        break;
      case Op::lt:
        ok = n < c.count_value;
        break;
      case Op::le:
        ok = n <= c.count_value;
        break;
      case Op::gt:
        ok = n > c.count_value;
        break;
      default:
        ok = n >= c.count_value;
        break;
    }
    out.tri = ok ? Tri::yes : Tri::no;
    if (where_unknown && !ok) {
      out.tri = Tri::unknown;
      out.reasons.push_back("some " + spec.name + " entries could not be classified");
    }
    for (const Record* r : items)
      record_evidence(*r, out);
    if (items.empty()) add_unique(out.notes, none_note);
    return out;
  }
  std::vector<Tri> tris;
  tris.reserve(items.size());
  for (const Record* r : items)
    tris.push_back(item_tri(*c.item, *r, memo));
  auto cite = [&](std::size_t i) {
    record_evidence(*items[i], out);
    item_evidence(*c.item, *items[i], tris[i], spec, platform, memo, out);
  };
  auto collect = [&](Tri want) {
    for (std::size_t i = 0; i < items.size(); ++i)
      if (tris[i] == want) cite(i);
  };
  auto any = [&](Tri t) { return std::find(tris.begin(), tris.end(), t) != tris.end(); };
  // The tri-state that decides the quantifier, the one that makes it fail.
  const Tri violating = c.quant == Condition::all ? Tri::no : Tri::yes;
  if (any(Tri::error)) {
    out.tri = Tri::error;
    collect(Tri::error);
    return out;
  }
  if (c.quant == Condition::any) {
    if (any(Tri::yes)) {
      out.tri = Tri::yes;
      collect(Tri::yes);
    } else if (any(Tri::unknown)) {
      out.tri = Tri::unknown;
      collect(Tri::unknown);
    } else {
      out.tri = Tri::no;
      collect(Tri::no);
      if (items.empty()) add_unique(out.notes, none_note);
    }
    return out;
  }
  // all / none: one violating item decides; else any unknown; else it holds.
  if (any(violating)) {
    out.tri = Tri::no;
    collect(violating);
  } else if (any(Tri::unknown)) {
    out.tri = Tri::unknown;
    collect(Tri::unknown);
  } else {
    out.tri = Tri::yes;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (tris[i] != Tri::na) cite(i);
    const bool all_na =
        !tris.empty() && std::all_of(tris.begin(), tris.end(), [](Tri t) { return t == Tri::na; });
    if (all_na) {
      out.tri = Tri::na;
      for (std::size_t i = 0; i < items.size(); ++i) {
        CondResult reasons_only;
        item_evidence(*c.item, *items[i], tris[i], spec, platform, memo, reasons_only);
        for (const std::string& reason : reasons_only.reasons)
          add_unique(out.reasons, reason);
      }
    }
  }
  return out;
}

}  // namespace

bool RegexMemo::full_match(const RE2& regex, const std::string& text) {
  auto [it, added] = known_.try_emplace({&regex, &text}, false);
  if (added) it->second = regex.Match(text, 0, text.size(), RE2::ANCHOR_BOTH, nullptr, 0);
  return it->second;
}

CondResult evaluate(const Condition& c, const EvalContext& context) {
  const DeviceFacts& facts = *context.facts;
  switch (c.kind) {
    case Condition::scalar: {
      const FactSpec& spec = facts.spec(c.fact);
      return eval_reading(c, facts.readings[static_cast<std::size_t>(c.fact)].scalar, spec.name,
                          facts.platform, context.memo);
    }
    case Condition::list:
      return eval_list(c, facts.readings[static_cast<std::size_t>(c.fact)], facts.spec(c.fact),
                       facts.platform, context.memo);
    case Condition::all_of:
    case Condition::any_of: {
      std::vector<CondResult> parts;
      parts.reserve(c.children.size());
      for (const auto& child : c.children)
        parts.push_back(evaluate(*child, context));
      return combine(c.kind, std::move(parts));
    }
    case Condition::negate: {
      CondResult r = evaluate(*c.children[0], context);
      if (r.tri == Tri::yes)
        r.tri = Tri::no;
      else if (r.tri == Tri::no)
        r.tri = Tri::yes;
      return r;
    }
    case Condition::present:
    case Condition::missing: {
      CondResult out;
      const auto& hits = (*context.hits)[static_cast<std::size_t>(c.selector)];
      const bool found = !hits.empty();
      out.tri = (found == (c.kind == Condition::present)) ? Tri::yes : Tri::no;
      for (const Hit& h : hits)
        out.lines.push_back(h.line);
      if (!found) {
        const Selector& sel = context.pack->absolute[static_cast<std::size_t>(c.selector)];
        add_unique(out.notes,
                   "not configured: " +
                       context.pack->patterns[static_cast<std::size_t>(sel.match)].source);
      }
      return out;
    }
    case Condition::field:
      break;
  }
  return {Tri::error, {}, {"item condition outside a list"}, {}};
}

}  // namespace netaudit::policy::engine
