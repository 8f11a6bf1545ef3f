// Policy evaluation: the full shipped baseline on a 10k-line IOS config, and audit throughput
// over the shared corpus on 2 threads against merely reading the same files.
//
//   cmake -S . -B build-bench -G Ninja -DNETAUDIT_BENCH=ON -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-bench --target bench_audit && build-bench/bench/bench_audit
//
// The 10k-line config is built from the project's own cisco_ios fixtures: their global
// statements once, then interface, BGP-neighbor, ACL and line blocks repeated until 10,000
// lines. The corpus run (skipped without ../shared/corpus or $NETAUDIT_CORPUS) audits every
// well-formed corpus file, repeated to at least 5,000 configs, with 2 threads; it prints
// configs/s, MB/s, and the ratio of the audit time to the time of reading the same files.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audit_inputs.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/rules.hpp"

namespace fs = std::filesystem;
using namespace netaudit;
using netaudit::bench::ios_10k;
using netaudit::bench::read;
using netaudit::bench::shipped;

namespace {

void BM_AuditIos10kLines_EvaluateOnly(benchmark::State& state) {
  const std::string text = ios_10k();
  ParseResult parsed = parse_config(text, Syntax::indented);
  const auto& policy = shipped();
  const auto controls = policy.controls().size();
  policy::AuditOptions options;
  options.today = "2026-01-01";
  for (auto _ : state) {
    // read every fact and evaluate every control on the parsed tree
    policy::DeviceReport report =
        policy::audit_tree(policy, parsed.tree, "cisco_ios", "big.cfg", options);
    benchmark::DoNotOptimize(report);
  }
  state.counters["lines"] = static_cast<double>(std::count(text.begin(), text.end(), '\n'));
  state.counters["controls"] = static_cast<double>(controls);
}
BENCHMARK(BM_AuditIos10kLines_EvaluateOnly)->Unit(benchmark::kMillisecond);

void BM_AuditIos10kLines_Full(benchmark::State& state) {
  const std::string text = ios_10k();
  const auto& policy = shipped();
  policy::AuditOptions options;
  options.platform = "cisco_ios";
  options.today = "2026-01-01";
  std::size_t findings = 0;
  for (auto _ : state) {
    policy::DeviceReport report = policy::audit_text(policy, text, "big.cfg", options);
    findings = report.findings.size();
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_AuditIos10kLines_Full)->Unit(benchmark::kMillisecond);

void BM_Parse10kLines(benchmark::State& state) {
  const std::string text = ios_10k();
  for (auto _ : state) {
    ParseResult parsed = parse_config(text, Syntax::indented);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_Parse10kLines)->Unit(benchmark::kMillisecond);

std::vector<fs::path> corpus_files(const fs::path& corpus) {
  std::vector<fs::path> files;
  std::ifstream manifest(corpus / "MANIFEST.tsv");
  std::string line;
  std::getline(manifest, line);
  while (std::getline(manifest, line)) {
    std::vector<std::string> cols;
    std::istringstream row(line);
    for (std::string col; std::getline(row, col, '\t');)
      cols.push_back(col);
    if (cols.size() > 7 && cols[7] == "no") files.push_back(corpus / cols[0]);
  }
  return files;
}

// Process CPU seconds of the last timed_parallel run (all threads): on a shared, loaded
// machine wall time measures the neighbours; CPU time measures us.
double g_last_cpu_s = 0;

// Runs `work(i)` for i in [0, n) on `threads` threads; returns wall seconds.
template <typename Work>
double timed_parallel(std::size_t n, unsigned threads, Work work) {
  std::atomic<std::size_t> next{0};
  const std::clock_t cpu_start = std::clock();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < n; i = next++)
        work(i);
    });
  for (auto& t : pool)
    t.join();
  g_last_cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void corpus_throughput() {
  fs::path corpus;
  if (const char* env = std::getenv("NETAUDIT_CORPUS"); env && *env)
    corpus = env;
  else
    corpus = fs::path(NETAUDIT_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus / "MANIFEST.tsv")) {
    std::cout << "corpus throughput: skipped (no corpus at " << corpus << ")\n";
    return;
  }
  const auto files = corpus_files(corpus);
  const std::size_t repeat = (5000 + files.size() - 1) / files.size();
  const std::size_t n = files.size() * repeat;
  std::size_t bytes = 0;
  for (const auto& f : files)
    bytes += fs::file_size(f);
  bytes *= repeat;
  const auto& policy = shipped();
  constexpr unsigned kThreads = 2;
  std::atomic<std::size_t> sink{0};
  // Warm the page cache and the policy once.
  for (const auto& f : files)
    sink += read(f).size();
  const double read_s = timed_parallel(n, kThreads, [&](std::size_t i) {
    LoadResult loaded = load_config_file(files[i % files.size()].string());
    if (loaded.source) sink += loaded.source->text.size();
  });
  const double read_cpu = g_last_cpu_s;
  policy::AuditOptions options;
  options.today = "2026-01-01";
  const double parse_s = timed_parallel(n, kThreads, [&](std::size_t i) {
    LoadResult loaded = load_config_file(files[i % files.size()].string());
    if (!loaded.source) return;
    const Detection d = detect_platform(loaded.source->text);
    ParseResult parsed = parse_config(std::move(loaded.source->text), d.syntax);
    sink += parsed.tree.node_count();
  });
  const double parse_cpu = g_last_cpu_s;
  const double audit_s = timed_parallel(n, kThreads, [&](std::size_t i) {
    policy::DeviceReport r = policy::audit_file(policy, files[i % files.size()].string(), options);
    sink += r.findings.size();
  });
  const double audit_cpu = g_last_cpu_s;
  const double mb = static_cast<double>(bytes) / 1e6;
  // Rate on 2 dedicated cores = configs / (CPU seconds / 2).
  auto line = [&](const char* what, double wall, double cpu) {
    std::cout << "  " << what << n / wall << " configs/s wall (" << mb / wall << " MB/s); "
              << n / (cpu / kThreads) << " configs/s per 2 cores of CPU (" << mb / (cpu / kThreads)
              << " MB/s)\n";
  };
  std::cout << "corpus throughput (" << files.size() << " files x " << repeat << " = " << n
            << " configs, " << mb << " MB, avg " << (static_cast<double>(bytes) / n / 1024.0)
            << " KiB, " << kThreads << " threads):\n";
  line("read only:         ", read_s, read_cpu);
  line("read+detect+parse: ", parse_s, parse_cpu);
  line("full audit:        ", audit_s, audit_cpu);
  std::cout << "  audit / read: " << audit_s / read_s << "x wall, " << audit_cpu / read_cpu
            << "x CPU\n";
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  corpus_throughput();
  return 0;
}
