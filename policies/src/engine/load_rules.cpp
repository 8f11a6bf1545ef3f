// Loading rules (controls) from YAML (format: policies/vendors/SCHEMA.md §3).
#include <yaml-cpp/yaml.h>

#include <set>

#include "engine/engine.hpp"
#include "engine/yaml_util.hpp"

namespace netaudit::policy::engine {
namespace {

bool valid_id(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

bool string_list(const YAML::Node& node, LoadContext& load, const std::string& what,
                 std::vector<std::string>& out) {
  if (!node) return true;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return true;
  }
  if (!node.IsSequence()) {
    load.error(node, "'" + what + "' must be a list of strings");
    return false;
  }
  for (const auto& v : node) {
    if (!v.IsScalar()) {
      load.error(v, "'" + what + "' must be a list of strings");
      return false;
    }
    out.push_back(v.Scalar());
  }
  return true;
}

}  // namespace

bool load_rules(const YAML::Node& root, LoadContext& load,
                std::map<std::string, std::unique_ptr<Pack>, std::less<>>& packs,
                std::vector<Rule>& rules) {
  const YAML::Node controls = root["controls"];
  if (!controls || !controls.IsSequence()) {
    load.error(controls.IsDefined() ? controls : root, "'controls' must be a list of controls");
    return false;
  }
  bool ok = true;
  for (const auto& node : controls) {
    Rule rule;
    rule.info.file = load.file;
    rule.info.line = yaml_line(node);
    load.subject = scalar_text(node["id"]);
    if (!node.IsMap()) {
      load.error(node, "a control must be a map");
      ok = false;
      continue;
    }
    bool rule_ok = check_keys(node, load,
                              {"id", "title", "severity", "rationale", "references", "applies_to",
                               "precondition", "assert", "platforms", "messages", "remediation"},
                              "control");
    rule.info.id = scalar_text(node["id"]);
    if (!valid_id(rule.info.id)) {
      load.error(node["id"] ? node["id"] : node,
                 rule.info.id.empty() ? "control without 'id'"
                                      : "invalid id '" + rule.info.id + "' (use A-Z, 0-9, '-')");
      ok = false;
      continue;
    }
    for (const Rule& other : rules) {
      if (other.info.id == rule.info.id) {
        load.error(node["id"], "duplicate id '" + rule.info.id + "' (first defined in " +
                                   other.info.file +
                                   std::string(":").append(std::to_string(other.info.line)) + ")");
        rule_ok = false;
      }
    }
    rule.info.title = scalar_text(node["title"]);
    if (rule.info.title.empty()) {
      load.error(node, "missing 'title'");
      rule_ok = false;
    }
    if (!node["severity"]) {
      load.error(node, "missing 'severity' (critical, high, medium, low or info)");
      rule_ok = false;
    } else if (auto severity = severity_from_string(scalar_text(node["severity"]))) {
      rule.info.severity = *severity;
    } else {
      load.error(node["severity"], "bad severity '" + scalar_text(node["severity"]) +
                                       "' (critical, high, medium, low or info)");
      rule_ok = false;
    }
    rule.info.rationale = scalar_text(node["rationale"]);
    if (const YAML::Node refs = node["references"]) {
      if (!check_keys(refs, load, {"cis", "stig", "nist"}, "references")) {
        rule_ok = false;
      } else {
        rule_ok &= string_list(refs["cis"], load, "cis", rule.info.references.cis);
        rule_ok &= string_list(refs["stig"], load, "stig", rule.info.references.stig);
        rule_ok &= string_list(refs["nist"], load, "nist", rule.info.references.nist);
      }
    }
    if (const YAML::Node applies = node["applies_to"]) {
      if (!check_keys(applies, load, {"platforms", "exclude_platforms", "labels"}, "applies_to")) {
        rule_ok = false;
      } else {
        rule_ok &= string_list(applies["platforms"], load, "platforms", rule.include_platforms);
        rule_ok &= string_list(applies["exclude_platforms"], load, "exclude_platforms",
                               rule.exclude_platforms);
        if (const YAML::Node labels = applies["labels"]) {
          if (!labels.IsMap()) {
            load.error(labels, "'labels' must map a label name to allowed values");
            rule_ok = false;
          } else {
            for (const auto& kv : labels) {
              std::vector<std::string> values;
              rule_ok &= string_list(kv.second, load, "labels", values);
              rule.labels[kv.first.as<std::string>("")] = std::move(values);
            }
          }
        }
      }
    }
    if (!node["assert"]) {
      load.error(node, "missing 'assert'");
      rule_ok = false;
    } else {
      rule.assertion = compile_condition(node["assert"], load, nullptr, false, -1);
      rule_ok &= rule.assertion != nullptr;
    }
    if (node["precondition"]) {
      rule.precondition = compile_condition(node["precondition"], load, nullptr, false, -1);
      rule_ok &= rule.precondition != nullptr;
    }
    if (const YAML::Node overrides = node["platforms"]) {
      if (!overrides.IsMap()) {
        load.error(overrides, "'platforms' must map a platform to its override");
        rule_ok = false;
      } else {
        for (const auto& kv : overrides) {
          const std::string platform = kv.first.as<std::string>("");
          Rule::Override o;
          if (!check_keys(kv.second, load, {"assert", "precondition", "not_applicable"},
                          "platform override")) {
            rule_ok = false;
            continue;
          }
          auto pack_it = packs.find(platform);
          Pack* pack = pack_it == packs.end() ? nullptr : pack_it->second.get();
          if (pack == nullptr) {
            load.warn(kv.first, "override for platform '" + platform + "' which has no pack");
            continue;
          }
          if (kv.second["not_applicable"]) {
            o.not_applicable = true;
            o.reason = scalar_text(kv.second["not_applicable"]);
          }
          if (kv.second["assert"]) {
            o.assertion = compile_condition(kv.second["assert"], load, pack, false, -1);
            rule_ok &= o.assertion != nullptr;
          }
          if (kv.second["precondition"]) {
            o.precondition = compile_condition(kv.second["precondition"], load, pack, false, -1);
            rule_ok &= o.precondition != nullptr;
          }
          rule.overrides[platform] = std::move(o);
        }
      }
    }
    if (const YAML::Node messages = node["messages"]) {
      if (!check_keys(messages, load, {"pass", "fail", "unknown", "not_applicable", "error"},
                      "messages")) {
        rule_ok = false;
      } else {
        for (const auto& kv : messages)
          rule.messages[kv.first.as<std::string>("")] = scalar_text(kv.second);
      }
    }
    if (const YAML::Node remediation = node["remediation"]) {
      if (remediation.IsScalar()) {
        rule.info.remediation["default"] = remediation.Scalar();
      } else if (remediation.IsMap()) {
        for (const auto& kv : remediation)
          rule.info.remediation[kv.first.as<std::string>("")] = scalar_text(kv.second);
      } else {
        load.error(remediation, "'remediation' must be text or a map of platform to text");
        rule_ok = false;
      }
    }
    if (!rule_ok) {
      ok = false;
      continue;
    }
    rules.push_back(std::move(rule));
  }
  load.subject.clear();
  return ok;
}

}  // namespace netaudit::policy::engine
