#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace netaudit::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Bytes a closing connection may still read and discard (see Session::linger).
constexpr std::size_t kMaxDrainBytes = 4 * 1024 * 1024;
constexpr std::chrono::seconds kLingerTimeout{2};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string error_json(std::string_view message) {
  std::string out = "{\"error\":\"";
  for (const char c : message) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
  }
  out += "\"}";
  return out;
}

}  // namespace

std::string_view Request::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_case_name) return value;
  return {};
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_from_any_thread() = 0;
};

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  State(asio::io_context& io_context, asio::any_io_executor worker_executor, ServerOptions opts,
        Handler request_handler)
      : io(io_context),
        worker(std::move(worker_executor)),
        options(std::move(opts)),
        handler(std::move(request_handler)),
        acceptor(asio::make_strand(io_context)),
        retry_timer(acceptor.get_executor()) {}

  void accept();
  void on_accept(boost::system::error_code error, tcp::socket socket);
  void reject_busy(tcp::socket& socket);

  // Calls the handler unless the server is stopping; counts calls in flight for stop().
  std::optional<Response> run_handler(const Request& request) {
    {
      std::lock_guard lock(handler_mutex);
      if (stopping) return std::nullopt;
      ++handlers_running;
    }
    Response response;
    try {
      response = handler(request);
    } catch (const std::exception& error) {
      spdlog::error("http: {} {} failed: {}", request.method, request.target, error.what());
      response = Response{500, "application/json", error_json("internal error"), {}};
    }
    std::lock_guard lock(handler_mutex);
    --handlers_running;
    handlers_done.notify_all();
    return response;
  }

  std::uint64_t add_session(std::weak_ptr<SessionBase> session) {
    std::lock_guard lock(sessions_mutex);
    const std::uint64_t id = next_session_id++;
    sessions.emplace(id, std::move(session));
    return id;
  }
  void remove_session(std::uint64_t id) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(id);
  }

  asio::io_context& io;
  asio::any_io_executor worker;
  ServerOptions options;
  Handler handler;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;  // after accept errors such as EMFILE
  std::uint16_t bound_port = 0;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stop_requested{false};

  std::mutex handler_mutex;
  std::condition_variable handlers_done;
  bool stopping = false;  // guarded by handler_mutex
  std::size_t handlers_running = 0;

  std::mutex sessions_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::uint64_t next_session_id = 1;
};

namespace {

// One connection. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>; every
// member is touched only on the connection's strand.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(std::shared_ptr<HttpServer::State> state, std::string remote, StreamArgs&&... args)
      : state_(std::move(state)),
        remote_(std::move(remote)),
        stream_(std::forward<StreamArgs>(args)...) {
    ++state_->connections;
  }
  ~Session() override {
    --state_->connections;
    state_->remove_session(id_);
  }

  void start(std::uint64_t id) {
    id_ = id;
    if constexpr (kTls) {
      lowest().expires_after(state_->options.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](
                                                                  boost::system::error_code error) {
        if (error) {
          spdlog::debug("http: TLS handshake from {} failed: {}", self->remote_, error.message());
          return self->close();
        }
        self->wait_for_request(true);
      });
    } else {
      wait_for_request(true);
    }
  }

  void close_from_any_thread() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // Waits for the first byte of the next request (idle timeout on a kept-alive connection),
  // then reads the whole request under the request timeout.
  void wait_for_request(bool first) {
    if (state_->stop_requested) return close();
    if (buffer_.size() > 0) return read_request(true);
    lowest().expires_after(first ? state_->options.request_timeout : state_->options.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(1024), [self = this->shared_from_this(), first](
                                   boost::system::error_code error, std::size_t bytes) {
          if (error) return self->close();  // idle timeout, or the client went away
          self->buffer_.commit(bytes);
          self->read_request(!first);  // the first request's deadline already runs
        });
  }

  void read_request(bool arm_deadline) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(state_->options.max_body_bytes);
    if (arm_deadline) lowest().expires_after(state_->options.request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](boost::system::error_code error,
                                                        std::size_t) { self->on_read(error); });
  }

  void on_read(boost::system::error_code error) {
    if (error == bhttp::error::header_limit) {
      return respond_and_close(431, "request header larger than " +
                                        std::to_string(state_->options.max_header_bytes) +
                                        " bytes");
    }
    if (error == bhttp::error::body_limit) {
      return respond_and_close(413, "request body larger than " +
                                        std::to_string(state_->options.max_body_bytes) + " bytes");
    }
    if (error == beast::error::timeout) {
      spdlog::debug("http: {} did not send a whole request within {} ms; closed", remote_,
                    state_->options.request_timeout.count());
      return close();
    }
    if (error &&
        &error.category() == &bhttp::make_error_code(bhttp::error::bad_target).category() &&
        error != bhttp::error::end_of_stream && error != bhttp::error::partial_message) {
      return respond_and_close(400, "malformed HTTP request: " + error.message());
    }
    if (error) return close();  // the client closed or reset the connection

    lowest().expires_never();  // the handler may take its time; the write has its own deadline
    auto beast_request = parser_->release();
    parser_.reset();
    keep_alive_ = beast_request.keep_alive();
    version_ = beast_request.version();
    head_ = beast_request.method() == bhttp::verb::head;

    auto request = std::make_shared<Request>();
    request->method = std::string(beast_request.method_string());
    request->target = std::string(beast_request.target());
    for (const auto& field : beast_request)
      request->headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    request->body = std::move(beast_request.body());
    request->remote_address = remote_;

    asio::post(state_->worker, [self = this->shared_from_this(), request] {
      std::optional<Response> response = self->state_->run_handler(*request);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        if (!response) return self->close();  // stopping
        self->write(std::move(*response), false);
      });
    });
  }

  void respond_and_close(unsigned status, const std::string& message) {
    spdlog::debug("http: {} from {}: {}", status, remote_, message);
    version_ = 11;
    head_ = false;
    write(Response{status, "application/json", error_json(message), {}}, true);
  }

  void write(Response response, bool close_after) {
    response_ = {};
    response_.version(version_);
    response_.result(response.status);
    response_.set(bhttp::field::server, "netaudit");
    response_.set(bhttp::field::content_type, response.content_type);
    response_.set(bhttp::field::cache_control, "no-store");
    for (auto& [name, value] : response.headers)
      response_.set(name, value);
    response_.keep_alive(keep_alive_ && !close_after && !state_->stop_requested);
    if (head_) {
      response_.content_length(response.body.size());  // HEAD: the length, no body
    } else {
      response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
    lowest().expires_after(state_->options.write_timeout);
    bhttp::async_write(
        stream_, response_,
        [self = this->shared_from_this()](boost::system::error_code error, std::size_t) {
          if (error) return self->close();
          if (!self->response_.keep_alive()) return self->linger();
          self->response_ = {};
          self->wait_for_request(false);
        });
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // response the client has not read yet (a 431 after a 1 MB header). So: send FIN, read and
  // discard for a bounded time and size, then close.
  void linger() {
    if constexpr (kTls) {
      lowest().expires_after(kLingerTimeout);
      stream_.async_shutdown(
          [self = this->shared_from_this()](boost::system::error_code) { self->close(); });
    } else {
      boost::system::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().expires_after(kLingerTimeout);
      drain();
    }
  }

  void drain() {
    stream_.async_read_some(
        asio::buffer(drain_buffer_),
        [self = this->shared_from_this()](boost::system::error_code error, std::size_t bytes) {
          self->drained_ += bytes;
          if (error || self->drained_ > kMaxDrainBytes) return self->close();
          self->drain();
        });
  }

  void close() {
    boost::system::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  std::shared_ptr<HttpServer::State> state_;
  std::string remote_;
  Stream stream_;
  std::uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
  std::array<char, 16 * 1024> drain_buffer_{};
  std::size_t drained_ = 0;
};

}  // namespace

void HttpServer::State::accept() {
  acceptor.async_accept(
      asio::make_strand(io),
      [self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
        self->on_accept(error, std::move(socket));
      });
}

void HttpServer::State::on_accept(boost::system::error_code error, tcp::socket socket) {
  if (stop_requested || error == asio::error::operation_aborted) return;
  if (error) {
    // Typically EMFILE: retry shortly instead of spinning on the failing accept.
    spdlog::warn("http: accept failed: {}", error.message());
    retry_timer.expires_after(std::chrono::milliseconds(100));
    retry_timer.async_wait([self = shared_from_this()](boost::system::error_code wait_error) {
      if (!wait_error) self->accept();
    });
    return;
  }
  boost::system::error_code endpoint_error;
  const auto remote = socket.remote_endpoint(endpoint_error);
  const std::string remote_address =
      endpoint_error ? std::string("?") : remote.address().to_string();
  if (connections >= options.max_connections) {
    reject_busy(socket);
  } else if (tls) {
    auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        shared_from_this(), remote_address, std::move(socket), *tls);
    session->start(add_session(session));
  } else {
    auto session = std::make_shared<Session<beast::tcp_stream>>(shared_from_this(), remote_address,
                                                                std::move(socket));
    session->start(add_session(session));
  }
  accept();
}

// Over the connection cap: one non-blocking write of a fixed 503 into the fresh socket's empty
// send buffer, then close. Never waits for the client.
void HttpServer::State::reject_busy(tcp::socket& socket) {
  static const std::string kBusy = [] {
    const std::string body = error_json("too many connections; retry later");
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body;
  }();
  spdlog::warn("http: connection limit ({}) reached; refused a connection",
               options.max_connections);
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kBusy), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

HttpServer::HttpServer(asio::io_context& io, asio::any_io_executor worker, ServerOptions options,
                       Handler handler)
    : state_(
          std::make_shared<State>(io, std::move(worker), std::move(options), std::move(handler))) {
  State& state = *state_;
  std::string address_text = state.options.address;
  if (address_text.size() > 2 && address_text.front() == '[' && address_text.back() == ']')
    address_text = address_text.substr(1, address_text.size() - 2);
  const std::string where = state.options.address + ":" + std::to_string(state.options.port);

  if (state.options.tls) {
    try {
      state.tls.emplace(asio::ssl::context::tls_server);
      state.tls->set_options(asio::ssl::context::default_workarounds |
                             asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                             asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                             asio::ssl::context::single_dh_use);
      state.tls->use_certificate_chain_file(state.options.tls->certificate_chain.string());
      state.tls->use_private_key_file(state.options.tls->private_key.string(),
                                      asio::ssl::context::pem);
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error("cannot load the TLS certificate " +
                               state.options.tls->certificate_chain.string() + " and key " +
                               state.options.tls->private_key.string() + ": " + error.what());
    }
  }

  try {
    const tcp::endpoint endpoint(asio::ip::make_address(address_text), state.options.port);
    state.acceptor.open(endpoint.protocol());
    state.acceptor.set_option(asio::socket_base::reuse_address(true));
    state.acceptor.bind(endpoint);
    state.acceptor.listen(asio::socket_base::max_listen_connections);
    state.bound_port = state.acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error("cannot listen on " + where + ": " + error.code().message());
  }
  asio::post(state.acceptor.get_executor(), [state = state_] { state->accept(); });
}

HttpServer::~HttpServer() {
  stop();
}

std::uint16_t HttpServer::port() const {
  return state_->bound_port;
}

std::size_t HttpServer::open_connections() const {
  return state_->connections;
}

void HttpServer::stop() {
  if (state_->stop_requested.exchange(true)) return;
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->retry_timer.cancel();
  });
  {
    std::lock_guard lock(state_->sessions_mutex);
    for (auto& [id, weak] : state_->sessions)
      if (auto session = weak.lock()) session->close_from_any_thread();
  }
  std::unique_lock lock(state_->handler_mutex);
  state_->stopping = true;
  state_->handlers_done.wait(lock, [&] { return state_->handlers_running == 0; });
}

}  // namespace netaudit::http
