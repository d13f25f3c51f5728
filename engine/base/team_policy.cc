#include "engine/base/team_policy.h"

#include <algorithm>

namespace tinymlp {

bool TeamPolicy::OfferNext(int64_t now_ns) {
  if (solo_until_ns_ != 0) {
    if (now_ns < solo_until_ns_) return false;
    solo_until_ns_ = 0;  // time to offer a window of jobs again
  }
  if (window_jobs_ == 0) window_start_ns_ = now_ns;
  return true;
}

void TeamPolicy::Record(int64_t took_ns, int64_t alone_ns, int64_t now_ns) {
  took_ns_ += static_cast<double>(std::max<int64_t>(took_ns, 0));
  alone_ns_ += static_cast<double>(std::max<int64_t>(alone_ns, 0));
  ++window_jobs_;
  const bool clearly_losing = window_jobs_ >= kEarlyJobs && took_ns_ > 2 * alone_ns_;
  if (window_jobs_ < kWindow && !clearly_losing) return;
  const bool team_pays = took_ns_ < alone_ns_ - alone_ns_ / 32;
  if (team_pays) {
    factor_ = std::max(factor_ / 2, kFirstFactor);
  } else {
    // Alone for factor times the window's length, at least a millisecond (a clock's jitter on a
    // window of tiny jobs must not make it nothing).
    const int64_t window_ns = std::max<int64_t>(now_ns - window_start_ns_, 1'000'000);
    solo_until_ns_ = std::max<int64_t>(now_ns + factor_ * window_ns, 1);
    factor_ = std::min(4 * factor_, kMaxFactor);
  }
  window_jobs_ = 0;
  took_ns_ = alone_ns_ = 0;
}

}  // namespace tinymlp
