// `netaudit detect [--format text|json] PATH...`
#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "input_files.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/display_text.hpp"

namespace netaudit::cli {
namespace {

struct DetectOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::size_t max_bytes = InputLimits{}.max_bytes;
};

int run_detect(const DetectOptions& options) {
  const InputFiles input = expand_input_paths(options.paths);
  int exit_code = input.problems.empty() ? kExitOk : kExitUsage;
  for (const InputProblem& problem : input.problems)
    std::cerr << "netaudit detect: " << display_text(problem.to_string()) << '\n';

  const InputLimits limits{options.max_bytes};
  for (const std::string& file : input.files) {
    LoadResult loaded = load_config_file(file, limits);
    Detection detection;
    if (loaded.source) {
      detection = detect_platform(loaded.source->text);
    } else {
      detection.reason = loaded.error;
      exit_code = kExitUsage;
      std::cerr << "netaudit detect: " << display_text(loaded.error) << '\n';
    }
    if (options.format == "json") {
      nlohmann::json line = {{"file", file},
                             {"platform", detection.platform},
                             {"syntax", to_string(detection.syntax)},
                             {"confidence", detection.confidence},
                             {"reason", detection.reason}};
      if (!loaded.source) line["error"] = loaded.error;
      std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
      std::cout << display_text(file) << '\t' << detection.platform << '\t'
                << to_string(detection.syntax) << '\t' << std::fixed << std::setprecision(2)
                << detection.confidence << '\t' << display_text(detection.reason) << '\n';
    }
  }
  return exit_code;
}

}  // namespace

void add_detect_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DetectOptions>();
  CLI::App* command = app.add_subcommand(
      "detect", "Guess the platform and syntax of config files from their content");
  command->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_option("--max-bytes", options->max_bytes, "Refuse files larger than this");
  command->add_option("PATH", options->paths, "Config files or directories (recursive)")
      ->required();
  command->callback([options, &exit_code] { exit_code = run_detect(*options); });
}

}  // namespace netaudit::cli
