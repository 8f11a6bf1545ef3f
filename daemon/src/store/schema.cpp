#include "store/schema.hpp"

#include <array>
#include <string>

namespace netaudit::store::schema {

namespace {

struct Migration {
  int version;      // the schema version this step produces
  const char* sql;  // takes version - 1 to version
};

// Every time is Unix milliseconds (UTC). Text is what the pipeline hands over: already
// normalised and redacted; nothing here ever holds a secret.
constexpr Migration version_1{1, R"sql(
PRAGMA application_id = 1314144580;

-- key/value facts about the store as a whole: policy_version (of the latest results).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per device ever seen; retired = no longer in the inventory (history kept).
CREATE TABLE devices (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL UNIQUE,
  platform             TEXT NOT NULL DEFAULT '',
  transport            TEXT NOT NULL DEFAULT '',
  host                 TEXT NOT NULL DEFAULT '',
  labels               TEXT NOT NULL DEFAULT '{}',  -- JSON object
  retired              INTEGER NOT NULL DEFAULT 0,
  last_collection      INTEGER,
  last_success         INTEGER,
  last_error_kind      TEXT NOT NULL DEFAULT '',
  last_error_message   TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  collection_failing_since INTEGER,               -- first failure of the current run of them
  host_key_fingerprint TEXT NOT NULL DEFAULT '',
  latest_version_id    INTEGER,
  drift                INTEGER,                   -- NULL: no intended config; 0 same; 1 differs
  intended_diff        TEXT NOT NULL DEFAULT ''
);

-- Config texts, once per distinct content (devices with equal configs share one row).
CREATE TABLE blobs (
  id     INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,  -- lower-case hex SHA-256 of text
  bytes  INTEGER NOT NULL,
  text   TEXT NOT NULL
);

-- A device's history: a new row only when the content differs from its latest one.
-- AUTOINCREMENT: ids are never reused, even after retention deleted the newest rows' elders.
CREATE TABLE versions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id    INTEGER NOT NULL REFERENCES devices(id),
  blob_id      INTEGER NOT NULL REFERENCES blobs(id),
  collected_at INTEGER NOT NULL,  -- first collection of this content
  last_seen_at INTEGER NOT NULL   -- last collection that returned it
);
CREATE INDEX versions_by_device ON versions(device_id, id);
CREATE INDEX versions_by_blob ON versions(blob_id);

-- The audit of one version, per control. The latest version's rows are re-audited in place
-- (policy change, waiver expiry), each row naming the policy version it came from.
CREATE TABLE results (
  version_id     INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  control        TEXT NOT NULL,
  title          TEXT NOT NULL,
  severity       TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  message        TEXT NOT NULL,
  evidence       TEXT NOT NULL,  -- JSON [{"line": n, "text": "..."}]
  remediation    TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  audited_at     INTEGER NOT NULL,
  PRIMARY KEY (version_id, control)
) WITHOUT ROWID;

-- Per device x control: the last definite verdict (pass, fail, waived, not_applicable;
-- unknown and error leave it as it was) and since when, when the current failure began and
-- when the last one cleared.
CREATE TABLE control_state (
  device_id     INTEGER NOT NULL REFERENCES devices(id),
  control       TEXT NOT NULL,
  verdict       TEXT NOT NULL,
  since         INTEGER NOT NULL,
  failing_since INTEGER,
  last_cleared  INTEGER,
  PRIMARY KEY (device_id, control)
) WITHOUT ROWID;

-- What happened, for the API and for alerts (issue 11 adds its outbox beside it, written in the
-- same transaction). AUTOINCREMENT: an id is never reused, so it can be an idempotency key.
CREATE TABLE events (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  type     TEXT NOT NULL,
  device   TEXT NOT NULL DEFAULT '',
  control  TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL DEFAULT '',
  details  TEXT NOT NULL DEFAULT '{}'  -- JSON object, keys per type in docs/serve.md
);
CREATE INDEX events_by_at ON events(at);
CREATE INDEX events_by_device ON events(device, id);
CREATE INDEX events_by_type ON events(type, id);
)sql"};

// The latest version's results summed up per device (JSON {"verdict": n} and {"severity":
// failing n}), written with each commit, so listing 10,000 devices for /metrics reads 10,000
// rows instead of summing every result.
constexpr Migration version_2{2, R"sql(
ALTER TABLE devices ADD COLUMN verdict_counts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE devices ADD COLUMN failing_by_severity TEXT NOT NULL DEFAULT '{}';
UPDATE devices SET
  verdict_counts = coalesce((SELECT json_group_object(verdict, n) FROM
    (SELECT verdict, count(*) AS n FROM results WHERE version_id = devices.latest_version_id
     GROUP BY verdict)), '{}'),
  failing_by_severity = coalesce((SELECT json_group_object(severity, n) FROM
    (SELECT severity, count(*) AS n FROM results WHERE version_id = devices.latest_version_id
     AND verdict = 'fail' GROUP BY severity)), '{}');
)sql"};

constexpr std::array migrations{version_1, version_2};

}  // namespace

int current_version() {
  return migrations.back().version;
}

void migrate(sqlite::Connection& connection, int from_version) {
  for (const Migration& step : migrations) {
    if (step.version <= from_version) continue;
    sqlite::Transaction transaction(connection, sqlite::Transaction::Mode::immediate);
    connection.exec(step.sql);
    connection.exec(("PRAGMA user_version = " + std::to_string(step.version)).c_str());
    transaction.commit();
  }
}

}  // namespace netaudit::store::schema
