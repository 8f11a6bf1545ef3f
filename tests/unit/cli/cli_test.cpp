// The `detect` and `parse` subcommands, run as the built binary.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using netaudit::test::CommandResult;
using netaudit::test::fixture_dir;
using netaudit::test::lines_of;
using netaudit::test::netaudit_binary;
using netaudit::test::quoted;
using netaudit::test::run_command;
using netaudit::test::run_netaudit;
using netaudit::test::TempDir;

namespace {

std::size_t regular_files_under(const fs::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    count += entry.is_regular_file() && !entry.path().filename().string().starts_with(".");
  }
  return count;
}

}  // namespace

TEST_CASE("cli: detect --format json prints one object per file with the five keys") {
  const fs::path dir = fixture_dir() / "detect";
  const CommandResult result = run_netaudit("detect --format json " + quoted(dir));
  CHECK(result.exit_code == 0);
  const std::vector<std::string> lines = lines_of(result.output);
  CHECK(lines.size() == regular_files_under(dir));
  bool saw_nxos = false;
  for (const std::string& line : lines) {
    INFO(line);
    const nlohmann::json object = nlohmann::json::parse(line);
    REQUIRE(object.is_object());
    for (const char* key : {"file", "platform", "syntax", "confidence", "reason"}) {
      CHECK(object.contains(key));
    }
    CHECK(object["confidence"].get<double>() >= 0.0);
    CHECK(object["confidence"].get<double>() <= 1.0);
    CHECK(fs::exists(object["file"].get<std::string>()));
    if (object["file"].get<std::string>().ends_with("cisco_nxos.cfg")) {
      saw_nxos = true;
      CHECK(object["platform"] == "cisco_nxos");
      CHECK(object["syntax"] == "indented");
      CHECK(object["reason"].get<std::string>().find("line 7 'feature telnet'") !=
            std::string::npos);
    }
    if (object["file"].get<std::string>().ends_with("juniper_junos_set.conf")) {
      CHECK(object["platform"] == "juniper_junos");
      CHECK(object["syntax"] == "set");
    }
  }
  CHECK(saw_nxos);
}

TEST_CASE("cli: detect text output is one tab-separated line per file, in argument order") {
  const fs::path ios = fixture_dir() / "detect" / "cisco_ios.cfg";
  const fs::path vyos = fixture_dir() / "detect" / "vyos_set.cfg";
  const CommandResult result = run_netaudit("detect " + quoted(vyos) + " " + quoted(ios));
  CHECK(result.exit_code == 0);
  const std::vector<std::string> lines = lines_of(result.output);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with(vyos.string() + "\tvyos\tset\t"));
  CHECK(lines[1].starts_with(ios.string() + "\tcisco_ios\tindented\t"));
}

TEST_CASE("cli: detect exits 2 for bad files but still reports the good ones") {
  TempDir dir{"netaudit-cli"};
  dir.write("good/r1.cfg",
            "feature bgp\nfeature telnet\nvrf context management\n  ip route 0.0.0.0/0 10.0.0.1\n");
  dir.write("empty.cfg", "");
  std::mt19937 generator(7);
  std::string garbage(4096, '\0');
  for (char& c : garbage)
    c = static_cast<char>(generator());
  dir.write("garbage.bin", garbage);

  const CommandResult result = run_netaudit(
      "detect --format json " + quoted(dir.path()) + " " + quoted(dir.path() / "nope"), true);
  CHECK(result.exit_code == 2);
  CHECK(result.output.find((dir.path() / "nope").string() + ": no such file or directory") !=
        std::string::npos);
  CHECK(result.output.find((dir.path() / "empty.cfg").string() + ": empty file") !=
        std::string::npos);
  CHECK(result.output.find((dir.path() / "garbage.bin").string() + ": looks like binary data") !=
        std::string::npos);
  CHECK(result.output.find("\"platform\":\"cisco_nxos\"") != std::string::npos);
}

TEST_CASE("cli: parse --format text prints every node with its source line number") {
  const fs::path file = fixture_dir() / "detect" / "cisco_ios.cfg";
  const CommandResult result = run_netaudit("parse " + quoted(file));
  CHECK(result.exit_code == 0);
  const std::vector<std::string> lines = lines_of(result.output);
  REQUIRE(lines.size() > 3);
  CHECK(lines[0].find("platform cisco_ios, syntax indented") != std::string::npos);
  // `line vty 0 4` is line 33 of the fixture and `transport input ssh` line 34, one deeper.
  const auto vty = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("line vty 0 4") != std::string::npos;
  });
  REQUIRE(vty != lines.end());
  CHECK(vty->starts_with("    33  line vty 0 4"));
  REQUIRE(vty + 1 != lines.end());
  CHECK((vty + 1)->starts_with("    34    transport input ssh"));
}

TEST_CASE("cli: parse --format json gives the tree with line numbers and the detection") {
  const fs::path file = fixture_dir() / "detect" / "cisco_ios.cfg";
  const CommandResult result = run_netaudit("parse --format json " + quoted(file));
  CHECK(result.exit_code == 0);
  const nlohmann::json out = nlohmann::json::parse(result.output);
  CHECK(out["file"] == file.string());
  CHECK(out["platform"] == "cisco_ios");
  CHECK(out["syntax"] == "indented");
  CHECK(out["warnings"].is_array());
  CHECK(out["confidence"].get<double>() >= 0.5);
  REQUIRE(out["tree"].is_array());
  bool found = false;
  for (const nlohmann::json& node : out["tree"]) {
    CHECK(node["line"].get<int>() >= 1);
    if (node["text"] == "interface GigabitEthernet0/0") {
      found = true;
      CHECK(node["line"] == 21);
      REQUIRE(node["children"].is_array());
      CHECK(node["children"][0]["text"] == "description Uplink to WAN");
      CHECK(node["children"][0]["line"] == 22);
    }
  }
  CHECK(found);
}

TEST_CASE("cli: parse --platform and --syntax override detection and a bad platform is refused") {
  const fs::path file = fixture_dir() / "detect" / "cisco_ios.cfg";
  const CommandResult forced =
      run_netaudit("parse --format json --platform arista_eos " + quoted(file));
  CHECK(forced.exit_code == 0);
  const nlohmann::json out = nlohmann::json::parse(forced.output);
  CHECK(out["platform"] == "arista_eos");
  CHECK(out["syntax"] == "indented");
  CHECK_FALSE(out.contains("confidence"));

  const CommandResult bad = run_netaudit("parse --platform cisco_isr " + quoted(file), true);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("unknown platform 'cisco_isr'") != std::string::npos);
  CHECK(bad.output.find("cisco_ios") != std::string::npos);

  const CommandResult bad_syntax = run_netaudit("parse --syntax yaml " + quoted(file), true);
  CHECK(bad_syntax.exit_code == 2);
}

TEST_CASE("cli: parse exit codes and messages for unusable input") {
  TempDir dir{"netaudit-cli"};
  const fs::path missing = dir.path() / "missing.cfg";
  const CommandResult not_there = run_netaudit("parse " + quoted(missing), true);
  CHECK(not_there.exit_code == 2);
  CHECK(not_there.output.find(missing.string() + ": cannot open") != std::string::npos);

  const fs::path big = dir.write("big.cfg", "hostname r1\n" + std::string(5000, '!') + "\n");
  const CommandResult oversized = run_netaudit("parse --max-bytes 1000 " + quoted(big), true);
  CHECK(oversized.exit_code == 2);
  CHECK(oversized.output.find(big.string() + ": 5013 bytes is over the input limit of 1000") !=
        std::string::npos);
  CHECK(run_netaudit("detect --max-bytes 1000 " + quoted(big), true).exit_code == 2);
  CHECK(run_netaudit("parse --max-bytes 6000 " + quoted(big)).exit_code == 0);

  const fs::path empty = dir.write("empty.cfg", "\n\n");
  const CommandResult blank = run_netaudit("parse " + quoted(empty), true);
  CHECK(blank.exit_code == 2);
  CHECK(blank.output.find(empty.string() + ": empty file") != std::string::npos);

  std::mt19937 generator(3);
  std::string garbage(65536, '\0');
  for (char& c : garbage)
    c = static_cast<char>(generator());
  const fs::path binary = dir.write("image.bin", garbage);
  const CommandResult refused = run_netaudit("parse " + quoted(binary), true);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find(binary.string() + ": looks like binary data") != std::string::npos);

  const CommandResult directory = run_netaudit("parse " + quoted(dir.path()), true);
  CHECK(directory.exit_code == 2);
  CHECK(directory.output.find("is a directory") != std::string::npos);
}

TEST_CASE("cli: parse reports input warnings with file and line, and still prints the tree") {
  TempDir dir{"netaudit-cli"};
  const fs::path file = dir.write(
      "latin1.cfg", "hostname r1\nsnmp-server location B\xE9timent\nline vty 0 4\n login\n");
  const CommandResult result = run_netaudit("parse --platform cisco_ios " + quoted(file), true);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find(file.string() + ":2: warning: invalid UTF-8") != std::string::npos);
  CHECK(result.output.find("     3  line vty 0 4") != std::string::npos);
}

TEST_CASE("cli: parse of unrecognised text says so and parses by the text's shape") {
  TempDir dir{"netaudit-cli"};
  const fs::path file = dir.write("notes.txt", "alpha {\n    beta gamma;\n}\n");
  const CommandResult result = run_netaudit("parse " + quoted(file), true);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("platform not recognised") != std::string::npos);
  CHECK(result.output.find("parsing as braces") != std::string::npos);
}
