// Exports the per-target GEMM of gemm-inl.h and dispatches to the best one at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/gemm.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "engine/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {

// Dispatch targets must be plain functions taking pointers and sizes.
void GemmTarget(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, float beta, Mat c,
                float* workspace) {
  GemmDriver(ta, tb, alpha, a, b, beta, c, Epilogue::kNone, nullptr, workspace);
}

void GemmBiasTarget(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, bool relu, Mat c,
                    float* workspace) {
  GemmDriver(ta, tb, 1.0f, a, b, 0.0f, c, relu ? Epilogue::kBiasRelu : Epilogue::kBias, bias,
             workspace);
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "engine/kernels.h"

namespace tinymlp {

HWY_EXPORT(GemmTarget);
HWY_EXPORT(GemmBiasTarget);

// PackA pads each row tile to whole vectors, so the panels hold at most (M + N - 1) x K floats.
// The bound uses the widest vectors any target may have (SVE allows 2048 bits, N = 64), so one
// workspace serves whichever target runs.
size_t GemmWorkspaceFloats(int m, int k) {
  constexpr size_t kMaxLanes = 2048 / 32;
  return (static_cast<size_t>(m) + kMaxLanes) * static_cast<size_t>(k);
}

void Gemm(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, float beta, Mat c,
          float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmTarget)(ta, tb, alpha, a, b, beta, c, workspace);
}

void GemmBias(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, Mat c,
              float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmBiasTarget)(ta, tb, a, b, bias, false, c, workspace);
}

void GemmBiasRelu(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, Mat c,
                  float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmBiasTarget)(ta, tb, a, b, bias, true, c, workspace);
}

}  // namespace tinymlp
#endif  // HWY_ONCE
