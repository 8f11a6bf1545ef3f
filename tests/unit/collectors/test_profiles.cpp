// Platform profiles: every shipped profile loads; the read-only allow-list refuses anything
// that could change a device, at load time, naming the file and the command.
#include <catch2/catch.hpp>
#include <fstream>

#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/profile.hpp"
#include "openssh_server.hpp"

using namespace netaudit::collectors;

TEST_CASE("every required platform has a profile that loads and passes the allow-list") {
  const std::vector<std::string> required = {
      "cisco_ios",        "cisco_nxos",     "cisco_iosxr", "cisco_asa",     "arista_eos",
      "juniper_junos",    "huawei_vrp",     "nokia_sros",  "nokia_sros_md", "mikrotik_routeros",
      "fortinet_fortios", "paloalto_panos", "vyos"};
  const std::vector<std::string> available = available_platforms();
  for (const std::string& platform : required) {
    INFO(platform);
    CHECK(std::find(available.begin(), available.end(), platform) != available.end());
    const Profile profile = load_profile_by_name(platform);
    CHECK(profile.platform == platform);
    CHECK_FALSE(profile.fetch_commands.empty());
    REQUIRE(profile.compiled);
    for (const std::string& command : profile.fetch_commands)
      CHECK(is_read_only_command(command));
    for (const std::string& command : profile.paging_off_commands)
      CHECK(is_read_only_command(command));
  }
  CHECK(load_profile_by_name("juniper_junos").mode == SessionMode::exec);
  CHECK(load_profile_by_name("mikrotik_routeros").mode == SessionMode::exec);
  CHECK(load_profile_by_name("cisco_ios").mode == SessionMode::shell);
}

TEST_CASE("the allow-list accepts show/display/paging commands") {
  for (const char* command :
       {"show running-config", "show", "show configuration | display omit",
        "display current-configuration", "admin display-config", "admin show configuration",
        "/export", "terminal length 0", "terminal width 511", "screen-length 0 temporary",
        "set cli screen-length 0", "set cli pager off", "environment no more",
        "environment more false", "show running-config | no-more",
        "show running-config | exclude ! Time:", "exit"}) {
    INFO(command);
    CHECK(is_read_only_command(command));
  }
}

TEST_CASE("the allow-list refuses commands that change a device or write files") {
  for (const char* command : {"configure terminal",
                              "conf t",
                              "copy running-config startup-config",
                              "write memory",
                              "reload",
                              "config system console",
                              "set output standard",
                              "end",
                              "delete flash:x",
                              "show running-config ; reload",
                              "show running-config\nreload",
                              "show running-config | redirect flash:x",
                              "show running-config | tee flash:x",
                              "show running-config | append flash:x",
                              "show configuration | save /var/tmp/x",
                              "show running-config > flash:x",
                              "show run | file disk0:x",
                              "/system reset-configuration",
                              "set system host-name x",
                              "request restart system",
                              "terminal",
                              "",
                              "showrun",
                              "show `reload`",
                              "show $(reload)"}) {
    INFO(command);
    CHECK_FALSE(is_read_only_command(command));
  }
}

TEST_CASE("a profile naming a non-read-only command is refused at load - naming file and command") {
  netaudit::test::TempDir dir;
  const auto file = dir.path() / "evil_ios.yaml";
  std::ofstream(file) << "platform: evil_ios\nmode: shell\nprompt: ['[\\w.-]+#\\s?']\n"
                         "paging_off:\n  - terminal length 0\n  - configure terminal\n"
                         "fetch: [show running-config]\n";
  try {
    (void)load_profile(file);
    FAIL("the profile was accepted");
  } catch (const CollectError& error) {
    CHECK(error.kind() == ErrorKind::refused_command);
    const std::string message = error.what();
    CHECK(message.find(file.string()) != std::string::npos);
    CHECK(message.find("configure terminal") != std::string::npos);
  }
}

TEST_CASE("a fetch command outside the allow-list is refused too") {
  netaudit::test::TempDir dir;
  const auto file = dir.path() / "evil_fetch.yaml";
  std::ofstream(file) << "mode: exec\nfetch: ['show configuration | save /tmp/x']\n";
  try {
    (void)load_profile(file);
    FAIL("the profile was accepted");
  } catch (const CollectError& error) {
    CHECK(error.kind() == ErrorKind::refused_command);
    CHECK(std::string(error.what()).find("save /tmp/x") != std::string::npos);
  }
}

TEST_CASE("broken profiles get a clear error with the file name") {
  netaudit::test::TempDir dir;
  const auto bad_regex = dir.path() / "bad_regex.yaml";
  std::ofstream(bad_regex) << "prompt: ['[unclosed']\nfetch: [show running-config]\n";
  try {
    (void)load_profile(bad_regex);
    FAIL("accepted");
  } catch (const CollectError& error) {
    CHECK(error.kind() == ErrorKind::profile_error);
    CHECK(std::string(error.what()).find("bad_regex.yaml") != std::string::npos);
  }
  const auto bad_yaml = dir.path() / "bad_yaml.yaml";
  std::ofstream(bad_yaml) << "prompt: [\nfetch: {\n";
  CHECK_THROWS_AS(load_profile(bad_yaml), CollectError);
  const auto no_secret_group = dir.path() / "no_group.yaml";
  std::ofstream(no_secret_group)
      << "prompt: ['x#']\nfetch: [show running-config]\nsecrets: ['password \\S+']\n";
  CHECK_THROWS_AS(load_profile(no_secret_group), CollectError);
  CHECK_THROWS_AS(load_profile_by_name("no_such_platform"), CollectError);
  CHECK_THROWS_AS(load_profile_by_name("../etc/passwd"), CollectError);
}
