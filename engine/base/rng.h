// A small seeded generator whose stream is the same on every compiler and architecture (the
// standard library's distributions are not), so the same seed gives the same network anywhere.
#pragma once

#include <cmath>
#include <cstdint>

namespace tinymlp {

// SplitMix64 (Steele, Lea, Flood 2014): 64-bit state, passes BigCrush, trivially seedable.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  // The whole state: Rng(state()) continues the same stream (checkpoints save it).
  uint64_t state() const { return state_; }

  uint64_t Next() {
    uint64_t z = (state_ += kGamma);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Skips the next n draws at once: the state is a counter advanced by a constant, so a stream
  // can be cut into pieces that threads draw from side by side (dropout's mask).
  void Skip(uint64_t n) { state_ += n * kGamma; }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // The k for which Uniform() < p exactly when (Next() >> 11) < k, for p in [0, 1]: Uniform() is
  // (Next() >> 11) * 2^-53 without rounding, so the comparison can stay in integers (dropout
  // draws a hundred thousand a step, and a 64-bit integer to double is slow without AVX-512).
  static uint64_t UniformThreshold(double p) {
    return static_cast<uint64_t>(std::ceil(std::ldexp(p, 53)));
  }
  // Uniform integer in [0, n), n > 0.
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>((Next() >> 32) * n >> 32); }
  // Standard normal by Box-Muller (one of the pair; simplicity over speed, it runs at init).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;
  uint64_t state_;
};

// Fisher-Yates shuffle of v[0..n).
template <typename T>
void Shuffle(T* v, int n, Rng& rng) {
  for (int i = n - 1; i > 0; --i) {
    const int j = static_cast<int>(rng.Below(static_cast<uint32_t>(i + 1)));
    const T tmp = v[i];
    v[i] = v[j];
    v[j] = tmp;
  }
}

}  // namespace tinymlp
