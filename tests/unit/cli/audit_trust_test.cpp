// What an audit run can be trusted to say, run as the built binary: config bytes never reach a
// terminal as control sequences nor make the XML invalid; an input that could not be read or
// recognised is listed in every format and is never exit 0; a waiver that waives nothing says so.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using netaudit::test::CommandResult;
using netaudit::test::fixture_dir;
using netaudit::test::quoted;
using netaudit::test::read_file;
using netaudit::test::run_command;
using netaudit::test::run_netaudit;
using netaudit::test::TempDir;

namespace {

fs::path ios_fixture(const char* name) {
  return fixture_dir() / "policy" / "cisco_ios" / name;
}

// A weak IOS config whose hostname, descriptions and a file name carry terminal escapes: OSC
// (set the title), CSI clear-screen, an 8-bit CSI (U+009B), BEL, DEL and a bidi override. (A CR
// would end the line in the loader; display_text_test covers it.)
const std::string kHostile =
    "\x1b]0;owned\x07\x1b[2J\xc2\x9b"
    "31m\x7f\xe2\x80\xae";

std::string hostile_config() {
  std::string config = read_file(ios_fixture("weak-mgmt.cfg"));
  const std::string host = "hostname access-sw-07";
  config.replace(config.find(host), host.size(), "hostname sw" + kHostile + "07");
  config += "interface Gi0/9\n description uplink " + kHostile + " end\n";
  return config;
}

// The first byte that must not reach a terminal, or npos: C0 controls but LF (and tab where
// allowed), DEL, and UTF-8 C1 controls. `own_sgr` allows the table's own colour codes.
std::size_t first_unsafe_byte(const std::string& text, bool allow_tab, bool own_sgr = false) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (own_sgr && c == 0x1b && i + 1 < text.size() && text[i + 1] == '[') {
      std::size_t k = i + 2;
      while (k < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[k])) || text[k] == ';'))
        ++k;
      if (k < text.size() && text[k] == 'm') {
        i = k;
        continue;
      }
      return i;
    }
    if ((c < 0x20 && c != '\n' && !(allow_tab && c == '\t')) || c == 0x7f) return i;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f)
      return i;
    if (text.compare(i, 3, "\xe2\x80\xae") == 0) return i;
  }
  return std::string::npos;
}

// xmllint (libxml2-utils, scripts/install-deps.sh) and Python's expat both refuse characters
// that XML 1.0 does not allow, `&#27;` included.
void check_valid_xml(const fs::path& file) {
  const CommandResult which = run_command("command -v xmllint");
  INFO("xmllint is missing: run scripts/install-deps.sh (package libxml2-utils)");
  REQUIRE(which.exit_code == 0);
  const CommandResult lint = run_command("xmllint --noout " + quoted(file) + " 2>&1");
  INFO(lint.output);
  CHECK(lint.exit_code == 0);
  const CommandResult expat =
      run_command("python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' " +
                  quoted(file) + " 2>&1");
  INFO(expat.output);
  CHECK(expat.exit_code == 0);
}

}  // namespace

TEST_CASE("trust: hostile config bytes reach no terminal and no XML, in every human output") {
  TempDir dir{"netaudit-trust"};
  const fs::path config = dir.write("sw" + kHostile + ".cfg", hostile_config());

  for (const char* colour : {"never", "always"}) {
    INFO("--color " << colour);
    const CommandResult table =
        run_netaudit(std::string("audit --color ") + colour + " " + quoted(config), true);
    CHECK(table.exit_code == 1);
    CHECK(table.output.find("FAIL") != std::string::npos);
    CHECK(table.output.find("sw?]0;owned?") != std::string::npos);
    CHECK(first_unsafe_byte(table.output, false, std::string(colour) == "always") ==
          std::string::npos);
  }
  for (const char* command : {"parse", "facts"}) {
    INFO(command);
    const CommandResult shown = run_netaudit(std::string(command) + " " + quoted(config), true);
    CHECK(shown.exit_code == 0);
    CHECK(shown.output.find("?[2J") != std::string::npos);
    CHECK(first_unsafe_byte(shown.output, false) == std::string::npos);
  }
  const CommandResult parsed = run_netaudit("parse " + quoted(config));
  CHECK(parsed.output.find("description uplink ?]0;owned??[2J?31m?? end") != std::string::npos);
  const CommandResult detected = run_netaudit("detect " + quoted(config), true);
  CHECK(detected.exit_code == 0);
  CHECK(first_unsafe_byte(detected.output, true) == std::string::npos);

  // CSV is read with cat as often as with a spreadsheet; JSON escapes, so it keeps the bytes.
  const CommandResult csv = run_netaudit("audit --format csv " + quoted(config));
  CHECK(csv.output.find("FAIL") == std::string::npos);
  CHECK(csv.output.find(",fail,") != std::string::npos);
  CHECK(first_unsafe_byte(csv.output, false) == std::string::npos);
  const CommandResult json = run_netaudit("audit --format json " + quoted(config));
  const auto parsed_json = nlohmann::json::parse(json.output);
  CHECK(parsed_json["results"][0]["device"] == "sw" + kHostile + "07");

  const fs::path junit = dir.path() / "report.xml";
  CHECK(run_netaudit("audit --format junit --output " + quoted(junit) + " " + quoted(config))
            .exit_code == 1);
  const std::string xml = read_file(junit);
  CHECK(xml.find("&#27;") == std::string::npos);
  CHECK(xml.find("sw?]0;owned?") != std::string::npos);
  CHECK(first_unsafe_byte(xml, true) == std::string::npos);
  check_valid_xml(junit);

  const fs::path sarif = dir.path() / "report.sarif";
  CHECK(run_netaudit("audit --format sarif --output " + quoted(sarif) + " " + quoted(config))
            .exit_code == 1);
  const std::string sarif_text = read_file(sarif);
  CHECK(sarif_text.find("\\u001b") == std::string::npos);
  CHECK(sarif_text.find("\\u0007") == std::string::npos);
  CHECK(first_unsafe_byte(nlohmann::json::parse(sarif_text).dump(), false) == std::string::npos);
}

TEST_CASE("trust: a missing path and a file of no known platform are listed in every format") {
  TempDir dir{"netaudit-trust"};
  const fs::path good = ios_fixture("hardened.cfg");
  const fs::path missing = dir.path() / "no-such.cfg";
  const fs::path stranger = dir.write("stranger.txt", "hello\nthis is no device config\n");
  const std::string args = quoted(good) + " " + quoted(missing) + " " + quoted(stranger);

  const CommandResult table = run_netaudit("audit --color never " + args, true);
  INFO(table.output);
  CHECK(table.exit_code == 2);
  CHECK(table.output.find("NOT AUDITED " + missing.string() + ": no such file or directory") !=
        std::string::npos);
  CHECK(table.output.find("NOT AUDITED " + stranger.string() + ": platform not recognised") !=
        std::string::npos);
  CHECK(table.output.find("name it with --platform") != std::string::npos);
  CHECK(table.output.find("hint: 1 file(s) of unrecognised platform; audit them with --platform P"
                          ", P one of: ") != std::string::npos);
  CHECK(table.output.find("2 input(s) not audited") != std::string::npos);
  CHECK(table.output.find("1 device(s):") != std::string::npos);

  const auto json = nlohmann::json::parse(run_netaudit("audit --format json " + args).output);
  REQUIRE(json["results"].size() == 3);
  std::vector<std::string> errors;
  for (const auto& r : json["results"])
    if (r.contains("error")) errors.push_back(r["file"].get<std::string>());
  CHECK(errors == std::vector<std::string>{missing.string(), stranger.string()});

  const std::string csv = run_netaudit("audit --format csv " + args).output;
  CHECK(csv.find(missing.string() + ",no-such,unknown,,,,error,") != std::string::npos);
  CHECK(csv.find(stranger.string() + ",stranger,unknown,,,,error,") != std::string::npos);

  const fs::path junit = dir.path() / "r.xml";
  CHECK(run_netaudit("audit --format junit --output " + quoted(junit) + " " + args).exit_code == 2);
  check_valid_xml(junit);
  const std::string xml = read_file(junit);
  CHECK(xml.find("no such file or directory") != std::string::npos);
  CHECK(xml.find("platform not recognised") != std::string::npos);

  const auto sarif = nlohmann::json::parse(run_netaudit("audit --format sarif " + args).output);
  const auto& invocation = sarif["runs"][0]["invocations"][0];
  CHECK(invocation["executionSuccessful"] == false);
  REQUIRE(invocation["toolExecutionNotifications"].size() == 2);
  CHECK(invocation["toolExecutionNotifications"][0]["level"] == "error");

  // Named, it is audited.
  const CommandResult named =
      run_netaudit("audit --platform cisco_ios --color never " + quoted(stranger), true);
  CHECK(named.exit_code != 2);
  CHECK(named.output.find("NOT AUDITED") == std::string::npos);
  CHECK(named.output.find("1 device(s):") != std::string::npos);
}

TEST_CASE("trust: empty folders, link loops and symlinked subfolders - nothing audited is exit 2") {
  TempDir dir{"netaudit-trust"};
  fs::create_directories(dir.path() / "empty");
  dir.write("only-hidden/.git/config", "[core]\n");
  const CommandResult empty =
      run_netaudit("audit --color never " + quoted(dir.path() / "empty"), true);
  INFO(empty.output);
  CHECK(empty.exit_code == 2);
  CHECK(empty.output.find((dir.path() / "empty").string() + ": no config files in this folder") !=
        std::string::npos);
  CHECK(empty.output.find("nothing was audited") != std::string::npos);
  CHECK(empty.output.find("0 device(s)") != std::string::npos);
  const auto sarif = nlohmann::json::parse(
      run_netaudit("audit --format sarif " + quoted(dir.path() / "only-hidden")).output);
  CHECK(sarif["runs"][0]["invocations"][0]["executionSuccessful"] == false);

  // Oxidized-style tree whose sites are links to folders elsewhere, with a loop and a broken link.
  fs::create_directories(dir.path() / "store" / "ams");
  fs::copy_file(ios_fixture("hardened.cfg"), dir.path() / "store" / "ams" / "core.cfg");
  fs::copy_file(ios_fixture("weak-mgmt.cfg"), dir.path() / "store" / "ams" / "access.cfg");
  fs::create_directories(dir.path() / "configs");
  fs::create_directory_symlink(dir.path() / "store" / "ams", dir.path() / "configs" / "ams");
  fs::create_directory_symlink(dir.path() / "configs", dir.path() / "configs" / "ams-loop");
  fs::create_symlink(dir.path() / "gone.cfg", dir.path() / "configs" / "dangling.cfg");
  const auto json = nlohmann::json::parse(
      run_netaudit("audit --format json " + quoted(dir.path() / "configs")).output);
  std::vector<std::string> audited, not_audited;
  for (const auto& r : json["results"])
    (r.contains("error") ? not_audited : audited).push_back(r["file"].get<std::string>());
  CHECK(audited.size() == 2);  // each config once, through the link, the loop walked once
  CHECK(not_audited ==
        std::vector<std::string>{(dir.path() / "configs" / "dangling.cfg").string()});
  CHECK(json["results"][0]["error"].get<std::string>().ends_with(": broken symbolic link"));
}

TEST_CASE("trust: a folder that cannot be read is listed and is exit 2") {
  TempDir dir{"netaudit-trust"};
  fs::copy_file(ios_fixture("hardened.cfg"), dir.path() / "readable.cfg");
  fs::create_directories(dir.path() / "locked");
  fs::copy_file(ios_fixture("weak-mgmt.cfg"), dir.path() / "locked" / "hidden-from-us.cfg");
  fs::permissions(dir.path() / "locked", fs::perms::none);
  // root reads any folder: the audit then runs as nobody (the temp folder opened to it).
  std::string prefix;
  if (::geteuid() == 0) {
    INFO("running as root, the test needs setpriv (util-linux) to audit as nobody");
    REQUIRE(run_command("command -v setpriv").exit_code == 0);
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const CommandResult result =
      run_command(prefix + quoted(netaudit::test::netaudit_binary()) + " audit --format json " +
                  quoted(dir.path()) + " 2>/dev/null");
  fs::permissions(dir.path() / "locked", fs::perms::owner_all);
  CHECK(result.exit_code == 2);
  const auto json = nlohmann::json::parse(result.output);
  REQUIRE(json["results"].size() == 2);
  CHECK(json["results"][0]["error"].get<std::string>() ==
        (dir.path() / "locked").string() + ": cannot read folder: Permission denied");
  CHECK(json["results"][1]["device"] == "core-rtr-01");
}

TEST_CASE("trust: a waiver that matches no control or device is a warning in stderr and reports") {
  TempDir dir{"netaudit-trust"};
  const fs::path waivers = dir.write("waivers.yaml", R"(waivers:
  - device: access-sw-07
    control: MGMT-TELNET-DISABLD
    reason: misspelt
    owner: netops
    ticket: CHG-1
    expires: 2099-12-31
  - device: acess-sw-07
    control: MGMT-TELNET-DISABLED
    reason: misspelt device
    owner: netops
    ticket: CHG-2
    expires: 2099-12-31
)");
  const std::string args =
      "--waivers " + quoted(waivers) + " " + quoted(ios_fixture("weak-mgmt.cfg"));
  const std::string no_control = waivers.string() +
                                 ":2: waiver (ticket CHG-1) names control 'MGMT-TELNET-DISABLD', "
                                 "which matches no control of the policy; it waives nothing";
  const std::string no_device =
      waivers.string() + ":8: waiver (ticket CHG-2) for 'acess-sw-07' matches no audited device";

  const CommandResult table =
      run_command(quoted(netaudit::test::netaudit_binary()) + " audit --color never " + args +
                  " 2>" + quoted(dir.path() / "stderr"));
  CHECK(table.exit_code == 1);  // the failure stays: nothing was waived
  const std::string stderr_text = read_file(dir.path() / "stderr");
  CHECK(stderr_text.find("netaudit audit: warning: " + no_control) != std::string::npos);
  CHECK(stderr_text.find("netaudit audit: warning: " + no_device) != std::string::npos);
  CHECK(table.output.find("warning: " + no_control) != std::string::npos);

  const auto json = nlohmann::json::parse(run_netaudit("audit --format json " + args).output);
  CHECK(json["warnings"] == nlohmann::json::array({no_control, no_device}));
  const auto sarif = nlohmann::json::parse(run_netaudit("audit --format sarif " + args).output);
  const auto& notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 2);
  CHECK(notes[1]["level"] == "warning");
  CHECK(notes[1]["message"]["text"] == no_device);
  const std::string csv = run_netaudit("audit --format csv " + args).output;
  CHECK(csv.find(",,,,,,warning,\"" + no_control + "\",,\n") != std::string::npos);
  const fs::path junit = dir.path() / "r.xml";
  run_netaudit("audit --format junit --output " + quoted(junit) + " " + args);
  check_valid_xml(junit);
  CHECK(read_file(junit).find("warning: " + no_device) != std::string::npos);
}
