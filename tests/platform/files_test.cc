// platform/files: readers refuse what is not a regular file of a plausible size before opening
// or allocating, the atomic writer never replaces a symlink, FIFO or device and never names its
// temporary, and MakeDirectories copes with any depth.
#include "platform/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "platform/error.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::TempDir;

std::string ErrorOf(void (*fn)(const std::string&), const std::string& arg) {
  try {
    fn(arg);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    return e.what();
  }
  ADD_FAILURE() << "no error for " << arg.substr(0, 80);
  return "";
}

TEST(Files, SparseFileBeyondTheBoundIsRefusedBeforeReading) {
  TempDir dir;
  const std::string path = dir.File("big");
  ASSERT_EQ(::truncate((testing::WriteBytes(path, {}), path).c_str(), int64_t{100} << 30), 0);
  try {
    ReadFileBytes(path, 1000, "test file");
    ADD_FAILURE() << "read a 100 GB file";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": 107374182400 bytes is too large for a test file (at most 1000 bytes)");
  }
  testing::WriteBytes(path, std::vector<uint8_t>(1000, 7));
  EXPECT_EQ(ReadFileBytes(path, 1000, "test file").size(), 1000u);
}

TEST(Files, FoldersAreNotRegularFiles) {
  TempDir dir;
  const std::string message = ErrorOf([](const std::string& p) { ReadFileBytes(p); }, dir.path());
  EXPECT_NE(message.find("is a folder, not a regular file"), std::string::npos) << message;
}

TEST(Files, AtomicWriteRefusesSymlinksAndNeverNamesTheTemporary) {
  TempDir dir;
  const std::string target = dir.File("target"), link = dir.File("link");
  testing::WriteBytes(target, {'a'});
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  std::string message = ErrorOf([](const std::string& p) { WriteFileAtomic(p, "new"); }, link);
  EXPECT_NE(message.find("is a symbolic link"), std::string::npos) << message;
  EXPECT_EQ(testing::ReadBytes(target).size(), 1u);

  message = ErrorOf([](const std::string& p) { WriteFileAtomic(p, "x"); }, dir.File("no/x"));
  EXPECT_EQ(message, dir.File("no/x") + ": cannot write (its folder does not exist)");
}

// 200,000 components: a recursive MakeDirectories overflowed the stack long before this.
TEST(Files, DeepPathsGiveAShortErrorNotACrash) {
  TempDir dir;
  std::string deep = dir.path();
  for (int i = 0; i < 200000; ++i) deep += "/d";
  const std::string message = ErrorOf(MakeDirectories, deep);
  EXPECT_NE(message.find("cannot create folder (File name too long)"), std::string::npos);
  EXPECT_LT(message.size(), 400u);

  MakeDirectories(dir.File("a//b/c/"));
  EXPECT_TRUE(IsDirectory(dir.File("a/b/c")));
  testing::WriteBytes(dir.File("f"), {'x'});
  EXPECT_NE(ErrorOf(MakeDirectories, dir.File("f")).find("exists and is not a folder"),
            std::string::npos);
}

// Issue 13: the lock that serializes writers of one search-results file. flock() locks belong
// to an open file, so a second FileLock in this process waits as another process would.
TEST(Files, FileLockWaitsForItsHolder) {
  TempDir dir;
  const std::string path = dir.File("results.csv.lock");
  std::atomic<bool> second_holds{false};
  std::thread second;
  {
    const FileLock first(path);
    second = std::thread([&] {
      const FileLock lock(path);
      second_holds = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(second_holds) << "took the lock while the first held it";
  }
  second.join();
  EXPECT_TRUE(second_holds);
  const std::string fifo = dir.File("fifo.lock");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  try {
    const FileLock lock(fifo);
    ADD_FAILURE() << "locked a FIFO";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is a FIFO"), std::string::npos) << e.what();
  }
}

// The streaming writer behind SaveModel: pieces make the whole file; a writer dropped before
// Commit (an exception mid-way) leaves the old file and no temporary.
TEST(Files, AtomicFileWriterIsAllOrNothing) {
  TempDir dir;
  const std::string path = dir.File("f");
  {
    AtomicFileWriter file(path);
    file.Write("ab", 2);
    file.Write("cd", 2);
    file.Commit();
  }
  EXPECT_EQ(testing::ReadBytes(path), (std::vector<uint8_t>{'a', 'b', 'c', 'd'}));
  {
    AtomicFileWriter file(path);
    file.Write("xyz", 3);
  }  // no Commit
  EXPECT_EQ(testing::ReadBytes(path).size(), 4u);
  EXPECT_EQ(std::system(("test $(ls -A '" + dir.path() + "' | wc -l) -eq 1").c_str()), 0);
}

}  // namespace
}  // namespace tinymlp
