// tinymlp info: the build and the machine, as key=value lines.
#include <hwy/targets.h>

#include <cstdio>

#include "apps/tinymlp/commands.h"
#include "engine/ops/kernels.h"
#include "platform/cpu.h"
#include "platform/threads.h"

namespace tinymlp {

void AddInfoCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("info", "SIMD targets compiled in and chosen here, threads");
  cmd->callback([] {
    std::printf("version=%s\n", TINYMLP_VERSION);
    std::string compiled;
    for (const std::string& name : CompiledTargetNames())
      compiled += (compiled.empty() ? "" : ",") + name;
    std::printf("compiled_targets=%s\n", compiled.c_str());
    // Asked of the kernels' dispatcher, so it is the target that actually runs.
    std::printf("chosen_target=%s\n", hwy::TargetName(DispatchedTarget()));
    std::printf("threads=%d\n", ThreadCount());
#ifdef TINYMLP_INFERENCE_ONLY
    std::printf("build=inference-only\n");
#else
    std::printf("build=full\n");
#endif
  });
}

}  // namespace tinymlp
