// Subcommands of the netaudit binary. Each registers itself on the app; when it runs, its
// callback stores the process exit code in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace netaudit::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // the command worked and found something to act on
inline constexpr int kExitUsage = 2;     // bad arguments or unreadable input

void add_detect_command(CLI::App& app, int& exit_code);
void add_parse_command(CLI::App& app, int& exit_code);
void add_collect_command(CLI::App& app, int& exit_code);
void add_audit_command(CLI::App& app, int& exit_code);
void add_facts_command(CLI::App& app, int& exit_code);
void add_policy_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace netaudit::cli
