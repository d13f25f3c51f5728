// tinymlp report: the course's whole report from one command (apps/lab/report.h writes it): its
// flags, and its results (key=value lines or --json).
#include <memory>
#include <string>

#include "apps/lab/report.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"

namespace tinymlp {
namespace {

// The command as report.md quotes it: the flags that change what the report holds.
std::string Invocation(const ReportOptions& o) {
  return "tinymlp report --data " + o.data + " --out " + o.out +
         (o.only_chapter3 ? " --only-chapter3"
          : o.chapter3    ? " --chapter3"
                          : "") +
         (o.best ? " --best" : "");
}

void RunReport(ReportOptions o, bool json) {
  o.command = Invocation(o);
  const ReportOutcome r = WriteReport(o);
  Results results;
  results.AddList("wrote", {r.path}).Add("report_seconds", r.seconds, 3);
  if (!o.only_chapter3) {
    results.AddSignificant("final_lambda", r.final_lambda, 6);
    results.Add("final_test_accuracy", r.final_test, 4);
  }
  if (o.chapter3 || o.only_chapter3) {
    results.AddSignificant("bn3_lambda", r.bn_lambda, 6);
    results.Add("bn3_test_accuracy", r.bn_test, 4);
    if (r.best_test >= 0) {
      results.Add("best_test_accuracy", r.best_test, 4);
      results.Add("best_train_seconds", r.best_seconds, 3);
    }
  }
  results.Print(json);
}

}  // namespace

void AddReportCommand(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("report", "Run the course's experiments and write report.md");
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder")->required();
  cmd->add_option("--out", o->out, "Folder for report.md and its pictures")->required();
  cmd->add_option("--jobs", o->jobs, "Networks trained at the same time in the searches")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads per network (0 = cores / jobs)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("--coarse-count", o->coarse_count, "Coarse search: lambda values")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--fine-count", o->fine_count, "Fine search: lambda values")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--fine-halfwidth", o->fine_halfwidth,
                  "Fine search: log10 range either side of the coarse best")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed for every run")->capture_default_str();
  cmd->add_flag("--chapter3", o->chapter3,
                "Add the course's third chapter: deeper nets, batch norm, initialization (about "
                "5 more minutes at 2 jobs)");
  cmd->add_flag("--only-chapter3", o->only_chapter3, "Only the third chapter (skips sections 1-6)");
  cmd->add_flag("--best", o->best,
                "In the third chapter, also train the best network (11 to 15 more minutes)");
  AddJsonFlag(cmd, *json);
  cmd->callback([o, json] { RunReport(*o, *json); });
}

}  // namespace tinymlp
