// Keeps DaemonMetrics' fleet series current from the store, off the scrape path: every
// `interval`, and soon after request_refresh(), one refresh_metrics() runs on the worker
// executor (never two at once). A scrape then only copies the prepared text, so /metrics stays
// fast for large fleets; the series are at most `interval` old.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>

#include "http/metrics.hpp"
#include "store/store.hpp"

namespace netaudit::http {

class MetricsRefresher {
 public:
  // Starts at once (the first refresh runs as soon as the io_context does).
  MetricsRefresher(boost::asio::io_context& io, boost::asio::any_io_executor worker,
                   DaemonMetrics& metrics, const store::Store& store,
                   std::chrono::milliseconds interval = std::chrono::seconds(10));
  // Stops the timer and waits for a refresh in flight to finish.
  ~MetricsRefresher();
  MetricsRefresher(const MetricsRefresher&) = delete;
  MetricsRefresher& operator=(const MetricsRefresher&) = delete;

  // Refresh now (or right after the one running): e.g. when a cycle finished. Any thread.
  void request_refresh();
  std::uint64_t refreshes() const;  // completed so far

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace netaudit::http
