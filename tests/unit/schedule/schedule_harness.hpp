// A scheduler under test on a real io_context (its own thread) and a real worker pool: the
// runner measures what runs at once (globally, per group, per device) and finishes each job on
// the pool after the work time the test's plan says, or never (a hung job).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "schedule/pools.hpp"
#include "schedule/scheduler.hpp"

namespace netaudit::test {

using namespace std::chrono_literals;
namespace sched = netaudit::schedule;

// The event loop: runs the io_context on its own thread until destroyed.
class LoopThread {
 public:
  explicit LoopThread(boost::asio::io_context& io)
      : io_(io), work_(io.get_executor()), thread_([this] { io_.run(); }) {}
  ~LoopThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }

 private:
  boost::asio::io_context& io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

struct JobPlan {
  std::chrono::milliseconds work = 10ms;
  sched::JobResult result{};
  bool hang = false;  // never call done (kept, so the test may call it late)
};

struct StartedJob {
  sched::JobRequest request;
  std::chrono::steady_clock::time_point at;
};

class Harness {
 public:
  using Plan = std::function<JobPlan(const sched::JobRequest&)>;

  explicit Harness(sched::ScheduleOptions options, Plan plan = {},
                   std::map<std::string, std::vector<std::string>> device_groups = {})
      : plan_(plan ? std::move(plan) : [](const sched::JobRequest&) { return JobPlan{}; }),
        groups_of_(std::move(device_groups)),
        pool_("test-collect", 16) {
    sched::SchedulerHooks hooks;
    hooks.on_job_end = [this](const sched::JobEnd& end) {
      std::lock_guard lock(mutex_);
      ends_.push_back(end);
      changed_.notify_all();
    };
    hooks.on_cycle_end = [this](const sched::CycleReport& report) {
      std::lock_guard lock(mutex_);
      cycles_.push_back(report);
      changed_.notify_all();
    };
    scheduler_.emplace(
        io_, std::move(options),
        [this](const sched::JobRequest& request, sched::DoneCallback done) {
          run(request, std::move(done));
        },
        std::move(hooks));
  }
  ~Harness() {
    // Pool first (its jobs call done), then the scheduler, then the loop.
    pool_.join();
    scheduler_.reset();
  }

  sched::Scheduler& scheduler() { return *scheduler_; }
  boost::asio::io_context& io() { return io_; }

  // Waits (bounded) until pred() holds under the harness lock. Woken by every job start, end
  // and cycle end, and every 10 ms for predicates on state the harness is not told about
  // (the scheduler's stats).
  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::unique_lock lock(mutex_);
    while (!changed_.wait_for(lock, 10ms, pred)) {
      if (std::chrono::steady_clock::now() > until) return false;
    }
    return true;
  }
  template <class F>
  auto locked(F&& read) {
    std::lock_guard lock(mutex_);
    return read();
  }
  void notify() {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  }

  // Set under the lock; read them in wait_until predicates or locked().
  std::vector<StartedJob> started_;
  std::vector<sched::JobEnd> ends_;
  std::vector<sched::CycleReport> cycles_;
  struct Hung {
    std::string device;
    sched::DoneCallback done;
  };
  std::vector<Hung> hung_;

  // Calls the done() of the i-th hung job now (late, or to release it).
  void complete_hung(std::size_t index, sched::JobResult result = {}) {
    sched::DoneCallback done;
    {
      std::lock_guard lock(mutex_);
      leave(hung_.at(index).device);
      done = hung_.at(index).done;
    }
    done(std::move(result));
  }
  int in_flight_ = 0, max_in_flight_ = 0;
  std::map<std::string, int> group_in_flight_, group_max_;
  std::map<std::string, int> device_in_flight_, device_max_;

  std::size_t starts_of(const std::string& device) const {
    std::size_t n = 0;
    for (const auto& job : started_)
      n += job.request.device == device;
    return n;
  }

 private:
  void run(const sched::JobRequest& request, sched::DoneCallback done) {
    const JobPlan plan = plan_(request);
    {
      std::lock_guard lock(mutex_);
      started_.push_back({request, std::chrono::steady_clock::now()});
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      for (const auto& group : groups_of_[request.device])
        group_max_[group] = std::max(group_max_[group], ++group_in_flight_[group]);
      device_max_[request.device] =
          std::max(device_max_[request.device], ++device_in_flight_[request.device]);
      if (plan.hang) {
        hung_.push_back({request.device, std::move(done)});
        changed_.notify_all();
        return;
      }
      changed_.notify_all();
    }
    pool_.post([this, request, plan, done = std::move(done)] {
      std::this_thread::sleep_for(plan.work);  // the simulated blocking collection
      {
        std::lock_guard lock(mutex_);
        leave(request.device);
      }
      done(plan.result);
    });
  }
  void leave(const std::string& device) {
    --in_flight_;
    for (const auto& group : groups_of_[device])
      --group_in_flight_[group];
    --device_in_flight_[device];
  }

  Plan plan_;
  std::map<std::string, std::vector<std::string>> groups_of_;
  std::mutex mutex_;
  std::condition_variable changed_;
  boost::asio::io_context io_;
  LoopThread loop_{io_};
  std::optional<sched::Scheduler> scheduler_;
  sched::WorkerPool pool_;
};

inline std::vector<sched::DeviceEntry> device_list(
    int count, const std::string& prefix = "dev",
    const std::map<std::string, std::vector<std::string>>& groups = {}) {
  std::vector<sched::DeviceEntry> devices;
  for (int i = 0; i < count; ++i) {
    sched::DeviceEntry entry{prefix + std::to_string(i), {}};
    if (auto it = groups.find(entry.name); it != groups.end()) entry.groups = it->second;
    devices.push_back(std::move(entry));
  }
  return devices;
}

}  // namespace netaudit::test
