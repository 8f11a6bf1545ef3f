// A real Prometheus server (Debian's /usr/bin/prometheus) for tests: started on 127.0.0.1 with
// a generated scrape config and its TSDB in a private folder, stopped by PID (RAII). Queries go
// through its HTTP API; waits poll a condition, never sleep a fixed time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openssh_server.hpp"  // ChildProcess
#include "temp_dir.hpp"

namespace netaudit::test {

struct PrometheusOptions {
  std::vector<std::string> targets;  // "127.0.0.1:PORT", scraped by job "netaudit"
  std::string metrics_path = "/metrics";
  std::string bearer_token;  // sent as Authorization: Bearer when not empty
  std::string scrape_interval = "1s";
  std::string binary = "/usr/bin/prometheus";
};

class PrometheusProcess {
 public:
  // Returns once /-/ready answers 200; throws with Prometheus' log when it does not start
  // within `start_timeout` or the binary is missing.
  explicit PrometheusProcess(PrometheusOptions options,
                             std::chrono::seconds start_timeout = std::chrono::seconds(90));
  ~PrometheusProcess() = default;
  PrometheusProcess(const PrometheusProcess&) = delete;
  PrometheusProcess& operator=(const PrometheusProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // GET /api/v1/query?query=...: the "data" object; throws when the status is not "success".
  nlohmann::json query(const std::string& promql) const;
  // Polls `promql` until `done(data)` holds; returns the last data. Throws with the targets'
  // state and the log after `timeout`.
  nlohmann::json wait_for(const std::string& promql,
                          const std::function<bool(const nlohmann::json& data)>& done,
                          std::chrono::seconds timeout = std::chrono::seconds(120)) const;
  nlohmann::json targets() const;  // /api/v1/targets "data"
  std::string log() const;

 private:
  TempDir dir_{"netaudit-prometheus"};
  std::uint16_t port_ = 0;
  ChildProcess process_;
};

}  // namespace netaudit::test
