#include "apps/lab/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "platform/clock.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

constexpr double kRedrawSeconds = 0.2;
constexpr double kLogSeconds = 10;

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

int TerminalWidth() {
  struct winsize size;
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

std::string ShortDuration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof(text), "%lds", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof(text), "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof(text), "%ldh%02ldm", s / 3600, s / 60 % 60);
  }
  return text;
}

std::string ProgressTerminalLine(const ProgressPoint& p, int width) {
  const double fraction = p.total > 0 ? static_cast<double>(p.step) / p.total : 1;
  struct Field {
    int rank;  // the order in which fields are dropped when the line is too long: highest first
    std::string text;
  };
  std::vector<Field> fields = {
      {0, Format("%.0f%%", std::floor(100 * fraction))},
      {0, std::to_string(p.step) + "/" + std::to_string(p.total)},
      {4, ShortDuration(p.elapsed) + " elapsed"},
      {1, p.left < 0 ? "? left" : ShortDuration(p.left) + " left"},
      {2, p.loss < 0 ? std::string() : Format("lr %.1e", p.lr)},
      {3, p.loss < 0 ? std::string() : Format("loss %.4g", p.loss)},
      {3, p.val_accuracy < 0 ? std::string() : Format("val %.1f%%", 100 * p.val_accuracy)},
  };
  const size_t room = static_cast<size_t>(std::max(1, width - 1));
  auto joined = [&](int max_rank) {
    std::string line;
    for (const Field& f : fields) {
      if (f.rank > max_rank || f.text.empty()) continue;
      line += (line.empty() ? "" : "  ") + f.text;
    }
    return line;
  };
  int max_rank = 4;
  std::string line = joined(max_rank);
  while (line.size() > room && max_rank > 0) line = joined(--max_rank);
  // A bar in what is left, 10 to 30 cells wide, in front.
  const size_t free = room > line.size() ? room - line.size() : 0;
  if (free >= 14) {
    const int cells = static_cast<int>(std::min<size_t>(30, free - 4));
    const int done = static_cast<int>(std::floor(cells * fraction));
    line = "[" + std::string(done, '#') + std::string(cells - done, '.') + "]  " + line;
  }
  if (line.size() > room) line.resize(room);  // a terminal narrower than the two kept fields
  return line;
}

std::string ProgressLogLine(const ProgressPoint& p) {
  std::string line = "progress: step " + std::to_string(p.step) + "/" + std::to_string(p.total) +
                     Format(" (%.1f%%)", p.total > 0 ? 100.0 * p.step / p.total : 100) +
                     Format("  elapsed %.1f s", p.elapsed) +
                     (p.left < 0 ? std::string("  left ?") : Format("  left %.1f s", p.left));
  if (p.loss >= 0) line += Format("  lr %.3g", p.lr) + Format("  loss %.4g", p.loss);
  if (p.val_accuracy >= 0) line += Format("  val_accuracy %.4f", p.val_accuracy);
  return line;
}

Progress::Mode Progress::ModeFor(bool wanted) {
  if (!wanted) return Mode::kOff;
  return StderrIsTerminal() ? Mode::kTerminal : Mode::kLog;
}

Progress::Progress(Mode mode, long total, long eval_every)
    : mode_(mode), total_(total), eval_every_(eval_every), start_(NowSeconds()), mark_(start_) {}

double Progress::SecondsLeft(long step) const {
  if (steps_timed_ == 0) return -1;
  double left = (total_ - step) * (step_seconds_ / steps_timed_);
  if (eval_every_ > 0) {
    // Evaluation points still to come: multiples of eval_every in [step, total), and the end,
    // less the one at `step` when it is done.
    auto multiples_below = [&](long n) { return (n + eval_every_ - 1) / eval_every_; };
    const long evals =
        multiples_below(total_) - multiples_below(step) + 1 - (last_eval_step_ == step ? 1 : 0);
    if (evals_timed_ > 0) left += evals * (eval_seconds_ / evals_timed_);
  }
  return left;
}

ProgressPoint Progress::Point(long step) const {
  ProgressPoint p;
  p.step = step;
  p.total = total_;
  p.lr = lr_;
  p.loss = loss_;
  p.val_accuracy = val_accuracy_;
  p.elapsed = NowSeconds() - start_;
  p.left = SecondsLeft(step);
  return p;
}

void Progress::Log(long step, double now) {
  std::fprintf(stderr, "%s\n", ProgressLogLine(Point(step)).c_str());
  last_log_ = now;
}

void Progress::OnEvaluation(long step, double val_accuracy) {
  const double now = NowSeconds();
  eval_seconds_ += now - mark_;
  ++evals_timed_;
  mark_ = now;
  last_eval_step_ = step;
  val_accuracy_ = val_accuracy;
  if (mode_ == Mode::kLog) {
    Log(step, now);
  } else if (mode_ == Mode::kTerminal) {
    last_draw_ = -1e9;  // show the new accuracy now
    Draw(step);
  }
}

void Progress::OnStep(long step, float lr, double loss) {
  const double now = NowSeconds();
  step_seconds_ += now - mark_;
  ++steps_timed_;
  mark_ = now;
  lr_ = lr;
  loss_ = loss;
  if (mode_ == Mode::kTerminal) {
    if (now - last_draw_ >= kRedrawSeconds || step == total_) Draw(step);
  } else if (mode_ == Mode::kLog && now - last_log_ >= kLogSeconds) {
    Log(step, now);
  }
}

void Progress::Draw(long step) {
  last_draw_ = NowSeconds();
  const std::string line = ProgressTerminalLine(Point(step), TerminalWidth());
  // Spaces over what is left of a longer line drawn before.
  const std::string pad(drawn_ > line.size() ? drawn_ - line.size() : 0, ' ');
  std::fprintf(stderr, "\r%s%s\r%s", line.c_str(), pad.c_str(), line.c_str());
  std::fflush(stderr);
  drawn_ = line.size();
}

void Progress::Finish() {
  if (finished_ || mode_ != Mode::kTerminal || drawn_ == 0) return;
  finished_ = true;
  std::fprintf(stderr, "\n");
}

}  // namespace tinymlp
