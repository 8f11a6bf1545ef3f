// The one high-level entry point: collect one device's running config.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/collectors/target.hpp"

namespace netaudit::collectors {

struct CollectResult {
  ErrorKind error = ErrorKind::none;
  std::string message;     // empty on success; never contains a credential
  std::string raw;         // the complete config as fetched (echo/prompt removed); empty on error
  std::string normalised;  // volatile lines removed, secrets redacted (if options.normalise)
  std::string host_key_fingerprint;       // "SHA256:..." once the handshake got that far
  std::vector<std::string> capabilities;  // NETCONF server capabilities
  std::string rpc_error_tag;              // NETCONF <error-tag> when error == rpc_error
  std::size_t bytes_received = 0;
  std::chrono::milliseconds elapsed{0};

  bool ok() const { return error == ErrorKind::none; }
};

// Connects, verifies the host key, authenticates, fetches (CLI per profile, or NETCONF
// get-config when target.transport == netconf), proves completeness, normalises, disconnects.
// Never throws for device/network problems: they come back as result.error. Blocking; safe to
// call from many threads at once (one SSH session each). The whole call is bounded by
// options.job_timeout.
// Transport file reads target.path instead (no session; the profile may be unloaded when the
// platform is yet to be detected, and then nothing is normalised).
CollectResult collect_config(const DeviceTarget& target, const Profile& profile,
                             const CollectOptions& options);

// A config file read whole, at most max_bytes. Throws CollectError: unreadable (missing, not a
// regular file, read error) or output_too_large.
std::string read_config_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace netaudit::collectors
