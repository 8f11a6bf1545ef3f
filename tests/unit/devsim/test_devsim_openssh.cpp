// devsim tested with the system OpenSSH client (no collectors involved): prompts, paging, echo,
// banners, exec channels, NETCONF framing, faults, the read-only audit and clean shutdown.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "devsim_fixture.hpp"
#include "test_paths.hpp"

using namespace netaudit::test;

namespace {

struct PlatformCase {
  const char* device;
  const char* user;
  const char* paging_off;  // empty: the platform never pages
  const char* fetch;
  const char* config;  // fixture file under tests/fixtures/devsim/configs
  const char* prompt;
};

const PlatformCase kCases[] = {
    {"lab-ios1", "netops", "terminal length 0", "show running-config", "cisco_ios.cfg",
     "lab-ios1#"},
    {"lab-nx1", "netops", "terminal length 0", "show running-config", "cisco_nxos.cfg",
     "lab-nx1# "},
    {"lab-xr1", "netops", "terminal length 0", "show running-config", "cisco_iosxr.cfg",
     "RP/0/RP0/CPU0:lab-xr1#"},
    {"lab-asa1", "netops", "terminal pager 0", "show running-config", "cisco_asa.cfg",
     "lab-asa1# "},
    {"lab-eos1", "netops", "terminal length 0", "show running-config", "arista_eos.cfg",
     "lab-eos1#"},
    {"lab-mx1", "netops", "set cli screen-length 0", "show configuration", "juniper_junos.cfg",
     "netops@lab-mx1> "},
    {"lab-vrp1", "netops", "screen-length 0 temporary", "display current-configuration",
     "huawei_vrp.cfg", "<lab-vrp1>"},
    {"lab-sr1", "netops", "environment no more", "admin display-config", "nokia_sros.cfg",
     "A:lab-sr1# "},
    {"lab-sr2", "netops", "environment more false", "admin show configuration", "nokia_sros_md.cfg",
     "[/]\nA:netops@lab-sr2# "},
    {"lab-ros1", "netops", "", "/export", "mikrotik_routeros.cfg", "[netops@lab-ros1] > "},
    {"lab-fgt1", "netops", "", "show", "fortinet_fortios.cfg", "lab-fgt1 # "},
    {"lab-pa1", "netops", "set cli pager off", "show config running", "paloalto_panos.cfg",
     "netops@lab-pa1> "},
    {"lab-vyos1", "vyos", "set terminal length 0", "show configuration commands", "vyos.cfg",
     "vyos@lab-vyos1:~$ "},
};

std::string fixture_config(const char* name) {
  return read_file(devsim_fixture_dir() / "configs" / name);
}

// An ssh client (run through /bin/sh -c "exec ...", so the PID is ssh's) that is typed `input`
// and whose output nobody reads; stopped by its PID (TERM, then waited for) on destruction.
class UnreadClient {
 public:
  UnreadClient(const std::string& command, const std::string& input) {
    int to_child[2];
    int from_child[2];
    REQUIRE(::pipe(to_child) == 0);
    REQUIRE(::pipe(from_child) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      for (const int fd : {to_child[0], to_child[1], from_child[0], from_child[1], null})
        ::close(fd);
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    stdout_ = from_child[0];
    REQUIRE(::write(stdin_, input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  }
  ~UnreadClient() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    ::close(stdin_);
    ::close(stdout_);
  }
  // Bytes ssh wrote to its output pipe that nobody read.
  std::size_t unread() const {
    int unread = 0;
    return ::ioctl(stdout_, FIONREAD, &unread) == 0 ? static_cast<std::size_t>(unread) : 0;
  }
  UnreadClient(const UnreadClient&) = delete;
  UnreadClient& operator=(const UnreadClient&) = delete;

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
};

}  // namespace

TEST_CASE("every platform serves its config - prompt and banner to an OpenSSH shell", "[openssh]") {
  DevsimLab lab;
  for (const auto& c : kCases) {
    INFO(c.device);
    std::string input;
    if (*c.paging_off) input += std::string(c.paging_off) + "\n";
    input += std::string(c.fetch) + "\n";
    // Without a paging-off command (FortiOS) the pager is answered with spaces typed ahead.
    if (!*c.paging_off) input += std::string(10, ' ') + "\n";
    input += "exit\n";
    const auto result = lab.shell(c.device, c.user, input);
    std::string raw = result.output;
    const std::string pager = "--More-- \r         \r";
    for (auto pos = raw.find(pager); pos != std::string::npos; pos = raw.find(pager)) {
      raw.erase(pos, pager.size());
    }
    const auto text = strip_cr(raw);
    CHECK(result.exit_code == 0);
    const std::string device = c.device;
    const bool own_banner = device == "lab-ros1" || device == "lab-mx1" || device == "lab-vrp1" ||
                            device == "lab-vyos1";
    if (!own_banner) CHECK(text.find("Authorized access only") != std::string::npos);
    // Echo: the prompt followed by the command as typed.
    CHECK(text.find(std::string(c.prompt) + c.fetch + "\n") != std::string::npos);
    // The whole config, then the prompt again.
    CHECK(text.find(fixture_config(c.config) + c.prompt) != std::string::npos);
    CHECK(text.find("More") == std::string::npos);
  }
  const auto refused = lab.devsim->refused_commands();
  CHECK(refused.empty());
  for (const auto& line : refused)
    WARN(line);
}

TEST_CASE("paging: pages of 24 lines with the pager prompt - space continues - q aborts",
          "[openssh]") {
  DevsimLab lab;
  const auto config = fixture_config("cisco_ios.cfg");
  const auto lines = count_of(config, "\n");
  REQUIRE(lines > 48);

  SECTION("space continues until the end") {
    // Typed ahead: the spaces are taken by the pager one per page, the rest are blank commands.
    const auto result = lab.shell("lab-ios1", "netops",
                                  "show running-config\n" + std::string(10, ' ') + "\nexit\n");
    const auto text = strip_cr(result.output);
    const auto pages = (lines + 23) / 24;
    CHECK(count_of(text, " --More-- ") == pages - 1);
    // With the pager and its erase sequence removed, the config is complete.
    std::string cleaned = text;
    const std::string pager = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b";
    for (auto pos = cleaned.find(pager); pos != std::string::npos; pos = cleaned.find(pager)) {
      cleaned.erase(pos, pager.size());
    }
    CHECK(cleaned.find(config + "lab-ios1#") != std::string::npos);
  }
  SECTION("q aborts the output and returns to the prompt") {
    const auto result = lab.shell("lab-ios1", "netops", "show running-config\nq\nexit\n");
    const auto text = strip_cr(result.output);
    CHECK(count_of(text, " --More-- ") == 1);
    CHECK(text.find("transport input ssh") == std::string::npos);  // a line near the end
    CHECK(text.find("\nlab-ios1#exit") != std::string::npos);
  }
  SECTION("a refused paging-off command leaves paging on") {
    const auto result =
        lab.shell("fault-paging", "netops",
                  "terminal length 0\nshow running-config\n" + std::string(10, ' ') + "\nexit\n");
    const auto text = strip_cr(result.output);
    CHECK(text.find("% Command authorization failed.") != std::string::npos);
    CHECK(count_of(text, " --More-- ") == (lines + 23) / 24 - 1);
    CHECK(lab.devsim->refused_commands().empty());  // refusing paging-off is no write attempt
  }
}

TEST_CASE("non read-only commands are refused - answered with an error and audited", "[openssh]") {
  DevsimLab lab;
  const auto result = lab.shell("lab-ios1", "netops",
                                "terminal length 0\nconfigure terminal\nwrite memory\n"
                                "copy running-config tftp://192.0.2.1/x\nreload\nshow foo\nexit\n");
  const auto text = strip_cr(result.output);
  CHECK(count_of(text, "% Command authorization failed.") == 4);
  CHECK(text.find("% Invalid input detected at '^' marker.") != std::string::npos);
  auto refused = lab.devsim->refused_commands();
  REQUIRE(refused.size() == 4);
  CHECK(refused[0] == "refused\tlab-ios1\tshell\tconfigure terminal");
  CHECK(refused[3] == "refused\tlab-ios1\tshell\treload");

  const auto junos = lab.exec("lab-mx1", "netops", "request system reboot");
  CHECK(junos.output.find("error: permission denied") != std::string::npos);
  const auto vyos = lab.shell("lab-vyos1", "vyos", "set system host-name x\nexit\n");
  CHECK(vyos.output.find("Permission denied") != std::string::npos);
  refused = lab.devsim->refused_commands();
  REQUIRE(refused.size() == 6);
  CHECK(refused[4] == "refused\tlab-mx1\texec\trequest system reboot");
  CHECK(refused[5] == "refused\tlab-vyos1\tshell\tset system host-name x");
}

TEST_CASE("exec channel returns the command output exactly and closes", "[openssh]") {
  DevsimLab lab;
  auto result = lab.exec("lab-mx1", "netops", "show configuration | display set");
  CHECK(result.exit_code == 0);
  CHECK(result.output == fixture_config("juniper_junos.set"));
  result = lab.exec("lab-ros1", "netops", "/export");
  CHECK(result.output == fixture_config("mikrotik_routeros.cfg"));
  // RouterOS terminal flags in the user name are accepted.
  result = lab.exec("lab-ros1", "netops+ct511w4098h", "/export");
  CHECK(result.output == fixture_config("mikrotik_routeros.cfg"));
  // Platforms without exec support refuse the channel request.
  result = lab.exec("lab-ios1", "netops", "show running-config");
  CHECK(result.exit_code != 0);
}

TEST_CASE("faults: wrong password - changed host key - hang - disconnect - endless - garbage",
          "[openssh]") {
  DevsimLab lab;
  SECTION("wrong password: every authentication fails") {
    const auto result = lab.exec("fault-wrong-password", "netops", "show version");
    CHECK(result.exit_code == 255);
    CHECK(result.output.find("Permission denied") != std::string::npos);
  }
  SECTION("changed host key: OpenSSH refuses the recorded host") {
    const auto result = lab.exec("fault-host-key", "netops", "show version");
    CHECK(result.exit_code == 255);
    CHECK(result.output.find("REMOTE HOST IDENTIFICATION HAS CHANGED") != std::string::npos);
  }
  SECTION("hang after login: nothing, ever") {
    const auto start = std::chrono::steady_clock::now();
    const auto result = lab.shell("fault-hang", "netops", "terminal length 0\n", 2);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(2));
    CHECK(result.exit_code == 124);  // killed by timeout(1)
    CHECK(result.output.find("fault-hang#") == std::string::npos);
  }
  SECTION("disconnect mid-transfer: half the config, then the connection drops") {
    const auto result =
        lab.shell("fault-disconnect", "netops", "terminal length 0\nshow running-config\nexit\n");
    const auto text = strip_cr(result.output);
    CHECK(text.find("hostname lab-ios1") != std::string::npos);
    CHECK(text.find("\nend\n") == std::string::npos);
    CHECK(result.exit_code == 255);
  }
  SECTION("endless output: the fetch never ends") {
    // NULs typed (ignored by the CLI), then exit: nothing was asked, so only the prompt came.
    const auto idle =
        run_command("{ head -c 4096 /dev/zero; printf 'exit\\n'; } | timeout 30 ssh -tt " +
                    lab.ssh_options(lab.devsim->port("fault-endless")) +
                    " netops@127.0.0.1 2>&1 | head -c 2000000");
    CHECK(idle.output.find("fault-endless#") != std::string::npos);
    CHECK(idle.output.size() < 1000);
    // Asked for the config, it sends without end: 3,000,000 bytes arrive, however slowly (60 s
    // is only a bound). stdin stays open until head has its bytes (the `got` file says so);
    // then `~.`, ssh's escape for "disconnect", ends the session at once.
    const std::string got = shell_quote((lab.keys.path() / "got-3000000").string());
    const auto endless = run_command(
        "{ printf 'terminal length 0\\nshow running-config\\n'; while [ ! -e " + got +
        " ]; do sleep 0.1; done; printf '\\n~.'; } | timeout 60 ssh -tt " +
        lab.ssh_options(lab.devsim->port("fault-endless")) +
        " netops@127.0.0.1 2>/dev/null | { head -c 3000000 | wc -c; touch " + got + "; }");
    CHECK(std::stoul(endless.output) == 3000000);
  }
  SECTION("garbage instead of a prompt") {
    const auto result =
        lab.shell("fault-garbage", "netops", "terminal length 0\nshow running-config\nexit\n");
    CHECK(result.output.find("fault-garbage#") == std::string::npos);
    CHECK(result.output.find("$NOISE") != std::string::npos);
  }
}

TEST_CASE("password and keyboard-interactive logins - methods offered per device", "[openssh]") {
  DevsimLab lab;
  // OpenSSH reads the password from SSH_ASKPASS (no terminal here).
  const auto askpass = lab.keys.path() / "askpass.sh";
  {
    std::ofstream out(askpass);
    out << "#!/bin/sh\ncat " << shell_quote((devsim_fixture_dir() / "lab-password.txt").string())
        << "\n";
  }
  std::filesystem::permissions(askpass, std::filesystem::perms::owner_all);
  const auto login = [&](const char* device, const char* method) {
    // OpenSSH keeps the first value of an option: these come before ssh_options().
    return run_command("SSH_ASKPASS=" + shell_quote(askpass.string()) +
                       " SSH_ASKPASS_REQUIRE=force DISPLAY=none timeout 20 setsid -w ssh"
                       " -o BatchMode=no -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1"
                       " -o PreferredAuthentications=" +
                       std::string(method) + " " + lab.ssh_options(lab.devsim->port(device)) +
                       " netops@127.0.0.1 'show version' 2>&1 < /dev/null");
  };
  // lab-mx1 (Junos, exec allowed) offers every method.
  auto result = login("lab-mx1", "password");
  CHECK(result.output.find("Permission denied") == std::string::npos);
  CHECK(result.output.find("unknown command.") != std::string::npos);
  result = login("lab-mx1", "keyboard-interactive");
  CHECK(result.output.find("Permission denied") == std::string::npos);
  CHECK(result.output.find("unknown command.") != std::string::npos);
  // kbdint-only refuses password and public key, accepts keyboard-interactive.
  result = login("kbdint-only", "password");
  CHECK(result.exit_code == 255);
  CHECK(result.output.find("Permission denied (keyboard-interactive)") != std::string::npos);
  result = lab.exec("kbdint-only", "netops", "show running-config");
  CHECK(result.exit_code == 255);
  // Wrong password via keyboard-interactive: refused by the server, not any ssh failure.
  result = login("fault-wrong-password", "keyboard-interactive");
  CHECK(result.exit_code == 255);
  CHECK(result.output.find("Permission denied (") != std::string::npos);
}

TEST_CASE("shared port: the login user name picks the device", "[openssh]") {
  DevsimLab lab(devsim_lab_file(), {"--shared-port", "0"});
  const auto port = lab.devsim->shared_port();
  const auto result = run_command("printf 'show\\n          \\nexit\\n' | timeout 20 ssh -tt " +
                                  lab.ssh_options(port) + " lab-fgt1@127.0.0.1 2>&1");
  const auto text = strip_cr(result.output);
  CHECK(text.find("lab-fgt1 # show\n") != std::string::npos);
  CHECK(text.find("set hostname \"lab-fgt1\"") != std::string::npos);
  const auto exec = run_command("timeout 20 ssh " + lab.ssh_options(port) +
                                " lab-mx1@127.0.0.1 'show configuration | display set' 2>&1");
  CHECK(exec.output == fixture_config("juniper_junos.set"));
  const auto unknown = run_command("timeout 20 ssh " + lab.ssh_options(port) +
                                   " no-such-device@127.0.0.1 show 2>&1");
  CHECK(unknown.exit_code == 255);
}

namespace {

std::string netconf_exchange(const DevsimLab& lab, const char* device, bool client_base11,
                             const std::string& rpc_body) {
  std::string hello =
      "<?xml version=\"1.0\"?><hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
      "<capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>";
  if (client_base11) hello += "<capability>urn:ietf:params:netconf:base:1.1</capability>";
  hello += "</capabilities></hello>]]>]]>";
  const std::string rpc =
      "<rpc message-id=\"7\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" + rpc_body +
      "</rpc>";
  const std::string close =
      "<rpc message-id=\"8\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><close-session/>"
      "</rpc>";
  std::string framed;
  for (const auto& message : {rpc, close}) {
    framed += client_base11 && std::string(device) != "netconf-base10"
                  ? "\n#" + std::to_string(message.size()) + "\n" + message + "\n##\n"
                  : message + "]]>]]>";
  }
  // The whole exchange is typed ahead; devsim answers in order, then close-session ends it.
  return run_command("printf '%s' " + shell_quote(hello + framed) + " | timeout 10 ssh " +
                     lab.ssh_options(lab.devsim->port(device)) +
                     " -s netops@127.0.0.1 netconf 2>&1")
      .output;
}

}  // namespace

TEST_CASE("NETCONF subsystem: hello - both framings - get-config - rpc-error - close-session",
          "[openssh]") {
  DevsimLab lab;
  const auto xml = read_file(devsim_fixture_dir() / "netconf" / "juniper_junos.xml");
  const std::string get_config = "<get-config><source><running/></source></get-config>";

  SECTION("base:1.1 on both sides: chunked framing") {
    const auto out = netconf_exchange(lab, "lab-mx1", true, get_config);
    CHECK(out.find("<capability>urn:ietf:params:netconf:base:1.1</capability>") !=
          std::string::npos);
    CHECK(count_of(out, "\n#1024\n") >= 1);  // a multi-chunk reply
    CHECK(out.find("\n##\n") != std::string::npos);
    CHECK(out.find("<rpc-reply message-id=\"8\"") != std::string::npos);
    // Re-assembled, the reply holds the device's XML.
    std::string joined;
    for (std::size_t pos = out.find("]]>]]>") + 6; pos < out.size();) {
      if (out.compare(pos, 4, "\n##\n") == 0) {
        pos += 4;
        continue;
      }
      REQUIRE(out.compare(pos, 2, "\n#") == 0);
      const auto newline = out.find('\n', pos + 2);
      const auto size = std::stoul(out.substr(pos + 2, newline - pos - 2));
      joined += out.substr(newline + 1, size);
      pos = newline + 1 + size;
    }
    CHECK(joined.find("<data>" + xml + "</data>") != std::string::npos);
  }
  SECTION("client with base:1.0 only: end-of-message framing") {
    const auto out = netconf_exchange(lab, "lab-mx1", false, get_config);
    CHECK(out.find("<data>" + xml + "</data></rpc-reply>]]>]]>") != std::string::npos);
  }
  SECTION("server configured for base:1.0 only") {
    const auto out = netconf_exchange(lab, "netconf-base10", true, get_config);
    CHECK(out.find("base:1.1") == std::string::npos);
    CHECK(out.find("</data></rpc-reply>]]>]]>") != std::string::npos);
  }
  SECTION("unsupported operation: rpc-error; writes are audited") {
    auto out = netconf_exchange(lab, "lab-mx1", true, "<get-schema/>");
    CHECK(out.find("<error-tag>operation-not-supported</error-tag>") != std::string::npos);
    CHECK(lab.devsim->refused_commands().empty());
    out = netconf_exchange(lab, "lab-mx1", true,
                           "<edit-config><target><running/></target><config/></edit-config>");
    CHECK(out.find("<error-tag>access-denied</error-tag>") != std::string::npos);
    REQUIRE(lab.devsim->refused_commands().size() == 1);
    CHECK(lab.devsim->refused_commands()[0] == "refused\tlab-mx1\tnetconf\tedit-config");
  }
  SECTION("malformed chunk header fault") {
    const auto out = netconf_exchange(lab, "fault-netconf-chunk", true, get_config);
    CHECK(out.find("\n#4x2\n") != std::string::npos);
  }
  SECTION("a device without NETCONF refuses the subsystem") {
    const auto out = netconf_exchange(lab, "lab-ios1", true, get_config);
    CHECK(out.find("<hello") == std::string::npos);
  }
}

TEST_CASE("robustness: junk clients do not take devsim down - SIGTERM stops it cleanly",
          "[openssh]") {
  DevsimLab lab;
  const auto port = lab.devsim->port("lab-ios1");
  for (int i = 0; i < 20; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      const std::string junk = i % 2 ? "GET / HTTP/1.0\r\n\r\n" : std::string(5000, '\xff');
      [[maybe_unused]] auto n = ::write(fd, junk.data(), junk.size());
    }
    ::close(fd);
  }
  const auto result =
      lab.shell("lab-ios1", "netops", "terminal length 0\nshow running-config\nexit\n");
  CHECK(strip_cr(result.output).find(fixture_config("cisco_ios.cfg")) != std::string::npos);
  const bool alive = ::kill(lab.devsim->pid(), 0) == 0;
  CHECK(alive);
  // SIGTERM while a client is stuck behind endless output: its ssh's output is never read, so
  // devsim soon can send it nothing more. Wait until the endless config is arriving there (more
  // than banner and prompt unread), then stop devsim: it must exit 0 on SIGTERM, not be killed.
  const UnreadClient stuck(
      "exec ssh -tt " + lab.ssh_options(lab.devsim->port("fault-endless")) + " netops@127.0.0.1",
      "terminal length 0\nshow running-config\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (stuck.unread() < 4096 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(stuck.unread() >= 4096);
  CHECK(lab.devsim->stop() == 0);  // exit status 0: under ASan this also means no leak
  const auto output = lab.devsim->output();
  CHECK(output.find("devsim: stopped; 0 refused commands") != std::string::npos);
  CHECK(output.find("Sanitizer") == std::string::npos);
  CHECK(output.find("runtime error") == std::string::npos);
}
