// The compiled (RE2) side of a Profile, built once at load time and shared by every collection.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <vector>

#include "netaudit/collectors/profile.hpp"

namespace netaudit::collectors {

struct CompiledProfile {
  std::vector<std::unique_ptr<re2::RE2>> prompts;  // full match against the last line
  std::unique_ptr<re2::RE2> more;                  // partial match against the tail
  std::unique_ptr<re2::RE2> prompt_context;        // full match of the line above the prompt
  std::unique_ptr<re2::RE2> end_marker;            // multi-line search; null when none
};

// Builds the compiled side; throws CollectError(profile_error) naming `where` and the pattern.
std::shared_ptr<const CompiledProfile> compile_profile(const Profile& profile,
                                                       const std::string& where);

}  // namespace netaudit::collectors
