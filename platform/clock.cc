#include "platform/clock.h"

#include <chrono>

namespace tinymlp {

double NowSeconds() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

}  // namespace tinymlp
