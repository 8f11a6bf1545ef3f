#include "input_files.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace netaudit::cli {

namespace fs = std::filesystem;

InputFiles expand_input_paths(const std::vector<std::string>& paths) {
  InputFiles input;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      input.errors.push_back(path + ": no such file or directory");
      continue;
    }
    if (!fs::is_directory(status)) {
      input.files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    auto walker = fs::recursive_directory_iterator(
        path, fs::directory_options::skip_permission_denied, error);
    for (auto it = walker; !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (name.starts_with(".")) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) found.push_back(it->path().string());
    }
    if (error) input.errors.push_back(path + ": " + error.message());
    std::sort(found.begin(), found.end());
    input.files.insert(input.files.end(), found.begin(), found.end());
  }
  return input;
}

}  // namespace netaudit::cli
