// File helpers with the checks every reader needs. Each failure throws a DataError whose message
// names the file and what is wrong, so callers can pass it straight to the user.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp {

bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);
// Creates `path` and its parents; throws on failure.
void MakeDirectories(const std::string& path);
std::string JoinPath(const std::string& dir, const std::string& name);

// Whole file into memory; throws DataError if it is missing or unreadable.
std::vector<uint8_t> ReadFileBytes(const std::string& path);

// Writes `bytes` to `path` so that a reader never sees half a file: the data goes to
// `path.tmp.<pid>`, is flushed to disk, then renamed over `path`. On failure the temporary is
// removed and a DataError is thrown; an interrupted process leaves at most the temporary.
void WriteFileAtomic(const std::string& path, const void* bytes, size_t size);
inline void WriteFileAtomic(const std::string& path, const std::string& text) {
  WriteFileAtomic(path, text.data(), text.size());
}

bool StderrIsTerminal();

}  // namespace tinymlp
