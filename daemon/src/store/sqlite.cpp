#include "store/sqlite.hpp"

namespace netaudit::store::sqlite {

namespace {

std::string message_of(sqlite3* db, int code) {
  const char* text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return text != nullptr ? text : sqlite3_errstr(code);
}

}  // namespace

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::fail(int code) const {
  sqlite3* db = sqlite3_db_handle(stmt_);
  throw Error(code & 0xff,
              *file_ + ": " + message_of(db, code) + " (in: " + sqlite3_sql(stmt_) + ")");
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // A non-null pointer even for "", so an empty string binds as '' and not as NULL.
  const char* data = text.data() != nullptr ? text.data() : "";
  if (int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      rc != SQLITE_OK) {
    fail(rc);
  }
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value.has_value() ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(rc);
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string_view Statement::text_view(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::text(int column) const {
  return std::string(text_view(column));
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

Connection::Connection(const std::string& file, int flags)
    : file_(std::make_unique<std::string>(file)) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);  // owned even on failure: sqlite3_open_v2 may allocate a handle anyway
  if (rc != SQLITE_OK) fail(rc, "open");
  sqlite3_extended_result_codes(raw, 0);
}

void Connection::fail(int code, std::string_view what) const {
  throw Error(code & 0xff, *file_ + ": " + std::string(what) + ": " + message_of(db_.get(), code));
}

void Connection::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw Error(rc & 0xff, *file_ + ": " + message);
  }
}

Statement Connection::prepare(std::string_view sql) {
  auto found = cache_.find(std::string(sql));
  if (found == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementPtr owned(raw);
    if (rc != SQLITE_OK) fail(rc, "prepare " + std::string(sql));
    found = cache_.emplace(std::string(sql), std::move(owned)).first;
  }
  return Statement(found->second.get(), file_.get());
}

std::string Connection::query_text(const char* sql) {
  Statement statement = prepare(sql);
  return statement.step() ? statement.text(0) : std::string();
}

std::int64_t Connection::query_int(const char* sql) {
  Statement statement = prepare(sql);
  return statement.step() ? statement.int64(0) : 0;
}

Transaction::Transaction(Connection& connection, Mode mode) : connection_(connection) {
  connection_.exec(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
  if (open_) {
    // Nothing useful to do when the rollback itself fails (the connection is then broken and
    // SQLite rolls back on close); a destructor must not throw.
    sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  open_ = false;
}

}  // namespace netaudit::store::sqlite
