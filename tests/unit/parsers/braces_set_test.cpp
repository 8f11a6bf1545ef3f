// Brace-form and set-form parsers (token tries): the forms of one platform give one tree.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"
#include "parser_test_support.hpp"
#include "skip.hpp"
#include "test_paths.hpp"

using netaudit::ConfigTree;
using netaudit::NodeRef;
using netaudit::ParseResult;
using netaudit::Syntax;
using netaudit::test::child_texts;
using netaudit::test::count_children;
using netaudit::test::describe;
using netaudit::test::has_warning_at;
using netaudit::test::max_depth;
using netaudit::test::parse_fixture;
using netaudit::test::regular_files_in;

namespace {

// Small brace emitter for the round trip: one statement per line, each node its own
// statement. Records the line each node was written on.
struct Emitted {
  std::string text;
  std::vector<std::pair<std::vector<std::string>, std::uint32_t>> lines;  // path -> line
};

std::string quote_if_needed(std::string_view text) {
  if (!text.empty() && text.find_first_of(" \t\n;{}[]#\"'") == std::string_view::npos)
    return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

Emitted emit_braces(const ConfigTree& tree) {
  Emitted out;
  std::uint32_t line = 1;
  struct Item {
    NodeRef node;
    std::size_t depth;
    bool closing;
    std::vector<std::string> path;
  };
  std::vector<Item> pending;
  std::vector<NodeRef> top(tree.root().children().begin(), tree.root().children().end());
  for (auto it = top.rbegin(); it != top.rend(); ++it)
    pending.push_back({*it, 0, false, {std::string(it->text())}});
  while (!pending.empty()) {
    Item item = std::move(pending.back());
    pending.pop_back();
    const std::string indent(item.depth * 4, ' ');
    if (item.closing) {
      out.text += indent + "}\n";
      line += 1;
      continue;
    }
    std::string head = indent;
    if (item.node.inactive()) head += "inactive: ";
    head += quote_if_needed(item.node.text());
    out.lines.emplace_back(item.path, line);
    for (char c : item.node.text())
      line += c == '\n';
    if (!item.node.has_children()) {
      out.text += head + ";\n";
      line += 1;
      continue;
    }
    out.text += head + " {\n";
    line += 1;
    pending.push_back({item.node, item.depth, true, {}});
    std::vector<NodeRef> children(item.node.children().begin(), item.node.children().end());
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      std::vector<std::string> path = item.path;
      path.emplace_back(it->text());
      pending.push_back({*it, item.depth + 1, false, std::move(path)});
    }
  }
  return out;
}

NodeRef find_path(NodeRef from, const std::vector<std::string>& path) {
  NodeRef at = from;
  for (const std::string& step : path) {
    at = at.child(step);
    if (!at) break;
  }
  return at;
}

}  // namespace

TEST_CASE("Junos brace form: paths, lines, inactive, lists, comments") {
  const ParseResult result = parse_fixture("braces/junos_core1.conf", Syntax::braces);
  INFO(describe(result.warnings));
  CHECK(result.warnings.empty());
  const NodeRef root = result.tree.root();

  CHECK(root.find({"version", "21.4R3-S5.4"}).line() == 2);
  NodeRef host = root.find({"system", "host-name", "core1"});
  REQUIRE(host);
  CHECK(host.line() == 4);
  CHECK(root.find({"system"}).line() == 3);
  // The SECRET-DATA trailer is a comment, not a word of the statement.
  NodeRef password = root.find({"system", "root-authentication", "encrypted-password"});
  REQUIRE(password);
  CHECK(child_texts(password) ==
        std::vector<std::string>{"$6$Rq2x$ZmFrZWhhc2hmb3J0ZXN0aW5nb25seQ"});
  // A quoted string with `;` inside stays one word.
  NodeRef message = root.find({"system", "login", "message"});
  REQUIRE(count_children(message) == 1);
  CHECK(message.first_child().text() ==
        "Authorised access only.\\nAll sessions are logged; disconnect now if unsure.");
  CHECK(message.line() == 9);
  // [ a b ] lists expand to siblings.
  CHECK(child_texts(root.find({"system", "login", "class", "NOC", "permissions"})) ==
        std::vector<std::string>{"view", "view-configuration"});
  NodeRef members = root.find(
      {"interfaces", "ge-0/0/2", "unit", "0", "family", "ethernet-switching", "vlan", "members"});
  REQUIRE(members);
  CHECK(child_texts(members) == std::vector<std::string>{"USERS", "VOICE"});
  CHECK(members.child("VOICE").line() == 81);
  // Equal siblings merge: two `server` statements, one `server` node with two children.
  CHECK(child_texts(root.find({"system", "ntp", "server"})) ==
        std::vector<std::string>{"10.0.0.123", "10.0.1.123"});
  CHECK(root.find({"system", "ntp", "server", "10.0.1.123", "prefer"}).line() == 46);
  // inactive: on a leaf marks its first word; on a block, the block's own node.
  NodeRef telnet = root.find({"system", "services", "telnet"});
  REQUIRE(telnet);
  CHECK(telnet.inactive());
  CHECK(telnet.line() == 29);
  CHECK_FALSE(root.find({"system", "services"}).inactive());
  NodeRef unit100 = root.find({"interfaces", "ge-0/0/1", "unit", "100"});
  REQUIRE(unit100);
  CHECK(unit100.inactive());
  CHECK(unit100.line() == 70);
  CHECK_FALSE(root.find({"interfaces", "ge-0/0/1", "unit"}).inactive());
  CHECK_FALSE(root.find({"interfaces", "ge-0/0/1", "unit", "10"}).inactive());
  CHECK(root.find(
      {"interfaces", "ge-0/0/1", "unit", "100", "family", "inet", "address", "10.100.0.1/24"}));
  // The /* */ annotation is not a node; the block after it keeps its own line.
  CHECK(child_texts(root.child("interfaces")) ==
        std::vector<std::string>{"ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "lo0"});
  CHECK(root.find({"interfaces", "ge-0/0/0"}).line() == 51);
  CHECK(root.find({"interfaces", "ge-0/0/0", "description", "uplink to isp-a"}).line() == 52);
  CHECK(root.find({"protocols", "bgp", "group", "IBGP", "neighbor", "10.255.0.3"}).line() == 116);
  CHECK(root.find(
      {"firewall", "family", "inet", "filter", "PROTECT-RE", "term", "SSH", "then", "accept"}));
}

TEST_CASE("Junos display-set form gives the brace form's tree") {
  const ParseResult braces = parse_fixture("braces/junos_core1.conf", Syntax::braces);
  const ParseResult set = parse_fixture("set/junos_core1.set", Syntax::set);
  INFO(describe(set.warnings));
  // The prompt, {master:0} and ## lines around the capture are skipped quietly.
  CHECK(set.warnings.empty());
  CHECK(netaudit::same_shape(braces.tree.root(), set.tree.root()));
  CHECK(braces.tree.node_count() == set.tree.node_count());
  const NodeRef root = set.tree.root();
  CHECK(root.find({"system", "host-name", "core1"}).line() == 5);
  NodeRef telnet = root.find({"system", "services", "telnet"});
  CHECK(telnet.inactive());
  CHECK(telnet.line() == 16);  // the set line that created it, not the deactivate line
  CHECK(root.find({"interfaces", "ge-0/0/1", "unit", "100"}).inactive());
  CHECK(root.find({"interfaces", "ge-0/0/1", "unit", "100"}).line() == 30);
  CHECK(root.find({"interfaces", "ge-0/0/2", "unit", "0", "family", "ethernet-switching", "vlan",
                   "members", "VOICE"})
            .line() == 33);
}

TEST_CASE("VyOS config.boot and show configuration commands give one tree") {
  const ParseResult boot = parse_fixture("braces/vyos_edge1.config.boot", Syntax::braces);
  const ParseResult set = parse_fixture("set/vyos_edge1.commands", Syntax::set);
  INFO(describe(boot.warnings) + describe(set.warnings));
  CHECK(boot.warnings.empty());
  CHECK(set.warnings.empty());
  CHECK(netaudit::same_shape(boot.tree.root(), set.tree.root()));

  const NodeRef root = boot.tree.root();
  CHECK(root.find({"service", "ssh", "port", "22"}).line() == 75);
  CHECK(set.tree.root().find({"service", "ssh", "port", "22"}).line() == 30);
  CHECK(child_texts(root.find({"interfaces", "ethernet", "eth1", "address"})) ==
        std::vector<std::string>{"10.20.0.1/24", "2001:db8:20::1/64"});
  CHECK(root.find({"interfaces", "ethernet", "eth1", "vif", "30", "description", "guest wifi"})
            .line() == 42);
  // Empty block: the node exists without children.
  NodeRef lo = root.find({"interfaces", "loopback", "lo"});
  REQUIRE(lo);
  CHECK_FALSE(lo.has_children());
  // A quoted banner across two real lines stays one multi-line node.
  NodeRef banner = root.find({"system", "login", "banner", "pre-login"});
  REQUIRE(count_children(banner) == 1);
  CHECK(banner.first_child().text() ==
        "Authorised access only.\nDisconnect now if you are not an authorised user.");
  CHECK((banner.first_child().flags() & netaudit::kNodeMultiline) != 0);
  CHECK(banner.line() == 85);
  // The statement after the banner keeps its own line.
  CHECK(root.find({"system", "login", "user", "vyos"}).line() == 88);
  // An empty quoted value is a node with empty text.
  NodeRef plaintext =
      root.find({"system", "login", "user", "vyos", "authentication", "plaintext-password"});
  REQUIRE(count_children(plaintext) == 1);
  CHECK(plaintext.first_child().text().empty());
  // The // trailer is not configuration.
  CHECK(child_texts(root) ==
        std::vector<std::string>{"firewall", "interfaces", "protocols", "service", "system"});
}

TEST_CASE("Nokia SR OS MD-CLI info output") {
  const ParseResult result = parse_fixture("braces/sros_pe1.mdcli", Syntax::braces);
  INFO(describe(result.warnings));
  CHECK(result.warnings.empty());
  const NodeRef configure = result.tree.root().child("configure");
  REQUIRE(configure);
  CHECK(configure.line() == 7);
  CHECK(child_texts(result.tree.root()) == std::vector<std::string>{"configure"});
  NodeRef address = configure.find(
      {"router", "Base", "interface", "system", "ipv4", "primary", "address", "10.255.1.1"});
  REQUIRE(address);
  CHECK(address.line() == 32);
  CHECK(
      configure.find({"router", "Base", "bgp", "neighbor", "10.255.1.2", "group", "ibgp"}).line() ==
      54);
  // member ["administrative"]: a list written without blanks.
  NodeRef member = configure.find(
      {"system", "security", "user-params", "local-user", "user", "admin", "console", "member"});
  REQUIRE(member);
  CHECK(child_texts(member) == std::vector<std::string>{"administrative"});
  CHECK(configure
            .find({"system", "time", "ntp", "server", "10.0.0.123", "router-instance", "Base",
                   "prefer", "true"})
            .line() == 112);
  CHECK(configure.find({"system", "name", "pe1"}).line() == 59);
}

TEST_CASE("PAN-OS brace form and set form give one tree") {
  const ParseResult braces = parse_fixture("braces/panos_fw1.conf", Syntax::braces);
  const ParseResult set = parse_fixture("set/panos_fw1.set", Syntax::set);
  INFO(describe(braces.warnings) + describe(set.warnings));
  CHECK(braces.warnings.empty());
  CHECK(set.warnings.empty());
  CHECK(netaudit::same_shape(braces.tree.root(), set.tree.root()));

  const NodeRef rule = braces.tree.root().find({"rulebase", "security", "rules", "allow web"});
  REQUIRE(rule);
  CHECK(rule.line() == 96);
  CHECK(child_texts(rule.child("application")) == std::vector<std::string>{"web-browsing", "ssl"});
  CHECK(rule.find({"from", "untrust"}).line() == 97);
  const NodeRef set_rule = set.tree.root().find({"rulebase", "security", "rules", "allow web"});
  REQUIRE(set_rule);
  CHECK(set_rule.line() == 23);
  CHECK(set_rule.find({"application", "ssl"}).line() == 27);
  // `#` and `;` inside quotes are data.
  CHECK(braces.tree.root().find({"address", "web-srv", "description", "web server # primary"}));
  CHECK(braces.tree.root().find(
      {"network", "interface", "ethernet", "ethernet1/1", "comment", "uplink; isp-a"}));
  // The statement after a two-line quoted banner is on its own line.
  CHECK(braces.tree.root().find({"deviceconfig", "system", "service"}).line() == 19);
  CHECK(set.tree.root().find({"deviceconfig", "system", "service"}).line() == 9);
}

TEST_CASE("equal trees: the guarantees between brace and set forms") {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"set system services ssh\n", "system { services { ssh; } }\n"},
      {"set system host-name r1\n", "system {\n    host-name r1;\n}\n"},
      {"set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n",
       "interfaces {\n ge-0/0/0 {\n  unit 0 {\n   family inet {\n    address 10.0.0.1/24;\n   "
       "}\n  }\n }\n}\n"},
      {"set service ssh port '22'\n", "service {\n    ssh {\n        port 22\n    }\n}\n"},
      {"set vlans v members v10\nset vlans v members v20\n",
       "vlans { v { members [ v10 v20 ]; } }"},
      {"set system services telnet\ndeactivate system services telnet\n",
       "system { services { inactive: telnet; } }"},
      {"set interfaces xe-0/0/1 unit 5 vlan-id 5\ndeactivate interfaces xe-0/0/1 unit 5\n",
       "interfaces { xe-0/0/1 { inactive: unit 5 { vlan-id 5; } } }"},
      {"set system ntp server 1.1.1.1\nset system ntp server 2.2.2.2\n",
       "system { ntp { server 1.1.1.1; server 2.2.2.2; } }"},
      {"set rulebase security rules \"allow web\" from [ trust dmz ]\n",
       "rulebase { security { rules { \"allow web\" { from [ trust dmz ]; } } } }"},
      {"set / interface ethernet-1/1 admin-state enable\n",
       "interface ethernet-1/1 {\n    admin-state enable\n}\n"},
  };
  for (const auto& [set_text, brace_text] : pairs) {
    INFO(set_text << "vs\n" << brace_text);
    const ParseResult set = netaudit::parse_config(set_text, Syntax::set);
    const ParseResult braces = netaudit::parse_config(brace_text, Syntax::braces);
    CHECK(set.warnings.empty());
    CHECK(braces.warnings.empty());
    CHECK(set.tree.node_count() > 1);
    CHECK(netaudit::same_shape(set.tree.root(), braces.tree.root()));
  }
  // And a difference is seen: same_shape is not vacuous here.
  CHECK_FALSE(netaudit::same_shape(
      netaudit::parse_config("set system services ssh\n", Syntax::set).tree.root(),
      netaudit::parse_config("system { services { telnet; } }", Syntax::braces).tree.root()));
  CHECK_FALSE(netaudit::same_shape(
      netaudit::parse_config("set system services ssh\n", Syntax::set).tree.root(),
      netaudit::parse_config("system { services { inactive: ssh; } }", Syntax::braces)
          .tree.root()));
}

TEST_CASE("set form: verbs, activate, unsupported lines and noise") {
  const ParseResult result = netaudit::parse_config(
      "# comment line\n"
      "set system services telnet\n"
      "deactivate system services telnet\n"
      "activate system services telnet\n"
      "set system services ftp\n"
      "deactivate system services ftp\n"
      "delete system services ftp\n"
      "insert policy-options policy-statement P term B before term A\n"
      "hostname core1\n"
      "\"quoted\" start\n"
      "set\n"
      "annotate system \"owned by netops\"\n"
      "protect system\n"
      "[edit]\n"
      "{primary:node0}\n"
      "set system login message \"two\n"
      "lines\"\n"
      "set system syslog host 10.0.0.1 any any\n",
      Syntax::set);
  const NodeRef root = result.tree.root();
  CHECK_FALSE(root.find({"system", "services", "telnet"}).inactive());
  CHECK(root.find({"system", "services", "ftp"}).inactive());
  CHECK(has_warning_at(result.warnings, 7, "'delete' is not applied"));
  CHECK(has_warning_at(result.warnings, 8, "'insert' is not applied"));
  CHECK(has_warning_at(result.warnings, 9, "not a set command (starts with 'hostname')"));
  CHECK(has_warning_at(result.warnings, 10, "not a set command"));
  CHECK(has_warning_at(result.warnings, 11, "'set' without a path"));
  CHECK(result.warnings.size() == 5);
  NodeRef message = root.find({"system", "login", "message", "two\nlines"});
  REQUIRE(message);
  CHECK(message.line() == 16);
  CHECK(root.find({"system", "syslog", "host", "10.0.0.1", "any", "any"}).line() == 18);
  CHECK(child_texts(root) == std::vector<std::string>{"system"});
}

namespace {

// A plain reference trie for the property test below.
struct RefNode {
  std::string text;
  std::vector<RefNode> children;
  RefNode& child(const std::string& word) {
    for (RefNode& c : children) {
      if (c.text == word) return c;
    }
    children.push_back(RefNode{word, {}});
    return children.back();
  }
};

bool same_as_reference(NodeRef node, const RefNode& ref) {
  std::vector<std::pair<NodeRef, const RefNode*>> pending{{node, &ref}};
  while (!pending.empty()) {
    auto [n, r] = pending.back();
    pending.pop_back();
    if (!n.is_root() && n.text() != r->text) return false;
    std::size_t i = 0;
    NodeRef c = n.first_child();
    for (; c && i < r->children.size(); c = c.next_sibling(), ++i)
      pending.emplace_back(c, &r->children[i]);
    if (c || i != r->children.size()) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("set form: random set lines build the trie a naive reference builds") {
  const std::vector<std::string> vocabulary = {"a", "b", "c", "d", "\"q w\"", "e"};
  std::uint32_t seed = 12345;
  auto next = [&seed](std::uint32_t bound) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % bound;
  };
  for (int round = 0; round < 50; ++round) {
    std::string text;
    RefNode reference;
    const std::uint32_t lines = 1 + next(60);
    for (std::uint32_t l = 0; l < lines; ++l) {
      text += "set";
      RefNode* at = &reference;
      const std::uint32_t length = 1 + next(6);
      for (std::uint32_t w = 0; w < length; ++w) {
        std::string word = vocabulary[next(static_cast<std::uint32_t>(vocabulary.size()))];
        text += " " + word;
        if (word.front() == '"') word = word.substr(1, word.size() - 2);
        at = &at->child(word);
      }
      if (next(4) == 0) {  // a trailing list
        text += " [ x y ]";
        at->child("x");
        at->child("y");
      }
      text += "\n";
    }
    INFO(text);
    const ParseResult result = netaudit::parse_config(text, Syntax::set);
    CHECK(result.warnings.empty());
    CHECK(same_as_reference(result.tree.root(), reference));
  }
}

TEST_CASE("set form: a file of the wrong family gives a bounded number of warnings") {
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += "interface GigabitEthernet0/" + std::to_string(i) + "\n";
  const ParseResult result = netaudit::parse_config(text, Syntax::set);
  CHECK(result.warnings.size() < 40);
  CHECK(has_warning_at(result.warnings, 1, "not a set command"));
  CHECK(result.warnings.back().message.find("4980 more") != std::string::npos);
}

TEST_CASE("brace form: unbalanced braces both ways") {
  SECTION("missing } at the end") {
    const ParseResult result = netaudit::parse_config(
        "system {\n    host-name r1;\n    services {\n        ssh;\n", Syntax::braces);
    CHECK(has_warning_at(result.warnings, 1, "2 block(s) not closed"));
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].message.find("'system' opened on line 1") != std::string::npos);
    CHECK(result.warnings[0].message.find("'services' opened on line 3") != std::string::npos);
    CHECK(result.tree.root().find({"system", "services", "ssh"}).line() == 4);
    CHECK(result.tree.root().find({"system", "host-name", "r1"}));
  }
  SECTION("extra } in the middle: named, and the rest is still parsed") {
    const ParseResult result = netaudit::parse_config(
        "system {\n    host-name r1;\n}\n}\nsnmp {\n    community x;\n}\n", Syntax::braces);
    CHECK(has_warning_at(result.warnings, 4, "'}' without an open block"));
    CHECK(result.warnings.size() == 1);
    CHECK(result.tree.root().find({"snmp", "community", "x"}).line() == 6);
  }
  SECTION("'{' on its own line opens the statement before it") {
    const ParseResult result =
        netaudit::parse_config("system\n{\n    host-name r1\n}\n", Syntax::braces);
    CHECK(result.warnings.empty());
    CHECK(result.tree.root().find({"system", "host-name", "r1"}).line() == 3);
    CHECK(count_children(result.tree.root()) == 1);
  }
  SECTION("'{' with nothing before it is an anonymous entry of its own (F5 lists)") {
    const ParseResult result = netaudit::parse_config(
        "unicast-address {\n    {\n        ip 192.0.2.1\n    }\n    {\n        ip 192.0.2.2\n"
        "    }\n}\nb;\n",
        Syntax::braces);
    CHECK(result.warnings.empty());
    const NodeRef list = result.tree.root().child("unicast-address");
    REQUIRE(count_children(list) == 2);
    CHECK(list.first_child().text() == "{}");
    CHECK(list.first_child().line() == 2);
    CHECK(list.first_child().find({"ip", "192.0.2.1"}).line() == 3);
    CHECK(list.first_child().next_sibling().find({"ip", "192.0.2.2"}).line() == 6);
    CHECK(result.tree.root().child("b").line() == 9);
  }
  SECTION("a bare '{' at the top level is a warning, its contents kept at the top") {
    const ParseResult result = netaudit::parse_config("{\n a;\n}\nb;\n", Syntax::braces);
    CHECK(has_warning_at(result.warnings, 1, "'{' without a statement"));
    CHECK(result.tree.root().child("a"));
    CHECK(result.tree.root().child("b"));
  }
  SECTION("an F5 iRule body is Tcl, kept as one node") {
    const ParseResult result = netaudit::parse_config(
        "ltm rule /Common/timing {\nwhen CLIENT_ACCEPTED {\n  set t [clock clicks]\n"
        "  set d [expr {$t - 1}]\n}\n}\nltm pool /Common/web {\n    members {\n"
        "        /Common/10.0.0.1:80 { }\n    }\n}\n",
        Syntax::braces);
    CHECK(result.warnings.empty());
    const NodeRef body = result.tree.root().find({"ltm", "rule", "/Common/timing"}).first_child();
    REQUIRE(body);
    CHECK(body.line() == 2);
    CHECK(body.text().starts_with("when CLIENT_ACCEPTED {"));
    CHECK(body.text().ends_with("}"));
    CHECK_FALSE(body.has_children());
    CHECK(result.tree.root().find({"ltm", "pool", "/Common/web", "members"}).line() == 8);
  }
  SECTION("empty braces") {
    const ParseResult result =
        netaudit::parse_config("a {}\nb { }\nc {\n}\nd {} e;\n", Syntax::braces);
    CHECK(result.warnings.empty());
    CHECK(child_texts(result.tree.root()) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK_FALSE(result.tree.root().child("a").has_children());
  }
}

TEST_CASE("brace form: quotes and comments") {
  SECTION("; # { } inside quotes are data; # after ; is a comment") {
    const ParseResult result = netaudit::parse_config(
        "system {\n"
        "    login message \"a; b # c { d } e\"; # trailing comment\n"
        "    host-name r1; ## SECRET-DATA\n"
        "    /* annotation { with braces } */\n"
        "    domain-name 'ex.net';\n"
        "    description \"say \\\"hi\\\"\";\n"
        "}\n",
        Syntax::braces);
    INFO(describe(result.warnings));
    CHECK(result.warnings.empty());
    const NodeRef system = result.tree.root().child("system");
    CHECK(child_texts(system) ==
          std::vector<std::string>{"login", "host-name", "domain-name", "description"});
    CHECK(system.find({"login", "message", "a; b # c { d } e"}).line() == 2);
    CHECK(child_texts(system.child("host-name")) == std::vector<std::string>{"r1"});
    CHECK(system.find({"domain-name", "ex.net"}).line() == 5);
    CHECK(system.find({"description", "say \\\"hi\\\""}));
  }
  SECTION("unterminated quote at the end of the input") {
    const ParseResult result = netaudit::parse_config(
        "system {\n    host-name r1;\n    login message \"never closed;\n    services ssh;\n}\n",
        Syntax::braces);
    CHECK(has_warning_at(result.warnings, 3, "unterminated quoted string"));
    // The quote ends at its line: the statements after it are not swallowed.
    CHECK(result.tree.root().find({"system", "login", "message", "never closed;"}));
    CHECK(result.tree.root().find({"system", "services", "ssh"}).line() == 4);
    CHECK(result.tree.root().find({"system", "host-name", "r1"}));
  }
  SECTION("unterminated /* comment") {
    const ParseResult result = netaudit::parse_config("a;\n/* never closed\nb;\n", Syntax::braces);
    CHECK(has_warning_at(result.warnings, 2, "unterminated /* comment"));
    CHECK(result.tree.root().child("a"));
  }
  SECTION("unclosed [ list") {
    const ParseResult result = netaudit::parse_config("m [ a b;\nn;\n", Syntax::braces);
    CHECK(has_warning_at(result.warnings, 1, "'[' list not closed"));
    CHECK(child_texts(result.tree.root().child("m")) == std::vector<std::string>{"a", "b"});
    CHECK(result.tree.root().child("n").line() == 2);
  }
  SECTION("CRLF, tabs and NUL bytes") {
    std::string text = "system {\r\n\thost-name r1;\r\n\tlocation \"a";
    text += '\0';
    text += "b\";\r\n}\r\nx";
    text += '\0';
    text += ";\r\n";
    const ParseResult result = netaudit::parse_config(text, Syntax::braces);
    CHECK(result.warnings.empty());
    CHECK(result.tree.root().find({"system", "host-name", "r1"}).line() == 2);
    CHECK(result.tree.root().find({"system", "location"}).line() == 3);
    CHECK(count_children(result.tree.root()) == 2);
  }
}

TEST_CASE("brace and set forms: 10 MB on one line") {
  std::string words;
  words.reserve(10u << 20);
  for (int i = 0; words.size() < (10u << 20); ++i)
    words += "w" + std::to_string(i % 1000) + " ";
  const auto start = std::chrono::steady_clock::now();
  const ParseResult braces = netaudit::parse_config("a " + words + ";", Syntax::braces);
  const ParseResult set = netaudit::parse_config("set a [ " + words + "]", Syntax::set);
  std::string one_token(10u << 20, 'x');
  const ParseResult token = netaudit::parse_config("set a " + one_token, Syntax::set);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "10 MB single lines: 3 parses in " << seconds << " s\n";
  // The long chain is capped in depth, with a warning on line 1.
  CHECK(has_warning_at(braces.warnings, 1, "nesting deeper than"));
  CHECK(max_depth(braces.tree) <= 1000);
  // The list is one wide parent, merged by the hash index: 1000 distinct words.
  CHECK(count_children(set.tree.root().child("a")) == 1000);
  CHECK(set.warnings.empty());
  CHECK(token.tree.root().find({"a"}).first_child().text().size() == one_token.size());
}

TEST_CASE("brace form: 100k levels of nesting do not overflow anything") {
  std::string text;
  for (int i = 0; i < 100000; ++i)
    text += "a {\n";
  SECTION("never closed") {
    const ParseResult result = netaudit::parse_config(text, Syntax::braces);
    CHECK(has_warning_at(result.warnings, 1, "100000 block(s) not closed"));
    CHECK(has_warning_at(result.warnings, 1001, "nesting deeper than 1000"));
    CHECK(max_depth(result.tree) == 1000);
    CHECK(netaudit::format_tree_text(result.tree).size() > 1000);
  }
  SECTION("closed") {
    for (int i = 0; i < 100000; ++i)
      text += "}\n";
    text += "after;\n";
    const ParseResult result = netaudit::parse_config(text, Syntax::braces);
    CHECK(result.warnings.size() == 1);
    CHECK(result.tree.root().child("after").line() == 200001);
  }
}

TEST_CASE("round trip: a re-emitted brace tree parses to the same tree and lines") {
  for (const char* fixture : {"braces/junos_core1.conf", "braces/vyos_edge1.config.boot",
                              "braces/sros_pe1.mdcli", "braces/panos_fw1.conf"}) {
    INFO(fixture);
    const ParseResult first = parse_fixture(fixture, Syntax::braces);
    const Emitted emitted = emit_braces(first.tree);
    const ParseResult second = netaudit::parse_config(emitted.text, Syntax::braces);
    INFO(describe(second.warnings));
    CHECK(second.warnings.empty());
    CHECK(netaudit::same_shape(first.tree.root(), second.tree.root()));
    std::size_t mismatches = 0;
    for (const auto& [path, line] : emitted.lines) {
      const NodeRef node = find_path(second.tree.root(), path);
      if (!node || node.line() != line) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(emitted.lines.size() + 1 == first.tree.node_count());
  }
}

TEST_CASE("throughput of the brace and set parsers") {
  const std::string braces_text =
      netaudit::test::read_file(netaudit::test::fixture_dir() / "parsers/braces/junos_core1.conf");
  const std::string set_text =
      netaudit::test::read_file(netaudit::test::fixture_dir() / "parsers/set/junos_core1.set");
  // Many routers' worth: rename the top-level blocks per copy so the trie keeps growing.
  std::string big_braces;
  std::string big_set;
  for (int i = 0; i < 200; ++i) {
    big_braces += "groups { g" + std::to_string(i) + " {\n" + braces_text + "}\n}\n";
    big_set += set_text;
  }
  for (const auto& [name, text, syntax] : {std::tuple{"braces", big_braces, Syntax::braces},
                                           std::tuple{"set", big_set, Syntax::set}}) {
    const auto start = std::chrono::steady_clock::now();
    const ParseResult result = netaudit::parse_config(text, syntax);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << name << ": " << text.size() / 1e6 << " MB, " << result.tree.line_count()
              << " lines, " << result.tree.node_count() << " nodes in " << seconds * 1e3 << " ms ("
              << text.size() / 1e6 / seconds << " MB/s)\n";
    CHECK(result.tree.node_count() > 100);
    CHECK(seconds < 20.0);  // a loose ceiling that still catches quadratic behaviour
  }
}

namespace {

enum class Family { braces, set, xml, other };

// Picks the family from the content, as `show configuration` vs `display set` vs XML.
Family family_of(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    line.remove_prefix(first);
    if (line.starts_with("#") || line.starts_with("!") || line.starts_with("/*") ||
        line.starts_with("//"))
      continue;
    if (line.starts_with("<")) return Family::xml;
    if (line.starts_with("set ") || line.starts_with("deactivate ")) return Family::set;
    return text.find('{') != std::string_view::npos ? Family::braces : Family::other;
  }
  return Family::other;
}

}  // namespace

TEST_CASE("corpus: every braces, set and XML file parses without unexpected warnings") {
  const auto corpus = netaudit::test::corpus_dir();
  if (!corpus) NETAUDIT_SKIP(netaudit::test::corpus_absent_reason());
  const std::vector<std::string> folders = {
      "juniper_junos",  "juniper_junos_set",  "vyos",       "vyos_set", "nokia_srlinux",
      "paloalto_panos", "paloalto_panos_cli", "netconf_xml"};
  std::size_t parsed = 0;
  std::size_t skipped = 0;
  std::size_t counts[3] = {};
  for (const std::string& folder : folders) {
    const auto dir = *corpus / folder;
    for (const std::filesystem::path& file : regular_files_in(dir)) {
      const auto loaded = netaudit::load_config_file(file.string());
      if (!loaded.source) continue;
      const Family family = family_of(loaded.source->text);
      if (family == Family::other) {
        std::cout << "  not a braces/set/xml file, skipped: " << folder << "/"
                  << file.filename().string() << "\n";
        ++skipped;
        continue;
      }
      const Syntax syntax = family == Family::xml   ? Syntax::xml
                            : family == Family::set ? Syntax::set
                                                    : Syntax::braces;
      const auto start = std::chrono::steady_clock::now();
      const ParseResult result = netaudit::parse_config(loaded.source->text, syntax);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      INFO(file.string() << "\n" << describe(result.warnings));
      CHECK(result.warnings.empty());
      CHECK(result.tree.node_count() > 1);
      CHECK(ms < 5000.0);
      ++counts[static_cast<int>(family)];
      ++parsed;
    }
  }
  std::cout << "corpus: " << parsed << " files parsed (" << counts[0] << " braces, " << counts[1]
            << " set, " << counts[2] << " xml), " << skipped << " skipped\n";
  CHECK(parsed >= 60);

  // Malformed files of these families: warnings, never a crash.
  std::size_t malformed = 0;
  std::size_t warned = 0;
  for (const std::string_view folder :
       {"juniper_junos", "juniper_junos_set", "netconf_xml", "paloalto_panos_cli"}) {
    const auto dir = *corpus / "malformed" / folder;
    for (const std::filesystem::path& file : regular_files_in(dir)) {
      const auto loaded = netaudit::load_config_file(file.string());
      if (!loaded.source) continue;
      const Family family = family_of(loaded.source->text);
      const Syntax syntax = family == Family::xml   ? Syntax::xml
                            : family == Family::set ? Syntax::set
                                                    : Syntax::braces;
      const ParseResult result = netaudit::parse_config(loaded.source->text, syntax);
      ++malformed;
      warned += !result.warnings.empty();
      std::cout << "  malformed " << folder << "/" << file.filename().string() << ": "
                << result.warnings.size() << " warning(s)"
                << (result.warnings.empty() ? "" : ", first: " + result.warnings[0].message)
                << "\n";
      // Structural damage (braces, XML) must be reported; bad values in set lines may not be.
      if (folder == "juniper_junos" || folder == "netconf_xml")
        CHECK_FALSE(result.warnings.empty());
    }
  }
  std::cout << "corpus malformed: " << warned << " of " << malformed << " with warnings\n";
  // The corpus has 5 malformed files in these folders (2 junos, 1 junos set, 1 xml, 1 PAN-OS
  // CLI); the 3 with structural damage (junos braces, xml) must warn.
  CHECK(malformed >= 5);
  CHECK(warned >= 3);
}
