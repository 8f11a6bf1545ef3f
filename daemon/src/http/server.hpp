// The daemon's HTTP/1.1 server (Boost.Beast), asynchronous on the caller's io_context: the event
// loop never blocks. Requests are read with hard limits (header and body size, a deadline per
// request against slow clients, a cap on connections) and handed to a Handler that runs on the
// caller's worker executor, because handlers may block (they read the SQLite store); the
// response is posted back to the connection. One slow or hostile client never holds up another.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netaudit::http {

struct Request {
  std::string method;  // as sent: "GET", "POST", ...
  std::string target;  // as sent: "/api/v1/findings?severity=high"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;  // "127.0.0.1"

  // The first header of that (lower-case) name; empty when absent.
  std::string_view header(std::string_view lower_case_name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Allow, WWW-Authenticate)
};

// Runs on the worker executor; may block. An exception becomes a 500 (its message is logged,
// not sent). Must be safe to call from several worker threads at once.
using Handler = std::function<Response(const Request&)>;

struct TlsFiles {
  std::filesystem::path certificate_chain;  // PEM
  std::filesystem::path private_key;        // PEM
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9870;                // 0: an ephemeral port (see HttpServer::port())
  std::size_t max_header_bytes = 8 * 1024;  // request line + headers; more: 431, closed
  std::size_t max_body_bytes = 64 * 1024;   // more: 413, closed
  // From the first byte of a request to its last: a client trickling bytes is cut off.
  std::chrono::milliseconds request_timeout{10'000};
  // A kept-alive connection with no new request for this long is closed.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // Connections beyond this get a 503 and are closed at once.
  std::size_t max_connections = 256;
  std::optional<TlsFiles> tls;  // HTTPS when set
};

class HttpServer {
 public:
  // Binds and listens at once (throws std::runtime_error naming the address when it cannot, or
  // when the TLS files cannot be loaded); accepts once the io_context runs.
  HttpServer(boost::asio::io_context& io, boost::asio::any_io_executor worker,
             ServerOptions options, Handler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;  // the bound port
  std::size_t open_connections() const;
  // Stops accepting, closes every connection, and waits for handlers already running on the
  // worker executor to return (so whatever the Handler refers to may be destroyed after).
  // Handlers not yet started are never called. Idempotent; callable from any thread.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace netaudit::http
