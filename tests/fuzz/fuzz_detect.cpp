// libFuzzer target: the path `netaudit parse FILE` takes — input checks, platform detection,
// then a parse in the detected family and a walk of the tree.
#include <algorithm>

#include "fuzz_common.hpp"
#include "netaudit/policies/detect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace netaudit;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Detection on the raw bytes: it must cope with anything, not only checked text.
  const Detection raw = detect_platform(input);
  fuzz::check(raw.confidence >= 0.0 && raw.confidence <= 1.0);
  fuzz::check(!raw.reason.empty());
  for (char c : raw.reason)
    fuzz::check(static_cast<unsigned char>(c) >= 0x20);
  const auto& known = known_platforms();
  fuzz::check(raw.platform == kUnknownPlatform ||
              std::find(known.begin(), known.end(), raw.platform) != known.end());
  fuzz::check(raw.platform == kUnknownPlatform || raw.confidence >= kConfidentDetection);
  fuzz::check(raw.syntax == syntax_for_platform(raw.platform, input) ||
              raw.platform == kUnknownPlatform);

  LoadResult loaded = check_config_text(std::string(input), "fuzz-input", InputLimits{1u << 20});
  if (!loaded.source) {
    fuzz::check(loaded.error.starts_with("fuzz-input: "));
    return 0;
  }
  const Detection detection = detect_platform(loaded.source->text);
  ParseResult parsed = parse_config(std::move(loaded.source->text), detection.syntax);
  fuzz::walk_tree(parsed);
  return 0;
}
