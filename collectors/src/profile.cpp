// Profile loading (yaml-cpp), validation and the read-only command allow-list.
#include "netaudit/collectors/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <sstream>

#include "compiled_profile.hpp"
#include "netaudit/collectors/errors.hpp"

namespace netaudit::collectors {
namespace {

// Each entry is a sequence of leading words. A command is allowed when its first words equal
// one entry. These only show, page or format output, or end the session; none changes a
// device. Deliberately absent: FortiOS `config system console` / `set output standard` (they
// enter config mode and write the console setting), so FortiOS relies on the --More-- fallback.
const std::vector<std::string_view> kAllowedLeads = {
    "show",
    "display",
    "admin display-config",
    "admin show configuration",
    "info",  // SR OS MD-CLI `info` inside the current (read-only) context
    "/export",
    "terminal length",
    "terminal width",
    "terminal pager",
    "terminal exec prompt no-timestamp",
    "terminal no monitor",
    "screen-length 0 temporary",
    "screen-width",
    "set cli screen-length",
    "set cli screen-width",
    "set cli pager off",
    "set cli scripting-mode on",
    "set cli complete-on-space off",
    "set terminal length",
    "set terminal width",
    "environment no more",
    "environment more false",
    "environment console width",
    "exit",
    "quit",
    "logout",
    "/quit",
};

// Output filters allowed after '|'. Absent on purpose: redirect, tee, append, save, file,
// copy (they write files on the device).
const std::vector<std::string_view> kAllowedFilters = {
    "no-more",      "exclude",      "include",     "begin",       "section",
    "except",       "match",        "grep",        "count",       "last",
    "find",         "display omit", "display set", "display xml", "display inheritance",
    "display json",
};

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t')
      ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool starts_with_words(const std::vector<std::string_view>& words, std::string_view lead) {
  const std::vector<std::string_view> lead_words = split_words(lead);
  if (lead_words.size() > words.size()) return false;
  return std::equal(lead_words.begin(), lead_words.end(), words.begin());
}

bool allowed_segment(std::string_view segment, const std::vector<std::string_view>& leads) {
  const std::vector<std::string_view> words = split_words(segment);
  if (words.empty()) return false;
  return std::any_of(leads.begin(), leads.end(),
                     [&](std::string_view lead) { return starts_with_words(words, lead); });
}

std::vector<std::string> read_string_list(const YAML::Node& node, const std::string& key,
                                          const std::string& where) {
  std::vector<std::string> out;
  const YAML::Node list = node[key];
  if (!list) return out;
  if (list.IsScalar()) {
    out.push_back(list.as<std::string>());
    return out;
  }
  if (!list.IsSequence())
    throw CollectError(ErrorKind::profile_error,
                       where + ": '" + key + "' must be a string or a list of strings");
  for (const YAML::Node& item : list) {
    if (!item.IsScalar())
      throw CollectError(ErrorKind::profile_error, where + ": '" + key + "' line " +
                                                       std::to_string(item.Mark().line + 1) +
                                                       ": expected a string");
    out.push_back(item.as<std::string>());
  }
  return out;
}

std::string read_string(const YAML::Node& node, const std::string& key, std::string fallback) {
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return fallback;
  return value.as<std::string>();
}

std::unique_ptr<re2::RE2> compile(const std::string& pattern, const std::string& where,
                                  const std::string& field) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_unique<re2::RE2>(pattern, options);
  if (!regex->ok())
    throw CollectError(ErrorKind::profile_error,
                       where + ": bad " + field + " pattern '" + pattern + "': " + regex->error());
  return regex;
}

void check_command(const std::string& command, const std::string& where, const std::string& field) {
  if (!is_read_only_command(command))
    throw CollectError(ErrorKind::refused_command,
                       where + ": " + field + " command '" + command +
                           "' is not on the read-only allow-list; refusing to load the profile");
}

}  // namespace

const std::vector<std::string_view>& read_only_command_prefixes() {
  return kAllowedLeads;
}

bool is_read_only_command(std::string_view command) {
  // One command only: no separators, no line breaks, no redirection, no substitution.
  if (command.find_first_of(";\r\n<>`\\") != std::string_view::npos) return false;
  if (command.find("$(") != std::string_view::npos) return false;
  if (command.find("&&") != std::string_view::npos) return false;
  std::size_t bar = command.find('|');
  if (!allowed_segment(command.substr(0, bar), kAllowedLeads)) return false;
  while (bar != std::string_view::npos) {
    const std::size_t next = command.find('|', bar + 1);
    const std::string_view filter = command.substr(
        bar + 1, next == std::string_view::npos ? std::string_view::npos : next - bar - 1);
    if (!allowed_segment(filter, kAllowedFilters)) return false;
    bar = next;
  }
  return true;
}

std::shared_ptr<const CompiledProfile> compile_profile(const Profile& profile,
                                                       const std::string& where) {
  auto compiled = std::make_shared<CompiledProfile>();
  for (const std::string& pattern : profile.prompt_patterns)
    compiled->prompts.push_back(compile(pattern, where, "prompt"));
  compiled->more = compile(profile.more_pattern, where, "more");
  if (!profile.prompt_context.empty())
    compiled->prompt_context = compile(profile.prompt_context, where, "prompt_context");
  if (!profile.end_marker.empty())
    compiled->end_marker = compile("(?m)" + profile.end_marker, where, "end_marker");
  for (const std::string& pattern : profile.volatile_patterns)
    compile(pattern, where, "volatile");
  return compiled;
}

Profile load_profile(const std::filesystem::path& file) {
  const std::string where = file.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(where);
  } catch (const YAML::BadFile&) {
    throw CollectError(ErrorKind::profile_error, where + ": cannot read profile file");
  } catch (const YAML::Exception& error) {
    throw CollectError(ErrorKind::profile_error,
                       where + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  if (!root.IsMap())
    throw CollectError(ErrorKind::profile_error, where + ": a profile must be a YAML mapping");

  Profile profile;
  profile.source_file = file;
  try {
    profile.platform = read_string(root, "platform", file.stem().string());
    profile.description = read_string(root, "description", "");
    const std::string mode = read_string(root, "mode", "shell");
    if (mode == "shell") {
      profile.mode = SessionMode::shell;
    } else if (mode == "exec") {
      profile.mode = SessionMode::exec;
    } else {
      throw CollectError(ErrorKind::profile_error,
                         where + ": mode must be 'shell' or 'exec', not '" + mode + "'");
    }
    profile.prompt_patterns = read_string_list(root, "prompt", where);
    profile.prompt_context = read_string(root, "prompt_context", "");
    profile.more_pattern = read_string(root, "more_pattern", profile.more_pattern);
    profile.more_response = read_string(root, "more_response", profile.more_response);
    profile.paging_off_commands = read_string_list(root, "paging_off", where);
    profile.fetch_commands = read_string_list(root, "fetch", where);
    profile.exit_command = read_string(root, "exit", profile.exit_command);
    profile.end_marker = read_string(root, "end_marker", "");
    profile.username_suffix = read_string(root, "username_suffix", "");
    profile.volatile_patterns = read_string_list(root, "volatile", where);
    if (root["secrets"])
      throw CollectError(ErrorKind::profile_error,
                         where + ":" + std::to_string(root["secrets"].Mark().line + 1) +
                             ": 'secrets' moved to secrets/rules/" + profile.platform +
                             ".yaml (one redaction for collection, evidence and the store)");
  } catch (const YAML::Exception& error) {
    throw CollectError(ErrorKind::profile_error,
                       where + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }

  if (profile.fetch_commands.empty())
    throw CollectError(ErrorKind::profile_error, where + ": 'fetch' names no command");
  if (profile.mode == SessionMode::shell && profile.prompt_patterns.empty())
    throw CollectError(ErrorKind::profile_error, where + ": a shell profile needs 'prompt'");
  for (const std::string& command : profile.paging_off_commands)
    check_command(command, where, "paging_off");
  for (const std::string& command : profile.fetch_commands)
    check_command(command, where, "fetch");
  if (!profile.exit_command.empty()) check_command(profile.exit_command, where, "exit");
  if (profile.username_suffix.find_first_of(" \t\r\n@") != std::string::npos)
    throw CollectError(ErrorKind::profile_error, where + ": bad username_suffix");

  profile.compiled = compile_profile(profile, where);
  return profile;
}

std::filesystem::path default_profile_dir() {
  if (const char* dir = std::getenv("NETAUDIT_PROFILE_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  return NETAUDIT_PROFILE_DIR;
}

Profile load_profile_by_name(std::string_view platform, const std::filesystem::path& dir) {
  const bool valid = !platform.empty() && std::all_of(platform.begin(), platform.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!valid)
    throw CollectError(ErrorKind::profile_error,
                       "bad platform name '" + std::string(platform) + "' (expected [a-z0-9_]+)");
  const std::filesystem::path file = dir / (std::string(platform) + ".yaml");
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::ostringstream known;
    for (const std::string& name : available_platforms(dir))
      known << ' ' << name;
    throw CollectError(ErrorKind::profile_error, "no profile for platform '" +
                                                     std::string(platform) + "' in " +
                                                     dir.string() + "; known:" + known.str());
  }
  return load_profile(file);
}

std::vector<std::string> available_platforms(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace netaudit::collectors
