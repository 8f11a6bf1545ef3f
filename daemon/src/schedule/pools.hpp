// The daemon's two bounded thread pools: blocking libssh collections run on the IO pool (one
// thread per allowed concurrent job), parsing and evaluation on the CPU pool (one thread per
// hardware thread). The event loop hands work to them and never blocks on it.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <string>
#include <utility>

namespace netaudit::schedule {

class WorkerPool {
 public:
  // threads 0 is taken as 1.
  WorkerPool(std::string name, std::size_t threads);
  // Waits for the work already posted (join()); post nothing that never ends.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  template <class Work>
  void post(Work&& work) {
    boost::asio::post(pool_, std::forward<Work>(work));
  }
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

  // Drops work not yet started, then waits for the running work. Idempotent.
  void stop();
  // Waits until every posted work item has run. Idempotent.
  void join();

  const std::string& name() const { return name_; }
  std::size_t size() const { return size_; }

 private:
  std::string name_;
  std::size_t size_;
  boost::asio::thread_pool pool_;
};

// The IO pool: size = schedule concurrency ("collect").
WorkerPool make_io_pool(unsigned concurrency);
// The CPU pool: std::thread::hardware_concurrency() threads, at least 1 ("cpu").
WorkerPool make_cpu_pool();

}  // namespace netaudit::schedule
