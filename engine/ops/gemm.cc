// Exports the per-target GEMM of gemm-inl.h and dispatches to the best one at run time
// (interface: gemm.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/ops/gemm.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "engine/ops/gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {

// Dispatch targets must be plain functions taking pointers and sizes.
// op(B) comes from `b`, or from `images` when that is not null.
void GemmTarget(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, const ImageBatch* images,
                float beta, Mat c, float* workspace) {
  GemmDriver(ta, tb, alpha, a, b, images, beta, c, EpilogueArgs(), workspace);
}

void GemmBiasTarget(Trans ta, Trans tb, ConstMat a, ConstMat b, const ImageBatch* images,
                    const float* bias, bool relu, Mat c, float* workspace) {
  EpilogueArgs epilogue;
  epilogue.kind = relu ? Epilogue::kBiasRelu : Epilogue::kBias;
  epilogue.bias = bias;
  GemmDriver(ta, tb, 1.0f, a, b, images, 0.0f, c, epilogue, workspace);
}

void GemmDescendTarget(Trans ta, Trans tb, float eta, float decay, ConstMat a, ConstMat b,
                       const ImageBatch* images, Mat c, float* workspace) {
  EpilogueArgs epilogue;
  epilogue.kind = Epilogue::kDescend;
  epilogue.eta = eta;
  epilogue.decay = decay;
  GemmDriver(ta, tb, 1.0f, a, b, images, 0.0f, c, epilogue, workspace);
}

void GemmAdamTarget(Trans ta, Trans tb, float decay, const AdamArgs& state, ConstMat a, ConstMat b,
                    const ImageBatch* images, Mat c, float* workspace) {
  EpilogueArgs epilogue;
  epilogue.kind = Epilogue::kAdam;
  epilogue.decay = decay;
  epilogue.adam = state;
  GemmDriver(ta, tb, 1.0f, a, b, images, 0.0f, c, epilogue, workspace);
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "engine/ops/dispatch.h"  // chooses the target before the first dispatch
#include "engine/ops/gemm.h"

namespace tinymlp {

HWY_EXPORT(GemmTarget);
HWY_EXPORT(GemmBiasTarget);
HWY_EXPORT(GemmDescendTarget);
HWY_EXPORT(GemmAdamTarget);

static_assert(gemm::kKc == kGemmDescendMaxK, "GemmDescend needs K in one block");

// Sized for the widest vectors any target may have, so one workspace serves whichever runs.
size_t GemmWorkspaceFloats(int m, int k) { return gemm::WorkspaceFloats(m, k); }

void Gemm(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, float beta, Mat c,
          float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmTarget)(ta, tb, alpha, a, b, nullptr, beta, c, workspace);
}

void Gemm(Trans ta, Trans tb, float alpha, ConstMat a, const ImageBatch& b, float beta, Mat c,
          float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmTarget)(ta, tb, alpha, a, ConstMat(), &b, beta, c, workspace);
}

void GemmBias(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, Mat c,
              float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmBiasTarget)(ta, tb, a, b, nullptr, bias, false, c, workspace);
}

void GemmBiasRelu(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, Mat c,
                  float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmBiasTarget)(ta, tb, a, b, nullptr, bias, true, c, workspace);
}

void GemmBias(Trans ta, Trans tb, ConstMat a, const ImageBatch& b, const float* bias, Mat c,
              float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmBiasTarget)(ta, tb, a, ConstMat(), &b, bias, false, c, workspace);
}

void GemmBiasRelu(Trans ta, Trans tb, ConstMat a, const ImageBatch& b, const float* bias, Mat c,
                  float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmBiasTarget)(ta, tb, a, ConstMat(), &b, bias, true, c, workspace);
}

void GemmDescend(Trans ta, Trans tb, float eta, float decay, ConstMat a, ConstMat b, Mat c,
                 float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmDescendTarget)(ta, tb, eta, decay, a, b, nullptr, c, workspace);
}

void GemmDescend(Trans ta, Trans tb, float eta, float decay, ConstMat a, const ImageBatch& b, Mat c,
                 float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmDescendTarget)(ta, tb, eta, decay, a, ConstMat(), &b, c, workspace);
}

void GemmAdam(Trans ta, Trans tb, float decay, const AdamArgs& state, ConstMat a, ConstMat b, Mat w,
              float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmAdamTarget)(ta, tb, decay, state, a, b, nullptr, w, workspace);
}

void GemmAdam(Trans ta, Trans tb, float decay, const AdamArgs& state, ConstMat a,
              const ImageBatch& b, Mat w, float* workspace) {
  HWY_DYNAMIC_DISPATCH(GemmAdamTarget)(ta, tb, decay, state, a, ConstMat(), &b, w, workspace);
}

}  // namespace tinymlp
#endif  // HWY_ONCE
