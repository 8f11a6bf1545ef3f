// Internal: device output quoted in an error message, safely.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace netaudit::collectors {

// The first `max_bytes` bytes of `bytes`, with every byte outside printable ASCII shown as
// \xNN, so a terminal escape or binary junk from a device cannot garble a log line.
inline std::string printable_excerpt(std::string_view bytes, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes.substr(0, max_bytes)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xF]);
      out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
    }
  }
  return out;
}

}  // namespace netaudit::collectors
