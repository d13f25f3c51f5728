// tinymlp-bench: GFLOP/s of the GEMM and GB/s of ReLU and softmax, per Highway target (each
// forced in turn) and per thread count (1 and all cores), with OpenBLAS's cblas_sgemm and the
// scalar reference beside them in the same run. A benchmark, not a test: nothing here asserts
// a time. Benchmark names read kernel/shape/target/threads, e.g. gemm/NN_50x3072*3072x100/AVX3/t2.
//
// paired/...: tinymlp's GEMM and OpenBLAS's called in turn on the same operands at one thread,
// their ratio taken call by call (vs_openblas), the measure to trust on a shared host whose
// speed drifts.
//
// fma_peak/...: one core's FMA rate on registers alone, the ceiling of the GEMMs' GFLOP/s.
//
// first_layer/...: the network's first layer (forward, then backward with the SGD step) read
// straight from uint8 images, against gathering the batch into floats first.
//
// Shapes: the products of a training step (hidden width 50, batch 100, D = 3072, K = 10) in
// the forms the network calls them, and square 256 ... 2048. For OpenBLAS at its best, run with
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see docs/benchmarks.md); the core it picked is
// printed in the context as openblas_core.
#include <benchmark/benchmark.h>
#include <hwy/aligned_allocator.h>
#include <hwy/targets.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "apps/bench/fma_peak.h"
#include "engine/base/arena.h"
#include "engine/base/rng.h"
#include "engine/ops/kernels.h"
#include "platform/cpu.h"
#include "platform/threads.h"

#ifdef TINYMLP_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace tinymlp {
namespace {

struct GemmShape {
  const char* name;
  Trans ta, tb;
  int m, n, k;
  bool training;  // a training-step product (also run through the scalar reference)
};

const GemmShape kShapes[] = {
    {"NN_50x3072*3072x100", Trans::kNo, Trans::kNo, 50, 100, 3072, true},  // H = W1 X
    {"NN_10x50*50x100", Trans::kNo, Trans::kNo, 10, 100, 50, true},        // S = W2 H
    {"NT_10x100*100x50", Trans::kNo, Trans::kYes, 10, 50, 100, true},      // dW2 = G Hᵀ
    {"TN_50x10*10x100", Trans::kYes, Trans::kNo, 50, 100, 10, true},       // dH = W2ᵀ G
    {"NT_50x100*100x3072", Trans::kNo, Trans::kYes, 50, 3072, 100, true},  // dW1 = G Xᵀ
    {"NN_256", Trans::kNo, Trans::kNo, 256, 256, 256, false},
    {"NN_512", Trans::kNo, Trans::kNo, 512, 512, 512, false},
    {"NN_1024", Trans::kNo, Trans::kNo, 1024, 1024, 1024, false},
    {"NN_2048", Trans::kNo, Trans::kNo, 2048, 2048, 2048, false},
};

// A random column-major matrix, ld padded to a cache line like the engine's Arena does.
struct BenchMat {
  hwy::AlignedFreeUniquePtr<float[]> storage;
  Mat view;
  BenchMat(int rows, int cols, uint64_t seed) {
    const int ld = Arena::PaddedLd<float>(rows);
    storage = hwy::AllocateAligned<float>(static_cast<size_t>(ld) * cols);
    Rng rng(seed);
    for (size_t i = 0; i < static_cast<size_t>(ld) * cols; ++i)
      storage[i] = static_cast<float>(rng.Uniform() - 0.5);
    view = Mat(storage.get(), rows, cols, ld);
  }
};

struct GemmOperands {
  BenchMat a, b, c;
  explicit GemmOperands(const GemmShape& s)
      : a(s.ta == Trans::kNo ? s.m : s.k, s.ta == Trans::kNo ? s.k : s.m, 1),
        b(s.tb == Trans::kNo ? s.k : s.n, s.tb == Trans::kNo ? s.n : s.k, 2),
        c(s.m, s.n, 3) {}
};

void SetFlops(benchmark::State& state, const GemmShape& s) {
  state.counters["GFLOPS"] =
      benchmark::Counter(2e-9 * s.m * s.n * s.k, benchmark::Counter::kIsIterationInvariantRate);
}

// Forces the dispatcher onto `target` (0: the best) and OpenMP onto `threads` for one benchmark.
class Forced {
 public:
  Forced(int64_t target, int threads) {
    hwy::SetSupportedTargetsForTest(target);
    SetThreadCount(threads);
  }
  ~Forced() { hwy::SetSupportedTargetsForTest(0); }
};

// The GEMM's workspace for a shape, from an Arena as in training: a large one is on huge pages
// (engine/base/arena.cc), which the packed operands need to stream at full speed.
struct GemmWorkspace {
  Arena arena;
  float* floats;
  explicit GemmWorkspace(const GemmShape& s)
      : arena(GemmWorkspaceFloats(s.m, s.k) * sizeof(float)),
        floats(arena.AllocateArray<float>(GemmWorkspaceFloats(s.m, s.k))) {}
};

void BM_Gemm(benchmark::State& state, GemmShape s, int64_t target, int threads) {
  Forced forced(target, threads);
  GemmOperands x(s);
  GemmWorkspace workspace(s);
  for (auto _ : state) {
    Gemm(s.ta, s.tb, 1.0f, x.a.view, x.b.view, 0.0f, x.c.view, workspace.floats);
    benchmark::ClobberMemory();
  }
  SetFlops(state, s);
}

void BM_GemmReference(benchmark::State& state, GemmShape s) {
  GemmOperands x(s);
  for (auto _ : state) {
    reference::Gemm<float>(s.ta, s.tb, 1.0f, x.a.view, x.b.view, 0.0f, x.c.view);
    benchmark::ClobberMemory();
  }
  SetFlops(state, s);
}

#ifdef TINYMLP_HAVE_OPENBLAS
CBLAS_TRANSPOSE ToCblas(Trans t) { return t == Trans::kNo ? CblasNoTrans : CblasTrans; }

// C = op(A) op(B) with OpenBLAS.
void OpenBlasGemm(const GemmShape& s, const GemmOperands& x, Mat c) {
  cblas_sgemm(CblasColMajor, ToCblas(s.ta), ToCblas(s.tb), s.m, s.n, s.k, 1.0f, x.a.view.data,
              x.a.view.ld, x.b.view.data, x.b.view.ld, 0.0f, c.data, c.ld);
}

void BM_OpenBlas(benchmark::State& state, GemmShape s, int threads) {
  openblas_set_num_threads(threads);
  GemmOperands x(s);
  for (auto _ : state) {
    OpenBlasGemm(s, x, x.c.view);
    benchmark::ClobberMemory();
  }
  SetFlops(state, s);
}

// tinymlp's Gemm and OpenBLAS's cblas_sgemm at one thread on the same operands, one call of each
// per iteration (which goes first alternates), each timed: `vs_openblas` is the median over the
// iterations of OpenBLAS's time over tinymlp's (above 1: tinymlp is faster). On a shared host
// whose speed drifts by 15-40 % within minutes, two benchmarks run one after the other compare
// that drift; a pair of calls a few milliseconds apart does not. The iteration's time is the
// pair's.
void BM_PairedWithOpenBlas(benchmark::State& state, GemmShape s) {
  Forced forced(0, 1);
  openblas_set_num_threads(1);
  GemmOperands x(s);
  BenchMat c_blas(s.m, s.n, 3);
  GemmWorkspace workspace(s);
  auto ours = [&] { Gemm(s.ta, s.tb, 1.0f, x.a.view, x.b.view, 0.0f, x.c.view, workspace.floats); };
  auto blas = [&] { OpenBlasGemm(s, x, c_blas.view); };
  auto seconds = [](auto&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    benchmark::ClobberMemory();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<double> ours_s, blas_s;
  bool ours_first = true;
  for (auto _ : state) {
    if (ours_first) ours_s.push_back(seconds(ours));
    blas_s.push_back(seconds(blas));
    if (!ours_first) ours_s.push_back(seconds(ours));
    ours_first = !ours_first;
  }
  std::vector<double> ratios(ours_s.size());
  for (size_t i = 0; i < ratios.size(); ++i) ratios[i] = blas_s[i] / ours_s[i];
  auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  const double flop = 2.0 * s.m * s.n * s.k;
  state.counters["vs_openblas"] = median(ratios);
  state.counters["GFLOPS"] = flop / median(ours_s) * 1e-9;
  state.counters["openblas_GFLOPS"] = flop / median(blas_s) * 1e-9;
}
#endif

// The first layer of a training step, forward (H = relu(W1 X + b)) and backward with the SGD
// step (W1 -= eta (G Xᵀ + 2 lambda W1)), on a fresh random batch of a 49k-image uint8 data set
// every iteration: with the GEMM reading the images itself (ImageBatch), or with the batch
// gathered into a float matrix first (GatherNormalize), the unfused way, in the same run.
void BM_FirstLayer(benchmark::State& state, bool images_in_gemm, int threads) {
  Forced forced(0, threads);
  constexpr int kCount = 49000, kDim = 3072, kBatch = 100, kHidden = 50;
  std::vector<uint8_t> pixels(static_cast<size_t>(kCount) * kDim);
  Rng rng(7);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.Below(256));
  std::vector<float> mean(kDim, 120.0f), inv_std(kDim, 1 / 64.0f), bias(kHidden, 0.0f);
  std::vector<int32_t> index(kBatch);
  BenchMat w(kHidden, kDim, 1), g(kHidden, kBatch, 2), h(kHidden, kBatch, 3), x(kDim, kBatch, 4);
  for (size_t i = 0; i < w.view.size(); ++i) w.view.data[i] *= 0.01f;  // keep W1 bounded
  auto workspace = hwy::AllocateAligned<float>(
      std::max(GemmWorkspaceFloats(kHidden, kDim), GemmWorkspaceFloats(kHidden, kBatch)));
  for (auto _ : state) {
    for (int32_t& i : index) i = static_cast<int32_t>(rng.Below(kCount));
    const ImageBatch batch{pixels.data(), index.data(), mean.data(), inv_std.data(), kDim, kBatch};
    if (images_in_gemm) {
      GemmBiasRelu(Trans::kNo, Trans::kNo, w.view, batch, bias.data(), h.view, workspace.get());
      GemmDescend(Trans::kNo, Trans::kYes, 1e-3f, 2e-3f, g.view, batch, w.view, workspace.get());
    } else {
      GatherNormalize(pixels.data(), index.data(), mean.data(), inv_std.data(), x.view);
      GemmBiasRelu(Trans::kNo, Trans::kNo, w.view, x.view, bias.data(), h.view, workspace.get());
      GemmDescend(Trans::kNo, Trans::kYes, 1e-3f, 2e-3f, g.view, x.view, w.view, workspace.get());
    }
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPS"] = benchmark::Counter(2 * 2e-9 * kHidden * kDim * kBatch,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// One core's FMA rate with nothing to wait for (fma_peak.h): the ceiling that the GEMMs' GFLOP/s
// on that target are a share of, measured in the same run.
void BM_FmaPeak(benchmark::State& state, int64_t target) {
  Forced forced(target, 1);
  constexpr int64_t kRounds = int64_t{1} << 20;
  int lanes = 0;
  float sink = 0;
  for (auto _ : state) sink += FmaPeakRounds(kRounds, &lanes);
  benchmark::DoNotOptimize(sink);
  state.counters["GFLOPS"] = benchmark::Counter(2e-9 * kFmaPeakChains * lanes * kRounds,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// Element-wise kernels at the training step's sizes: GB/s counts bytes read plus written.
void BM_Relu(benchmark::State& state, int rows, int cols, int64_t target) {
  Forced forced(target, 1);
  BenchMat x(rows, cols, 4);
  for (auto _ : state) {
    ReluForward(x.view);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 2 * sizeof(float) *
                          x.view.size());
}

void BM_Softmax(benchmark::State& state, int rows, int cols, int64_t target) {
  Forced forced(target, 1);
  BenchMat s(rows, cols, 5), p(rows, cols, 6);
  std::vector<uint8_t> labels(cols);
  for (int j = 0; j < cols; ++j) labels[j] = static_cast<uint8_t>(j % rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(SoftmaxCrossEntropy(s.view, labels.data(), p.view));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 2 * sizeof(float) *
                          s.view.size());
}

void RegisterAll() {
  const int all = HardwareThreads();
  std::vector<int> thread_counts = {1};
  if (all > 1) thread_counts.push_back(all);
  std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  if (targets.empty()) targets.push_back(0);  // only the static target: let it dispatch itself
  for (const GemmShape& s : kShapes) {
    for (int64_t target : targets) {
      const std::string target_name = hwy::TargetName(target == 0 ? DispatchedTarget() : target);
      // The scalar target is there for correctness; 1024 and 2048 would take minutes on it.
      if (target == HWY_SCALAR && s.m > 512) continue;
      for (int threads : thread_counts) {
        const std::string name =
            std::string("gemm/") + s.name + "/" + target_name + "/t" + std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(), BM_Gemm, s, target, threads)->UseRealTime();
      }
    }
#ifdef TINYMLP_HAVE_OPENBLAS
    for (int threads : thread_counts) {
      const std::string name =
          std::string("openblas/") + s.name + "/sgemm/t" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_OpenBlas, s, threads)->UseRealTime();
    }
    // At one thread only: with more, each library's idle workers keep polling after its call
    // (OpenBLAS's and ours) and take cores from the other's next call.
    const std::string paired =
        std::string("paired/") + s.name + "/" + hwy::TargetName(DispatchedTarget()) + "/t1";
    benchmark::RegisterBenchmark(paired.c_str(), BM_PairedWithOpenBlas, s)->UseRealTime();
#endif
    if (s.training || s.m <= 256) {
      const std::string name = std::string("reference/") + s.name + "/scalar/t1";
      benchmark::RegisterBenchmark(name.c_str(), BM_GemmReference, s)->UseRealTime();
    }
  }
  const std::string best = hwy::TargetName(DispatchedTarget());
  for (int threads : thread_counts) {
    for (bool images_in_gemm : {true, false}) {
      const std::string name = std::string("first_layer/") +
                               (images_in_gemm ? "images_in_gemm/" : "gather_then_gemm/") + best +
                               "/t" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_FirstLayer, images_in_gemm, threads)
          ->UseRealTime();
    }
  }
  for (int64_t target : targets) {
    const std::string target_name = hwy::TargetName(target == 0 ? DispatchedTarget() : target);
    benchmark::RegisterBenchmark(("fma_peak/" + target_name + "/t1").c_str(), BM_FmaPeak, target)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("relu/50x100/" + target_name + "/t1").c_str(), BM_Relu, 50, 100,
                                 target);
    benchmark::RegisterBenchmark(("softmax_xent/10x100/" + target_name + "/t1").c_str(), BM_Softmax,
                                 10, 100, target);
  }
}

}  // namespace
}  // namespace tinymlp

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  std::string targets;
  for (const std::string& name : tinymlp::CompiledTargetNames())
    targets += (targets.empty() ? "" : ",") + name;
  benchmark::AddCustomContext("tinymlp_targets", "compiled " + targets + ", dispatched " +
                                                     hwy::TargetName(tinymlp::DispatchedTarget()));
#ifdef TINYMLP_HAVE_OPENBLAS
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  benchmark::AddCustomContext("openblas_config", openblas_get_config());
#else
  benchmark::AddCustomContext("openblas_core", "not linked (install libopenblas-dev)");
#endif
  tinymlp::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
