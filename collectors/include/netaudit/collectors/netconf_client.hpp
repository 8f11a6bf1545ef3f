// NETCONF client (RFC 6241) over the SSH "netconf" subsystem (RFC 6242): hello, framing chosen
// per RFC 6242 (base:1.1 chunked only if both hellos list it, else base:1.0 "]]>]]>"),
// <get-config>, <close-session/>. Replies are decoded incrementally (no re-scanning), and no
// YANG module is fetched at connect.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/collectors/deadline.hpp"
#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/ssh_session.hpp"

namespace netaudit::collectors {

inline constexpr std::string_view kNetconfBase10 = "urn:ietf:params:netconf:base:1.0";
inline constexpr std::string_view kNetconfBase11 = "urn:ietf:params:netconf:base:1.1";

enum class Framing {
  end_of_message,  // base:1.0, message followed by "]]>]]>"
  chunked,         // base:1.1, "\n#<len>\n<data>" chunks ended by "\n##\n"
};

// Incremental decoder for both framings. feed() appends bytes; next_message() returns each
// complete message once. Work is linear in the input: each byte is scanned a bounded number of
// times, so a 50 MB reply costs O(50 MB). Malformed chunk headers throw
// CollectError(protocol_error) naming the offset and the offending bytes (escaped).
class FramingDecoder {
 public:
  explicit FramingDecoder(Framing framing = Framing::end_of_message,
                          std::size_t max_message_bytes = 64u << 20);
  // Switch framing after the hello (the hello itself is always end-of-message framed).
  void set_framing(Framing framing);
  Framing framing() const { return framing_; }
  void feed(std::string_view bytes);
  std::optional<std::string> next_message();
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  bool decode_end_of_message();
  bool decode_chunked();
  void compact();

  Framing framing_;
  std::size_t max_message_bytes_;
  std::string buffer_;          // undecoded input; [consumed_, size) is live
  std::size_t consumed_ = 0;    // bytes of buffer_ already decoded
  std::size_t scan_from_ = 0;   // EOM: where the "]]>]]>" search resumes (no re-scanning)
  std::string message_;         // chunked: the message being assembled
  std::size_t chunk_left_ = 0;  // chunked: data bytes left in the current chunk
  std::vector<std::string> ready_;
  std::size_t ready_head_ = 0;
};

// Frames one message for sending.
std::string frame_message(std::string_view xml, Framing framing);

// One <rpc-error> of an <rpc-reply>.
struct RpcError {
  std::string type;      // transport|rpc|protocol|application
  std::string tag;       // e.g. invalid-value, operation-not-supported
  std::string severity;  // error|warning
  std::string message;   // <error-message>, trimmed
  std::string path;      // <error-path>, if any
};

// Thrown for an <rpc-error> reply (kind rpc_error); what() is "rpc-error <tag>: <message>".
class NetconfRpcError : public CollectError {
 public:
  explicit NetconfRpcError(std::vector<RpcError> errors);
  const std::vector<RpcError>& errors() const { return errors_; }

 private:
  std::vector<RpcError> errors_;
};

// Parses a server <hello>: capabilities and session-id. Throws protocol_error on bad XML.
struct ServerHello {
  std::vector<std::string> capabilities;
  std::string session_id;
};
ServerHello parse_server_hello(std::string_view xml);

// Extracts the content of <data> from a get-config <rpc-reply> (the serialised child nodes, as
// XML text), or throws NetconfRpcError / protocol_error.
std::string parse_get_config_reply(std::string_view xml);

class NetconfClient {
 public:
  explicit NetconfClient(SshSession& session);
  ~NetconfClient();
  NetconfClient(const NetconfClient&) = delete;
  NetconfClient& operator=(const NetconfClient&) = delete;

  // Opens the "netconf" subsystem and exchanges hellos (we offer base:1.0 and base:1.1).
  void open(Deadline deadline);
  const std::vector<std::string>& server_capabilities() const;
  const std::string& session_id() const;
  Framing framing() const;

  // <get-config><source><DATASTORE/></source>[<filter type="subtree">FILTER</filter>]
  // Returns the content of <data>. The datastore name must be running, candidate or startup.
  std::string get_config(std::string_view datastore, std::string_view subtree_filter,
                         Deadline deadline);
  // Sends <close-session/> and waits (bounded) for <ok/>; harmless if already closed.
  void close(Deadline deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::collectors
