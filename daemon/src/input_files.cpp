#include "input_files.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

namespace netaudit::cli {

namespace fs = std::filesystem;

namespace {

// Walks one folder argument. Folders are identified by device and inode, so a folder reached
// twice (a link loop, or two links to one place) is walked once.
class FolderWalk {
 public:
  explicit FolderWalk(InputFiles& input) : input_(input) {}

  void walk(const fs::path& folder, std::vector<std::string>& found) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0) return;
    if (!visited_.insert({info.st_dev, info.st_ino}).second) return;
    std::error_code error;
    fs::directory_iterator it(folder, error);
    if (error) {
      input_.problems.push_back({folder.string(), "cannot read folder: " + error.message()});
      return;
    }
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
      const fs::path& entry = it->path();
      if (entry.filename().string().starts_with(".")) continue;
      std::error_code status_error;
      const fs::file_status status = fs::status(entry, status_error);  // follows links
      if (status_error || !fs::exists(status)) {
        input_.problems.push_back({entry.string(), fs::is_symlink(it->symlink_status())
                                                       ? "broken symbolic link"
                                                       : "cannot read: " + status_error.message()});
      } else if (fs::is_directory(status)) {
        walk(entry, found);
      } else if (fs::is_regular_file(status)) {
        found.push_back(entry.string());
      } else {
        input_.problems.push_back({entry.string(), "not a regular file"});
      }
    }
    if (error)
      input_.problems.push_back({folder.string(), "cannot read folder: " + error.message()});
  }

 private:
  InputFiles& input_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

}  // namespace

InputFiles expand_input_paths(const std::vector<std::string>& paths) {
  InputFiles input;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      input.problems.push_back({path, fs::is_symlink(fs::symlink_status(path, error))
                                          ? "broken symbolic link"
                                          : "no such file or directory"});
      continue;
    }
    if (!fs::is_directory(status)) {
      input.files.push_back(path);
      continue;
    }
    const std::size_t problems_before = input.problems.size();
    std::vector<std::string> found;
    FolderWalk(input).walk(path, found);
    // An unreadable folder already says why it gave nothing; an empty one must say so too.
    if (found.empty() && input.problems.size() == problems_before)
      input.problems.push_back({path, "no config files in this folder"});
    std::sort(found.begin(), found.end());
    input.files.insert(input.files.end(), found.begin(), found.end());
  }
  return input;
}

}  // namespace netaudit::cli
