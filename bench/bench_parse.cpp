// Parse and detection throughput per syntax family, and tree memory against input size.
//
//   cmake -S . -B build-bench -G Ninja -DNETAUDIT_BENCH=ON -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-bench --target bench_parse && build-bench/bench/bench_parse
//
// Inputs of at least 10k lines per family are built from the project's own fixtures
// (tests/fixtures/**, grouped by detected syntax) repeated, and, when the shared corpus is
// there (../shared/corpus or $NETAUDIT_CORPUS), from corpus files concatenated and repeated.
// XML documents are merged under one root (their root elements' contents repeated) so the
// result stays one well-formed document.
//
// Counters: bytes_per_second (MB/s), lines/s, and after one parse: tree_bytes
// (ConfigTree::memory_bytes()), mem_ratio ((tree_bytes + source bytes) / input bytes) and
// peak_ratio (peak heap allocated during the parse, every operator new and pugixml block
// counted, divided by input bytes).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"

namespace fs = std::filesystem;

// ---- heap accounting: current and peak bytes allocated through operator new and pugixml ----
namespace {
std::atomic<std::size_t> g_current{0};
std::atomic<std::size_t> g_peak{0};

void* counted_malloc(std::size_t size) {
  // The size is kept in front of the block so that free can subtract it.
  auto* block = static_cast<std::max_align_t*>(std::malloc(size + sizeof(std::max_align_t)));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(block) = size;
  const std::size_t now = g_current.fetch_add(size) + size;
  std::size_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  return block + 1;
}

void counted_free(void* pointer) {
  if (pointer == nullptr) return;
  auto* block = static_cast<std::max_align_t*>(pointer) - 1;
  g_current.fetch_sub(*reinterpret_cast<std::size_t*>(block));
  std::free(block);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}

namespace {

constexpr std::size_t kMinLines = 10000;

std::size_t count_lines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::optional<fs::path> corpus_dir() {
  fs::path candidate = fs::path(NETAUDIT_SOURCE_DIR).parent_path() / "shared" / "corpus";
  if (const char* env = std::getenv("NETAUDIT_CORPUS"); env && *env) candidate = env;
  if (fs::is_directory(candidate)) return candidate;
  return std::nullopt;
}

// The contents of an XML document's root element, or empty if it has no recognisable root.
std::string xml_root_contents(std::string_view text) {
  std::size_t at = 0;
  while (true) {
    at = text.find('<', at);
    if (at == std::string_view::npos || at + 1 >= text.size()) return {};
    if (text[at + 1] != '?' && text[at + 1] != '!') break;
    at = text.find('>', at);
    if (at == std::string_view::npos) return {};
  }
  const std::size_t open_end = text.find('>', at);
  const std::size_t close = text.rfind("</");
  if (open_end == std::string_view::npos || close == std::string_view::npos || close <= open_end)
    return {};
  return std::string(text.substr(open_end + 1, close - open_end - 1));
}

// Repeats `pieces` (cycling) until the result has at least kMinLines lines.
std::string repeat_to_size(const std::vector<std::string>& pieces, netaudit::Syntax syntax) {
  std::string out;
  if (pieces.empty()) return out;
  const bool xml = syntax == netaudit::Syntax::xml;
  if (xml) out = "<data>\n";
  for (std::size_t i = 0; count_lines(out) < kMinLines; ++i) {
    const std::string& piece = pieces[i % pieces.size()];
    if (xml) {
      out += xml_root_contents(piece);
    } else {
      out += piece;
    }
    if (!out.empty() && out.back() != '\n') out += '\n';
    if (i > 1000000) break;  // pieces without content
  }
  if (xml) out += "</data>\n";
  return out;
}

struct Inputs {
  std::map<netaudit::Syntax, std::vector<std::string>> fixtures;  // by detected syntax
  std::map<netaudit::Syntax, std::vector<std::string>> corpus;
  std::vector<std::string> ios_fixtures;
  std::vector<std::string> ios_corpus;
  std::vector<std::string> every_file;  // for detection throughput
};

void collect(const fs::path& dir, bool from_corpus, Inputs& inputs) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || path.find("/malformed/") != std::string::npos ||
        path.find("/fuzz-regressions/") != std::string::npos || path.ends_with(".tsv") ||
        path.ends_with(".yaml") || path.ends_with(".json") || path.ends_with(".md"))
      continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    netaudit::LoadResult loaded = netaudit::load_config_file(file.string());
    if (!loaded.source) continue;
    std::string text = std::move(loaded.source->text);
    const netaudit::Detection detection = netaudit::detect_platform(text);
    if (detection.platform == netaudit::kUnknownPlatform) continue;
    // Only inputs that parse cleanly: the benchmark measures the parser, not error recovery.
    if (!netaudit::parse_config(text, detection.syntax).warnings.empty()) continue;
    inputs.every_file.push_back(text);
    auto& by_syntax = from_corpus ? inputs.corpus : inputs.fixtures;
    if (detection.platform == "cisco_ios") {
      (from_corpus ? inputs.ios_corpus : inputs.ios_fixtures).push_back(text);
    }
    by_syntax[detection.syntax].push_back(std::move(text));
  }
}

const Inputs& inputs() {
  static const Inputs loaded = [] {
    Inputs in;
    collect(fs::path(NETAUDIT_SOURCE_DIR) / "tests" / "fixtures", false, in);
    if (const auto corpus = corpus_dir()) collect(*corpus, true, in);
    return in;
  }();
  return loaded;
}

void run_parse(benchmark::State& state, const std::string& input, netaudit::Syntax syntax) {
  if (input.empty()) {
    state.SkipWithError("no input for this family");
    return;
  }
  const std::size_t lines = count_lines(input);
  for (auto _ : state) {
    state.PauseTiming();
    std::string copy = input;
    state.ResumeTiming();
    netaudit::ParseResult result = netaudit::parse_config(std::move(copy), syntax);
    benchmark::DoNotOptimize(result.tree.node_count());
    state.PauseTiming();
    {
      netaudit::ParseResult discard = std::move(result);  // free outside the timed region
    }
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(lines) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);

  // Memory of one parse, outside the timed loop.
  std::string copy = input;
  const std::size_t before = g_current.load();
  g_peak.store(before);
  netaudit::ParseResult result = netaudit::parse_config(std::move(copy), syntax);
  const std::size_t peak = g_peak.load() - before;
  const double size = static_cast<double>(input.size());
  state.counters["lines"] = static_cast<double>(lines);
  state.counters["nodes"] = static_cast<double>(result.tree.node_count());
  state.counters["tree_bytes"] = static_cast<double>(result.tree.memory_bytes());
  state.counters["mem_ratio"] =
      static_cast<double>(result.tree.memory_bytes() + result.tree.source().size()) / size;
  state.counters["peak_ratio"] = static_cast<double>(peak) / size;
  state.counters["warnings"] = static_cast<double>(result.warnings.size());
}

void register_benchmarks() {
  const Inputs& in = inputs();
  using netaudit::Syntax;
  for (const Syntax syntax :
       {Syntax::indented, Syntax::braces, Syntax::set, Syntax::block, Syntax::menu, Syntax::xml}) {
    const std::string name(netaudit::to_string(syntax));
    for (const auto& [source, group] :
         {std::pair{"fixtures", &in.fixtures}, std::pair{"corpus", &in.corpus}}) {
      const auto found = group->find(syntax);
      if (found == group->end()) continue;
      auto input = std::make_shared<std::string>(repeat_to_size(found->second, syntax));
      benchmark::RegisterBenchmark(
          ("parse/" + name + "/" + source).c_str(),
          [input, syntax](benchmark::State& state) { run_parse(state, *input, syntax); })
          ->Unit(benchmark::kMicrosecond);
    }
  }
  // The target: a 10k-line IOS config in <= 1 ms on one core.
  for (const auto& [source, files] :
       {std::pair{"fixtures", &in.ios_fixtures}, std::pair{"corpus", &in.ios_corpus}}) {
    if (files->empty()) continue;
    auto input = std::make_shared<std::string>(repeat_to_size(*files, Syntax::indented));
    benchmark::RegisterBenchmark(
        (std::string("parse/ios_10k/") + source).c_str(),
        [input](benchmark::State& state) { run_parse(state, *input, Syntax::indented); })
        ->Unit(benchmark::kMicrosecond);
  }
  // Detection: every usable file once per iteration.
  auto files = std::make_shared<std::vector<std::string>>(in.every_file);
  benchmark::RegisterBenchmark("detect/every_file", [files](benchmark::State& state) {
    std::size_t bytes = 0;
    for (auto _ : state) {
      for (const std::string& text : *files) {
        benchmark::DoNotOptimize(netaudit::detect_platform(text).confidence);
        bytes += text.size();
      }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["files/s"] = benchmark::Counter(
        static_cast<double>(files->size()) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);
    state.counters["files"] = static_cast<double>(files->size());
  })->Unit(benchmark::kMillisecond);
  if (!in.ios_fixtures.empty()) {
    auto big = std::make_shared<std::string>(repeat_to_size(in.ios_fixtures, Syntax::indented));
    benchmark::RegisterBenchmark("detect/ios_10k", [big](benchmark::State& state) {
      for (auto _ : state)
        benchmark::DoNotOptimize(netaudit::detect_platform(*big).confidence);
      state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * big->size()));
    })->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  pugi::set_memory_management_functions(counted_malloc, counted_free);
  benchmark::Initialize(&argc, argv);
  register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
