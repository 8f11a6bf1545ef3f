// Platform detection on small configs written for these tests (tests/fixtures/detect/).
#include "netaudit/policies/detect.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "test_paths.hpp"

using netaudit::detect_platform;
using netaudit::Detection;
using netaudit::known_platforms;
using netaudit::Syntax;
using netaudit::syntax_for_platform;
using netaudit::test::fixture_dir;
using netaudit::test::read_file;

namespace {

Detection detect_fixture(const std::string& name) {
  return detect_platform(read_file(fixture_dir() / "detect" / name));
}

struct Expected {
  const char* file;
  const char* platform;
  Syntax syntax;
  const char* deciding_line;  // a line the reason must name, e.g. "line 7 'feature telnet'"
};

}  // namespace

TEST_CASE("detect: each platform's fixture is recognised with its syntax and deciding lines") {
  const Expected cases[] = {
      {"cisco_ios.cfg", "cisco_ios", Syntax::indented, "line 10 'boot-start-marker'"},
      {"cisco_nxos.cfg", "cisco_nxos", Syntax::indented, "line 7 'feature telnet'"},
      {"cisco_iosxr.cfg", "cisco_iosxr", Syntax::indented, "line 3 '!! IOS XR Configuration"},
      {"cisco_asa.cfg", "cisco_asa", Syntax::indented, "line 3 'ASA Version 9.16(3)'"},
      {"arista_eos.cfg", "arista_eos", Syntax::indented, "line 4 'no aaa root'"},
      {"arista_eos_plain.cfg", "arista_eos", Syntax::indented, "line 2 'daemon TerminAttr'"},
      {"juniper_junos.conf", "juniper_junos", Syntax::braces, "line 2 'version 21.4R3-S5.4;'"},
      {"juniper_junos_set.conf", "juniper_junos", Syntax::set, "line 8 'set routing-options"},
      {"juniper_junos.xml", "juniper_junos", Syntax::xml, "xml.juniper.net"},
      {"huawei_vrp.cfg", "huawei_vrp", Syntax::indented, "line 7 'stelnet server enable'"},
      {"nokia_sros_classic.cfg", "nokia_sros", Syntax::indented, "line 1 '# TiMOS-B-20.10.R3"},
      {"nokia_sros_mdcli.cfg", "nokia_sros", Syntax::braces, "line 4 'configure {'"},
      {"nokia_srlinux.cfg", "nokia_srlinux", Syntax::set, "line 1 'set / interface"},
      {"nokia_srlinux_braces.cfg", "nokia_srlinux", Syntax::braces, "'interface ethernet-1/1 {'"},
      {"mikrotik_routeros.rsc", "mikrotik_routeros", Syntax::menu, "by RouterOS 7.15.2'"},
      {"fortinet_fortios.conf", "fortinet_fortios", Syntax::block, "line 4 'config system global'"},
      {"paloalto_panos.xml", "paloalto_panos", Syntax::xml, "line 2 '<config version="},
      {"paloalto_panos_set.cfg", "paloalto_panos", Syntax::set, "line 1 'set deviceconfig"},
      {"paloalto_panos_braces.cfg", "paloalto_panos", Syntax::braces, "line 1 'deviceconfig {'"},
      {"vyos.config.boot", "vyos", Syntax::braces, "vyos-config-version"},
      {"vyos_set.cfg", "vyos", Syntax::set, "line 1 'set interfaces ethernet eth0"},
      {"f5_bigip.conf", "f5_bigip", Syntax::braces, "line 1 '#TMSH-VERSION: 15.1.8'"},
      {"netconf_ietf.xml", "netconf", Syntax::xml, "ietf-system"},
  };
  for (const Expected& expected : cases) {
    INFO(expected.file);
    const Detection detection = detect_fixture(expected.file);
    INFO("reason: " << detection.reason);
    CHECK(detection.platform == expected.platform);
    CHECK(detection.syntax == expected.syntax);
    CHECK(detection.confidence >= netaudit::kConfidentDetection);
    CHECK(detection.confidence <= 1.0);
    CHECK(detection.reason.find(expected.deciding_line) != std::string::npos);
  }
}

TEST_CASE("detect: text that is no device config is unknown, not a guess") {
  for (const char* file : {"unknown_prose.txt", "unknown_hosts.txt"}) {
    INFO(file);
    const Detection detection = detect_fixture(file);
    CHECK(detection.platform == netaudit::kUnknownPlatform);
    CHECK(detection.confidence < netaudit::kConfidentDetection);
    CHECK_FALSE(detection.reason.empty());
  }
  const Detection yaml = detect_platform("devices:\n  - name: r1\n    address: 192.0.2.1\n");
  CHECK(yaml.platform == "unknown");
  CHECK(detect_platform("").platform == "unknown");
  CHECK(detect_platform("\n\n   \n").platform == "unknown");
}

TEST_CASE("detect: one weak hint is not enough for a confident answer") {
  // `hostname` alone is Cisco-like, but so are a dozen other CLIs.
  const Detection detection = detect_platform("hostname r1\n");
  CHECK(detection.platform == "unknown");
  CHECK(detection.reason.find("not sure: best guess cisco_ios") != std::string::npos);
  CHECK(detection.reason.find("line 1 'hostname r1'") != std::string::npos);
}

TEST_CASE("detect: conflicting strong evidence lowers the confidence") {
  const std::string ios = read_file(fixture_dir() / "detect" / "cisco_ios.cfg");
  const std::string junos = read_file(fixture_dir() / "detect" / "juniper_junos.conf");
  const Detection alone = detect_platform(ios);
  const Detection mixed = detect_platform(ios + junos);
  CHECK(mixed.confidence < alone.confidence);
}

TEST_CASE("detect: CRLF line ends and a BOM do not change the answer") {
  const std::string text = read_file(fixture_dir() / "detect" / "cisco_nxos.cfg");
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const Detection detection = detect_platform(crlf);
  CHECK(detection.platform == "cisco_nxos");
  CHECK(detection.reason.find("line 7 'feature telnet'") != std::string::npos);
  CHECK(detection.reason.find('\r') == std::string::npos);
}

TEST_CASE("detect: evidence deep in a long file is found through the tail scan") {
  // 50k lines of neutral statements, then the deciding trailer: only the tail scan sees it.
  std::string text;
  for (int i = 0; i < 50000; ++i)
    text += "vlan " + std::to_string(i % 4000 + 1) + "\n";
  text += "return\n";
  text += "stelnet server enable\n";
  text += "vlan batch 10 20\n";
  const Detection detection = detect_platform(text);
  CHECK(detection.platform == "huawei_vrp");
  CHECK(detection.reason.find("line 50002 'stelnet server enable'") != std::string::npos);
}

TEST_CASE("detect: a 10 MB single line costs no more than a short one") {
  std::string text = "set deviceconfig system hostname fw1 " + std::string(10u << 20, 'x') + "\n";
  const auto start = std::chrono::steady_clock::now();
  const Detection detection = detect_platform(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(detection.platform == "paloalto_panos");
  CHECK(detection.reason.size() < 400);  // the quoted evidence is cut short
  CHECK(elapsed < std::chrono::seconds(2));
}

TEST_CASE("detect: binary bytes and NULs in a config are survivable") {
  std::string text = read_file(fixture_dir() / "detect" / "fortinet_fortios.conf");
  text.insert(40, std::string("\0\x01\xff\xfe", 4));
  const Detection detection = detect_platform(text);
  CHECK(detection.platform == "fortinet_fortios");
  for (char c : detection.reason)
    CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE("detect: known_platforms lists every platform id once, including the corpus ones") {
  const auto& platforms = known_platforms();
  for (const char* id : {"cisco_ios",     "cisco_nxos",        "cisco_iosxr",      "cisco_asa",
                         "arista_eos",    "juniper_junos",     "huawei_vrp",       "nokia_sros",
                         "nokia_srlinux", "mikrotik_routeros", "fortinet_fortios", "paloalto_panos",
                         "vyos",          "f5_bigip",          "a10_acos",         "aruba_aos",
                         "aruba_aoscx",   "checkpoint_gaia",   "ciena_saos",       "cumulus_linux",
                         "extreme_exos",  "extreme_slxos",     "extreme_voss",     "frr",
                         "hp_procurve",   "hpe_comware",       "pfsense_opnsense", "ruckus_icx",
                         "netconf"}) {
    INFO(id);
    CHECK(std::count(platforms.begin(), platforms.end(), id) == 1);
  }
  CHECK(std::count(platforms.begin(), platforms.end(), "unknown") == 0);
}

TEST_CASE("detect: syntax_for_platform picks the form from the text for multi-form platforms") {
  CHECK(syntax_for_platform("juniper_junos", "system {\n    host-name r1;\n}\n") == Syntax::braces);
  CHECK(syntax_for_platform("juniper_junos",
                            "set system host-name r1\nset system services ssh\n") == Syntax::set);
  CHECK(syntax_for_platform("juniper_junos", "  <configuration><system/></configuration>\n") ==
        Syntax::xml);
  CHECK(syntax_for_platform("vyos", "set system host-name r1\n") == Syntax::set);
  CHECK(syntax_for_platform("vyos", "system {\n    host-name r1\n}\n") == Syntax::braces);
  CHECK(syntax_for_platform("paloalto_panos", "<config version=\"10.1.0\"/>") == Syntax::xml);
  CHECK(syntax_for_platform("paloalto_panos", "set deviceconfig system hostname f\n") ==
        Syntax::set);
  CHECK(syntax_for_platform("paloalto_panos", "deviceconfig {\n  system {\n  }\n}\n") ==
        Syntax::braces);
  CHECK(syntax_for_platform("nokia_sros", "configure {\n    system {\n    }\n}\n") ==
        Syntax::braces);
  CHECK(syntax_for_platform("nokia_sros", "configure\n    system\n    exit\nexit all\n") ==
        Syntax::indented);
  CHECK(syntax_for_platform("fortinet_fortios", "config system global\nend\n") == Syntax::block);
  CHECK(syntax_for_platform("mikrotik_routeros", "/ip service\nset telnet disabled=yes\n") ==
        Syntax::menu);
  CHECK(syntax_for_platform("cisco_ios", "interface Gi0/1\n shutdown\n") == Syntax::indented);
  CHECK(syntax_for_platform("f5_bigip", "ltm pool p {\n}\n") == Syntax::braces);
  // Comment lines do not count as set statements.
  CHECK(syntax_for_platform("juniper_junos", "# set a b\n# set c d\nsystem {\n}\n") ==
        Syntax::braces);
  // An unknown platform gets the shape of its text.
  CHECK(syntax_for_platform("no_such_platform", "set a b c\n") == Syntax::set);
  CHECK(syntax_for_platform("no_such_platform", "a {\n b;\n}\n") == Syntax::braces);
  CHECK(syntax_for_platform("no_such_platform", "a\n b\n") == Syntax::indented);
}

TEST_CASE("detect: an XML reply is parsed as XML whatever platform its namespace names") {
  const Detection iosxr = detect_platform(
      "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><data>\n"
      "<ntp xmlns=\"http://cisco.com/ns/yang/Cisco-IOS-XR-ip-ntp-cfg\"/>\n</data></rpc-reply>\n");
  CHECK(iosxr.platform == "cisco_iosxr");
  CHECK(iosxr.syntax == Syntax::xml);
  const Detection huawei =
      detect_platform("<data>\n <lldp xmlns=\"http://www.huawei.com/netconf/vrp\"/>\n</data>\n");
  CHECK(huawei.platform == "huawei_vrp");
  CHECK(huawei.syntax == Syntax::xml);
}

TEST_CASE("detect: unknown text still gets a syntax to parse it with") {
  const Detection braces = detect_platform("alpha {\n    beta gamma;\n}\n");
  CHECK(braces.platform == "unknown");
  CHECK(braces.syntax == Syntax::braces);
  const Detection xml = detect_platform("<?xml version=\"1.0\"?>\n<inventory/>\n");
  CHECK(xml.platform == "unknown");
  CHECK(xml.syntax == Syntax::xml);
}
