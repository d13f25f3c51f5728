// TeamPolicy: whether the worker team offers its next job to the workers or the calling thread
// runs it alone, decided from what the team has been worth on this machine just now.
//
// Why: on a machine with more runnable threads than cores, a second thread of ours costs more
// than it brings. It takes a share of the cores from the first (the OS divides them among all
// runnable threads, ours and a build's alike), and a worker that the OS deschedules in the middle
// of a chunk holds the job up for a time slice. Measured on a 2-core machine beside a steady busy
// loop: a 49k run took 12.7 s at 2 threads against 8.4 s at 1. No count of cores or load average
// says when that happens, so the policy measures it on every job it offers: the job's wall time
// against what it would have taken alone, the caller's CPU time for the chunks it ran scaled to
// all of them (CPU time, so that time the caller lost to our own worker counts against the team;
// and a job compared with itself, so big and small jobs mix freely). Over kWindow offered jobs,
// if the team saved under 3 % of the alone time, the next jobs run alone for `factor` times that
// window's duration, then kWindow jobs are offered again; factor starts at kFirstFactor, grows
// fourfold up to kMaxFactor while windows keep losing and halves on a winning one (a reset would
// let one lucky window on a loaded machine bring back the short times alone). A window that has
// taken twice the alone time after kEarlyJobs jobs ends there, lost. The offered windows are the
// policy's whole cost on a loaded machine, each one a few stalled workers (measured beside
// process churn with factors doubling to 128: 3 % of the jobs offered made the mean step 7-11 %
// slower than one thread's; growing fourfold to 1024, 1 % and 0-6 %).
// On an idle machine every window wins and nothing is ever run alone; on a loaded one the offered
// windows cost at most 1/kFirstFactor of the time at first and 1/kMaxFactor once the load has
// held, and the team is back within kMaxFactor + 1 windows' time after the load ends (up to
// about ten seconds for a training step's jobs: a slow return after a build, for a cheap probe
// during one).
//
// The policy only times jobs; which thread runs a chunk never changes a result (parallel.h).
#pragma once

#include <cstdint>

namespace tinymlp {

class TeamPolicy {
 public:
  static constexpr int kWindow = 32;
  static constexpr int kEarlyJobs = 8;
  static constexpr int kFirstFactor = 8, kMaxFactor = 1024;

  // As a job starts, with a steady clock's time: true if the job is to be offered to the team.
  bool OfferNext(int64_t now_ns);
  // After an offered job: its wall time, and the time the job would have taken alone (see
  // above); `now_ns` is when it ended.
  void Record(int64_t took_ns, int64_t alone_ns, int64_t now_ns);

  // False while jobs are being run alone.
  bool team_chosen() const { return solo_until_ns_ == 0; }

 private:
  int64_t solo_until_ns_ = 0;  // while nonzero, jobs that start before it run alone
  int factor_ = kFirstFactor;
  int window_jobs_ = 0;
  int64_t window_start_ns_ = 0;
  double took_ns_ = 0, alone_ns_ = 0;
};

}  // namespace tinymlp
