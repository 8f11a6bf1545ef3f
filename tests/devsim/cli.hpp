// One simulated CLI session: banner, prompt, echo, paging, command dispatch, faults.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "lab.hpp"
#include "platform.hpp"
#include "terminal.hpp"

namespace devsim {

class CliSession {
 public:
  CliSession(const Device& device, const Platform& platform, std::string user, Terminal& terminal,
             AuditLog& audit);

  // Interactive shell: prints the banner and the first prompt.
  void start_shell();
  // Interactive shell: one byte typed by the client.
  void feed(char c);
  // Exec channel: runs one command, then ends the session.
  void run_exec(std::string_view command);

  bool done() const { return done_; }

 private:
  enum class State { command, pager };

  void prompt();
  void execute(const std::string& command, bool interactive);
  void start_output(std::shared_ptr<const std::string> text, bool interactive);
  void pump(std::size_t max_lines);
  void send_fetch(const std::shared_ptr<const std::string>& config, bool interactive);
  void error_line(std::string_view templ, std::string_view command);

  const Device& device_;
  const Platform& platform_;
  std::string user_;
  Terminal& terminal_;
  AuditLog& audit_;

  State state_ = State::command;
  bool paging_ = true;
  bool done_ = false;
  bool last_was_cr_ = false;
  std::string line_;
  // Output waiting behind the pager: the text (shared with the lab) and how far it is sent.
  std::shared_ptr<const std::string> pending_;
  std::size_t pending_pos_ = 0;
  bool pending_paged_ = false;
  bool pending_interactive_ = false;
};

// Output lines with "\r\n" endings (as a PTY shows them).
std::string to_crlf(std::string_view text);

}  // namespace devsim
