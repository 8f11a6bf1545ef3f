// A fixed redaction key for tests (never a real installation's key): markers are then the
// same on every run, and a test can compute the marker it expects.
#pragma once

#include <memory>
#include <string>

#include "netaudit/secrets/redaction.hpp"

namespace netaudit::test {

inline std::shared_ptr<const secrets::RedactionKey> redaction_key() {
  static const auto key = std::make_shared<const secrets::RedactionKey>(
      secrets::RedactionKey::from_bytes(std::string(secrets::RedactionKey::kSize, 'k')));
  return key;
}

inline std::string marker(std::string_view secret) {
  return redaction_key()->marker(secret);
}

}  // namespace netaudit::test
