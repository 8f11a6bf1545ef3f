// The indented statement-tree parser: IOS, NX-OS, IOS-XR, ASA, EOS, VRP, SR OS classic,
// ProCurve; banners, multi-line messages, bad input, round trip and the shared corpus.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"
#include "parser_test_support.hpp"
#include "skip.hpp"

using netaudit::NodeRef;
using netaudit::ParseResult;
using netaudit::Syntax;
using netaudit::test::count_children;
using netaudit::test::describe;
using netaudit::test::first_line_mismatch;
using netaudit::test::has_warning_at;
using netaudit::test::is_multiline;
using netaudit::test::nth_child;
using netaudit::test::parse_fixture;
using netaudit::test::regular_files_in;
using netaudit::test::tree_has_text;

namespace {

ParseResult parse_indented(std::string text) {
  return netaudit::parse_config(std::move(text), Syntax::indented);
}

}  // namespace

TEST_CASE("indented: IOS router with banners, BGP address families and vty lines") {
  const ParseResult parsed = parse_fixture("indented/ios_router.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();

  // Headers, comments and `end` are not statements.
  CHECK(root.first_child().text() == "version 15.7");
  CHECK(root.first_child().line() == 8);
  CHECK_FALSE(tree_has_text(parsed.tree, "end"));
  CHECK_FALSE(tree_has_text(parsed.tree, "Building configuration..."));
  CHECK_FALSE(tree_has_text(parsed.tree, "!"));

  const NodeRef transport = root.find({"line vty 0 4", "transport input ssh"});
  REQUIRE(transport);
  CHECK(transport.line() == 121);
  CHECK(transport.parent().line() == 118);
  CHECK(root.find({"line vty 5 15", "transport input none"}).line() == 123);
  CHECK(count_children(root.child("line vty 0 4")) == 3);

  const NodeRef bgp = root.child("router bgp 64500");
  REQUIRE(bgp);
  CHECK(bgp.line() == 67);
  const NodeRef activate = bgp.find({"address-family ipv4", "neighbor 203.0.113.1 activate"});
  REQUIRE(activate);
  CHECK(activate.line() == 76);
  // `exit-address-family` is a statement of its own, a sibling of the address family.
  CHECK(bgp.child("exit-address-family").line() == 79);
  CHECK(count_children(bgp.child("address-family ipv4")) == 4);

  // The certificate's hex lines stay under it; the `quit` that ends them is not a statement.
  const NodeRef certificate = root.find(
      {"crypto pki certificate chain TP-self-signed-3150285211", "certificate self-signed 01"});
  REQUIRE(certificate);
  CHECK(count_children(certificate) == 2);
  CHECK_FALSE(tree_has_text(parsed.tree, "quit"));

  // banner exec: opens with ^C and ends on a line with text before the delimiter.
  const NodeRef exec =
      root.child("banner exec ^C\nWelcome to edge-rtr-01. All sessions are logged.^C");
  REQUIRE(exec);
  CHECK(exec.line() == 101);
  CHECK(is_multiline(exec));
  // banner login: starts and ends on one line.
  const NodeRef login = root.child("banner login ^CAuthorized access only.^C");
  REQUIRE(login);
  CHECK(login.line() == 103);
  CHECK_FALSE(is_multiline(login));
  // banner motd: eight lines, one node, including a line that looks like an interface.
  NodeRef motd;
  for (NodeRef child : root.children()) {
    if (child.text().starts_with("banner motd ^C")) motd = child;
  }
  REQUIRE(motd);
  CHECK(motd.line() == 104);
  CHECK(is_multiline(motd));
  CHECK(motd.text().ends_with("*****\n^C"));
  CHECK(motd.text().find("interface GigabitEthernet9/9") != std::string_view::npos);
  CHECK_FALSE(root.child("interface GigabitEthernet9/9"));
  CHECK_FALSE(motd.has_children());
  // The parse goes on normally after it.
  CHECK(motd.next_sibling().text() == "line con 0");
  CHECK(motd.next_sibling().line() == 113);
  CHECK(root.child("ntp server 192.0.2.124").line() == 126);

  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: NX-OS switch with a # banner and nested BGP neighbours") {
  const ParseResult parsed = parse_fixture("indented/nxos_switch.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "version 9.3(10) Bios:version 05.47");
  CHECK(root.first_child().line() == 5);

  const NodeRef banner =
      root.child("banner motd #\nAuthorised users only.\nDisconnect now if you are not.\n#");
  REQUIRE(banner);
  CHECK(banner.line() == 20);
  CHECK(banner.next_sibling().line() == 25);

  const NodeRef send = root.find({"router bgp 65101", "neighbor 10.255.1.0",
                                  "address-family ipv4 unicast", "send-community extended"});
  REQUIRE(send);
  CHECK(send.line() == 87);
  CHECK(root.find({"vrf context tenant-a", "address-family ipv4 unicast",
                   "route-target both auto evpn"})
            .line() == 47);
  CHECK(root.find({"aaa group server tacacs+ ISE", "use-vrf management"}).line() == 30);
  CHECK(root.find({"line vty", "access-class VTY-ACL in"}).line() == 79);
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: IOS-XR router with route policies and nested BGP") {
  const ParseResult parsed = parse_fixture("indented/iosxr_router.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  // The time stamp, `Building configuration...` and `!!` lines are not statements.
  CHECK(root.first_child().text() == "hostname pe-xr-02");
  CHECK(root.first_child().line() == 6);

  NodeRef banner = root.first_child().next_sibling().next_sibling();
  REQUIRE(banner);
  CHECK(banner.line() == 8);
  CHECK(banner.text().starts_with("banner login %\n  pe-xr-02 :: authorised"));
  CHECK(banner.text().ends_with("recorded\n%"));
  CHECK(banner.next_sibling().text() == "logging console critical");
  CHECK(banner.next_sibling().line() == 12);

  const NodeRef policy = root.child("route-policy FROM-CUSTOMER");
  REQUIRE(policy);
  CHECK(count_children(policy) == 3);  // if, else, endif
  CHECK(policy.find({"if destination in OWN-AGGREGATES then", "drop"}).line() == 46);
  CHECK(policy.find({"else", "set local-preference 150"}).line() == 48);
  CHECK(nth_child(root, "end-policy", 1).line() == 50);
  CHECK(count_children(root.child("prefix-set OWN-AGGREGATES")) == 2);

  CHECK(root.find({"router bgp 65010", "neighbor 192.0.2.1", "address-family ipv4 unicast",
                   "route-policy PASS out"})
            .line() == 66);
  CHECK(root.find({"router static", "address-family ipv4 unicast", "0.0.0.0/0 10.0.12.3"}).line() ==
        54);
  CHECK_FALSE(tree_has_text(parsed.tree, "end"));
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: ASA with one-line banners, ': Saved' header and checksum") {
  const ParseResult parsed = parse_fixture("indented/asa_firewall.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "ASA Version 9.16(4)19");
  CHECK(root.first_child().line() == 7);

  // ASA writes a banner one statement per line, even `banner motd .`.
  CHECK(nth_child(root, "banner motd .", 0).line() == 32);
  CHECK(root.child("banner motd fw-edge-01: authorised use only").line() == 33);
  const NodeRef last_banner = nth_child(root, "banner motd .", 1);
  REQUIRE(last_banner);
  CHECK(last_banner.line() == 35);
  CHECK_FALSE(is_multiline(last_banner));
  CHECK(last_banner.next_sibling().text() == "ftp mode passive");

  CHECK(root.find({"policy-map global_policy", "class inspection_default", "inspect ftp"}).line() ==
        68);
  CHECK(nth_child(root, "object network WEB-01", 1).first_child().text() ==
        "nat (inside,outside) static 203.0.113.11");
  CHECK(root.child("service-policy global_policy global").line() == 71);
  for (NodeRef child : root.children()) {
    CHECK_FALSE(child.text().starts_with("Cryptochecksum"));
    CHECK_FALSE(child.text().starts_with(":"));
  }
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: EOS switch with EOF banners and a certificate here-document") {
  const ParseResult parsed = parse_fixture("indented/eos_switch.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();

  const NodeRef login = root.child(
      "banner login\nAuthorised access only.\n! this line is banner text, not a comment\nEOF");
  REQUIRE(login);
  CHECK(login.line() == 19);
  CHECK(is_multiline(login));
  const NodeRef motd = login.next_sibling();
  CHECK(motd.text() == "banner motd\nspine-01 is in production.\nChanges need a ticket.\nEOF");
  CHECK(motd.line() == 24);

  const NodeRef api = root.child("management api http-commands");
  REQUIRE(api);
  NodeRef certificate;
  for (NodeRef child : api.children()) {
    if (child.text().starts_with("protocol https certificate")) certificate = child;
  }
  REQUIRE(certificate);
  CHECK(certificate.line() == 35);
  CHECK(certificate.text().find("END CERTIFICATE") != std::string_view::npos);
  CHECK(certificate.text().ends_with("-----END EC PRIVATE KEY-----\nEOF"));
  CHECK(api.find({"vrf MGMT", "no shutdown"}).line() == 34);

  const NodeRef ethernet1 = root.child("interface Ethernet1");
  REQUIRE(ethernet1);
  CHECK(ethernet1.line() == 45);
  CHECK(count_children(ethernet1) == 4);
  CHECK(root.find({"router bgp 65000", "vrf MGMT", "rd 10.255.255.1:1"}).line() == 86);
  CHECK(root.find({"router bgp 65000", "address-family ipv4", "neighbor LEAVES activate"}).line() ==
        83);
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: VRP switch with # separators and a multi-line header") {
  const ParseResult parsed = parse_fixture("indented/vrp_switch.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "sysname agg-sw-03");
  CHECK(root.first_child().line() == 5);

  const NodeRef header = root.first_child().next_sibling();
  CHECK(header.line() == 7);
  CHECK(is_multiline(header));
  CHECK(header.text().starts_with("header login information \"\n  agg-sw-03 / campus"));
  CHECK(header.text().ends_with("Sessions are logged.\""));
  const NodeRef shell = header.next_sibling();
  CHECK(shell.text() == "header shell information \"Welcome, all commands are audited.\"");
  CHECK(shell.line() == 11);
  CHECK_FALSE(is_multiline(shell));

  CHECK(root.find({"aaa", "authentication-scheme default", "authentication-mode hwtacacs local"})
            .line() == 25);
  CHECK(count_children(root.child("aaa")) == 5);
  CHECK(root.find({"user-interface vty 0 4", "protocol inbound ssh"}).line() == 66);
  CHECK(root.find({"ospf 1 router-id 10.255.0.3", "area 0.0.0.0", "network 10.10.0.0 0.0.0.255"})
            .line() == 51);
  CHECK_FALSE(tree_has_text(parsed.tree, "#"));
  CHECK_FALSE(tree_has_text(parsed.tree, "return"));
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: SR OS classic with exit lines, echo and a multi-line login message") {
  const ParseResult parsed = parse_fixture("indented/sros_classic.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  REQUIRE(count_children(root) == 1);
  const NodeRef configure = root.child("configure");
  REQUIRE(configure);
  CHECK(configure.line() == 9);
  CHECK_FALSE(tree_has_text(parsed.tree, "exit"));
  CHECK_FALSE(tree_has_text(parsed.tree, "exit all"));

  const NodeRef login_control = configure.find({"system", "login-control"});
  REQUIRE(login_control);
  const NodeRef message = login_control.first_child();
  CHECK(message.line() == 20);
  CHECK(is_multiline(message));
  CHECK(message.text().ends_with("Disconnect now if you are not authorised.\" name"));
  CHECK(message.next_sibling().text() == "idle-timeout 15");
  CHECK(message.next_sibling().line() == 23);

  CHECK(configure.find({"system", "time", "ntp", "server 10.1.1.123"}).line() == 27);
  // A statement tree keeps both `system` blocks, in order.
  const NodeRef second_system = nth_child(configure, "system", 1);
  REQUIRE(second_system);
  CHECK(second_system.line() == 39);
  CHECK(second_system.find({"security", "user \"netops\"", "console", "member \"administrative\""})
            .line() == 47);
  CHECK(configure.find({"router Base", "interface \"to-pe-sr-02\"", "port 1/1/1"}).line() == 65);
  // SR OS section titles (`echo "..."` at column 0) are not statements.
  CHECK_FALSE(tree_has_text(parsed.tree, "echo \"System Configuration\""));
  CHECK(configure.first_child().line() == 13);
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: ProCurve with semicolon comments and exit lines") {
  const ParseResult parsed = parse_fixture("indented/procurve_switch.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "hostname \"access-sw-11\"");
  CHECK(root.first_child().line() == 6);
  CHECK(root.find({"vlan 20", "tagged 24"}).line() == 29);
  CHECK(count_children(root.child("vlan 1")) == 4);
  CHECK(root.child("spanning-tree").line() == 32);
  CHECK_FALSE(tree_has_text(parsed.tree, "exit"));
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("indented: an unclosed banner does not swallow the file") {
  const ParseResult parsed = parse_fixture("indented/bad_unclosed_banner.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  REQUIRE(parsed.warnings.size() == 1);
  CHECK(has_warning_at(parsed.warnings, 4, "no closing delimiter '^C' before line 11"));
  const NodeRef root = parsed.tree.root();
  CHECK(root.child("banner motd ^C").line() == 4);
  CHECK(
      root.find({"interface GigabitEthernet0/0", "ip address 192.0.2.10 255.255.255.252"}).line() ==
      9);
  const NodeRef login = root.child("banner login ^C\n  second banner, properly closed\n^C");
  REQUIRE(login);
  CHECK(login.line() == 11);
  CHECK(root.find({"line vty 0 4", "transport input ssh"}).line() == 16);
}

TEST_CASE("indented: an unclosed banner is capped at 500 lines") {
  std::string text = "hostname r1\nbanner motd ^C\n";
  for (int i = 0; i < 700; ++i)
    text += "interface Loopback" + std::to_string(i) + "\n description lo\n";
  const ParseResult parsed = parse_indented(text);
  REQUIRE(parsed.warnings.size() == 1);
  CHECK(has_warning_at(parsed.warnings, 2, "within 500 lines"));
  // Nothing is lost: every interface is a statement with its child.
  CHECK(count_children(parsed.tree.root()) == 702);
  CHECK(parsed.tree.root().find({"interface Loopback699", "description lo"}).line() == 1402);
}

TEST_CASE("indented: a stray quote does not eat the file") {
  const ParseResult parsed = parse_fixture("indented/bad_stray_quote.cfg", Syntax::indented);
  INFO(describe(parsed.warnings));
  const NodeRef root = parsed.tree.root();
  const NodeRef interface = root.child("interface GigabitEthernet0/0/1");
  REQUIRE(interface);
  CHECK(interface.child("description Bob\"s link to the lab").line() == 5);
  CHECK(interface.child("port link-type access").line() == 6);
  // The header's quote never closes: a warning names it, and the rest is parsed.
  REQUIRE(parsed.warnings.size() == 1);
  CHECK(has_warning_at(parsed.warnings, 8, "no closing delimiter '\"'"));
  CHECK(root.child("header login information \"Welcome to lab-sw-09").line() == 8);
  CHECK(root.find({"interface GigabitEthernet0/0/2", "description uplink"}).line() == 11);
}

TEST_CASE("indented: an unclosed quoted message is capped and reported") {
  std::string text = "configure\n    system\n        login-control\n";
  text += "            pre-login-message \"never closed\n";
  for (int i = 0; i < 600; ++i)
    text += "        snmp\n";
  const ParseResult parsed = parse_indented(text);
  REQUIRE(parsed.warnings.size() == 1);
  CHECK(has_warning_at(parsed.warnings, 4, "quoted text not closed within 500 lines"));
  CHECK(count_children(parsed.tree.root().find({"configure", "system"})) == 601);
}

TEST_CASE("indented: CRLF, tabs and a byte order mark") {
  const std::string text =
      "\xEF\xBB\xBFhostname r1\r\n"
      "interface Gi0/1\r\n"
      "\tdescription tab-indented\r\n"
      "\t\tdeeper-by-tab\r\n"
      "        same-as-one-tab\r\n"
      "    between-levels\r\n"
      "banner motd ^C\r\n"
      "line one\r\n"
      "^C\r\n"
      "end\r\n";
  const ParseResult parsed = parse_indented(text);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "hostname r1");
  const NodeRef interface = root.child("interface Gi0/1");
  REQUIRE(interface);
  // A tab advances to column 8, so 8 spaces are a sibling of one tab, 16 columns a child.
  CHECK(interface.find({"description tab-indented", "deeper-by-tab"}).line() == 4);
  CHECK(interface.child("same-as-one-tab").line() == 5);
  // Indentation 4 sits between the open levels 0 and 8: it attaches to the shallower one.
  CHECK(interface.child("between-levels").line() == 6);
  // No carriage return survives in a multi-line text.
  const NodeRef banner = root.child("banner motd ^C\nline one\n^C");
  REQUIRE(banner);
  CHECK(banner.line() == 7);
  CHECK(count_children(root) == 3);
}

TEST_CASE("indented: a stray carriage return inside a multi-line text is kept") {
  // Found by fuzzing: only the CR of a CRLF line end is dropped from a multi-line text, so
  // the node still starts with its first source line.
  const ParseResult parsed =
      parse_indented("banner motd ^C odd\rline\r\nbody\r\n^C\r\nhostname x\r\n");
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef banner = parsed.tree.root().first_child();
  CHECK(banner.text() == "banner motd ^C odd\rline\nbody\n^C");
  CHECK(first_line_mismatch(parsed.tree).empty());
  CHECK(banner.next_sibling().line() == 4);
}

TEST_CASE("indented: a real control-C delimiter and a banner with a one-character delimiter") {
  const std::string text =
      "banner login \x03\nfirst\nsecond\x03\n"
      "banner exec /\n/\n"
      "banner motd $ one-liner $\n"
      "hostname after\n";
  const ParseResult parsed = parse_indented(text);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.child("banner login \x03\nfirst\nsecond\x03").line() == 1);
  CHECK(root.child("banner exec /\n/").line() == 4);
  CHECK(root.child("banner motd $ one-liner $").line() == 6);
  CHECK(root.child("hostname after").line() == 7);
}

TEST_CASE("indented: NUL bytes, a 10 MB line and a truncated file") {
  SECTION("NUL bytes") {
    std::string text = "hostname a";
    text += '\0';
    text += "b\ninterface x\n";
    text += '\0';
    text += " description y\n";
    const ParseResult parsed = parse_indented(text);
    CHECK(parsed.tree.node_count() == 4);
    CHECK(parsed.tree.root().first_child().text().size() == 12);
  }
  SECTION("a 10 MB single line") {
    std::string text = "hostname ";
    text.append(10u * 1024u * 1024u, 'x');
    text += "\ninterface Gi0/0\n shutdown\n";
    const ParseResult parsed = parse_indented(text);
    CHECK(parsed.warnings.empty());
    CHECK(parsed.tree.root().first_child().text().size() == 10u * 1024u * 1024u + 9u);
    CHECK(parsed.tree.root().find({"interface Gi0/0", "shutdown"}).line() == 3);
  }
  SECTION("a 10 MB line after an open banner") {
    std::string text = "banner motd ^C\n";
    text.append(10u * 1024u * 1024u, 'y');
    const ParseResult parsed = parse_indented(text);
    REQUIRE(parsed.warnings.size() == 1);
    CHECK(has_warning_at(parsed.warnings, 1, "before the end of the input"));
    CHECK(parsed.tree.node_count() == 3);
  }
  SECTION("a file cut in the middle of a block") {
    const ParseResult parsed = parse_indented("hostname r\ninterface Gi0/1\n description cut he");
    CHECK(parsed.warnings.empty());
    CHECK(parsed.tree.root().find({"interface Gi0/1", "description cut he"}).line() == 3);
  }
  SECTION("nothing but comments") {
    const ParseResult parsed = parse_indented("!\n! only comments\n#\n\n");
    CHECK(parsed.tree.node_count() == 1);
  }
}

TEST_CASE("indented: 10000 levels of indentation do not overflow the stack") {
  constexpr int kDepth = 10000;
  std::string text;
  text.reserve(static_cast<std::size_t>(kDepth) * (kDepth + 2) / 2 + kDepth * 4);
  for (int i = 0; i < kDepth; ++i) {
    text.append(static_cast<std::size_t>(i), ' ');
    text += "n\n";
  }
  const std::string text_copy = text;
  const ParseResult parsed = parse_indented(std::move(text));
  CHECK(parsed.warnings.empty());
  int depth = 0;
  for (NodeRef at = parsed.tree.root().first_child(); at; at = at.first_child())
    ++depth;
  CHECK(depth == kDepth);
  // The innermost node still knows its line, and a dedent back to column 0 finds the root.
  const ParseResult closed = parse_indented(text_copy + "back-at-top\n");
  CHECK(closed.tree.root().child("back-at-top").line() == kDepth + 1);
  CHECK(netaudit::same_shape(parsed.tree.root(), parsed.tree.root()));  // iterative walk
}

TEST_CASE("indented: round trip of every fixture keeps shape, order and lines") {
  const char* fixtures[] = {"ios_router.cfg",     "nxos_switch.cfg",     "iosxr_router.cfg",
                            "asa_firewall.cfg",   "eos_switch.cfg",      "vrp_switch.cfg",
                            "sros_classic.cfg",   "procurve_switch.cfg", "bad_unclosed_banner.cfg",
                            "bad_stray_quote.cfg"};
  for (const char* name : fixtures) {
    INFO(name);
    const ParseResult first = parse_fixture(std::string("indented/") + name, Syntax::indented);
    CHECK(first_line_mismatch(first.tree).empty());
    const std::string emitted = netaudit::test::emit_indented(first.tree);
    const ParseResult second = parse_indented(emitted);
    CHECK(netaudit::same_shape(first.tree.root(), second.tree.root()));
    CHECK(first.tree.node_count() == second.tree.node_count());
    // Source order is kept: line numbers grow along a pre-order walk.
    std::uint32_t previous = 0;
    bool ordered = true;
    for (netaudit::NodeId id = 1; id < first.tree.node_count(); ++id) {
      ordered = ordered && first.tree.ref(id).line() > previous;
      previous = first.tree.ref(id).line();
    }
    CHECK(ordered);
  }
}

TEST_CASE("indented: every file of the shared corpus parses") {
  const auto corpus = netaudit::test::corpus_dir();
  if (!corpus) NETAUDIT_SKIP(netaudit::test::corpus_absent_reason());
  const char* folders[] = {"cisco_ios",     "cisco_nxos",   "cisco_iosxr",  "cisco_asa",
                           "arista_eos",    "huawei_vrp",   "nokia_sros",   "hp_procurve",
                           "aruba_aoscx",   "aruba_aos",    "hpe_comware",  "ruckus_icx",
                           "cumulus_linux", "extreme_exos", "extreme_voss", "extreme_slxos",
                           "a10_acos",      "ciena_saos",   "frr"};
  std::size_t files = 0;
  std::size_t nodes = 0;
  for (bool malformed : {false, true}) {
    for (const char* folder : folders) {
      const auto dir = malformed ? *corpus / "malformed" / folder : *corpus / folder;
      for (const std::filesystem::path& file : regular_files_in(dir)) {
        const std::string path = file.string();
        INFO(path);
        netaudit::LoadResult loaded = netaudit::load_config_file(path);
        REQUIRE(loaded.source);
        // SR OS MD-CLI files in the same folder are brace syntax, not indented.
        if (std::string_view(folder) == "nokia_sros" &&
            loaded.source->text.find(" {\n") != std::string::npos) {
          continue;
        }
        const ParseResult parsed = parse_indented(std::move(loaded.source->text));
        INFO(describe(parsed.warnings));
        CHECK(parsed.tree.node_count() > 1);
        if (!malformed) CHECK(parsed.warnings.empty());
        CHECK(first_line_mismatch(parsed.tree).empty());
        ++files;
        nodes += parsed.tree.node_count() - 1;
      }
    }
  }
  std::cout << "indented corpus: " << files << " files, " << nodes << " statements\n";
  CHECK(files > 50);
}
