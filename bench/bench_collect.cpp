// bench_collect: collection throughput against devsim.
//
// Starts devsim with N synthetic devices (one port each, `latency` ms added before every
// command's output), collects every device's running config with the collectors' API from a
// pool of `concurrency` threads, and reports wall time against the latency floor (the sum of
// the delays devsim injected divided by the concurrency), peak memory of this process (VmHWM)
// and the memory per concurrent session.
//
//   bench_collect [--devices 1000] [--concurrency 200] [--latency-ms 20] [--platform cisco_ios]
//                 [--devsim PATH]
//
// Only 127.0.0.1 is used. devsim is stopped by PID.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <netaudit/collectors/collect.hpp>
#include <netaudit/collectors/profile.hpp>
#include <netaudit/secrets/redaction.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace nc = netaudit::collectors;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  int devices = 1000;
  int concurrency = 200;
  int latency_ms = 20;
  std::string platform = "cisco_ios";
  fs::path devsim;
};

// "VmHWM" / "VmRSS" of a process in KiB, from /proc/<pid>/status.
long proc_status_kib(const std::string& pid, const std::string& field) {
  std::ifstream in("/proc/" + pid + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path default_devsim() {
  if (const char* env = std::getenv("NETAUDIT_DEVSIM"); env && *env) return env;
  // <build>/bench/bench_collect -> <build>/tests/devsim/devsim
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "tests" / "devsim" /
         "devsim";
}

class Devsim {
 public:
  Devsim(const Settings& s, const fs::path& dir) : dir_(dir) {
    const auto key = dir / "id_ed25519";
    const std::string keygen =
        "ssh-keygen -q -t ed25519 -N '' -f '" + key.string() + "' >/dev/null 2>&1";
    if (std::system(keygen.c_str()) != 0) throw std::runtime_error("ssh-keygen failed");
    std::vector<std::string> args = {s.devsim.string(),
                                     "--devices",
                                     std::to_string(s.devices),
                                     "--platform",
                                     s.platform,
                                     "--latency-ms",
                                     std::to_string(s.latency_ms),
                                     "--authorized-key",
                                     key.string() + ".pub",
                                     "--ready-file",
                                     (dir / "ready").string(),
                                     "--known-hosts-out",
                                     (dir / "known_hosts").string(),
                                     "--audit-log",
                                     (dir / "audit.log").string(),
                                     "--max-sessions",
                                     "4096"};
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen((dir / "devsim.log").c_str(), "w", stdout);
      std::freopen((dir / "devsim.log").c_str(), "a", stderr);
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!fs::exists(dir / "ready")) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_ || Clock::now() > deadline) {
        pid_ = -1;
        throw std::runtime_error("devsim did not start: " + read_all(dir / "devsim.log"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::istringstream ready(read_all(dir / "ready"));
    std::string name, platform;
    unsigned port = 0;
    while (ready >> name >> port >> platform)
      ports[name] = static_cast<std::uint16_t>(port);
    key_file = key;
    known_hosts = dir / "known_hosts";
  }
  ~Devsim() { stop(); }
  long peak_rss_kib() const { return proc_status_kib(std::to_string(pid_), "VmHWM"); }
  // SIGTERM, wait; returns devsim's log (it ends with the injected-latency summary).
  std::string stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::wait4(pid_, &status, 0, &usage);
      pid_ = -1;
    }
    return read_all(dir_ / "devsim.log");
  }

  std::map<std::string, std::uint16_t> ports;
  rusage usage{};  // devsim's CPU time, once stopped
  fs::path key_file;
  fs::path known_hosts;

 private:
  fs::path dir_;
  pid_t pid_ = -1;
};

struct Outcome {
  nc::ErrorKind error = nc::ErrorKind::none;
  std::chrono::milliseconds elapsed{0};
  std::size_t bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--devices")
      s.devices = std::stoi(value);
    else if (flag == "--concurrency")
      s.concurrency = std::stoi(value);
    else if (flag == "--latency-ms")
      s.latency_ms = std::stoi(value);
    else if (flag == "--platform")
      s.platform = value;
    else if (flag == "--devsim")
      s.devsim = value;
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (s.devsim.empty()) s.devsim = default_devsim();
  if (!fs::exists(s.devsim)) {
    std::fprintf(stderr, "devsim not found at %s (build the devsim target or set --devsim)\n",
                 s.devsim.c_str());
    return 2;
  }
  std::string dir_pattern = (fs::temp_directory_path() / "bench-collect-XXXXXX").string();
  if (!::mkdtemp(dir_pattern.data())) return 2;
  const fs::path dir = dir_pattern;

  try {
    const auto profile = nc::load_profile_by_name(s.platform);
    Devsim devsim(s, dir);
    std::vector<nc::DeviceTarget> targets;
    for (const auto& [name, port] : devsim.ports) {
      nc::DeviceTarget t;
      t.name = name;
      t.host = "127.0.0.1";
      t.port = port;
      t.platform = s.platform;
      t.credentials.user = "admin";
      t.credentials.key_file = devsim.key_file;
      targets.push_back(t);
    }
    nc::CollectOptions options;
    options.known_hosts = devsim.known_hosts;
    // A throwaway key: the benchmark measures collection, not key storage.
    options.redaction_key = std::make_shared<const netaudit::secrets::RedactionKey>(
        netaudit::secrets::RedactionKey::from_bytes(
            std::string(netaudit::secrets::RedactionKey::kSize, 'b')));
    options.connect_timeout = std::chrono::seconds(30);
    options.command_timeout = std::chrono::seconds(30);
    options.job_timeout = std::chrono::seconds(120);

    const long rss_before = proc_status_kib("self", "VmRSS");
    rusage usage_before{};
    ::getrusage(RUSAGE_SELF, &usage_before);
    std::vector<Outcome> outcomes(targets.size());
    std::atomic<std::size_t> next{0};
    const auto started = Clock::now();
    {
      std::vector<std::jthread> pool;
      for (int t = 0; t < s.concurrency; ++t) {
        pool.emplace_back([&] {
          for (std::size_t i = next++; i < targets.size(); i = next++) {
            const auto result = nc::collect_config(targets[i], profile, options);
            outcomes[i] = {result.error, result.elapsed, result.raw.size()};
          }
        });
      }
    }
    const auto wall = std::chrono::duration<double>(Clock::now() - started).count();
    const long hwm = proc_status_kib("self", "VmHWM");
    rusage usage_after{};
    ::getrusage(RUSAGE_SELF, &usage_after);
    const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    const double cpu = seconds(usage_after.ru_utime) + seconds(usage_after.ru_stime) -
                       seconds(usage_before.ru_utime) - seconds(usage_before.ru_stime);
    const long devsim_hwm = devsim.peak_rss_kib();
    const std::string log = devsim.stop();

    long long injected_ms = 0;
    long long delayed = 0;
    if (auto at = log.find("devsim: injected "); at != std::string::npos) {
      std::sscanf(log.c_str() + at, "devsim: injected %lld ms of latency over %lld commands",
                  &injected_ms, &delayed);
    }
    std::map<std::string, int> errors;
    std::vector<long> times;
    std::size_t bytes = 0;
    for (const auto& o : outcomes) {
      if (o.error != nc::ErrorKind::none) ++errors[std::string(nc::to_string(o.error))];
      times.push_back(static_cast<long>(o.elapsed.count()));
      bytes += o.bytes;
    }
    std::sort(times.begin(), times.end());
    const auto pct = [&](double p) {
      return times.empty() ? 0L : times[static_cast<std::size_t>(p * (times.size() - 1))];
    };
    const double floor_s = injected_ms / 1000.0 / s.concurrency;
    std::printf("devices            %d (%s), concurrency %d, latency %d ms/command\n", s.devices,
                s.platform.c_str(), s.concurrency, s.latency_ms);
    std::size_t failed = 0;
    for (const auto& [kind, count] : errors)
      failed += static_cast<std::size_t>(count);
    std::printf("collected          %zu ok, %zu failed", outcomes.size() - failed, failed);
    for (const auto& [kind, count] : errors)
      std::printf(" [%s: %d]", kind.c_str(), count);
    std::printf("\nconfig bytes       %zu total\n", bytes);
    std::printf("wall time          %.3f s\n", wall);
    std::printf("injected latency   %lld ms over %lld commands (%.1f commands/device)\n",
                injected_ms, delayed, static_cast<double>(delayed) / s.devices);
    std::printf("latency floor      %.3f s (injected / concurrency)\n", floor_s);
    if (floor_s > 0) std::printf("ratio              %.2f x the floor\n", wall / floor_s);
    std::printf("per device         p50 %ld ms, p99 %ld ms, max %ld ms\n", pct(0.5), pct(0.99),
                times.empty() ? 0L : times.back());
    std::printf("collector peak RSS %.1f MiB (VmHWM; %.1f MiB before collecting)\n", hwm / 1024.0,
                rss_before / 1024.0);
    std::printf("per session        %.1f KiB ((VmHWM - RSS before) / concurrency)\n",
                static_cast<double>(hwm - rss_before) / s.concurrency);
    std::printf("per device         %.1f KiB ((VmHWM - RSS before) / devices)\n",
                static_cast<double>(hwm - rss_before) / s.devices);
    std::printf("devsim peak RSS    %.1f MiB\n", devsim_hwm / 1024.0);
    const double devsim_cpu = seconds(devsim.usage.ru_utime) + seconds(devsim.usage.ru_stime);
    std::printf("CPU time           collector %.2f s (%.2f ms/device), devsim %.2f s; %u cores\n",
                cpu, cpu * 1000 / s.devices, devsim_cpu, std::thread::hardware_concurrency());
    double load = 0;
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
      if (std::fscanf(f, "%lf", &load) != 1) load = 0;
      std::fclose(f);
    }
    std::printf("load average       %.1f (1 min, at the end)\n", load);
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return errors.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_collect: %s\n", e.what());
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return 2;
  }
}
