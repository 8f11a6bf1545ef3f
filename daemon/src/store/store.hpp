// The daemon's state: one SQLite file (WAL) holding devices, config versions (redacted text,
// deduplicated by content hash), audit results per version and control with evidence, the
// pass/fail transitions per device x control, and the events that alerts read.
//
// Every write that belongs together commits in ONE transaction (a version, its results, its
// events), so a crash or kill -9 at any moment leaves either all of it or none of it.
// Thread-safe: writes are serialised; reads use their own connection and never wait for a
// write to finish (WAL). Every call blocks on disk I/O: call it from a worker thread, never
// from the event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/audit.hpp"

namespace netaudit::store {

namespace sqlite {
class Connection;  // store/sqlite.hpp
}

// Unix time in milliseconds (UTC). The store keeps every time in this unit.
using TimestampMs = std::int64_t;
TimestampMs now_ms();

using Labels = std::map<std::string, std::string, std::less<>>;

// Why a store could not be opened. The message names the file and says what to do.
class StoreError : public std::runtime_error {
 public:
  enum class Kind {
    io,            // cannot create/read the file or its folder
    corrupt,       // not a SQLite database, or integrity_check failed
    locked,        // another netaudit daemon holds the store
    newer_schema,  // written by a newer netaudit: never touched, never downgraded
  };
  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

// What the inventory says about a device (kept so the API and metrics can show it).
struct DeviceInfo {
  std::string name;
  std::string platform;   // from the inventory, or as detected; may be empty before the first audit
  std::string transport;  // ssh | netconf | file
  std::string host;       // host name / address, or the file path for transport file
  Labels labels;
};

// The result of one collection + audit job, as the pipeline hands it to the store.
struct CollectionOutcome {
  std::string device;
  TimestampMs started_at = 0;
  TimestampMs finished_at = 0;
  bool ok = false;
  // On failure: collectors::to_string(ErrorKind) ("timeout", "host_key_changed", ...) and a
  // message that never contains a secret.
  std::string error_kind;
  std::string error_message;
  std::string host_key_fingerprint;  // "SHA256:..." when the handshake got that far

  // On success: the normalised, redacted config text (what is stored and diffed) and the
  // audit of exactly that text.
  std::string config_text;
  std::string platform;
  std::vector<policy::Finding> findings;
  std::vector<std::string> warnings;
  // Drift from the intended config: nullopt when the device has no intended config; an empty
  // string when it matches; otherwise the redacted unified diff (intended -> actual).
  std::optional<std::string> intended_diff;
};

// One recorded event. `type` is one of: config_changed, compliance_regression,
// compliance_restored, collection_failed, collection_recovered, host_key_changed,
// drift_detected, drift_cleared, policy_changed. `details` holds the type's fields (diff,
// evidence, error kind, per-control counts, ...), documented in docs/serve.md.
struct Event {
  std::int64_t id = 0;  // increasing; the idempotency key of a delivery
  TimestampMs at = 0;
  std::string type;
  std::string device;    // empty for fleet-wide events (policy_changed)
  std::string control;   // empty when not about one control
  std::string severity;  // the control's severity, or "info" / "warning" / "critical"
  nlohmann::json details = nlohmann::json::object();
};

struct VersionInfo {
  std::int64_t id = 0;
  TimestampMs collected_at = 0;  // first time this content was collected
  TimestampMs last_seen_at = 0;  // last collection that returned the same content
  std::string sha256;            // of the stored (redacted) text
  std::size_t bytes = 0;
};

struct EvidenceLine {
  std::uint32_t line = 0;
  std::string text;
};

// The latest verdict of one device on one control.
struct FindingRow {
  std::string device;
  std::string control;
  std::string title;
  std::string severity;  // info | low | medium | high | critical
  std::string verdict;   // pass | fail | unknown | not_applicable | error | waived
  std::string message;
  std::vector<EvidenceLine> evidence;
  std::string remediation;
  std::int64_t version_id = 0;
  std::string policy_version;
  std::optional<TimestampMs> failing_since;  // set while verdict is fail
  std::optional<TimestampMs> last_cleared;   // the last time a failure cleared
};

// The current state of one device, as /api/v1/devices and /metrics show it.
struct DeviceStatus {
  DeviceInfo info;
  bool up = false;  // the last collection succeeded
  std::optional<TimestampMs> last_collection;
  std::optional<TimestampMs> last_success;
  std::optional<TimestampMs> last_change;  // newest version's collected_at
  std::string last_error_kind;             // empty when up
  std::string last_error_message;
  int consecutive_failures = 0;
  std::optional<VersionInfo> latest_version;
  std::map<std::string, int, std::less<>> failing_by_severity;  // severity -> failing controls
  std::map<std::string, int, std::less<>> verdict_counts;       // verdict -> controls
  double compliance_ratio = 0;       // pass / (pass + fail), 1 when nothing applies
  bool drift = false;                // differs from its intended config
  bool has_intended = false;         // the last successful collection had an intended config
  std::string intended_diff;         // redacted unified diff intended -> actual while drift
  std::string host_key_fingerprint;  // of the last successful collection
};

struct FindingFilter {
  std::string device;    // empty: every device
  std::string control;   // empty: every control
  std::string severity;  // empty: every severity; else this one exactly
  std::string verdict;   // empty: every verdict
  std::size_t limit = 10'000;
};

struct EventFilter {
  std::optional<TimestampMs> since;  // events at or after
  std::optional<std::int64_t> after_id;
  std::string type;    // empty: every type
  std::string device;  // empty: every device
  std::size_t limit = 1'000;
};

// What committing one outcome did, for metrics and logs.
struct CommitSummary {
  bool new_version = false;  // content differed from the latest stored version
  std::int64_t version_id = 0;
  std::vector<Event> events;  // the events recorded in the same transaction
};

struct StoreOptions {
  std::size_t keep_versions = 0;  // per device, newest first; 0 = keep all; never the last one
};

// The extension point for issue 11's durable outbox: called inside the write transaction of
// every commit()/commit_policy_change() that records events, after they are inserted (ids
// set), with the write connection. What it writes (e.g. a `deliveries` row per event and
// target, in a table added by a migration in schema.cpp) commits or rolls back together with
// the events; if it throws, the whole commit is rolled back and the exception propagates.
// It runs under the store's write lock: keep it to SQL, no network I/O.
using EventHook =
    std::function<void(sqlite::Connection& connection, const std::vector<Event>& events)>;

class Store {
 public:
  // Opens (creating when absent) and migrates to the current schema. Throws StoreError:
  // corrupt, locked by another daemon (an exclusive lock held for the Store's lifetime),
  // newer schema. Never overwrites or truncates an existing file it cannot use.
  static std::unique_ptr<Store> open(const std::filesystem::path& file, StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static int schema_version();  // of this build
  const std::filesystem::path& file() const;

  // Installs (or, with an empty function, removes) the outbox hook; see EventHook.
  void set_event_hook(EventHook hook);

  // --- writes (each one transaction) ---
  // Adds or updates the inventory's devices; devices absent from `devices` are marked retired
  // (kept with their history, no longer listed as current).
  void sync_devices(const std::vector<DeviceInfo>& devices);
  // Records a collection: on success a new version when the content is new (else last_seen is
  // updated), its results, the transitions, and every event the change implies
  // (config_changed with a unified diff of the redacted texts, compliance_regression /
  // compliance_restored per control, collection_failed / collection_recovered,
  // host_key_changed, drift_detected / drift_cleared). One transaction.
  CommitSummary commit(const CollectionOutcome& outcome, std::string_view policy_version);
  // After a policy change: results of each device's latest version re-audited under the new
  // policy, committed with no per-device regression events, and ONE policy_changed event
  // with, per control, how many devices flipped pass->fail and fail->pass. One transaction.
  struct Reaudit {
    std::string device;
    std::int64_t version_id = 0;
    std::vector<policy::Finding> findings;
  };
  CommitSummary commit_policy_change(const std::vector<Reaudit>& results,
                                     std::string_view old_policy_version,
                                     std::string_view new_policy_version);

  // --- reads ---
  std::vector<DeviceStatus> devices() const;  // current (not retired), by name
  std::optional<DeviceStatus> device(std::string_view name) const;
  std::vector<FindingRow> findings(const FindingFilter& filter) const;
  std::vector<VersionInfo> versions(std::string_view device) const;  // newest first
  // The stored text of a version (latest when nullopt); nullopt when unknown.
  std::optional<std::string> config(std::string_view device,
                                    std::optional<std::int64_t> version_id = std::nullopt) const;
  // The latest version's text and id per current device, for re-audits after a policy change.
  struct LatestConfig {
    std::string device;
    std::string platform;
    std::int64_t version_id = 0;
    std::string text;
  };
  std::vector<LatestConfig> latest_configs() const;
  std::vector<Event> events(const EventFilter& filter) const;  // oldest first
  // The policy version the latest results were computed with ("" for an empty store).
  std::string policy_version() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex SHA-256 (64 digits): the content hash of a stored version.
std::string sha256_hex(std::string_view data);

// A unified diff (3 lines of context, "--- a" / "+++ b" headers with the given labels) of two
// texts; empty when they are equal.
std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_label,
                         std::string_view to_label);

}  // namespace netaudit::store
