// This process's place in an MPI job, for the distributed λ search (apps/lab/search_mpi.h); built
// only with -DTINYMLP_MPI=ON. Started from `mpirun -np N`, a session is one of N ranks; started
// as a plain process it is a job of one (Open MPI's singleton MPI_Init, about 0.4 s).
//
// Waiting: Open MPI's blocking calls spin on a core while they wait. The coordinator waits for
// whole training runs, and ranks that finish early wait for the slowest one, so every wait here
// polls with sleeps between (up to 10 ms): a waiting rank costs no core that a training rank
// could use.
//
// Failures: a rank that dies takes the job down (MPI_ERRORS_ARE_FATAL, the default; mpirun kills
// the others). Problems found before the search starts (bad flags, data that differs between
// ranks) go through AgreeOrExit, so that all ranks stop together with one line of explanation.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

namespace tinymlp {

class MpiSession {
 public:
  MpiSession();   // MPI_Init_thread, MPI_THREAD_FUNNELED: worker threads never call MPI
  ~MpiSession();  // Finalize() unless already done or unwinding from an exception (see .cc)
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks other than 0 on this rank's node (shared memory): the ones that share its cores.
  int workers_on_node() const { return workers_on_node_; }
  const std::string& host() const { return host_; }

  // Waits for `request` (sleeping between polls) and returns its status.
  static MPI_Status Wait(MPI_Request* request);
  // A barrier (sleeping between polls), then MPI_Finalize. Collective.
  void Finalize();

 private:
  int rank_ = 0, size_ = 1, workers_on_node_ = 0;
  std::string host_;
  int uncaught_at_start_ = 0;
  bool finalized_ = false;
};

// What one rank found while preparing its part of the search.
struct RankReport {
  int exit_code = 0;  // 0: prepared fine; else the Error's exit code and
  std::string error;  // its message
  uint32_t data = 0;  // checksum of the loaded data
  uint32_t plan = 0;  // checksum of the planned settings
  int threads = 0;    // threads per run
};

// Collective. Rank 0 gathers every rank's report; when one failed (rank 0 first) or loaded other
// data or planned other settings than rank 0, rank 0 prints one error line that names the rank
// and every rank finalizes MPI and exits with the error's code (1 data, 2 usage). Otherwise it
// returns, on rank 0 with the smallest and largest thread counts of the workers.
void AgreeOrExit(MpiSession& mpi, const RankReport& mine, int* min_threads, int* max_threads);

}  // namespace tinymlp
