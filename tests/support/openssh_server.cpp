#include "openssh_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace netaudit::test {
namespace fs = std::filesystem;

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const fs::path& log_file,
                           const std::vector<std::string>& extra_env) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Child: own process group (so stop() can kill helpers too), output to the log.
    setpgid(0, 0);
    const int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    for (const std::string& entry : extra_env)
      putenv(const_cast<char*>(entry.c_str()));
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void ChildProcess::stop() {
  if (pid_ <= 0) return;
  // The process group: sshd's per-connection children and the forced command go with it.
  kill(-pid_, SIGTERM);
  kill(pid_, SIGTERM);
  for (int i = 0; i < 40; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      kill(-pid_, SIGKILL);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::uint16_t free_local_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

bool wait_for_port(std::uint16_t port, int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void generate_ssh_key(const fs::path& file, const std::string& passphrase) {
  std::error_code ec;
  fs::remove(file, ec);
  fs::remove(file.string() + ".pub", ec);
  const std::string command = "ssh-keygen -q -t ed25519 -N '" + passphrase +
                              "' -C netaudit-test -f '" + file.string() +
                              "' </dev/null >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("ssh-keygen failed for " + file.string());
}

namespace {
std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
}  // namespace

OpenSshServer::OpenSshServer(const fs::path& dir, OpenSshOptions options)
    : dir_(dir), options_(std::move(options)) {
  if (!fs::exists("/usr/sbin/sshd"))
    throw std::runtime_error(
        "/usr/sbin/sshd is missing: install openssh-server (scripts/install-deps.sh)");
  fs::create_directories("/run/sshd");  // sshd insists on its privilege-separation folder
  host_key_ = dir_ / "ssh_host_ed25519_key";
  client_key_ = dir_ / "client_key";
  generate_ssh_key(host_key_);
  generate_ssh_key(client_key_);
  fs::copy_file(client_key_.string() + ".pub", dir_ / "authorized_keys",
                fs::copy_options::overwrite_existing);
  if (!options_.force_command_script.empty()) {
    const fs::path script = dir_ / "force-command.sh";
    std::ofstream(script) << options_.force_command_script;
    fs::permissions(script, fs::perms::owner_all);
  }
  port_ = options_.port != 0 ? options_.port : free_local_port();
  start();
}

std::string OpenSshServer::user() const {
  const char* user = std::getenv("USER");
  if (user != nullptr && *user != '\0') return user;
  return getuid() == 0 ? "root" : std::to_string(getuid());
}

void OpenSshServer::write_config() {
  std::ofstream config(dir_ / "sshd_config");
  config << "Port " << port_ << "\n"
         << "ListenAddress 127.0.0.1\n"
         << "HostKey " << host_key_.string() << "\n"
         << "PidFile " << (dir_ / "sshd.pid").string() << "\n"
         << "AuthorizedKeysFile " << (dir_ / "authorized_keys").string() << "\n"
         << "PasswordAuthentication " << (options_.password_authentication ? "yes" : "no") << "\n"
         << "KbdInteractiveAuthentication no\n"
         << "UsePAM no\n"
         << "StrictModes no\n"
         << "PermitRootLogin yes\n"
         << "PrintMotd no\n"
         << "PrintLastLog no\n"
         << "MaxStartups 50:30:100\n"
         << "LogLevel VERBOSE\n";
  if (!options_.netconf_subsystem.empty())
    config << "Subsystem netconf " << options_.netconf_subsystem << "\n";
  if (!options_.force_command_script.empty()) {
    // Only sessions without a subsystem request get the forced command.
    config << "ForceCommand " << (dir_ / "force-command.sh").string() << "\n";
  }
}

void OpenSshServer::start() {
  process_.stop();
  write_config();
  process_ = ChildProcess({"/usr/sbin/sshd", "-D", "-e", "-f", (dir_ / "sshd_config").string()},
                          dir_ / "sshd.log");
  if (!wait_for_port(port_, 5000)) {
    process_.stop();
    throw std::runtime_error("sshd did not start on 127.0.0.1:" + std::to_string(port_) +
                             "; log:\n" + log());
  }
}

void OpenSshServer::replace_host_key() {
  process_.stop();
  generate_ssh_key(host_key_);
  start();
}

std::string OpenSshServer::log() const {
  return slurp(dir_ / "sshd.log");
}

NetconfdServer::NetconfdServer(const fs::path& dir, std::uint16_t ssh_port,
                               const fs::path& startup_xml, const std::vector<std::string>& modules)
    : dir_(dir), ssh_port_(ssh_port), socket_(dir / "ncxserver.sock") {
  if (!fs::exists("/usr/sbin/netconfd") || !fs::exists("/usr/sbin/netconf-subsystem"))
    throw std::runtime_error(
        "netconfd is missing: install the netconfd package (scripts/install-deps.sh)");
  std::vector<std::string> argv = {"/usr/sbin/netconfd",
                                   "--superuser=" + std::string(getuid() == 0 ? "root" : ""),
                                   "--target=running",
                                   "--startup=" + startup_xml.string(),
                                   "--port=" + std::to_string(ssh_port),
                                   "--ncxserver-sockname=" + socket_.string(),
                                   "--log-level=info"};
  if (getuid() != 0) {
    const char* user = std::getenv("USER");
    argv[1] = "--superuser=" + std::string(user != nullptr ? user : "");
  }
  for (const std::string& module : modules)
    argv.push_back("--module=" + module);
  process_ = ChildProcess(argv, dir_ / "netconfd.log", {"HOME=" + dir_.string()});
  // netconfd is ready once its socket exists.
  for (int i = 0; i < 200 && !fs::exists(socket_); ++i) {
    if (!process_.running()) throw std::runtime_error("netconfd exited at start; log:\n" + log());
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (!fs::exists(socket_))
    throw std::runtime_error("netconfd did not create its socket; log:\n" + log());
}

std::string NetconfdServer::subsystem_command() const {
  return "/usr/sbin/netconf-subsystem --ncxserver-sockname=" + std::to_string(ssh_port_) + "@" +
         socket_.string();
}

std::string NetconfdServer::log() const {
  return slurp(dir_ / "netconfd.log");
}

}  // namespace netaudit::test
