// `netaudit serve`: one process, one event loop, the data flowing one way:
//   scheduler -> collect pool (blocking libssh / file reads) -> CPU pool (normalise, redact,
//   detect, parse, audit) -> store writer (one transaction per outcome) -> metrics;
//   the HTTP side only reads the store, and writes nothing but on-demand jobs.
#pragma once

#include <filesystem>
#include <memory>

#include "schedule/shard.hpp"

namespace netaudit::serve {

struct ServeOptions {
  std::filesystem::path config_file;
  bool once = false;  // one full cycle, committed, then exit
  schedule::Shard shard;
};

class Daemon {
 public:
  // Loads the config, devices, policies and the store. Throws ConfigError, StoreError or
  // std::runtime_error with a message naming the file.
  explicit Daemon(ServeOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGTERM/SIGINT (or the end of the cycle with --once). Returns the exit code:
  // 0, or with --once 1 when some device failed.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::serve
