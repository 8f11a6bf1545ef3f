// One simulated NETCONF session (RFC 6241 over the SSH "netconf" subsystem, RFC 6242 framing):
// hello exchange, base:1.0 end-of-message or base:1.1 chunked framing, get-config/get of the
// device's XML, close-session, rpc-error for everything else (writes are refused and audited).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lab.hpp"
#include "terminal.hpp"

namespace devsim {

class NetconfSession {
 public:
  NetconfSession(const Device& device, Terminal& terminal, AuditLog& audit, unsigned session_id);

  void start();  // sends the server's hello
  void feed(std::string_view bytes);
  bool done() const { return done_; }

  static constexpr std::size_t kMaxMessageBytes = 8u << 20;  // bounded memory per session

 private:
  void handle_message(std::string_view xml);
  void handle_hello(std::string_view xml);
  void handle_rpc(std::string_view xml);
  void send(std::string_view xml);
  void close(std::string_view why);
  bool extract_eom_message(std::string& message);
  bool extract_chunked_message(std::string& message);

  const Device& device_;
  Terminal& terminal_;
  AuditLog& audit_;
  unsigned session_id_;
  bool hello_received_ = false;
  bool chunked_ = false;
  bool done_ = false;
  std::string buffer_;   // raw bytes not yet framed
  std::string message_;  // chunked: the data of the message being assembled
};

}  // namespace devsim
