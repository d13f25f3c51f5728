// Exports the per-target kernels of elementwise-inl.h and dispatches to the best at run time
// (interface: elementwise.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/ops/elementwise.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "engine/ops/elementwise-inl.h"

#if HWY_ONCE
#include "engine/ops/dispatch.h"  // chooses the target before the first dispatch
#include "engine/ops/elementwise.h"

namespace tinymlp {

HWY_EXPORT(AddBiasTarget);
HWY_EXPORT(AddBiasReluTarget);
HWY_EXPORT(ReluForwardTarget);
HWY_EXPORT(ReluBackwardTarget);
HWY_EXPORT(ReluBackwardMaskedTarget);
HWY_EXPORT(RowSumsTarget);
HWY_EXPORT(SoftmaxCrossEntropyTarget);
HWY_EXPORT(SoftmaxCrossEntropyBackwardTarget);

void AddBias(const float* bias, Mat x) { HWY_DYNAMIC_DISPATCH(AddBiasTarget)(bias, x); }
void AddBiasRelu(const float* bias, Mat x) { HWY_DYNAMIC_DISPATCH(AddBiasReluTarget)(bias, x); }
void ReluForward(Mat x) { HWY_DYNAMIC_DISPATCH(ReluForwardTarget)(x); }
void ReluBackward(ConstMat h, Mat g) { HWY_DYNAMIC_DISPATCH(ReluBackwardTarget)(h, g); }
void ReluBackwardMasked(ConstMat h, ConstMat mask, Mat g) {
  HWY_DYNAMIC_DISPATCH(ReluBackwardMaskedTarget)(h, mask, g);
}
void RowSums(ConstMat x, float alpha, float* out) {
  HWY_DYNAMIC_DISPATCH(RowSumsTarget)(x, alpha, out);
}
double SoftmaxCrossEntropy(ConstMat s, const uint8_t* labels, Mat p) {
  return HWY_DYNAMIC_DISPATCH(SoftmaxCrossEntropyTarget)(s, labels, p);
}
double SoftmaxCrossEntropyBackward(ConstMat s, const uint8_t* labels, float scale, Mat p, Mat g) {
  return HWY_DYNAMIC_DISPATCH(SoftmaxCrossEntropyBackwardTarget)(s, labels, scale, p, g);
}

}  // namespace tinymlp
#endif  // HWY_ONCE
