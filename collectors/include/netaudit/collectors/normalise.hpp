// Normalisation of a fetched config into the text netaudit stores, diffs and audits: volatile
// lines removed (timestamps, uptime, "Last configuration change at"), so that a diff means a
// real change, and secrets masked by the one redaction (netaudit/secrets/redaction.hpp): each
// secret's bytes become a keyed marker, `redacted-1a2b3c4d5e6f7a8b`, so a changed secret still
// shows as a change without revealing it.
//
// Auditing the normalised text gives the same verdict on every control as auditing the raw
// text (tests/unit/secrets); evidence line numbers then refer to the normalised text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/collectors/profile.hpp"
#include "netaudit/secrets/redaction.hpp"

namespace netaudit::collectors {

using secrets::RedactionKey;
using secrets::sha256_hex;  // lower-case hex SHA-256 of a text (a config's content hash)

// The volatile patterns that apply to every platform, on top of the profile's own (RE2).
const std::vector<std::string>& common_volatile_patterns();

struct NormaliseStats {
  std::size_t volatile_lines_removed = 0;
  std::size_t secrets_redacted = 0;
};

class Normaliser {
 public:
  // Common volatile patterns, common secret rules. Throws std::invalid_argument without a key.
  explicit Normaliser(std::shared_ptr<const RedactionKey> key);
  // The profile's volatile patterns and the secret rules of its platform
  // (secrets/rules/<platform>.yaml).
  Normaliser(const Profile& profile, std::shared_ptr<const RedactionKey> key);
  // For a platform known by name only (the file transport: detected from the content). Uses
  // <profile_dir>/<platform>.yaml when there is one; a platform without a collector profile
  // (netconf, a platform netaudit audits but does not collect) gets the common volatile
  // patterns and the secret rules of that platform. Throws CollectError(profile_error) for a
  // bad name or a broken profile.
  static Normaliser for_platform(std::string_view platform, std::shared_ptr<const RedactionKey> key,
                                 const std::filesystem::path& profile_dir = default_profile_dir());
  ~Normaliser();
  Normaliser(Normaliser&&) noexcept;
  Normaliser& operator=(Normaliser&&) noexcept;

  // remove_volatile + redact: the text to store. Line endings become "\n".
  std::string normalise(std::string_view config, NormaliseStats* stats = nullptr) const;
  std::string remove_volatile(std::string_view config, NormaliseStats* stats = nullptr) const;
  // Line-preserving: the same lines, each secret replaced by its marker; endings become "\n".
  std::string redact(std::string_view config, NormaliseStats* stats = nullptr) const;
  // The marker this normaliser writes for `secret`.
  std::string marker(std::string_view secret) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::collectors
