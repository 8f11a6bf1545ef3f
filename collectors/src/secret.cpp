#include "secret.hpp"

#include <cstdlib>
#include <fstream>

#include "netaudit/collectors/errors.hpp"

namespace netaudit::collectors {

SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

void SecretString::wipe() noexcept {
  // volatile stores so the compiler cannot drop the wipe as a dead store.
  volatile char* bytes = value_.data();
  for (std::size_t i = 0; i < value_.size(); ++i)
    bytes[i] = '\0';
  value_.clear();
}

SecretString read_secret_file(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw CollectError(ErrorKind::credential_error,
                       "cannot read " + std::string(what) + " file " + file.string());
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  SecretString secret(std::move(line));
  if (secret.empty())
    throw CollectError(ErrorKind::credential_error,
                       std::string(what) + " file " + file.string() + " is empty");
  return secret;
}

SecretString read_secret_env(const std::string& variable, std::string_view what) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0')
    throw CollectError(ErrorKind::credential_error,
                       std::string(what) + " environment variable " + variable + " is not set");
  return SecretString(std::string(value));
}

}  // namespace netaudit::collectors
