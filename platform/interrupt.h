// Ctrl-C (SIGINT) and kill (SIGTERM) as a request to stop at the next safe point instead of an
// immediate end: while an InterruptScope is alive, the first such signal only sets a flag that
// long-running loops (a training run's steps, a search's runs) poll between steps, so they can
// save their state and say how to continue; a second signal ends the process at once, as if no
// scope were there. Outside any scope the signals keep their default action.
#pragma once

namespace tinymlp {

class InterruptScope {
 public:
  // Installs the handlers (scopes nest and may be made on several threads; the outermost
  // installs and restores).
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal (SIGINT or SIGTERM) received inside a scope, or 0. Safe from any thread.
int PendingInterrupt();

// "SIGINT" or "SIGTERM" (or "signal N").
const char* InterruptName(int signal);

}  // namespace tinymlp
