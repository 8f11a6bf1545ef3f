// `netaudit facts [--platform P] [--format text|json] [--policy PATH]... FILE`: what the policy
// engine reads from one config, with the line (or the platform default) behind every value.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/display_text.hpp"
#include "netaudit/policies/parse.hpp"
#include "policy_options.hpp"

namespace netaudit::cli {
namespace {

using policy::FactState;
using policy::ScalarReading;

struct FactsOptions {
  std::string file;
  std::string platform;
  std::string format = "text";
  std::vector<std::string> policies;
};

std::string shown_value(const ScalarReading& r, bool secret, const policy::Redactor& redact) {
  std::string value = redact.prose(policy::scalar_to_string(r.value));
  if (secret) {
    std::string lower = value;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "public" && lower != "private") value = "<redacted>";
  }
  return value;
}

nlohmann::json reading_json(const ScalarReading& r, bool secret, const policy::Redactor& redact) {
  nlohmann::json out = {{"state", policy::to_string(r.state)}};
  if (r.state == FactState::value) {
    if (std::holds_alternative<bool>(r.value))
      out["value"] = std::get<bool>(r.value);
    else if (std::holds_alternative<std::int64_t>(r.value))
      out["value"] = std::get<std::int64_t>(r.value);
    else
      out["value"] = shown_value(r, secret, redact);
  }
  out["line"] = r.line == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.line);
  if (r.from_default) out["default"] = true;
  if (!r.note.empty()) out["note"] = redact.prose(r.note);
  if (!r.derived_lines.empty()) out["lines"] = r.derived_lines;
  return out;
}

std::string reading_text(const ScalarReading& r, bool secret, const ConfigTree& tree,
                         const policy::Redactor& redact) {
  std::string out;
  switch (r.state) {
    case FactState::value:
      out = shown_value(r, secret, redact);
      if (std::holds_alternative<std::string>(r.value)) out = '"' + out + '"';
      if (r.line != 0)
        out += std::string("    [line ").append(std::to_string(r.line)) + ": " +
               redact.line(tree.line_text(r.line)) + "]";
      else if (r.from_default)
        out += "    [platform default: " + redact.prose(r.note) + "]";
      if (!r.derived_lines.empty()) {
        out += "    [from lines";
        for (auto l : r.derived_lines)
          out += std::string(" ").append(std::to_string(l));
        out += "]";
      }
      return out;
    case FactState::unset:
      return "(not set)";
    default:
      return std::string("(") + std::string(policy::to_string(r.state)) +
             (r.note.empty() ? "" : ": " + redact.prose(r.note)) + ")";
  }
}

int run_facts(const FactsOptions& options) {
  std::optional<policy::Policy> loaded = load_policy(options.policies, "facts");
  if (!loaded) return kExitUsage;
  if (!options.platform.empty()) {  // as `audit` does: a typo must not read as "no facts"
    const auto& known = known_platforms();
    if (!loaded->has_pack(options.platform) &&
        std::find(known.begin(), known.end(), options.platform) == known.end()) {
      std::cerr << "netaudit facts: unknown platform '" << options.platform << "'\n";
      return kExitUsage;
    }
  }
  LoadResult input = load_config_file(options.file);
  if (!input.source) {
    std::cerr << "netaudit facts: " << input.error << '\n';
    return kExitUsage;
  }
  std::string platform = options.platform;
  Syntax syntax;
  if (platform.empty()) {
    const Detection detection = detect_platform(input.source->text);
    platform = detection.platform;
    syntax = detection.syntax;
  } else {
    syntax = syntax_for_platform(platform, input.source->text);
  }
  ParseResult parsed = parse_config(std::move(input.source->text), syntax);
  const policy::DeviceFacts facts = loaded->extract(platform, parsed.tree);
  const int count = static_cast<int>(facts.readings.size());
  // Evidence, notes and values pass through the same masks as audit output.
  const policy::Redactor redact(*loaded, platform, &facts);
  if (options.format == "json") {
    nlohmann::json out = {{"file", options.file},
                          {"platform", platform},
                          {"pack", facts.has_pack},
                          {"facts", nlohmann::json::object()}};
    for (int id = 0; id < count; ++id) {
      const policy::FactSpec& spec = facts.spec(id);
      const policy::FactReading& reading = facts.readings[static_cast<std::size_t>(id)];
      if (spec.type != policy::ValueType::list) {
        out["facts"][spec.name] = reading_json(reading.scalar, spec.secret, redact);
        continue;
      }
      nlohmann::json list = {{"state", policy::to_string(reading.state)}};
      if (!reading.note.empty()) list["note"] = redact.prose(reading.note);
      if (reading.from_default) list["default"] = true;
      nlohmann::json items = nlohmann::json::array();
      for (const policy::Record& record : reading.items) {
        nlohmann::json fields = nlohmann::json::object();
        for (std::size_t f = 0; f < spec.fields.size(); ++f)
          fields[spec.fields[f].name] =
              reading_json(record.fields[f], spec.fields[f].secret, redact);
        items.push_back(
            {{"line", record.line == 0 ? nlohmann::json(nullptr) : nlohmann::json(record.line)},
             {"fields", std::move(fields)}});
      }
      list["items"] = std::move(items);
      out["facts"][spec.name] = std::move(list);
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return kExitOk;
  }
  // Config text (descriptions, names) can hold terminal escapes: one pass makes it all safe.
  std::ostringstream text;
  text << "# " << options.file << ": platform " << platform << ", syntax " << to_string(syntax)
       << (facts.has_pack ? "" : " (no vendor pack: every fact undefined)") << '\n';
  for (int id = 0; id < count; ++id) {
    const policy::FactSpec& spec = facts.spec(id);
    const policy::FactReading& reading = facts.readings[static_cast<std::size_t>(id)];
    if (reading.state == FactState::undefined) continue;
    if (spec.type != policy::ValueType::list) {
      text << spec.name << " = " << reading_text(reading.scalar, spec.secret, parsed.tree, redact)
           << '\n';
      continue;
    }
    text << spec.name << ": ";
    if (reading.state != FactState::value) {
      text << "(" << policy::to_string(reading.state) << ": " << redact.prose(reading.note)
           << ")\n";
      continue;
    }
    text << reading.items.size() << " item(s)"
         << (reading.from_default ? " [platform default: " + redact.prose(reading.note) + "]" : "")
         << '\n';
    for (const policy::Record& record : reading.items) {
      text << "  - "
           << (record.line ? std::string("line ").append(std::to_string(record.line)) : "default")
           << ":";
      for (std::size_t f = 0; f < spec.fields.size(); ++f) {
        const ScalarReading& r = record.fields[f];
        if (r.state == FactState::unset) continue;
        text << ' ' << spec.fields[f].name << '=';
        if (r.state == FactState::value) {
          text << shown_value(r, spec.fields[f].secret, redact);
          if (r.line != 0 && r.line != record.line) text << "@" << r.line;
          if (r.from_default) text << "(default)";
        } else {
          text << '(' << policy::to_string(r.state) << ')';
        }
      }
      text << '\n';
    }
  }
  std::cout << display_text(text.str(), true);
  return kExitOk;
}

}  // namespace

void add_facts_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<FactsOptions>();
  CLI::App* command = app.add_subcommand(
      "facts", "Show the facts the policy engine reads from one config, with their evidence");
  command->add_option("--platform", options->platform, "Platform (default: detected)");
  command->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_option("--policy", options->policies, "Policy file or directory (repeatable)");
  command->add_option("FILE", options->file, "Config file")->required();
  command->callback([options, &exit_code] { exit_code = run_facts(*options); });
}

}  // namespace netaudit::cli
