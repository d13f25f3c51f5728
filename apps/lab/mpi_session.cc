#include "apps/lab/mpi_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>
#include <vector>

#include "platform/error.h"  // ErrorKind: the exit codes

namespace tinymlp {
namespace {
constexpr std::chrono::microseconds kLongestPause(10000);
}  // namespace

MpiSession::MpiSession() : uncaught_at_start_(std::uncaught_exceptions()) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  const int is_worker = rank_ == 0 ? 0 : 1;
  MPI_Allreduce(&is_worker, &workers_on_node_, 1, MPI_INT, MPI_SUM, node);
  MPI_Comm_free(&node);
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  host_.assign(name, static_cast<size_t>(length));
}

// While an exception unwinds, other ranks may be waiting for a message this rank will never
// send, and MPI_Finalize would wait for them in turn: the rank leaves without it instead, and
// mpirun, seeing a rank end without finalizing, ends the job. A job of one has no one to wait for.
MpiSession::~MpiSession() {
  if (!finalized_ && (size_ == 1 || std::uncaught_exceptions() == uncaught_at_start_)) Finalize();
}

// The sleep doubles from 0.1 ms to 10 ms: a reply that is on its way (rank 0 answering a worker)
// is seen at once, and a wait for a training run (seconds) wakes 100 times a second.
MPI_Status MpiSession::Wait(MPI_Request* request) {
  MPI_Status status;
  int done = 0;
  for (auto pause = std::chrono::microseconds(100);; pause = std::min(2 * pause, kLongestPause)) {
    MPI_Test(request, &done, &status);
    if (done) return status;
    std::this_thread::sleep_for(pause);
  }
}

void MpiSession::Finalize() {
  MPI_Request barrier;
  MPI_Ibarrier(MPI_COMM_WORLD, &barrier);
  Wait(&barrier);
  MPI_Finalize();
  finalized_ = true;
}

namespace {

// RankReport as it travels (fixed size, so one MPI_Gather carries every report; the cluster is
// assumed homogeneous, as MPI_BYTE transfers of structs assume).
struct WireReport {
  int32_t exit_code;
  uint32_t data, plan;
  int32_t threads;
  char host[64];
  char error[432];
};

std::string Format(const char* format, int rank, const std::string& host, uint32_t a,
                   const std::string& host0, uint32_t b) {
  char line[512];
  std::snprintf(line, sizeof line, format, rank, host.c_str(), a, host0.c_str(), b);
  return line;
}

// Rank 0's verdict on the reports: 0 and "" when all agree, else an exit code and one line.
int Judge(const std::vector<WireReport>& all, std::string* message) {
  for (size_t r = 0; r < all.size(); ++r) {
    if (all[r].exit_code == 0) continue;
    *message = r == 0 ? std::string(all[r].error)
                      : "rank " + std::to_string(r) + " on " + all[r].host + ": " + all[r].error;
    return all[r].exit_code;
  }
  for (size_t r = 1; r < all.size(); ++r) {
    if (all[r].data != all[0].data) {
      *message = Format(
          "rank %d on %s loaded other data (CRC-32 %08x) than rank 0 on %s (%08x): every rank "
          "needs the same CIFAR-10 files (--data)",
          static_cast<int>(r), all[r].host, all[r].data, all[0].host, all[0].data);
      return static_cast<int>(ErrorKind::kData);
    }
    if (all[r].plan != all[0].plan) {
      *message = Format(
          "rank %d on %s planned other settings (CRC-32 %08x) than rank 0 on %s (%08x): start "
          "every rank with the same search flags",
          static_cast<int>(r), all[r].host, all[r].plan, all[0].host, all[0].plan);
      return static_cast<int>(ErrorKind::kUsage);
    }
  }
  return 0;
}

}  // namespace

void AgreeOrExit(MpiSession& mpi, const RankReport& mine, int* min_threads, int* max_threads) {
  WireReport w{};
  w.exit_code = mine.exit_code;
  w.data = mine.data;
  w.plan = mine.plan;
  w.threads = mine.threads;
  std::snprintf(w.host, sizeof w.host, "%s", mpi.host().c_str());
  std::snprintf(w.error, sizeof w.error, "%s", mine.error.c_str());
  std::vector<WireReport> all(mpi.rank() == 0 ? mpi.size() : 0);
  MPI_Request request;
  MPI_Igather(&w, sizeof w, MPI_BYTE, all.data(), sizeof w, MPI_BYTE, 0, MPI_COMM_WORLD, &request);
  MpiSession::Wait(&request);

  std::string message;
  int verdict = mpi.rank() == 0 ? Judge(all, &message) : 0;
  MPI_Ibcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  MpiSession::Wait(&request);
  if (verdict != 0) {
    // Rank 0 says why, once, in the command line's error format, before the barrier in
    // Finalize: mpirun ends the whole job as soon as one rank exits non-zero, so rank 0 could
    // not count on outliving the others to report it.
    if (mpi.rank() == 0) std::fprintf(stderr, "tinymlp: error: %s\n", message.c_str());
    std::fflush(stderr);
    mpi.Finalize();
    std::exit(verdict);
  }
  if (mpi.rank() == 0 && all.size() > 1) {
    *min_threads = *max_threads = all[1].threads;
    for (size_t r = 2; r < all.size(); ++r) {
      *min_threads = std::min<int>(*min_threads, all[r].threads);
      *max_threads = std::max<int>(*max_threads, all[r].threads);
    }
  }
}

}  // namespace tinymlp
