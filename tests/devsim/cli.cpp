#include "cli.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace devsim {
namespace {

constexpr std::size_t kPageLines = 24;
constexpr std::size_t kMaxLineLength = 4096;  // bounded memory per session
// Noise instead of a prompt: no platform's prompt pattern can match its last line.
constexpr std::string_view kGarbage = "\x1b[?25l%%\x07~~ \xfe\xff ^@^@ -- $NOISE ~~ \x1b[0m~~";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

}  // namespace

void Terminal::pause_ms(int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping() && std::chrono::steady_clock::now() < until) {
    const auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

CliSession::CliSession(const Device& device, const Platform& platform, std::string user,
                       Terminal& terminal, AuditLog& audit)
    : device_(device),
      platform_(platform),
      user_(std::move(user)),
      terminal_(terminal),
      audit_(audit) {}

void CliSession::prompt() {
  if (device_.fault == Fault::garbage_prompt) {
    terminal_.write(std::string("\r\n") + std::string(kGarbage));
    return;
  }
  std::string text = replace_all(std::string(platform_.prompt), "{name}", device_.name);
  text = replace_all(std::move(text), "{user}", user_);
  terminal_.write(text);
}

void CliSession::start_shell() {
  if (device_.fault == Fault::hang_after_login) return;
  if (!device_.banner.empty()) terminal_.write(to_crlf(device_.banner) + "\r\n");
  terminal_.write("\r\n");
  prompt();
}

void CliSession::error_line(std::string_view templ, std::string_view command) {
  std::string text(templ);
  if (text.find("{caret}") != std::string::npos) {
    // '^' under the first character of the command: after the prompt's last line.
    std::string_view prompt_text = platform_.prompt;
    if (auto nl = prompt_text.rfind('\n'); nl != std::string_view::npos) {
      prompt_text = prompt_text.substr(nl + 1);
    }
    std::string shown = replace_all(std::string(prompt_text), "{name}", device_.name);
    shown = replace_all(std::move(shown), "{user}", user_);
    text = replace_all(std::move(text), "{caret}", std::string(shown.size(), ' ') + "^\r\n");
  }
  text = replace_all(std::move(text), "{cmd}", command);
  terminal_.write(text + "\r\n");
}

void CliSession::feed(char c) {
  if (done_ || device_.fault == Fault::hang_after_login) return;
  const bool after_cr = last_was_cr_;
  last_was_cr_ = c == '\r';
  if (c == '\n' && after_cr) return;  // "\r\n" is one Enter
  if (state_ == State::pager) {
    terminal_.write(platform_.pager_erase);
    if (c == 'q' || c == 'Q') {
      pending_.reset();
      state_ = State::command;
      terminal_.write("\r\n");
      prompt();
    } else if (c == '\r' || c == '\n') {
      pump(1);
    } else {
      pump(kPageLines);
    }
    return;
  }
  if (c == '\r' || c == '\n') {
    terminal_.write("\r\n");
    std::string command = collapse_blanks(line_);
    line_.clear();
    execute(command, true);
    return;
  }
  if (c == '\x7f' || c == '\b') {
    if (!line_.empty()) {
      line_.pop_back();
      terminal_.write("\b \b");
    }
    return;
  }
  if (c == '\x03') {  // Ctrl-C drops the line
    line_.clear();
    terminal_.write("^C\r\n");
    prompt();
    return;
  }
  if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return;
  if (line_.size() >= kMaxLineLength) return;
  line_.push_back(c);
  terminal_.write(std::string_view(&c, 1));
}

void CliSession::run_exec(std::string_view command) {
  if (device_.fault == Fault::hang_after_login) {
    while (!terminal_.stopping())
      terminal_.pause_ms(200);
    return;
  }
  paging_ = false;
  execute(collapse_blanks(command), false);
  if (!done_) {
    done_ = true;
    terminal_.end_session(0);
  }
}

void CliSession::execute(const std::string& command, bool interactive) {
  if (command.empty()) {
    if (interactive) prompt();
    return;
  }
  if (command == "exit" || command == "quit" || command == "logout") {
    done_ = true;  // logging out is instant: no injected latency
    terminal_.end_session(0);
    return;
  }
  if (device_.latency_ms > 0) {
    terminal_.pause_ms(device_.latency_ms);
    audit_.latency_injected(device_.latency_ms);
  }
  const auto finish = [&] {
    if (interactive) prompt();
  };
  if (!is_read_only(platform_, command)) {
    audit_.refused(device_.name, interactive ? "shell" : "exec", command);
    error_line(platform_.denied_error, command);
    finish();
    return;
  }
  const auto listed = [&command](const std::vector<std::string_view>& list) {
    return std::find(list.begin(), list.end(), command) != list.end();
  };
  if (listed(platform_.paging_off)) {
    if (device_.fault == Fault::paging_refused) {
      error_line(platform_.denied_error, command);
    } else {
      paging_ = false;
    }
    finish();
    return;
  }
  if (listed(platform_.settings)) {
    finish();
    return;
  }
  if (auto it = device_.commands.find(command); it != device_.commands.end()) {
    start_output(it->second, interactive);
    return;
  }
  for (auto fetch : platform_.fetch) {
    if (command == fetch || (command.size() > fetch.size() + 1 && command.starts_with(fetch) &&
                             command.compare(fetch.size(), 2, " |") == 0)) {
      send_fetch(device_.config, interactive);
      return;
    }
  }
  error_line(platform_.unknown_error, command);
  finish();
}

void CliSession::send_fetch(const std::shared_ptr<const std::string>& config, bool interactive) {
  if (device_.fault == Fault::disconnect_mid_transfer) {
    const std::string text = to_crlf(*config);
    terminal_.write(std::string_view(text).substr(0, text.size() / 2));
    done_ = true;
    terminal_.drop_connection();
    return;
  }
  if (device_.fault == Fault::endless_output) {
    const std::string text = to_crlf(*config);
    while (!terminal_.stopping() && terminal_.write(text)) {
    }
    done_ = true;
    return;
  }
  start_output(config, interactive);
}

void CliSession::start_output(std::shared_ptr<const std::string> text, bool interactive) {
  pending_ = std::move(text);
  pending_pos_ = 0;
  pending_interactive_ = interactive;
  pending_paged_ = interactive && paging_ && !platform_.pager.empty();
  pump(pending_paged_ ? kPageLines : static_cast<std::size_t>(-1));
}

void CliSession::pump(std::size_t max_lines) {
  // Sends up to max_lines lines of the pending output, then the pager prompt or the CLI prompt.
  std::string chunk;
  const std::string& text = *pending_;
  std::size_t lines = 0;
  while (pending_pos_ < text.size() && lines < max_lines) {
    std::size_t end = text.find('\n', pending_pos_);
    if (end == std::string::npos) {
      chunk.append(text, pending_pos_);  // a last line without newline stays without one
      pending_pos_ = text.size();
      break;
    }
    std::string_view line(text.data() + pending_pos_, end - pending_pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // A PTY shows "\r\n"; an exec channel has no PTY and passes the text through.
    chunk.append(line).append(pending_interactive_ ? "\r\n" : "\n");
    pending_pos_ = end + 1;
    ++lines;
    if (chunk.size() >= 16384) {
      if (!terminal_.write(chunk)) return;
      chunk.clear();
    }
  }
  if (pending_pos_ < text.size()) {
    chunk.append(platform_.pager);
    terminal_.write(chunk);
    state_ = State::pager;
    return;
  }
  if (!chunk.empty()) terminal_.write(chunk);
  pending_.reset();
  state_ = State::command;
  if (pending_interactive_) prompt();  // exec sessions end in run_exec instead
}

}  // namespace devsim
