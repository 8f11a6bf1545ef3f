// Running one worker loop on several threads (the subcommands that handle many inputs).
#pragma once

#include <functional>
#include <thread>
#include <vector>

namespace netaudit::cli {

// Runs `worker` on `jobs` threads at once (this one included) and returns when all have
// returned. The worker takes its items from shared state (an atomic index) itself.
inline void run_on_threads(unsigned jobs, const std::function<void()>& worker) {
  std::vector<std::jthread> threads;
  for (unsigned j = 1; j < jobs; ++j)
    threads.emplace_back(worker);
  worker();
}  // the jthreads join here

}  // namespace netaudit::cli
