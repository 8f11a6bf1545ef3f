// A thin RAII layer over the SQLite C API for the store: a connection owns its sqlite3* and a
// cache of prepared statements; a Statement is a borrowed cached statement that is reset when
// it goes out of scope; a Transaction rolls back unless committed. Errors throw sqlite::Error
// with the database file's name and SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace netaudit::store::sqlite {

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }  // the primary SQLite result code

 private:
  int code_;
};

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// A prepared statement borrowed from a Connection's cache. Bind parameters are 1-based, columns
// 0-based, as in SQLite. Reset (and its bindings cleared) on destruction, so the next user
// finds it fresh. Never use the same SQL text twice at once on one connection.
class Statement {
 public:
  Statement(sqlite3_stmt* statement, const std::string* file) : stmt_(statement), file_(file) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), file_(other.file_) {}
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);  // copied by SQLite (SQLITE_TRANSIENT)
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_null(int index);
  // Out of line: inlined, GCC 12 -O3 reports a false maybe-uninitialized on the optional.
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  // Binds the arguments to parameters 1, 2, ...
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Steps once: true when a row is available, false when done.
  bool step();
  // Steps to the end (a statement that returns no rows, or whose rows are not wanted).
  void run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step or reset
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  [[noreturn]] void fail(int code) const;
  sqlite3_stmt* stmt_;
  const std::string* file_;
};

class Connection {
 public:
  // Opens `file` with the given sqlite3_open_v2 flags (SQLITE_OPEN_NOMUTEX is added: a
  // connection is used by one thread at a time, the store's own locks see to that).
  Connection(const std::string& file, int flags);
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection() = default;

  // Runs one or more statements that take no parameters.
  void exec(const char* sql);
  // A cached prepared statement for `sql` (prepared on first use).
  Statement prepare(std::string_view sql);
  // Runs a one-row, one-column query (a PRAGMA) and returns its first column as text ("" if no
  // row).
  std::string query_text(const char* sql);
  std::int64_t query_int(const char* sql);

  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }
  sqlite3* handle() const { return db_.get(); }
  const std::string& file() const { return *file_; }

 private:
  [[noreturn]] void fail(int code, std::string_view what) const;
  std::unique_ptr<std::string> file_;  // stable address: Statements point at it for messages
  DbPtr db_;
  std::unordered_map<std::string, StatementPtr> cache_;  // destroyed (finalised) before db_
};

// BEGIN IMMEDIATE (a write: takes the write lock now, so it cannot fail half-way with BUSY)
// or BEGIN DEFERRED (a read snapshot). Rolls back on destruction unless commit() ran.
class Transaction {
 public:
  enum class Mode { deferred, immediate };
  Transaction(Connection& connection, Mode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();
  Connection& connection() { return connection_; }

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace netaudit::store::sqlite
