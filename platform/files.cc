#include "platform/files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "platform/error.h"

namespace tinymlp {
namespace {

// A path for a message: whole up to a few hundred characters, otherwise its start and end, so
// that an error about a 10,000-character path is still one readable line.
std::string ShortPath(const std::string& path) {
  if (path.size() <= 240) return path;
  return path.substr(0, 120) + "..." + path.substr(path.size() - 100);
}

std::string Describe(const std::string& path, const char* what) {
  return ShortPath(path) + ": " + what + " (" + std::strerror(errno) + ")";
}

const char* KindOf(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a folder";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  if (S_ISLNK(st.st_mode)) return "a symbolic link";
  return "not a regular file";
}

// Throws unless `st` is a regular file of at most max_bytes.
void CheckReadable(const std::string& path, const struct stat& st, uint64_t max_bytes,
                   const char* kind) {
  if (!S_ISREG(st.st_mode)) {
    throw DataError(ShortPath(path) + ": is " + KindOf(st) + ", not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    throw DataError(ShortPath(path) + ": " + std::to_string(st.st_size) +
                    " bytes is too large for a " + kind + " (at most " + std::to_string(max_bytes) +
                    " bytes)");
  }
}

}  // namespace

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void MakeDirectories(const std::string& path) {
  if (path.empty() || IsDirectory(path)) return;
  if (path.size() >= PATH_MAX) {  // refused before any of its folders is made
    errno = ENAMETOOLONG;
    throw DataError(Describe(path, "cannot create folder"));
  }
  // Each prefix that ends before a '/' in turn, then the whole path: cut in place with a NUL.
  std::string prefix = path;
  for (size_t end = 1; end <= prefix.size(); ++end) {
    if (end < prefix.size() && (prefix[end] != '/' || prefix[end - 1] == '/')) continue;
    const char saved = prefix[end];
    prefix[end] = '\0';
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      throw DataError(Describe(prefix.c_str(), "cannot create folder"));
    }
    prefix[end] = saved;
  }
  if (!IsDirectory(path)) throw DataError(ShortPath(path) + ": exists and is not a folder");
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

FileReader::FileReader(const std::string& path, uint64_t max_bytes, const char* kind)
    : path_(path) {
  // The kind and size are checked before open(): opening a FIFO for reading blocks until some
  // writer opens it, and a 100 GB sparse file must be refused before its bytes are allocated.
  struct stat named;
  if (::stat(path.c_str(), &named) != 0) throw DataError(Describe(path, "cannot open"));
  CheckReadable(path, named, max_bytes, kind);
  // O_NONBLOCK so that a FIFO put in the file's place since stat() cannot block open() either;
  // fstat() then checks that what was opened is the file that was checked.
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw DataError(Describe(path, "cannot open"));
  struct stat st;
  try {
    if (::fstat(fd_, &st) != 0) throw DataError(Describe(path, "cannot read"));
    if (st.st_dev != named.st_dev || st.st_ino != named.st_ino) {
      throw DataError(ShortPath(path) + ": was replaced while being opened");
    }
    CheckReadable(path, st, max_bytes, kind);
  } catch (...) {
    ::close(fd_);
    throw;
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

FileReader::~FileReader() { ::close(fd_); }

void FileReader::Read(void* dest, size_t n) {
  auto* p = static_cast<uint8_t*>(dest);
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::read(fd_, p + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got == 0) errno = EIO;  // the file shrank while being read
      throw DataError(Describe(path_, "read failed"));
    }
    done += static_cast<size_t>(got);
  }
}

std::vector<uint8_t> ReadFileBytes(const std::string& path, uint64_t max_bytes, const char* kind) {
  FileReader file(path, max_bytes, kind);
  std::vector<uint8_t> bytes(static_cast<size_t>(file.size()));
  file.Read(bytes.data(), bytes.size());
  return bytes;
}

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  // rename() would replace a symlink, FIFO or device node with a regular file (and a folder
  // cannot be replaced at all): refuse anything but a regular file or nothing.
  struct stat existing;
  if (::lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    throw DataError(ShortPath(path) + ": is " + KindOf(existing) +
                    ", not a regular file; refusing to replace it");
  }
  // Errors name `path`: the temporary is an implementation detail the user never asked for.
  tmp_ = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp_.c_str());  // a leftover of an earlier process with the same id
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw DataError(errno == ENOENT ? ShortPath(path) + ": cannot write (its folder does not exist)"
                                    : Describe(path, "cannot write"));
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {  // not committed
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFileWriter::Fail() {
  const std::string message = Describe(path_, "write failed");
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  throw DataError(message);
}

void AtomicFileWriter::Write(const void* bytes, size_t size) {
  if (fd_ < 0) throw DataError(ShortPath(path_) + ": write after the file was closed");
  const auto* p = static_cast<const uint8_t*>(bytes);
  size_t done = 0;
  while (done < size) {
    const ssize_t put = ::write(fd_, p + done, size - done);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      if (put == 0) errno = EIO;
      Fail();
    }
    done += static_cast<size_t>(put);
  }
}

void AtomicFileWriter::Commit() {
  if (fd_ < 0) throw DataError(ShortPath(path_) + ": write after the file was closed");
  if (::fsync(fd_) != 0) Fail();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 || ::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const std::string message = Describe(path_, "write failed");
    ::unlink(tmp_.c_str());
    throw DataError(message);
  }
  SyncDirectory(DirectoryOf(path_));  // the rename itself survives a crash
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw DataError(Describe(dir, "cannot open folder to flush it"));
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;
  const std::string message = ok ? std::string() : Describe(dir, "cannot flush folder");
  ::close(fd);
  if (!ok) throw DataError(message);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void WriteFileAtomic(const std::string& path, const void* bytes, size_t size) {
  AtomicFileWriter file(path);
  file.Write(bytes, size);
  file.Commit();
}

FileLock::FileLock(const std::string& path) {
  struct stat existing;
  if (::lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    throw DataError(ShortPath(path) + ": is " + KindOf(existing) + ", not a regular file (a lock)");
  }
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) throw DataError(Describe(path, "cannot open the lock file"));
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const std::string message = Describe(path, "cannot lock");
    ::close(fd_);
    throw DataError(message);
  }
}

FileLock::~FileLock() { ::close(fd_); }  // closing the last descriptor releases the lock

bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace tinymlp
