// The input checks every subcommand shares: load_config_file() and check_config_text().
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "temp_dir.hpp"

using netaudit::check_config_text;
using netaudit::InputLimits;
using netaudit::load_config_file;
using netaudit::LoadResult;
using netaudit::test::TempDir;

namespace {

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(size, '\0');
  for (char& c : out)
    c = static_cast<char>(byte(generator));
  return out;
}

}  // namespace

TEST_CASE("input: an empty or blank file is refused with its name") {
  for (const std::string& text :
       {std::string(), std::string("  \n\t\r\n\n"), std::string("\xEF\xBB\xBF\n")}) {
    const LoadResult result = check_config_text(text, "r1.cfg");
    CHECK_FALSE(result.source);
    CHECK(result.error == "r1.cfg: empty file (no configuration statements)");
  }
  TempDir dir{"netaudit-input"};
  const LoadResult from_disk = load_config_file(dir.write("empty.cfg", ""));
  CHECK_FALSE(from_disk.source);
  CHECK(from_disk.error.find("empty.cfg: empty file") != std::string::npos);
}

TEST_CASE("input: binary garbage is refused, whatever the random seed") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    const LoadResult result = check_config_text(random_bytes(4096, seed), "blob.bin");
    CHECK_FALSE(result.source);
    CHECK(result.error.starts_with("blob.bin: looks like binary data"));
  }
  // Compressed data has no NUL bytes to speak of but is invalid UTF-8 throughout.
  std::string high_bytes = random_bytes(8192, 99);
  for (char& c : high_bytes)
    c = static_cast<char>(static_cast<unsigned char>(c) | 0x80);
  CHECK_FALSE(check_config_text(high_bytes, "x.gz").source);
}

TEST_CASE("input: UTF-16 text gets a message that says how to convert it") {
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("hostname r1\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  const LoadResult result = check_config_text(utf16, "win.cfg");
  CHECK_FALSE(result.source);
  CHECK(result.error.find("win.cfg: UTF-16") != std::string::npos);
}

TEST_CASE("input: a few NUL bytes are replaced and reported on their line") {
  // Built piecewise: a string literal would stop at the NUL.
  const std::string text = std::string("hostname r1\ninterface Gi0/1\n description up") + '\0' +
                           std::string("link\n shutdown\n");
  const LoadResult result = check_config_text(text, "nul.cfg");
  REQUIRE(result.source);
  CHECK(result.source->text.find('\0') == std::string::npos);
  CHECK(result.source->text.find(" description up link") != std::string::npos);
  REQUIRE(result.source->warnings.size() == 1);
  CHECK(result.source->warnings[0].line == 3);
  CHECK(result.source->warnings[0].message.find("NUL") != std::string::npos);
}

TEST_CASE("input: non-UTF-8 text is kept and reported on its line") {
  const std::string latin1 = "hostname r1\nsnmp-server location B\xE9timent 4\nend\n";
  const LoadResult result = check_config_text(latin1, "latin1.cfg");
  REQUIRE(result.source);
  CHECK(result.source->text == latin1);
  REQUIRE(result.source->warnings.size() == 1);
  CHECK(result.source->warnings[0].line == 2);
  CHECK(result.source->warnings[0].message.find("UTF-8") != std::string::npos);
}

TEST_CASE("input: a UTF-8 BOM is removed and valid UTF-8 gives no warning") {
  const LoadResult result = check_config_text("\xEF\xBB\xBFhostname r\xC3\xA9seau\n", "bom.cfg");
  REQUIRE(result.source);
  CHECK(result.source->text == "hostname r\xC3\xA9seau\n");
  CHECK(result.source->warnings.empty());
}

TEST_CASE("input: the size cap refuses larger input and names the limit") {
  const std::string text(101, 'a');
  CHECK(check_config_text(text, "t", InputLimits{101}).source);
  const LoadResult refused = check_config_text(text, "t.cfg", InputLimits{100});
  CHECK_FALSE(refused.source);
  CHECK(refused.error == "t.cfg: 101 bytes is over the input limit of 100 bytes");

  TempDir dir{"netaudit-input"};
  const std::string path = dir.write("big.cfg", "hostname r1\n" + std::string(200, '!') + "\n");
  const LoadResult from_disk = load_config_file(path, InputLimits{100});
  CHECK_FALSE(from_disk.source);
  CHECK(from_disk.error.find("big.cfg: 213 bytes is over the input limit of 100 bytes") !=
        std::string::npos);
  CHECK(from_disk.error.find("--max-bytes") != std::string::npos);
}

TEST_CASE("input: a missing file or a directory gets a clear error naming it") {
  TempDir dir{"netaudit-input"};
  const std::string missing = (dir.path() / "nope.cfg").string();
  const LoadResult not_there = load_config_file(missing);
  CHECK_FALSE(not_there.source);
  CHECK(not_there.error.starts_with(missing + ": cannot open"));

  const LoadResult directory = load_config_file(dir.path().string());
  CHECK_FALSE(directory.source);
  CHECK(directory.error == dir.path().string() + ": is a directory, not a config file");
}

TEST_CASE("input: a 10 MB single line loads, detects and parses in every family") {
  const std::string line = "hostname " + std::string(10u << 20, 'r') + "\n";
  const auto start = std::chrono::steady_clock::now();
  LoadResult loaded = check_config_text(line, "long.cfg");
  REQUIRE(loaded.source);
  CHECK(loaded.source->warnings.empty());
  const netaudit::Detection detection = netaudit::detect_platform(loaded.source->text);
  CHECK(detection.platform == "unknown");
  for (const netaudit::Syntax syntax :
       {netaudit::Syntax::indented, netaudit::Syntax::braces, netaudit::Syntax::set,
        netaudit::Syntax::block, netaudit::Syntax::menu, netaudit::Syntax::xml}) {
    INFO(netaudit::to_string(syntax));
    const netaudit::ParseResult parsed = netaudit::parse_config(line, syntax);
    CHECK(parsed.tree.source().size() == line.size());
    CHECK(parsed.tree.line_count() >= 1);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
}
