#include "prometheus_process.hpp"

#include <fstream>
#include <stdexcept>
#include <thread>

#include "http_client.hpp"
#include "test_paths.hpp"

namespace netaudit::test {
namespace {

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

}  // namespace

PrometheusProcess::PrometheusProcess(PrometheusOptions options,
                                     std::chrono::seconds start_timeout) {
  if (!std::filesystem::exists(options.binary))
    throw std::runtime_error(options.binary +
                             " is missing: install Debian's prometheus (scripts/install-deps.sh)");
  port_ = free_local_port();
  std::string config =
      "global:\n  scrape_interval: " + options.scrape_interval +
      "\n  scrape_timeout: " + options.scrape_interval +
      "\nscrape_configs:\n  - job_name: netaudit\n    metrics_path: " + options.metrics_path + "\n";
  if (!options.bearer_token.empty()) {
    dir_.write("token", options.bearer_token);
    config += "    authorization:\n      type: Bearer\n      credentials_file: " +
              (dir_.path() / "token").string() + "\n";
  }
  config += "    static_configs:\n      - targets: [";
  for (std::size_t i = 0; i < options.targets.size(); ++i)
    config += (i ? ", '" : "'") + options.targets[i] + "'";
  config += "]\n";
  dir_.write("prometheus.yml", config);
  std::filesystem::create_directories(dir_.path() / "data");

  process_ =
      ChildProcess({options.binary, "--config.file=" + (dir_.path() / "prometheus.yml").string(),
                    "--storage.tsdb.path=" + (dir_.path() / "data").string(),
                    "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
                   dir_.path() / "prometheus.log");
  const auto until = std::chrono::steady_clock::now() + start_timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (!process_.running()) throw std::runtime_error("prometheus exited at start:\n" + log());
    try {
      if (http_get(port_, "/-/ready").status == 200) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("prometheus was not ready within " +
                           std::to_string(start_timeout.count()) + " s:\n" + log());
}

nlohmann::json PrometheusProcess::query(const std::string& promql) const {
  const HttpResponse response = http_get(port_, "/api/v1/query?query=" + url_encode(promql));
  const auto body = nlohmann::json::parse(response.body);
  if (body.value("status", "") != "success")
    throw std::runtime_error("prometheus query '" + promql + "' failed: " + response.body);
  return body.at("data");
}

nlohmann::json PrometheusProcess::targets() const {
  return nlohmann::json::parse(http_get(port_, "/api/v1/targets").body).at("data");
}

nlohmann::json PrometheusProcess::wait_for(const std::string& promql,
                                           const std::function<bool(const nlohmann::json&)>& done,
                                           std::chrono::seconds timeout) const {
  const auto until = std::chrono::steady_clock::now() + timeout;
  nlohmann::json data;
  while (true) {
    data = query(promql);
    if (done(data)) return data;
    if (std::chrono::steady_clock::now() > until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw std::runtime_error("prometheus: '" + promql +
                           "' did not reach the expected result within " +
                           std::to_string(timeout.count()) + " s; last: " + data.dump() +
                           "\ntargets: " + targets().dump() + "\nlog:\n" + log());
}

std::string PrometheusProcess::log() const {
  try {
    return read_file(dir_.path() / "prometheus.log");
  } catch (const std::exception&) {
    return "(no log)";
  }
}

}  // namespace netaudit::test
