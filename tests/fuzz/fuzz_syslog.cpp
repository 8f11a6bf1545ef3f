// libFuzzer target: the syslog listener's decoder (parse_syslog) and the config-change matcher,
// fed whole UDP datagrams. Every view must lie inside the datagram, the PRI must decode into
// facility 0..23 and severity 0..7, and the matcher must cope with whatever the decoder passes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.hpp"
#include "schedule/syslog_message.hpp"

namespace {

void check_inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return;
  netaudit::fuzz::check(part.data() >= whole.data() &&
                        part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace netaudit;
  static const schedule::ConfigChangeMatcher matcher({R"(logdesc="Configuration changed")"});
  const std::string_view datagram(reinterpret_cast<const char*>(data), size);
  const auto message = schedule::parse_syslog(datagram);
  if (!message) return 0;
  fuzz::check(message->facility >= 0 && message->facility <= 23);
  fuzz::check(message->severity >= 0 && message->severity <= 7);
  for (std::string_view part :
       {message->timestamp, message->hostname, message->app_name, message->procid, message->msgid,
        message->structured_data, message->message}) {
    check_inside(part, datagram);
  }
  fuzz::check(message->format == schedule::SyslogFormat::rfc5424 || !message->message.empty());
  fuzz::check(message->hostname.size() <= 255 ||
              message->format == schedule::SyslogFormat::rfc3164);
  (void)matcher.match(*message);
  return 0;
}
