#include "apps/lab/run_folder.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "apps/lab/run_plots.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw DataError(path + ": cannot remove the old run's file (" + std::strerror(errno) + ")");
  }
}

}  // namespace

const std::vector<std::string>& RunOutputNames() {
  static const std::vector<std::string>* names = [] {
    auto* n = new std::vector<std::string>{"run.json", "model.tmlp", "model_best.tmlp",
                                           "metrics.csv", "checkpoint"};
    for (const std::string& plot : RunPlotNames()) n->push_back(plot);
    return n;
  }();
  return *names;
}

std::string RunFolderOccupant(const std::string& out) {
  for (const std::string& name : RunOutputNames()) {
    struct stat st;
    if (::lstat(JoinPath(out, name).c_str(), &st) == 0) return name;
  }
  return std::string();
}

void RefuseOccupiedFolder(const std::string& out) {
  const std::string occupant = RunFolderOccupant(out);
  if (occupant.empty()) return;
  throw UsageError(out + " already holds a run (" + occupant +
                   "); use --force to replace it or --resume to continue it");
}

void ClearRunFolder(const std::string& out) {
  if (!IsDirectory(out)) return;
  // Leftover temporaries first: NAME.tmp.PID of a process killed while writing NAME.
  std::vector<std::string> leftovers;
  if (DIR* dir = ::opendir(out.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      const std::string file = entry->d_name;
      for (const std::string& name : RunOutputNames()) {
        const std::string prefix = name + ".tmp.";
        if (file.size() > prefix.size() && file.compare(0, prefix.size(), prefix) == 0 &&
            file.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
          leftovers.push_back(file);
        }
      }
    }
    ::closedir(dir);
  }
  for (const std::string& file : leftovers) {
    if (IsRegularFile(JoinPath(out, file))) Remove(JoinPath(out, file));
  }
  const std::vector<std::string>& names = RunOutputNames();
  for (size_t i = names.size(); i-- > 0;) {  // run.json, the first name, last
    const std::string path = JoinPath(out, names[i]);
    if (IsRegularFile(path)) Remove(path);
  }
  SyncDirectory(out);
  const std::string left = RunFolderOccupant(out);
  if (!left.empty()) {
    throw DataError(JoinPath(out, left) +
                    ": is not a regular file; --force removes only the files a run writes, so "
                    "move it away first");
  }
}

}  // namespace tinymlp
