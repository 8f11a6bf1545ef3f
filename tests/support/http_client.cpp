#include "http_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace netaudit::test {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

struct HttpConnection::Impl {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  std::uint16_t port = 0;
};

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
  // Blocking reads and writes give up after the timeout (SO_RCVTIMEO / SO_SNDTIMEO).
  timeval limit{};
  limit.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  limit.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  const int fd = impl_->socket.native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::send_raw(std::string_view bytes) {
  boost::system::error_code error;
  asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()), error);
  if (error) throw std::runtime_error("send failed: " + error.message());
}

HttpResponse HttpConnection::read_response(bool head) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  parser.skip(head);
  boost::system::error_code error;
  bhttp::read(impl_->socket, impl_->buffer, parser, error);
  if (error) throw std::runtime_error("reading the response failed: " + error.message());
  HttpResponse response;
  const auto& message = parser.get();
  response.status = message.result_int();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers[name] = std::string(field.value());
  }
  response.body = message.body();
  return response;
}

HttpResponse HttpConnection::request(std::string_view method, std::string_view target,
                                     const HttpHeaders& headers, std::string_view body) {
  std::string text = std::string(method) + " " + std::string(target) +
                     " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(impl_->port) + "\r\n";
  for (const auto& [name, value] : headers)
    text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST")
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  text += "\r\n";
  text += body;
  send_raw(text);
  return read_response(method == "HEAD");
}

bool HttpConnection::wait_closed() {
  if (impl_->buffer.size() > 0) return false;
  char byte = 0;
  boost::system::error_code error;
  const std::size_t got = impl_->socket.read_some(asio::buffer(&byte, 1), error);
  if (got > 0) return false;
  return error == asio::error::eof || error == asio::error::connection_reset;
}

HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          const HttpHeaders& headers, std::string_view body) {
  HttpConnection connection(port);
  return connection.request(method, target, headers, body);
}

}  // namespace netaudit::test
