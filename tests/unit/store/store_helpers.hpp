// Building outcomes and findings for the store's tests, and reading the SQLite file directly.
#pragma once

#include <openssl/evp.h>
#include <sqlite3.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "netaudit/policies/audit.hpp"
#include "store/store.hpp"

namespace netaudit::store::testing {

inline policy::Finding finding(const std::string& control, policy::Verdict verdict,
                               policy::Severity severity = policy::Severity::high,
                               std::vector<policy::Evidence> evidence = {}) {
  policy::Finding result;
  result.control = control;
  result.title = "Title of " + control;
  result.severity = severity;
  result.verdict = verdict;
  result.message = control + " is " + std::string(policy::to_string(verdict));
  result.evidence = std::move(evidence);
  result.remediation = "fix " + control;
  return result;
}

inline CollectionOutcome collected(const std::string& device, const std::string& text,
                                   std::vector<policy::Finding> findings, TimestampMs at) {
  CollectionOutcome outcome;
  outcome.device = device;
  outcome.started_at = at - 100;
  outcome.finished_at = at;
  outcome.ok = true;
  outcome.config_text = text;
  outcome.platform = "cisco_ios";
  outcome.findings = std::move(findings);
  outcome.host_key_fingerprint = "SHA256:known";
  return outcome;
}

inline CollectionOutcome failed(const std::string& device, const std::string& kind,
                                TimestampMs at) {
  CollectionOutcome outcome;
  outcome.device = device;
  outcome.started_at = at - 100;
  outcome.finished_at = at;
  outcome.ok = false;
  outcome.error_kind = kind;
  outcome.error_message = "could not collect: " + kind;
  if (kind == "host_key_changed") outcome.host_key_fingerprint = "SHA256:presented";
  return outcome;
}

// Lower-case hex SHA-256, computed here independently of the store's own.
inline std::string independent_sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static constexpr char digits[] = "0123456789abcdef";
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xf];
  }
  return hex;
}

inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A read-only look at the file, for what the Store's interface does not show (row counts).
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + file.string());
    }
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Every row of a query, each column as text ("" for NULL).
  std::vector<std::vector<std::string>> rows(const std::string& sql) const {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("prepare: ") + sqlite3_errmsg(db_) + " in " + sql);
    }
    std::vector<std::vector<std::string>> result;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const auto* text = sqlite3_column_text(statement, column);
        row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
      }
      result.push_back(std::move(row));
    }
    sqlite3_finalize(statement);
    return result;
  }
  std::string value(const std::string& sql) const {
    const auto result = rows(sql);
    return result.empty() || result.front().empty() ? "" : result.front().front();
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace netaudit::store::testing
