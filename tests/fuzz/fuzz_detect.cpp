// libFuzzer target: the path `netaudit parse FILE` takes — input checks, platform detection,
// then a parse in the detected family and a walk of the tree (fuzz_common.hpp).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  netaudit::fuzz::check_detect_path(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
