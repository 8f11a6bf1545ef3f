// A real Prometheus (Debian's package) scraping our server with a bearer token, queried through
// its HTTP API for netaudit_device_up of every synthetic device.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "prometheus_process.hpp"
#include "synthetic_fleet.hpp"

TEST_CASE("prometheus: a real scrape sees netaudit_device_up of every device") {
  constexpr int kDevices = 60;
  const std::string token = "metrics-token-for-the-test";
  netaudit::http::DaemonMetrics metrics;
  const auto fleet = netaudit::test::synthetic_fleet(kDevices);
  metrics.update_state(fleet.devices, fleet.failing);
  metrics.set_build_info("0.1.0", "baseline");

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  boost::asio::thread_pool workers{2};
  netaudit::http::ServerOptions options;
  options.port = 0;
  std::atomic<int> unauthorised{0};
  netaudit::http::HttpServer server(
      io, workers.get_executor(), options, [&](const netaudit::http::Request& request) {
        const std::string expected = "Bearer " + token;
        if (!netaudit::http::constant_time_equal(request.header("authorization"), expected)) {
          ++unauthorised;
          return netaudit::http::Response{401, "application/json", "{\"error\":\"token\"}", {}};
        }
        return netaudit::http::Response{
            200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}};
      });
  std::thread loop([&] { io.run(); });

  {
    netaudit::test::PrometheusOptions prometheus_options;
    prometheus_options.targets = {"127.0.0.1:" + std::to_string(server.port())};
    prometheus_options.bearer_token = token;
    netaudit::test::PrometheusProcess prometheus(prometheus_options);

    const auto data = prometheus.wait_for("netaudit_device_up", [&](const nlohmann::json& result) {
      return result.at("result").size() == static_cast<std::size_t>(kDevices);
    });
    std::set<std::string> seen;
    for (const auto& series : data.at("result")) {
      const std::string device = series.at("metric").at("device");
      const int index = std::stoi(device.substr(1));
      CHECK(series.at("metric").at("job") == "netaudit");
      CHECK(series.at("value").at(1) == (index % 5 == 4 ? "0" : "1"));
      seen.insert(device);
    }
    CHECK(seen.size() == static_cast<std::size_t>(kDevices));
    // Prometheus parsed the whole exposition: a histogram-free family and the info labels too.
    const auto info = prometheus.query("netaudit_device_info{device=\"r1\"}");
    REQUIRE(info.at("result").size() == 1);
    CHECK(info.at("result")[0].at("metric").at("rack_id") == "A1");
    const auto up = prometheus.query("up{job=\"netaudit\"}");
    REQUIRE(up.at("result").size() == 1);
    CHECK(up.at("result")[0].at("value").at(1) == "1");
  }
  CHECK(unauthorised == 0);  // every scrape carried the token

  server.stop();
  guard.reset();
  io.stop();
  loop.join();
  workers.join();
}
