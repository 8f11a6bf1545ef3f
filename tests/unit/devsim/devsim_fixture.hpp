// Shared set-up of the devsim tests: the fixture lab, a client key the tests generate, and the
// system OpenSSH client to talk to devsim without the collectors.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "devsim_process.hpp"
#include "test_paths.hpp"

namespace netaudit::test {

std::filesystem::path devsim_fixture_dir();  // tests/fixtures/devsim
std::filesystem::path devsim_lab_file();     // tests/fixtures/devsim/lab.yaml

// A lab running on free ports with a fresh ed25519 client key accepted by every device.
struct DevsimLab {
  TempDir keys{"devsim-keys"};
  std::filesystem::path key;  // private key; key + ".pub" is authorised
  std::unique_ptr<DevsimProcess> devsim;

  explicit DevsimLab(const std::filesystem::path& lab = devsim_lab_file(),
                     std::vector<std::string> extra_args = {});

  // `ssh` options for this lab: key, known_hosts, strict checking, no user config.
  std::string ssh_options(std::uint16_t port) const;
  // Runs an interactive session (ssh -tt) fed with `input` on stdin; stdout+stderr.
  CommandResult shell(std::string_view device, std::string_view user, std::string_view input,
                      int timeout_s = 20) const;
  // Runs one command over an exec channel.
  CommandResult exec(std::string_view device, std::string_view user, std::string_view command,
                     int timeout_s = 20) const;
};

// Single-quotes text for /bin/sh.
std::string shell_quote(std::string_view text);
// "\r\n" -> "\n".
std::string strip_cr(std::string_view text);
std::size_t count_of(std::string_view haystack, std::string_view needle);

}  // namespace netaudit::test
