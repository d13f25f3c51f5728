#include "apps/lab/data_checksums.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>

#include "apps/lab/job_pool.h"
#include "engine/base/crc32.h"
#include "platform/files.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

DataFileSum SumFile(const std::string& dir, const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, DataFileSum>* sums = new std::map<std::string, DataFileSum>;
  const std::string path = JoinPath(dir, name);
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = sums->find(path);
    if (found != sums->end()) return found->second;
  }
  // Read in 1 MiB pieces: the whole file at once would add 30 MB to the run's peak memory.
  FileReader file(path, uint64_t{kMaxImagesPerBatchFile} * kRecordBytes, "CIFAR-10 batch file");
  std::vector<uint8_t> piece(size_t{1} << 20);
  uint32_t crc = 0;
  for (uint64_t done = 0; done < file.size();) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(piece.size(), file.size() - done));
    file.Read(piece.data(), n);
    crc = Crc32Update(crc, piece.data(), n);
    done += n;
  }
  DataFileSum sum{name, file.size(), crc};
  std::lock_guard<std::mutex> lock(mutex);
  (*sums)[path] = sum;
  return sum;
}

}  // namespace

std::vector<DataFileSum> ChecksumDataFiles(const std::string& dir_in, Split split) {
  const std::string dir = ResolveCifarDir(dir_in);
  std::vector<std::string> names;
  const int files = split == Split::k10k ? 2 : 5;
  for (int i = 1; i <= files; ++i) names.push_back("data_batch_" + std::to_string(i) + ".bin");
  names.push_back("test_batch.bin");
  // One file per job, on as many threads as the run trains with: the CRC is most of the cost
  // (about 1.2 GB/s on one core), and the files are independent. RunJobs leaves the calling
  // thread's count at the per-job 1, so it is put back.
  std::vector<DataFileSum> sums(names.size());
  const int threads = ThreadCount();
  RunJobs(names.size(), threads, 1, [&](size_t i) { sums[i] = SumFile(dir, names[i]); });
  SetThreadCount(threads);
  return sums;
}

std::string Crc32Text(uint32_t crc) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", crc);
  return text;
}

std::string CompareDataFiles(const std::vector<DataFileSum>& recorded,
                             const std::vector<DataFileSum>& now) {
  for (size_t i = 0; i < recorded.size() || i < now.size(); ++i) {
    if (i >= now.size()) return "the run read " + recorded[i].name + ", which this one does not";
    if (i >= recorded.size()) return now[i].name + " was not read by the run";
    const DataFileSum& a = recorded[i];
    const DataFileSum& b = now[i];
    if (a.name != b.name) return b.name + " where the run read " + a.name;
    if (a.bytes != b.bytes) {
      return b.name + " has " + std::to_string(b.bytes) + " bytes where the run read " +
             std::to_string(a.bytes);
    }
    if (a.crc32 != b.crc32) {
      return b.name + " has CRC-32 " + Crc32Text(b.crc32) + " where the run read " +
             Crc32Text(a.crc32);
    }
  }
  return std::string();
}

}  // namespace tinymlp
