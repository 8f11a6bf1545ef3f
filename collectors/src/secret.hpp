// Credentials held in memory only as long as needed, and wiped afterwards.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace netaudit::collectors {

// A string whose bytes are zeroed on destruction. Not copyable, so it cannot leak into a copy
// that outlives it.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  SecretString& operator=(SecretString&& other) noexcept;
  ~SecretString() { wipe(); }

  const char* c_str() const { return value_.c_str(); }
  bool empty() const { return value_.empty(); }

 private:
  void wipe() noexcept;
  std::string value_;
};

// First line of a file, without its line ending. Throws CollectError(credential_error) naming
// the file (never its content) when unreadable or empty.
SecretString read_secret_file(const std::filesystem::path& file, std::string_view what);
// Value of an environment variable; throws credential_error naming the variable when unset.
SecretString read_secret_env(const std::string& variable, std::string_view what);

}  // namespace netaudit::collectors
