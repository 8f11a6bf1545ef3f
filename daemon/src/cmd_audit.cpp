// `netaudit audit [--policy PATH]... [--platform P] [--waivers FILE] [--format F] [--output FILE]
//                 [--fail-on SEVERITY] [--label K=V]... [--jobs N] PATH...`
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "input_files.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/display_text.hpp"
#include "netaudit/policies/report.hpp"
#include "netaudit/policies/waivers.hpp"
#include "parallel.hpp"
#include "policy_options.hpp"

namespace netaudit::cli {
namespace {

struct AuditCliOptions {
  std::vector<std::string> paths;
  std::vector<std::string> policies;
  std::vector<std::string> labels;
  std::string platform;
  std::string waivers;
  std::string format = "table";
  std::string output;
  std::string fail_on = "info";
  std::string colour = "auto";
  unsigned jobs = 0;
};

int run_audit(const AuditCliOptions& options) {
  int exit_code = kExitOk;
  std::optional<policy::Policy> loaded = load_policy(options.policies, "audit");
  if (!loaded) return kExitUsage;
  const policy::Policy& pol = *loaded;

  if (!options.platform.empty()) {
    const auto& known = known_platforms();
    if (!pol.has_pack(options.platform) &&
        std::find(known.begin(), known.end(), options.platform) == known.end()) {
      std::cerr << "netaudit audit: unknown platform '" << options.platform << "'\n";
      return kExitUsage;
    }
  }
  policy::AuditOptions audit_options;
  audit_options.platform = options.platform;
  for (const std::string& label : options.labels) {
    const auto eq = label.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "netaudit audit: --label needs KEY=VALUE, got '" << label << "'\n";
      return kExitUsage;
    }
    audit_options.labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  policy::WaiverSet waivers;
  if (!options.waivers.empty()) {
    std::vector<std::string> errors;
    waivers = policy::WaiverSet::load(options.waivers, errors);
    for (const std::string& e : errors)
      std::cerr << "netaudit audit: " << display_text(e) << '\n';
    if (!errors.empty()) return kExitUsage;
    audit_options.waivers = &waivers;
  }
  audit_options.today = policy::utc_today();

  const InputFiles input = expand_input_paths(options.paths);

  // Audit in parallel; the policy is immutable and shared. The paths that gave no file come
  // first, as reports with an error: every format lists them.
  std::vector<policy::DeviceReport> reports;
  for (const InputProblem& problem : input.problems) {
    policy::DeviceReport& r = reports.emplace_back();
    r.file = problem.path;
    r.device = std::filesystem::path(problem.path).stem().string();
    r.platform = kUnknownPlatform;
    r.error = problem.to_string();
  }
  const std::size_t first_file = reports.size();
  reports.resize(first_file + input.files.size());
  std::atomic<std::size_t> next{0}, done{0};
  const bool progress = input.files.size() >= 20 && isatty(STDERR_FILENO) != 0;
  std::mutex progress_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < input.files.size(); i = next++) {
      reports[first_file + i] = policy::audit_file(pol, input.files[i], audit_options);
      const std::size_t finished = ++done;
      if (progress && (finished % 10 == 0 || finished == input.files.size())) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        std::cerr << "\raudited " << finished << "/" << input.files.size() << std::flush;
      }
    }
  };
  unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(
      std::min<std::size_t>(jobs, std::max<std::size_t>(1, input.files.size())));
  run_on_threads(jobs, worker);
  if (progress) std::cerr << "\r\033[K";

  const auto threshold = policy::severity_from_string(options.fail_on);
  bool failing = false;
  std::size_t audited = 0, unrecognised = 0;
  for (const policy::DeviceReport& r : reports) {
    if (!r.error.empty()) {
      std::cerr << "netaudit audit: " << display_text(r.error) << '\n';
      exit_code = kExitUsage;
      unrecognised += r.error.find(policy::kPlatformNotRecognised) != std::string::npos;
    } else {
      ++audited;
    }
    for (const std::string& w : r.warnings)
      std::cerr << display_text(r.file) << ": warning: " << display_text(w) << '\n';
    for (const policy::Finding& f : r.findings)
      if (f.verdict == policy::Verdict::fail && f.severity >= *threshold) failing = true;
  }
  if (unrecognised > 0) {
    std::cerr << "netaudit audit: hint: " << unrecognised
              << " file(s) of unrecognised platform; audit them with --platform P, P one of:";
    for (std::string_view known : pol.platforms())
      std::cerr << ' ' << known;
    std::cerr << '\n';
  }
  if (audited == 0) {
    std::cerr << "netaudit audit: nothing was audited\n";
    exit_code = kExitUsage;
  }

  policy::RenderOptions render;
  if (audit_options.waivers != nullptr)
    render.warnings = waivers.unmatched(reports, pol.controls(), audit_options.labels);
  for (const std::string& w : render.warnings)
    std::cerr << "netaudit audit: warning: " << display_text(w) << '\n';
  const bool to_terminal = options.output.empty() && isatty(STDOUT_FILENO) != 0;
  render.colour = options.colour == "always" || (options.colour == "auto" && to_terminal);
  const std::string text = policy::render_report(
      reports, *policy::report_format_from_string(options.format), pol.controls(), render);
  if (options.output.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::cerr << "netaudit audit: cannot write " << options.output << '\n';
      return kExitUsage;
    }
  }
  if (exit_code != kExitOk) return exit_code;
  return failing ? kExitFindings : kExitOk;
}

}  // namespace

void add_audit_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<AuditCliOptions>();
  CLI::App* command = app.add_subcommand(
      "audit", "Audit config files against the baseline (exit 0 ok, 1 findings, 2 input errors)");
  command->add_option("--policy", options->policies,
                      "Policy file or directory (repeatable; default: the shipped baseline)");
  command->add_option("--platform", options->platform,
                      "Platform of every file (default: detected)");
  command->add_option("--waivers", options->waivers, "Waivers file (YAML)");
  command->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "junit", "sarif"}));
  command->add_option("--output", options->output, "Write the report to FILE instead of stdout");
  command
      ->add_option("--fail-on", options->fail_on,
                   "Exit 1 when a control of at least this severity fails")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
  command->add_option("--label", options->labels,
                      "Inventory label KEY=VALUE for every device (repeatable), e.g. role=edge");
  command->add_option("--jobs", options->jobs, "Parallel audits (default: CPU count)");
  command->add_option("--color", options->colour, "Colour the table: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  command->add_option("PATH", options->paths, "Config files or directories (recursive)")
      ->required();
  command->callback([options, &exit_code] { exit_code = run_audit(*options); });
}

}  // namespace netaudit::cli
