#include "schedule/syslog_listener.hpp"

#include <array>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

#include "schedule/syslog_message.hpp"

namespace netaudit::schedule {

namespace ip = boost::asio::ip;

namespace {

// Same address whether it came as IPv4 or as IPv4-mapped IPv6 on a dual-stack socket.
ip::address canonical(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

ip::udp::endpoint parse_listen_address(std::string_view text) {
  auto bad = [&](const std::string& why) -> ip::udp::endpoint {
    throw std::invalid_argument("syslog listen '" + std::string(text) + "': " + why +
                                " (expected HOST:PORT with HOST an IP address or localhost, e.g. "
                                "0.0.0.0:5514 or [::]:5514)");
  };
  std::string_view host, port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("an IPv6 address must be in brackets and followed by :PORT");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no :PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("put an IPv6 address in brackets");
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  boost::system::error_code parse_error;
  // "localhost" is the one name taken (as 127.0.0.1, like the HTTP listen address); any other
  // host must be a literal address: the listener never resolves names.
  const auto address = host == "localhost" ? ip::address(ip::address_v4::loopback())
                                           : ip::make_address(std::string(host), parse_error);
  if (parse_error) return bad("'" + std::string(host) + "' is not an IP address");
  return ip::udp::endpoint(address, static_cast<unsigned short>(value));
}

struct SyslogListener::Impl : std::enable_shared_from_this<SyslogListener::Impl> {
  Impl(boost::asio::io_context& io_context, SyslogOptions opts, OnTrigger trigger)
      : io(io_context),
        options(std::move(opts)),
        endpoint(parse_listen_address(options.listen)),
        matcher(options.patterns),
        on_trigger(std::move(trigger)),
        socket(io_context) {
    if (options.debounce < std::chrono::milliseconds(0)) {
      throw std::invalid_argument("syslog debounce must not be negative");
    }
  }

  struct Window {
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::string pattern;
    std::size_t messages = 0;
  };

  boost::asio::io_context& io;
  const SyslogOptions options;
  const ip::udp::endpoint endpoint;
  const ConfigChangeMatcher matcher;
  const OnTrigger on_trigger;

  mutable std::mutex mutex;  // guards everything below
  ip::udp::socket socket;
  std::map<ip::address, std::string> sources;
  std::unordered_map<std::string, Window> windows;  // device -> open debounce window
  SyslogStats stats;
  bool running = false;

  // Only the receive chain touches these (one receive in flight at a time).
  std::array<char, 65536> buffer{};
  ip::udp::endpoint sender;

  void receive() {
    socket.async_receive_from(
        boost::asio::buffer(buffer), sender,
        [weak = weak_from_this()](const boost::system::error_code& error, std::size_t size) {
          auto self = weak.lock();
          if (!self) return;
          if (error == boost::asio::error::operation_aborted) return;
          {
            std::lock_guard lock(self->mutex);
            if (!self->running) return;
            // A receive error on UDP (e.g. ICMP unreachable echoes) is not fatal: carry on.
            if (!error) self->handle(std::string_view(self->buffer.data(), size));
          }
          self->receive_again();
        });
  }

  void receive_again() {
    std::lock_guard lock(mutex);
    if (running) receive();
  }

  void handle(std::string_view datagram) {
    ++stats.received;
    const auto message = parse_syslog(datagram);
    if (!message) {
      ++stats.garbage;
      return;
    }
    const auto source = sources.find(canonical(sender.address()));
    if (source == sources.end()) {
      ++stats.unknown_source;
      return;
    }
    const auto pattern = matcher.match(*message);
    if (!pattern) return;
    ++stats.matched;
    const std::string& device = source->second;
    auto [it, opened] = windows.try_emplace(device);
    Window& window = it->second;
    ++window.messages;
    if (!opened) return;  // within the window: this message rides on the run already due
    window.pattern = std::string(*pattern);
    window.timer = std::make_unique<boost::asio::steady_timer>(io, options.debounce);
    window.timer->async_wait(
        [weak = weak_from_this(), device](const boost::system::error_code& error) {
          if (error) return;
          if (auto self = weak.lock()) self->close_window(device);
        });
  }

  void close_window(const std::string& device) {
    SyslogTrigger trigger;
    {
      std::lock_guard lock(mutex);
      auto it = windows.find(device);
      if (it == windows.end() || !running) return;
      trigger.device = device;
      trigger.pattern = std::move(it->second.pattern);
      trigger.messages = it->second.messages;
      windows.erase(it);
      ++stats.triggered;
    }
    if (on_trigger) on_trigger(trigger);
  }

  void close() {
    running = false;
    boost::system::error_code ignored;
    socket.close(ignored);
    for (auto& [device, window] : windows)
      window.timer->cancel();
    windows.clear();
  }
};

SyslogListener::SyslogListener(boost::asio::io_context& io, SyslogOptions options,
                               OnTrigger on_trigger)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(on_trigger))) {}

SyslogListener::~SyslogListener() {
  std::lock_guard lock(impl_->mutex);
  impl_->close();
}

void SyslogListener::set_sources(const std::map<std::string, std::string>& address_to_device) {
  std::map<ip::address, std::string> parsed;
  for (const auto& [address, device] : address_to_device) {
    boost::system::error_code error;
    const auto value = ip::make_address(address, error);
    if (error) {
      throw std::invalid_argument("syslog source '" + address + "' of device '" + device +
                                  "' is not an IP address");
    }
    parsed.emplace(canonical(value), device);
  }
  std::lock_guard lock(impl_->mutex);
  impl_->sources = std::move(parsed);
}

void SyslogListener::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->running) return;
  auto& socket = impl_->socket;
  boost::system::error_code error;
  socket.open(impl_->endpoint.protocol(), error);
  if (!error && impl_->endpoint.address().is_v6()) {
    // [::] also receives IPv4 (as mapped addresses) unless the system forces v6only.
    socket.set_option(ip::v6_only(false), error);
    error = {};
  }
  // No SO_REUSEADDR: on UDP it would let a second daemon bind the same port and split the
  // messages silently; a port in use must be an error.
  if (!error) socket.bind(impl_->endpoint, error);
  if (error) {
    boost::system::error_code ignored;
    socket.close(ignored);
    throw std::system_error(error, "syslog listen " + impl_->options.listen);
  }
  impl_->running = true;
  impl_->receive();
}

void SyslogListener::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->close();
}

ip::udp::endpoint SyslogListener::local_endpoint() const {
  std::lock_guard lock(impl_->mutex);
  boost::system::error_code error;
  auto endpoint = impl_->socket.local_endpoint(error);
  return error ? ip::udp::endpoint{} : endpoint;
}

SyslogStats SyslogListener::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace netaudit::schedule
