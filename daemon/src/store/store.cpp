// The store: opening (lock, refusals, migrations), commits and reads. The schema is in
// schema.cpp; the SQLite wrapper in sqlite.hpp.
#include "store/store.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <system_error>
#include <unordered_map>

#include "store/lock_file.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace netaudit::store {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

// JSON text for the store. Config lines may hold bytes that are not UTF-8 (a Latin-1 banner):
// replaced, never a throw in the middle of a commit.
std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json parse_json_text(std::string_view text, nlohmann::json fallback) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? fallback : parsed;
}

nlohmann::json evidence_json(const std::vector<policy::Evidence>& evidence) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& line : evidence)
    lines.push_back({{"line", line.line}, {"text", line.text}});
  return lines;
}

std::vector<EvidenceLine> evidence_lines(std::string_view text) {
  std::vector<EvidenceLine> lines;
  const auto parsed = parse_json_text(text, nlohmann::json::array());
  if (!parsed.is_array()) return lines;
  for (const auto& item : parsed) {
    if (!item.is_object()) continue;
    lines.push_back({item.value("line", 0u), item.value("text", std::string())});
  }
  return lines;
}

void read_counts(std::string_view json_text, std::map<std::string, int, std::less<>>& counts) {
  const auto parsed = parse_json_text(json_text, nlohmann::json::object());
  if (!parsed.is_object()) return;
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_number_integer()) counts[key] = value.get<int>();
  }
}

std::string verdict_name(policy::Verdict verdict) {
  return std::string(policy::to_string(verdict));
}

// Verdicts that say something definite about a control; unknown and error leave its
// transition state as it was (a failing control that cannot be evaluated once has not cleared).
bool is_definite(std::string_view verdict) {
  return verdict == "pass" || verdict == "fail" || verdict == "waived" ||
         verdict == "not_applicable";
}

bool file_is_empty_or_absent(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return true;
  return std::filesystem::file_size(file, error) == 0 && !error;
}

// A file that is there and not empty must start with SQLite's header; anything else is not
// ours to open (SQLite would only say so on the first query, and might try to write to it).
void check_header(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw StoreError(StoreError::Kind::io, file.string() + ": cannot read the store file");
  }
  std::array<char, 16> header{};
  in.read(header.data(), header.size());
  static constexpr std::string_view magic("SQLite format 3\0", 16);
  if (in.gcount() != static_cast<std::streamsize>(header.size()) ||
      std::string_view(header.data(), header.size()) != magic) {
    throw StoreError(StoreError::Kind::corrupt,
                     file.string() +
                         ": not a SQLite database (it does not start with the SQLite header); "
                         "netaudit leaves it as it is: move it away or set `store:` to another "
                         "file");
  }
}

StoreError corrupt_error(const std::filesystem::path& file, const std::string& what) {
  return StoreError(StoreError::Kind::corrupt,
                    file.string() + ": the store is damaged (" + what +
                        "); netaudit leaves it as it is: restore it from a backup, or move it "
                        "away to start a new one");
}

// The checks that need SQLite, on a read-only connection so nothing is written to a file we
// end up refusing: integrity, that it is a netaudit store, and its schema version.
int inspect_existing(const std::filesystem::path& file) {
  try {
    Connection connection(file.string(), SQLITE_OPEN_READONLY);
    sqlite3_busy_timeout(connection.handle(), 5000);
    std::string problems;
    {
      Statement check = connection.prepare("PRAGMA quick_check");
      while (check.step()) {
        const std::string line = check.text(0);
        if (line == "ok") continue;
        if (!problems.empty()) problems += "; ";
        problems += line;
        if (problems.size() > 300) break;
      }
    }
    if (!problems.empty()) throw corrupt_error(file, "PRAGMA quick_check: " + problems);
    const auto application = connection.query_int("PRAGMA application_id");
    const auto version = connection.query_int("PRAGMA user_version");
    const auto tables = connection.query_int("SELECT count(*) FROM sqlite_schema");
    if (application != schema::application_id && (application != 0 || tables > 0)) {
      throw StoreError(StoreError::Kind::corrupt,
                       file.string() +
                           ": a SQLite database, but not a netaudit store; netaudit leaves it as "
                           "it is: set `store:` to another file");
    }
    if (version > schema::current_version()) {
      throw StoreError(StoreError::Kind::newer_schema,
                       file.string() + ": written by a newer netaudit (store schema " +
                           std::to_string(version) + ", this netaudit knows up to " +
                           std::to_string(schema::current_version()) +
                           "); it is left untouched: run the newer netaudit, or give this one "
                           "another store file");
    }
    return static_cast<int>(version);
  } catch (const sqlite::Error& error) {
    if (error.code() == SQLITE_CORRUPT || error.code() == SQLITE_NOTADB) {
      throw corrupt_error(file, error.what());
    }
    throw StoreError(StoreError::Kind::io, std::string(error.what()));
  }
}

void configure_writer(Connection& connection) {
  sqlite3_busy_timeout(connection.handle(), 5000);
  // WAL: readers never wait for the writer. synchronous=NORMAL in WAL mode: a commit is durable
  // against a crash or kill -9 of the process (it is in the WAL the OS holds); only a power
  // loss or OS crash may drop the last commits, never corrupt the file (docs/serve.md).
  if (connection.query_text("PRAGMA journal_mode = WAL") != "wal") {
    throw StoreError(StoreError::Kind::io,
                     connection.file() +
                         ": cannot switch the store to WAL mode (a file system "
                         "without shared memory locks, e.g. a network share?)");
  }
  connection.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
}

struct DeviceRow {
  std::int64_t id = 0;
  std::string platform;
  std::optional<TimestampMs> last_success;
  std::string last_error_kind;
  std::string last_error_message;
  int consecutive_failures = 0;
  std::optional<TimestampMs> collection_failing_since;
  std::string host_key_fingerprint;
  std::optional<std::int64_t> latest_version_id;
  std::optional<std::int64_t> drift;
};

struct StateRow {
  std::string verdict;
  TimestampMs since = 0;
  std::optional<TimestampMs> failing_since;
  std::optional<TimestampMs> last_cleared;
};

// Per control, what a policy change flipped (for the one policy_changed event).
struct FlipCounts {
  std::string severity;
  std::string title;
  int pass_to_fail = 0;  // was a definite non-fail verdict, now fail
  int fail_to_pass = 0;  // was fail, now a definite non-fail verdict
  int new_fail = 0;      // no verdict before (a new control, a device's first result), now fail
  int removed_fail = 0;  // was failing, the control is no longer audited
};

enum class ResultsMode {
  collection,     // events per control
  policy_change,  // no per-device events: counts instead
};

}  // namespace

TimestampMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Store::Impl {
  Impl(std::filesystem::path store_file, StoreOptions store_options, Connection write_connection,
       std::unique_ptr<LockFile> held_lock)
      : file(std::move(store_file)),
        options(store_options),
        lock(std::move(held_lock)),
        writer(std::move(write_connection)) {}

  std::filesystem::path file;
  StoreOptions options;
  std::unique_ptr<LockFile> lock;  // held until the Store is gone

  std::mutex write_mutex;  // one writer at a time on `writer`
  Connection writer;
  EventHook event_hook;  // guarded by write_mutex

  // Read connections, each used by one reader at a time (WAL: they never wait for the writer).
  mutable std::mutex readers_mutex;
  mutable std::vector<std::unique_ptr<Connection>> idle_readers;

  class ReadLease {
   public:
    explicit ReadLease(const Impl& impl) : impl_(impl), connection_(impl.take_reader()) {}
    ~ReadLease() {
      std::lock_guard guard(impl_.readers_mutex);
      impl_.idle_readers.push_back(std::move(connection_));
    }
    ReadLease(const ReadLease&) = delete;
    ReadLease& operator=(const ReadLease&) = delete;
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    const Impl& impl_;
    std::unique_ptr<Connection> connection_;
  };

  std::unique_ptr<Connection> take_reader() const {
    {
      std::lock_guard guard(readers_mutex);
      if (!idle_readers.empty()) {
        auto connection = std::move(idle_readers.back());
        idle_readers.pop_back();
        return connection;
      }
    }
    auto connection = std::make_unique<Connection>(file.string(), SQLITE_OPEN_READWRITE);
    sqlite3_busy_timeout(connection->handle(), 5000);
    connection->exec("PRAGMA query_only = ON");
    return connection;
  }

  // --- write helpers (the caller holds write_mutex and an open transaction) ---

  std::optional<DeviceRow> find_device(std::string_view name) {
    Statement select = writer.prepare(
        "SELECT id, platform, last_success, last_error_kind, last_error_message, "
        "consecutive_failures, collection_failing_since, host_key_fingerprint, "
        "latest_version_id, drift FROM devices WHERE name = ?1");
    select.bind(1, name);
    if (!select.step()) return std::nullopt;
    DeviceRow row;
    row.id = select.int64(0);
    row.platform = select.text(1);
    row.last_success = select.optional_int64(2);
    row.last_error_kind = select.text(3);
    row.last_error_message = select.text(4);
    row.consecutive_failures = static_cast<int>(select.int64(5));
    row.collection_failing_since = select.optional_int64(6);
    row.host_key_fingerprint = select.text(7);
    row.latest_version_id = select.optional_int64(8);
    row.drift = select.optional_int64(9);
    return row;
  }

  DeviceRow device_row(std::string_view name) {
    if (auto row = find_device(name)) return *row;
    // A device the inventory sync has not seen (a commit racing a reload): known from now on.
    writer.prepare("INSERT INTO devices (name) VALUES (?1)").bind(1, name).run();
    return *find_device(name);
  }

  std::int64_t blob_id(const std::string& sha256, std::string_view text) {
    {
      Statement select = writer.prepare("SELECT id FROM blobs WHERE sha256 = ?1");
      select.bind(1, sha256);
      if (select.step()) return select.int64(0);
    }
    writer.prepare("INSERT INTO blobs (sha256, bytes, text) VALUES (?1, ?2, ?3)")
        .bind_all(sha256, static_cast<std::int64_t>(text.size()), text)
        .run();
    return writer.last_insert_rowid();
  }

  // Deletes a device's versions beyond the newest keep_versions, their results, and the texts
  // no other version uses. The latest version is never among them (keep_versions >= 1).
  void prune_versions(std::int64_t device_id) {
    if (options.keep_versions == 0) return;
    std::vector<std::pair<std::int64_t, std::int64_t>> doomed;  // version id, blob id
    {
      Statement select = writer.prepare(
          "SELECT id, blob_id FROM versions WHERE device_id = ?1 ORDER BY id DESC "
          "LIMIT -1 OFFSET ?2");
      select.bind_all(device_id, static_cast<std::int64_t>(options.keep_versions));
      while (select.step())
        doomed.emplace_back(select.int64(0), select.int64(1));
    }
    for (const auto& [version_id, blob] : doomed) {
      writer.prepare("DELETE FROM results WHERE version_id = ?1").bind(1, version_id).run();
      writer.prepare("DELETE FROM versions WHERE id = ?1").bind(1, version_id).run();
      writer
          .prepare(
              "DELETE FROM blobs WHERE id = ?1 AND NOT EXISTS "
              "(SELECT 1 FROM versions WHERE blob_id = ?1)")
          .bind(1, blob)
          .run();
    }
  }

  // Writes the results of `version_id` (only the rows that changed when the version already had
  // results) and moves the device's control transitions. Per-control events go to `events` in
  // collection mode, counts to `flips` in policy-change mode.
  struct ResultCounts {
    std::string verdict_counts;       // JSON {"pass": n, ...}
    std::string failing_by_severity;  // JSON {"high": n, ...}
  };

  ResultCounts write_results(const std::string& device, std::int64_t device_id,
                             std::int64_t version_id, const std::vector<policy::Finding>& findings,
                             std::string_view policy_version, TimestampMs now, ResultsMode mode,
                             std::vector<Event>& events,
                             std::map<std::string, FlipCounts, std::less<>>& flips) {
    // The stored rows, to skip rewriting the unchanged ones (the common case: same content,
    // same policy, every cycle).
    std::unordered_map<std::string, std::string> stored;  // control -> row fingerprint
    {
      Statement select = writer.prepare(
          "SELECT control, title, severity, verdict, message, evidence, remediation, "
          "policy_version FROM results WHERE version_id = ?1");
      select.bind(1, version_id);
      while (select.step()) {
        std::string fingerprint;
        for (int column = 1; column <= 7; ++column) {
          fingerprint += select.text_view(column);
          fingerprint += '\x1f';
        }
        stored.emplace(select.text(0), std::move(fingerprint));
      }
    }
    std::unordered_map<std::string, StateRow> states;
    {
      Statement select = writer.prepare(
          "SELECT control, verdict, since, failing_since, last_cleared FROM control_state "
          "WHERE device_id = ?1");
      select.bind(1, device_id);
      while (select.step()) {
        states.emplace(select.text(0),
                       StateRow{select.text(1), select.int64(2), select.optional_int64(3),
                                select.optional_int64(4)});
      }
    }

    std::set<std::string, std::less<>> seen;
    nlohmann::json verdict_counts = nlohmann::json::object();
    nlohmann::json failing_by_severity = nlohmann::json::object();
    for (const policy::Finding& finding : findings) {
      if (!seen.insert(finding.control).second) continue;  // a control once per version
      const std::string severity(policy::to_string(finding.severity));
      const std::string verdict = verdict_name(finding.verdict);
      verdict_counts[verdict] = verdict_counts.value(verdict, 0) + 1;
      if (verdict == "fail") {
        failing_by_severity[severity] = failing_by_severity.value(severity, 0) + 1;
      }
      const nlohmann::json evidence = evidence_json(finding.evidence);
      const std::string evidence_text = to_json_text(evidence);

      std::string fingerprint;
      for (std::string_view field :
           {std::string_view(finding.title), std::string_view(severity), std::string_view(verdict),
            std::string_view(finding.message), std::string_view(evidence_text),
            std::string_view(finding.remediation), policy_version}) {
        fingerprint += field;
        fingerprint += '\x1f';
      }
      const auto existing = stored.find(finding.control);
      if (existing == stored.end() || existing->second != fingerprint) {
        writer
            .prepare(
                "INSERT INTO results (version_id, control, title, severity, verdict, message, "
                "evidence, remediation, policy_version, audited_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                "ON CONFLICT (version_id, control) DO UPDATE SET title = excluded.title, "
                "severity = excluded.severity, verdict = excluded.verdict, "
                "message = excluded.message, evidence = excluded.evidence, "
                "remediation = excluded.remediation, policy_version = excluded.policy_version, "
                "audited_at = excluded.audited_at")
            .bind_all(version_id, finding.control, finding.title, severity, verdict,
                      finding.message, evidence_text, finding.remediation, policy_version, now)
            .run();
      }

      if (!is_definite(verdict)) continue;
      const auto state = states.find(finding.control);
      if (state == states.end()) {
        // The first definite verdict: a baseline, not a change (no event).
        writer
            .prepare(
                "INSERT INTO control_state (device_id, control, verdict, since, failing_since) "
                "VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind_all(device_id, finding.control, verdict, now,
                      verdict == "fail" ? std::optional<std::int64_t>(now) : std::nullopt)
            .run();
        if (mode == ResultsMode::policy_change && verdict == "fail") {
          auto& counts = flips[finding.control];
          counts.severity = severity;
          counts.title = finding.title;
          ++counts.new_fail;
        }
        continue;
      }
      const StateRow& before = state->second;
      if (before.verdict == verdict) continue;
      const bool now_failing = verdict == "fail";
      const bool was_failing = before.verdict == "fail";
      std::optional<TimestampMs> failing_since = before.failing_since;
      std::optional<TimestampMs> last_cleared = before.last_cleared;
      if (now_failing) failing_since = now;
      if (was_failing) {
        failing_since.reset();
        last_cleared = now;
      }
      writer
          .prepare(
              "UPDATE control_state SET verdict = ?3, since = ?4, failing_since = ?5, "
              "last_cleared = ?6 WHERE device_id = ?1 AND control = ?2")
          .bind_all(device_id, finding.control, verdict, now, failing_since, last_cleared)
          .run();
      if (!now_failing && !was_failing) continue;  // e.g. pass -> waived: no compliance change

      if (mode == ResultsMode::policy_change) {
        auto& counts = flips[finding.control];
        counts.severity = severity;
        counts.title = finding.title;
        ++(now_failing ? counts.pass_to_fail : counts.fail_to_pass);
        continue;
      }
      Event event;
      event.at = now;
      event.device = device;
      event.control = finding.control;
      event.severity = severity;
      event.details = {{"title", finding.title},
                       {"verdict", verdict},
                       {"previous_verdict", before.verdict},
                       {"version_id", version_id},
                       {"policy_version", policy_version},
                       {"message", finding.message},
                       {"evidence", evidence}};
      if (now_failing) {
        event.type = "compliance_regression";
        event.details["remediation"] = finding.remediation;
      } else {
        event.type = "compliance_restored";
        event.details["failing_since"] = before.failing_since.value_or(before.since);
      }
      events.push_back(std::move(event));
    }

    // Controls this audit no longer has (removed from the policy): their rows go; a failure
    // among them has cleared.
    for (const auto& [control, fingerprint] : stored) {
      if (seen.contains(control)) continue;
      writer.prepare("DELETE FROM results WHERE version_id = ?1 AND control = ?2")
          .bind_all(version_id, control)
          .run();
    }
    for (const auto& [control, state] : states) {
      if (seen.contains(control)) continue;
      writer.prepare("DELETE FROM control_state WHERE device_id = ?1 AND control = ?2")
          .bind_all(device_id, control)
          .run();
      if (state.verdict != "fail") continue;
      if (mode == ResultsMode::policy_change) {
        ++flips[control].removed_fail;
        continue;
      }
      Event event;
      event.at = now;
      event.type = "compliance_restored";
      event.device = device;
      event.control = control;
      event.severity = "info";
      event.details = {{"verdict", "removed"},
                       {"previous_verdict", "fail"},
                       {"version_id", version_id},
                       {"policy_version", policy_version},
                       {"failing_since", state.failing_since.value_or(state.since)},
                       {"message", "the control is no longer audited"}};
      events.push_back(std::move(event));
    }
    return {verdict_counts.dump(), failing_by_severity.dump()};
  }

  void set_policy_version(std::string_view version) {
    writer
        .prepare(
            "INSERT INTO meta (key, value) VALUES ('policy_version', ?1) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, version)
        .run();
  }

  // Inserts the events (setting their ids) and runs the outbox hook, inside the transaction.
  void record_events(std::vector<Event>& events) {
    for (Event& event : events) {
      writer
          .prepare(
              "INSERT INTO events (at, type, device, control, severity, details) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
          .bind_all(event.at, event.type, event.device, event.control, event.severity,
                    to_json_text(event.details))
          .run();
      event.id = writer.last_insert_rowid();
    }
    if (event_hook && !events.empty()) event_hook(writer, events);
  }

  CommitSummary commit(const CollectionOutcome& outcome, std::string_view policy_version);
  CommitSummary commit_policy_change(const std::vector<Reaudit>& results,
                                     std::string_view old_policy_version,
                                     std::string_view new_policy_version);

  // --- reads ---
  std::vector<DeviceStatus> device_statuses(std::optional<std::string_view> only) const;
};

CommitSummary Store::Impl::commit(const CollectionOutcome& outcome,
                                  std::string_view policy_version) {
  if (outcome.device.empty()) throw std::invalid_argument("store commit: the device has no name");
  const TimestampMs now = outcome.finished_at != 0 ? outcome.finished_at : now_ms();
  std::lock_guard guard(write_mutex);
  Transaction transaction(writer, Transaction::Mode::immediate);
  const DeviceRow device = device_row(outcome.device);
  CommitSummary summary;
  std::vector<Event>& events = summary.events;

  if (!outcome.ok) {
    const int failures = device.consecutive_failures + 1;
    const TimestampMs failing_since = device.collection_failing_since.value_or(
        outcome.started_at != 0 ? outcome.started_at : now);
    if (device.consecutive_failures == 0) {
      Event event;
      event.at = now;
      event.type = "collection_failed";
      event.device = outcome.device;
      event.severity = "warning";
      event.details = {{"error_kind", outcome.error_kind},
                       {"message", outcome.error_message},
                       {"consecutive_failures", failures}};
      if (device.last_success) event.details["last_success"] = *device.last_success;
      events.push_back(std::move(event));
    }
    const bool host_key_changed = outcome.error_kind == "host_key_changed";
    if (host_key_changed &&
        (device.last_error_kind != "host_key_changed" || device.consecutive_failures == 0)) {
      Event event;
      event.at = now;
      event.type = "host_key_changed";
      event.device = outcome.device;
      event.severity = "critical";
      event.details = {{"known_fingerprint", device.host_key_fingerprint},
                       {"presented_fingerprint", outcome.host_key_fingerprint},
                       {"message", outcome.error_message}};
      events.push_back(std::move(event));
    }
    writer
        .prepare(
            "UPDATE devices SET last_collection = ?2, last_error_kind = ?3, "
            "last_error_message = ?4, consecutive_failures = ?5, collection_failing_since = ?6 "
            "WHERE id = ?1")
        .bind_all(device.id, now, outcome.error_kind, outcome.error_message, failures,
                  failing_since)
        .run();
    record_events(events);
    transaction.commit();
    summary.version_id = device.latest_version_id.value_or(0);
    return summary;
  }

  if (device.consecutive_failures > 0) {
    Event event;
    event.at = now;
    event.type = "collection_recovered";
    event.device = outcome.device;
    event.severity = "info";
    event.details = {{"failed_collections", device.consecutive_failures},
                     {"last_error_kind", device.last_error_kind},
                     {"last_error_message", device.last_error_message}};
    if (device.collection_failing_since) {
      event.details["failing_since"] = *device.collection_failing_since;
    }
    events.push_back(std::move(event));
  }

  const std::string sha256 = sha256_hex(outcome.config_text);
  std::optional<std::int64_t> previous_version;
  std::string previous_sha256;
  if (device.latest_version_id) {
    Statement select = writer.prepare(
        "SELECT v.id, b.sha256 FROM versions v JOIN blobs b ON b.id = v.blob_id WHERE v.id = ?1");
    select.bind(1, *device.latest_version_id);
    if (select.step()) {
      previous_version = select.int64(0);
      previous_sha256 = select.text(1);
    }
  }

  std::int64_t version_id = 0;
  if (previous_version && previous_sha256 == sha256) {
    version_id = *previous_version;
    writer.prepare("UPDATE versions SET last_seen_at = ?2 WHERE id = ?1")
        .bind_all(version_id, now)
        .run();
  } else {
    const std::int64_t blob = blob_id(sha256, outcome.config_text);
    writer
        .prepare(
            "INSERT INTO versions (device_id, blob_id, collected_at, last_seen_at) "
            "VALUES (?1, ?2, ?3, ?3)")
        .bind_all(device.id, blob, now)
        .run();
    version_id = writer.last_insert_rowid();
    summary.new_version = true;
    if (previous_version) {
      std::string previous_text;
      {
        Statement select = writer.prepare(
            "SELECT b.text FROM versions v JOIN blobs b ON b.id = v.blob_id WHERE v.id = ?1");
        select.bind(1, *previous_version);
        if (select.step()) previous_text = select.text(0);
      }
      std::string diff =
          unified_diff(previous_text, outcome.config_text,
                       outcome.device + " version " + std::to_string(*previous_version),
                       outcome.device + " version " + std::to_string(version_id));
      std::int64_t added = 0, removed = 0;
      for (std::size_t at = 0; at < diff.size();) {
        const std::size_t end = std::min(diff.find('\n', at), diff.size());
        const std::string_view line(diff.data() + at, end - at);
        if (line.starts_with('+') && !line.starts_with("+++ ")) ++added;
        if (line.starts_with('-') && !line.starts_with("--- ")) ++removed;
        at = end + 1;
      }
      Event event;
      event.at = now;
      event.type = "config_changed";
      event.device = outcome.device;
      event.severity = "info";
      event.details = {{"from_version", *previous_version},
                       {"to_version", version_id},
                       {"from_sha256", previous_sha256},
                       {"to_sha256", sha256},
                       {"lines_added", added},
                       {"lines_removed", removed},
                       {"diff", std::move(diff)}};
      events.push_back(std::move(event));
    }
  }

  std::map<std::string, FlipCounts, std::less<>> unused_flips;
  const ResultCounts counts =
      write_results(outcome.device, device.id, version_id, outcome.findings, policy_version, now,
                    ResultsMode::collection, events, unused_flips);

  std::optional<std::int64_t> drift;
  if (outcome.intended_diff) drift = outcome.intended_diff->empty() ? 0 : 1;
  const bool was_drifting = device.drift.value_or(0) == 1;
  if (drift.value_or(0) == 1 && !was_drifting) {
    Event event;
    event.at = now;
    event.type = "drift_detected";
    event.device = outcome.device;
    event.severity = "warning";
    event.details = {{"version_id", version_id}, {"intended_diff", *outcome.intended_diff}};
    events.push_back(std::move(event));
  } else if (drift.value_or(0) != 1 && was_drifting) {
    Event event;
    event.at = now;
    event.type = "drift_cleared";
    event.device = outcome.device;
    event.severity = "info";
    event.details = {{"version_id", version_id},
                     {"reason", drift ? "matches the intended config" : "no intended config"}};
    events.push_back(std::move(event));
  }

  writer
      .prepare(
          "UPDATE devices SET last_collection = ?2, last_success = ?2, last_error_kind = '', "
          "last_error_message = '', consecutive_failures = 0, collection_failing_since = NULL, "
          "platform = CASE WHEN ?3 <> '' THEN ?3 ELSE platform END, "
          "host_key_fingerprint = CASE WHEN ?4 <> '' THEN ?4 ELSE host_key_fingerprint END, "
          "latest_version_id = ?5, drift = ?6, intended_diff = ?7, verdict_counts = ?8, "
          "failing_by_severity = ?9 WHERE id = ?1")
      .bind_all(device.id, now, outcome.platform, outcome.host_key_fingerprint, version_id, drift,
                drift.value_or(0) == 1 ? *outcome.intended_diff : std::string(),
                counts.verdict_counts, counts.failing_by_severity)
      .run();
  if (summary.new_version) prune_versions(device.id);
  set_policy_version(policy_version);
  record_events(events);
  transaction.commit();
  summary.version_id = version_id;
  return summary;
}

CommitSummary Store::Impl::commit_policy_change(const std::vector<Reaudit>& results,
                                                std::string_view old_policy_version,
                                                std::string_view new_policy_version) {
  const TimestampMs now = now_ms();
  std::lock_guard guard(write_mutex);
  Transaction transaction(writer, Transaction::Mode::immediate);
  std::map<std::string, FlipCounts, std::less<>> flips;
  std::vector<Event> no_events;
  int reaudited = 0, stale = 0;
  for (const Reaudit& result : results) {
    const auto device = find_device(result.device);
    // A version no longer the latest (a collection committed since the re-audit read it) was
    // audited under the new policy by that commit already: skip it.
    if (!device || device->latest_version_id != result.version_id) {
      ++stale;
      continue;
    }
    write_results(result.device, device->id, result.version_id, result.findings, new_policy_version,
                  now, ResultsMode::policy_change, no_events, flips);
    ++reaudited;
  }

  nlohmann::json controls = nlohmann::json::object();
  for (const auto& [control, counts] : flips) {
    int failing = 0;
    {
      Statement count = writer.prepare(
          "SELECT count(*) FROM control_state s JOIN devices d ON d.id = s.device_id "
          "WHERE s.control = ?1 AND s.verdict = 'fail' AND d.retired = 0");
      count.bind(1, control);
      if (count.step()) failing = static_cast<int>(count.int64(0));
    }
    controls[control] = {
        {"severity", counts.severity},         {"title", counts.title},
        {"pass_to_fail", counts.pass_to_fail}, {"fail_to_pass", counts.fail_to_pass},
        {"new_fail", counts.new_fail},         {"removed_fail", counts.removed_fail},
        {"failing_devices", failing}};
  }
  set_policy_version(new_policy_version);
  CommitSummary summary;
  Event event;
  event.at = now;
  event.type = "policy_changed";
  event.severity = "info";
  event.details = {{"from_policy_version", old_policy_version},
                   {"to_policy_version", new_policy_version},
                   {"devices_reaudited", reaudited},
                   {"devices_skipped", stale},
                   {"controls", std::move(controls)}};
  summary.events.push_back(std::move(event));
  record_events(summary.events);
  transaction.commit();
  return summary;
}

std::vector<DeviceStatus> Store::Impl::device_statuses(std::optional<std::string_view> only) const {
  ReadLease connection(*this);
  Transaction snapshot(*connection, Transaction::Mode::deferred);
  std::vector<DeviceStatus> statuses;
  {
    Statement select = connection->prepare(
        "SELECT d.name, d.platform, d.transport, d.host, d.labels, d.last_collection, "
        "d.last_success, d.last_error_kind, d.last_error_message, d.consecutive_failures, "
        "d.drift, d.intended_diff, d.host_key_fingerprint, v.id, v.collected_at, "
        "v.last_seen_at, b.sha256, b.bytes, d.verdict_counts, d.failing_by_severity "
        "FROM devices d LEFT JOIN versions v ON v.id = d.latest_version_id "
        "LEFT JOIN blobs b ON b.id = v.blob_id "
        "WHERE d.retired = 0 AND (?1 IS NULL OR d.name = ?1) ORDER BY d.name");
    if (only) {
      select.bind(1, *only);
    } else {
      select.bind_null(1);
    }
    while (select.step()) {
      DeviceStatus status;
      status.info.name = select.text(0);
      status.info.platform = select.text(1);
      status.info.transport = select.text(2);
      status.info.host = select.text(3);
      const auto labels = parse_json_text(select.text_view(4), nlohmann::json::object());
      if (labels.is_object()) {
        for (const auto& [key, value] : labels.items()) {
          if (value.is_string()) status.info.labels[key] = value.get<std::string>();
        }
      }
      status.last_collection = select.optional_int64(5);
      status.last_success = select.optional_int64(6);
      status.last_error_kind = select.text(7);
      status.last_error_message = select.text(8);
      status.consecutive_failures = static_cast<int>(select.int64(9));
      status.up = status.last_collection.has_value() && status.consecutive_failures == 0;
      status.has_intended = !select.is_null(10);
      status.drift = select.optional_int64(10).value_or(0) == 1;
      status.intended_diff = select.text(11);
      status.host_key_fingerprint = select.text(12);
      if (!select.is_null(13)) {
        VersionInfo version;
        version.id = select.int64(13);
        version.collected_at = select.int64(14);
        version.last_seen_at = select.int64(15);
        version.sha256 = select.text(16);
        version.bytes = static_cast<std::size_t>(select.int64(17));
        status.last_change = version.collected_at;
        status.latest_version = std::move(version);
        read_counts(select.text_view(18), status.verdict_counts);
        read_counts(select.text_view(19), status.failing_by_severity);
      }
      statuses.push_back(std::move(status));
    }
  }
  snapshot.commit();
  for (DeviceStatus& status : statuses) {
    const auto count = [&](std::string_view verdict) {
      const auto found = status.verdict_counts.find(verdict);
      return found == status.verdict_counts.end() ? 0 : found->second;
    };
    const int pass = count("pass"), fail = count("fail");
    status.compliance_ratio = pass + fail == 0 ? 1.0 : static_cast<double>(pass) / (pass + fail);
  }
  return statuses;
}

// --- Store ---

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

int Store::schema_version() {
  return schema::current_version();
}

const std::filesystem::path& Store::file() const {
  return impl_->file;
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& file, StoreOptions options) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(file, error);
  const std::filesystem::path path = error ? file : absolute;
  if (path.has_parent_path() && !std::filesystem::exists(path.parent_path(), error)) {
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      throw StoreError(StoreError::Kind::io, path.string() + ": cannot create its folder " +
                                                 path.parent_path().string() + ": " +
                                                 error.message());
    }
  }
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error)) {
    throw StoreError(StoreError::Kind::io, path.string() + ": not a regular file");
  }
  // The lock first: nothing below may even read a store another daemon is writing.
  auto lock = std::make_unique<LockFile>(path.string() + ".lock", path);

  int version = 0;
  if (!file_is_empty_or_absent(path)) {
    check_header(path);
    version = inspect_existing(path);
  }
  try {
    Connection writer(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    configure_writer(writer);
    schema::migrate(writer, version);
    return std::unique_ptr<Store>(
        new Store(std::make_unique<Impl>(path, options, std::move(writer), std::move(lock))));
  } catch (const sqlite::Error& sqlite_error) {
    if (sqlite_error.code() == SQLITE_CORRUPT || sqlite_error.code() == SQLITE_NOTADB) {
      throw corrupt_error(path, sqlite_error.what());
    }
    throw StoreError(StoreError::Kind::io, sqlite_error.what());
  }
}

void Store::set_event_hook(EventHook hook) {
  std::lock_guard guard(impl_->write_mutex);
  impl_->event_hook = std::move(hook);
}

void Store::sync_devices(const std::vector<DeviceInfo>& devices) {
  std::lock_guard guard(impl_->write_mutex);
  Connection& writer = impl_->writer;
  Transaction transaction(writer, Transaction::Mode::immediate);
  writer.exec("UPDATE devices SET retired = 1 WHERE retired = 0");
  for (const DeviceInfo& device : devices) {
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [key, value] : device.labels)
      labels[key] = value;
    writer
        .prepare(
            "INSERT INTO devices (name, platform, transport, host, labels, retired) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (name) DO UPDATE SET "
            "platform = CASE WHEN excluded.platform <> '' THEN excluded.platform "
            "ELSE devices.platform END, transport = excluded.transport, host = excluded.host, "
            "labels = excluded.labels, retired = 0")
        .bind_all(device.name, device.platform, device.transport, device.host, to_json_text(labels))
        .run();
  }
  transaction.commit();
}

CommitSummary Store::commit(const CollectionOutcome& outcome, std::string_view policy_version) {
  return impl_->commit(outcome, policy_version);
}

CommitSummary Store::commit_policy_change(const std::vector<Reaudit>& results,
                                          std::string_view old_policy_version,
                                          std::string_view new_policy_version) {
  return impl_->commit_policy_change(results, old_policy_version, new_policy_version);
}

std::vector<DeviceStatus> Store::devices() const {
  return impl_->device_statuses(std::nullopt);
}

std::optional<DeviceStatus> Store::device(std::string_view name) const {
  auto statuses = impl_->device_statuses(name);
  if (statuses.empty()) return std::nullopt;
  return std::move(statuses.front());
}

std::vector<FindingRow> Store::findings(const FindingFilter& filter) const {
  Impl::ReadLease connection(*impl_);
  Statement select = connection->prepare(
      "SELECT d.name, r.control, r.title, r.severity, r.verdict, r.message, r.evidence, "
      "r.remediation, r.version_id, r.policy_version, s.failing_since, s.last_cleared "
      "FROM devices d JOIN results r ON r.version_id = d.latest_version_id "
      "LEFT JOIN control_state s ON s.device_id = d.id AND s.control = r.control "
      "WHERE d.retired = 0 AND (?1 = '' OR d.name = ?1) AND (?2 = '' OR r.control = ?2) "
      "AND (?3 = '' OR r.severity = ?3) AND (?4 = '' OR r.verdict = ?4) "
      "ORDER BY d.name, r.control LIMIT ?5");
  select.bind_all(filter.device, filter.control, filter.severity, filter.verdict,
                  static_cast<std::int64_t>(filter.limit));
  std::vector<FindingRow> rows;
  while (select.step()) {
    FindingRow row;
    row.device = select.text(0);
    row.control = select.text(1);
    row.title = select.text(2);
    row.severity = select.text(3);
    row.verdict = select.text(4);
    row.message = select.text(5);
    row.evidence = evidence_lines(select.text_view(6));
    row.remediation = select.text(7);
    row.version_id = select.int64(8);
    row.policy_version = select.text(9);
    if (row.verdict == "fail") row.failing_since = select.optional_int64(10);
    row.last_cleared = select.optional_int64(11);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<VersionInfo> Store::versions(std::string_view device) const {
  Impl::ReadLease connection(*impl_);
  Statement select = connection->prepare(
      "SELECT v.id, v.collected_at, v.last_seen_at, b.sha256, b.bytes FROM versions v "
      "JOIN blobs b ON b.id = v.blob_id JOIN devices d ON d.id = v.device_id "
      "WHERE d.name = ?1 ORDER BY v.id DESC");
  select.bind(1, device);
  std::vector<VersionInfo> versions;
  while (select.step()) {
    versions.push_back({select.int64(0), select.int64(1), select.int64(2), select.text(3),
                        static_cast<std::size_t>(select.int64(4))});
  }
  return versions;
}

std::optional<std::string> Store::config(std::string_view device,
                                         std::optional<std::int64_t> version_id) const {
  Impl::ReadLease connection(*impl_);
  Statement select = connection->prepare(
      "SELECT b.text FROM devices d JOIN versions v ON v.device_id = d.id "
      "JOIN blobs b ON b.id = v.blob_id "
      "WHERE d.name = ?1 AND v.id = coalesce(?2, d.latest_version_id)");
  select.bind(1, device).bind(2, version_id);
  if (!select.step()) return std::nullopt;
  return select.text(0);
}

std::vector<Store::LatestConfig> Store::latest_configs() const {
  Impl::ReadLease connection(*impl_);
  Statement select = connection->prepare(
      "SELECT d.name, d.platform, v.id, b.text FROM devices d "
      "JOIN versions v ON v.id = d.latest_version_id JOIN blobs b ON b.id = v.blob_id "
      "WHERE d.retired = 0 ORDER BY d.name");
  std::vector<LatestConfig> configs;
  while (select.step()) {
    configs.push_back({select.text(0), select.text(1), select.int64(2), select.text(3)});
  }
  return configs;
}

std::vector<Event> Store::events(const EventFilter& filter) const {
  Impl::ReadLease connection(*impl_);
  Statement select = connection->prepare(
      "SELECT id, at, type, device, control, severity, details FROM events "
      "WHERE id > ?1 AND at >= ?2 AND (?3 = '' OR type = ?3) AND (?4 = '' OR device = ?4) "
      "ORDER BY id LIMIT ?5");
  select.bind_all(filter.after_id.value_or(0),
                  filter.since.value_or(std::numeric_limits<TimestampMs>::min()), filter.type,
                  filter.device, static_cast<std::int64_t>(filter.limit));
  std::vector<Event> events;
  while (select.step()) {
    Event event;
    event.id = select.int64(0);
    event.at = select.int64(1);
    event.type = select.text(2);
    event.device = select.text(3);
    event.control = select.text(4);
    event.severity = select.text(5);
    event.details = parse_json_text(select.text_view(6), nlohmann::json::object());
    events.push_back(std::move(event));
  }
  return events;
}

std::string Store::policy_version() const {
  Impl::ReadLease connection(*impl_);
  Statement select = connection->prepare("SELECT value FROM meta WHERE key = 'policy_version'");
  return select.step() ? select.text(0) : std::string();
}

}  // namespace netaudit::store
