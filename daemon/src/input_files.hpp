// Expands the PATH arguments of a subcommand into config files, and names every argument or
// folder entry that gave none (so that nothing is skipped in silence).
#pragma once

#include <string>
#include <vector>

namespace netaudit::cli {

struct InputProblem {
  std::string path;
  std::string reason;  // "no such file or directory", "cannot read folder: Permission denied"
  std::string to_string() const { return path + ": " + reason; }
};

struct InputFiles {
  std::vector<std::string> files;      // sorted within each directory, in argument order
  std::vector<InputProblem> problems;  // paths that could not be read or held no config file
};

// Files are taken as given; directories are walked recursively, skipping hidden entries and
// following symbolic links to folders (each folder once, so a link loop ends). Reported as
// problems: a path that does not exist, a folder that cannot be read, a folder argument with
// no config file in it, a broken link and an entry that is no regular file.
InputFiles expand_input_paths(const std::vector<std::string>& paths);

}  // namespace netaudit::cli
