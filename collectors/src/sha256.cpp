// SHA-256 through OpenSSL's libcrypto (already pulled in by libssh).
#include <openssl/evp.h>

#include <array>
#include <stdexcept>

#include "netaudit/collectors/normalise.hpp"

namespace netaudit::collectors {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::string redaction_marker(std::string_view secret) {
  return "<redacted:sha256:" + sha256_hex(secret).substr(0, 8) + ">";
}

}  // namespace netaudit::collectors
