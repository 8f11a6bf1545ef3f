#include "http/refresher.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <mutex>

#include "http/api.hpp"

namespace netaudit::http {

namespace asio = boost::asio;

struct MetricsRefresher::State : std::enable_shared_from_this<MetricsRefresher::State> {
  State(asio::io_context& io, asio::any_io_executor worker_executor, DaemonMetrics& daemon_metrics,
        const store::Store& daemon_store, std::chrono::milliseconds every)
      : strand(asio::make_strand(io)),
        timer(strand),
        worker(std::move(worker_executor)),
        metrics(daemon_metrics),
        store(daemon_store),
        interval(every) {}

  // On the strand from here on.
  void start_refresh() {
    if (stopped) return;
    if (running) {
      pending = true;
      return;
    }
    {
      // Together with the destructor's check under the same lock: either it sees this refresh
      // in flight and waits, or this sees it stopped and starts nothing.
      std::lock_guard lock(mutex);
      if (stopped) return;
      in_flight = true;
    }
    running = true;
    asio::post(worker, [self = shared_from_this()] {
      try {
        refresh_metrics(self->metrics, self->store);
      } catch (const std::exception& error) {
        spdlog::warn("metrics: refreshing from the store failed: {}", error.what());
      }
      ++self->completed;
      {
        std::lock_guard lock(self->mutex);
        self->in_flight = false;
      }
      self->done.notify_all();
      asio::post(self->strand, [self] {
        self->running = false;
        if (self->pending) {
          self->pending = false;
          self->start_refresh();
        } else {
          self->arm_timer();
        }
      });
    });
  }

  void arm_timer() {
    if (stopped) return;
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error) self->start_refresh();
    });
  }

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  asio::any_io_executor worker;
  DaemonMetrics& metrics;
  const store::Store& store;
  std::chrono::milliseconds interval;
  std::atomic<bool> stopped{false};
  bool running = false;  // strand only
  bool pending = false;  // strand only
  std::atomic<std::uint64_t> completed{0};
  std::mutex mutex;
  std::condition_variable done;
  bool in_flight = false;  // guarded by mutex
};

MetricsRefresher::MetricsRefresher(asio::io_context& io, asio::any_io_executor worker,
                                   DaemonMetrics& metrics, const store::Store& store,
                                   std::chrono::milliseconds interval)
    : state_(std::make_shared<State>(io, std::move(worker), metrics, store, interval)) {
  request_refresh();
}

MetricsRefresher::~MetricsRefresher() {
  std::unique_lock lock(state_->mutex);
  state_->stopped = true;
  asio::post(state_->strand, [state = state_] { state->timer.cancel(); });
  state_->done.wait(lock, [&] { return !state_->in_flight; });
}

void MetricsRefresher::request_refresh() {
  asio::post(state_->strand, [state = state_] { state->start_refresh(); });
}

std::uint64_t MetricsRefresher::refreshes() const {
  return state_->completed;
}

}  // namespace netaudit::http
