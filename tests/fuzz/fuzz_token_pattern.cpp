// Differential fuzzing of the engine's token matcher against RE2 (token_pattern_check.hpp): the
// input's first line is a pattern, the rest a statement. A difference aborts.
#include <cstddef>
#include <cstdint>

#include "token_pattern_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (netaudit::fuzz::compare_token_pattern_with_re2(input) ==
      netaudit::fuzz::TokenCheck::differs) {
    __builtin_trap();
  }
  return 0;
}
