#include "terminal.hpp"

#include <stdexcept>
#include <string>

namespace devsim {

AuditLog::AuditLog(const std::filesystem::path& file) {
  if (file.empty()) return;
  file_ = std::fopen(file.c_str(), "a");
  if (!file_) throw std::runtime_error(file.string() + ": cannot open the audit log");
}

AuditLog::~AuditLog() {
  if (file_) std::fclose(file_);
}

void AuditLog::refused(std::string_view device, std::string_view origin, std::string_view command) {
  ++refused_;
  if (!file_) return;
  // One line per refusal; control characters are shown as '?', so a line stays a line.
  std::string line = "refused\t" + std::string(device) + "\t" + std::string(origin) + "\t";
  for (char c : command)
    line.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  std::fputs(line.c_str(), file_);
  std::fflush(file_);
}

}  // namespace devsim
