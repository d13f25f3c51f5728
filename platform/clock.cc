#include "platform/clock.h"

#include <time.h>

#include <chrono>

namespace tinymlp {

double NowSeconds() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

int64_t NowNanoseconds() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

int64_t ThreadCpuNanoseconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  struct timespec t;
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0) {
    return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  }
#endif
  return 0;
}

std::string UtcTimestamp() {
  const time_t now = ::time(nullptr);
  struct tm utc;
  ::gmtime_r(&now, &utc);
  char text[32];
  ::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace tinymlp
