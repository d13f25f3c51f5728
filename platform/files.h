// File helpers with the checks every reader needs. Each failure throws a DataError whose message
// names the file and what is wrong, so callers can pass it straight to the user.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp {

bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);
// Creates `path` and its parents, one component after the other (a loop, so a path of thousands
// of components cannot exhaust the stack); throws DataError naming the folder that failed.
void MakeDirectories(const std::string& path);
std::string JoinPath(const std::string& dir, const std::string& name);

// Largest file ReadFileBytes reads when its caller names no bound of its own.
constexpr uint64_t kMaxReadBytes = uint64_t{1} << 30;

// Whole file into memory. Throws DataError naming the file if it is missing or unreadable, is
// not a regular file (a FIFO, device or folder: opening a FIFO for reading would block until a
// writer came), or holds more than `max_bytes` (each format's largest size, so a huge or sparse
// file is refused before anything is allocated). `kind` names the format in that message, as
// in "model file".
std::vector<uint8_t> ReadFileBytes(const std::string& path, uint64_t max_bytes = kMaxReadBytes,
                                   const char* kind = "file");

// The same checks, then the file is read in pieces: for formats parsed as they are read, so that
// a large file is never held in memory twice (the 150 MB of CIFAR-10 training images go straight
// from a small buffer to where they are kept). Throws DataError naming the file.
class FileReader {
 public:
  FileReader(const std::string& path, uint64_t max_bytes, const char* kind);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  // Exactly `n` bytes from the current position (a file that shrank since it was opened is an
  // error, not a short read).
  void Read(void* dest, size_t n);

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// Writes `bytes` to `path` so that a reader never sees half a file: the data goes to
// `path.tmp.<pid>`, is flushed to disk, then renamed over `path`, and the folder is flushed
// (SyncDirectory) so that the rename survives a power cut too. On failure the temporary is
// removed and a DataError naming `path` (never the temporary) is thrown; an interrupted process
// leaves at most the temporary. A `path` that exists and is not a regular file (a symlink, FIFO,
// device or folder) is refused, not replaced.
void WriteFileAtomic(const std::string& path, const void* bytes, size_t size);

// WriteFileAtomic in pieces, for a file too large to build in memory first (a model's weights
// are written straight from the network): the constructor checks `path` as above and creates
// the temporary, Write appends, Commit flushes to disk and renames. Every failure throws the
// DataError WriteFileAtomic would; destroying the writer before Commit removes the temporary,
// so `path` is either untouched or whole.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void Write(const void* bytes, size_t size);
  void Commit();

 private:
  [[noreturn]] void Fail();  // removes the temporary and throws, naming path_ and errno
  std::string path_, tmp_;
  int fd_ = -1;
};
inline void WriteFileAtomic(const std::string& path, const std::string& text) {
  WriteFileAtomic(path, text.data(), text.size());
}

// Flushes the folder `dir` itself (its entries: what renames and removals did) to disk. Throws
// DataError naming it on failure; file systems that cannot sync a folder (EINVAL) are let be.
void SyncDirectory(const std::string& dir);
// The folder part of `path` ("." when it has none).
std::string DirectoryOf(const std::string& path);

// An exclusive advisory lock (flock) on the file `path`, created if missing and left in place
// (deleting it would let two processes lock two different files of one name), held from the
// constructor until the destructor. Waits for the holder, so hold it briefly. It serializes the
// writers of a file that WriteFileAtomic replaces: such a file cannot carry the lock itself,
// since every write puts a new inode under its name. Throws DataError naming `path`.
class FileLock {
 public:
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

bool StderrIsTerminal();

}  // namespace tinymlp
