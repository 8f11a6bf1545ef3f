// Instruction count of one policy evaluation, for callgrind: a steady figure on a shared machine
// whose timings move with the neighbours' load.
//
//   valgrind --tool=callgrind --collect-atstart=no build-rel/bench/audit_instructions
//
// Audits the 10k-line IOS config of bench_audit once to warm up (RE2 builds its automata
// lazily), then once more with collection on; callgrind prints "Collected : N".
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

#include "audit_inputs.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/parse.hpp"

int main() {
  using namespace netaudit;
  const policy::Policy& policy = bench::shipped();
  const std::string text = bench::ios_10k();
  const ParseResult parsed = parse_config(text, Syntax::indented);
  policy::AuditOptions options;
  options.today = "2026-01-01";
  std::size_t findings = 0;
  for (int run = 0; run < 2; ++run) {
    if (run == 1) CALLGRIND_TOGGLE_COLLECT;
    findings +=
        policy::audit_tree(policy, parsed.tree, "cisco_ios", "big.cfg", options).findings.size();
    if (run == 1) CALLGRIND_TOGGLE_COLLECT;
  }
  std::cout << findings / 2 << " findings per audit\n";
  return 0;
}
