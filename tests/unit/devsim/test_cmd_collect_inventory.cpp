// `netaudit collect --inventory FILE --all|DEVICE... --output-dir DIR` against devsim, as the
// built binary: one file per device written atomically, one summary line per device, the exit
// code of the worst device, a failed device's old file left as it was; and the one-device form
// `collect --inventory FILE DEVICE` still printing the config to stdout.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "devsim_fixture.hpp"
#include "test_paths.hpp"

using namespace netaudit::test;
namespace fs = std::filesystem;

namespace {

// name -> the rest of its summary line ("ok, 1234 bytes written to ..." or "auth_failed ...").
std::map<std::string, std::string> summary_lines(const std::string& output) {
  std::map<std::string, std::string> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    CHECK(out.emplace(line.substr(0, colon), line.substr(colon + 2)).second);
  }
  return out;
}

}  // namespace

TEST_CASE("collect --output-dir: every device of an inventory, one failing", "[collectors]") {
  DevsimLab lab;
  TempDir dir{"netaudit-collect-many"};
  const auto port = [&](const char* name) { return std::to_string(lab.devsim->port(name)); };
  const fs::path inventory =
      dir.write("inventory.yaml",
                "defaults:\n  host: 127.0.0.1\n  user: netops\n  key_file: " + lab.key.string() +
                    "\ndevices:\n"
                    "  - {name: lab-ios1, port: " +
                    port("lab-ios1") +
                    ", platform: cisco_ios}\n"
                    "  - {name: lab-nx1, port: " +
                    port("lab-nx1") +
                    ", platform: cisco_nxos}\n"
                    "  - {name: lab-vyos1, port: " +
                    port("lab-vyos1") +
                    ", platform: vyos, user: vyos}\n"
                    "  - {name: lab-mx1-netconf, port: " +
                    port("lab-mx1") +
                    ", platform: juniper_junos, transport: netconf}\n"
                    "  - {name: fault-wrong-password, port: " +
                    port("fault-wrong-password") + ", platform: cisco_ios}\n");
  const std::string collect = shell_quote(netaudit_binary().string()) + " collect --inventory " +
                              shell_quote(inventory.string()) + " --known-hosts " +
                              shell_quote(lab.devsim->known_hosts().string()) +
                              " --timeout 20 --command-timeout 5 --redaction-key " +
                              shell_quote((dir.path() / "redaction.key").string());
  const fs::path out = dir.path() / "configs";
  fs::create_directories(out);
  std::ofstream(out / "fault-wrong-password.cfg") << "the last good config\n";

  const CommandResult all =
      run_command(collect + " --all --output-dir " + shell_quote(out.string()) + " 2>&1");
  INFO(all.output);
  CHECK(all.exit_code == 4);  // auth_failed, the worst (only) failure
  const auto lines = summary_lines(all.output);
  REQUIRE(lines.size() == 5);
  for (const char* name : {"lab-ios1", "lab-nx1", "lab-vyos1", "lab-mx1-netconf"}) {
    INFO(name);
    const fs::path file = out / (std::string(name) + ".cfg");
    REQUIRE(fs::exists(file));
    const std::string text = read_file(file);
    CHECK(!text.empty());
    // The size reported is the size written.
    CHECK(lines.at(name).starts_with("ok, " + std::to_string(text.size()) + " bytes written to " +
                                     file.string() + " ("));
    CHECK(lines.at(name).find("host key SHA256:") != std::string::npos);
    CHECK((fs::status(file).permissions() & fs::perms::others_read) == fs::perms::none);
  }
  CHECK(lines.at("fault-wrong-password").starts_with("auth_failed (exit 4): "));
  CHECK(read_file(out / "fault-wrong-password.cfg") == "the last good config\n");
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(out)) {
    INFO(entry.path());
    CHECK(entry.path().extension() == ".cfg");  // no temporary file left behind
    ++files;
  }
  CHECK(files == 5);

  // The one-device form prints exactly what --output-dir wrote.
  const CommandResult one = run_command(collect + " lab-nx1 2>/dev/null");
  CHECK(one.exit_code == 0);
  CHECK(one.output == read_file(out / "lab-nx1.cfg"));

  // Named devices, in a folder that does not exist yet.
  const fs::path named = dir.path() / "named" / "today";
  const CommandResult some = run_command(collect + " lab-ios1 lab-vyos1 --output-dir " +
                                         shell_quote(named.string()) + " 2>&1");
  CHECK(some.exit_code == 0);
  CHECK(summary_lines(some.output).size() == 2);
  CHECK(read_file(named / "lab-ios1.cfg") == read_file(out / "lab-ios1.cfg"));
  CHECK(read_file(named / "lab-vyos1.cfg") == read_file(out / "lab-vyos1.cfg"));

  // Usage errors: several devices to stdout, an unknown name, names and --all together.
  CHECK(run_command(collect + " lab-ios1 lab-nx1 2>/dev/null").exit_code == 2);
  const CommandResult unknown =
      run_command(collect + " lab-ios1 nope --output-dir " + shell_quote(named.string()) + " 2>&1");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("no device 'nope'") != std::string::npos);
  CHECK(run_command(collect + " --all lab-ios1 --output-dir x 2>/dev/null").exit_code == 2);
  CHECK(lab.devsim->refused_commands().empty());
}
