// TeamPolicy: whether the worker team offers its next job to the workers or the calling thread
// runs it alone, decided from how fast each way has been going on this machine just now.
//
// Why: on a machine with more runnable threads than cores, a second thread of ours costs more
// than it brings. It takes a share of the cores from the first (the OS divides them among all
// runnable threads, ours and a build's alike), and a worker that the OS deschedules in the middle
// of a chunk holds the job up for a time slice. Measured here beside a steady busy loop: a
// 49k run took 12.7 s at 2 threads against 8.4 s at 1. No count of cores or load average says
// when that happens, so the policy measures it: from time to time it runs kTrial jobs alone and
// kTrial jobs with the team, compares their mean time per job (from the start of one job to the
// start of the next, so the caller's work between jobs counts too), and runs the faster way
// until the next trial. A trial that confirms the last choice doubles the time until the next
// one (up to kMaxExploit jobs, a few seconds of training); a change restarts from kFirstExploit.
// On an idle machine that costs one trial's kTrial jobs alone in every kMaxExploit (0.4 %).
//
// The policy only times jobs; which thread runs a chunk never changes a result (parallel.h).
#pragma once

#include <cstdint>

namespace tinymlp {

class TeamPolicy {
 public:
  static constexpr int kTrial = 32;
  static constexpr int kFirstExploit = 256;
  static constexpr int kMaxExploit = 8192;
  // An interval above this (a pause between runs, a file being written) counts as this much.
  static constexpr int64_t kMaxIntervalNs = 20'000'000;

  // Called as each job starts, with a steady clock's time; true: offer the job to the workers.
  bool OfferNext(int64_t now_ns);

  // The choice between trials: true while the team is faster.
  bool team_chosen() const { return team_chosen_; }

 private:
  bool team_chosen_ = true;  // until the first trial says otherwise
  int exploit_ = kFirstExploit;
  int pos_ = 0;  // the next job's place in the cycle: exploit_ jobs, kTrial alone, kTrial team
  bool last_offered_ = true;
  bool has_last_ = false;
  int last_pos_ = 0;
  int64_t last_ns_ = 0;
  int64_t solo_ns_ = 0, team_ns_ = 0;
};

}  // namespace tinymlp
