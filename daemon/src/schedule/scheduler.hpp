// The scheduler decides WHEN a device's job runs; the job itself (collect, audit, store) is a
// callback the daemon gives. It runs on the daemon's event loop (a Boost.Asio io_context the
// caller owns and runs) and never blocks it: the runner must hand blocking work to a pool.
//
// Cycles: every `interval` each device runs once, at a stable offset in the interval (a hash of
// its name, as Prometheus spreads its scrape targets) plus a random jitter. A cycle ends when
// every device of it has finished, retries included. A cycle still unfinished at the end of its
// interval is an overrun (counted once per cycle); the next cycle starts only when it has
// finished, so cycles never overlap.
//
// Limits: at most `concurrency` jobs at once, at most group_limits[g] jobs of a group g at once,
// never two jobs of one device at once. A job that has not called done() by `job_timeout` is
// timed out: its slot is freed, the device may run again, and its late done() is ignored.
//
// Thread-safety: every public member may be called from any thread. The runner and the hooks
// are called on the io_context, never with a lock held.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit::schedule {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;
using JobId = std::uint64_t;  // unique per Scheduler, from 1

enum class JobReason { scheduled, retry, on_demand, syslog };
std::string_view to_string(JobReason reason);

struct JobRequest {
  std::string device;
  JobReason reason = JobReason::scheduled;
  unsigned attempt = 1;  // 1 = first try; retries count up to 1 + ScheduleOptions::retries
  JobId id = 0;
  // Becomes true when the scheduler has given up on the job (timed out, or stop()'s deadline
  // passed): the runner may check it between blocking steps and abandon the rest.
  std::shared_ptr<const std::atomic<bool>> abandoned;
  bool is_abandoned() const { return abandoned && abandoned->load(); }
};

enum class JobOutcome {
  ok,
  failed_retryable,  // retried with backoff while attempts remain (e.g. unreachable, timeout)
  failed_final,      // never retried in this cycle (e.g. authentication failed, bad profile)
};
std::string_view to_string(JobOutcome outcome);

struct JobResult {
  JobOutcome outcome = JobOutcome::ok;
  std::string error;  // short, for logs; never a secret
};

// The runner starts the job and returns at once; it calls `done` exactly once, from any thread
// (the scheduler posts it back to the loop). Calls after the first, or after the job was timed
// out, are ignored. If the runner throws, the job counts as failed_retryable.
using DoneCallback = std::function<void(JobResult)>;
using JobRunner = std::function<void(const JobRequest&, DoneCallback done)>;

struct DeviceEntry {
  std::string name;
  // Groups whose limits apply, e.g. "platform:cisco_iosxr" or "site:par1"; groups without an
  // entry in ScheduleOptions::group_limits are unlimited.
  std::vector<std::string> groups;
};

// The groups of a device as docs/serve.md describes them: "platform:<platform>" (when known)
// and "<label>:<value>" for each inventory label. `labels` is any map of string to string.
template <class LabelMap>
std::vector<std::string> device_groups(std::string_view platform, const LabelMap& labels) {
  std::vector<std::string> groups;
  if (!platform.empty()) groups.push_back("platform:" + std::string(platform));
  for (const auto& [key, value] : labels)
    groups.push_back(std::string(key) + ":" + std::string(value));
  return groups;
}

struct ScheduleOptions {
  Millis interval = std::chrono::minutes(15);
  double jitter = 0.1;  // fraction of the interval, in [0, 1)
  unsigned concurrency = 50;
  Millis job_timeout = std::chrono::seconds(120);
  unsigned retries = 2;                             // retries after the first attempt
  Millis retry_backoff = std::chrono::seconds(30);  // before the first retry; doubles
  // Cap of the doubling (retry_backoff itself when that is larger).
  Millis retry_backoff_max = std::chrono::minutes(5);
  std::map<std::string, unsigned, std::less<>> group_limits;  // group -> max jobs at once (>= 1)
};

// Throws std::invalid_argument naming the field when an option is out of range.
void validate(const ScheduleOptions& options);

// Counters since construction (monotonic; the daemon exports them).
struct SchedulerStats {
  std::uint64_t jobs_started = 0;
  std::uint64_t jobs_ok = 0;
  std::uint64_t jobs_failed = 0;     // done() with failed_retryable or failed_final
  std::uint64_t jobs_timed_out = 0;  // no done() by the deadline (also abandoned by stop())
  std::uint64_t retries_scheduled = 0;
  std::uint64_t late_completions = 0;  // done() after a timeout, or a second done()
  std::uint64_t on_demand_coalesced = 0;
  std::uint64_t cycles_completed = 0;
  std::uint64_t cycle_overruns = 0;  // netaudit_cycle_overruns_total
  // Gauges at the time of the call.
  std::size_t in_flight = 0;
  std::size_t queued = 0;
  std::size_t devices = 0;
};

struct CycleReport {
  std::uint64_t number = 0;   // 1, 2, ... (run_cycle_once: its own number in the same sequence)
  std::size_t devices = 0;    // devices that belonged to the cycle
  std::size_t ok = 0;         // ended with ok (possibly after retries)
  std::size_t failed = 0;     // ended failed (final, retries exhausted, or timed out last)
  std::size_t timed_out = 0;  // jobs of the cycle that timed out (any attempt)
  std::size_t retries = 0;    // retry attempts made in the cycle
  Clock::time_point started;
  Clock::time_point finished;
  bool overran = false;  // not finished within its interval
};

// How each job ended, for metrics and logs (called on the loop after every job).
struct JobEnd {
  JobRequest request;
  JobOutcome outcome = JobOutcome::ok;  // a timeout is failed_retryable
  bool timed_out = false;
  bool will_retry = false;
  std::string error;
  Millis duration{0};
};

struct SchedulerHooks {
  std::function<void(const JobEnd&)> on_job_end;
  std::function<void(const CycleReport&)> on_cycle_end;
};

struct StopReport {
  std::size_t abandoned = 0;  // jobs still running when the deadline passed
};

class Scheduler {
 public:
  // The io_context must outlive the scheduler and every done() call (join the pools first).
  // Throws std::invalid_argument on bad options.
  Scheduler(boost::asio::io_context& io, ScheduleOptions options, JobRunner runner,
            SchedulerHooks hooks = {});
  ~Scheduler();  // cancels timers; running jobs' done() calls become no-ops
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Replaces the device list (startup and every reload). A device that stays keeps its state:
  // a running or queued job, its retries, its place in the current cycle. A new device joins
  // the current cycle if its slot is still ahead, else the next. A removed device's queued jobs
  // are dropped; a running one finishes but is not retried. Duplicate names: the first wins.
  void set_devices(std::vector<DeviceEntry> devices);

  // Starts periodic cycles (the first starts now). Once only; not with run_cycle_once().
  void start();

  // Runs every device once now, at most `concurrency` at a time, with retries, then calls
  // on_done on the loop (for `serve --once`). Not with start(); once only.
  void run_cycle_once(std::function<void(const CycleReport&)> on_done);

  // Queues a job for the device ahead of scheduled ones. Unknown device, or stopped: nullopt.
  // When the device already has an on-demand job queued (not yet started), returns that job's
  // id (coalesced). When it is running, one more run is queued to follow it.
  std::optional<JobId> run_now(std::string_view device, JobReason reason = JobReason::on_demand);

  // Stops taking jobs: timers cancelled, queues dropped, run_now refused. Jobs in flight may
  // finish until `deadline`; then the rest are abandoned. on_stopped is called once on the loop
  // when nothing runs any more or the deadline passed, whichever comes first.
  void stop(Millis deadline, std::function<void(const StopReport&)> on_stopped = {});

  SchedulerStats stats() const;
  const ScheduleOptions& options() const;

  // The device's stable offset from a cycle's start, in [0, interval * (1 - jitter)).
  static Millis offset_of(std::string_view device, Millis interval, double jitter);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace netaudit::schedule
