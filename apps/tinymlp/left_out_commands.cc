// The commands an inference-only build (TINYMLP_INFERENCE_ONLY) leaves out: train, gradcheck,
// search, report, bench-train, plot and weights. Each name stays known, hidden from --help, so
// `tinymlp train ...` on a Pi says that this build cannot train, instead of CLI11's "A subcommand
// is required". Only that build compiles this file.
#include <string>

#include "apps/tinymlp/commands.h"
#include "platform/error.h"

namespace tinymlp {

void AddLeftOutCommands(CLI::App& app) {
  for (const char* name :
       {"train", "gradcheck", "search", "report", "bench-train", "plot", "weights"}) {
    CLI::App* cmd = app.add_subcommand(name, "")->group("");  // no group: not listed in --help
    // Any flags and arguments (--help too) are taken, so the error below is the one reported.
    cmd->allow_extras()->set_help_flag();
    cmd->callback([name = std::string(name)] {
      throw UsageError("'" + name +
                       "' is not in this inference-only build (it predicts, evaluates and prints "
                       "info); build without TINYMLP_INFERENCE_ONLY to use it");
    });
  }
}

}  // namespace tinymlp
