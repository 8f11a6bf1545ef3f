// A devsim lab copied to a private folder (so a test may edit its configs), and the
// `netaudit serve` config over it: 21 devices on 13 platforms, SSH and NETCONF, four of them
// broken on purpose (changed host key, wrong password, hang, nothing listening).
#pragma once

#include <memory>
#include <set>
#include <string>

#include "devsim_process.hpp"
#include "openssh_server.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace netaudit::test {

// A lab copied to a private folder, so a test may edit its configs.
struct ServeLab {
  TempDir dir{"serve-lab"};
  std::unique_ptr<DevsimProcess> devsim;

  ServeLab() {
    std::filesystem::copy(fixture_dir() / "devsim", dir.path() / "lab",
                          std::filesystem::copy_options::recursive);
    devsim = std::make_unique<DevsimProcess>(dir.path() / "lab/lab.yaml");
  }

  std::filesystem::path lab_file(const std::string& name) const {
    return dir.path() / "lab" / name;
  }

  // `extra` is appended to the devices list verbatim; `top` to the top-level keys.
  std::filesystem::path write_config(const std::string& extra = "",
                                     const std::string& top = "") const {
    std::string devices;
    auto add = [&](const std::string& name, const std::string& platform, std::uint16_t port,
                   const std::string& more = "") {
      devices += "    - {name: " + name + ", platform: " + platform +
                 ", port: " + std::to_string(port) + more + "}\n";
    };
    const std::pair<const char*, const char*> good[] = {
        {"lab-ios1", "cisco_ios"},        {"lab-nx1", "cisco_nxos"},
        {"lab-xr1", "cisco_iosxr"},       {"lab-asa1", "cisco_asa"},
        {"lab-eos1", "arista_eos"},       {"lab-mx1", "juniper_junos"},
        {"lab-vrp1", "huawei_vrp"},       {"lab-sr1", "nokia_sros"},
        {"lab-sr2", "nokia_sros_md"},     {"lab-ros1", "mikrotik_routeros"},
        {"lab-fgt1", "fortinet_fortios"}, {"lab-pa1", "paloalto_panos"},
        {"kbdint-only", "arista_eos"}};
    for (const auto& [name, platform] : good)
      add(name, platform, devsim->port(name));
    add("lab-vyos1", "vyos", devsim->port("lab-vyos1"), ", user: vyos");
    add("lab-mx1-netconf", "juniper_junos", devsim->port("lab-mx1"), ", transport: netconf");
    add("lab-sr2-netconf", "nokia_sros_md", devsim->port("lab-sr2"), ", transport: netconf");
    add("netconf-base10", "juniper_junos", devsim->port("netconf-base10"), ", transport: netconf");
    add("fault-host-key", "cisco_ios", devsim->port("fault-host-key"));
    add("fault-wrong-password", "cisco_ios", devsim->port("fault-wrong-password"));
    add("fault-hang", "cisco_ios", devsim->port("fault-hang"));
    add("unreachable", "cisco_ios", free_local_port() /* bound, then released: nothing listens */);
    const std::string config =
        top + (top.find("listen:") == std::string::npos ? "listen: 127.0.0.1:0\n" : "") +
        "store: state/netaudit.db\n"
        "known_hosts: " +
        devsim->known_hosts().string() +
        "\n"
        "schedule: {interval: 10m, concurrency: 8, job_timeout: 20s, "
        "retries: 1, retry_backoff: 100ms}\n"
        "collect: {connect_timeout: 5s, command_timeout: 3s}\n"
        "inventory:\n"
        "  defaults: {host: 127.0.0.1, user: netops, password_file: " +
        lab_file("lab-password.txt").string() +
        "}\n"
        "  devices:\n" +
        devices + extra;
    return dir.write("serve.yaml", config);
  }

  CommandResult serve(const std::filesystem::path& config, const std::string& args) const {
    return run_command(netaudit_binary().string() + " serve --config " + config.string() + " " +
                       args + " 2>&1");
  }
};

inline const std::set<std::string> kBrokenLabDevices = {"fault-host-key", "fault-wrong-password",
                                                        "fault-hang", "unreachable"};

}  // namespace netaudit::test
