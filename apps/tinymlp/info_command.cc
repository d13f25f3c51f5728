// tinymlp info: the build and the machine (compiled_targets is a list: one line per target).
#include <hwy/targets.h>

#include <memory>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "engine/ops/kernels.h"
#include "platform/cpu.h"
#include "platform/threads.h"

namespace tinymlp {

void AddInfoCommand(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("info", "SIMD targets compiled in and chosen here, threads");
  AddJsonFlag(cmd, *json);
  cmd->callback([json] {
    Results results;
    results.Add("version", TINYMLP_VERSION);
    results.AddList("compiled_targets", CompiledTargetNames());
    // Asked of the kernels' dispatcher, so it is the target that actually runs.
    results.Add("chosen_target", hwy::TargetName(DispatchedTarget()));
    results.Add("threads", ThreadCount());
#ifdef TINYMLP_INFERENCE_ONLY
    results.Add("build", "inference-only");
#else
    results.Add("build", "full");
#endif
    results.Print(*json);
  });
}

}  // namespace tinymlp
