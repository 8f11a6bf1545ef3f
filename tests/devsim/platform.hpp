// How each simulated platform's CLI looks: prompt, paging commands, pager, error texts.
// This table is devsim's own (written from vendor documentation), deliberately independent of
// collectors/profiles so that the simulator tests the profiles rather than mirroring them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace devsim {

struct Platform {
  std::string_view name;
  // Prompt template: {name} = device name, {user} = login user.
  std::string_view prompt;
  // Commands that turn paging off (exact, whitespace-collapsed).
  std::vector<std::string_view> paging_off;
  // Read-only session settings accepted silently (width, complete-on-space, ...).
  std::vector<std::string_view> settings;
  // Commands that print the configuration; a fetch command may be followed by " | ...".
  std::vector<std::string_view> fetch;
  // The pager prompt shown after each page while paging is on; empty = this CLI never pages.
  std::string_view pager;
  // What the device prints after a key press at the pager (erases the pager prompt).
  std::string_view pager_erase;
  // Unknown command: {caret} = a line with '^' under the command, {cmd} = the command.
  std::string_view unknown_error;
  // A command the (read-only) account may not run; also the answer when paging-off is refused.
  std::string_view denied_error;
  bool allows_exec = true;  // exec channel requests are served
};

// The platform called `name`, or nullptr.
const Platform* find_platform(std::string_view name);
const std::vector<Platform>& all_platforms();

// Collapses runs of blanks and trims: "show   run " -> "show run".
std::string collapse_blanks(std::string_view text);

// devsim's own read-only rule: true for show/display/admin display-config/export, the platform's
// paging and settings commands, and exit/quit/logout. Everything else is refused and audited.
bool is_read_only(const Platform& platform, std::string_view command);

}  // namespace devsim
