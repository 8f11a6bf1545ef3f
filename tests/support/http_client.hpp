// A small blocking HTTP/1.1 client for tests (127.0.0.1 only): one kept-alive connection that
// can also send raw bytes, to play slow, oversized or hostile clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netaudit::test {

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_case_name) const {
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpConnection {
 public:
  // Connects to 127.0.0.1:port; every later read or write fails after `timeout`.
  explicit HttpConnection(std::uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends a request (Host set, Content-Length when there is a body) and reads its response.
  // Throws std::runtime_error when the connection fails or closes first.
  HttpResponse request(std::string_view method, std::string_view target,
                       const HttpHeaders& headers = {}, std::string_view body = {});
  void send_raw(std::string_view bytes);  // throws when the peer is gone
  HttpResponse read_response(bool head = false);
  // Waits (up to the timeout) for the server to close: true on EOF or reset, false when data
  // arrived instead or the wait timed out.
  bool wait_closed();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          const HttpHeaders& headers = {}, std::string_view body = {});
inline HttpResponse http_get(std::uint16_t port, std::string_view target,
                             const HttpHeaders& headers = {}) {
  return http_request(port, "GET", target, headers);
}

}  // namespace netaudit::test
