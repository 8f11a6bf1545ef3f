// The store's schema and its migrations. The schema version is SQLite's PRAGMA user_version;
// PRAGMA application_id marks the file as a netaudit store.
//
// Adding to the schema (e.g. issue 11's outbox `deliveries` table): append one Migration to
// the list in schema.cpp with the next version number and the SQL that takes version N-1 to N.
// Never edit a migration that has shipped: a store already at that version would not rerun it.
#pragma once

#include <cstdint>

#include "store/sqlite.hpp"

namespace netaudit::store::schema {

inline constexpr std::int32_t application_id = 0x4e544144;  // "NTAD"

// The version this build writes (the last migration's).
int current_version();

// Brings a store at `from_version` (0 = empty) to current_version(), each step in its own
// transaction together with the user_version bump, so a crash mid-migration leaves the last
// complete version.
void migrate(sqlite::Connection& connection, int from_version);

}  // namespace netaudit::store::schema
