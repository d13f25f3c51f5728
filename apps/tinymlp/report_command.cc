// tinymlp report: the course's whole report from one command (apps/lab/report.h writes it): its
// flags, and the key=value lines it ends with.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/report.h"
#include "apps/tinymlp/commands.h"

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

void RunReport(ReportOptions o) {
  o.command = Invocation(o);
  const ReportOutcome r = WriteReport(o);
  std::printf("wrote %s\n", r.path.c_str());
  std::printf("report_seconds=%.1f\n", r.seconds);
  if (!o.only_chapter3) {
    std::printf("final_lambda=%.6g\n", r.final_lambda);
    std::printf("final_test_accuracy=%.4f\n", r.final_test);
  }
  if (o.chapter3 || o.only_chapter3) {
    std::printf("bn3_lambda=%.6g\n", r.bn_lambda);
    std::printf("bn3_test_accuracy=%.4f\n", r.bn_test);
    if (r.best_test >= 0) {
      std::printf("best_test_accuracy=%.4f\n", r.best_test);
      std::printf("best_train_seconds=%.1f\n", r.best_seconds);
    }
  }
}

}  // namespace

void AddReportCommand(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
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
  cmd->callback([o] { RunReport(*o); });
}

}  // namespace tinymlp
