// The λ search spread over the ranks of an MPI job (`mpirun -np N tinymlp search ...`, built with
// -DTINYMLP_MPI=ON). Rank 0 is the coordinator: it holds the results file (SearchLedger) and hands
// the unfinished settings out one at a time to whichever worker asks, so a slow setting holds up
// only its own worker. Ranks 1..N-1 are the workers: each trains one setting at a time on its own
// threads (TrainSetting, the same call a single-process search makes) and sends back the
// outcome. Rank 0 does not train: it answers a worker the moment it finishes, and it sleeps while
// it waits (see apps/lab/mpi_session.h), so it costs a node no core; start one rank more than
// the workers you want.
//
// Same answers: a row depends only on the flags, the data and the thread count of the rank that
// trained it, so the file holds the same rows, bit for bit, as a single-process search with that
// thread count, whatever the order of completion. Before the first run, AgreeOrExit checks that
// every rank loaded the same data (DataChecksum) and planned the same settings (PlanChecksum).
#pragma once

#include <cstdint>
#include <vector>

#include "apps/lab/mpi_session.h"
#include "apps/lab/search.h"
#include "engine/io/cifar10.h"

namespace tinymlp {

// CRC-32 of the CRC-32s of the loaded split's pixels and labels (train, validation, test).
uint32_t DataChecksum(const Cifar10& data);
// CRC-32 of the planned rows' setting keys.
uint32_t PlanChecksum(const std::vector<SearchRow>& plan);

// --threads 0 on a worker: its node's cores shared among the node's workers, and no more than the
// cores mpirun bound it to (Open MPI binds each rank to one core when it starts two or fewer).
int DefaultWorkerThreads(const MpiSession& mpi);

// Collective, for a job of two ranks or more that passed AgreeOrExit. Returns the outcome on rank
// 0 (as RunSearch would), an empty one on the workers.
SearchOutcome RunSearchOnRanks(const MpiSession& mpi, const SearchSettings& settings,
                               const Cifar10& data);

}  // namespace tinymlp
