#include "engine/base/team_policy.h"

#include <algorithm>

namespace tinymlp {

bool TeamPolicy::OfferNext(int64_t now_ns) {
  // The interval since the last job started belongs to that job's way of running.
  if (has_last_) {
    const int64_t interval = std::min(std::max<int64_t>(now_ns - last_ns_, 0), kMaxIntervalNs);
    if (last_pos_ >= exploit_) (last_offered_ ? team_ns_ : solo_ns_) += interval;
  }
  if (pos_ == exploit_ + 2 * kTrial) {
    // Both trials are timed (the last one up to now): run the faster way until the next trial.
    // Within 3 % the caller alone is taken, as the same speed for less of the machine.
    const bool team = team_ns_ < solo_ns_ - solo_ns_ / 32;
    exploit_ = team == team_chosen_ ? std::min(2 * exploit_, kMaxExploit) : kFirstExploit;
    team_chosen_ = team;
    pos_ = 0;
    solo_ns_ = team_ns_ = 0;
  }
  const bool offer = pos_ < exploit_ ? team_chosen_ : pos_ >= exploit_ + kTrial;
  has_last_ = true;
  last_pos_ = pos_++;
  last_ns_ = now_ns;
  last_offered_ = offer;
  return offer;
}

}  // namespace tinymlp
