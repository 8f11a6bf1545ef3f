// Strict parsing of a request target: the path split into percent-decoded segments and the
// query into decoded name -> value pairs. Anything malformed (a bad %-escape, a decoded NUL, a
// parameter given twice) is a BadRequest naming what is wrong, answered with 400.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace netaudit::http {

class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Decodes %XX escapes (RFC 3986). Throws BadRequest on a truncated or non-hex escape and on a
// decoded NUL byte. '+' stays a plus sign: encode a space as %20.
std::string percent_decode(std::string_view text, std::string_view what);

// Percent-encodes everything but RFC 3986 unreserved characters (for building links and tests).
std::string percent_encode(std::string_view text);

using Query = std::map<std::string, std::string, std::less<>>;

struct Target {
  std::vector<std::string> segments;  // "/api/v1/devices/r%2F1" -> {"api","v1","devices","r/1"}
  Query query;
};

// Splits on the raw '/' before decoding each segment, so a device name holding a '/' (folder
// inventories name devices after their path) is one segment when sent as %2F.
Target parse_target(std::string_view target);

}  // namespace netaudit::http
