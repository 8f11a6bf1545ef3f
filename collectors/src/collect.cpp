// collect_config(): one device, one SSH session, one result.
#include "netaudit/collectors/collect.hpp"

#include <fstream>
#include <optional>
#include <system_error>

#include "compiled_profile.hpp"
#include "netaudit/collectors/cli_driver.hpp"
#include "netaudit/collectors/netconf_client.hpp"
#include "netaudit/collectors/normalise.hpp"
#include "netaudit/collectors/ssh_session.hpp"

namespace netaudit::collectors {

std::string read_config_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw CollectError(ErrorKind::unreadable, path.string() + ": no such file");
  if (!std::filesystem::is_regular_file(status))
    throw CollectError(ErrorKind::unreadable, path.string() + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CollectError(ErrorKind::unreadable, path.string() + ": cannot be read");
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw CollectError(ErrorKind::output_too_large,
                         path.string() + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (in.bad()) throw CollectError(ErrorKind::unreadable, path.string() + ": read error");
  return text;
}

CollectResult collect_config(const DeviceTarget& target, const Profile& profile,
                             const CollectOptions& options) {
  const auto started = Deadline::Clock::now();
  const Deadline job = Deadline::after(options.job_timeout);
  CollectResult result;
  DeviceTarget session_target = target;
  if (target.transport == Transport::ssh)
    session_target.credentials.user += profile.username_suffix;

  std::optional<SshSession> session;
  try {
    if (target.transport == Transport::file) {
      result.raw = read_config_file(target.path, options.max_output_bytes);
      result.bytes_received = result.raw.size();
      // A file's platform may be unknown until it is detected: then the caller normalises.
      if (options.normalise && profile.compiled && options.redaction_key)
        result.normalised = Normaliser(profile, options.redaction_key).normalise(result.raw);
      result.elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(Deadline::Clock::now() - started);
      return result;
    }
    if (!profile.compiled)
      throw CollectError(ErrorKind::profile_error,
                         "profile '" + profile.platform + "' was not loaded with load_profile()");
    // Built before connecting: a missing key or a bad rule file costs the device nothing.
    std::optional<Normaliser> normaliser;
    if (options.normalise) {
      if (!options.redaction_key)
        throw CollectError(ErrorKind::profile_error,
                           "no redaction key: the collected config cannot be redacted");
      normaliser.emplace(profile, options.redaction_key);
    }
    session.emplace(session_target, options);
    try {
      session->connect(Deadline::after(options.connect_timeout).min(job));
    } catch (...) {
      result.host_key_fingerprint = session->host_key_fingerprint();
      throw;
    }
    result.host_key_fingerprint = session->host_key_fingerprint();

    if (target.transport == Transport::netconf) {
      NetconfClient client(*session);
      client.open(Deadline::after(options.command_timeout).min(job));
      result.capabilities = client.server_capabilities();
      result.raw = client.get_config(options.netconf_datastore, options.netconf_subtree_filter,
                                     Deadline::after(options.command_timeout).min(job));
      client.close(Deadline::after(std::chrono::seconds(2)).min(job));
    } else {
      CliDriver driver(*session, profile);
      driver.open(Deadline::after(options.command_timeout).min(job));
      result.raw = driver.fetch_config(options.command_timeout, job);
      driver.close();
    }
    if (normaliser) result.normalised = normaliser->normalise(result.raw);
  } catch (const NetconfRpcError& error) {
    result.error = ErrorKind::rpc_error;
    result.message = error.what();
    if (!error.errors().empty()) result.rpc_error_tag = error.errors().front().tag;
  } catch (const CollectError& error) {
    result.error = error.kind();
    result.message = error.what();
  } catch (const std::exception& error) {
    result.error = ErrorKind::protocol_error;
    result.message = target.display_name() + ": " + error.what();
  }
  if (!result.ok()) {
    // Nothing partial leaves this function.
    result.raw.clear();
    result.normalised.clear();
  }
  if (session) result.bytes_received = session->bytes_received();
  result.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Deadline::Clock::now() - started);
  return result;
}

}  // namespace netaudit::collectors
