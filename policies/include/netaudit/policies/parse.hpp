// Parsers per syntax family, and reading a config from disk with its safety checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/config_tree.hpp"

namespace netaudit {

enum class Syntax {
  indented,  // IOS family, ASA, EOS, VRP, SR OS classic, ProCurve/Aruba ...
  braces,    // Junos, VyOS config.boot, SR OS MD-CLI, PAN-OS brace form
  set,       // Junos display set, VyOS commands, PAN-OS set
  block,     // FortiOS config/edit/set/next/end
  menu,      // RouterOS `/ip service` sections
  xml,       // NETCONF replies, Junos/PAN-OS XML
};

std::string_view to_string(Syntax syntax);
std::optional<Syntax> syntax_from_string(std::string_view name);

struct Diagnostic {
  std::uint32_t line = 0;  // 1-based; 0 when it concerns the whole input
  std::string message;
};

struct ParseResult {
  ConfigTree tree;
  std::vector<Diagnostic> warnings;  // best effort: the tree holds everything still usable
};

// Parses `text` in the given family. Never throws on bad content: problems become warnings
// that name the line, and the rest of the input is still parsed.
ParseResult parse_config(std::string text, Syntax syntax);

// The raw text of a config file after the input checks every subcommand shares.
struct SourceText {
  std::string text;                  // UTF-8 BOM removed
  std::vector<Diagnostic> warnings;  // e.g. NUL bytes replaced, invalid UTF-8 seen
};

struct InputLimits {
  std::size_t max_bytes = 64u * 1024u * 1024u;
};

// Reads a config file. Returns an error message (naming the file and the reason) for
// unreadable, empty, oversized or binary input.
struct LoadResult {
  std::optional<SourceText> source;
  std::string error;
};
LoadResult load_config_file(const std::string& path, const InputLimits& limits = {});
// The same checks on text already in memory; `origin` names it in messages.
LoadResult check_config_text(std::string text, std::string_view origin,
                             const InputLimits& limits = {});

}  // namespace netaudit
