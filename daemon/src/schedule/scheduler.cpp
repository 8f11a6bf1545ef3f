#include "schedule/scheduler.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <exception>
#include <list>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>

#include "schedule/stable_hash.hpp"

namespace netaudit::schedule {

std::string_view to_string(JobReason reason) {
  switch (reason) {
    case JobReason::scheduled:
      return "scheduled";
    case JobReason::retry:
      return "retry";
    case JobReason::on_demand:
      return "on_demand";
    case JobReason::syslog:
      return "syslog";
  }
  return "?";
}

std::string_view to_string(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::ok:
      return "ok";
    case JobOutcome::failed_retryable:
      return "failed_retryable";
    case JobOutcome::failed_final:
      return "failed_final";
  }
  return "?";
}

void validate(const ScheduleOptions& options) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("schedule: " + what); };
  if (options.interval <= Millis(0)) bad("interval must be positive");
  if (!(options.jitter >= 0.0 && options.jitter < 1.0)) {
    bad("jitter must be at least 0% and below 100% of the interval");
  }
  if (options.concurrency < 1) bad("concurrency must be at least 1");
  if (options.job_timeout <= Millis(0)) bad("job_timeout must be positive");
  if (options.retry_backoff < Millis(0)) bad("retry_backoff must not be negative");
  for (const auto& [group, limit] : options.group_limits) {
    if (group.empty()) bad("a group limit has an empty group name");
    if (limit < 1) bad("the limit of group '" + group + "' must be at least 1");
  }
}

Millis Scheduler::offset_of(std::string_view device, Millis interval, double jitter) {
  const auto span = static_cast<std::uint64_t>(
      std::max<double>(1.0, static_cast<double>(interval.count()) * (1.0 - jitter)));
  return Millis(static_cast<Millis::rep>(stable_hash(device) % span));
}

namespace {

using Timer = boost::asio::steady_timer;

struct Running {
  JobRequest request;
  bool cycle_job = false;
  Clock::time_point started;
  std::shared_ptr<std::atomic<bool>> abandoned;
  std::unique_ptr<Timer> deadline;
};

struct Device {
  std::string name;
  std::vector<std::string> groups;
  bool present = true;  // false once set_devices() dropped it (kept while its job runs)
  Millis offset{0};

  // The current cycle.
  bool in_cycle = false;  // owes the cycle a finished job
  unsigned attempt = 1;   // of the cycle job, next or now
  bool cycle_queued = false;
  std::unique_ptr<Timer> timer;  // the cycle slot, or the backoff before a retry
  std::uint64_t timer_generation = 0;

  // On demand.
  std::optional<std::pair<JobId, JobReason>> urgent_queued;

  std::optional<Running> running;
};
using DevicePtr = std::shared_ptr<Device>;

struct Cycle {
  CycleReport report;
  std::size_t pending = 0;
  bool once = false;
  std::function<void(const CycleReport&)> on_done;
};

// Work that must run after the lock is released: runners and hooks.
struct Deferred {
  std::vector<std::pair<JobRequest, DoneCallback>> launches;
  std::vector<JobEnd> job_ends;
  std::vector<std::pair<CycleReport, std::function<void(const CycleReport&)>>> cycle_ends;
  std::function<void()> stopped;
};

}  // namespace

struct Scheduler::Impl : std::enable_shared_from_this<Scheduler::Impl> {
  Impl(boost::asio::io_context& io_context, ScheduleOptions opts, JobRunner job_runner,
       SchedulerHooks job_hooks)
      : io(io_context),
        options(std::move(opts)),
        runner(std::move(job_runner)),
        hooks(std::move(job_hooks)),
        cycle_timer(io_context),
        stop_timer(io_context),
        random(std::random_device{}()) {}

  boost::asio::io_context& io;
  const ScheduleOptions options;
  const JobRunner runner;
  const SchedulerHooks hooks;

  mutable std::mutex mutex;  // guards everything below
  std::map<std::string, DevicePtr, std::less<>> devices;
  std::list<DevicePtr> urgent_queue;  // on-demand jobs, served first
  std::list<DevicePtr> normal_queue;  // cycle jobs whose slot or backoff has passed
  std::map<std::string, unsigned, std::less<>> group_running;
  std::size_t running = 0;
  JobId next_job_id = 1;
  SchedulerStats stats;

  std::optional<Cycle> cycle;
  std::uint64_t cycle_numbers = 0;
  bool started = false;
  Timer cycle_timer;  // the end of the current cycle's interval
  std::uint64_t cycle_timer_generation = 0;

  bool stopped = false;
  bool stop_notified = false;
  bool abandoning = false;             // on_stop_deadline is ending every job itself
  std::atomic<bool> destroyed{false};  // ~Scheduler ran: no runner or hook is called any more
  std::function<void(const StopReport&)> on_stopped;
  Timer stop_timer;

  std::mt19937_64 random;

  // --- helpers (lock held) ---

  double uniform(double high) {
    if (high <= 0.0) return 0.0;
    return std::uniform_real_distribution<double>(0.0, high)(random);
  }

  void post_dispatch() {
    boost::asio::post(io, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->dispatch_now();
    });
  }

  void dispatch_now() {
    Deferred deferred;
    {
      std::lock_guard lock(mutex);
      dispatch(deferred);
    }
    run(deferred);
  }

  void arm_device_timer(const DevicePtr& device, Clock::time_point when) {
    if (!device->timer) device->timer = std::make_unique<Timer>(io);
    const std::uint64_t generation = ++device->timer_generation;
    device->timer->expires_at(when);
    // Handlers hold the device weakly: only the scheduler owns devices (and their timers).
    device->timer->async_wait([weak = weak_from_this(), weak_device = std::weak_ptr(device),
                               generation](const boost::system::error_code& error) {
      if (error) return;
      auto self = weak.lock();
      auto device = weak_device.lock();
      if (!self || !device) return;
      Deferred deferred;
      {
        std::lock_guard lock(self->mutex);
        if (device->timer_generation != generation || self->stopped || !device->present ||
            !device->in_cycle) {
          return;
        }
        if (!device->cycle_queued) {
          device->cycle_queued = true;
          self->normal_queue.push_back(device);
        }
        self->dispatch(deferred);
      }
      self->run(deferred);
    });
  }

  void cancel_device_timer(Device& device) {
    ++device.timer_generation;
    if (device.timer) device.timer->cancel();
  }

  bool groups_allow(const Device& device) const {
    for (const auto& group : device.groups) {
      const auto limit = options.group_limits.find(group);
      if (limit == options.group_limits.end()) continue;
      const auto now = group_running.find(group);
      if (now != group_running.end() && now->second >= limit->second) return false;
    }
    return true;
  }

  void dispatch(Deferred& deferred) {
    if (stopped) return;
    for (auto* queue : {&urgent_queue, &normal_queue}) {
      const bool urgent = queue == &urgent_queue;
      for (auto it = queue->begin(); it != queue->end() && running < options.concurrency;) {
        const DevicePtr device = *it;
        const bool valid =
            device->present && (urgent ? device->urgent_queued.has_value() : device->cycle_queued);
        if (!valid) {
          it = queue->erase(it);
          continue;
        }
        if (device->running || !groups_allow(*device)) {
          ++it;
          continue;
        }
        it = queue->erase(it);
        launch(device, urgent, deferred);
      }
    }
  }

  void launch(const DevicePtr& device, bool urgent, Deferred& deferred) {
    JobRequest request;
    request.device = device->name;
    if (urgent) {
      request.id = device->urgent_queued->first;
      request.reason = device->urgent_queued->second;
      request.attempt = 1;
      device->urgent_queued.reset();
    } else {
      request.id = next_job_id++;
      request.attempt = device->attempt;
      request.reason = device->attempt > 1 ? JobReason::retry : JobReason::scheduled;
      device->cycle_queued = false;
    }
    auto abandoned = std::make_shared<std::atomic<bool>>(false);
    request.abandoned = abandoned;

    Running job;
    job.request = request;
    job.cycle_job = !urgent;
    job.started = Clock::now();
    job.abandoned = abandoned;
    job.deadline = std::make_unique<Timer>(io);
    job.deadline->expires_after(options.job_timeout);
    job.deadline->async_wait([weak = weak_from_this(), weak_device = std::weak_ptr(device),
                              id = request.id](const boost::system::error_code& error) {
      if (error) return;
      auto self = weak.lock();
      auto device = weak_device.lock();
      if (self && device) self->on_deadline(device, id);
    });
    device->running = std::move(job);
    for (const auto& group : device->groups)
      ++group_running[group];
    ++running;
    ++stats.jobs_started;
    const JobId id = request.id;
    deferred.launches.emplace_back(std::move(request), make_done(device, id));
  }

  DoneCallback make_done(const DevicePtr& device, JobId id) {
    auto called = std::make_shared<std::atomic<bool>>(false);
    return [weak = weak_from_this(), weak_device = std::weak_ptr(device), id,
            called](JobResult result) {
      auto self = weak.lock();
      if (!self) return;
      if (called->exchange(true)) {
        std::lock_guard lock(self->mutex);
        ++self->stats.late_completions;
        return;
      }
      boost::asio::post(self->io, [self, weak_device, id, result = std::move(result)]() mutable {
        if (auto device = weak_device.lock()) {
          self->on_done(device, id, std::move(result));
        } else {
          std::lock_guard lock(self->mutex);
          ++self->stats.late_completions;  // the device is gone (removed, scheduler destroyed)
        }
      });
    };
  }

  void on_done(const DevicePtr& device, JobId id, JobResult result) {
    Deferred deferred;
    {
      std::lock_guard lock(mutex);
      if (destroyed) return;
      if (!device->running || device->running->request.id != id) {
        ++stats.late_completions;  // timed out, or abandoned by stop()
        return;
      }
      finish_job(device, result.outcome, false, std::move(result.error), deferred);
      dispatch(deferred);
    }
    run(deferred);
  }

  void on_deadline(const DevicePtr& device, JobId id) {
    Deferred deferred;
    {
      std::lock_guard lock(mutex);
      if (!device->running || device->running->request.id != id) return;
      device->running->abandoned->store(true);
      finish_job(
          device, JobOutcome::failed_retryable, true,
          "no result within job_timeout (" + std::to_string(options.job_timeout.count()) + " ms)",
          deferred);
      dispatch(deferred);
    }
    run(deferred);
  }

  void finish_job(const DevicePtr& device, JobOutcome outcome, bool timed_out, std::string error,
                  Deferred& deferred) {
    Running job = std::move(*device->running);
    device->running.reset();
    job.deadline->cancel();
    for (const auto& group : device->groups) {
      auto it = group_running.find(group);
      if (it != group_running.end() && --it->second == 0) group_running.erase(it);
    }
    --running;
    if (timed_out) {
      ++stats.jobs_timed_out;
    } else if (outcome == JobOutcome::ok) {
      ++stats.jobs_ok;
    } else {
      ++stats.jobs_failed;
    }

    JobEnd end;
    end.outcome = outcome;
    end.timed_out = timed_out;
    end.error = std::move(error);
    end.duration = std::chrono::duration_cast<Millis>(Clock::now() - job.started);

    if (job.cycle_job && cycle && device->in_cycle) {
      Cycle& current = *cycle;
      if (timed_out) ++current.report.timed_out;
      const bool may_retry = outcome == JobOutcome::failed_retryable && device->present &&
                             !stopped && job.request.attempt <= options.retries;
      if (outcome == JobOutcome::ok) {
        ++current.report.ok;
        device_done_with_cycle(*device, deferred);
      } else if (may_retry) {
        end.will_retry = true;
        ++current.report.retries;
        ++stats.retries_scheduled;
        device->attempt = job.request.attempt + 1;
        arm_device_timer(device, Clock::now() + backoff(job.request.attempt));
      } else {
        ++current.report.failed;
        device_done_with_cycle(*device, deferred);
      }
    }
    end.request = std::move(job.request);
    if (hooks.on_job_end) deferred.job_ends.push_back(std::move(end));

    if (!device->present && !device->running) {
      auto it = devices.find(device->name);
      if (it != devices.end() && it->second == device) devices.erase(it);
    }
    if (stopped && running == 0 && !abandoning) notify_stopped(0, deferred);
  }

  Millis backoff(unsigned attempt) {
    double delay = static_cast<double>(options.retry_backoff.count());
    for (unsigned i = 1; i < attempt; ++i)
      delay *= 2.0;
    delay = std::min(
        delay,
        static_cast<double>(std::max(options.retry_backoff_max, options.retry_backoff).count()));
    delay += uniform(delay * options.jitter);
    return Millis(static_cast<Millis::rep>(delay));
  }

  void device_done_with_cycle(Device& device, Deferred& deferred) {
    device.in_cycle = false;
    device.cycle_queued = false;
    device.attempt = 1;
    if (cycle && cycle->pending > 0 && --cycle->pending == 0) finish_cycle(deferred);
  }

  // --- cycles ---

  void begin_cycle(bool once, std::function<void(const CycleReport&)> on_done, Deferred& deferred) {
    Cycle next;
    next.once = once;
    next.on_done = std::move(on_done);
    next.report.number = ++cycle_numbers;
    next.report.started = Clock::now();
    cycle = std::move(next);
    const Clock::time_point start = cycle->report.started;
    for (auto& [name, device] : devices) {
      if (!device->present) continue;
      join_cycle(device, start, once);
    }
    if (!once) {
      const std::uint64_t generation = ++cycle_timer_generation;
      cycle_timer.expires_at(start + options.interval);
      cycle_timer.async_wait(
          [weak = weak_from_this(), generation](const boost::system::error_code& error) {
            if (error) return;
            if (auto self = weak.lock()) self->on_interval_end(generation);
          });
    }
    if (cycle->pending == 0) finish_cycle(deferred);
  }

  void join_cycle(const DevicePtr& device, Clock::time_point start, bool once) {
    device->in_cycle = true;
    device->attempt = 1;
    ++cycle->pending;
    ++cycle->report.devices;
    if (once) {
      cancel_device_timer(*device);
      if (!device->cycle_queued) {
        device->cycle_queued = true;
        normal_queue.push_back(device);
      }
      return;
    }
    const double jitter_ms =
        uniform(static_cast<double>(options.interval.count()) * options.jitter);
    arm_device_timer(device, start + device->offset + Millis(static_cast<Millis::rep>(jitter_ms)));
  }

  void on_interval_end(std::uint64_t generation) {
    Deferred deferred;
    {
      std::lock_guard lock(mutex);
      if (generation != cycle_timer_generation || stopped) return;
      if (cycle) {
        // Still running at the end of its interval: count it once; the next cycle starts
        // when this one has finished (finish_cycle), never alongside it.
        cycle->report.overran = true;
        ++stats.cycle_overruns;
        return;
      }
      begin_cycle(false, {}, deferred);
      dispatch(deferred);
    }
    run(deferred);
  }

  void finish_cycle(Deferred& deferred) {
    Cycle done = std::move(*cycle);
    cycle.reset();
    done.report.finished = Clock::now();
    ++stats.cycles_completed;
    if (stopped) return;  // cut short by stop(): the daemon hears of it through on_stopped
    if (done.on_done) deferred.cycle_ends.emplace_back(done.report, std::move(done.on_done));
    if (hooks.on_cycle_end) deferred.cycle_ends.emplace_back(done.report, hooks.on_cycle_end);
    if (!done.once && done.report.overran && !stopped) {
      // Its interval has already ended: the next cycle starts now. Posted, so that a cycle of
      // devices that all finish at once does not recurse.
      boost::asio::post(io, [weak = weak_from_this()] {
        auto self = weak.lock();
        if (!self) return;
        Deferred later;
        {
          std::lock_guard lock(self->mutex);
          if (self->stopped || self->cycle) return;
          self->begin_cycle(false, {}, later);
          self->dispatch(later);
        }
        self->run(later);
      });
    }
  }

  // --- stop ---

  void notify_stopped(std::size_t abandoned, Deferred& deferred) {
    if (stop_notified) return;
    stop_notified = true;
    stop_timer.cancel();
    if (on_stopped) {
      deferred.stopped = [callback = std::move(on_stopped), abandoned] {
        callback(StopReport{abandoned});
      };
    }
  }

  void on_stop_deadline() {
    Deferred deferred;
    {
      std::lock_guard lock(mutex);
      if (stop_notified) return;
      std::size_t abandoned = 0;
      abandoning = true;
      std::vector<DevicePtr> busy;
      for (auto& [name, device] : devices) {
        if (device->running) busy.push_back(device);
      }
      for (auto& device : busy) {
        device->running->abandoned->store(true);
        ++abandoned;
        finish_job(device, JobOutcome::failed_retryable, true, "abandoned at stop", deferred);
      }
      notify_stopped(abandoned, deferred);
    }
    run(deferred);
  }

  // --- outside the lock ---

  void run(Deferred& deferred) {
    if (destroyed) return;
    for (auto& [request, done] : deferred.launches) {
      try {
        runner(request, done);
      } catch (const std::exception& e) {
        done(JobResult{JobOutcome::failed_retryable, std::string("runner threw: ") + e.what()});
      } catch (...) {
        done(JobResult{JobOutcome::failed_retryable, "runner threw"});
      }
    }
    for (const auto& end : deferred.job_ends)
      hooks.on_job_end(end);
    for (const auto& [report, callback] : deferred.cycle_ends)
      callback(report);
    if (deferred.stopped) deferred.stopped();
  }
};

Scheduler::Scheduler(boost::asio::io_context& io, ScheduleOptions options, JobRunner runner,
                     SchedulerHooks hooks) {
  validate(options);
  if (!runner) throw std::invalid_argument("schedule: no job runner");
  impl_ = std::make_shared<Impl>(io, std::move(options), std::move(runner), std::move(hooks));
}

Scheduler::~Scheduler() {
  impl_->destroyed = true;
  std::lock_guard lock(impl_->mutex);
  impl_->stopped = true;
  impl_->stop_notified = true;
  ++impl_->cycle_timer_generation;
  impl_->cycle_timer.cancel();
  impl_->stop_timer.cancel();
  for (auto& [name, device] : impl_->devices) {
    impl_->cancel_device_timer(*device);
    if (device->running) {
      device->running->abandoned->store(true);
      device->running->deadline->cancel();
    }
  }
}

void Scheduler::set_devices(std::vector<DeviceEntry> entries) {
  Impl& self = *impl_;
  {
    std::lock_guard lock(self.mutex);
    std::set<std::string, std::less<>> wanted;
    for (auto& entry : entries) {
      if (!wanted.insert(entry.name).second) continue;  // duplicate: the first wins
      auto it = self.devices.find(entry.name);
      if (it != self.devices.end()) {
        DevicePtr& device = it->second;
        // Group counts follow the groups a running job started with until it ends.
        if (device->running) {
          for (const auto& group : device->groups) {
            auto count = self.group_running.find(group);
            if (count != self.group_running.end() && --count->second == 0) {
              self.group_running.erase(count);
            }
          }
          for (const auto& group : entry.groups)
            ++self.group_running[group];
        }
        device->groups = std::move(entry.groups);
        device->present = true;
        continue;
      }
      auto device = std::make_shared<Device>();
      device->name = entry.name;
      device->groups = std::move(entry.groups);
      device->offset =
          Scheduler::offset_of(device->name, self.options.interval, self.options.jitter);
      self.devices.emplace(device->name, device);
      // Joins the periodic cycle under way when its slot is still ahead.
      if (self.cycle && !self.cycle->once && !self.stopped &&
          self.cycle->report.started + device->offset > Clock::now()) {
        self.join_cycle(device, self.cycle->report.started, false);
      }
    }
    Deferred unused;
    for (auto it = self.devices.begin(); it != self.devices.end();) {
      DevicePtr device = it->second;
      if (wanted.contains(it->first)) {
        ++it;
        continue;
      }
      device->present = false;
      device->urgent_queued.reset();
      device->cycle_queued = false;
      self.cancel_device_timer(*device);
      if (device->in_cycle && self.cycle) {
        device->in_cycle = false;
        --self.cycle->report.devices;
        if (self.cycle->pending > 0 && --self.cycle->pending == 0) self.finish_cycle(unused);
      }
      it = device->running ? std::next(it) : self.devices.erase(it);
    }
    // finish_cycle only defers hooks; run them from the loop like every other hook.
    if (!unused.cycle_ends.empty()) {
      boost::asio::post(self.io, [weak = impl_->weak_from_this(),
                                  deferred = std::make_shared<Deferred>(std::move(unused))] {
        if (auto strong = weak.lock()) strong->run(*deferred);
      });
    }
  }
  self.post_dispatch();
}

void Scheduler::start() {
  Impl& self = *impl_;
  {
    std::lock_guard lock(self.mutex);
    if (self.started) throw std::logic_error("Scheduler::start: already started");
    self.started = true;
  }
  boost::asio::post(self.io, [weak = impl_->weak_from_this()] {
    auto strong = weak.lock();
    if (!strong) return;
    Deferred deferred;
    {
      std::lock_guard lock(strong->mutex);
      if (strong->stopped) return;
      strong->begin_cycle(false, {}, deferred);
      strong->dispatch(deferred);
    }
    strong->run(deferred);
  });
}

void Scheduler::run_cycle_once(std::function<void(const CycleReport&)> on_done) {
  Impl& self = *impl_;
  {
    std::lock_guard lock(self.mutex);
    if (self.started) throw std::logic_error("Scheduler::run_cycle_once: already started");
    self.started = true;
  }
  boost::asio::post(self.io, [weak = impl_->weak_from_this(), on_done = std::move(on_done)] {
    auto strong = weak.lock();
    if (!strong) return;
    Deferred deferred;
    {
      std::lock_guard lock(strong->mutex);
      if (strong->stopped) return;
      strong->begin_cycle(true, on_done, deferred);
      strong->dispatch(deferred);
    }
    strong->run(deferred);
  });
}

std::optional<JobId> Scheduler::run_now(std::string_view name, JobReason reason) {
  Impl& self = *impl_;
  JobId id = 0;
  {
    std::lock_guard lock(self.mutex);
    if (self.stopped) return std::nullopt;
    auto it = self.devices.find(name);
    if (it == self.devices.end() || !it->second->present) return std::nullopt;
    DevicePtr& device = it->second;
    if (device->urgent_queued) {
      ++self.stats.on_demand_coalesced;
      return device->urgent_queued->first;
    }
    id = self.next_job_id++;
    device->urgent_queued = std::make_pair(id, reason);
    self.urgent_queue.push_back(device);
  }
  self.post_dispatch();
  return id;
}

void Scheduler::stop(Millis deadline, std::function<void(const StopReport&)> on_stopped) {
  Impl& self = *impl_;
  Deferred deferred;
  {
    std::lock_guard lock(self.mutex);
    if (self.stopped) return;
    self.stopped = true;
    self.on_stopped = std::move(on_stopped);
    ++self.cycle_timer_generation;
    self.cycle_timer.cancel();
    self.urgent_queue.clear();
    self.normal_queue.clear();
    for (auto& [name, device] : self.devices) {
      self.cancel_device_timer(*device);
      device->urgent_queued.reset();
      device->cycle_queued = false;
    }
    if (self.running == 0) {
      self.notify_stopped(0, deferred);
    } else {
      self.stop_timer.expires_after(deadline);
      self.stop_timer.async_wait(
          [weak = impl_->weak_from_this()](const boost::system::error_code& error) {
            if (error) return;
            if (auto strong = weak.lock()) strong->on_stop_deadline();
          });
    }
  }
  if (deferred.stopped) {
    boost::asio::post(self.io, [callback = std::move(deferred.stopped)] { callback(); });
  }
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(impl_->mutex);
  SchedulerStats stats = impl_->stats;
  stats.in_flight = impl_->running;
  stats.queued = 0;
  stats.devices = 0;
  for (const auto& [name, device] : impl_->devices) {
    if (!device->present) continue;
    ++stats.devices;
    if (device->urgent_queued) ++stats.queued;
    if (device->cycle_queued) ++stats.queued;
  }
  return stats;
}

const ScheduleOptions& Scheduler::options() const {
  return impl_->options;
}

}  // namespace netaudit::schedule
