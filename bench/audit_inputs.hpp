// Inputs shared by the policy benchmarks: the shipped policy and a 10k-line IOS config.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "netaudit/policies/rules.hpp"

namespace netaudit::bench {

namespace fs = std::filesystem;

inline const policy::Policy& shipped() {
  static const policy::Policy p = [] {
    auto loaded = policy::Policy::load_shipped(fs::path(NETAUDIT_SOURCE_DIR) / "policies");
    if (!loaded.policy) {
      for (const auto& e : loaded.errors)
        std::cerr << e.to_string() << '\n';
      std::exit(1);
    }
    return std::move(*loaded.policy);
  }();
  return p;
}

inline std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A realistic 10k-line IOS config: the hardened fixture's globals, then repeated blocks.
inline std::string ios_10k() {
  std::string out =
      read(fs::path(NETAUDIT_SOURCE_DIR) / "tests/fixtures/policy/cisco_ios/hardened.cfg");
  out = out.substr(0, out.rfind("end"));
  std::size_t lines = static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
  std::string bgp = "router bgp 65001\n";
  int n = 0;
  while (lines < 10000) {
    ++n;
    const std::string i = std::to_string(n);
    const std::string ip = "10." + std::to_string(n / 250) + "." + std::to_string(n % 250) + ".";
    out += "interface GigabitEthernet1/0/" + i + "\n description access port " + i +
           "\n switchport access vlan 10\n switchport mode access\n ip address " + ip +
           "1 255.255.255.252\n no ip redirects\n no ip proxy-arp\n spanning-tree portfast\n!\n";
    out += "ip access-list extended ACL-" + i + "\n permit tcp any host " + ip +
           "2 eq 22\n deny ip any any log\n!\n";
    bgp += " neighbor " + ip + "2 remote-as 6" + i + "\n neighbor " + ip +
           "2 password 7 0822455D0A16\n";
    lines += 14;
  }
  out += bgp + "!\nend\n";
  return out;
}

}  // namespace netaudit::bench
