#include "devsim_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_check.hpp"
#include "test_paths.hpp"

namespace netaudit::test {

std::filesystem::path devsim_binary() {
  if (const char* from_env = std::getenv("NETAUDIT_DEVSIM"); from_env && *from_env) {
    return from_env;
  }
  return binary_dir() / "tests" / "devsim" / "devsim";
}

DevsimProcess::DevsimProcess(const std::filesystem::path& lab, std::vector<std::string> extra_args,
                             std::chrono::milliseconds start_timeout)
    : dir_("devsim") {
  const auto binary = devsim_binary();
  if (!std::filesystem::exists(binary)) {
    throw std::runtime_error("devsim is not built: " + binary.string() +
                             " (build the 'devsim' target or set NETAUDIT_DEVSIM)");
  }
  const auto ready = dir_.path() / "ready";
  std::vector<std::string> args = {binary.string(),        "--lab",        lab.string(),
                                   "--ready-file",         ready.string(), "--known-hosts-out",
                                   known_hosts().string(), "--audit-log",  audit_log().string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const auto log = (dir_.path() / "devsim.log").string();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  while (!std::filesystem::exists(ready)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("devsim exited before it was ready: " + output());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("devsim not ready in time: " + output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::istringstream lines(read_file(ready));
  std::string name;
  std::string platform;
  unsigned port = 0;
  while (lines >> name >> port >> platform)
    ports_[name] = static_cast<std::uint16_t>(port);
}

DevsimProcess::~DevsimProcess() {
  stop();
  const auto report = sanitizer_report(output());
  if (exit_status_ != 0 || !report.empty()) {
    FAIL_CHECK("devsim " << how_it_ended_ << " after SIGTERM (expected exit 0)"
                         << (report.empty() ? "" : "; sanitizer report:\n") << report);
  }
}

int DevsimProcess::stop() {
  if (pid_ <= 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  int status = 0;
  // Generous: devsim under ASan on a loaded machine joins its session threads, then exits.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      how_it_ended_ = "did not exit within 30 s and was killed";
      return exit_status_ = -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  how_it_ended_ = describe_wait_status(status);
  return exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::uint16_t DevsimProcess::port(std::string_view device) const {
  auto it = ports_.find(device);
  if (it == ports_.end()) throw std::out_of_range("devsim has no device " + std::string(device));
  return it->second;
}

std::vector<std::string> DevsimProcess::refused_commands() const {
  std::vector<std::string> lines;
  std::ifstream in(audit_log());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string DevsimProcess::output() const {
  std::ifstream in(dir_.path() / "devsim.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace netaudit::test
