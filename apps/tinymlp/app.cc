#include "apps/tinymlp/app.h"

#include <errno.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "platform/error.h"

namespace tinymlp {

std::unique_ptr<CLI::App> MakeApp() {
  auto app = std::make_unique<CLI::App>(
      "tinymlp: fully connected CIFAR-10 classifiers, trained fast on a CPU", "tinymlp");
  app->require_subcommand(1);
  // A flag given twice keeps its last value, so wrappers can append overrides.
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->set_version_flag("--version", std::string("tinymlp ") + TINYMLP_VERSION);
  AddInfoCommand(*app);
  AddEvalCommand(*app);
  AddPredictCommand(*app);
#ifdef TINYMLP_INFERENCE_ONLY
  AddLeftOutCommands(*app);
  app->footer("Inference-only build: the training and drawing commands are left out.");
#else
  AddPlotCommand(*app);
  AddWeightsCommand(*app);
  AddTrainCommand(*app);
  AddGradcheckCommand(*app);
  AddSearchCommand(*app);
  AddReportCommand(*app);
  AddBenchTrainCommand(*app);
#endif
  AddNumberChecks(*app);
  return app;
}

int RunApp(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tinymlp: error: %s (see tinymlp --help)\n", e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "tinymlp: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinymlp: error: %s\n", e.what());
    return 1;
  }
  // The results are on stdout: a full disk or a closed file must not pass for success.
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "tinymlp: error: cannot write the results to standard output%s%s%s\n",
                 errno ? " (" : "", errno ? std::strerror(errno) : "", errno ? ")" : "");
    return 1;
  }
  return 0;
}

}  // namespace tinymlp
