// A training run's progress on stderr, for the person waiting on it.
//
// On a terminal: one line, redrawn in place (\r) at most five times a second and cut to the
// terminal's width (asked each time, so a resized window is followed) so that it never wraps:
//
//   [#########.......]  42%  2470/5880  1m02s elapsed  1m25s left  lr 3.2e-02  loss 1.234 val 45.1%
//
// The fields that do not fit are left out, the least useful first (bar, elapsed, val, loss, lr).
// Not on a terminal (stderr to a file or a pipe): one plain line per evaluation point, and one
// at least every 10 s between them, so a log shows the run going:
//
//   progress: step 2470/5880 (42.0%)  elapsed 62.1 s  left 85.3 s  lr 0.032  loss 1.2341
//   val_accuracy 0.4510
//
// The time left is the steps left times the mean time of a step (evaluations excluded), plus
// the evaluations left times the mean time of one, both measured in this process so far.
#pragma once

#include <string>

namespace tinymlp {

// One moment of a run, as the lines show it.
struct ProgressPoint {
  long step = 0, total = 0;
  float lr = 0;
  double loss = -1;          // < 0: no step yet
  double val_accuracy = -1;  // < 0: no evaluation yet
  double elapsed = 0;        // seconds
  double left = -1;          // seconds; < 0: not known yet
};

// The terminal line for `p`, at most width - 1 characters (the last column is left free: some
// terminals wrap when it is written).
std::string ProgressTerminalLine(const ProgressPoint& p, int width);
// The log line for `p`, without the newline.
std::string ProgressLogLine(const ProgressPoint& p);
// "42s", "3m05s", "1h02m".
std::string ShortDuration(double seconds);

class Progress {
 public:
  enum class Mode { kOff, kTerminal, kLog };
  // kOff unless wanted; else kTerminal when stderr is a terminal, else kLog.
  static Mode ModeFor(bool wanted);

  // A run to `total` steps (from 0, or from where a resumed run starts: the estimates use only
  // what this process measured), evaluating every `eval_every` steps (0: never) and at the end.
  Progress(Mode mode, long total, long eval_every);
  // After the evaluation at `step` (val_accuracy < 0: no validation set).
  void OnEvaluation(long step, double val_accuracy);
  // After each step, `step` being the steps done.
  void OnStep(long step, float lr, double loss);
  // Ends the terminal line (the run finished, stopped or failed).
  void Finish();

  // The estimate of the seconds left after `step` steps, < 0 before the first step is timed.
  double SecondsLeft(long step) const;

 private:
  ProgressPoint Point(long step) const;
  void Draw(long step);
  void Log(long step, double now);  // one plain line (log mode)

  Mode mode_;
  long total_, eval_every_;
  long last_eval_step_ = -1;
  double start_, mark_;  // mark_: the end of the last step or evaluation
  double step_seconds_ = 0, eval_seconds_ = 0;
  long steps_timed_ = 0, evals_timed_ = 0;
  float lr_ = 0;
  double loss_ = -1, val_accuracy_ = -1;
  double last_draw_ = -1e9, last_log_ = -1e9;
  size_t drawn_ = 0;  // length of the terminal line on screen
  bool finished_ = false;
};

}  // namespace tinymlp
