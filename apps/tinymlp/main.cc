// tinymlp: train, evaluate and inspect fully connected CIFAR-10 classifiers.
//
// Exit codes: 0 success, 1 bad data (missing or corrupt files), 2 usage (flags and values).
// Every error is one line on stderr that names the flag or file and what is wrong.
#include <errno.h>

#include <cstdio>
#include <cstring>
#include <exception>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "platform/error.h"

int main(int argc, char** argv) {
  CLI::App app{"tinymlp: fully connected CIFAR-10 classifiers, trained fast on a CPU", "tinymlp"};
  app.require_subcommand(1);
  // A flag given twice keeps its last value, so wrappers can append overrides.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_version_flag("--version", std::string("tinymlp ") + TINYMLP_VERSION);
  tinymlp::AddInfoCommand(app);
  tinymlp::AddEvalCommand(app);
  tinymlp::AddPredictCommand(app);
#ifdef TINYMLP_INFERENCE_ONLY
  tinymlp::AddLeftOutCommands(app);
  app.footer("Inference-only build: the training and drawing commands are left out.");
#else
  tinymlp::AddPlotCommand(app);
  tinymlp::AddWeightsCommand(app);
  tinymlp::AddTrainCommand(app);
  tinymlp::AddGradcheckCommand(app);
  tinymlp::AddSearchCommand(app);
  tinymlp::AddReportCommand(app);
  tinymlp::AddBenchTrainCommand(app);
#endif
  tinymlp::AddNumberChecks(app);
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
  } catch (const tinymlp::Error& e) {
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
