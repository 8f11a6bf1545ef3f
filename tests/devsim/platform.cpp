#include "platform.hpp"

#include <algorithm>

namespace devsim {
namespace {

constexpr std::string_view kIosErase = "\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b";

std::vector<Platform> build_platforms() {
  std::vector<Platform> p;
  p.push_back({"cisco_ios",
               "{name}#",
               {"terminal length 0", "term len 0", "term length 0"},
               {"terminal width 0", "terminal width 511", "terminal width 512", "term width 511",
                "term width 512", "terminal width 132", "terminal no monitor"},
               {"show running-config", "show run", "sh run", "show startup-config"},
               " --More-- ",
               kIosErase,
               "{caret}% Invalid input detected at '^' marker.",
               "% Command authorization failed.",
               false});
  p.push_back({"cisco_nxos",
               "{name}# ",
               {"terminal length 0", "term len 0"},
               {"terminal width 511", "term width 511", "terminal no monitor-force",
                "term no monitor-force"},
               {"show running-config", "show run"},
               "--More--",
               kIosErase,
               "{caret}% Invalid command at '^' marker.",
               "% Permission denied for the role",
               false});
  p.push_back({"cisco_iosxr",
               "RP/0/RP0/CPU0:{name}#",
               {"terminal length 0", "term len 0"},
               {"terminal width 0", "terminal width 511", "terminal width 512", "term width 512",
                "terminal exec prompt no-timestamp"},
               {"show running-config", "admin show running-config"},
               " --More-- ",
               kIosErase,
               "{caret}% Invalid input detected at '^' marker.",
               "% This command is not authorized",
               false});
  p.push_back({"cisco_asa",
               "{name}# ",
               {"terminal pager 0", "terminal pager lines 0"},
               {"terminal width 511", "terminal width 0"},
               {"show running-config", "more system:running-config"},
               "<--- More --->",
               "\r              \r",
               "{caret}ERROR: % Invalid input detected at '^' marker.",
               "Command authorization failed",
               false});
  p.push_back({"arista_eos",
               "{name}#",
               {"terminal length 0", "term len 0"},
               {"terminal width 32767", "terminal width 511", "term width 32767", "term width 511"},
               {"show running-config"},
               " --More-- ",
               kIosErase,
               "% Invalid input",
               "% Authorization denied for command",
               false});
  p.push_back(
      {"juniper_junos",
       "{user}@{name}> ",
       {"set cli screen-length 0"},
       {"set cli screen-width 0", "set cli screen-width 511", "set cli complete-on-space off"},
       {"show configuration"},
       "---(more)---",
       "\r            \r",
       "{caret}unknown command.",
       "error: permission denied",
       true});
  p.push_back({"huawei_vrp",
               "<{name}>",
               {"screen-length 0 temporary"},
               {"screen-width 255", "screen-width 512"},
               {"display current-configuration", "display current-configuration all"},
               "  ---- More ----",
               "\x1b[16D                \x1b[16D",
               "{caret}Error: Unrecognized command found at '^' position.",
               "Error: You do not have permission to run the command or the command is "
               "incomplete.",
               false});
  p.push_back({"nokia_sros",
               "A:{name}# ",
               {"environment no more"},
               {"environment no saved-ind-prompt"},
               {"admin display-config"},
               "Press any key to continue (Q to quit)",
               "\r                                      \r",
               "{caret}Error: Bad command.",
               "MINOR: CLI Command not allowed for this user.",
               false});
  p.push_back(
      {"nokia_sros_md",
       "[/]\r\nA:{user}@{name}# ",
       {"environment more false", "//environment no more", "environment no more"},
       {"environment console width 512"},
       {"admin show configuration", "admin show configuration configure full-context", "info"},
       "Press any key to continue (Q to quit)",
       "\r                                      \r",
       "{caret}MINOR: MGMT_CORE #2201: Unknown element",
       "MINOR: MGMT_CORE #2020: Permission denied",
       false});
  p.push_back(
      {"mikrotik_routeros",
       "[{user}@{name}] > ",
       {},
       {},
       {"/export", "/export terse", "/export hide-sensitive", "/export show-sensitive", "export"},
       "",
       "",
       "bad command name {cmd} (line 1 column 1)",
       "not enough permissions (9)",
       true});
  p.push_back({"fortinet_fortios",
               "{name} # ",
               {},
               {},
               {"show", "show full-configuration"},
               "--More-- ",
               "\r         \r",
               "Unknown action 0\r\nCommand fail. Return code -1",
               "Command fail. Return code -37",
               false});
  p.push_back({"paloalto_panos",
               "{user}@{name}> ",
               {"set cli pager off"},
               {"set cli scripting-mode on", "set cli terminal width 500",
                "set cli config-output-format default"},
               {"show config running", "show config merged"},
               "lines 1-24 ",
               "\r           \r",
               "Unknown command: {cmd}",
               "Server error : Permission denied",
               false});
  p.push_back({"vyos",
               "{user}@{name}:~$ ",
               {"set terminal length 0"},
               {"set terminal width 0", "terminal length 0"},
               {"show configuration commands", "show configuration"},
               ":",
               "\r \r",
               "\r\n  Invalid command: [{cmd}]\r\n",
               "Permission denied",
               true});
  return p;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  return text.size() >= word.size() && text.substr(0, word.size()) == word &&
         (text.size() == word.size() || text[word.size()] == ' ');
}

}  // namespace

const std::vector<Platform>& all_platforms() {
  static const std::vector<Platform> platforms = build_platforms();
  return platforms;
}

const Platform* find_platform(std::string_view name) {
  for (const auto& platform : all_platforms()) {
    if (platform.name == name) return &platform;
  }
  return nullptr;
}

std::string collapse_blanks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_blank = false;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      pending_blank = !out.empty();
      continue;
    }
    if (pending_blank) out.push_back(' ');
    pending_blank = false;
    out.push_back(c);
  }
  return out;
}

bool is_read_only(const Platform& platform, std::string_view command) {
  const auto listed = [command](const std::vector<std::string_view>& list) {
    return std::find(list.begin(), list.end(), command) != list.end();
  };
  if (listed(platform.paging_off) || listed(platform.settings)) return true;
  // Command separators could smuggle a second command past a prefix check.
  if (command.find(';') != std::string_view::npos) return false;
  static constexpr std::string_view kReadOnlyWords[] = {"show", "display", "exit",
                                                        "quit", "logout",  "info"};
  for (auto word : kReadOnlyWords) {
    if (starts_with_word(command, word)) return true;
  }
  if (starts_with_word(command, "admin display-config") ||
      starts_with_word(command, "admin show")) {
    return true;
  }
  if (command.starts_with("/export") || starts_with_word(command, "export")) return true;
  // Pager/width settings of other platforms are harmless and not writes.
  if (starts_with_word(command, "terminal length") || starts_with_word(command, "terminal width")) {
    return true;
  }
  return false;
}

}  // namespace devsim
