// tinymlp train: trains a network on CIFAR-10 into an output folder (model.tmlp, metrics.csv,
// run.json, model_best.tmlp, checkpoint: apps/lab/training_run.h), and prints train_seconds,
// val_accuracy and test_accuracy as key=value lines, test_accuracy last. `--config run.json`
// repeats a recorded run (flags on the command line win over the file); `--resume OUT`
// continues an interrupted one from its checkpoint, with the settings of OUT/run.json.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/format.h"
#include "apps/lab/run_folder.h"
#include "apps/lab/run_plots.h"
#include "apps/lab/run_record.h"
#include "apps/lab/training_run.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "apps/tinymlp/run_flags.h"
#include "engine/model/optimizer.h"
#include "engine/train/augment.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/interrupt.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

constexpr const char* kDefaultOut = "runs/latest";

struct TrainCommandOptions {
  RunConfig config;
  bool plots = false;
  bool json = false;
  bool quiet = false;
  bool force = false;
  std::string config_file;  // --config
  std::string resume;       // --resume OUT
  TrainCommandOptions() { config.run.out = kDefaultOut; }
};

// The flags that may go with --resume: they change where the data is read from (checked
// against the recorded CRC-32s), what is shown or how often a checkpoint is written, never a
// number of the run.
bool AllowedWithResume(const std::string& flag) {
  return flag == "--resume" || flag == "--data" || flag == "--quiet" || flag == "--plots" ||
         flag == "--checkpoint-every";
}

// A path as the user would type it again in a shell.
std::string ShellWord(const std::string& path) {
  if (path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                             "/._-+=:,@") == std::string::npos &&
      !path.empty()) {
    return path;
  }
  std::string quoted = "'";
  for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

void DeclareTrainFlags(CLI::App* cmd, TrainCommandOptions& o);

// Runs the settings of a run.json through the same flag checks as the command line (ranges,
// names), so that a file cannot ask for what no flag would be allowed to: a failure is bad
// data in that file (exit 1), named by the flag.
void CheckRecordedSettings(const RunConfig& config, const std::string& file) {
  CLI::App app;
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  CLI::App* cmd = app.add_subcommand("train");
  TrainCommandOptions scratch;
  DeclareTrainFlags(cmd, scratch);
  AddNumberChecks(app);
  std::vector<std::string> args = SettingsAsFlags(config, TrainCommandOptions().config);
  args.insert(args.begin(), "train");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector of arguments last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    throw DataError(file + ": a setting no flag allows: " + e.what());
  }
}

// The configuration to train: the command line's; or a run.json's with the command line's flags
// on top (--config); or, for --resume, the run.json's as it is.
RunConfig ResolveConfig(const TrainCommandOptions& o, const CLI::App* cmd, RunRecord* recorded) {
  auto given = [&](const std::string& setting) { return cmd->count(FlagOfSetting(setting)) > 0; };
  if (!o.resume.empty()) {
    if (!o.config_file.empty()) {
      throw UsageError(
          "--resume continues the run in its folder with that run's settings; "
          "--config starts a new run: give one of them");
    }
    for (const CLI::Option* option : cmd->get_options()) {
      const std::string flag = option->get_name();
      if (option->count() > 0 && !AllowedWithResume(flag)) {
        throw UsageError(flag + " cannot change a run being resumed (its settings are in " +
                         JoinPath(o.resume, "run.json") + "); to train a variant, use --config " +
                         JoinPath(o.resume, "run.json") + " " + flag + " ... --out NEW_FOLDER");
      }
    }
    const std::string record_path = JoinPath(o.resume, "run.json");
    if (!PathExists(record_path)) {
      throw DataError(o.resume + ": holds no run to resume (no run.json)");
    }
    *recorded = ReadRunRecord(record_path);
    if (recorded->status == "finished" || recorded->status == "stopped early" ||
        recorded->status == "diverged") {
      throw UsageError(o.resume + ": the run there has " +
                       (recorded->status == "diverged"   ? std::string("diverged")
                        : recorded->status == "finished" ? std::string("finished")
                                                         : std::string("stopped early")) +
                       " (run.json); there is nothing to resume");
    }
    if (!PathExists(JoinPath(o.resume, "checkpoint"))) {
      throw DataError(o.resume +
                      ": the run there has no checkpoint (it was killed before its "
                      "first --checkpoint-every); start it again with tinymlp train --config " +
                      ShellWord(record_path) + " --force");
    }
    RunConfig config = recorded->config;
    CopySettingsIf(o.config, config, [&](const std::string& name) {
      return (name == "data" || name == "checkpoint_every") && given(name);
    });
    config.run.out = o.resume;
    return config;
  }
  if (o.config_file.empty()) return o.config;
  *recorded = ReadRunRecord(o.config_file);
  RunConfig config = recorded->config;
  CheckRecordedSettings(config, o.config_file);
  CopySettingsIf(o.config, config, given);
  return config;
}

void RunTrain(const TrainCommandOptions& o, const CLI::App* cmd) {
  RunRecord recorded;
  RunConfig c = ResolveConfig(o, cmd, &recorded);
  const bool resume = !o.resume.empty();
  if (c.data.empty()) {
    throw UsageError(
        "--data is required: the CIFAR-10 folder (or --config FILE / --resume OUT, "
        "whose run.json names it)");
  }
  if (o.force && resume)
    throw UsageError("--force replaces a run, --resume continues it: not both");
  ValidateRunSettings(c.run);  // bad flags fail before the data is read
  if (o.plots && c.run.out.empty())
    throw UsageError("--plots needs --out, the folder to draw into");
  if (c.run.checkpoint_every > 0 && c.run.out.empty()) {
    throw UsageError("--checkpoint-every needs --out, the folder the checkpoint goes into");
  }
  // A run in the folder is refused before the data is read, too.
  if (!resume && !o.force && !c.run.out.empty()) RefuseOccupiedFolder(c.run.out);
  SetThreadCount(c.threads);
  c.threads = ThreadCount();  // recorded as the count used: 0 (all cores) would not repeat

  const Split split = ParseSplit(c.split);
  const Cifar10 data = LoadCifar10(c.data, split);
  if (!recorded.data_files.empty() && c.split == recorded.config.split) {
    const std::string differs =
        CompareDataFiles(recorded.data_files, ChecksumDataFiles(c.data, split));
    if (!differs.empty() && resume) {
      throw DataError(c.data + ": is not the data the run was trained on: " + differs);
    }
    if (!differs.empty()) {
      std::fprintf(stderr,
                   "tinymlp: warning: %s: not the recorded run's data (%s); the run "
                   "will not repeat it exactly\n",
                   c.data.c_str(), differs.c_str());
    }
  }

  RunContext context;
  context.data = c.data;
  context.split = c.split;
  context.threads = c.threads;
  context.force = o.force;
  context.resume = resume;
  RunSettings run = c.run;
  run.progress = !o.quiet;
  RunResult r;
  {
    InterruptScope interrupts;  // Ctrl-C now stops after the current step, with a checkpoint
    r = RunTraining(run, data, context);
  }
  const std::string out = ShellWord(run.out);
  if (r.interrupted != 0) {
    throw InterruptedError(
        r.interrupted, "interrupted at step " + std::to_string(r.steps_done) + " of " +
                           std::to_string(r.steps) +
                           (run.out.empty() ? std::string(": nothing saved (no --out)")
                                            : ": checkpoint and model in " + run.out +
                                                  "; resume with tinymlp train --resume " + out));
  }
  std::string best;
  if (r.best_step >= 0) {
    best = FormatNumber(", best %.4f", r.best_val_accuracy) + " at step " +
           std::to_string(r.best_step) + (run.out.empty() ? "" : " (model_best.tmlp)");
  }
  if (r.stopped_early) {
    std::fprintf(stderr,
                 "stopped early at step %ld of %ld: no better validation accuracy in %d "
                 "evaluations\n",
                 r.steps_done, r.steps, run.early_stop);
  }
  std::fprintf(stderr,
               "trained 3072-%s-10: %ld steps in %.2f s (evaluations included), validation "
               "accuracy %.4f%s; %s%s\n",
               run.hidden.c_str(), r.steps_done, r.train_seconds, r.validation.accuracy,
               best.c_str(), run.out.empty() ? "nothing written (no --out)" : "run in ",
               run.out.c_str());
  if (o.plots) WriteRunPlots(r.metrics, run.out, FormatNumber("lambda=%g", run.lambda));
  Results results;
  results.Add("steps", r.steps_done).Add("train_seconds", r.train_seconds, 3);
  results.Add("val_accuracy", r.validation.accuracy, 4).Add("test_accuracy", r.test.accuracy, 4);
  results.Print(o.json);
}

void DeclareTrainFlags(CLI::App* cmd, TrainCommandOptions& o) {
  RunSettings& r = o.config.run;
  cmd->add_option("--data", o.config.data,
                  "CIFAR-10 binary folder (holding data_batch_1.bin ...); required unless "
                  "--config or --resume names it")
      ->default_str("from --config/--resume");
  AddSplitFlag(cmd, o.config.split);
  AddNetworkFlags(cmd, r);
  cmd->add_option("--lambda", r.lambda, "L2 regularization strength")
      ->check(CLI::Range(0.0f, 1e6f))
      ->capture_default_str();
  cmd->add_option("--n-s", r.n_s, "Cyclic schedule: updates per half cycle")
      ->check(CLI::Range(1L, 100000000L))
      ->capture_default_str();
  cmd->add_option("--eta", r.eta, "Constant learning rate (instead of cyclic)")
      ->check(CLI::Range(1e-12f, 1e3f));
  cmd->add_option("--epochs", r.epochs,
                  "Constant or linear-decay schedule: epochs to train (default 10 / as cyclic)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", r.seed, "Seed for initialization and shuffling")->capture_default_str();
  cmd->add_option("--evals-per-cycle", r.evals_per_cycle,
                  "Metrics points per cycle (per epoch with --eta: any value > 0); 0 = none")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--bn-alpha", r.bn_alpha,
                  "Batch norm running averages: new = alpha * old + (1 - alpha) * batch")
      ->capture_default_str();
  cmd->add_option("--dropout", r.dropout, "Probability of dropping a hidden unit while training")
      ->capture_default_str();
  cmd->add_option("--augment", r.augment,
                  "Training augmentation: none, or flip,translate[:N] (N pixels, default 3)")
      ->check(ParsedBy(ParseAugment))
      ->capture_default_str();
  cmd->add_option("--optimizer", r.optimizer, "sgd, momentum, nesterov or adam")
      ->check(ParsedBy(ParseOptimizer))
      ->capture_default_str();
  cmd->add_option("--momentum", r.momentum, "momentum/nesterov: velocity decay")
      ->check(CLI::Range(0.0f, 0.9999f))
      ->capture_default_str();
  cmd->add_option("--beta1", r.beta1, "adam: first-moment decay")
      ->check(CLI::Range(0.0f, 0.9999f))
      ->capture_default_str();
  cmd->add_option("--beta2", r.beta2, "adam: second-moment decay")
      ->check(CLI::Range(0.0f, 0.999999f))
      ->capture_default_str();
  cmd->add_option("--epsilon", r.epsilon, "adam: added to sqrt(v)")
      ->check(CLI::Range(1e-30f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--schedule", r.schedule,
                  "Learning rate: cyclic (default), linear-decay (eta-max to eta-min), constant "
                  "(--eta)")
      ->check(ParsedBy(CheckScheduleName));
  cmd->add_option("--early-stop", r.early_stop,
                  "Stop after this many evaluations without a better validation accuracy "
                  "(0 = never; needs evaluations)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--threads", o.config.threads, "Threads (0 = all cores)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("--out", r.out,
                  "Output folder (model.tmlp, model_best.tmlp, metrics.csv, run.json, "
                  "checkpoint); refused if it holds a run")
      ->capture_default_str();
  cmd->add_flag("--force", o.force,
                "Replace the run in --out (removes only the files a run writes there)");
  cmd->add_option("--checkpoint-every", r.checkpoint_every,
                  "Write OUT/checkpoint every N steps (0 = only on Ctrl-C or SIGTERM)")
      ->check(CLI::Range(0L, 1000000000L))
      ->capture_default_str();
  cmd->add_option("--config", o.config_file,
                  "Repeat the run recorded in this run.json (flags given here override it)")
      ->default_str("none");
  cmd->add_option("--resume", o.resume,
                  "Continue the interrupted run in this folder from its checkpoint")
      ->default_str("none");
  cmd->add_flag("--quiet", o.quiet, "No progress on stderr");
  cmd->add_flag("--plots", o.plots, "Also draw cost/loss/accuracy/eta PNG charts into --out");
  AddJsonFlag(cmd, o.json);
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainCommandOptions>();
  CLI::App* cmd =
      app.add_subcommand("train", "Train a network on CIFAR-10 and report its test accuracy");
  DeclareTrainFlags(cmd, *o);
  cmd->callback([o, cmd] { RunTrain(*o, cmd); });
}

}  // namespace tinymlp
