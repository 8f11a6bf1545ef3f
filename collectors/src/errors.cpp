#include "netaudit/collectors/errors.hpp"

#include "netaudit/collectors/target.hpp"

namespace netaudit::collectors {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none:
      return "none";
    case ErrorKind::invalid_target:
      return "invalid_target";
    case ErrorKind::credential_error:
      return "credential_error";
    case ErrorKind::profile_error:
      return "profile_error";
    case ErrorKind::refused_command:
      return "refused_command";
    case ErrorKind::connect_failed:
      return "connect_failed";
    case ErrorKind::negotiation_failed:
      return "negotiation_failed";
    case ErrorKind::host_key_unknown:
      return "host_key_unknown";
    case ErrorKind::host_key_changed:
      return "host_key_changed";
    case ErrorKind::auth_failed:
      return "auth_failed";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::prompt_not_found:
      return "prompt_not_found";
    case ErrorKind::disconnected:
      return "disconnected";
    case ErrorKind::incomplete_output:
      return "incomplete_output";
    case ErrorKind::output_too_large:
      return "output_too_large";
    case ErrorKind::protocol_error:
      return "protocol_error";
    case ErrorKind::rpc_error:
      return "rpc_error";
    case ErrorKind::unreadable:
      return "unreadable";
  }
  return "unknown";
}

std::string_view to_string(Transport transport) {
  switch (transport) {
    case Transport::ssh:
      return "ssh";
    case Transport::netconf:
      return "netconf";
    case Transport::file:
      return "file";
  }
  return "ssh";
}

std::string_view to_string(HostKeyPolicy policy) {
  return policy == HostKeyPolicy::accept_new ? "accept-new" : "strict";
}

}  // namespace netaudit::collectors
