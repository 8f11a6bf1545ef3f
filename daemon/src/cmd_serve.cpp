// `netaudit serve --config FILE [--check] [--once] [--shard I/N]`: the daemon (docs/serve.md).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "serve/daemon.hpp"
#include "serve/serve_config.hpp"
#include "serve/setup.hpp"
#include "store/store.hpp"

namespace netaudit::cli {
namespace {

struct ServeCliOptions {
  std::string config;
  bool check = false;
  bool once = false;
  std::string shard = "0/1";
};

// --check: everything a start would load, without opening the store or a socket.
int run_check(const ServeCliOptions& options, const schedule::Shard& shard) {
  try {
    const serve::LoadedSetup setup = serve::load_setup(options.config, shard);
    for (const std::string& warning : setup.warnings)
      std::cerr << "netaudit serve: warning: " << warning << '\n';
    std::cout << "ok: " << options.config << ": " << setup.inventory.devices.size() << " device(s)"
              << (shard.count > 1 ? " in shard " + options.shard : "") << ", "
              << setup.audit.policy->controls().size() << " control(s), policy "
              << setup.audit.policy_version << '\n';
    return kExitOk;
  } catch (const std::exception& error) {
    std::cerr << "netaudit serve: " << error.what() << '\n';
    return kExitUsage;
  }
}

int run_serve(const ServeCliOptions& options) {
  schedule::Shard shard;
  try {
    shard = schedule::parse_shard(options.shard);
  } catch (const std::invalid_argument& error) {
    std::cerr << "netaudit serve: --shard: " << error.what() << '\n';
    return kExitUsage;
  }
  if (options.check) return run_check(options, shard);
  try {
    serve::Daemon daemon({options.config, options.once, shard});
    return daemon.run();
  } catch (const std::exception& error) {
    std::cerr << "netaudit serve: " << error.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeCliOptions>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the daemon: collect and audit every device on a schedule, keep the history, "
      "serve /metrics and the API (docs/serve.md)");
  serve->add_option("--config", options->config, "The daemon's YAML config file")->required();
  serve->add_flag("--check", options->check,
                  "Validate the config, inventory, credentials files, policies and profiles, "
                  "then exit 0 (ok) or 2");
  serve->add_flag("--once", options->once,
                  "Run one full cycle, commit it to the store and exit (0: every device "
                  "collected, 1: some failed)");
  serve
      ->add_option("--shard", options->shard,
                   "I/N: audit only the devices of shard I (0-based) of N, by rendezvous hashing")
      ->default_str("0/1");
  serve->callback([options, &exit_code] { exit_code = run_serve(*options); });
}

}  // namespace netaudit::cli
