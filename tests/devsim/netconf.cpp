#include "netconf.hpp"

#include <charconv>
#include <pugixml.hpp>
#include <string>

namespace devsim {
namespace {

constexpr std::string_view kBase10 = "urn:ietf:params:netconf:base:1.0";
constexpr std::string_view kBase11 = "urn:ietf:params:netconf:base:1.1";
constexpr std::string_view kEom = "]]>]]>";
constexpr std::size_t kChunkSize = 1024;  // small: replies span several chunks

std::string_view local_name(std::string_view name) {
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node first_element(const pugi::xml_node& parent) {
  for (auto child : parent.children()) {
    if (child.type() == pugi::node_element) return child;
  }
  return {};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// The <rpc>'s attributes, repeated on <rpc-reply> as RFC 6241 section 4.2 requires.
std::string reply_open(const pugi::xml_node& rpc) {
  std::string open = "<rpc-reply";
  bool has_default_ns = false;
  for (auto attribute : rpc.attributes()) {
    std::string_view name = attribute.name();
    if (name == "xmlns") has_default_ns = true;
    // Appended piece by piece: GCC 12 -O3 warns (-Wrestrict, a false positive) on the
    // equivalent chain of operator+.
    open.append(" ").append(name).append("=\"").append(xml_escape(attribute.value())).append("\"");
  }
  if (!has_default_ns) open.append(" xmlns=\"").append(kBase10).append("\"");
  return open.append(">");
}

std::string rpc_error(const std::string& open, std::string_view type, std::string_view tag,
                      std::string_view message) {
  return open + "<rpc-error><error-type>" + std::string(type) + "</error-type><error-tag>" +
         std::string(tag) +
         "</error-tag><error-severity>error</error-severity><error-message xml:lang=\"en\">" +
         xml_escape(message) + "</error-message></rpc-error></rpc-reply>";
}

bool is_write_operation(std::string_view op) {
  static constexpr std::string_view kWrites[] = {"edit-config", "copy-config",     "delete-config",
                                                 "commit",      "discard-changes", "cancel-commit",
                                                 "lock",        "unlock",          "kill-session"};
  for (auto write : kWrites) {
    if (op == write) return true;
  }
  return false;
}

}  // namespace

NetconfSession::NetconfSession(const Device& device, Terminal& terminal, AuditLog& audit,
                               unsigned session_id)
    : device_(device), terminal_(terminal), audit_(audit), session_id_(session_id) {}

void NetconfSession::start() {
  if (device_.fault == Fault::hang_after_login) return;
  std::string hello = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hello xmlns=\"" +
                      std::string(kBase10) + "\">\n  <capabilities>\n    <capability>" +
                      std::string(kBase10) + "</capability>\n";
  if (device_.netconf_base11) {
    hello += "    <capability>" + std::string(kBase11) + "</capability>\n";
  }
  hello +=
      "    <capability>urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&amp;"
      "revision=2018-02-20</capability>\n  </capabilities>\n  <session-id>" +
      std::to_string(session_id_) + "</session-id>\n</hello>\n";
  terminal_.write(hello + std::string(kEom));
}

void NetconfSession::close(std::string_view /*why*/) {
  done_ = true;
  terminal_.end_session(0);
}

void NetconfSession::feed(std::string_view bytes) {
  if (done_ || device_.fault == Fault::hang_after_login) return;
  buffer_.append(bytes);
  while (!done_) {
    std::string message;
    const bool complete =
        chunked_ ? extract_chunked_message(message) : extract_eom_message(message);
    if (done_) return;
    if (!complete) break;
    handle_message(message);
  }
  if (!done_ && buffer_.size() + message_.size() > kMaxMessageBytes) close("message too large");
}

bool NetconfSession::extract_eom_message(std::string& message) {
  auto end = buffer_.find(kEom);
  if (end == std::string::npos) return false;
  message = buffer_.substr(0, end);
  buffer_.erase(0, end + kEom.size());
  return true;
}

bool NetconfSession::extract_chunked_message(std::string& message) {
  // RFC 6242 4.2: chunk = "\n#" size "\n" data; end-of-chunks = "\n##\n".
  while (true) {
    if (buffer_.size() < 3) return false;
    if (buffer_[0] != '\n' || buffer_[1] != '#') {
      close("bad chunk header");
      return false;
    }
    if (buffer_[2] == '#') {
      if (buffer_.size() < 4) return false;
      if (buffer_[3] != '\n') {
        close("bad end-of-chunks");
        return false;
      }
      buffer_.erase(0, 4);
      message = std::move(message_);
      message_.clear();
      return true;
    }
    auto newline = buffer_.find('\n', 2);
    if (newline == std::string::npos) {
      if (buffer_.size() > 13) close("chunk size too long");
      return false;
    }
    std::size_t size = 0;
    const char* first = buffer_.data() + 2;
    const char* last = buffer_.data() + newline;
    auto [ptr, ec] = std::from_chars(first, last, size);
    if (ec != std::errc() || ptr != last || size == 0 || *first == '0' || newline - 2 > 10) {
      close("bad chunk size");
      return false;
    }
    if (size > kMaxMessageBytes) {
      close("chunk too large");
      return false;
    }
    if (buffer_.size() < newline + 1 + size) return false;
    message_.append(buffer_, newline + 1, size);
    buffer_.erase(0, newline + 1 + size);
  }
}

void NetconfSession::send(std::string_view xml) {
  if (!chunked_) {
    terminal_.write(std::string(xml) + std::string(kEom));
    return;
  }
  std::string framed;
  framed.reserve(xml.size() + xml.size() / kChunkSize * 8 + 16);
  for (std::size_t pos = 0; pos < xml.size(); pos += kChunkSize) {
    const auto piece = xml.substr(pos, kChunkSize);
    framed += "\n#" + std::to_string(piece.size()) + "\n";
    framed.append(piece);
  }
  framed += "\n##\n";
  terminal_.write(framed);
}

void NetconfSession::handle_message(std::string_view xml) {
  if (!hello_received_) {
    handle_hello(xml);
  } else {
    handle_rpc(xml);
  }
}

void NetconfSession::handle_hello(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return close("client hello is not XML");
  auto hello = first_element(doc);
  if (local_name(hello.name()) != "hello") return close("first message is not a hello");
  bool base10 = false;
  bool base11 = false;
  for (auto caps : hello.children()) {
    if (local_name(caps.name()) != "capabilities") continue;
    for (auto cap : caps.children()) {
      std::string_view uri = cap.text().get();
      base10 = base10 || uri == kBase10;
      base11 = base11 || uri == kBase11;
    }
  }
  if (!base10 && !base11) return close("no common base capability");
  hello_received_ = true;
  chunked_ = base11 && device_.netconf_base11;
}

void NetconfSession::handle_rpc(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    send(rpc_error("<rpc-reply xmlns=\"" + std::string(kBase10) + "\">", "rpc", "malformed-message",
                   "the message is not well-formed XML"));
    return;
  }
  auto rpc = first_element(doc);
  const auto open = reply_open(rpc);
  if (local_name(rpc.name()) != "rpc") {
    send(rpc_error(open, "rpc", "malformed-message", "expected <rpc>"));
    return;
  }
  auto operation = first_element(rpc);
  const std::string op(local_name(operation.name()));
  if (device_.latency_ms > 0) {
    terminal_.pause_ms(device_.latency_ms);
    audit_.latency_injected(device_.latency_ms);
  }
  if (op == "close-session") {
    send(open + "<ok/></rpc-reply>");
    return close("close-session");
  }
  if (op == "get-config" || op == "get") {
    if (op == "get-config") {
      pugi::xml_node source_parent;
      for (auto child : operation.children()) {
        if (local_name(child.name()) == "source") source_parent = child;
      }
      auto source = first_element(source_parent);
      if (!source || local_name(source.name()) != "running") {
        send(rpc_error(open, "protocol", "invalid-value",
                       "only the running datastore exists on this device"));
        return;
      }
    }
    const std::string reply = open + "<data>" + *device_.netconf_config + "</data></rpc-reply>";
    if (device_.fault == Fault::netconf_bad_chunk && chunked_) {
      terminal_.write("\n#4x2\n" + reply + "\n##\n");
      return;
    }
    if (device_.fault == Fault::disconnect_mid_transfer) {
      const std::string header = chunked_ ? "\n#" + std::to_string(reply.size()) + "\n" : "";
      terminal_.write(header + reply.substr(0, reply.size() / 2));
      done_ = true;
      terminal_.drop_connection();
      return;
    }
    send(reply);
    return;
  }
  if (is_write_operation(op)) {
    audit_.refused(device_.name, "netconf", op);
    send(rpc_error(open, "protocol", "access-denied", "devsim is read-only: " + op + " refused"));
    return;
  }
  send(rpc_error(open, "protocol", "operation-not-supported",
                 "operation '" + op + "' is not supported"));
}

}  // namespace devsim
