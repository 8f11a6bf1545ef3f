// The CLI driver: fetches command output from a device's shell (PTY) or exec channels, per its
// platform profile. A transfer counts as complete only when the final prompt (shell) or EOF
// with exit status 0 (exec), plus the profile's end marker if it has one, has been seen;
// otherwise it throws and nothing partial is returned.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "netaudit/collectors/deadline.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/collectors/ssh_session.hpp"

namespace netaudit::collectors {

// Prompt detection on the tail of a buffer only: the text after the last '\n' (capped at the
// last 256 bytes), so cost per read is constant whatever the output size.
class PromptMatcher {
 public:
  explicit PromptMatcher(const Profile& profile);
  // True when the buffer's last line is a prompt.
  bool at_prompt(std::string_view buffer) const;
  // True when the buffer's tail is a pager "--More--" prompt.
  bool at_more(std::string_view buffer) const;
  // The prompt line at the end of buffer, if any ("router1#").
  std::optional<std::string_view> trailing_prompt(std::string_view buffer) const;
  const re2::RE2& more_regex() const;
  // True when `line` is the profile's context line shown above the prompt (MD-CLI "[/]").
  bool is_prompt_context(std::string_view line) const;

 private:
  std::shared_ptr<const CompiledProfile> compiled_;  // shared: outlives a temporary Profile
};

// Turns what the shell sent back after `command` was typed into the command's output:
// normalises "\r\n" to "\n", drops stray '\r', removes pager prompts and their backspace/erase
// sequences, the echoed command line, and the trailing prompt line.
std::string clean_command_output(std::string_view raw, std::string_view command,
                                 const PromptMatcher& prompts);

class CliDriver {
 public:
  CliDriver(SshSession& session, const Profile& profile);
  ~CliDriver();
  CliDriver(const CliDriver&) = delete;
  CliDriver& operator=(const CliDriver&) = delete;

  // Shell mode: opens the PTY shell, skips the banner/MOTD by waiting for the first prompt and
  // sends the paging-off commands. Exec mode: nothing to do.
  void open(Deadline deadline);
  // Runs one read-only command (refused_command if not on the allow-list) and returns its
  // cleaned output. Shell: until the prompt reappears; exec: until EOF.
  std::string run(std::string_view command, Deadline deadline);
  // Runs every fetch command of the profile and concatenates the outputs; checks end_marker.
  std::string fetch_config(std::chrono::milliseconds per_command, Deadline job_deadline);
  // Sends the exit command (shell) and closes; harmless if already closed.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::collectors
