// Prompt detection on the tail of the buffer, and cleaning of a shell command's output.
#include <catch2/catch.hpp>

#include "netaudit/collectors/cli_driver.hpp"
#include "netaudit/collectors/profile.hpp"

using namespace netaudit::collectors;

TEST_CASE("prompts are matched on the last line only") {
  const Profile ios = load_profile_by_name("cisco_ios");
  const PromptMatcher prompts(ios);
  CHECK(prompts.at_prompt("banner\r\nrouter1#"));
  CHECK(prompts.at_prompt("router1>"));
  CHECK(prompts.at_prompt("\r\nrouter1# "));
  CHECK_FALSE(prompts.at_prompt("router1#\r\nhostname router1\r\n"));
  CHECK_FALSE(prompts.at_prompt("interface Gi0/1\r\n description to core#1 uplink"));
  CHECK(prompts.trailing_prompt("x\nR1#") == std::optional<std::string_view>("R1#"));
  // A very long last line is not a prompt, and is not scanned in full.
  CHECK_FALSE(prompts.at_prompt(std::string(100000, 'a') + "#"));
  CHECK(prompts.at_more("line\r\n --More-- "));
  CHECK_FALSE(prompts.at_more("--More--\r\nline\r\n"));

  const PromptMatcher vrp(load_profile_by_name("huawei_vrp"));
  CHECK(vrp.at_prompt("\r\n<HUAWEI>"));
  CHECK(vrp.at_more("  ---- More ----"));
  const PromptMatcher sros(load_profile_by_name("nokia_sros"));
  CHECK(sros.at_prompt("\r\nA:router1# "));
  CHECK(sros.at_prompt("\r\n*A:router1>config# "));
  const PromptMatcher md(load_profile_by_name("nokia_sros_md"));
  CHECK(md.at_prompt("\r\n[/]\r\nA:admin@router1# "));
  const PromptMatcher ros(load_profile_by_name("mikrotik_routeros"));
  CHECK(ros.at_prompt("\r\n[admin@MikroTik] > "));
  const PromptMatcher forti(load_profile_by_name("fortinet_fortios"));
  CHECK(forti.at_prompt("\r\nFGT60E # "));
  CHECK(forti.at_prompt("\r\nFGT60E (global) # "));
  const PromptMatcher pan(load_profile_by_name("paloalto_panos"));
  CHECK(pan.at_prompt("\r\nadmin@PA-220> "));
  const PromptMatcher vyos(load_profile_by_name("vyos"));
  CHECK(vyos.at_prompt("\r\nvyos@vyos:~$ "));
  const PromptMatcher asa(load_profile_by_name("cisco_asa"));
  CHECK(asa.at_prompt("\r\nfw1/admin# "));
  CHECK(asa.at_more("<--- More --->"));
  const PromptMatcher xr(load_profile_by_name("cisco_iosxr"));
  CHECK(xr.at_prompt("\r\nRP/0/RSP0/CPU0:xr1#"));
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
