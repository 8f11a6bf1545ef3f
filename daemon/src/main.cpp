#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"netaudit: audits network device configurations against one cross-vendor baseline"};
  app.set_version_flag("--version", "netaudit 0.1.0");
  app.require_subcommand(1);
  int exit_code = netaudit::cli::kExitOk;
  netaudit::cli::add_detect_command(app, exit_code);
  netaudit::cli::add_parse_command(app, exit_code);
  netaudit::cli::add_collect_command(app, exit_code);
  netaudit::cli::add_audit_command(app, exit_code);
  netaudit::cli::add_facts_command(app, exit_code);
  netaudit::cli::add_policy_command(app, exit_code);
  netaudit::cli::add_serve_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and version exit 0; every other parse error is a usage error (exit 2).
    return app.exit(error) == 0 ? netaudit::cli::kExitOk : netaudit::cli::kExitUsage;
  }
  return exit_code;
}
