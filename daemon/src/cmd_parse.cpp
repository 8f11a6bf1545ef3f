// `netaudit parse [--platform P] [--syntax S] [--format text|json] FILE`
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/display_text.hpp"
#include "netaudit/policies/tree_format.hpp"

namespace netaudit::cli {
namespace {

struct ParseOptions {
  std::string file;
  std::string platform;
  std::string syntax;
  std::string format = "text";
  std::size_t max_bytes = InputLimits{}.max_bytes;
};

// JSON nesting deeper than this is cut (with a note in the output): hostile input such as
// 100000 nested braces must not overflow the stack here or in the JSON writer.
constexpr std::size_t kMaxJsonDepth = 256;

nlohmann::json node_to_json(NodeRef node, std::size_t depth, bool& truncated) {
  nlohmann::json out = {{"line", node.line()}, {"text", node.text()}};
  if (node.inactive()) out["inactive"] = true;
  const auto attributes = node.tree().attributes(node.id());
  if (!attributes.empty()) {
    nlohmann::json attrs = nlohmann::json::object();
    for (const XmlAttribute& a : attributes)
      attrs[std::string(a.name)] = a.value;
    out["attributes"] = std::move(attrs);
  }
  if (node.has_children() && depth >= kMaxJsonDepth) {
    out["children_omitted"] = true;
    truncated = true;
  } else if (node.has_children()) {
    nlohmann::json children = nlohmann::json::array();
    for (NodeRef child : node.children())
      children.push_back(node_to_json(child, depth + 1, truncated));
    out["children"] = std::move(children);
  }
  return out;
}

bool is_known_platform(std::string_view platform) {
  const auto& known = known_platforms();
  return std::find(known.begin(), known.end(), platform) != known.end();
}

int run_parse(const ParseOptions& options) {
  if (!options.platform.empty() && !is_known_platform(options.platform)) {
    std::cerr << "netaudit parse: unknown platform '" << options.platform << "'; known:";
    for (std::string_view known : known_platforms())
      std::cerr << ' ' << known;
    std::cerr << '\n';
    return kExitUsage;
  }
  LoadResult loaded = load_config_file(options.file, InputLimits{options.max_bytes});
  if (!loaded.source) {
    std::cerr << "netaudit parse: " << loaded.error << '\n';
    return kExitUsage;
  }
  SourceText& source = *loaded.source;
  std::string platform = options.platform;
  std::optional<Detection> detection;
  if (platform.empty()) {
    detection = detect_platform(source.text);
    platform = detection->platform;
  }
  Syntax syntax = Syntax::indented;
  if (!options.syntax.empty()) {
    syntax = *syntax_from_string(options.syntax);
  } else if (detection) {
    syntax = detection->syntax;
    if (platform == kUnknownPlatform) {
      std::cerr << "netaudit parse: " << options.file
                << ": platform not recognised (use --platform or --syntax); parsing as "
                << to_string(syntax) << " from the shape of the text\n";
    }
  } else {
    syntax = syntax_for_platform(platform, source.text);
  }
  ParseResult parsed = parse_config(std::move(source.text), syntax);
  std::vector<Diagnostic> warnings = std::move(source.warnings);
  warnings.insert(warnings.end(), parsed.warnings.begin(), parsed.warnings.end());

  if (options.format == "json") {
    nlohmann::json out = {{"file", options.file},
                          {"platform", platform},
                          {"syntax", to_string(syntax)},
                          {"warnings", nlohmann::json::array()}};
    if (detection) {
      out["confidence"] = detection->confidence;
      out["reason"] = detection->reason;
    }
    for (const Diagnostic& w : warnings) {
      out["warnings"].push_back({{"line", w.line}, {"message", w.message}});
    }
    nlohmann::json nodes = nlohmann::json::array();
    bool truncated = false;
    for (NodeRef child : parsed.tree.root().children())
      nodes.push_back(node_to_json(child, 1, truncated));
    out["tree"] = std::move(nodes);
    if (truncated) {
      warnings.push_back({0, "tree deeper than " + std::to_string(kMaxJsonDepth) +
                                 " levels; deeper nodes omitted from the JSON output"});
      out["warnings"].push_back({{"line", 0}, {"message", warnings.back().message}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    // Node text is config text: a description can hold terminal escapes.
    std::cout << "# " << display_text(options.file) << ": platform " << platform << ", syntax "
              << to_string(syntax) << ", " << parsed.tree.node_count() - 1 << " nodes\n";
    std::cout << display_text(format_tree_text(parsed.tree), true);
  }
  for (const Diagnostic& w : warnings) {
    std::cerr << display_text(options.file) << ':' << w.line
              << ": warning: " << display_text(w.message) << '\n';
  }
  return kExitOk;
}

}  // namespace

void add_parse_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ParseOptions>();
  CLI::App* command =
      app.add_subcommand("parse", "Parse one config file and print its tree with line numbers");
  command->add_option("--platform", options->platform,
                      "Platform id, e.g. cisco_ios, juniper_junos (default: detected)");
  command->add_option("--syntax", options->syntax, "Syntax family (default: from the platform)")
      ->check(CLI::IsMember({"indented", "braces", "set", "block", "menu", "xml"}));
  command->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_option("--max-bytes", options->max_bytes, "Refuse files larger than this");
  command->add_option("FILE", options->file, "Config file")->required();
  command->callback([options, &exit_code] { exit_code = run_parse(*options); });
}

}  // namespace netaudit::cli
