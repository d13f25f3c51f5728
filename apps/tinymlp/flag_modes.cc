#include "apps/tinymlp/flag_modes.h"

#include <string>

#include "platform/error.h"

namespace tinymlp {
namespace {

// The command's flags as the run will see them: given on the command line, or their defaults.
class Flags {
 public:
  explicit Flags(const CLI::App& cmd) : cmd_(cmd) {}
  bool Has(const std::string& name) const { return Find(name) != nullptr; }
  bool Given(const std::string& name) const {
    const CLI::Option* o = Find(name);
    return o && o->count() > 0;
  }
  // The last value given (CLI11 keeps them all under TakeLast), else `fallback`: the default,
  // stated here because help_text.cc rewrites some default strings for people to read.
  std::string Value(const std::string& name, const std::string& fallback = "") const {
    const CLI::Option* o = Find(name);
    if (o && o->count() > 0 && !o->results().empty()) return o->results().back();
    return fallback;
  }

 private:
  const CLI::Option* Find(const std::string& name) const {
    try {
      return cmd_.get_option_no_throw(name);
    } catch (...) {
      return nullptr;
    }
  }
  const CLI::App& cmd_;
};

// The learning-rate schedule the flags choose, as training_run.cc decides it.
enum class Schedule { kCyclic, kLinearDecayBySteps, kLinearDecayByEpochs, kConstant };
Schedule ScheduleOf(const Flags& f) {
  const std::string name = f.Value("--schedule");
  const bool eta = f.Given("--eta");
  if (name == "constant" || (name.empty() && eta)) return Schedule::kConstant;
  if (name == "linear-decay") {
    return f.Given("--epochs") ? Schedule::kLinearDecayByEpochs : Schedule::kLinearDecayBySteps;
  }
  return Schedule::kCyclic;
}

// What the mode is, said in the words of the flags that chose it.
std::string ScheduleWords(Schedule s) {
  switch (s) {
    case Schedule::kConstant:
      return "with a constant learning rate (--eta or --schedule constant)";
    case Schedule::kLinearDecayByEpochs:
      return "with --schedule linear-decay --epochs N (its length is in epochs)";
    default:
      return "with the learning-rate schedule chosen";
  }
}

bool HasHiddenLayer(const Flags& f) {
  const std::string hidden = f.Value("--hidden", "50");
  return !(hidden == "0" || hidden.empty());
}

// One row of the table: a flag, what it needs, and a function that returns "" when the flags
// give it that, else the mode they chose instead, in words ("with --optimizer adam").
struct FlagNeed {
  const char* flag;
  const char* needs;
  std::string (*Mode)(const Flags& f);  // "" when the flag takes effect
};

std::string CycleLengthMode(const Flags& f) {
  const Schedule s = ScheduleOf(f);
  if (s == Schedule::kCyclic || s == Schedule::kLinearDecayBySteps) return "";
  return ScheduleWords(s);
}
std::string RangeMode(const Flags& f) {
  const Schedule s = ScheduleOf(f);
  return s == Schedule::kConstant ? ScheduleWords(s) : "";
}
std::string MomentumMode(const Flags& f) {
  const std::string o = f.Value("--optimizer", "sgd");
  return o == "momentum" || o == "nesterov" ? "" : "with --optimizer " + o;
}
std::string AdamMode(const Flags& f) {
  const std::string o = f.Value("--optimizer", "sgd");
  return o == "adam" ? "" : "with --optimizer " + o;
}
std::string BatchNormMode(const Flags& f) {
  return f.Given("--batch-norm") ? "" : "without --batch-norm";
}
std::string HiddenMode(const Flags& f) {
  return HasHiddenLayer(f) ? "" : "with --hidden 0 (no hidden layer)";
}
std::string NormalInitMode(const Flags& f) {
  const std::string init = f.Value("--init");
  return init.empty() || init == "normal" ? "" : "with --init " + init;
}

// The table. A flag a command does not have is skipped, so one table serves every command.
const FlagNeed kFlagNeeds[] = {
    {"--cycles", "the cyclic schedule (or linear-decay without --epochs)", CycleLengthMode},
    {"--n-s", "the cyclic schedule (or linear-decay without --epochs)", CycleLengthMode},
    {"--eta-min", "the cyclic or linear-decay schedule", RangeMode},
    {"--eta-max", "the cyclic or linear-decay schedule", RangeMode},
    {"--momentum", "--optimizer momentum or nesterov", MomentumMode},
    {"--beta1", "--optimizer adam", AdamMode},
    {"--beta2", "--optimizer adam", AdamMode},
    {"--epsilon", "--optimizer adam", AdamMode},
    {"--bn-alpha", "--batch-norm", BatchNormMode},
    {"--batch-norm", "a hidden layer", HiddenMode},
    {"--dropout", "a hidden layer", HiddenMode},
    {"--init-sigma", "--init normal", NormalInitMode},
};

}  // namespace

void CheckFlagsTakeEffect(const CLI::App& cmd) {
  const Flags flags(cmd);
  for (const FlagNeed& need : kFlagNeeds) {
    if (!flags.Given(need.flag)) continue;
    const std::string mode = need.Mode(flags);
    if (mode.empty()) continue;
    throw UsageError(std::string(need.flag) + " has no effect " + mode + "; it needs " +
                     need.needs);
  }
}

void AddFlagModeChecks(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->parse_complete_callback([sub] { CheckFlagsTakeEffect(*sub); });
  }
}

}  // namespace tinymlp
