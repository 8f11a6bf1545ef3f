// Change-triggered runs: a UDP syslog listener (off unless given an address). A message from a
// known device's address that says its configuration changed (ConfigChangeMatcher) triggers
// one run of that device, debounced: the first such message opens a window of `debounce`,
// and when it closes the trigger fires once, however many messages came in it.
//
// Runs on the daemon's io_context and never blocks it. Every public member may be called from
// any thread; on_trigger is called on the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit::schedule {

struct SyslogOptions {
  std::string listen;  // "HOST:PORT", e.g. "0.0.0.0:5514", "[::]:514", "127.0.0.1:0" (any port)
  std::chrono::milliseconds debounce = std::chrono::seconds(30);
  std::vector<std::string> patterns;  // extra RE2 patterns, besides the built-in ones
};

// Counters since start (netaudit_syslog_messages_total{result} and friends). Each datagram
// counts in `received` and in at most one of garbage / unknown_source / matched (a message
// from a known device that says nothing about its config counts in none of them).
struct SyslogStats {
  std::uint64_t received = 0;
  std::uint64_t garbage = 0;         // not a syslog message: counted and ignored
  std::uint64_t unknown_source = 0;  // a syslog message from an address of no device
  std::uint64_t matched = 0;         // a known device's config-change message
  std::uint64_t triggered = 0;       // runs asked for (debounced: <= matched)
};

struct SyslogTrigger {
  std::string device;
  std::string pattern;       // the name of the pattern that matched the window's first message
  std::size_t messages = 0;  // config-change messages in the window
};

// Parses "HOST:PORT" ("[v6]:PORT" for IPv6; HOST a literal address or localhost). Throws
// std::invalid_argument quoting the text.
boost::asio::ip::udp::endpoint parse_listen_address(std::string_view text);

class SyslogListener {
 public:
  using OnTrigger = std::function<void(const SyslogTrigger&)>;

  // Throws std::invalid_argument for a bad listen address, debounce or pattern.
  SyslogListener(boost::asio::io_context& io, SyslogOptions options, OnTrigger on_trigger);
  ~SyslogListener();  // closes the socket; pending windows never fire
  SyslogListener(const SyslogListener&) = delete;
  SyslogListener& operator=(const SyslogListener&) = delete;

  // Source address (a literal IPv4 or IPv6 address) -> device name; replaced as a whole (on
  // reload). Throws std::invalid_argument naming the entry for an address that is not literal.
  void set_sources(const std::map<std::string, std::string>& address_to_device);

  // Binds and starts receiving. Throws std::system_error naming the address when it cannot.
  void start();
  void stop();  // closes the socket; pending windows are dropped

  boost::asio::ip::udp::endpoint local_endpoint() const;  // after start(): the bound port
  SyslogStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace netaudit::schedule
