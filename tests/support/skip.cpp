#include "skip.hpp"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace netaudit::test {
namespace {
std::atomic<int> skips{0};
}  // namespace

bool skips_forbidden() {
  const char* value = std::getenv("NETAUDIT_NO_SKIP");
  return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
}

void record_skip(const std::string& reason) {
  ++skips;
  std::cout << "SKIPPED: " << reason << std::endl;
}

int skipped_count() {
  return skips.load();
}

std::string corpus_absent_reason() {
  return "the shared corpus is absent (no ../shared/corpus next to the checkout, and "
         "$NETAUDIT_CORPUS unset or not a folder)";
}

}  // namespace netaudit::test
