// Opening: a corrupt file, a store locked by another daemon (another process or the same one),
// a newer schema and a foreign SQLite database are each refused with the file named, and left
// byte for byte as they were; kill -9 in the middle of commits leaves a whole store.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "store/store.hpp"
#include "store_helpers.hpp"
#include "temp_dir.hpp"

namespace {

using namespace netaudit::store;
using namespace netaudit::store::testing;
using netaudit::policy::Verdict;
using netaudit::test::TempDir;

// Opens `file` expecting a refusal of `kind`; returns the message.
std::string refusal(const std::filesystem::path& file, StoreError::Kind kind) {
  try {
    Store::open(file);
  } catch (const StoreError& error) {
    CHECK(error.kind() == kind);
    CHECK_THAT(error.what(), Catch::Contains(file.string()));
    return error.what();
  }
  FAIL("the store opened: " << file);
  return {};
}

void make_store(const std::filesystem::path& file) {
  auto store = Store::open(file);
  store->commit(collected("r1", "hostname r1\n", {finding("c1", Verdict::pass)}, 1000), "p1");
  store->commit(collected("r1", "hostname r1\nend\n", {finding("c1", Verdict::fail)}, 2000), "p1");
}

void set_pragma(const std::filesystem::path& file, const std::string& pragma) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  const int rc = sqlite3_exec(db, pragma.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close_v2(db);
  REQUIRE(rc == SQLITE_OK);
}

// Waits for a child and returns its exit code (-signal when killed).
int wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1000;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1000;
}

}  // namespace

TEST_CASE("open: a file that is not SQLite is refused and left as it was") {
  const TempDir dir("store-open");
  const auto file = dir.write("netaudit.db", "listen: 127.0.0.1:9870\nstore: oops.db\n");
  const std::string before = file_bytes(file);
  const auto message = refusal(file, StoreError::Kind::corrupt);
  CHECK_THAT(message, Catch::Contains("not a SQLite database"));
  CHECK(file_bytes(file) == before);
}

TEST_CASE("open: a damaged SQLite file fails its integrity check and is left as it was") {
  const TempDir dir("store-open");
  const auto file = dir.path() / "netaudit.db";
  make_store(file);
  {
    // Overwrite the middle of every page after the first with garbage (header kept valid).
    std::string bytes = file_bytes(file);
    REQUIRE(bytes.size() >= 3 * 4096);
    for (std::size_t page = 4096; page + 4096 <= bytes.size(); page += 4096) {
      for (std::size_t i = 8; i < 600; ++i)
        bytes[page + i] = static_cast<char>(0xA5 ^ i);
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  }
  const std::string before = file_bytes(file);
  const auto message = refusal(file, StoreError::Kind::corrupt);
  CHECK_THAT(message, Catch::Contains("damaged"));
  CHECK(file_bytes(file) == before);
}

TEST_CASE("open: a store from a newer schema is refused, never touched") {
  const TempDir dir("store-open");
  const auto file = dir.path() / "netaudit.db";
  make_store(file);
  set_pragma(file, "PRAGMA user_version = " + std::to_string(Store::schema_version() + 1));
  const std::string before = file_bytes(file);
  const auto message = refusal(file, StoreError::Kind::newer_schema);
  CHECK_THAT(message, Catch::Contains("newer netaudit"));
  CHECK(file_bytes(file) == before);
}

TEST_CASE("open: another application's SQLite database is refused") {
  const TempDir dir("store-open");
  const auto file = dir.path() / "other.db";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')", nullptr,
                 nullptr, nullptr);
    sqlite3_close(db);
  }
  const std::string before = file_bytes(file);
  const auto message = refusal(file, StoreError::Kind::corrupt);
  CHECK_THAT(message, Catch::Contains("not a netaudit store"));
  CHECK(file_bytes(file) == before);
}

TEST_CASE("open: a store held by another Store is refused, in this process and another") {
  const TempDir dir("store-open");
  const auto file = dir.path() / "netaudit.db";
  auto holder = Store::open(file);
  holder->commit(collected("r1", "hostname r1\n", {finding("c1", Verdict::pass)}, 1000), "p1");

  const auto message = refusal(file, StoreError::Kind::locked);
  CHECK_THAT(message, Catch::Contains("pid " + std::to_string(::getpid())));

  // Another process: exit 0 when refused as locked, 1 when it opened, 2 on any other error.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 2;
    try {
      Store::open(file);
      code = 1;
    } catch (const StoreError& error) {
      code = error.kind() == StoreError::Kind::locked ? 0 : 2;
    } catch (...) {
    }
    ::_exit(code);
  }
  CHECK(wait_child(child) == 0);

  // Still usable, and free for the next daemon once closed.
  CHECK(holder->versions("r1").size() == 1);
  holder.reset();
  CHECK(Store::open(file)->versions("r1").size() == 1);
}

TEST_CASE("open: kill -9 in the middle of commits leaves no half version") {
  const TempDir dir("store-kill");
  const auto file = dir.path() / "netaudit.db";
  constexpr int controls = 30;
  std::mt19937 random(std::random_device{}());

  for (int round = 0; round < 6; ++round) {
    const bool pruning = round >= 4;  // retention deletes in the same transaction too
    std::int64_t max_id_before = 0;
    if (std::filesystem::exists(file)) {
      const RawDb raw(file);
      max_id_before = std::stoll(raw.value("SELECT coalesce(max(id), 0) FROM versions"));
    }
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      try {
        StoreOptions options;
        options.keep_versions = pruning ? 5 : 0;
        auto store = Store::open(file, options);
        for (int i = 0;; ++i) {
          const std::string device = "r" + std::to_string(i % 13);
          std::string text = "hostname " + device + "\n";
          for (int line = 0; line < 200; ++line) {
            text += " line " + std::to_string(line) + " of commit " + std::to_string(round) + "." +
                    std::to_string(i) + "\n";
          }
          std::vector<netaudit::policy::Finding> findings;
          for (int c = 0; c < controls; ++c) {
            findings.push_back(finding("control." + std::to_string(c),
                                       (i + c) % 3 == 0 ? Verdict::fail : Verdict::pass));
          }
          store->commit(collected(device, text, findings, 1000 + i), "p1");
          const char done = 1;  // after the commit returned: it must survive the kill
          if (::write(pipe_fds[1], &done, 1) != 1) ::_exit(3);
        }
      } catch (...) {
        ::_exit(2);
      }
    }
    ::close(pipe_fds[1]);
    // Let it commit a random number of times, then kill it without warning, mid-write most
    // likely (it commits back to back).
    const int wanted = 1 + static_cast<int>(random() % 40);
    int reported = 0;
    char byte = 0;
    while (reported < wanted && ::read(pipe_fds[0], &byte, 1) == 1)
      ++reported;
    REQUIRE(reported == wanted);
    ::kill(child, SIGKILL);
    CHECK(wait_child(child) == -SIGKILL);
    while (::read(pipe_fds[0], &byte, 1) == 1)
      ++reported;  // commits that finished meanwhile
    ::close(pipe_fds[0]);

    INFO("round " << round << ", commits reported " << reported);
    // Store::open runs PRAGMA quick_check and refuses a damaged file.
    auto store = Store::open(file);
    store.reset();
    const RawDb raw(file);
    CHECK(raw.value("PRAGMA integrity_check") == "ok");
    // Every version has all its results; every device's latest version exists.
    CHECK(raw.value("SELECT count(*) FROM versions v WHERE (SELECT count(*) FROM results r "
                    "WHERE r.version_id = v.id) <> " +
                    std::to_string(controls)) == "0");
    CHECK(raw.value("SELECT count(*) FROM devices d WHERE d.latest_version_id IS NOT NULL AND "
                    "NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = d.latest_version_id)") ==
          "0");
    CHECK(raw.value("SELECT count(*) FROM versions v WHERE NOT EXISTS "
                    "(SELECT 1 FROM blobs b WHERE b.id = v.blob_id)") == "0");
    // Every commit that returned is there (every commit of the loop is a new content).
    const auto max_id = std::stoll(raw.value("SELECT coalesce(max(id), 0) FROM versions"));
    CHECK(max_id >= max_id_before + reported);
    if (!pruning) {
      CHECK(std::stoll(raw.value("SELECT count(*) FROM versions WHERE id > " +
                                 std::to_string(max_id_before))) >= reported);
    }
    // Each config_changed event's new version was committed with it.
    CHECK(raw.value("SELECT count(*) FROM events WHERE type = 'config_changed' AND "
                    "json_extract(details, '$.to_version') > (SELECT max(id) FROM versions)") ==
          "0");
  }
}

TEST_CASE("open: a store of schema 1 is migrated forward with its data") {
  const TempDir dir("store-open");
  const auto file = dir.path() / "netaudit.db";
  {
    auto store = Store::open(file);
    store->commit(collected("r1", "hostname r1\n",
                            {finding("c1", Verdict::pass), finding("c2", Verdict::fail),
                             finding("c3", Verdict::fail, netaudit::policy::Severity::low)},
                            1000),
                  "p1");
  }
  // Back to what schema 1 had: version 2 added the per-device counts.
  set_pragma(file,
             "ALTER TABLE devices DROP COLUMN verdict_counts; "
             "ALTER TABLE devices DROP COLUMN failing_by_severity; PRAGMA user_version = 1");
  auto store = Store::open(file);
  const auto status = store->device("r1");
  REQUIRE(status);
  CHECK(status->verdict_counts.at("pass") == 1);
  CHECK(status->verdict_counts.at("fail") == 2);
  CHECK(status->failing_by_severity.at("high") == 1);
  CHECK(status->failing_by_severity.at("low") == 1);
  store.reset();
  const RawDb raw(file);
  CHECK(raw.value("PRAGMA user_version") == std::to_string(Store::schema_version()));
}
