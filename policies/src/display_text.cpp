#include "netaudit/policies/display_text.hpp"

#include <cstdint>

namespace netaudit {
namespace {

// Decodes the UTF-8 sequence at text[i] into `cp`; returns its length, or 0 when the bytes are
// not a valid, shortest-form sequence of a Unicode scalar value.
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1Fu, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0Fu, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

bool unsafe_code_point(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) ||      // C1 controls
         (cp >= 0x202A && cp <= 0x202E) ||  // bidi embeddings and overrides
         (cp >= 0x2066 && cp <= 0x2069) ||  // bidi isolates
         cp == 0xFFFE || cp == 0xFFFF;      // not characters; invalid in XML 1.0
}

}  // namespace

std::string display_text(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\t') {
        out += ' ';
      } else if ((c < 0x20 && !(c == '\n' && keep_newlines)) || c == 0x7F) {
        out += '?';
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t length = decode_utf8(text, i, cp);
    if (length == 0) {
      out += '?';  // one '?' per byte of a broken sequence: nothing is silently dropped
      ++i;
    } else {
      if (unsafe_code_point(cp))
        out += '?';
      else
        out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace netaudit
