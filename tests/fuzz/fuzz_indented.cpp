// libFuzzer target: the indented parser on arbitrary input, then a walk of the whole tree.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return netaudit::fuzz::parse_and_walk(data, size, netaudit::Syntax::indented);
}
