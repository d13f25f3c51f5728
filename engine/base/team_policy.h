// TeamPolicy: whether the worker team offers its next job to the workers or the calling thread
// runs it alone, decided from how fast each way has been going on this machine just now.
//
// Why: on a machine with more runnable threads than cores, a second thread of ours costs more
// than it brings. It takes a share of the cores from the first (the OS divides them among all
// runnable threads, ours and a build's alike), and a worker that the OS deschedules in the middle
// of a chunk holds the job up for a time slice. Measured here beside a steady busy loop: a 49k
// run took 12.7 s at 2 threads against 8.4 s at 1. No count of cores or load average says when
// that happens, so the policy measures it. A trial runs kTrial jobs, each alone or with the team
// at random (so both ways see the same mix of a step's products), and compares their mean time
// per job, from the start of one job to the start of the next (so the caller's work between jobs
// counts too). The faster way runs until the next trial, which comes after at least
// kMinExploit jobs and `factor` times the last trial's duration: 16 times at first, doubling up
// to 512 times while trials keep confirming the choice, back to 16 when one changes it. So
// trials cost about a 32nd of the time at first, and a thousandth on a machine whose load holds.
//
// The policy only times jobs; which thread runs a chunk never changes a result (parallel.h).
#pragma once

#include <cstdint>

namespace tinymlp {

class TeamPolicy {
 public:
  static constexpr int kTrial = 48;
  static constexpr int kMinExploit = 256;
  static constexpr int kFirstFactor = 16, kMaxFactor = 512;
  // An interval above this (a pause between runs, a file being written) counts as this much.
  static constexpr int64_t kMaxIntervalNs = 20'000'000;

  // Called as each job starts, with a steady clock's time; true: offer the job to the workers.
  bool OfferNext(int64_t now_ns);

  // The choice between trials: true while the team is faster.
  bool team_chosen() const { return team_chosen_; }

 private:
  enum class Phase { kExploit, kTrial };

  bool team_chosen_ = true;  // until the first trial says otherwise
  Phase phase_ = Phase::kExploit;
  int jobs_in_phase_ = 0;
  int64_t phase_start_ns_ = 0;
  int64_t last_trial_ns_ = 0;
  int factor_ = kFirstFactor;
  uint32_t coin_ = 0x9e3779b9u;  // xorshift state: which way each trial job runs

  bool has_last_ = false;
  bool last_in_trial_ = false, last_offered_ = false;
  int64_t last_ns_ = 0;
  int64_t solo_ns_ = 0, team_ns_ = 0;
  int solo_jobs_ = 0, team_jobs_ = 0;
};

}  // namespace tinymlp
