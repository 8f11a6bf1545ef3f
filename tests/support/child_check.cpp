#include "child_check.hpp"

#include <signal.h>
#include <string.h>  // strsignal
#include <sys/wait.h>

#include <algorithm>
#include <array>

namespace netaudit::test {

std::string sanitizer_report(std::string_view output) {
  // ASan and LSan: "==123==ERROR: AddressSanitizer: ..."; UBSan: "file:1:2: runtime error: ...";
  // both end with "SUMMARY: <Name>Sanitizer: ...".
  constexpr std::array<std::string_view, 4> markers = {
      "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ", "SUMMARY: "};
  std::size_t first = std::string_view::npos;
  for (const auto marker : markers) {
    for (auto at = output.find(marker); at != std::string_view::npos;
         at = output.find(marker, at + 1)) {
      if (marker == "SUMMARY: " &&
          output.substr(at, 80).find("Sanitizer") == std::string_view::npos) {
        continue;  // a SUMMARY line that is not a sanitizer's
      }
      first = std::min(first, at);
      break;
    }
  }
  if (first == std::string_view::npos) return {};
  const auto line_start = output.rfind('\n', first);
  return std::string(output.substr(line_start == std::string_view::npos ? 0 : line_start + 1));
}

std::string describe_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  }
  return "ended with wait status " + std::to_string(wait_status);
}

std::string child_problem(const CommandResult& result, int expected_exit) {
  std::string problem;
  const bool exited = WIFEXITED(result.wait_status);
  if (!exited || WEXITSTATUS(result.wait_status) != expected_exit) {
    problem = describe_wait_status(result.wait_status) + ", expected exit " +
              std::to_string(expected_exit);
  }
  if (!result.sanitizer_report.empty()) {
    if (!problem.empty()) problem += "; ";
    problem += "sanitizer report:\n" + result.sanitizer_report;
  } else if (!problem.empty()) {
    constexpr std::size_t kTail = 2000;
    const auto& out = result.output;
    problem += "; output" + std::string(out.size() > kTail ? " (end)" : "") + ":\n" +
               out.substr(out.size() > kTail ? out.size() - kTail : 0);
  }
  return problem;
}

}  // namespace netaudit::test
