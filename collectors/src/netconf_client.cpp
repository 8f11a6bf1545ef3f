// NETCONF over SSH: RFC 6242 framing (incremental decoder) and RFC 6241 get-config.
#include "netaudit/collectors/netconf_client.hpp"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

#include "printable.hpp"

namespace netaudit::collectors {
namespace {

constexpr std::string_view kEndOfMessage = "]]>]]>";
constexpr std::string_view kNetconfNamespace = "urn:ietf:params:xml:ns:netconf:base:1.0";

std::string_view local_name(const char* name) {
  std::string_view text(name);
  const std::size_t colon = text.find(':');
  return colon == std::string_view::npos ? text : text.substr(colon + 1);
}

pugi::xml_node child_named(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node child : parent.children())
    if (child.type() == pugi::node_element && local_name(child.name()) == name) return child;
  return {};
}

std::string trimmed_text(pugi::xml_node node) {
  std::string text = node.child_value();
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

pugi::xml_document parse_xml(std::string_view xml, std::string_view what) {
  pugi::xml_document doc;
  const pugi::xml_parse_result result =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!result)
    throw CollectError(ErrorKind::protocol_error, "malformed XML in NETCONF " + std::string(what) +
                                                      ": " + result.description() + " at offset " +
                                                      std::to_string(result.offset));
  return doc;
}

std::string rpc_error_text(const std::vector<RpcError>& errors) {
  std::string text = "rpc-error";
  for (const RpcError& error : errors) {
    text += " " + error.tag;
    if (!error.message.empty()) text += ": " + error.message;
    if (!error.path.empty()) text += " (path " + error.path + ")";
    if (&error != &errors.back()) text += ";";
  }
  return text;
}

}  // namespace

// ---------------------------------------------------------------- framing

FramingDecoder::FramingDecoder(Framing framing, std::size_t max_message_bytes)
    : framing_(framing), max_message_bytes_(max_message_bytes) {}

void FramingDecoder::set_framing(Framing framing) {
  framing_ = framing;
  scan_from_ = consumed_;
}

void FramingDecoder::feed(std::string_view bytes) {
  buffer_.append(bytes);
  while (framing_ == Framing::end_of_message ? decode_end_of_message() : decode_chunked()) {
  }
  compact();
}

std::optional<std::string> FramingDecoder::next_message() {
  if (ready_head_ >= ready_.size()) return std::nullopt;
  std::string message = std::move(ready_[ready_head_++]);
  if (ready_head_ == ready_.size()) {
    ready_.clear();
    ready_head_ = 0;
  }
  return message;
}

void FramingDecoder::compact() {
  // Drop decoded bytes once they are the larger part: amortised O(1) per byte.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    scan_from_ -= std::min(scan_from_, consumed_);
    consumed_ = 0;
  }
}

bool FramingDecoder::decode_end_of_message() {
  const std::size_t from = std::max(scan_from_, consumed_);
  const std::size_t at = buffer_.find(kEndOfMessage, from);
  if (at == std::string::npos) {
    // Resume just before the end, in case the delimiter is split across reads.
    scan_from_ = buffer_.size() >= kEndOfMessage.size() - 1
                     ? std::max(consumed_, buffer_.size() - (kEndOfMessage.size() - 1))
                     : consumed_;
    if (buffer_.size() - consumed_ > max_message_bytes_)
      throw CollectError(ErrorKind::output_too_large,
                         "NETCONF message exceeds " + std::to_string(max_message_bytes_) +
                             " bytes without an end-of-message marker");
    return false;
  }
  ready_.emplace_back(buffer_, consumed_, at - consumed_);
  consumed_ = at + kEndOfMessage.size();
  scan_from_ = consumed_;
  return true;
}

bool FramingDecoder::decode_chunked() {
  if (chunk_left_ > 0) {
    const std::size_t take = std::min(chunk_left_, buffer_.size() - consumed_);
    if (take == 0) return false;
    message_.append(buffer_, consumed_, take);
    consumed_ += take;
    chunk_left_ -= take;
    return true;
  }
  // A chunk header "\n#<size>\n" or the end of chunks "\n##\n".
  const std::string_view pending(buffer_.data() + consumed_, buffer_.size() - consumed_);
  if (pending.size() < 3) return false;
  const auto malformed = [&](std::string_view why) {
    return CollectError(ErrorKind::protocol_error, "malformed NETCONF chunk header (" +
                                                       std::string(why) + ") at message byte " +
                                                       std::to_string(message_.size()) + ": '" +
                                                       printable_excerpt(pending, 16) + "'");
  };
  if (pending[0] != '\n' || pending[1] != '#') throw malformed("expected LF '#'");
  if (pending[2] == '#') {
    if (pending.size() < 4) return false;
    if (pending[3] != '\n') throw malformed("expected LF after '##'");
    if (message_.empty()) throw malformed("end of chunks before any chunk");
    ready_.push_back(std::move(message_));
    message_.clear();
    consumed_ += 4;
    return true;
  }
  std::size_t i = 2;
  std::uint64_t size = 0;
  while (i < pending.size() && pending[i] >= '0' && pending[i] <= '9') {
    if (i == 2 && pending[i] == '0') throw malformed("chunk size starts with 0");
    size = size * 10 + static_cast<std::uint64_t>(pending[i] - '0');
    if (i - 2 >= 10 || size > 4294967295ULL) throw malformed("chunk size too large");
    ++i;
  }
  if (i == pending.size()) return false;  // header not complete yet
  if (i == 2) throw malformed("no chunk size");
  if (pending[i] != '\n') throw malformed("expected LF after chunk size");
  if (message_.size() + size > max_message_bytes_)
    throw CollectError(ErrorKind::output_too_large,
                       "NETCONF message exceeds " + std::to_string(max_message_bytes_) + " bytes");
  consumed_ += i + 1;
  chunk_left_ = static_cast<std::size_t>(size);
  return true;
}

std::string frame_message(std::string_view xml, Framing framing) {
  if (framing == Framing::end_of_message) return std::string(xml) + std::string(kEndOfMessage);
  return "\n#" + std::to_string(xml.size()) + "\n" + std::string(xml) + "\n##\n";
}

// ---------------------------------------------------------------- replies

NetconfRpcError::NetconfRpcError(std::vector<RpcError> errors)
    : CollectError(ErrorKind::rpc_error, rpc_error_text(errors)), errors_(std::move(errors)) {}

ServerHello parse_server_hello(std::string_view xml) {
  const pugi::xml_document doc = parse_xml(xml, "hello");
  const pugi::xml_node hello = doc.document_element();
  if (local_name(hello.name()) != "hello")
    throw CollectError(ErrorKind::protocol_error,
                       "expected a NETCONF <hello>, got <" + std::string(hello.name()) + ">");
  ServerHello result;
  for (pugi::xml_node capability : child_named(hello, "capabilities").children()) {
    if (capability.type() == pugi::node_element && local_name(capability.name()) == "capability")
      result.capabilities.push_back(trimmed_text(capability));
  }
  result.session_id = trimmed_text(child_named(hello, "session-id"));
  return result;
}

namespace {

void throw_on_rpc_errors(pugi::xml_node reply) {
  std::vector<RpcError> errors;
  bool fatal = false;
  for (pugi::xml_node node : reply.children()) {
    if (node.type() != pugi::node_element || local_name(node.name()) != "rpc-error") continue;
    RpcError error;
    error.type = trimmed_text(child_named(node, "error-type"));
    error.tag = trimmed_text(child_named(node, "error-tag"));
    error.severity = trimmed_text(child_named(node, "error-severity"));
    error.message = trimmed_text(child_named(node, "error-message"));
    error.path = trimmed_text(child_named(node, "error-path"));
    if (error.severity != "warning") fatal = true;
    errors.push_back(std::move(error));
  }
  if (fatal) throw NetconfRpcError(std::move(errors));
}

pugi::xml_node reply_element(const pugi::xml_document& doc) {
  const pugi::xml_node reply = doc.document_element();
  if (local_name(reply.name()) != "rpc-reply")
    throw CollectError(ErrorKind::protocol_error,
                       "expected <rpc-reply>, got <" + std::string(reply.name()) + ">");
  return reply;
}

}  // namespace

std::string parse_get_config_reply(std::string_view xml) {
  const pugi::xml_document doc = parse_xml(xml, "rpc-reply");
  const pugi::xml_node reply = reply_element(doc);
  throw_on_rpc_errors(reply);
  const pugi::xml_node data = child_named(reply, "data");
  if (!data)
    throw CollectError(ErrorKind::protocol_error, "get-config reply has no <data> element");
  std::ostringstream out;
  for (pugi::xml_node child : data.children()) {
    if (child.type() != pugi::node_element) continue;
    child.print(out, "  ", pugi::format_indent, pugi::encoding_utf8);
  }
  return out.str();
}

// ---------------------------------------------------------------- client

struct NetconfClient::Impl {
  SshSession& session;
  std::optional<SshChannel> channel;
  FramingDecoder decoder;
  ServerHello hello;
  unsigned long next_message_id = 1;

  explicit Impl(SshSession& s)
      : session(s), decoder(Framing::end_of_message, s.options().max_output_bytes) {}

  std::string where() const {
    const DeviceTarget& t = session.target();
    return t.display_name() + " (" + t.host + ":" + std::to_string(t.port) + ")";
  }

  std::string read_message(Deadline deadline, std::string_view waiting_for) {
    std::string chunk;
    for (;;) {
      if (std::optional<std::string> message = decoder.next_message()) return std::move(*message);
      chunk.clear();
      std::size_t got = 0;
      try {
        got = channel->read_some(chunk, deadline);
      } catch (const CollectError& error) {
        if (error.kind() != ErrorKind::timeout) throw;
        throw CollectError(ErrorKind::timeout, where() + ": timed out waiting for the NETCONF " +
                                                   std::string(waiting_for));
      }
      if (got == 0)
        throw CollectError(ErrorKind::disconnected, where() +
                                                        ": NETCONF session closed before the " +
                                                        std::string(waiting_for) + " was complete");
      try {
        decoder.feed(chunk);
      } catch (const CollectError& error) {
        throw CollectError(error.kind(), where() + ": " + error.what());
      }
    }
  }

  void send(std::string_view xml, Deadline deadline) {
    channel->write(frame_message(xml, decoder.framing()), deadline);
  }
};

NetconfClient::NetconfClient(SshSession& session) : impl_(std::make_unique<Impl>(session)) {}

NetconfClient::~NetconfClient() = default;

void NetconfClient::open(Deadline deadline) {
  impl_->channel.emplace(impl_->session.open_subsystem("netconf", deadline));
  const std::string our_hello = std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                                            R"(<hello xmlns=")") +
                                std::string(kNetconfNamespace) + R"("><capabilities><capability>)" +
                                std::string(kNetconfBase10) + "</capability><capability>" +
                                std::string(kNetconfBase11) +
                                "</capability></capabilities></hello>";
  impl_->send(our_hello, deadline);
  const std::string reply = impl_->read_message(deadline, "hello");
  try {
    impl_->hello = parse_server_hello(reply);
  } catch (const CollectError& error) {
    throw CollectError(error.kind(), impl_->where() + ": " + error.what());
  }
  const auto has = [&](std::string_view capability) {
    return std::find(impl_->hello.capabilities.begin(), impl_->hello.capabilities.end(),
                     capability) != impl_->hello.capabilities.end();
  };
  if (!has(kNetconfBase10) && !has(kNetconfBase11))
    throw CollectError(ErrorKind::protocol_error,
                       impl_->where() + ": server hello lists neither base:1.0 nor base:1.1");
  // RFC 6242 section 4.1: chunked framing only when both peers advertise base:1.1.
  if (has(kNetconfBase11)) impl_->decoder.set_framing(Framing::chunked);
}

const std::vector<std::string>& NetconfClient::server_capabilities() const {
  return impl_->hello.capabilities;
}
const std::string& NetconfClient::session_id() const {
  return impl_->hello.session_id;
}
Framing NetconfClient::framing() const {
  return impl_->decoder.framing();
}

std::string NetconfClient::get_config(std::string_view datastore, std::string_view subtree_filter,
                                      Deadline deadline) {
  if (datastore != "running" && datastore != "candidate" && datastore != "startup")
    throw CollectError(ErrorKind::invalid_target,
                       "unknown NETCONF datastore '" + std::string(datastore) + "'");
  if (!impl_->channel) open(deadline);
  const std::string id = std::to_string(impl_->next_message_id++);
  std::string rpc = R"(<?xml version="1.0" encoding="UTF-8"?><rpc message-id=")" + id +
                    R"(" xmlns=")" + std::string(kNetconfNamespace) + R"("><get-config><source><)" +
                    std::string(datastore) + "/></source>";
  if (!subtree_filter.empty())
    rpc += R"(<filter type="subtree">)" + std::string(subtree_filter) + "</filter>";
  rpc += "</get-config></rpc>";
  impl_->send(rpc, deadline);
  const std::string reply = impl_->read_message(deadline, "get-config reply");
  try {
    return parse_get_config_reply(reply);
  } catch (const NetconfRpcError& error) {
    throw NetconfRpcError(error.errors());
  } catch (const CollectError& error) {
    throw CollectError(error.kind(), impl_->where() + ": " + error.what());
  }
}

void NetconfClient::close(Deadline deadline) {
  if (!impl_->channel) return;
  try {
    const std::string id = std::to_string(impl_->next_message_id++);
    impl_->send(R"(<?xml version="1.0" encoding="UTF-8"?><rpc message-id=")" + id + R"(" xmlns=")" +
                    std::string(kNetconfNamespace) + R"("><close-session/></rpc>)",
                deadline);
    impl_->read_message(deadline, "close-session reply");
    impl_->channel->send_eof();
  } catch (const CollectError&) {
    // The config is already in hand; a server that drops the session here loses nothing.
  }
  impl_->channel.reset();
}

}  // namespace netaudit::collectors
