// The ops layer in one include: every kernel family the network is built from. New code includes
// the family it uses instead; this umbrella keeps older includes compiling.
//
//   gemm.h         GEMM with fused epilogues (bias, bias + ReLU, the SGD step GemmDescend) and
//                  an ImageBatch of uint8 images as an operand
//   elementwise.h  bias, ReLU forward/backward, row sums, softmax + cross-entropy (+ gradient)
//   gather.h       GatherNormalize: a mini-batch of uint8 images to normalized floats
//   adam.h         AdamStep: Adam's update of a block of parameters (its reference inside)
//   dispatch.h     DispatchedTarget(): the Highway target the kernels run on
//
// Each family has three files, as Highway's skeleton example does: the SIMD-free header above
// (pointers, sizes and the contract), a per-target `-inl.h` compiled once for each SIMD target,
// and a `.cc` that exports the per-target functions and dispatches to the best one at run time.
// Beside each is its scalar reference (`*_reference.h`), the plain loops that define the result;
// the double overloads in the family headers run it. Shared per-target helpers: simd_tail-inl.h
// (a column's last, partial vector) and pixels-inl.h (uint8 → normalized float, used by both the
// GEMM's image packing and GatherNormalize).
#pragma once

#include "engine/ops/adam.h"         // IWYU pragma: export
#include "engine/ops/dispatch.h"     // IWYU pragma: export
#include "engine/ops/elementwise.h"  // IWYU pragma: export
#include "engine/ops/gather.h"       // IWYU pragma: export
#include "engine/ops/gemm.h"         // IWYU pragma: export
