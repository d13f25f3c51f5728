#include "apps/tinymlp/app.h"

#include <errno.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/flag_modes.h"
#include "apps/tinymlp/help_text.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/suggest.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

// The subcommand the command line chose, once parsing has reached it; else null.
const CLI::App* ChosenCommand(CLI::App& app) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  return chosen.empty() ? nullptr : chosen.front();
}

// A subcommand without --help (those an inference-only build leaves out) sends to the main help.
std::string HelpHint(const CLI::App* cmd) {
  return cmd && cmd->get_help_ptr() ? "see tinymlp " + cmd->get_name() + " --help"
                                    : "see tinymlp --help";
}

std::string DidYouMean(const std::string& nearest) {
  return nearest.empty() ? "" : "; did you mean '" + nearest + "'?";
}

// The first word that is not a flag names the subcommand (tinymlp's own flags take no value).
// Unknown: one line naming it and the nearest subcommand, instead of CLI11's "A subcommand is
// required"; none: the list of them. Empty when the word is a subcommand, or there is none and
// --help or --version is asked for.
std::string CheckSubcommandName(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  bool asks_help_or_version = false;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "-h" || word == "--help" || word == "--help-all" || word == "--version")
      asks_help_or_version = true;
    if (word.empty() || word[0] == '-') continue;
    for (const std::string& name : names)
      if (name == word) return "";
    return "unknown subcommand '" + word + "'" + DidYouMean(Nearest(word, names));
  }
  if (asks_help_or_version) return "";
  std::string listed;  // the subcommands --help lists (an inference-only build hides some)
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (!sub->get_group().empty()) listed += (listed.empty() ? "" : ", ") + sub->get_name();
  }
  return "a subcommand is required: " + listed;
}

// For a parse error in a subcommand: its first unknown flag (with the nearest known one) or
// unexpected argument, which is the likelier cause than what CLI11 reports first ("--data is
// required" when --dat was typed). Empty when there is none.
std::string UnknownArgument(const CLI::App& cmd) {
  const std::vector<std::string> extras = cmd.remaining();
  if (extras.empty()) return "";
  for (const std::string& extra : extras) {
    if (extra.size() < 2 || extra[0] != '-') continue;
    const std::string flag = extra.substr(0, extra.find('='));
    std::vector<std::string> names;
    for (const CLI::Option* o : cmd.get_options()) {
      for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
      for (const std::string& s : o->get_snames()) names.push_back("-" + s);
    }
    return "unknown flag '" + flag + "'" + DidYouMean(Nearest(flag, names));
  }
  return "unexpected argument '" + extras.front() + "'";
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "tinymlp: error: %s\n", message.c_str());
}

}  // namespace

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
  AddExportCommand(*app);
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
  app->footer(
      "Example:\n  tinymlp train --data DIR --out run && tinymlp eval --model "
      "run/model.tmlp --data DIR --per-class");
#endif
  AddNumberChecks(*app);
  AddFlagModeChecks(*app);
  AddHelpText(*app);
  return app;
}

int RunApp(CLI::App& app, int argc, char** argv) {
  const std::string unknown = CheckSubcommandName(app, argc, argv);
  if (!unknown.empty()) {
    PrintError(unknown + " (see tinymlp --help)");
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const CLI::App* cmd = ChosenCommand(app);
    const std::string extra = cmd ? UnknownArgument(*cmd) : "";
    PrintError((extra.empty() ? std::string(e.what()) : extra) + " (" + HelpHint(cmd) + ")");
    return 2;
  } catch (const Error& e) {
    const bool usage = e.exit_code() == 2;
    PrintError(std::string(e.what()) + (usage ? " (" + HelpHint(ChosenCommand(app)) + ")" : ""));
    return e.exit_code();
  } catch (const std::exception& e) {
    PrintError(e.what());
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
