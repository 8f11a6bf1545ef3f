// The block (FortiOS) and menu (RouterOS) statement-tree parsers.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "netaudit/policies/parse.hpp"
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

ParseResult parse_block(std::string text) {
  return netaudit::parse_config(std::move(text), Syntax::block);
}
ParseResult parse_menu(std::string text) {
  return netaudit::parse_config(std::move(text), Syntax::menu);
}

// Menu nodes: the section is the start of its line, an inline command the end of it, and a
// joined statement starts with its first line (without the `\`).
std::string menu_line_mismatch(const netaudit::ConfigTree& tree) {
  for (netaudit::NodeId id = 1; id < tree.node_count(); ++id) {
    const NodeRef node = tree.ref(id);
    std::string_view line = netaudit::test::trimmed(tree.line_text(node.line()));
    bool ok;
    if (is_multiline(node)) {
      if (line.ends_with('\\')) line.remove_suffix(1);
      line = netaudit::test::trimmed(line);
      const std::size_t at = line.find(node.text().substr(0, 8));
      ok = at != std::string_view::npos && node.text().starts_with(line.substr(at));
    } else {
      ok = line.find(node.text()) != std::string_view::npos;
    }
    if (!ok) return "line " + std::to_string(node.line()) + ": '" + std::string(node.text()) + "'";
  }
  return {};
}

}  // namespace

TEST_CASE("block: FortiOS config with nested config/edit and multi-line values") {
  const ParseResult parsed = parse_fixture("block/fortigate.conf", Syntax::block);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "config system global");
  CHECK(root.first_child().line() == 5);
  CHECK(root.find({"config system global", "set hostname \"fw-branch-12\""}).line() == 9);
  CHECK_FALSE(tree_has_text(parsed.tree, "next"));
  CHECK_FALSE(tree_has_text(parsed.tree, "end"));

  const NodeRef interfaces = root.child("config system interface");
  REQUIRE(interfaces);
  CHECK(count_children(interfaces) == 2);
  const NodeRef internal = interfaces.child("edit \"internal\"");
  REQUIRE(internal);
  CHECK(internal.line() == 28);
  CHECK(internal.find({"config ipv6", "set ip6-allowaccess ping https"}).line() == 37);
  CHECK(internal.child("set snmp-index 7").line() == 34);
  CHECK_FALSE(internal.next_sibling());

  const NodeRef buffer =
      root.find({"config system replacemsg admin \"pre_admin-disclaimer-text\""}).first_child();
  REQUIRE(buffer);
  CHECK(buffer.line() == 42);
  CHECK(is_multiline(buffer));
  CHECK(buffer.text() ==
        "set buffer \"Authorised access only.\nAll activity on this device is logged.\n"
        "Disconnect now if you are not \\\"authorised\\\".\"");

  const NodeRef cert_entry = root.find({"config vpn certificate local", "edit \"branch-12-cert\""});
  REQUIRE(cert_entry);
  REQUIRE(count_children(cert_entry) == 5);
  NodeRef key = nth_child(cert_entry, "set comments \"issued by the lab CA\"", 0).next_sibling();
  CHECK(key.line() == 50);
  CHECK(key.text().ends_with("-----END ENCRYPTED PRIVATE KEY-----\""));
  const NodeRef certificate = key.next_sibling();
  CHECK(certificate.line() == 53);
  CHECK(is_multiline(certificate));
  CHECK(certificate.text().starts_with("set certificate \"-----BEGIN CERTIFICATE-----\nMIID"));
  CHECK(certificate.next_sibling().text() == "set range global");
  CHECK(certificate.next_sibling().line() == 57);

  const NodeRef policies = root.child("config firewall policy");
  REQUIRE(policies);
  CHECK(count_children(policies) == 2);
  CHECK(policies.find({"edit 2", "set service \"TELNET\""}).line() == 84);
  CHECK(root.find({"config router bgp", "config neighbor", "edit \"198.51.100.1\"",
                   "set remote-as 64496"})
            .line() == 99);
  CHECK(root.find({"config router bgp", "set as 65012"}).line() == 95);
  CHECK(count_children(root) == 9);
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("block: unbalanced FortiOS input gives a best-effort tree and warnings") {
  const ParseResult parsed = parse_fixture("block/bad_unbalanced.conf", Syntax::block);
  INFO(describe(parsed.warnings));
  CHECK(has_warning_at(parsed.warnings, 2, "'next' outside any 'edit' block"));
  CHECK(has_warning_at(parsed.warnings, 6, "'end' without an open 'config' block"));
  CHECK(has_warning_at(parsed.warnings, 11, "'edit 3' (line 8) has no 'next'"));
  CHECK(has_warning_at(parsed.warnings, 15, "'next' closes 'config members' (line 13)"));
  CHECK(has_warning_at(parsed.warnings, 20, "input ends inside 3 open block(s)"));
  CHECK(parsed.warnings.size() == 5);

  const NodeRef root = parsed.tree.root();
  CHECK(root.find({"config system dns", "set primary 10.12.0.53"}).line() == 4);
  const NodeRef policy = root.child("config firewall policy");
  REQUIRE(policy);
  CHECK(count_children(policy) == 2);
  CHECK(policy.find({"edit 3", "set action deny"}).line() == 10);
  CHECK(policy.find({"edit 4", "config members", "set x 1"}).line() == 14);
  CHECK(root.find({"config system ntp", "config ntpserver", "edit 1", "set server \"10.1.1.123\""})
            .line() == 21);
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("block: a missing end is recovered from the indentation show prints") {
  const ParseResult parsed = parse_block(
      "config system global\n"
      "    set hostname \"fw\"\n"
      "config system interface\n"
      "    edit \"port1\"\n"
      "        set ip 10.0.0.1 255.255.255.0\n"
      "    edit \"port2\"\n"
      "        set ip 10.0.1.1 255.255.255.0\n"
      "    next\n"
      "end\n");
  INFO(describe(parsed.warnings));
  CHECK(has_warning_at(parsed.warnings, 3, "'config system global' (line 1) has no 'end'"));
  CHECK(has_warning_at(parsed.warnings, 6, "'edit \"port1\"' (line 4) has no 'next'"));
  CHECK(parsed.warnings.size() == 2);
  const NodeRef root = parsed.tree.root();
  CHECK(count_children(root) == 2);
  CHECK(count_children(root.child("config system interface")) == 2);
}

TEST_CASE("block: flat FortiOS (no indentation) nests by keywords alone") {
  const ParseResult parsed = parse_block(
      "config router bgp\nset as 65001\nconfig neighbor\nedit \"10.0.0.2\"\n"
      "set remote-as 65002\nnext\nend\nend\nconfig system dns\nset primary 1.1.1.1\nend\n");
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(count_children(root) == 2);
  CHECK(root.find({"config router bgp", "config neighbor", "edit \"10.0.0.2\"",
                   "set remote-as 65002"})
            .line() == 5);
}

TEST_CASE("block: quoting, escapes and stray quotes") {
  SECTION("single quotes, escaped quotes and an escaped line end") {
    const ParseResult parsed = parse_block(
        "config system replacemsg admin x\n"
        "    set buffer 'it''s' \"say \\\"hi\\\"\" 'two\nlines'\n"
        "    set note first\\\nsecond\n"
        "end\n");
    INFO(describe(parsed.warnings));
    CHECK(parsed.warnings.empty());
    const NodeRef block = parsed.tree.root().first_child();
    REQUIRE(count_children(block) == 2);
    CHECK(block.first_child().text() == "set buffer 'it''s' \"say \\\"hi\\\"\" 'two\nlines'");
    CHECK(block.first_child().next_sibling().text() == "set note first\\\nsecond");
    CHECK(block.first_child().next_sibling().line() == 4);
  }
  SECTION("a stray quote stops at the next structural line") {
    const ParseResult parsed = parse_block(
        "config user local\n"
        "    edit \"bob\"\n"
        "        set comments \"Bob's desk\n"
        "        set status enable\n"
        "    next\n"
        "end\n");
    INFO(describe(parsed.warnings));
    REQUIRE(parsed.warnings.size() == 1);
    CHECK(has_warning_at(parsed.warnings, 3, "quoted value not closed before line 4"));
    const NodeRef bob = parsed.tree.root().find({"config user local", "edit \"bob\""});
    REQUIRE(count_children(bob) == 2);
    CHECK(bob.child("set status enable").line() == 4);
  }
  SECTION("a quote left open in a 10 MB line at the end of the input") {
    std::string text = "config system global\n    set alias \"";
    text.append(10u * 1024u * 1024u, 'z');
    const ParseResult parsed = parse_block(std::move(text));
    CHECK(has_warning_at(parsed.warnings, 2, "before the end of the input"));
    CHECK(has_warning_at(parsed.warnings, 1, "input ends inside 1 open block(s)"));
    CHECK(parsed.tree.node_count() == 3);
  }
  SECTION("CRLF inside a multi-line certificate") {
    const ParseResult parsed = parse_block(
        "config vpn certificate ca\r\n    edit \"lab\"\r\n"
        "        set ca \"-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\"\r\n"
        "    next\r\nend\r\n");
    INFO(describe(parsed.warnings));
    CHECK(parsed.warnings.empty());
    const NodeRef ca =
        parsed.tree.root().find({"config vpn certificate ca", "edit \"lab\""}).first_child();
    CHECK(ca.text() == "set ca \"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\"");
  }
}

TEST_CASE("block: a stray carriage return inside a multi-line value is kept") {
  // Found by fuzzing (see the indented twin).
  const ParseResult parsed = parse_block(
      "config vpn certificate local\r\n  edit \"c\"\r\n    set certificate \"---\r-BEGIN\r\n"
      "body\"\r\n  next\r\nend\r\n");
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef value =
      parsed.tree.root().find({"config vpn certificate local", "edit \"c\""}).first_child();
  CHECK(value.text() == "set certificate \"---\r-BEGIN\nbody\"");
  CHECK(first_line_mismatch(parsed.tree).empty());
}

TEST_CASE("block: hostile shapes do not crash or hang") {
  SECTION("10000 nested config blocks") {
    std::string text;
    for (int i = 0; i < 10000; ++i)
      text += "config a\n";
    const ParseResult parsed = parse_block(std::move(text));
    CHECK(parsed.tree.node_count() == 10001);
    CHECK(parsed.warnings.size() == 1);
  }
  SECTION("100000 stray end lines give a bounded number of warnings") {
    std::string text;
    for (int i = 0; i < 100000; ++i)
      text += "end\n";
    const ParseResult parsed = parse_block(std::move(text));
    CHECK(parsed.tree.node_count() == 1);
    CHECK(parsed.warnings.size() <= 201);
    CHECK(parsed.warnings.back().message.find("more warning(s)") != std::string::npos);
  }
  SECTION("NUL bytes and a byte order mark") {
    std::string text =
        "\xEF\xBB\xBF"
        "config system global\n    set a";
    text += '\0';
    text += "b\nend\n";
    const ParseResult parsed = parse_block(std::move(text));
    CHECK(parsed.warnings.empty());
    CHECK(parsed.tree.root().first_child().text() == "config system global");
    CHECK(count_children(parsed.tree.root().first_child()) == 1);
  }
}

TEST_CASE("menu: RouterOS export with sections, inline forms and continuations") {
  const ParseResult parsed = parse_fixture("menu/routeros_export.rsc", Syntax::menu);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.first_child().text() == "/interface bridge");
  CHECK(root.first_child().line() == 6);

  const NodeRef address = root.child("/ip address");
  REQUIRE(address);
  const NodeRef joined = address.first_child();
  CHECK(joined.text() ==
        "add address=192.168.88.1/24 comment=defconf interface=bridge network=192.168.88.0");
  CHECK(joined.line() == 14);
  CHECK(is_multiline(joined));

  const NodeRef filter = root.child("/ip firewall filter");
  REQUIRE(filter);
  REQUIRE(count_children(filter) == 3);
  CHECK(filter.first_child().text() ==
        "add action=accept chain=input comment=\"defconf: accept established,related,untracked\" "
        "connection-state=established,related,untracked");
  CHECK(filter.first_child().line() == 17);
  CHECK(nth_child(filter,
                  "add action=drop chain=input comment=\"defconf: drop invalid\" "
                  "connection-state=invalid",
                  0)
            .line() == 20);
  CHECK_FALSE(is_multiline(filter.first_child().next_sibling()));
  CHECK(filter.first_child().next_sibling().next_sibling().line() == 21);

  // The inline `/ip service set winbox ...` joins the earlier `/ip service` section.
  const NodeRef service = root.child("/ip service");
  REQUIRE(service);
  CHECK(service.line() == 23);
  CHECK(count_children(service) == 6);
  const NodeRef winbox = service.child("set winbox address=192.168.88.0/24");
  REQUIRE(winbox);
  CHECK(winbox.line() == 37);
  CHECK(service.child("set telnet disabled=yes").line() == 24);
  std::size_t service_sections = 0;
  for (NodeRef child : root.children())
    service_sections += child.text() == "/ip service";
  CHECK(service_sections == 1);

  CHECK(root.find({"/system scheduler"}).first_child().text() ==
        "add interval=1d name=nightly on-event=\"/system script run backup\" policy="
        "read,write,policy,test start-date=2024-01-01 start-time=03:00:00");
  CHECK(root.find({"/tool mac-server mac-winbox", "set allowed-interface-list=LAN"}).line() == 44);
  CHECK(root.find({"/tool mac-server", "set allowed-interface-list=LAN"}).line() == 42);
  for (NodeRef child : root.children())
    CHECK(child.text().front() == '/');
  CHECK(menu_line_mismatch(parsed.tree).empty());
}

TEST_CASE("menu: dangling continuations and statements before any section") {
  const ParseResult parsed = parse_fixture("menu/bad_continuations.rsc", Syntax::menu);
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.size() == 3);
  CHECK(has_warning_at(parsed.warnings, 2, "before any '/menu' section"));
  CHECK(has_warning_at(parsed.warnings, 4, "into the section line 5"));
  CHECK(has_warning_at(parsed.warnings, 7, "past the end of the input"));
  const NodeRef root = parsed.tree.root();
  CHECK(root.child("set name=orphan-before-any-section").line() == 2);
  CHECK(root.find({"/ip dns", "set servers=9.9.9.9 \\"}).line() == 4);
  const NodeRef statics = root.child("/ip dns static");
  REQUIRE(statics);
  CHECK(count_children(statics) == 2);
  CHECK(statics.child("add address=192.168.88.2 name=nas.lan \\").line() == 7);
}

TEST_CASE("menu: inline paths, v7 slash paths, CRLF and find expressions") {
  const ParseResult parsed = parse_menu(
      "/interface wireless security-profiles set [ find default=yes ] "
      "supplicant-identity=MikroTik\r\n"
      "/ip/service set ssh port=2222\r\n"
      "/ip firewall filter add chain=input action=drop \\\r\n"
      "    in-interface-list=WAN\r\n"
      "/system identity\r\n"
      "set name=\"core \\\"A\\\"\"\r\n");
  INFO(describe(parsed.warnings));
  CHECK(parsed.warnings.empty());
  const NodeRef root = parsed.tree.root();
  CHECK(root.find({"/interface wireless security-profiles",
                   "set [ find default=yes ] supplicant-identity=MikroTik"})
            .line() == 1);
  CHECK(root.find({"/ip/service", "set ssh port=2222"}).line() == 2);
  CHECK(root.find({"/ip firewall filter", "add chain=input action=drop in-interface-list=WAN"})
            .line() == 3);
  CHECK(root.find({"/system identity", "set name=\"core \\\"A\\\"\""}).line() == 6);
  CHECK(count_children(root) == 4);
}

TEST_CASE("block and menu: every file of the shared corpus parses") {
  const auto corpus = netaudit::test::corpus_dir();
  if (!corpus) NETAUDIT_SKIP(netaudit::test::corpus_absent_reason());
  // Files of a good-input folder that are broken all the same, and why.
  const std::map<std::string, std::string> known_broken = {
      {"hier_config_fortios_running.conf", "no 'end' line anywhere: blocks never close"},
  };
  struct Family {
    const char* folder;
    Syntax syntax;
  };
  const Family families[] = {{"fortinet_fortios", Syntax::block},
                             {"mikrotik_routeros", Syntax::menu}};
  for (const Family& family : families) {
    std::size_t files = 0;
    std::size_t nodes = 0;
    for (bool malformed : {false, true}) {
      const auto dir = malformed ? *corpus / "malformed" / family.folder : *corpus / family.folder;
      for (const std::filesystem::path& file : regular_files_in(dir)) {
        const std::string path = file.string();
        INFO(path);
        netaudit::LoadResult loaded = netaudit::load_config_file(path);
        REQUIRE(loaded.source);
        const ParseResult parsed =
            netaudit::parse_config(std::move(loaded.source->text), family.syntax);
        INFO(describe(parsed.warnings));
        CHECK(parsed.tree.node_count() > 1);
        const bool broken = malformed || known_broken.count(file.filename().string()) != 0;
        if (broken) {
          if (!malformed) CHECK_FALSE(parsed.warnings.empty());
        } else {
          CHECK(parsed.warnings.empty());
        }
        if (family.syntax == Syntax::block) CHECK(first_line_mismatch(parsed.tree).empty());
        if (family.syntax == Syntax::menu) CHECK(menu_line_mismatch(parsed.tree).empty());
        ++files;
        nodes += parsed.tree.node_count() - 1;
      }
    }
    std::cout << family.folder << " corpus: " << files << " files, " << nodes << " statements\n";
    CHECK(files > 5);
  }
}
