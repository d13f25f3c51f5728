#include "engine/base/parallel.h"

#include <memory>

#include "engine/base/worker_team.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

// Each calling thread has its own team (the search's job threads each train with their own
// thread count), made when the count first asks for one.
thread_local std::unique_ptr<WorkerTeam> t_team;
// Set while this thread runs a team's chunks: a ParallelFor inside a chunk runs serially.
thread_local bool t_inside = false;

WorkerTeam* TeamOf(int threads) {
  if (threads <= 1) return nullptr;
  if (t_team == nullptr || t_team->threads() != threads) {
    t_team.reset();  // the old team's threads end before the new ones start
    t_team = std::make_unique<WorkerTeam>(threads);
  }
  return t_team.get();
}

}  // namespace

void StartWorkerThreads() { TeamOf(ThreadCount()); }

TeamCounts CallingTeamCounts() {
  if (t_team == nullptr) return {};
  return {t_team->jobs_run(), t_team->solo_jobs_run()};
}

void ParallelFor(int chunks, void (*fn)(const void* ctx, int i), const void* ctx) {
  const int threads = ThreadCount();
  if (chunks <= 1 || threads <= 1 || t_inside) {
    for (int i = 0; i < chunks; ++i) fn(ctx, i);
    return;
  }
  WorkerTeam* team = TeamOf(threads);
  t_inside = true;
  team->Run(chunks, fn, ctx);
  t_inside = false;
}

}  // namespace tinymlp
