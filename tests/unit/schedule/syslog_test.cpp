// Syslog: the decoder on RFC 3164, RFC 5424, vendor messages and garbage; the matcher; and the
// listener receiving real UDP datagrams on 127.0.0.1, with its counters and debounce.
#include <boost/asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "schedule/syslog_listener.hpp"
#include "schedule/syslog_message.hpp"
#include "schedule_harness.hpp"

namespace {

using namespace netaudit::test;
using sched::SyslogFormat;
namespace ip = boost::asio::ip;

// Config-change messages as the vendors send them, and the pattern each must hit.
struct VendorMessage {
  std::string what;
  std::string datagram;
  std::string pattern;
};
const std::vector<VendorMessage>& vendor_messages() {
  static const std::vector<VendorMessage> messages{
      {"IOS (its own header)",
       "<189>123: *Dec  3 13:00:00.123: %SYS-5-CONFIG_I: Configured from console by admin on "
       "vty0 (192.0.2.10)",
       "cisco_arista_sys_config"},
      {"IOS-XE RFC 3164",
       "<189>Dec  3 13:00:00 edge1 45: %SYS-5-CONFIG_I: Configured from console by admin",
       "cisco_arista_sys_config"},
      {"NX-OS",
       "<189>Dec  3 13:00:00 nx1 : 2026 Dec  3 13:00:00 UTC: %VSHD-5-VSHD_SYSLOG_CONFIG_I: "
       "Configured from vty by admin on 192.0.2.10@pts/0",
       "nxos_vshd_config"},
      {"NX-OS SYS", "<189>Dec  3 13:00:00 nx1 %SYS-5-CONFIG_I: Configured from vty by admin",
       "cisco_arista_sys_config"},
      {"IOS-XR",
       "<189>Dec  3 13:00:00 xr1 1: RP/0/RSP0/CPU0:Dec  3 13:00:00.000 UTC: config[65762]: "
       "%MGBL-CONFIG-6-DB_COMMIT : Configuration committed by user 'admin'.",
       "iosxr_commit"},
      {"Junos BSD", "<189>Dec  3 13:00:00 mx1 mgd[4321]: UI_COMMIT_COMPLETED: commit complete",
       "junos_commit"},
      {"Junos RFC 5424",
       "<189>1 2026-12-03T13:00:00.000Z mx1 mgd 4321 UI_COMMIT_COMPLETED "
       "[junos@2636.1.1.1.2.18 username=\"admin\"] commit complete",
       "junos_commit"},
      {"EOS CONFIG_I",
       "<189>Dec  3 13:00:00 leaf1 ConfigAgent: %SYS-5-CONFIG_I: Configured from console by "
       "admin on con0 (0.0.0.0)",
       "cisco_arista_sys_config"},
      {"EOS CONFIG_E",
       "<189>Dec  3 13:00:00 leaf1 Cli: %SYS-5-CONFIG_E: Enter configuration mode from console "
       "by admin on con0 (0.0.0.0)",
       "cisco_arista_sys_config"},
      {"VRP",
       "<189>Dec  3 2026 13:00:00 HUAWEI %%01CFG/4/CFGCHANGE(s)[0]:The configuration changed. "
       "(UserName=admin, Terminal=vty0)",
       "vrp_cfgchange"},
  };
  return messages;
}

const std::vector<std::string>& garbage() {
  static const std::vector<std::string> datagrams{
      "",
      "hello world",
      "<>x",
      "<192>too high",
      "<1234>x",
      "<12",
      "<12>",
      "<-1>x",
      std::string("\x00\x01\x02\x03", 4),
      std::string("<13>\0\0\0", 7),
      "<165>1 2003-10-11T22:14:15.003Z host app - ID47 [unclosed",
      "<165>1 2003-10-11T22:14:15.003Z host app - ID47 [id k=\"v]",
      "<165>1 2003-10-11T22:14:15.003Z host app - ID47 [id k=v] msg",
      "<165>1 yesterday host app - ID47 - msg",
      "<165>1 2003-10-11T22:14:15.003Z host",
      "<165>1 2003-10-11T22:14:15.003Z host app - ID47 -msg",
  };
  return datagrams;
}

// Polls a condition every 5 ms, up to a generous bound.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A sender on 127.0.0.1 (the device) to the listener.
class Sender {
 public:
  explicit Sender(ip::udp::endpoint to) : socket_(io_, ip::udp::v4()), to_(to) {
    socket_.bind(ip::udp::endpoint(ip::make_address("127.0.0.1"), 0));
  }
  void send(const std::string& datagram) { socket_.send_to(boost::asio::buffer(datagram), to_); }

 private:
  boost::asio::io_context io_;
  ip::udp::socket socket_;
  ip::udp::endpoint to_;
};

// A listener on 127.0.0.1 (free port) on its own loop, recording its triggers.
struct ListenerRig {
  explicit ListenerRig(std::chrono::milliseconds debounce, std::vector<std::string> patterns = {},
                       std::map<std::string, std::string> sources = {{"127.0.0.1", "core1"}})
      : listener(io, sched::SyslogOptions{"127.0.0.1:0", debounce, std::move(patterns)},
                 [this](const sched::SyslogTrigger& trigger) {
                   std::lock_guard lock(mutex);
                   triggers.push_back(trigger);
                 }) {
    listener.set_sources(sources);
    listener.start();
    sender.emplace(listener.local_endpoint());
  }
  std::size_t trigger_count() {
    std::lock_guard lock(mutex);
    return triggers.size();
  }
  std::vector<sched::SyslogTrigger> recorded() {
    std::lock_guard lock(mutex);
    return triggers;
  }

  boost::asio::io_context io;
  std::mutex mutex;
  std::vector<sched::SyslogTrigger> triggers;
  sched::SyslogListener listener;
  LoopThread loop{io};  // stops before the listener and the triggers go
  std::optional<Sender> sender;
};

}  // namespace

TEST_CASE("RFC 5424 messages decode field by field", "[syslog]") {
  // RFC 5424 section 6.5, examples 1 and 3.
  const std::string example1 =
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' "
      "failed for lonvick on /dev/pts/8";
  const auto m1 = sched::parse_syslog(example1);
  REQUIRE(m1);
  CHECK(m1->format == SyslogFormat::rfc5424);
  CHECK(m1->facility == 4);
  CHECK(m1->severity == 2);
  CHECK(m1->timestamp == "2003-10-11T22:14:15.003Z");
  CHECK(m1->hostname == "mymachine.example.com");
  CHECK(m1->app_name == "su");
  CHECK(m1->procid.empty());
  CHECK(m1->msgid == "ID47");
  CHECK(m1->structured_data.empty());
  CHECK(m1->message == "'su root' failed for lonvick on /dev/pts/8");

  const std::string example3 =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
      "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 "
      "class=\"high\"]"
      " An application event with \\\"escaped\\\" quotes";
  const auto m3 = sched::parse_syslog(example3);
  REQUIRE(m3);
  CHECK(m3->facility == 20);
  CHECK(m3->severity == 5);
  CHECK(m3->structured_data.starts_with("[exampleSDID@32473 "));
  CHECK(m3->structured_data.ends_with("class=\"high\"]"));
  CHECK(m3->message.starts_with("An application event"));

  // No MSG at all, escaped ']' inside a value, trailing newline.
  const auto m4 = sched::parse_syslog("<13>1 - - - - - [a b=\"x\\]y\"]\n");
  REQUIRE(m4);
  CHECK(m4->timestamp.empty());
  CHECK(m4->hostname.empty());
  CHECK(m4->structured_data == "[a b=\"x\\]y\"]");
  CHECK(m4->message.empty());
}

TEST_CASE("RFC 3164 messages decode, and vendor headers that are not the RFC's", "[syslog]") {
  const auto bsd = sched::parse_syslog(
      "<34>Oct 11 22:14:15 mymachine su[231]: 'su root' failed for lonvick on /dev/pts/8\r\n");
  REQUIRE(bsd);
  CHECK(bsd->format == SyslogFormat::rfc3164);
  CHECK(bsd->facility == 4);
  CHECK(bsd->severity == 2);
  CHECK(bsd->timestamp == "Oct 11 22:14:15");
  CHECK(bsd->hostname == "mymachine");
  CHECK(bsd->app_name == "su");
  CHECK(bsd->procid == "231");
  CHECK(bsd->message == "su[231]: 'su root' failed for lonvick on /dev/pts/8");

  const auto padded = sched::parse_syslog("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!");
  REQUIRE(padded);
  CHECK(padded->hostname == "10.0.0.99");
  CHECK(padded->message == "Use the BFG!");
  CHECK(padded->app_name.empty());

  // IOS: a sequence number and its own timestamp right after the PRI; all of it is the message.
  const auto ios = sched::parse_syslog(vendor_messages().front().datagram);
  REQUIRE(ios);
  CHECK(ios->format == SyslogFormat::rfc3164);
  CHECK(ios->facility == 23);
  CHECK(ios->severity == 5);
  CHECK(ios->hostname.empty());
  CHECK(ios->message.starts_with("123: *Dec  3"));
}

TEST_CASE("garbage is refused, never a crash", "[syslog]") {
  for (const auto& datagram : garbage()) {
    INFO("datagram: " << datagram);
    CHECK_FALSE(sched::parse_syslog(datagram));
  }
}

TEST_CASE("each vendor's config-change message matches its pattern, others do not", "[syslog]") {
  const sched::ConfigChangeMatcher matcher;
  for (const auto& vendor : vendor_messages()) {
    INFO(vendor.what);
    const auto message = sched::parse_syslog(vendor.datagram);
    REQUIRE(message);
    const auto hit = matcher.match(*message);
    REQUIRE(hit);
    CHECK(*hit == vendor.pattern);
  }
  for (const std::string other : {
           "<187>Dec  3 13:00:00 edge1 %LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
           "<189>Dec  3 13:00:00 mx1 mgd[4321]: UI_COMMIT_PROGRESS: commit in progress",
           "<189>Dec  3 13:00:00 edge1 %SYS-5-CONFIG_INVALID: not a real message",
           "<189>1 2026-12-03T13:00:00Z host app - - - nothing CFGCHANGED here",
       }) {
    INFO(other);
    const auto message = sched::parse_syslog(other);
    REQUIRE(message);
    CHECK_FALSE(matcher.match(*message));
  }
}

TEST_CASE("configured patterns are RE2, and a bad one is named", "[syslog]") {
  const sched::ConfigChangeMatcher matcher(
      {R"(FortiGate.*logdesc="Configuration changed")", R"(^commit: by \w+)"});
  const auto forti = sched::parse_syslog(
      "<189>Dec  3 13:00:00 fw1 FortiGate-60F: logid=\"0100044547\" logdesc=\"Configuration "
      "changed\"");
  REQUIRE(forti);
  CHECK(matcher.match(*forti) == std::optional<std::string_view>("patterns[0]"));
  const auto anchored = sched::parse_syslog("<13>Dec  3 13:00:00 host commit: by alice");
  REQUIRE(anchored);
  CHECK(matcher.match(*anchored) == std::optional<std::string_view>("patterns[1]"));
  try {
    sched::ConfigChangeMatcher broken({"fine", "(unclosed"});
    FAIL("a bad pattern was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("patterns[1]") && Catch::Contains("(unclosed"));
  }
}

TEST_CASE("listen addresses parse with clear errors", "[syslog]") {
  CHECK(sched::parse_listen_address("127.0.0.1:5514").port() == 5514);
  CHECK(sched::parse_listen_address("[::1]:514").address().is_v6());
  CHECK(sched::parse_listen_address("localhost:5514").address().is_loopback());
  for (const std::string bad :
       {"127.0.0.1", "router1:514", "::1:514", "127.0.0.1:99999", "[::1]514", "127.0.0.1:x"}) {
    INFO(bad);
    CHECK_THROWS_WITH(sched::parse_listen_address(bad), Catch::Contains("'" + bad + "'"));
  }
  boost::asio::io_context io;
  CHECK_THROWS_AS(sched::SyslogListener(io, {"127.0.0.1:0", 1s, {"(bad"}}, {}),
                  std::invalid_argument);
  sched::SyslogListener listener(io, {"127.0.0.1:0", 1s, {}}, {});
  CHECK_THROWS_WITH(listener.set_sources({{"core1.example.net", "core1"}}),
                    Catch::Contains("core1.example.net"));
}

TEST_CASE("a port in use is an error naming the address", "[syslog]") {
  boost::asio::io_context io;
  sched::SyslogListener first(io, {"127.0.0.1:0", 1s, {}}, {});
  first.start();
  const std::string taken = "127.0.0.1:" + std::to_string(first.local_endpoint().port());
  sched::SyslogListener second(io, {taken, 1s, {}}, {});
  CHECK_THROWS_WITH(second.start(), Catch::Contains(taken));
}

TEST_CASE("every vendor message over UDP triggers a run of its device", "[syslog]") {
  ListenerRig rig(20ms);
  std::size_t expected = 0;
  for (const auto& vendor : vendor_messages()) {
    INFO(vendor.what);
    rig.sender->send(vendor.datagram);
    ++expected;
    REQUIRE(eventually([&] { return rig.trigger_count() == expected; }));
    const auto trigger = rig.recorded().back();
    CHECK(trigger.device == "core1");
    CHECK(trigger.pattern == vendor.pattern);
    CHECK(trigger.messages == 1);
  }
  const auto stats = rig.listener.stats();
  CHECK(stats.received == vendor_messages().size());
  CHECK(stats.matched == vendor_messages().size());
  CHECK(stats.triggered == vendor_messages().size());
  CHECK(stats.garbage == 0);
  CHECK(stats.unknown_source == 0);
}

TEST_CASE("several messages in the debounce window give one run", "[syslog]") {
  ListenerRig rig(1500ms);
  const auto first = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i)
    rig.sender->send(vendor_messages()[static_cast<std::size_t>(i)].datagram);
  REQUIRE(eventually([&] { return rig.trigger_count() == 1; }));
  CHECK(std::chrono::steady_clock::now() - first >= 1500ms);  // not before the window closed
  const auto trigger = rig.recorded().front();
  CHECK(trigger.messages == 5);
  CHECK(trigger.pattern == "cisco_arista_sys_config");
  auto stats = rig.listener.stats();
  CHECK(stats.matched == 5);
  CHECK(stats.triggered == 1);
  // A message after the window opens the next one.
  rig.sender->send(vendor_messages()[5].datagram);
  REQUIRE(eventually([&] { return rig.trigger_count() == 2; }));
  CHECK(rig.recorded().back().pattern == "junos_commit");
}

TEST_CASE("garbage, unknown sources and other messages are counted and trigger nothing",
          "[syslog]") {
  SECTION("garbage from a known device") {
    ListenerRig rig(10ms);
    for (const auto& datagram : garbage()) {
      if (!datagram.empty()) rig.sender->send(datagram);
    }
    rig.sender->send("<189>Dec  3 13:00:00 edge1 %LINK-3-UPDOWN: Interface Gi0/1, changed");
    const std::size_t sent = garbage().size();  // the empty one is not sent; the link one is
    REQUIRE(eventually([&] { return rig.listener.stats().received == sent; }));
    const auto stats = rig.listener.stats();
    CHECK(stats.garbage == sent - 1);
    CHECK(stats.matched == 0);
    CHECK(stats.unknown_source == 0);
    // The listener still works after all that.
    rig.sender->send(vendor_messages()[0].datagram);
    REQUIRE(eventually([&] { return rig.trigger_count() == 1; }));
  }
  SECTION("a config change from an address of no device") {
    ListenerRig rig(10ms, {}, {{"192.0.2.1", "elsewhere"}});
    rig.sender->send(vendor_messages()[0].datagram);
    rig.sender->send(vendor_messages()[1].datagram);
    REQUIRE(eventually([&] { return rig.listener.stats().unknown_source == 2; }));
    CHECK(rig.listener.stats().matched == 0);
    // The device's address arrives on reload: now it counts.
    rig.listener.set_sources({{"127.0.0.1", "edge1"}});
    rig.sender->send(vendor_messages()[0].datagram);
    REQUIRE(eventually([&] { return rig.trigger_count() == 1; }));
    CHECK(rig.recorded().front().device == "edge1");
  }
}

TEST_CASE("a syslog trigger becomes a scheduler run with reason syslog", "[syslog][schedule]") {
  sched::ScheduleOptions options;
  options.jitter = 0;
  Harness harness(options);
  harness.scheduler().set_devices({{"core1", {}}, {"edge1", {}}});
  sched::SyslogListener listener(
      harness.io(), {"127.0.0.1:0", 1s, {}}, [&](const sched::SyslogTrigger& trigger) {
        harness.scheduler().run_now(trigger.device, sched::JobReason::syslog);
      });
  listener.set_sources({{"127.0.0.1", "edge1"}});
  listener.start();
  Sender sender(listener.local_endpoint());
  sender.send(vendor_messages()[1].datagram);
  sender.send(vendor_messages()[1].datagram);
  REQUIRE(harness.wait_until([&] { return !harness.ends_.empty(); }));
  harness.locked([&] {
    REQUIRE(harness.started_.size() == 1);
    CHECK(harness.started_[0].request.device == "edge1");
    CHECK(harness.started_[0].request.reason == sched::JobReason::syslog);
  });
  listener.stop();
}
