#include "http/uri.hpp"

namespace netaudit::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0)
      throw BadRequest("bad percent-escape in " + std::string(what) + " at offset " +
                       std::to_string(i) + ": '%' must be followed by two hex digits");
    const char decoded = static_cast<char>(high * 16 + low);
    if (decoded == '\0') throw BadRequest("%00 (NUL) is not allowed in " + std::string(what));
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

Target parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/')
    throw BadRequest("the request target must be a path starting with '/'");
  Target parsed;
  std::string_view path = target;
  std::string_view query;
  if (const auto mark = target.find('?'); mark != std::string_view::npos) {
    path = target.substr(0, mark);
    query = target.substr(mark + 1);
  }
  if (const auto hash = query.find('#'); hash != std::string_view::npos)
    throw BadRequest("a fragment ('#') is not allowed in the request target");

  path.remove_prefix(1);
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    parsed.segments.push_back(percent_decode(segment, "the path"));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) parsed.segments.emplace_back();  // a trailing '/' is an empty segment
  }

  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2" and a trailing '&' are harmless
    const auto equals = pair.find('=');
    std::string name = percent_decode(pair.substr(0, equals), "a query parameter name");
    std::string value =
        equals == std::string_view::npos
            ? std::string()
            : percent_decode(pair.substr(equals + 1), "query parameter '" + name + "'");
    if (name.empty()) throw BadRequest("a query parameter without a name");
    if (parsed.query.contains(name))
      throw BadRequest("query parameter '" + name + "' given more than once");
    parsed.query.emplace(std::move(name), std::move(value));
  }
  return parsed;
}

}  // namespace netaudit::http
