// XML parser (token trie): envelopes stripped, list entries keyed, the CLI's tree where the
// XML mirrors the CLI.
#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "netaudit/policies/parse.hpp"
#include "netaudit/policies/tree_format.hpp"
#include "parser_test_support.hpp"
#include "test_paths.hpp"

using netaudit::ConfigTree;
using netaudit::NodeRef;
using netaudit::ParseResult;
using netaudit::Syntax;
using netaudit::test::child_texts;
using netaudit::test::describe;
using netaudit::test::has_warning_at;
using netaudit::test::max_depth;
using netaudit::test::parse_fixture;

namespace {

ParseResult parse_xml(std::string text) {
  return netaudit::parse_config(std::move(text), Syntax::xml);
}

std::string attribute(const ConfigTree& tree, NodeRef node, std::string_view name) {
  for (const auto& attribute : tree.attributes(node.id())) {
    if (attribute.name == name) return std::string(attribute.value);
  }
  return "(none)";
}

}  // namespace

TEST_CASE("Junos XML, brace form and display set give one tree") {
  const ParseResult xml = parse_fixture("xml/junos_core1.xml", Syntax::xml);
  const ParseResult braces = parse_fixture("braces/junos_core1.conf", Syntax::braces);
  const ParseResult set = parse_fixture("set/junos_core1.set", Syntax::set);
  INFO(describe(xml.warnings));
  CHECK(xml.warnings.empty());
  CHECK(netaudit::same_shape(xml.tree.root(), braces.tree.root()));
  CHECK(netaudit::same_shape(xml.tree.root(), set.tree.root()));
  CHECK(xml.tree.node_count() == braces.tree.node_count());

  const NodeRef root = xml.tree.root();
  CHECK(root.find({"system", "host-name", "core1"}).line() == 5);
  CHECK(root.find({"system", "services", "telnet"}).inactive());
  CHECK(root.find({"system", "services", "telnet"}).line() == 34);
  const NodeRef unit100 = root.find({"interfaces", "ge-0/0/1", "unit", "100"});
  REQUIRE(unit100);
  CHECK(unit100.inactive());
  CHECK(unit100.line() == 107);
  CHECK(attribute(xml.tree, unit100, "inactive") == "inactive");
  // The <configuration> envelope's attributes are kept on the root.
  CHECK(attribute(xml.tree, root, "junos:commit-user") == "netops");
  // Junos keys the brace form prints bare: <input><filter-name>.
  CHECK(root.find(
      {"interfaces", "ge-0/0/0", "unit", "0", "family", "inet", "filter", "input", "PROTECT-RE"}));
  // The <cli> banner of the reply is not configuration.
  CHECK_FALSE(root.child("cli"));
}

TEST_CASE("ietf-system NETCONF reply: keyed lists, namespaces, entities, CDATA") {
  const ParseResult result = parse_fixture("xml/ietf_system_reply.xml", Syntax::xml);
  INFO(describe(result.warnings));
  CHECK(result.warnings.empty());
  const NodeRef root = result.tree.root();
  CHECK(child_texts(root) == std::vector<std::string>{"system", "interfaces"});
  const NodeRef system = root.child("system");
  CHECK(system.line() == 5);
  CHECK(attribute(result.tree, system, "xmlns") == "urn:ietf:params:xml:ns:yang:ietf-system");
  CHECK(system.find({"hostname", "dist1"}).line() == 7);
  CHECK(system.find({"location", "Hall B, rack 4"}));  // text with blanks: one node
  CHECK(child_texts(system.find({"ntp", "server"})) == std::vector<std::string>{"ntp-a", "ntp-b"});
  CHECK(system.find({"ntp", "server", "ntp-a"}).line() == 14);
  CHECK(system.find({"ntp", "server", "ntp-a", "udp", "address", "10.0.0.123"}).line() == 17);
  CHECK(system.find({"ntp", "server", "ntp-b", "udp", "port", "123"}));
  CHECK(system.find({"dns-resolver", "server", "dns-a", "udp-and-tcp", "address", "10.0.0.53"}));
  CHECK(system.find({"radius", "server", "radius-a", "udp", "authentication-port", "1812"}));
  CHECK(system.find({"radius", "options", "timeout", "5"}));
  CHECK(child_texts(system.find({"authentication", "user-authentication-order"})) ==
        std::vector<std::string>{"sys:radius", "sys:local-users"});
  CHECK(child_texts(system.find({"authentication", "user"})) ==
        std::vector<std::string>{"admin", "oper"});
  CHECK(system
            .find({"authentication", "user", "admin", "authorized-key", "laptop", "algorithm",
                   "ssh-ed25519"})
            .line() == 63);
  // interfaces/interface: the entry tag is implied by its parent.
  const NodeRef interfaces = root.child("interfaces");
  CHECK(child_texts(interfaces) == std::vector<std::string>{"eth0", "eth1"});
  CHECK(interfaces.child("eth0").line() == 74);
  CHECK(interfaces.find({"eth0", "description", "uplink & management"}));
  CHECK(interfaces.find({"eth1", "description", "access <users>"}).line() == 82);
  CHECK(interfaces.find({"eth0", "type", "ianaift:ethernetCsmacd"}));
  // The XML comment is not a node; neither is the <name> key element.
  CHECK_FALSE(system.find({"ntp", "server", "ntp-a", "name"}));
}

TEST_CASE("PAN-OS <config> XML: entry and member, and the set form's tree") {
  const ParseResult xml = parse_fixture("xml/panos_fw1_config.xml", Syntax::xml);
  const ParseResult set = parse_fixture("set/panos_fw1.set", Syntax::set);
  INFO(describe(xml.warnings));
  CHECK(xml.warnings.empty());
  const NodeRef root = xml.tree.root();
  CHECK(child_texts(root) == std::vector<std::string>{"mgt-config", "shared", "devices"});
  CHECK(attribute(xml.tree, root, "version") == "10.2.0");
  const NodeRef vsys = root.find({"devices", "localhost.localdomain", "vsys", "vsys1"});
  REQUIRE(vsys);
  const NodeRef rule = vsys.find({"rulebase", "security", "rules", "allow web"});
  REQUIRE(rule);
  CHECK(rule.line() == 68);
  CHECK(attribute(xml.tree, rule, "uuid") == "6f1c2a8e-3b1d-4c55-9f0a-5b8f2d7c9e01");
  CHECK(attribute(xml.tree, rule, "name") == "(none)");  // it became the node's text
  CHECK(child_texts(rule.child("application")) == std::vector<std::string>{"web-browsing", "ssl"});
  CHECK(rule.find({"application", "web-browsing"}).line() == 82);
  CHECK(root.find({"shared", "log-settings", "syslog", "siem", "server", "siem-a", "server",
                   "10.0.0.50"})
            .line() == 21);
  CHECK(
      root.find({"mgt-config", "users", "admin", "permissions", "role-based", "superuser", "yes"}));
  // Where the vsys XML mirrors the set CLI, the subtrees are equal.
  CHECK(netaudit::same_shape(vsys.child("rulebase"), set.tree.root().child("rulebase")));
  CHECK(netaudit::same_shape(vsys.child("zone"), set.tree.root().child("zone")));
  CHECK_FALSE(netaudit::same_shape(vsys.child("zone"), set.tree.root().child("rulebase")));
}

TEST_CASE("XML envelopes: rpc-reply, data, configuration, bare forms give one tree") {
  const std::string body =
      "<system><host-name>r1</host-name><services><ssh/></services></system>"
      "<interfaces><interface><name>xe-0/0/0</name><mtu>9192</mtu></interface></interfaces>";
  const std::vector<std::string> forms = {
      "<rpc-reply><data>" + body + "</data></rpc-reply>",
      "<data>" + body + "</data>",
      "<configuration>" + body + "</configuration>",
      "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/21.4R3/junos\"><configuration>" +
          body + "</configuration></rpc-reply>",
      "<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><nc:data>"
      "<configuration xmlns=\"http://xml.juniper.net/xnm/1.1/xnm\">" +
          body + "</configuration></nc:data></nc:rpc-reply>",
  };
  const ParseResult braces = netaudit::parse_config(
      "system { host-name r1; services { ssh; } }\ninterfaces { xe-0/0/0 { mtu 9192; } }\n",
      Syntax::braces);
  for (const std::string& form : forms) {
    INFO(form);
    const ParseResult result = parse_xml(form);
    CHECK(result.warnings.empty());
    CHECK(netaudit::same_shape(result.tree.root(), braces.tree.root()));
  }
}

TEST_CASE("XML: mapping details") {
  SECTION("namespace prefixes are dropped from tags; attribute values are decoded") {
    const ParseResult result = parse_xml(
        "<data xmlns:sys=\"urn:x\"><sys:system><sys:hostname>r1</sys:hostname></sys:system>"
        "<rules><entry name=\"a &amp; b\"><member>x</member></entry></rules></data>");
    CHECK(result.tree.root().find({"system", "hostname", "r1"}));
    CHECK(result.tree.root().find({"rules", "a & b", "x"}));
  }
  SECTION("OpenConfig config containers: <name> is a plain leaf there") {
    const ParseResult result = parse_xml(
        "<data><interfaces><interface><name>eth0</name><config><name>eth0</name><mtu>1500</mtu>"
        "</config></interface></interfaces></data>");
    CHECK(result.tree.root().find({"interfaces", "eth0", "config", "name", "eth0"}));
    CHECK(result.tree.root().find({"interfaces", "eth0", "config", "mtu", "1500"}));
  }
  SECTION("a keyed entry whose tag is not implied keeps its tag") {
    const ParseResult result = parse_xml(
        "<configuration><protocols><bgp><group><name>ibgp</name><type>internal</type>"
        "<neighbor><name>10.0.0.2</name></neighbor></group></bgp></protocols></configuration>");
    CHECK(result.tree.root().find({"protocols", "bgp", "group", "ibgp", "neighbor", "10.0.0.2"}));
    CHECK(result.tree.root().find({"protocols", "bgp", "group", "ibgp", "type", "internal"}));
  }
  SECTION("multi-line text is one node flagged multiline") {
    const ParseResult result =
        parse_xml("<data><banner>\n  line one\n  line two\n</banner><x>1</x></data>");
    const NodeRef text = result.tree.root().find({"banner"}).first_child();
    REQUIRE(text);
    CHECK(text.text() == "line one\n  line two");
    CHECK((text.flags() & netaudit::kNodeMultiline) != 0);
    CHECK(result.tree.root().child("x").line() == 4);
  }
  SECTION("Junos text replies: configuration-text as braces, configuration-set as set") {
    const ParseResult text = parse_xml(
        "<rpc-reply>\n<configuration-text>\n## Last changed: 2026-11-20\nsystem {\n"
        "    host-name r1;\n}\n</configuration-text>\n</rpc-reply>\n");
    CHECK(text.warnings.empty());
    CHECK(text.tree.root().find({"system", "host-name", "r1"}).line() == 5);
    const ParseResult set = parse_xml(
        "<rpc-reply>\n<configuration-set>\nset system host-name r1\n"
        "set system services ssh\n</configuration-set>\n</rpc-reply>\n");
    CHECK(set.warnings.empty());
    CHECK(set.tree.root().find({"system", "services", "ssh"}).line() == 4);
    CHECK(netaudit::same_shape(text.tree.root().child("system").child("host-name"),
                               set.tree.root().child("system").child("host-name")));
  }
  SECTION("an rpc-error becomes a warning with its message") {
    const ParseResult result = parse_xml(
        "<rpc-reply>\n  <rpc-error>\n    <error-severity>error</error-severity>\n"
        "    <error-message>permission denied</error-message>\n  </rpc-error>\n</rpc-reply>\n");
    CHECK(has_warning_at(result.warnings, 2, "rpc-error: permission denied"));
  }
}

TEST_CASE("XML: bad input") {
  SECTION("truncated: a warning with the line, the elements before it kept") {
    const ParseResult result =
        parse_xml("<rpc-reply>\n<data>\n<system>\n<host-name>r1</host-name>\n<services>\n<ssh>\n");
    REQUIRE_FALSE(result.warnings.empty());
    CHECK(result.warnings[0].message.find("XML error") != std::string::npos);
    CHECK(result.warnings[0].message.find("truncated?") != std::string::npos);
    CHECK(result.warnings[0].line >= 6);
    CHECK(result.tree.root().find({"system", "host-name", "r1"}).line() == 4);
    CHECK(result.tree.root().find({"system", "services", "ssh"}));
  }
  SECTION("mismatched end tag") {
    const ParseResult result = parse_xml("<data>\n<a>1</a>\n<b>2</c>\n<d>3</d>\n</data>\n");
    CHECK(has_warning_at(result.warnings, 3, "XML error"));
    CHECK(result.tree.root().find({"a", "1"}));
  }
  SECTION("not XML at all") {
    const ParseResult result = parse_xml("hostname r1\ninterface Gi0/1\n");
    CHECK_FALSE(result.warnings.empty());
    CHECK(result.tree.node_count() == 1);
  }
  SECTION("DTD with entities: nothing is expanded or fetched") {
    const ParseResult result = parse_xml(
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE data [\n"
        "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
        "  <!ENTITY web SYSTEM \"http://127.0.0.1:9/never\">\n"
        "  <!ENTITY lol \"lol\">\n"
        "]>\n"
        "<data><a>&xxe;</a><b>&web;</b><c>&lol;&lol;</c></data>\n");
    CHECK(result.tree.root().find({"a", "&xxe;"}));
    CHECK(result.tree.root().find({"b", "&web;"}));
    CHECK(result.tree.root().find({"c", "&lol;&lol;"}));
    CHECK(netaudit::format_tree_text(result.tree).find("root:") == std::string::npos);
  }
  SECTION("NUL bytes") {
    std::string text = "<data><a>1</a>";
    text += '\0';
    text += "<b>2</b></data>";
    const ParseResult result = parse_xml(text);
    CHECK(result.tree.root().find({"a", "1"}));
  }
  SECTION("100k levels of nesting, closed and truncated") {
    std::string open;
    std::string close;
    for (int i = 0; i < 100000; ++i) {
      open += "<a>";
      close += "</a>";
    }
    const ParseResult closed = parse_xml("<data>" + open + "x" + close + "<z/></data>");
    CHECK(has_warning_at(closed.warnings, 1, "nesting deeper than 1000"));
    CHECK(max_depth(closed.tree) <= 1000);
    CHECK(closed.tree.root().child("z"));
    const ParseResult truncated = parse_xml("<data>\n" + open);
    CHECK(max_depth(truncated.tree) <= 1000);
    CHECK_FALSE(truncated.warnings.empty());
  }
  SECTION("an empty document element") {
    const ParseResult result = parse_xml("<rpc-reply><data/></rpc-reply>");
    CHECK(has_warning_at(result.warnings, 0, "no configuration elements"));
  }
}

TEST_CASE("XML: a wide list parses in linear time") {
  std::string text = "<config><address-group><entry name=\"big\"><static>";
  for (int i = 0; i < 100000; ++i)
    text += "<member>h" + std::to_string(i) + "</member>\n";
  text += "</static></entry></address-group></config>";
  const auto start = std::chrono::steady_clock::now();
  const ParseResult result = parse_xml(text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "xml: " << text.size() / 1e6 << " MB, 100k members in " << seconds * 1e3 << " ms ("
            << text.size() / 1e6 / seconds << " MB/s)\n";
  const NodeRef members = result.tree.root().find({"address-group", "big", "static"});
  REQUIRE(members);
  CHECK(members.child("h99999").line() == 100000);
  CHECK(seconds < 20.0);
}
