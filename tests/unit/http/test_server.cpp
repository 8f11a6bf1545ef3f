// The HTTP server over real sockets on 127.0.0.1 (ephemeral ports): limits, timeouts, keep-alive,
// handlers off the event loop, and hostile clients that must not hurt the others.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "http/server.hpp"
#include "http_client.hpp"

namespace {

using netaudit::http::HttpServer;
using netaudit::http::Request;
using netaudit::http::Response;
using netaudit::http::ServerOptions;
using netaudit::test::http_get;
using netaudit::test::HttpConnection;

// An io_context on its own thread (the daemon's event loop) and a worker pool for handlers.
class RunningServer {
 public:
  RunningServer(ServerOptions options, netaudit::http::Handler handler) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ =
        std::make_unique<HttpServer>(io_, workers_.get_executor(), options, std::move(handler));
    loop_ = std::thread([this] { io_.run(); });
  }
  ~RunningServer() {
    server_->stop();
    guard_.reset();
    io_.stop();
    loop_.join();
    server_.reset();
    workers_.join();
  }
  std::uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  boost::asio::thread_pool workers_{4};
  std::unique_ptr<HttpServer> server_;
  std::thread loop_;
};

Response echo(const Request& request) {
  std::string body = request.method + " " + request.target;
  if (!request.body.empty()) body += " body=" + request.body;
  if (const auto agent = request.header("x-test"); !agent.empty())
    body += " x-test=" + std::string(agent);
  return Response{200, "text/plain", body, {{"X-Handled", "yes"}}};
}

// Waits for a condition, polling, within a generous bound.
template <class Condition>
bool eventually(Condition condition, std::chrono::seconds bound = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace

TEST_CASE("server: answers requests and keeps the connection alive") {
  RunningServer running({}, echo);
  HttpConnection connection(running.port());
  for (int i = 0; i < 3; ++i) {
    const auto response =
        connection.request("GET", "/x?i=" + std::to_string(i), {{"X-Test", "abc"}});
    CHECK(response.status == 200);
    CHECK(response.body == "GET /x?i=" + std::to_string(i) + " x-test=abc");
    CHECK(response.header("x-handled") == "yes");
    CHECK(response.header("content-type") == "text/plain");
  }
  const auto posted = connection.request("POST", "/p", {}, "hello");
  CHECK(posted.body == "POST /p body=hello");

  // HEAD: the length of the GET body, and no body.
  const auto head = connection.request("HEAD", "/h");
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == std::to_string(std::string("HEAD /h").size()));
  CHECK(head.body.empty());

  // Connection: close is honoured.
  const auto last = connection.request("GET", "/bye", {{"Connection", "close"}});
  CHECK(last.status == 200);
  CHECK(connection.wait_closed());
}

TEST_CASE("server: a 1 MB header is refused with 431 and the connection closed") {
  RunningServer running({}, echo);
  HttpConnection connection(running.port());
  const std::string request =
      "GET / HTTP/1.1\r\nHost: x\r\nX-Flood: " + std::string(1024 * 1024, 'a') + "\r\n\r\n";
  // Written from another thread: the server answers long before the client finishes sending.
  auto writer = std::async(std::launch::async, [&] {
    try {
      connection.send_raw(request);
    } catch (const std::exception&) {
      // the server may close before every byte is written
    }
  });
  const auto response = connection.read_response();
  writer.wait();
  CHECK(response.status == 431);
  CHECK(response.body.find("\"error\"") != std::string::npos);
  CHECK(response.header("connection") == "close");
  CHECK(connection.wait_closed());
  // The server still serves others.
  CHECK(http_get(running.port(), "/after").status == 200);
}

TEST_CASE("server: a body over the limit is 413, a malformed request is 400") {
  ServerOptions options;
  options.max_body_bytes = 1024;
  RunningServer running(options, echo);
  {
    HttpConnection connection(running.port());
    connection.send_raw("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                        std::string(100'000, 'b'));
    const auto response = connection.read_response();
    CHECK(response.status == 413);
    CHECK(connection.wait_closed());
  }
  {
    HttpConnection connection(running.port());
    connection.send_raw("GARBAGE\r\n\r\n");
    const auto response = connection.read_response();
    CHECK(response.status == 400);
    CHECK(response.body.find("malformed HTTP request") != std::string::npos);
    CHECK(connection.wait_closed());
  }
  CHECK(http_get(running.port(), "/fine").status == 200);
}

TEST_CASE("server: a slow client is cut off while other clients get answers") {
  ServerOptions options;
  options.request_timeout = std::chrono::milliseconds(1500);
  RunningServer running(options, echo);

  // A stuck client: half a header, then nothing.
  HttpConnection stuck(running.port());
  stuck.send_raw("GET /stuck HTTP/1.1\r\nHost: x\r\n");

  // A slowloris: one byte every 100 ms of a request that would take ~20 s to send.
  std::atomic<bool> slow_cut{false};
  std::atomic<bool> slow_answered{false};
  auto slowloris = std::async(std::launch::async, [&] {
    HttpConnection slow(running.port());
    const std::string request =
        "GET /slow HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'p') + "\r\n\r\n";
    for (const char byte : request) {
      try {
        slow.send_raw(std::string_view(&byte, 1));
      } catch (const std::exception&) {
        slow_cut = true;  // the server closed the connection
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    try {
      slow.read_response();
      slow_answered = true;
    } catch (const std::exception&) {
      slow_cut = true;
    }
  });

  // Meanwhile others are served, on fresh and on kept-alive connections.
  HttpConnection fast(running.port());
  for (int i = 0; i < 20; ++i) {
    CHECK(fast.request("GET", "/fast").status == 200);
    CHECK(http_get(running.port(), "/fresh").status == 200);
  }
  CHECK(stuck.wait_closed());
  slowloris.wait();
  CHECK(slow_cut);
  CHECK_FALSE(slow_answered);
}

TEST_CASE("server: handlers run on the worker pool, never on the event loop") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocked_entered{false};
  RunningServer running({}, [&](const Request& request) {
    if (request.target == "/block") {
      blocked_entered = true;
      released.wait();  // a handler blocked on a long store read
    }
    return echo(request);
  });
  auto blocked = std::async(std::launch::async, [&] { return http_get(running.port(), "/block"); });
  REQUIRE(eventually([&] { return blocked_entered.load(); }));
  // The loop is free: another request is answered while /block's handler waits.
  CHECK(http_get(running.port(), "/other").body == "GET /other");
  release.set_value();
  CHECK(blocked.get().body == "GET /block");
}

TEST_CASE("server: a handler that throws gives a JSON 500 and the server carries on") {
  RunningServer running({}, [](const Request& request) -> Response {
    if (request.target == "/boom") throw std::runtime_error("store exploded");
    return echo(request);
  });
  const auto response = http_get(running.port(), "/boom");
  CHECK(response.status == 500);
  CHECK(response.body == "{\"error\":\"internal error\"}");  // the message stays in the log
  CHECK(http_get(running.port(), "/ok").status == 200);
}

TEST_CASE("server: connections over the cap get 503 at once, freed slots serve again") {
  ServerOptions options;
  options.max_connections = 2;
  RunningServer running(options, echo);
  auto first = std::make_unique<HttpConnection>(running.port());
  HttpConnection second(running.port());
  CHECK(first->request("GET", "/1").status == 200);
  CHECK(second.request("GET", "/2").status == 200);
  REQUIRE(running.server().open_connections() == 2);

  HttpConnection third(running.port());
  const auto refused = third.read_response();
  CHECK(refused.status == 503);
  CHECK(refused.body.find("too many connections") != std::string::npos);
  CHECK(third.wait_closed());

  first.reset();
  REQUIRE(eventually([&] { return running.server().open_connections() < 2; }));
  CHECK(http_get(running.port(), "/again").status == 200);
}

TEST_CASE("server: stop() closes open connections and refuses new ones") {
  RunningServer running({}, echo);
  HttpConnection idle(running.port());
  CHECK(idle.request("GET", "/x").status == 200);
  running.server().stop();
  CHECK(idle.wait_closed());
  CHECK_THROWS(http_get(running.port(), "/y"));
}

TEST_CASE("server: a port in use is a clear error naming the address") {
  RunningServer running({}, echo);
  boost::asio::io_context io;
  boost::asio::thread_pool pool{1};
  ServerOptions options;
  options.port = running.port();
  CHECK_THROWS_WITH(
      HttpServer(io, pool.get_executor(), options, echo),
      Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(running.port())));
  pool.join();
}
