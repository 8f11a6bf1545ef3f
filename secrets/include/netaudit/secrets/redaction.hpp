// The one redaction of netaudit: what counts as a secret in a config, and what replaces it.
//
// Used by the collectors (the stored, normalised text), by the policy engine (evidence lines)
// and by the daemon (store, diffs, alerts). Neither collectors nor policies include each other;
// both link this library (netaudit_secrets).
//
// - The vendor knowledge is data: secrets/rules/common.yaml holds the patterns for every
//   platform, secrets/rules/<platform>.yaml those of one platform (one file per platform).
// - Only the secret bytes are masked: a hash scheme (`$6$`, `$2y$`, `$9$`, FortiOS `ENC SH2`),
//   an encryption type digit, ASA's own `*****` mask and the well-known SNMP communities
//   `public`/`private` stay readable, because the audit needs them.
// - The marker is one token of [a-z0-9-] (`redacted-1a2b3c4d5e6f7a8b`): no parser reads it as
//   structure (no quote, brace, `<`, `;`, `=`, `#` or blank), in any syntax family or in XML.
// - Keyed: the 16 hex digits are HMAC-SHA256(per-installation key, secret), so a changed
//   secret changes its marker (a diff shows it) and the marker reveals nothing to someone who
//   does not hold the key (no offline guessing from a list of common passwords).
// - Line-preserving: the redacted text has the same lines as the input, so evidence line
//   numbers refer to the same statements.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit::secrets {

// A key file that cannot be read, created or trusted (wrong size, readable by others). The
// message names the path and the reason, never the key.
class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The per-installation HMAC key: 32 random bytes in a file of mode 0600.
class RedactionKey {
 public:
  static constexpr std::size_t kSize = 32;

  // Reads the key at `file`; when the file does not exist, creates it (and its folder, mode
  // 0700) with 32 bytes from the system's random source, mode 0600, atomically. Throws
  // KeyError naming the path when the file is not a regular file of exactly 32 bytes, is
  // readable or writable by group or others, or cannot be read or written.
  static RedactionKey load_or_create(const std::filesystem::path& file);
  // Reads an existing key (the same checks); never creates one.
  static RedactionKey load(const std::filesystem::path& file);
  // A key from bytes already in memory (tests, a key handed over by a parent process).
  static RedactionKey from_bytes(std::string_view bytes);

  // The command line's per-user key: $XDG_STATE_HOME/netaudit/redaction.key, else
  // ~/.local/state/netaudit/redaction.key ($HOME). Throws KeyError when neither is set.
  static std::filesystem::path default_path();

  // "redacted-" + the first 16 hex digits of HMAC-SHA256(key, secret).
  std::string marker(std::string_view secret) const;

  RedactionKey(const RedactionKey&) = default;
  RedactionKey& operator=(const RedactionKey&) = default;
  ~RedactionKey();

 private:
  RedactionKey() = default;
  std::array<unsigned char, kSize> bytes_{};
};

// What replaces a secret. The keyed form is RedactionKey::marker; without a key (evidence of a
// file audited on the command line) the marker is the plain word `redacted`.
using MarkerFn = std::function<std::string(std::string_view secret)>;
inline constexpr std::string_view kMarkerPrefix = "redacted";
MarkerFn unkeyed_marker();
MarkerFn keyed_marker(std::shared_ptr<const RedactionKey> key);
// True for `redacted` and `redacted-<16 hex>`: a value already masked stays as it is.
bool is_marker(std::string_view value);

// Lower-case hex SHA-256 (64 digits) of `data`: a content hash (a stored config's identity),
// never a marker for a secret.
std::string sha256_hex(std::string_view data);

// Where the rule files live: $NETAUDIT_SECRETS_DIR if set, else the source tree's
// secrets/rules.
std::filesystem::path default_rules_dir();

// The secret rules of one platform: common.yaml plus <platform>.yaml. Immutable once built,
// shareable between threads.
class SecretRules {
 public:
  // common.yaml plus <dir>/<platform>.yaml when that file exists (a platform without its own
  // file gets the common rules). Cached per (dir, platform). Throws std::runtime_error naming
  // the file, the line and the pattern on a bad rule file.
  static std::shared_ptr<const SecretRules> for_platform(
      std::string_view platform, const std::filesystem::path& dir = default_rules_dir());
  // The platform names that have a rule file in `dir`, sorted.
  static std::vector<std::string> platforms(const std::filesystem::path& dir = default_rules_dir());

  ~SecretRules();
  SecretRules(const SecretRules&) = delete;
  SecretRules& operator=(const SecretRules&) = delete;

  // Masks every secret in `text` (a whole config, or one line): each secret's bytes become
  // marker(secret); everything else, line breaks included, is unchanged. Lines starting with
  // `no ` are left alone. Returns the number of secrets masked through `count`.
  std::string redact(std::string_view text, const MarkerFn& marker,
                     std::size_t* count = nullptr) const;

  // The secret values the rules capture in `text`, in order of appearance, without the parts
  // that stay readable (scheme prefixes, public/private, markers). For tests: none of them
  // may survive redact().
  std::vector<std::string> secrets_in(std::string_view text) const;

  struct Impl;

 private:
  explicit SecretRules(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::secrets
