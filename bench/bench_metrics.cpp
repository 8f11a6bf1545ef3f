// /metrics for a large fleet: DaemonMetrics::update_state from the store's state and render()
// of the text exposition, for 10,000 synthetic devices (issue 10: /metrics within 100 ms).
// Each device has three inventory labels and fails 0-13 of 56 controls (about 6.5 on average);
// the finding cap is the default (10,000).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "http/metrics.hpp"

namespace {

struct Fleet {
  std::vector<netaudit::store::DeviceStatus> devices;
  std::vector<netaudit::store::FindingRow> failing;
};

Fleet make_fleet(int count) {
  static const char* kSeverities[] = {"critical", "high", "medium", "low", "info"};
  Fleet fleet;
  for (int i = 0; i < count; ++i) {
    netaudit::store::DeviceStatus device;
    device.info.name = "site" + std::to_string(i % 97) + "-sw" + std::to_string(i);
    device.info.platform = i % 3 == 0 ? "cisco_ios" : (i % 3 == 1 ? "juniper_junos" : "arista_eos");
    device.info.transport = "ssh";
    device.info.labels = {{"site", "site" + std::to_string(i % 97)},
                          {"role", i % 10 == 0 ? "core" : "access"},
                          {"region", "eu-" + std::to_string(i % 4)}};
    device.up = i % 50 != 0;
    device.last_collection = 1'796'303'849'000 + i;
    device.last_success = device.last_collection;
    device.last_change = 1'796'300'000'000 + i;
    for (int k = 0; k < i % 14; ++k) {
      netaudit::store::FindingRow row;
      row.device = device.info.name;
      row.control = "control." + std::to_string((k * 7 + i) % 56);
      row.severity = kSeverities[(k + i) % 5];
      row.verdict = "fail";
      ++device.failing_by_severity[row.severity];
      fleet.failing.push_back(std::move(row));
    }
    device.compliance_ratio = 1.0 - (i % 14) / 56.0;
    device.drift = i % 20 == 0;
    fleet.devices.push_back(std::move(device));
  }
  return fleet;
}

void BM_update_state(benchmark::State& state) {
  const Fleet fleet = make_fleet(static_cast<int>(state.range(0)));
  netaudit::http::DaemonMetrics metrics;
  metrics.update_state(fleet.devices, fleet.failing);  // first update adds the series
  for (auto _ : state)
    metrics.update_state(fleet.devices, fleet.failing);
  state.counters["devices"] = static_cast<double>(fleet.devices.size());
  state.counters["failing_rows"] = static_cast<double>(fleet.failing.size());
}

void BM_render(benchmark::State& state) {
  const Fleet fleet = make_fleet(static_cast<int>(state.range(0)));
  netaudit::http::DaemonMetrics metrics;
  metrics.update_state(fleet.devices, fleet.failing);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = metrics.render();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK(BM_update_state)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_render)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
