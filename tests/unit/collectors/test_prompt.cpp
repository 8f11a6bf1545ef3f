// Prompt detection on the tail of the buffer, and cleaning of a shell command's output.
#include <catch2/catch.hpp>
#include <string_view>
#include <vector>

#include "netaudit/collectors/cli_driver.hpp"
#include "netaudit/collectors/profile.hpp"

using namespace netaudit::collectors;

namespace {

struct ProfilePrompts {
  std::string_view profile;
  std::vector<std::string_view> prompts;  // buffer tails that end at a prompt
  std::vector<std::string_view> pagers;   // buffer tails that end at a pager (--More--) line
};

// The profile's matcher sees a prompt at the end of each of `prompts` and a pager at the end
// of each of `pagers`.
void check_prompts(const ProfilePrompts& expected) {
  const PromptMatcher matcher(load_profile_by_name(expected.profile));
  for (std::string_view tail : expected.prompts) {
    INFO(expected.profile << " prompt: " << tail);
    CHECK(matcher.at_prompt(tail));
  }
  for (std::string_view tail : expected.pagers) {
    INFO(expected.profile << " pager: " << tail);
    CHECK(matcher.at_more(tail));
  }
}

}  // namespace

TEST_CASE("prompts are matched on the last line only") {
  const Profile ios = load_profile_by_name("cisco_ios");
  const PromptMatcher prompts(ios);
  CHECK_FALSE(prompts.at_prompt("router1#\r\nhostname router1\r\n"));
  CHECK_FALSE(prompts.at_prompt("interface Gi0/1\r\n description to core#1 uplink"));
  CHECK(prompts.trailing_prompt("x\nR1#") == std::optional<std::string_view>("R1#"));
  // A very long last line is not a prompt, and is not scanned in full.
  CHECK_FALSE(prompts.at_prompt(std::string(100000, 'a') + "#"));
  CHECK_FALSE(prompts.at_more("--More--\r\nline\r\n"));

  // Each platform's real prompts (and pager line) as its device prints them.
  const ProfilePrompts platforms[] = {
      {"cisco_ios", {"banner\r\nrouter1#", "router1>", "\r\nrouter1# "}, {"line\r\n --More-- "}},
      {"huawei_vrp", {"\r\n<HUAWEI>"}, {"  ---- More ----"}},
      {"nokia_sros", {"\r\nA:router1# ", "\r\n*A:router1>config# "}, {}},
      {"nokia_sros_md", {"\r\n[/]\r\nA:admin@router1# "}, {}},
      {"mikrotik_routeros", {"\r\n[admin@MikroTik] > "}, {}},
      {"fortinet_fortios", {"\r\nFGT60E # ", "\r\nFGT60E (global) # "}, {}},
      {"paloalto_panos", {"\r\nadmin@PA-220> "}, {}},
      {"vyos", {"\r\nvyos@vyos:~$ "}, {}},
      {"cisco_asa", {"\r\nfw1/admin# "}, {"<--- More --->"}},
      {"cisco_iosxr", {"\r\nRP/0/RSP0/CPU0:xr1#"}, {}},
  };
  for (const ProfilePrompts& platform : platforms)
    check_prompts(platform);
}

TEST_CASE("clean_command_output removes echo - pager debris - CRs and the trailing prompt") {
  const Profile ios = load_profile_by_name("cisco_ios");
  const PromptMatcher prompts(ios);
  const std::string raw =
      "show running-config\r\n"
      "hostname r1\r\n"
      "interface Gi0/1\r\n"
      " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b description uplink\r\n"
      "\x1b[K!\r\n"
      "end\r\n"
      "r1#";
  CHECK(clean_command_output(raw, "show running-config", prompts) ==
        "hostname r1\ninterface Gi0/1\n description uplink\n!\nend\n");
  // No echo (some devices): nothing is dropped but the prompt.
  CHECK(clean_command_output("hostname r1\r\nr1#", "show running-config", prompts) ==
        "hostname r1\n");
  // Blank lines and trailing spaces inside the config are kept.
  CHECK(clean_command_output("show run\r\n\r\nbanner x \r\nr1#", "show run", prompts) ==
        "\nbanner x \n");

  // SR OS MD-CLI: the "[/]" context line above the prompt goes with the prompt.
  const Profile md = load_profile_by_name("nokia_sros_md");
  const PromptMatcher md_prompts(md);
  CHECK(clean_command_output(
            "admin show configuration\r\n    configure {\r\n    }\r\n[/]\r\nA:admin@r1# ",
            "admin show configuration", md_prompts) == "    configure {\n    }\n");
  // ... but a bracketed line elsewhere stays.
  CHECK(clean_command_output("info\r\n[x]\r\ny\r\nA:admin@r1# ", "info", md_prompts) == "[x]\ny\n");
}
