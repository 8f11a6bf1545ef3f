#include "schedule/pools.hpp"

#include <algorithm>
#include <thread>

namespace netaudit::schedule {

WorkerPool::WorkerPool(std::string name, std::size_t threads)
    : name_(std::move(name)), size_(std::max<std::size_t>(1, threads)), pool_(size_) {}

WorkerPool::~WorkerPool() {
  join();
}

void WorkerPool::stop() {
  pool_.stop();
  pool_.join();
}

void WorkerPool::join() {
  pool_.join();
}

WorkerPool make_io_pool(unsigned concurrency) {
  return WorkerPool("collect", concurrency);
}

WorkerPool make_cpu_pool() {
  return WorkerPool("cpu", std::thread::hardware_concurrency());
}

}  // namespace netaudit::schedule
