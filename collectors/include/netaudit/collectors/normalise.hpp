// Normalisation of a fetched config so that a diff means a real change: volatile lines removed
// (timestamps, uptime, "Last configuration change at"), secrets replaced by a marker that keeps
// a short hash, "<redacted:sha256:1a2b3c4d>", so a changed secret still shows as a change
// without revealing it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/collectors/profile.hpp"

namespace netaudit::collectors {

// "<redacted:sha256:XXXXXXXX>": the first 8 hex digits of SHA-256 of the secret.
std::string redaction_marker(std::string_view secret);
// Lower-case hex SHA-256 (64 digits).
std::string sha256_hex(std::string_view data);

// The common secret and volatile patterns that apply to every platform, on top of the
// profile's own (RE2 syntax; secret patterns have one or more capture groups = the secret).
const std::vector<std::string>& common_secret_patterns();
const std::vector<std::string>& common_volatile_patterns();

struct NormaliseStats {
  std::size_t volatile_lines_removed = 0;
  std::size_t secrets_redacted = 0;
};

class Normaliser {
 public:
  // Common patterns only.
  Normaliser();
  // Common patterns plus the profile's.
  explicit Normaliser(const Profile& profile);
  ~Normaliser();
  Normaliser(Normaliser&&) noexcept;
  Normaliser& operator=(Normaliser&&) noexcept;

  // remove_volatile + redact; line endings become "\n".
  std::string normalise(std::string_view config, NormaliseStats* stats = nullptr) const;
  std::string remove_volatile(std::string_view config, NormaliseStats* stats = nullptr) const;
  std::string redact(std::string_view config, NormaliseStats* stats = nullptr) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::collectors
