#include "engine/base/team_policy.h"

#include <algorithm>

namespace tinymlp {

bool TeamPolicy::OfferNext(int64_t now_ns) {
  // The interval since the last job started belongs to that job's way of running.
  if (has_last_ && last_in_trial_) {
    const int64_t interval = std::min(std::max<int64_t>(now_ns - last_ns_, 0), kMaxIntervalNs);
    (last_offered_ ? team_ns_ : solo_ns_) += interval;
    ++(last_offered_ ? team_jobs_ : solo_jobs_);
  }
  if (phase_ == Phase::kExploit && jobs_in_phase_ >= kMinExploit &&
      now_ns - phase_start_ns_ >= factor_ * last_trial_ns_) {
    phase_ = Phase::kTrial;
    jobs_in_phase_ = 0;
    phase_start_ns_ = now_ns;
    solo_ns_ = team_ns_ = 0;
    solo_jobs_ = team_jobs_ = 0;
  } else if (phase_ == Phase::kTrial && jobs_in_phase_ == kTrial) {
    // Mean time per job each way (a way with no job is taken as slow). Within 3 % the caller
    // alone is taken: the same speed for less of the machine.
    const double solo = solo_jobs_ == 0 ? 1e300 : double(solo_ns_) / solo_jobs_;
    const double team = team_jobs_ == 0 ? 1e300 : double(team_ns_) / team_jobs_;
    const bool choose_team = team < solo - solo / 32;
    factor_ = choose_team == team_chosen_ ? std::min(2 * factor_, kMaxFactor) : kFirstFactor;
    team_chosen_ = choose_team;
    last_trial_ns_ = now_ns - phase_start_ns_;
    phase_ = Phase::kExploit;
    jobs_in_phase_ = 0;
    phase_start_ns_ = now_ns;
  }
  bool offer = team_chosen_;
  if (phase_ == Phase::kTrial) {
    coin_ ^= coin_ << 13, coin_ ^= coin_ >> 17, coin_ ^= coin_ << 5;
    offer = (coin_ >> 16) & 1;
  }
  ++jobs_in_phase_;
  has_last_ = true;
  last_in_trial_ = phase_ == Phase::kTrial;
  last_offered_ = offer;
  last_ns_ = now_ns;
  return offer;
}

}  // namespace tinymlp
