// The NETCONF client against a real netconfd (yuma123) behind a real sshd's "netconf"
// subsystem, both started by the test on 127.0.0.1 with a private unix socket.
#include <catch2/catch.hpp>

#include "netaudit/collectors/collect.hpp"
#include "netaudit/collectors/netconf_client.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/collectors/ssh_session.hpp"
#include "openssh_server.hpp"
#include "test_key.hpp"
#include "test_paths.hpp"

using namespace netaudit::collectors;
using netaudit::test::NetconfdServer;
using netaudit::test::OpenSshOptions;
using netaudit::test::OpenSshServer;
using netaudit::test::TempDir;

namespace {

struct NetconfLab {
  TempDir dir{"netaudit-netconfd"};
  std::uint16_t port = netaudit::test::free_local_port();
  NetconfdServer netconfd{dir.path(),
                          port,
                          netaudit::test::fixture_dir() / "collectors" / "ietf_system_startup.xml",
                          {"ietf-system"}};
  OpenSshServer sshd{dir.path(), OpenSshOptions{"", netconfd.subsystem_command(), false, port}};

  DeviceTarget target() const {
    DeviceTarget target;
    target.name = "nc-lab-1";
    target.host = "127.0.0.1";
    target.port = port;
    target.platform = "netconf";
    target.transport = Transport::netconf;
    target.credentials.user = sshd.user();
    target.credentials.key_file = sshd.client_key();
    return target;
  }
  CollectOptions options() const {
    CollectOptions options;
    options.redaction_key = netaudit::test::redaction_key();
    options.known_hosts = dir.path() / "known_hosts";
    options.host_key_policy = HostKeyPolicy::accept_new;
    options.command_timeout = std::chrono::seconds(15);
    return options;
  }
  std::string logs() const {
    return "netconfd log:\n" + netconfd.log() + "\nsshd log:\n" + sshd.log();
  }
};

}  // namespace

TEST_CASE("real netconfd: hello - capabilities - chunked framing - get-config of running") {
  NetconfLab lab;
  SshSession session(lab.target(), lab.options());
  session.connect(Deadline::after(std::chrono::seconds(10)));
  NetconfClient client(session);
  client.open(Deadline::after(std::chrono::seconds(10)));
  const auto& capabilities = client.server_capabilities();
  INFO(lab.logs());
  CHECK(std::find(capabilities.begin(), capabilities.end(), std::string(kNetconfBase11)) !=
        capabilities.end());
  CHECK(client.framing() == Framing::chunked);  // both hellos list base:1.1 (RFC 6242 4.1)
  CHECK_FALSE(client.session_id().empty());

  const std::string data =
      client.get_config("running", "", Deadline::after(std::chrono::seconds(10)));
  CHECK(data.find("<hostname>nc-lab-1</hostname>") != std::string::npos);
  CHECK(data.find("192.0.2.123") != std::string::npos);

  // A subtree filter selects only what is asked for.
  const std::string filtered = client.get_config(
      "running", R"(<system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><hostname/></system>)",
      Deadline::after(std::chrono::seconds(10)));
  CHECK(filtered.find("<hostname>nc-lab-1</hostname>") != std::string::npos);
  CHECK(filtered.find("192.0.2.123") == std::string::npos);
  client.close(Deadline::after(std::chrono::seconds(5)));
}

TEST_CASE(
    "real netconfd: collect_config over NETCONF - redacted - rpc-error reported with its tag") {
  NetconfLab lab;
  const Profile profile = load_profile_by_name("cisco_ios");  // NETCONF ignores the CLI parts
  const CollectResult result = collect_config(lab.target(), profile, lab.options());
  INFO(result.message << "\n" << lab.logs());
  REQUIRE(result.ok());
  CHECK(result.raw.find("<hostname>nc-lab-1</hostname>") != std::string::npos);
  CHECK(result.raw.find("labsalt") != std::string::npos);
  CHECK(result.normalised.find("labsalt") == std::string::npos);  // <password> redacted
  CHECK(result.normalised.find("<password>$1$redacted-") != std::string::npos);
  CHECK_FALSE(result.capabilities.empty());

  // netconfd runs with --target=running: there is no candidate datastore.
  CollectOptions options = lab.options();
  options.netconf_datastore = "candidate";
  const CollectResult error = collect_config(lab.target(), profile, options);
  INFO(error.message);
  CHECK(error.error == ErrorKind::rpc_error);
  CHECK_FALSE(error.rpc_error_tag.empty());
  CHECK(error.message.find(error.rpc_error_tag) != std::string::npos);
  CHECK(error.raw.empty());

  // A malformed filter: netconfd drops the session; an error quickly, never a partial result.
  options.netconf_datastore = "running";
  options.netconf_subtree_filter = "<no-such-thing xmlns=\"urn:example:nothing\"><x/>";
  const CollectResult bad_filter = collect_config(lab.target(), profile, options);
  INFO(bad_filter.message);
  CHECK_FALSE(bad_filter.ok());
  CHECK(bad_filter.raw.empty());
  CHECK(bad_filter.elapsed < std::chrono::seconds(14));
}
