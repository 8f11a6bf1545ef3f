// Platform profiles (collectors/profiles/<platform>.yaml): how to talk to a platform's CLI.
//
// Read-only by construction: every command a profile names (paging-off, fetch, exit) must match
// the compiled-in allow-list (is_read_only_command); a profile naming anything else is refused
// at load with the file and the command in the message.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace netaudit::collectors {

enum class SessionMode {
  shell,  // interactive PTY shell: wait for prompt, paging off, send fetch commands
  exec,   // one exec channel per fetch command (Junos, RouterOS); EOF ends the output
};

struct CompiledProfile;  // RE2 objects built at load time (opaque)

struct Profile {
  std::string platform;     // file stem: cisco_ios
  std::string description;  // human text
  std::filesystem::path source_file;
  SessionMode mode = SessionMode::shell;
  // RE2 patterns matched against the LAST LINE of the buffer (the text after the last '\n'),
  // e.g. "[\\w.@()/:-]{1,63}[>#]\\s?". Any one matching ends a command's output.
  std::vector<std::string> prompt_patterns;
  // Optional RE2 for a context line printed just above the prompt (SR OS MD-CLI "[/]"), matched
  // in full; such a line right before the final prompt is removed with it.
  std::string prompt_context;
  // RE2 matched against the tail of the buffer; on a match the driver sends `more_response`
  // (paging fallback when paging-off is refused or absent, e.g. FortiOS).
  std::string more_pattern = "--\\s?[Mm]ore\\s?--";
  std::string more_response = " ";
  std::vector<std::string> paging_off_commands;  // sent once after the first prompt
  std::vector<std::string> fetch_commands;       // outputs concatenated = the config
  std::string exit_command = "exit";             // sent at the end of a shell session
  // Optional RE2 that must match a line of the fetched output for it to count as complete
  // (e.g. IOS "^end$"); empty = the final prompt (shell) or clean EOF (exec) proves it.
  std::string end_marker;
  // Appended to the SSH user name (RouterOS "+ct511w4098h": no colours, wide terminal).
  std::string username_suffix;
  // Normalisation: a volatile pattern (RE2) drops each whole line it matches. The secret rules
  // of a platform are not here but in secrets/rules/<platform>.yaml (netaudit_secrets), shared
  // with the policy engine's evidence; a profile with a `secrets:` key is refused.
  std::vector<std::string> volatile_patterns;

  std::shared_ptr<const CompiledProfile> compiled;  // set by load_profile(); never null after
};

// $NETAUDIT_PROFILE_DIR if set, else the source tree's collectors/profiles.
std::filesystem::path default_profile_dir();

// Loads and validates one profile file. Throws CollectError with kind profile_error (bad YAML,
// missing field, bad regex) or refused_command (a command not on the allow-list).
Profile load_profile(const std::filesystem::path& file);

// Loads `<dir>/<platform>.yaml`; platform must be [a-z0-9_]+.
Profile load_profile_by_name(std::string_view platform,
                             const std::filesystem::path& dir = default_profile_dir());

// Platform names of every *.yaml in dir, sorted.
std::vector<std::string> available_platforms(
    const std::filesystem::path& dir = default_profile_dir());

// The read-only allow-list: true when `command` starts with an allowed prefix (show, display,
// admin display-config, /export, terminal length/width, ...) and contains no command separator
// or newline. Case-sensitive, as devices are.
bool is_read_only_command(std::string_view command);
// The allow-list itself, for documentation and error messages.
const std::vector<std::string_view>& read_only_command_prefixes();

}  // namespace netaudit::collectors
