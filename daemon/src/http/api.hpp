// The routes of `netaudit serve` (documented in docs/serve.md, "HTTP API"): /metrics, /healthz,
// /readyz and the JSON API under /api/v1, read from the store. The only write is POST
// .../audit, which hands the device to the scheduler through a hook. Api::handle is the
// HttpServer's Handler: it blocks on store reads, so it runs on the worker executor.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/metrics.hpp"
#include "http/server.hpp"
#include "store/store.hpp"

namespace netaudit::http {

struct ApiOptions {
  std::string write_token;    // bearer token for POSTs; empty: every POST is refused (403)
  std::string read_token;     // bearer token for GETs under /api; empty: open
  std::string metrics_token;  // bearer token for /metrics; empty: open
  // /metrics rebuilds the fleet series from the store before rendering (one devices() and one
  // findings(verdict=fail) read). Off when the daemon calls refresh_metrics itself.
  bool refresh_metrics_on_scrape = true;
};

struct ApiHooks {
  std::function<bool()> ready;  // /readyz: true once the store is open and policies are loaded
  // POST /api/v1/devices/{name}/audit: queue a collection and audit now; the job id, or nullopt
  // for a device the scheduler does not know (404). Called on a worker thread.
  std::function<std::optional<std::string>(const std::string& device)> enqueue_audit;
};

class Api {
 public:
  Api(const store::Store& store, DaemonMetrics& metrics, ApiOptions options, ApiHooks hooks);
  Response handle(const Request& request) const;
  void set_options(ApiOptions options);  // new tokens after a reload

 private:
  ApiOptions options() const;
  const store::Store& store_;
  DaemonMetrics& metrics_;
  ApiHooks hooks_;
  mutable std::mutex options_mutex_;
  ApiOptions options_;
};

// The fleet series of `metrics` from the store's current state.
void refresh_metrics(DaemonMetrics& metrics, const store::Store& store);

// Compares without an early exit, so the time taken does not tell how much of a token matched.
bool constant_time_equal(std::string_view a, std::string_view b);

// RFC 3339 UTC with milliseconds ("2026-12-03T13:17:29.123Z") and back; parse_time also takes
// unix seconds ("1764767849" or "1764767849.5") and offsets ("+01:00"). nullopt when malformed.
std::string format_rfc3339(store::TimestampMs at);
std::optional<store::TimestampMs> parse_time(std::string_view text);

}  // namespace netaudit::http
