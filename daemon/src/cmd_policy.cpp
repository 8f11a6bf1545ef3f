// `netaudit policy check PATH...` and `netaudit policy list [--format text|json]`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "policy_options.hpp"

namespace netaudit::cli {
namespace {

struct PolicyCliOptions {
  std::vector<std::string> check_paths;
  std::vector<std::string> list_policies;
  std::string format = "text";
};

int run_check(const PolicyCliOptions& options) {
  policy::PolicyLoadResult result = policy::Policy::load(
      {options.check_paths.begin(), options.check_paths.end()}, policy::default_policy_dir());
  for (const policy::PolicyIssue& w : result.warnings)
    std::cout << "warning: " << w.to_string() << '\n';
  for (const policy::PolicyIssue& e : result.errors)
    std::cout << "error: " << e.to_string() << '\n';
  if (!result.policy) {
    std::cout << result.errors.size() << " error(s) in " << result.files.size() << " file(s)\n";
    return kExitFindings;
  }
  std::cout << "ok: " << result.files.size() << " file(s), " << result.policy->controls().size()
            << " control(s), " << result.policy->platforms().size() << " pack(s), "
            << result.policy->catalogue().size() << " fact(s)\n";
  return kExitOk;
}

int run_list(const PolicyCliOptions& options) {
  std::optional<policy::Policy> loaded = load_policy(options.list_policies, "policy list");
  if (!loaded) return kExitUsage;
  const auto controls = loaded->controls();
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const policy::ControlInfo& c : controls) {
      out.push_back(
          {{"id", c.id},
           {"title", c.title},
           {"severity", policy::to_string(c.severity)},
           {"references",
            {{"cis", c.references.cis}, {"stig", c.references.stig}, {"nist", c.references.nist}}},
           {"platforms", c.platforms},
           {"file", c.file}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return kExitOk;
  }
  for (const policy::ControlInfo& c : controls) {
    std::string platforms;
    for (const auto& p : c.platforms)
      platforms += (platforms.empty() ? "" : ",") + p;
    std::printf("%-30s %-9s %s\n%-30s %-9s platforms: %s\n", c.id.c_str(),
                std::string(policy::to_string(c.severity)).c_str(), c.title.c_str(), "", "",
                platforms.c_str());
  }
  std::cout << controls.size() << " control(s)\n";
  return kExitOk;
}

}  // namespace

void add_policy_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PolicyCliOptions>();
  CLI::App* command = app.add_subcommand("policy", "Validate or list policy files");
  command->require_subcommand(1);
  CLI::App* check = command->add_subcommand(
      "check", "Validate rule, pack and catalogue files (exit 1 when any is broken)");
  check->add_option("PATH", options->check_paths, "Policy files or directories")->required();
  check->callback([options, &exit_code] { exit_code = run_check(*options); });
  CLI::App* list = command->add_subcommand("list", "List the controls of the policy");
  list->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  list->add_option("--policy", options->list_policies, "Policy file or directory (repeatable)");
  list->callback([options, &exit_code] { exit_code = run_list(*options); });
}

}  // namespace netaudit::cli
