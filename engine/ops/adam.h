// Adam's update of a block of parameters, written once with Highway and dispatched at run time
// (per-target code adam-inl.h, export and dispatch adam.cc), with its scalar reference.
//
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g g;  p -= step m / (sqrt(v) c2 + eps)
//
// (step and c2 carry the bias corrections; engine/model/optimizer.cc). Every operation is
// rounded on its own, in this order, by the kernel, its scalar tail and the reference alike: no
// multiply-add is fused (adam.cc is compiled with -ffp-contract=off), and a square root and a
// division are correctly rounded on every target, so the kernel gives the reference's bits.
#pragma once

#include <cstddef>

namespace tinymlp {

struct AdamArgs {
  float* p;        // parameters
  float* m;        // first moments
  float* v;        // second moments
  const float* g;  // gradients
  float b1, b2, step, c2, eps;
};

// The update of elements [begin, end), on the calling thread.
void AdamStep(const AdamArgs& a, size_t begin, size_t end);

namespace reference {
// The same, one element at a time (the kernel's scalar tail is this loop).
void AdamStep(const AdamArgs& a, size_t begin, size_t end);
}  // namespace reference

}  // namespace tinymlp
