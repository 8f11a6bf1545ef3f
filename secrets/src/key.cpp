// The per-installation redaction key and the keyed marker (HMAC-SHA256 through libcrypto).
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include "netaudit/secrets/redaction.hpp"

namespace netaudit::secrets {
namespace {

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Closes a file descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

RedactionKey::~RedactionKey() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

RedactionKey RedactionKey::from_bytes(std::string_view bytes) {
  if (bytes.size() != kSize)
    throw KeyError("a redaction key has " + std::to_string(kSize) + " bytes, not " +
                   std::to_string(bytes.size()));
  RedactionKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kSize);
  return key;
}

RedactionKey RedactionKey::load(const std::filesystem::path& file) {
  const std::string where = file.string();
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0)
    throw KeyError("redaction key " + where + ": cannot open: " + errno_text(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    throw KeyError("redaction key " + where + ": cannot stat: " + errno_text(errno));
  if (!S_ISREG(info.st_mode)) throw KeyError("redaction key " + where + ": not a regular file");
  if ((info.st_mode & 077) != 0)
    throw KeyError("redaction key " + where + ": mode " + std::to_string((info.st_mode >> 6) & 7) +
                   std::to_string((info.st_mode >> 3) & 7) + std::to_string(info.st_mode & 7) +
                   " lets group or others read or write it; it must be 0600 (chmod 600 " + where +
                   ")");
  if (static_cast<std::size_t>(info.st_size) != kSize)
    throw KeyError("redaction key " + where + ": " + std::to_string(info.st_size) +
                   " bytes, expected " + std::to_string(kSize));
  RedactionKey key;
  std::size_t got = 0;
  while (got < kSize) {
    const ssize_t n = ::read(fd.get(), key.bytes_.data() + got, kSize - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw KeyError("redaction key " + where + ": cannot read: " + errno_text(errno));
    got += static_cast<std::size_t>(n);
  }
  return key;
}

RedactionKey RedactionKey::load_or_create(const std::filesystem::path& file) {
  const std::string where = file.string();
  std::error_code ec;
  if (std::filesystem::symlink_status(file, ec).type() != std::filesystem::file_type::not_found)
    return load(file);
  if (const std::filesystem::path folder = file.parent_path(); !folder.empty()) {
    if (!std::filesystem::exists(folder, ec)) {
      std::filesystem::create_directories(folder, ec);
      if (ec)
        throw KeyError("redaction key " + where + ": cannot create folder " + folder.string() +
                       ": " + ec.message());
      std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
  }
  RedactionKey key;
  if (RAND_bytes(key.bytes_.data(), static_cast<int>(kSize)) != 1)
    throw KeyError("redaction key " + where + ": the random source failed");
  // Written to a temporary beside it, then linked into place: two processes creating the key
  // at once end up with one key (the loser reads the winner's), never a half-written file.
  std::string temporary = where + ".XXXXXX";
  Fd fd(::mkstemp(temporary.data()));
  if (fd.get() < 0)
    throw KeyError("redaction key " + where + ": cannot create: " + errno_text(errno));
  bool ok = ::fchmod(fd.get(), 0600) == 0;
  std::size_t written = 0;
  while (ok && written < kSize) {
    const ssize_t n = ::write(fd.get(), key.bytes_.data() + written, kSize - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd.get()) == 0;
  const int saved = errno;
  ::close(fd.release());
  if (!ok) {
    ::unlink(temporary.c_str());
    throw KeyError("redaction key " + where + ": cannot write: " + errno_text(saved));
  }
  const int linked = ::link(temporary.c_str(), file.c_str());
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    if (link_error == EEXIST) return load(file);
    throw KeyError("redaction key " + where + ": cannot create: " + errno_text(link_error));
  }
  return key;
}

std::filesystem::path RedactionKey::default_path() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/')
    return std::filesystem::path(state) / "netaudit" / "redaction.key";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::filesystem::path(home) / ".local" / "state" / "netaudit" / "redaction.key";
  throw KeyError(
      "no place for the redaction key: neither $XDG_STATE_HOME nor $HOME is set (pass "
      "--redaction-key FILE)");
}

std::string RedactionKey::marker(std::string_view secret) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), bytes_.data(), static_cast<int>(kSize),
           reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest,
           &length) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed");
  std::string out(kMarkerPrefix);
  out.push_back('-');
  for (unsigned int i = 0; i < 8 && i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

MarkerFn unkeyed_marker() {
  return [](std::string_view) { return std::string(kMarkerPrefix); };
}

MarkerFn keyed_marker(std::shared_ptr<const RedactionKey> key) {
  if (!key) throw std::invalid_argument("keyed_marker: no key");
  return [key = std::move(key)](std::string_view secret) { return key->marker(secret); };
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

bool is_marker(std::string_view value) {
  if (!value.starts_with(kMarkerPrefix)) return false;
  value.remove_prefix(kMarkerPrefix.size());
  if (value.empty()) return true;
  if (value.size() != 17 || value.front() != '-') return false;
  return value.substr(1).find_first_not_of(kHex) == std::string_view::npos;
}

}  // namespace netaudit::secrets
