// Loading the fact catalogue and vendor fact packs from YAML (format: policies/vendors/SCHEMA.md).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <set>

#include "engine/engine.hpp"
#include "engine/yaml_util.hpp"

namespace netaudit::policy::engine {

int yaml_line(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

void LoadContext::error(const YAML::Node& node, const std::string& message) {
  error_at(yaml_line(node), message);
}

void LoadContext::error_at(int line, const std::string& message) {
  if (errors != nullptr) errors->push_back({file, line, subject, message});
}

void LoadContext::warn(const YAML::Node& node, const std::string& message) {
  if (warnings != nullptr) warnings->push_back({file, yaml_line(node), subject, message});
}

bool check_keys(const YAML::Node& node, LoadContext& load,
                std::initializer_list<std::string_view> allowed, std::string_view what) {
  if (!node.IsDefined() || !node.IsMap()) {
    load.error(node, std::string(what) + " must be a map");
    return false;
  }
  bool ok = true;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>("");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      load.error(kv.first, "unknown key '" + key + "' in " + std::string(what) +
                               " (expected one of: " + list + ")");
      ok = false;
    }
  }
  return ok;
}

std::string scalar_text(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return "";
  return node.Scalar();
}

namespace {

bool valid_fact_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return name.find("..") == std::string_view::npos;
}

std::optional<ValueType> type_from_string(std::string_view name) {
  if (name == "bool") return ValueType::boolean;
  if (name == "int") return ValueType::integer;
  if (name == "string") return ValueType::string;
  if (name == "list") return ValueType::list;
  return std::nullopt;
}

bool parse_values(const YAML::Node& node, LoadContext& load, std::vector<std::string>& out) {
  if (!node) return true;
  if (!node.IsSequence()) {
    load.error(node, "'values' must be a list");
    return false;
  }
  for (const auto& v : node)
    out.push_back(scalar_text(v));
  return true;
}

bool parse_scalar_spec(const YAML::Node& node, LoadContext& load, FieldSpec& field) {
  if (!check_keys(node, load, {"type", "meaning", "values", "secret"},
                  "field '" + field.name + "'"))
    return false;
  const auto type = type_from_string(scalar_text(node["type"]));
  if (!type || *type == ValueType::list) {
    load.error(node["type"] ? node["type"] : node,
               "field '" + field.name + "' needs a scalar type (bool, int, string)");
    return false;
  }
  field.type = *type;
  field.meaning = scalar_text(node["meaning"]);
  field.secret = node["secret"] && node["secret"].as<bool>(false);
  return parse_values(node["values"], load, field.values);
}

}  // namespace

bool load_fact_spec(const std::string& name, const YAML::Node& node, LoadContext& load,
                    FactSpec& spec, bool local) {
  spec.name = name;
  if (!local && !check_keys(node, load, {"type", "meaning", "fields", "values", "secret"},
                            "fact '" + name + "'"))
    return false;
  const auto type = type_from_string(scalar_text(node["type"]));
  if (!type) {
    load.error(node["type"] ? node["type"] : node,
               "fact '" + name + "' needs a type: bool, int, string or list");
    return false;
  }
  spec.type = *type;
  spec.meaning = scalar_text(node["meaning"]);
  spec.secret = node["secret"] && node["secret"].as<bool>(false);
  if (!parse_values(node["values"], load, spec.values)) return false;
  if (spec.type == ValueType::list) {
    const YAML::Node fields = node["fields"];
    if (!fields || !fields.IsMap() || fields.size() == 0) {
      load.error(node, "list fact '" + name + "' needs 'fields'");
      return false;
    }
    for (const auto& kv : fields) {
      FieldSpec field;
      field.name = kv.first.as<std::string>("");
      if (!parse_scalar_spec(kv.second, load, field)) return false;
      spec.fields.push_back(std::move(field));
    }
  } else if (node["fields"]) {
    load.error(node["fields"], "only list facts have fields");
    return false;
  }
  return true;
}

bool load_catalogue(const YAML::Node& root, LoadContext& load, FactCatalogue& catalogue,
                    std::vector<std::string>* replaceable, std::vector<std::string>* defined) {
  const YAML::Node facts = root["facts"];
  if (!facts || !facts.IsMap()) {
    load.error(root, "'facts' must be a map of fact name to definition");
    return false;
  }
  bool ok = true;
  for (const auto& kv : facts) {
    const std::string name = kv.first.as<std::string>("");
    load.subject = name;
    if (!valid_fact_name(name) || name.rfind("local.", 0) == 0) {
      load.error(kv.first, "invalid fact name '" + name + "' (lower case, dotted, not local.*)");
      ok = false;
      continue;
    }
    int replaces = -1;
    if (const int existing = catalogue.find(name); existing >= 0) {
      if (replaceable == nullptr ||
          std::find(replaceable->begin(), replaceable->end(), name) == replaceable->end()) {
        load.error(kv.first, "duplicate fact '" + name + "'");
        ok = false;
        continue;
      }
      // A second given definition is a duplicate again.
      replaceable->erase(std::find(replaceable->begin(), replaceable->end(), name));
      replaces = existing;
    }
    FactSpec spec;
    if (!load_fact_spec(name, kv.second, load, spec, false)) {
      ok = false;
      continue;
    }
    if (defined != nullptr) defined->push_back(name);
    if (replaces >= 0)
      catalogue.replace(replaces, std::move(spec));
    else
      catalogue.add(std::move(spec));
  }
  load.subject.clear();
  return ok;
}

// ---------------------------------------------------------------- packs

namespace {

struct PackLoader {
  LoadContext& load;
  Pack& pack;
  const FactCatalogue& catalogue;

  const FactSpec* spec_of(int id) const {
    if (id < catalogue.size()) return &catalogue.spec(id);
    return &pack.local_specs[static_cast<std::size_t>(id - catalogue.size())];
  }

  int pattern(const YAML::Node& node) {
    if (!node || !node.IsScalar()) {
      load.error(node, "a pattern must be a string");
      return -1;
    }
    std::string error;
    const int id = pack.add_pattern(node.Scalar(), error);
    if (id < 0) load.error(node, error);
    return id;
  }

  bool selector(const YAML::Node& node, Selector& out, bool path_default_any = false) {
    out.path.clear();
    const YAML::Node path = node["path"];
    if (path) {
      if (!path.IsSequence()) {
        load.error(path, "'path' must be a list of patterns");
        return false;
      }
      for (const auto& step : path) {
        if (step.IsScalar() && step.Scalar() == "**") {
          out.path.push_back(kAnyDepth);
          continue;
        }
        const int id = pattern(step);
        if (id < 0) return false;
        out.path.push_back(id);
      }
    } else if (path_default_any) {
      out.path.push_back(kAnyDepth);
    }
    if (!node["match"]) {
      load.error(node, "selector needs 'match'");
      return false;
    }
    out.match = pattern(node["match"]);
    return out.match >= 0;
  }

  int absolute_selector(const YAML::Node& node) {
    if (!check_keys(node, load, {"path", "match"}, "selector")) return -1;
    Selector sel;
    if (!selector(node, sel)) return -1;
    return pack.add_absolute(std::move(sel));
  }

  bool when_unless(const YAML::Node& node, int& when, int& unless) {
    if (node["when"]) {
      when = absolute_selector(node["when"]);
      if (when < 0) return false;
    }
    if (node["unless"]) {
      unless = absolute_selector(node["unless"]);
      if (unless < 0) return false;
    }
    return true;
  }

  // `when:`/`unless:` of an anchor: one selector or a list of selectors.
  bool anchor_conditions(const YAML::Node& node, std::vector<int>& when, std::vector<int>& unless) {
    for (const char* key : {"when", "unless"}) {
      const YAML::Node given = node[key];
      if (!given) continue;
      std::vector<int>& out = std::string_view(key) == "when" ? when : unless;
      if (given.IsSequence()) {
        for (const auto& one : given) {
          const int id = absolute_selector(one);
          if (id < 0) return false;
          out.push_back(id);
        }
      } else {
        const int id = absolute_selector(given);
        if (id < 0) return false;
        out.push_back(id);
      }
    }
    return true;
  }

  // Checks that a constant value converts to the type and lies in `values`.
  bool check_constant(const YAML::Node& where, std::string_view text, ValueType type,
                      const std::vector<std::string>& values) {
    Scalar scalar;
    const std::string error = convert_scalar(text, type, scalar);
    if (!error.empty()) {
      load.error(where, error);
      return false;
    }
    if (!values.empty() &&
        std::find(values.begin(), values.end(), std::string(text)) == values.end()) {
      std::string list;
      for (const auto& v : values)
        list += (list.empty() ? "" : ", ") + v;
      load.error(where, "'" + std::string(text) + "' is not one of: " + list);
      return false;
    }
    return true;
  }

  bool value_spec(const YAML::Node& node, const YAML::Node& value_node, ValueType type,
                  const std::vector<std::string>& values, int groups, ValueSpec& out) {
    std::string text;
    if (value_node) {
      text = scalar_text(value_node);
    } else {
      text = type == ValueType::boolean ? "true" : (groups > 0 ? "$1" : "$0");
    }
    const std::string error = parse_template(text, out.tmpl);
    if (!error.empty()) {
      load.error(value_node ? value_node : node, error);
      return false;
    }
    if (groups >= 0 && out.tmpl.max_group() > groups) {
      load.error(value_node ? value_node : node,
                 "template '" + text +
                     std::string("' refers to $").append(std::to_string(out.tmpl.max_group())) +
                     std::string(" but the pattern has ").append(std::to_string(groups)) +
                     " group(s)");
      return false;
    }
    if (!node.IsMap()) return true;
    if (const YAML::Node map = node["map"]) {
      if (!map.IsMap()) {
        load.error(map, "'map' must be a map");
        return false;
      }
      for (const auto& kv : map) {
        const std::string to = scalar_text(kv.second);
        if (!check_constant(kv.second, to, type, values)) return false;
        out.map[kv.first.as<std::string>("")] = to;
      }
    }
    if (const YAML::Node d = node["map_default"]) {
      out.map_default = scalar_text(d);
      if (!check_constant(d, *out.map_default, type, values)) return false;
    }
    if (out.tmpl.constant() && out.map.empty() && !out.map_default) {
      if (!check_constant(value_node ? value_node : node, text, type, values)) return false;
    }
    return true;
  }

  bool defaults(const YAML::Node& node, ValueType type, const std::vector<std::string>& values,
                std::vector<DefaultSpec>& out) {
    if (!node) return true;
    std::vector<YAML::Node> list;
    if (node.IsSequence()) {
      for (const auto& d : node)
        list.push_back(d);
    } else {
      list.push_back(node);
    }
    for (const YAML::Node& d : list) {
      if (!check_keys(d, load, {"value", "unknown", "not_applicable", "note", "when", "unless"},
                      "default"))
        return false;
      DefaultSpec spec;
      const int kinds =
          (d["value"] ? 1 : 0) + (d["unknown"] ? 1 : 0) + (d["not_applicable"] ? 1 : 0);
      if (kinds != 1) {
        load.error(d, "a default needs exactly one of 'value', 'unknown', 'not_applicable'");
        return false;
      }
      if (d["value"]) {
        spec.kind = DefaultSpec::fixed;
        spec.value = scalar_text(d["value"]);
        if (!check_constant(d["value"], spec.value, type, values)) return false;
        spec.note = scalar_text(d["note"]);
        if (spec.note.empty()) {
          load.error(d, "a default value needs a 'note' saying why it is the platform default");
          return false;
        }
      } else if (d["unknown"]) {
        spec.kind = DefaultSpec::unknown;
        spec.note = scalar_text(d["unknown"]);
      } else {
        spec.kind = DefaultSpec::not_applicable;
        spec.note = scalar_text(d["not_applicable"]);
      }
      if (!when_unless(d, spec.when, spec.unless)) return false;
      out.push_back(std::move(spec));
    }
    return true;
  }

  // A scalar fact (relative=false) or a field of a record (relative=true).
  bool scalar_def(const YAML::Node& node, ValueType type, const std::vector<std::string>& values,
                  bool relative, int anchor_groups, ScalarDef& out) {
    out.type = type;
    if (relative && node.IsScalar()) {
      ValueSpec spec;
      if (!value_spec(node, node, type, values, anchor_groups, spec)) return false;
      out.direct = std::move(spec);
      return true;
    }
    if (!node.IsMap()) {
      load.error(node, "expected a map with 'from' (and 'default')");
      return false;
    }
    if (relative) {
      if (!check_keys(node, load, {"from", "default", "value", "map", "map_default"}, "field"))
        return false;
    } else if (!check_keys(node, load, {"from", "default", "type", "meaning"}, "fact")) {
      return false;
    }
    if (node["value"]) {
      if (node["from"]) {
        load.error(node, "a field has either 'value' or 'from', not both");
        return false;
      }
      ValueSpec spec;
      if (!value_spec(node, node["value"], type, values, anchor_groups, spec)) return false;
      out.direct = std::move(spec);
      return defaults(node["default"], type, values, out.defaults);
    }
    const YAML::Node from = node["from"];
    if (!from && !node["default"]) {
      load.error(node, "needs 'from' (selectors) or 'default'");
      return false;
    }
    if (from) {
      if (!from.IsSequence()) {
        load.error(from, "'from' must be a list of selector entries");
        return false;
      }
      for (const auto& e : from) {
        if (!check_keys(e, load,
                        {"path", "match", "value", "map", "map_default", "when", "unless", "self",
                         "scope", "key"},
                        "selector entry"))
          return false;
        Entry entry;
        entry.self = e["self"] && e["self"].as<bool>(false);
        if (e["scope"]) {
          if (!relative || scalar_text(e["scope"]) != "parent") {
            load.error(e["scope"], "'scope' can only be 'parent', in a field of a list fact");
            return false;
          }
          entry.scope_parent = true;
        }
        if (entry.self && !relative) {
          load.error(e, "'self' only makes sense in a field of a list fact");
          return false;
        }
        if (!selector(e, entry.selector, entry.scope_parent && !e["path"])) return false;
        const int groups = pack.patterns[static_cast<std::size_t>(entry.selector.match)].groups;
        if (e["key"]) {
          if (!entry.scope_parent) {
            load.error(e["key"], "'key' on a field entry needs 'scope: parent'");
            return false;
          }
          Template key;
          const std::string error = parse_template(scalar_text(e["key"]), key);
          if (!error.empty()) {
            load.error(e["key"], error);
            return false;
          }
          entry.key = std::move(key);
        }
        if (!value_spec(e, e["value"], type, values, groups, entry.value)) return false;
        if (!when_unless(e, entry.when, entry.unless)) return false;
        if (!relative) entry.absolute = pack.add_absolute(entry.selector);
        out.from.push_back(std::move(entry));
      }
    }
    return defaults(node["default"], type, values, out.defaults);
  }

  bool list_defaults(const YAML::Node& node, const FactSpec& spec, bool implicit,
                     std::vector<ListDefault>& out) {
    if (!node) return true;
    std::vector<YAML::Node> list;
    if (node.IsSequence()) {
      for (const auto& d : node)
        list.push_back(d);
    } else {
      list.push_back(node);
    }
    for (const YAML::Node& d : list) {
      ListDefault def;
      if (implicit) {
        if (!check_keys(d, load, {"item", "note", "when", "unless"}, "implicit record"))
          return false;
      } else if (!check_keys(d, load,
                             {"items", "unknown", "not_applicable", "note", "when", "unless"},
                             "list default")) {
        return false;
      }
      std::vector<YAML::Node> items;
      if (implicit) {
        if (!d["item"] || !d["item"].IsMap()) {
          load.error(d, "an implicit record needs 'item' (a map of field values)");
          return false;
        }
        items.push_back(d["item"]);
      } else if (d["unknown"]) {
        def.kind = DefaultSpec::unknown;
        def.note = scalar_text(d["unknown"]);
      } else if (d["not_applicable"]) {
        def.kind = DefaultSpec::not_applicable;
        def.note = scalar_text(d["not_applicable"]);
      } else if (d["items"] && d["items"].IsSequence()) {
        for (const auto& item : d["items"])
          items.push_back(item);
      } else {
        load.error(d, "a list default needs 'items', 'unknown' or 'not_applicable'");
        return false;
      }
      for (const YAML::Node& item : items) {
        if (!item.IsMap()) {
          load.error(item, "a default record must be a map of field values");
          return false;
        }
        std::vector<std::pair<int, std::string>> fields;
        for (const auto& kv : item) {
          const std::string field = kv.first.as<std::string>("");
          const int index = spec.field_index(field);
          if (index < 0) {
            load.error(kv.first, "unknown field '" + field + "' of '" + spec.name + "'");
            return false;
          }
          const FieldSpec& fs = spec.fields[static_cast<std::size_t>(index)];
          const std::string value = scalar_text(kv.second);
          if (!check_constant(kv.second, value, fs.type, fs.values)) return false;
          fields.emplace_back(index, value);
        }
        def.items.push_back(std::move(fields));
      }
      if (def.kind == DefaultSpec::fixed) {
        def.note = scalar_text(d["note"]);
        if (def.note.empty()) {
          load.error(d, "default records need a 'note' saying why they exist");
          return false;
        }
      }
      if (!when_unless(d, def.when, def.unless)) return false;
      out.push_back(std::move(def));
    }
    return true;
  }

  bool list_def(const YAML::Node& node, const FactSpec& spec, FactDef& def) {
    if (!check_keys(node, load, {"items", "default", "implicit", "type", "meaning"}, "list fact"))
      return false;
    const YAML::Node items = node["items"];
    if (items) {
      if (!items.IsSequence()) {
        load.error(items, "'items' must be a list of anchors");
        return false;
      }
      for (const auto& a : items) {
        if (!check_keys(a, load, {"path", "match", "fields", "split", "key", "when", "unless"},
                        "anchor"))
          return false;
        Anchor anchor;
        if (!selector(a, anchor.selector)) return false;
        if (!anchor_conditions(a, anchor.when, anchor.unless)) return false;
        const int groups = pack.patterns[static_cast<std::size_t>(anchor.selector.match)].groups;
        for (const char* key : {"split", "key"}) {
          if (!a[key]) continue;
          Template t;
          const std::string error = parse_template(scalar_text(a[key]), t);
          if (!error.empty()) {
            load.error(a[key], error);
            return false;
          }
          (std::string_view(key) == "split" ? anchor.split : anchor.key) = std::move(t);
        }
        anchor.fields.resize(spec.fields.size());
        const YAML::Node fields = a["fields"];
        if (fields && !fields.IsMap()) {
          load.error(fields, "'fields' must be a map of field name to definition");
          return false;
        }
        if (fields) {
          for (const auto& kv : fields) {
            const std::string field = kv.first.as<std::string>("");
            const int index = spec.field_index(field);
            if (index < 0) {
              load.error(kv.first,
                         "unknown field '" + field + "' of list fact '" + spec.name + "'");
              return false;
            }
            const FieldSpec& fs = spec.fields[static_cast<std::size_t>(index)];
            ScalarDef field_def;
            if (!scalar_def(kv.second, fs.type, fs.values, true, groups, field_def)) return false;
            anchor.fields[static_cast<std::size_t>(index)] = std::move(field_def);
          }
        }
        anchor.absolute = pack.add_absolute(anchor.selector);
        def.anchors.push_back(std::move(anchor));
      }
    }
    if (!list_defaults(node["default"], spec, false, def.list_defaults)) return false;
    return list_defaults(node["implicit"], spec, true, def.implicit);
  }

  bool fact(const std::string& name, int id, const YAML::Node& node, FactDef& def) {
    def.fact = id;
    def.line = yaml_line(node);
    const FactSpec& spec = *spec_of(id);
    if (!node.IsMap()) {
      load.error(node, "fact definition must be a map");
      return false;
    }
    if (node["not_applicable"]) {
      if (!check_keys(node, load, {"not_applicable", "type", "meaning"}, "fact")) return false;
      def.kind = FactDef::not_applicable;
      def.reason = scalar_text(node["not_applicable"]);
      return true;
    }
    if (node["derive"]) {
      if (!check_keys(node, load, {"derive", "type", "meaning"}, "fact")) return false;
      if (spec.type != ValueType::boolean) {
        load.error(node["derive"], "only bool facts can be derived ('" + name + "' is " +
                                       std::string(to_string(spec.type)) + ")");
        return false;
      }
      def.kind = FactDef::derived;
      const YAML::Node d = node["derive"];
      if (!check_keys(d, load, {"true_if", "false_if", "otherwise"}, "derive")) return false;
      if (!d["true_if"] && !d["false_if"]) {
        load.error(d, "derive needs 'true_if' and/or 'false_if'");
        return false;
      }
      if (d["true_if"]) def.true_if = compile_condition(d["true_if"], load, &pack, false, -1);
      if (d["false_if"]) def.false_if = compile_condition(d["false_if"], load, &pack, false, -1);
      if ((d["true_if"] && !def.true_if) || (d["false_if"] && !def.false_if)) return false;
      def.otherwise.kind = DefaultSpec::unknown;
      def.otherwise.note = "the config does not decide '" + name + "'";
      if (d["otherwise"]) {
        std::vector<DefaultSpec> other;
        if (!defaults(d["otherwise"], spec.type, spec.values, other)) return false;
        if (!other.empty()) def.otherwise = other.front();
      }
      return true;
    }
    if (spec.type == ValueType::list) {
      def.kind = FactDef::list;
      return list_def(node, spec, def);
    }
    def.kind = FactDef::scalar;
    return scalar_def(node, spec.type, spec.values, false, -1, def.scalar_def);
  }
};

}  // namespace

std::unique_ptr<Pack> load_pack(const YAML::Node& root, LoadContext& load) {
  auto pack = std::make_unique<Pack>();
  pack->file = load.file;
  if (!check_keys(root, load, {"platform", "description", "shape", "facts", "redact"}, "pack"))
    return nullptr;
  pack->platform = scalar_text(root["platform"]);
  if (pack->platform.empty()) {
    load.error(root, "a pack needs 'platform'");
    return nullptr;
  }
  load.subject = pack->platform;
  pack->description = scalar_text(root["description"]);
  if (const YAML::Node shape = root["shape"]) {
    const std::string s = scalar_text(shape);
    if (s != "statements" && s != "tokens") {
      load.error(shape, "'shape' must be 'statements' or 'tokens'");
      return nullptr;
    }
  }
  if (const YAML::Node redact = root["redact"]) {
    if (!redact.IsSequence()) {
      load.error(redact, "'redact' must be a list of patterns");
      return nullptr;
    }
    for (const auto& r : redact) {
      auto re = std::make_shared<const RE2>(scalar_text(r), RE2::Quiet);
      if (!re->ok() || re->NumberOfCapturingGroups() < 1) {
        load.error(r, "redact pattern must be a valid regex with a group to mask");
        return nullptr;
      }
      pack->redact.push_back(scalar_text(r));
      pack->redact_compiled.push_back(std::move(re));
    }
  }
  const YAML::Node facts = root["facts"];
  if (!facts || !facts.IsMap()) {
    load.error(root, "a pack needs 'facts' (a map of fact name to definition)");
    return nullptr;
  }
  const FactCatalogue& catalogue = *load.catalogue;
  bool ok = true;
  // First pass: declare pack-local facts so derivations can refer to them.
  for (const auto& kv : facts) {
    const std::string name = kv.first.as<std::string>("");
    if (name.rfind("local.", 0) != 0) continue;
    load.subject = pack->platform + " " + name;
    FactSpec spec;
    if (!kv.second.IsMap() || !load_fact_spec(name, kv.second, load, spec, true)) {
      if (!kv.second.IsMap()) load.error(kv.second, "fact definition must be a map");
      ok = false;
      continue;
    }
    pack->local_specs.push_back(std::move(spec));
  }
  PackLoader loader{load, *pack, catalogue};
  std::set<std::string> seen;
  for (const auto& kv : facts) {
    const std::string name = kv.first.as<std::string>("");
    load.subject = pack->platform + " " + name;
    if (!seen.insert(name).second) {
      load.error(kv.first, "fact '" + name + "' defined twice");
      ok = false;
      continue;
    }
    int id = catalogue.find(name);
    if (id < 0) {
      for (std::size_t i = 0; i < pack->local_specs.size(); ++i)
        if (pack->local_specs[i].name == name) id = catalogue.size() + static_cast<int>(i);
    }
    if (id < 0) {
      if (name.rfind("local.", 0) != 0)
        load.error(kv.first, "unknown fact '" + name +
                                 "' (not in the catalogue policies/baseline/facts.yaml; "
                                 "pack-private facts are named local.*)");
      ok = false;
      continue;
    }
    if (id < catalogue.size() && kv.second.IsMap() && kv.second["type"]) {
      load.error(kv.second["type"],
                 "'type' is only for local.* facts; '" + name + "' is typed by the catalogue");
      ok = false;
      continue;
    }
    FactDef def;
    if (!loader.fact(name, id, kv.second, def)) {
      ok = false;
      continue;
    }
    pack->defs.push_back(std::move(def));
  }
  load.subject = pack->platform;
  if (!ok) return nullptr;
  return pack;
}

bool finish_pack(Pack& pack, LoadContext& load) {
  load.subject = pack.platform;
  // Derived facts after every selector fact, in dependency order.
  std::vector<FactDef> plain;
  std::vector<FactDef> derived;
  for (FactDef& def : pack.defs)
    (def.kind == FactDef::derived ? derived : plain).push_back(std::move(def));
  std::set<int> derived_ids;
  for (const FactDef& def : derived)
    derived_ids.insert(def.fact);
  std::vector<FactDef> ordered = std::move(plain);
  std::set<int> done;
  while (!derived.empty()) {
    bool progress = false;
    for (auto it = derived.begin(); it != derived.end();) {
      std::vector<int> refs;
      if (it->true_if) referenced_facts(*it->true_if, refs);
      if (it->false_if) referenced_facts(*it->false_if, refs);
      const bool ready = std::all_of(refs.begin(), refs.end(),
                                     [&](int r) { return !derived_ids.count(r) || done.count(r); });
      if (ready) {
        done.insert(it->fact);
        ordered.push_back(std::move(*it));
        it = derived.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
    if (!progress) {
      for (const FactDef& def : derived)
        load.error_at(def.line, "derived fact depends on itself (a cycle among derivations)");
      return false;
    }
  }
  pack.defs = std::move(ordered);
  // Values that need no capture are converted once here, not once per statement.
  auto fold_constants = [](ScalarDef& def) {
    def.all_self = !def.from.empty() && std::all_of(def.from.begin(), def.from.end(),
                                                    [](const Entry& e) { return e.self; });
    const bool integer = def.type == ValueType::integer;
    for (Entry& entry : def.from) {
      if (!entry.value.tmpl.constant()) continue;
      Scalar value;
      if (convert_scalar(entry.value.apply(Captures{}, integer), def.type, value).empty())
        entry.value.constant = std::move(value);
    }
    for (DefaultSpec& d : def.defaults) {
      Scalar value;
      if (d.kind == DefaultSpec::fixed && convert_scalar(d.value, def.type, value).empty())
        d.constant = std::move(value);
    }
  };
  for (FactDef& def : pack.defs) {
    fold_constants(def.scalar_def);
    for (Anchor& anchor : def.anchors)
      for (auto& field : anchor.fields)
        if (field) fold_constants(*field);
  }
  for (FactDef& def : pack.defs) {
    for (Anchor& anchor : def.anchors) {
      for (std::size_t f = 0; f < anchor.fields.size(); ++f) {
        if (!anchor.fields[f]) continue;
        auto& from = anchor.fields[f]->from;
        for (std::size_t e = 0; e < from.size(); ++e) {
          Entry& entry = from[e];
          if (entry.self || entry.scope_parent || !entry.selector.path.empty()) continue;
          entry.child = true;
          const int index = static_cast<int>(anchor.child_entries.size());
          anchor.child_entries.push_back(
              {static_cast<int>(f), static_cast<int>(e), entry.selector.match});
          anchor.child_index.slot(pack.patterns[static_cast<std::size_t>(entry.selector.match)])
              .push_back(index);
        }
      }
    }
  }
  pack.build_trie();
  return true;
}

}  // namespace netaudit::policy::engine
