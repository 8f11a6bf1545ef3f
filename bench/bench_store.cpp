// Store commit throughput: N devices (default 10,000), each a ~300-line config and 56 findings,
// committed one transaction per device as the daemon does, over three cycles: all new, all
// unchanged (dedupe: last_seen + result compare only), 10% changed (a new version, a diff and a
// few transitions each). Then the reads /metrics and the API make over the whole fleet.
//   bench_store [devices] [folder]   (folder: where the store file goes, default /tmp)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace {

using namespace netaudit;
using Clock = std::chrono::steady_clock;

std::string config_text(int device, int revision) {
  std::string text = "hostname rtr" + std::to_string(device) + "\n!\n";
  for (int i = 0; i < 48; ++i) {
    text += "interface GigabitEthernet0/" + std::to_string(i) + "\n description port " +
            std::to_string(i) + " of rtr" + std::to_string(device) + "\n ip address 10." +
            std::to_string(device % 250) + "." + std::to_string(i) + ".1 255.255.255.0\n" +
            " no ip redirects\n shutdown\n!\n";
  }
  text += "ntp server 10.0.0." + std::to_string(revision % 250) + "\n";
  text +=
      "snmp-server community <redacted:hmac:1a2b3c4d> RO\nline vty 0 4\n transport input ssh\n"
      "!\nend\n";
  return text;
}

std::vector<policy::Finding> findings_for(int device, int revision) {
  std::vector<policy::Finding> findings;
  for (int c = 0; c < 56; ++c) {
    policy::Finding finding;
    finding.control = "CTRL-" + std::to_string(c);
    finding.title = "Control number " + std::to_string(c);
    finding.severity = static_cast<policy::Severity>(c % 5);
    const bool fail = (device + c + (c < 3 ? revision : 0)) % 7 == 0;
    finding.verdict = fail ? policy::Verdict::fail : policy::Verdict::pass;
    finding.message = fail ? "the setting is missing" : "the setting is present";
    finding.evidence.push_back({static_cast<std::uint32_t>(3 + c), " ip address 10.0.0.1"});
    finding.remediation = "configure the setting";
    findings.push_back(std::move(finding));
  }
  return findings;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// User + system CPU seconds of this process: on a shared machine the wall time includes
// waiting for a core; this does not.
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const int devices = argc > 1 ? std::stoi(argv[1]) : 10'000;
  const std::filesystem::path folder = argc > 2 ? argv[2] : "/tmp";
  const auto file = folder / ("bench_store_" + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::filesystem::remove(file.string() + suffix);
  }
  {
    auto store = store::Store::open(file);
    std::vector<store::DeviceInfo> inventory;
    for (int d = 0; d < devices; ++d) {
      inventory.push_back({"rtr" + std::to_string(d), "cisco_ios", "file", "/cfg/rtr", {}});
    }
    store->sync_devices(inventory);

    struct Cycle {
      const char* name;
      int changed_every;  // device d gets a new revision when d % changed_every == 0 (0: none)
    };
    std::vector<int> revisions(static_cast<std::size_t>(devices), 0);
    for (const Cycle cycle :
         {Cycle{"all new", 0}, Cycle{"unchanged", 0}, Cycle{"10% changed", 10}}) {
      std::size_t events = 0;
      const auto start = Clock::now();
      const double cpu_start = cpu_seconds();
      for (int d = 0; d < devices; ++d) {
        int& rev = revisions[static_cast<std::size_t>(d)];
        if (cycle.changed_every != 0 && d % cycle.changed_every == 0) ++rev;
        store::CollectionOutcome outcome;
        outcome.device = "rtr" + std::to_string(d);
        outcome.ok = true;
        outcome.started_at = store::now_ms();
        outcome.finished_at = outcome.started_at;
        outcome.config_text = config_text(d, rev);
        outcome.platform = "cisco_ios";
        outcome.findings = findings_for(d, rev);
        events += store->commit(outcome, "bench-policy").events.size();
      }
      const double elapsed = seconds_since(start);
      const double cpu = cpu_seconds() - cpu_start;
      std::printf(
          "cycle %-12s %6d commits in %6.2f s wall (%7.0f/s), %6.2f s CPU (%7.0f/s), %zu events\n",
          cycle.name, devices, elapsed, devices / elapsed, cpu, devices / cpu, events);
    }

    auto start = Clock::now();
    double cpu_start = cpu_seconds();
    const auto statuses = store->devices();
    std::printf("devices()          %6zu rows in %6.3f s wall, %6.3f s CPU\n", statuses.size(),
                seconds_since(start), cpu_seconds() - cpu_start);
    start = Clock::now();
    cpu_start = cpu_seconds();
    store::FindingFilter failing;
    failing.verdict = "fail";
    failing.limit = 1'000'000;
    const auto rows = store->findings(failing);
    std::printf("findings(fail)     %6zu rows in %6.3f s wall, %6.3f s CPU\n", rows.size(),
                seconds_since(start), cpu_seconds() - cpu_start);
    start = Clock::now();
    store::EventFilter all_events;
    all_events.limit = 1'000'000;
    const auto events = store->events(all_events);
    std::printf("events()           %6zu rows in %6.3f s\n", events.size(), seconds_since(start));
  }
  std::printf("store file         %6.1f MB (after checkpoint)\n",
              static_cast<double>(std::filesystem::file_size(file)) / 1e6);
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::filesystem::remove(file.string() + suffix);
  }
  return 0;
}
