#include "platform/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace tinymlp {
namespace {

std::atomic<int> g_signal{0};  // lock-free, so the handler may write it
std::mutex g_mutex;            // guards the two below
int g_depth = 0;
struct sigaction g_old_int, g_old_term;

void OnSignal(int signal) {
  if (g_signal.load() != 0) {  // the second: the default action, now
    ::signal(signal, SIG_DFL);
    ::raise(signal);
    return;
  }
  g_signal.store(signal);
}

}  // namespace

InterruptScope::InterruptScope() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_depth++ > 0) return;
  g_signal.store(0);
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in progress carry on
  ::sigaction(SIGINT, &action, &g_old_int);
  ::sigaction(SIGTERM, &action, &g_old_term);
}

InterruptScope::~InterruptScope() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (--g_depth > 0) return;
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

int PendingInterrupt() { return g_signal.load(std::memory_order_relaxed); }

const char* InterruptName(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "a signal";
}

}  // namespace tinymlp
