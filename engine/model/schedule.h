// Learning-rate schedules: the triangular cyclical rate of Smith (2015), a linear decay from
// eta_max to eta_min over a run of `total` updates, or a constant.
//
//   eta_max |     ^           ^
//           |    / \         / \      one cycle = 2 * n_s updates: up for n_s, down for n_s
//   eta_min |---/   \-------/   \--
//              0  n_s  2n_s
#pragma once

namespace tinymlp {

class LearningRateSchedule {
 public:
  static LearningRateSchedule Cyclic(float eta_min, float eta_max, long n_s) {
    return LearningRateSchedule(eta_min, eta_max, n_s);
  }
  static LearningRateSchedule Constant(float eta) { return LearningRateSchedule(eta, eta, 0); }
  static LearningRateSchedule LinearDecay(float eta_max, float eta_min, long total) {
    LearningRateSchedule s(eta_min, eta_max, 0);
    s.decay_total_ = total;
    return s;
  }

  bool cyclic() const { return n_s_ > 0; }
  long n_s() const { return n_s_; }

  // The rate for update t = 0, 1, 2, ...
  float At(long t) const {
    if (decay_total_ > 0) {
      const double frac = t >= decay_total_ ? 1.0 : double(t) / decay_total_;
      return static_cast<float>(eta_max_ + frac * (double(eta_min_) - eta_max_));
    }
    if (n_s_ == 0) return eta_min_;
    const long pos = t % (2 * n_s_);
    const double frac = pos < n_s_ ? double(pos) / n_s_ : double(2 * n_s_ - pos) / n_s_;
    return static_cast<float>(eta_min_ + frac * (double(eta_max_) - eta_min_));
  }

 private:
  LearningRateSchedule(float eta_min, float eta_max, long n_s)
      : eta_min_(eta_min), eta_max_(eta_max), n_s_(n_s) {}
  float eta_min_, eta_max_;
  long n_s_;
  long decay_total_ = 0;  // > 0: linear decay over this many updates
};

// A run's schedule and length as the user states them (`tinymlp train`'s flags, the public
// TrainOptions), turned into updates in one place so every front end trains the same run.
enum class ScheduleKind { kCyclic, kLinearDecay, kConstant };
struct ScheduleSettings {
  ScheduleKind kind = ScheduleKind::kCyclic;
  float eta_min = 1e-5f, eta_max = 0.1f;
  long n_s = 500;  // kCyclic: updates per half cycle
  int cycles = 1;  // kCyclic
  float eta = 0;   // kConstant: the rate
  int epochs = 0;  // kConstant (0: 10) and kLinearDecay (0: as long as the cyclic run)

  // The length comes from n_s and cycles: cyclic, or a linear decay without epochs.
  bool cycle_length() const {
    return kind == ScheduleKind::kCyclic || (kind == ScheduleKind::kLinearDecay && epochs == 0);
  }
  // Updates in the run.
  long Steps(long batches_per_epoch) const {
    return cycle_length() ? 2 * n_s * cycles
                          : static_cast<long>(epochs > 0 ? epochs : 10) * batches_per_epoch;
  }
  LearningRateSchedule Make(long batches_per_epoch) const {
    switch (kind) {
      case ScheduleKind::kCyclic:
        return LearningRateSchedule::Cyclic(eta_min, eta_max, n_s);
      case ScheduleKind::kLinearDecay:
        return LearningRateSchedule::LinearDecay(eta_max, eta_min, Steps(batches_per_epoch));
      case ScheduleKind::kConstant:
        break;
    }
    return LearningRateSchedule::Constant(eta);
  }
};

}  // namespace tinymlp
