#include "apps/lab/search_mpi.h"

#include <sched.h>

#include <algorithm>
#include <string>

#include "engine/base/crc32.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

// Messages. A worker sends kResult, {plan index, outcome...} (index -1: "ready", the first
// time), and rank 0 answers kWork with the next plan index to train, or -1: no more work.
constexpr int kResult = 1, kWork = 2;
enum Field { kIndex, kFinalVal, kBestVal, kBestStep, kTest, kSeconds, kFields };

uint32_t Crc(const std::vector<uint8_t>& bytes) { return Crc32(bytes.data(), bytes.size()); }

SearchOutcome Coordinate(const MpiSession& mpi, const SearchSettings& s) {
  SearchLedger ledger(s, PlanSearch(s));
  size_t next = 0;
  for (int workers = mpi.size() - 1; workers > 0;) {
    double msg[kFields];
    MPI_Request request;
    MPI_Irecv(msg, kFields, MPI_DOUBLE, MPI_ANY_SOURCE, kResult, MPI_COMM_WORLD, &request);
    const MPI_Status status = MpiSession::Wait(&request);
    if (msg[kIndex] >= 0) {
      SearchRow row = ledger.plan()[static_cast<size_t>(msg[kIndex])];
      row.final_val_accuracy = msg[kFinalVal];
      row.best_val_accuracy = msg[kBestVal];
      row.best_step = static_cast<long>(msg[kBestStep]);
      row.test_accuracy = msg[kTest];
      row.seconds = msg[kSeconds];
      ledger.Record(row, " on rank " + std::to_string(status.MPI_SOURCE));
    }
    const int work = next < ledger.todo().size() ? static_cast<int>(ledger.todo()[next++]) : -1;
    MPI_Send(&work, 1, MPI_INT, status.MPI_SOURCE, kWork, MPI_COMM_WORLD);
    if (work < 0) --workers;
  }
  return ledger.Outcome();
}

void Work(const SearchSettings& s, const Cifar10& data) {
  const std::vector<SearchRow> plan = PlanSearch(s);  // rank 0's: AgreeOrExit compared them
  SetThreadCount(s.threads);
  double msg[kFields] = {-1};
  for (;;) {
    MPI_Send(msg, kFields, MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
    int work = -1;
    MPI_Request request;
    MPI_Irecv(&work, 1, MPI_INT, 0, kWork, MPI_COMM_WORLD, &request);
    MpiSession::Wait(&request);
    if (work < 0) return;
    const SearchRow row = TrainSetting(s, plan[static_cast<size_t>(work)], data);
    msg[kIndex] = work;
    msg[kFinalVal] = row.final_val_accuracy;
    msg[kBestVal] = row.best_val_accuracy;
    msg[kBestStep] = static_cast<double>(row.best_step);  // exact: steps stay far below 2^53
    msg[kTest] = row.test_accuracy;
    msg[kSeconds] = row.seconds;
  }
}

}  // namespace

uint32_t DataChecksum(const Cifar10& data) {
  const uint32_t parts[] = {Crc(data.train.pixels),      Crc(data.train.labels),
                            Crc(data.validation.pixels), Crc(data.validation.labels),
                            Crc(data.test.pixels),       Crc(data.test.labels)};
  return Crc32(reinterpret_cast<const uint8_t*>(parts), sizeof parts);
}

uint32_t PlanChecksum(const std::vector<SearchRow>& plan) {
  std::string keys;
  for (const SearchRow& row : plan) keys += row.SettingKey() + "\n";
  return Crc32(reinterpret_cast<const uint8_t*>(keys.data()), keys.size());
}

int DefaultWorkerThreads(const MpiSession& mpi) {
  int share = HardwareThreads() / std::max(1, mpi.workers_on_node());
  cpu_set_t bound;
  if (sched_getaffinity(0, sizeof bound, &bound) == 0) share = std::min(share, CPU_COUNT(&bound));
  return std::max(1, share);
}

SearchOutcome RunSearchOnRanks(const MpiSession& mpi, const SearchSettings& s,
                               const Cifar10& data) {
  if (mpi.rank() == 0) return Coordinate(mpi, s);
  Work(s, data);
  return {};
}

}  // namespace tinymlp
