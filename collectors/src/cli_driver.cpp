// CLI driver: PTY shell with tail-only prompt detection, or exec channels.
#include "netaudit/collectors/cli_driver.hpp"

#include <libssh/libssh.h>

#include <algorithm>

#include "compiled_profile.hpp"
#include "netaudit/collectors/errors.hpp"
#include "printable.hpp"

namespace netaudit::collectors {
namespace {

constexpr std::size_t kTailBytes = 256;

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::string_view trim(std::string_view text) {
  text = trim_right(text);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  return text;
}

// The text after the last line break within the last kTailBytes, after the last '\r' (a
// carriage return overwrites the line on a terminal). Empty optional when the last line is
// longer than kTailBytes: prompts are short.
std::optional<std::string_view> last_line(std::string_view buffer) {
  const std::size_t from = buffer.size() > kTailBytes ? buffer.size() - kTailBytes : 0;
  std::string_view tail = buffer.substr(from);
  const std::size_t newline = tail.rfind('\n');
  if (newline == std::string_view::npos && from > 0) return std::nullopt;
  std::string_view line = newline == std::string_view::npos ? tail : tail.substr(newline + 1);
  while (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  // A carriage return inside the line overwrites it: what shows is after the last one.
  if (const std::size_t cr = line.rfind('\r'); cr != std::string_view::npos)
    line = line.substr(cr + 1);
  return line;
}

// Removes ANSI CSI sequences (ESC [ params final) and applies backspaces, as a terminal would.
std::string terminal_render(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\x1b') {
      if (i + 1 < line.size() && line[i + 1] == '[') {
        i += 2;
        while (i < line.size() && !(line[i] >= '@' && line[i] <= '~'))
          ++i;
      } else {
        ++i;  // two-byte escape
      }
      continue;
    }
    if (c == '\b') {
      if (!out.empty()) out.pop_back();
      continue;
    }
    if (c == '\0' || c == '\a') continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- PromptMatcher

PromptMatcher::PromptMatcher(const Profile& profile) : compiled_(profile.compiled) {
  if (!profile.compiled)
    throw CollectError(ErrorKind::profile_error,
                       "profile '" + profile.platform + "' was not loaded with load_profile()");
}

std::optional<std::string_view> PromptMatcher::trailing_prompt(std::string_view buffer) const {
  const std::optional<std::string_view> line = last_line(buffer);
  if (!line || line->empty()) return std::nullopt;
  const std::string rendered = terminal_render(*line);
  for (const auto& regex : compiled_->prompts) {
    if (re2::RE2::FullMatch(rendered, *regex)) return line;
  }
  return std::nullopt;
}

bool PromptMatcher::at_prompt(std::string_view buffer) const {
  return trailing_prompt(buffer).has_value();
}

const re2::RE2& PromptMatcher::more_regex() const {
  return *compiled_->more;
}

bool PromptMatcher::is_prompt_context(std::string_view line) const {
  return compiled_->prompt_context && re2::RE2::FullMatch(line, *compiled_->prompt_context);
}

bool PromptMatcher::at_more(std::string_view buffer) const {
  const std::size_t from = buffer.size() > kTailBytes ? buffer.size() - kTailBytes : 0;
  std::string_view tail = buffer.substr(from);
  const std::size_t newline = tail.rfind('\n');
  if (newline != std::string_view::npos) tail = tail.substr(newline + 1);
  return re2::RE2::PartialMatch(tail, *compiled_->more);
}

// ---------------------------------------------------------------- clean_command_output

std::string clean_command_output(std::string_view raw, std::string_view command,
                                 const PromptMatcher& prompts) {
  std::string_view body = raw;
  // Drop the trailing prompt (the text after the last line break).
  if (prompts.trailing_prompt(body)) {
    const std::size_t newline = body.rfind('\n');
    body = newline == std::string_view::npos ? std::string_view{} : body.substr(0, newline + 1);
    // A context line just above the prompt belongs to it (SR OS MD-CLI "[/]").
    if (!body.empty()) {
      const std::size_t previous = body.rfind('\n', body.size() - 2);
      const std::size_t start = previous == std::string_view::npos ? 0 : previous + 1;
      std::string_view line = body.substr(start, body.size() - 1 - start);
      while (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (prompts.is_prompt_context(line)) body = body.substr(0, start);
    }
  }
  std::string out;
  out.reserve(body.size());
  bool first = true;
  std::size_t start = 0;
  const std::string_view wanted = trim(command);
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (const std::size_t cr = line.rfind('\r'); cr != std::string_view::npos)
      line = line.substr(cr + 1);  // terminal overwrite: what is visible is after the last \r
    std::string rendered = terminal_render(line);
    // Pager leftovers: a "--More--" that shares a line with the following output.
    re2::StringPiece match;
    if (re2::RE2::PartialMatch(rendered, prompts.more_regex(), &match)) {
      const auto at = static_cast<std::size_t>(match.data() - rendered.data());
      std::size_t cut_end = at + match.size();
      while (cut_end < rendered.size() && rendered[cut_end] == ' ')
        ++cut_end;
      rendered.erase(at, cut_end - at);
      if (trim(rendered).empty() && at == 0) {
        first = false;
        continue;
      }
    }
    if (first) {
      first = false;
      // The echo of the command (possibly after a prompt that was not consumed).
      const std::string_view visible = trim_right(rendered);
      if (!wanted.empty() && visible.size() >= wanted.size() &&
          visible.substr(visible.size() - wanted.size()) == wanted)
        continue;
    }
    out.append(rendered);
    out.push_back('\n');
  }
  return out;
}

// ---------------------------------------------------------------- CliDriver

struct CliDriver::Impl {
  SshSession& session;
  const Profile& profile;
  PromptMatcher prompts;
  std::optional<SshChannel> shell;
  std::string learned_prompt;  // trimmed first prompt: later prompts must equal it

  Impl(SshSession& s, const Profile& p) : session(s), profile(p), prompts(p) {}

  std::string where() const {
    const DeviceTarget& t = session.target();
    return t.display_name() + " (" + t.host + ":" + std::to_string(t.port) + ")";
  }

  bool prompt_seen(std::string_view buffer, bool need_line_break) const {
    const std::optional<std::string_view> line = prompts.trailing_prompt(buffer);
    if (!line) return false;
    if (need_line_break && buffer.find('\n') == std::string_view::npos) return false;
    return learned_prompt.empty() || trim(terminal_render(*line)) == learned_prompt;
  }

  // Reads into `buffer` until a prompt ends it. First phase (banner/MOTD): any prompt matching
  // the profile. Command phase: only the learned prompt, after the echo's line break.
  void read_until_prompt(std::string& buffer, Deadline deadline, std::string_view command) {
    const bool first_phase = command.empty();
    for (;;) {
      if (prompt_seen(buffer, !first_phase)) {
        // Settle: a prompt-like line in the middle of a burst is not the end.
        if (ssh_channel_poll(shell->native(), 0) <= 0) return;
      } else if (prompts.at_more(buffer)) {
        // Cut the pager prompt so that it neither re-triggers nor reaches the output.
        const std::size_t newline = buffer.rfind('\n');
        buffer.resize(newline == std::string::npos ? 0 : newline + 1);
        shell->write(profile.more_response, deadline);
      }
      std::size_t got = 0;
      try {
        got = shell->read_some(buffer, deadline);
      } catch (const CollectError& error) {
        if (error.kind() != ErrorKind::timeout) throw;
        if (first_phase && !buffer.empty()) {
          const std::optional<std::string_view> line = last_line(buffer);
          throw CollectError(ErrorKind::prompt_not_found,
                             where() + ": no prompt of platform " + profile.platform +
                                 " matched before the deadline; last line received: '" +
                                 printable_excerpt(line ? *line : std::string_view{}, 80) + "'");
        }
        throw CollectError(ErrorKind::timeout,
                           where() +
                               (first_phase ? ": no prompt (no output at all)"
                                            : ": timed out waiting for the prompt after '" +
                                                  std::string(command) + "'") +
                               " (" + std::to_string(buffer.size()) + " bytes received)");
      }
      if (got == 0)
        throw CollectError(
            ErrorKind::disconnected,
            where() + ": the device closed the session " +
                (first_phase ? std::string("before the first prompt")
                             : "before the prompt returned after '" + std::string(command) + "'") +
                "; output discarded");
    }
  }

  std::string run_shell(std::string_view command, Deadline deadline) {
    shell->write(std::string(command) + "\n", deadline);
    std::string buffer;
    read_until_prompt(buffer, deadline, command);
    return clean_command_output(buffer, command, prompts);
  }

  std::string run_exec(std::string_view command, Deadline deadline) {
    SshChannel channel = session.open_exec(command, deadline);
    std::string buffer;
    try {
      while (channel.read_some(buffer, deadline) > 0) {
      }
    } catch (const CollectError& error) {
      if (error.kind() != ErrorKind::timeout) throw;
      throw CollectError(ErrorKind::timeout,
                         where() + ": timed out running '" + std::string(command) + "' (" +
                             std::to_string(buffer.size()) + " bytes received)");
    }
    const int status = channel.exit_status(deadline);
    if (status != 0)
      throw CollectError(status < 0 ? ErrorKind::incomplete_output : ErrorKind::protocol_error,
                         where() + ": '" + std::string(command) + "' " +
                             (status < 0 ? std::string("ended without an exit status")
                                         : "exited with status " + std::to_string(status)) +
                             "; output discarded");
    std::string out;
    out.reserve(buffer.size());
    for (char c : buffer)
      if (c != '\r') out.push_back(c);
    return out;
  }
};

CliDriver::CliDriver(SshSession& session, const Profile& profile)
    : impl_(std::make_unique<Impl>(session, profile)) {}

// After a failure the session is abandoned without the polite exit: the channel is closed and
// freed, and nothing more is sent that could wait on a stuck device.
CliDriver::~CliDriver() = default;

void CliDriver::open(Deadline deadline) {
  if (impl_->profile.mode == SessionMode::exec || impl_->shell) return;
  impl_->shell.emplace(impl_->session.open_shell(deadline));
  std::string banner;
  impl_->read_until_prompt(banner, deadline, {});
  const std::optional<std::string_view> prompt = impl_->prompts.trailing_prompt(banner);
  impl_->learned_prompt = std::string(trim(terminal_render(prompt.value_or(""))));
  for (const std::string& command : impl_->profile.paging_off_commands)
    run(command, deadline);
}

std::string CliDriver::run(std::string_view command, Deadline deadline) {
  if (!is_read_only_command(command))
    throw CollectError(ErrorKind::refused_command, "refusing to send '" + std::string(command) +
                                                       "': not on the read-only allow-list");
  if (impl_->profile.mode == SessionMode::exec) return impl_->run_exec(command, deadline);
  if (!impl_->shell) open(deadline);
  return impl_->run_shell(command, deadline);
}

std::string CliDriver::fetch_config(std::chrono::milliseconds per_command, Deadline job_deadline) {
  std::string config;
  for (const std::string& command : impl_->profile.fetch_commands)
    config += run(command, Deadline::after(per_command).min(job_deadline));
  if (impl_->profile.compiled->end_marker &&
      !re2::RE2::PartialMatch(config, *impl_->profile.compiled->end_marker))
    throw CollectError(ErrorKind::incomplete_output,
                       impl_->where() + ": the output lacks the end marker '" +
                           impl_->profile.end_marker + "' of platform " + impl_->profile.platform +
                           "; treating it as truncated");
  return config;
}

void CliDriver::close() {
  if (!impl_ || !impl_->shell) return;
  try {
    if (!impl_->profile.exit_command.empty())
      impl_->shell->write(impl_->profile.exit_command + "\n",
                          Deadline::after(std::chrono::seconds(1)));
    impl_->shell->send_eof();
  } catch (const CollectError&) {
    // Best effort: the session is going away anyway.
  }
  impl_->shell.reset();
}

}  // namespace netaudit::collectors
