#include "netaudit/policies/parse.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "parsers/parsers.hpp"

namespace netaudit {
namespace {

constexpr std::array<std::pair<Syntax, std::string_view>, 6> kSyntaxNames{{
    {Syntax::indented, "indented"},
    {Syntax::braces, "braces"},
    {Syntax::set, "set"},
    {Syntax::block, "block"},
    {Syntax::menu, "menu"},
    {Syntax::xml, "xml"},
}};

// Fractions of the first kBinarySample bytes above which a file is taken for binary data
// rather than a config with a few stray bytes: control characters (other than tab, CR, LF,
// FF, ESC; NUL included), and bytes in invalid UTF-8 sequences. A Latin-1 config has a few
// invalid bytes; random or compressed data has about half.
constexpr double kBinaryControlFraction = 0.05;
constexpr double kBinaryInvalidUtf8Fraction = 0.10;
constexpr std::size_t kBinarySample = 64 * 1024;

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  const std::size_t length = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 0;
  }
  return length;
}

// Returns the 1-based line of the first invalid UTF-8 sequence, or 0.
std::uint32_t first_invalid_utf8_line(std::string_view text) {
  std::uint32_t line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return line;
    i += length;
  }
  return 0;
}

// Counts of the bytes that make a sample look like binary data.
struct ByteCounts {
  std::size_t control = 0;       // C0 controls other than tab, CR, LF, FF, ESC (NUL included)
  std::size_t invalid_utf8 = 0;  // bytes that start no valid UTF-8 sequence
};

ByteCounts count_suspicious_bytes(std::string_view sample) {
  ByteCounts counts;
  for (std::size_t i = 0; i < sample.size();) {
    const auto c = static_cast<unsigned char>(sample[i]);
    if (c < 0x20) {
      if (c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) ++counts.control;
      ++i;
    } else if (c < 0x80) {
      ++i;
    } else if (const std::size_t length = utf8_sequence_length(sample, i); length > 0) {
      i += length;
    } else {
      // A sequence cut by the end of the sample is not evidence of anything.
      if (sample.size() - i >= 4) ++counts.invalid_utf8;
      ++i;
    }
  }
  return counts;
}

}  // namespace

std::string_view to_string(Syntax syntax) {
  for (const auto& [value, name] : kSyntaxNames) {
    if (value == syntax) return name;
  }
  return "unknown";
}

std::optional<Syntax> syntax_from_string(std::string_view name) {
  for (const auto& [value, known] : kSyntaxNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

ParseResult parse_config(std::string text, Syntax syntax) {
  ParseResult result{ConfigTree(std::move(text)), {}};
  switch (syntax) {
    case Syntax::indented:
      detail::parse_indented(result.tree, result.warnings);
      break;
    case Syntax::braces:
      detail::parse_braces(result.tree, result.warnings);
      break;
    case Syntax::set:
      detail::parse_set(result.tree, result.warnings);
      break;
    case Syntax::block:
      detail::parse_block(result.tree, result.warnings);
      break;
    case Syntax::menu:
      detail::parse_menu(result.tree, result.warnings);
      break;
    case Syntax::xml:
      detail::parse_xml(result.tree, result.warnings);
      break;
  }
  result.tree.finish_building();
  return result;
}

LoadResult check_config_text(std::string text, std::string_view origin, const InputLimits& limits) {
  const std::string where(origin);
  LoadResult result;
  if (text.size() > limits.max_bytes) {
    result.error = where + ": " + std::to_string(text.size()) +
                   " bytes is over the input limit of " + std::to_string(limits.max_bytes) +
                   " bytes";
    return result;
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    result.error = where + ": UTF-16 encoded text; convert it to UTF-8 (iconv -f UTF-16)";
    return result;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    result.error = where + ": empty file (no configuration statements)";
    return result;
  }
  const std::string_view sample = std::string_view(text).substr(0, kBinarySample);
  const ByteCounts counts = count_suspicious_bytes(sample);
  const auto sample_size = static_cast<double>(sample.size());
  if (static_cast<double>(counts.control) > kBinaryControlFraction * sample_size ||
      static_cast<double>(counts.invalid_utf8) > kBinaryInvalidUtf8Fraction * sample_size) {
    result.error = where + ": looks like binary data, not a configuration (" +
                   std::to_string(counts.control) + " control bytes and " +
                   std::to_string(counts.invalid_utf8) + " invalid UTF-8 bytes in the first " +
                   std::to_string(sample.size()) + ")";
    return result;
  }
  SourceText source;
  if (std::size_t nul = text.find('\0'); nul != std::string::npos) {
    std::uint32_t line = 1;
    for (std::size_t i = 0; i < nul; ++i)
      line += text[i] == '\n';
    std::size_t count = 0;
    for (char& c : text) {
      if (c == '\0') {
        c = ' ';
        ++count;
      }
    }
    source.warnings.push_back(
        {line, std::to_string(count) + " NUL byte(s) replaced by spaces (first on this line)"});
  }
  if (std::uint32_t line = first_invalid_utf8_line(text); line != 0) {
    source.warnings.push_back({line, "invalid UTF-8 (first on this line); bytes kept as they are"});
  }
  source.text = std::move(text);
  result.source = std::move(source);
  return result;
}

LoadResult load_config_file(const std::string& path, const InputLimits& limits) {
  LoadResult result;
  std::error_code status_error;
  const auto status = std::filesystem::status(path, status_error);
  if (status_error) {
    result.error = path + ": cannot open: " + status_error.message();
    return result;
  }
  if (!std::filesystem::is_regular_file(status)) {
    result.error =
        path + (std::filesystem::is_directory(status) ? ": is a directory, not a config file"
                                                      : ": not a regular file");
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    result.error = path + ": cannot open: " + std::strerror(errno);
    return result;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    result.error = path + ": cannot read (not a regular file?)";
    return result;
  }
  if (static_cast<std::size_t>(size) > limits.max_bytes) {
    result.error = path + ": " + std::to_string(size) + " bytes is over the input limit of " +
                   std::to_string(limits.max_bytes) + " bytes (raise it with --max-bytes)";
    return result;
  }
  in.seekg(0, std::ios::beg);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size)) {
    result.error = path + ": read failed: " + std::strerror(errno);
    return result;
  }
  return check_config_text(std::move(text), path, limits);
}

}  // namespace netaudit
