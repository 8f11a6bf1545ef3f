// Hand-made device states and failing findings, as the store would report them, for the
// metrics tests (no store needed).
#pragma once

#include <string>
#include <vector>

#include "store/store.hpp"

namespace netaudit::test {

struct SyntheticFleet {
  std::vector<store::DeviceStatus> devices;
  std::vector<store::FindingRow> failing;
};

inline std::string device_name(int i) {
  return "r" + std::to_string(i);
}

// Device i is up unless i % 5 == 4; device i fails (i % 7) controls "ctl.<k>", whose severity
// is kSeverities[k % 5]. Times are fixed so that tests can compare values.
inline SyntheticFleet synthetic_fleet(int count) {
  static const char* kSeverities[] = {"critical", "high", "medium", "low", "info"};
  SyntheticFleet fleet;
  for (int i = 0; i < count; ++i) {
    store::DeviceStatus device;
    device.info.name = device_name(i);
    device.info.platform = i % 2 == 0 ? "cisco_ios" : "juniper_junos";
    device.info.transport = "ssh";
    device.info.host = "10.0.0." + std::to_string(i % 250);
    device.info.labels = {{"site", "site-" + std::to_string(i % 3)}, {"rack-id", "A1"}};
    device.up = i % 5 != 4;
    device.last_collection = 1'796'303'849'000 + i;
    if (device.up) device.last_success = 1'796'303'849'000 + i;
    device.last_change = 1'796'300'000'000;
    for (int k = 0; k < i % 7; ++k) {
      store::FindingRow row;
      row.device = device.info.name;
      row.control = "ctl." + std::to_string(k);
      row.severity = kSeverities[k % 5];
      row.verdict = "fail";
      ++device.failing_by_severity[row.severity];
      fleet.failing.push_back(row);
    }
    device.compliance_ratio = 1.0 - (i % 7) / 20.0;
    device.drift = i % 3 == 0;
    fleet.devices.push_back(device);
  }
  return fleet;
}

}  // namespace netaudit::test
