#include "devsim_fixture.hpp"

#include <fstream>
#include <stdexcept>

#include "test_paths.hpp"

namespace netaudit::test {

std::filesystem::path devsim_fixture_dir() {
  return fixture_dir() / "devsim";
}
std::filesystem::path devsim_lab_file() {
  return devsim_fixture_dir() / "lab.yaml";
}

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

std::string strip_cr(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

std::size_t count_of(std::string_view haystack, std::string_view needle) {
  std::size_t count = 0;
  for (auto pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

DevsimLab::DevsimLab(const std::filesystem::path& lab, std::vector<std::string> extra_args) {
  key = keys.path() / "id_ed25519";
  const auto made = run_command("ssh-keygen -q -t ed25519 -N '' -C devsim-test -f " +
                                shell_quote(key.string()) + " 2>&1");
  if (made.exit_code != 0) {
    throw std::runtime_error("ssh-keygen (openssh-client) failed: " + made.output);
  }
  extra_args.push_back("--authorized-key");
  extra_args.push_back(key.string() + ".pub");
  devsim = std::make_unique<DevsimProcess>(lab, extra_args);
}

std::string DevsimLab::ssh_options(std::uint16_t port) const {
  return "-F /dev/null -p " + std::to_string(port) + " -i " + shell_quote(key.string()) +
         " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes"
         " -o UserKnownHostsFile=" +
         shell_quote(devsim->known_hosts().string()) + " -o ConnectTimeout=10";
}

CommandResult DevsimLab::shell(std::string_view device, std::string_view user,
                               std::string_view input, int timeout_s) const {
  const auto input_file = keys.path() / "stdin.txt";
  {
    std::ofstream out(input_file, std::ios::binary | std::ios::trunc);
    out << input;
  }
  return run_command("timeout " + std::to_string(timeout_s) + " ssh -tt " +
                     ssh_options(devsim->port(device)) + " " + shell_quote(user) + "@127.0.0.1 < " +
                     shell_quote(input_file.string()) + " 2>&1");
}

CommandResult DevsimLab::exec(std::string_view device, std::string_view user,
                              std::string_view command, int timeout_s) const {
  return run_command("timeout " + std::to_string(timeout_s) + " ssh " +
                     ssh_options(devsim->port(device)) + " " + shell_quote(user) + "@127.0.0.1 " +
                     shell_quote(command) + " 2>&1 < /dev/null");
}

}  // namespace netaudit::test
