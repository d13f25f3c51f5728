// tinymlp report: the course's whole report from one command. Gradient checks, the two default
// two-layer runs, a coarse and a fine λ search, the final network on 49k images, and the
// one-layer classifier in its four classic settings, written as OUT/report.md with the PNGs
// (curves, weight images, the search chart) in per-run folders beside it. Search results files
// stay in OUT, so a rerun after an interruption skips the runs it already finished. With
// --chapter3 it adds the course's third chapter (apps/tinymlp/report_chapter3.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "apps/experiments/run_plots.h"
#include "apps/experiments/weight_images.h"
#include "apps/render/line_chart.h"
#include "apps/render/png.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/report_chapter3.h"
#include "apps/tinymlp/search.h"
#include "engine/io/model_file.h"
#include "engine/train/gradcheck.h"
#include "platform/clock.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct ReportOptions {
  std::string data, out;
  // Two networks at a time with one thread each keeps both cores busy even where a small
  // network's GEMMs would leave the second thread waiting at OpenMP barriers.
  int jobs = 2, threads = 0;
  int coarse_count = 9, fine_count = 9;
  double fine_halfwidth = 0.5;  // fine range: log10(best coarse λ) ± this
  uint64_t seed = 1;
  bool chapter3 = false, only_chapter3 = false, best = false;
};

std::string Fmt(const char* format, double v) {
  char text[64];
  std::snprintf(text, sizeof(text), format, v);
  return text;
}

std::string Percent(double accuracy) { return Fmt("%.2f %%", 100 * accuracy); }

// The four charts of a run side by side, two per row, as HTML so they fit a page.
std::string CurvesMarkdown(const std::string& dir) {
  std::string md;
  for (const std::string& name : RunPlotNames()) {
    md += "<img src=\"" + dir + "/" + name + "\" width=\"49%\"> ";
  }
  return md + "\n\n";
}

struct Report {
  ReportOptions o;
  std::string md;
  double start = NowSeconds();

  // Threads per network, the same for the runs trained one at a time as for the search's.
  int Threads() const {
    return o.threads > 0 ? o.threads : std::max(1, HardwareThreads() / o.jobs);
  }

  void Log(const std::string& line) {
    std::fprintf(stderr, "report: %s (%.0f s so far)\n", line.c_str(), NowSeconds() - start);
  }

  // Trains, keeps the model and metrics in OUT/name and draws the curves there.
  RunResult Train(const std::string& name, RunSettings run, const Cifar10& data,
                  const std::string& title) {
    run.out = JoinPath(o.out, name);
    run.seed = o.seed;
    SetThreadCount(Threads());
    const RunResult r = RunTraining(run, data);
    WriteRunPlots(r.metrics, run.out, title);
    Log(name + ": test accuracy " + Percent(r.test.accuracy));
    return r;
  }

  void GradientChecks(const Cifar10& data) {
    md +=
        "## 1. Gradient check\n\nAnalytic gradients against centred finite differences "
        "(h = 1e-6) in double precision, on the first 20 input dimensions of 5 training "
        "images. The relative error is |a - n| / max(1e-8, |a| + |n|), the largest over each "
        "parameter block.\n\n| network | lambda | block | max relative error "
        "|\n|---|---|---|---|\n";
    struct Case {
      std::vector<int> hidden;
      double lambda;
    };
    for (const Case& c : {Case{{}, 0.0}, Case{{50}, 0.0}, Case{{50}, 0.1}, Case{{50, 30}, 0.01}}) {
      GradCheckConfig config;
      config.hidden = c.hidden;
      config.lambda = c.lambda;
      config.seed = o.seed;
      std::string shape = "20";
      for (int h : c.hidden) shape += "-" + std::to_string(h);
      shape += "-10";
      for (const GradCheckEntry& e : GradCheck(data.train, config)) {
        md += "| " + shape + " | " + Fmt("%g", c.lambda) + " | " + e.name + " | " +
              Fmt("%.2e", e.max_rel_error) + " |\n";
      }
    }
    md += "\n";
    Log("gradient checks done");
  }

  void DefaultRuns(const Cifar10& data) {
    md +=
        "## 2. Two-layer network, default settings\n\n3072-50-10, 10,000 training images "
        "(data_batch_1), 10,000 validation (data_batch_2), batch 100, lambda = 0.01, cyclic "
        "rate between 1e-5 and 0.1.\n\n| run | schedule | final validation accuracy | test "
        "accuracy | training time |\n|---|---|---|---|---|\n";
    std::string curves;
    struct Case {
      std::string name;
      long n_s;
      int cycles;
    };
    for (const Case& c : {Case{"default-1cycle", 500, 1}, Case{"default-3cycles", 800, 3}}) {
      RunSettings run;
      run.lambda = 0.01f;
      run.n_s = c.n_s;
      run.cycles = c.cycles;
      const std::string schedule = "n_s = " + std::to_string(c.n_s) + ", " +
                                   std::to_string(c.cycles) + " cycle" + (c.cycles > 1 ? "s" : "");
      const RunResult r = Train(c.name, run, data, schedule);
      md += "| " + c.name + " | " + schedule + " | " + Percent(r.validation.accuracy) + " | " +
            Percent(r.test.accuracy) + " | " + Fmt("%.1f s", r.train_seconds) + " |\n";
      curves += "**" + c.name + "** (" + schedule + ")\n\n" + CurvesMarkdown(c.name);
    }
    md += "\n" + curves;
  }

  std::vector<SearchRow> Search(const std::string& name, const std::string& heading,
                                const std::string& blurb, double log_min, double log_max, int count,
                                const Cifar10& data) {
    SearchSettings s;
    s.run.cycles = 2;
    s.run.seed = o.seed;
    s.run.n_s = ParseNs("auto", data.train.count(), s.run.batch);
    s.split = "45k";
    s.log_min = log_min;
    s.log_max = log_max;
    s.count = count;
    s.grid = true;
    // One results file for both searches: a fine λ that the coarse grid already tried (the
    // centre and, at the default width, both ends) is found there instead of trained again.
    s.results = JoinPath(o.out, "search_results.csv");
    s.jobs = o.jobs;
    s.threads = o.threads;
    const SearchOutcome outcome = RunSearch(s, data);
    md += "## " + heading + "\n\n" + blurb +
          " 3072-50-10 on 45,000 images, 5,000 held out for "
          "validation; 2 cycles, n_s = " +
          std::to_string(s.run.n_s) + ", " + std::to_string(count) +
          " values of log10(lambda) evenly spaced in [" + Fmt("%.3f", log_min) + ", " +
          Fmt("%.3f", log_max) +
          "]. All runs: `search_results.csv`.\n\n| rank | lambda | log10 lambda | best validation "
          "accuracy | at step |\n"
          "|---|---|---|---|---|\n";
    const std::vector<SearchRow> best = BestRows(outcome.rows, 3);
    for (size_t i = 0; i < best.size(); ++i) {
      md += "| " + std::to_string(i + 1) + " | " + Fmt("%.3e", best[i].lambda) + " | " +
            Fmt("%.3f", std::log10(best[i].lambda)) + " | " + Percent(best[i].best_val_accuracy) +
            " | " + std::to_string(best[i].best_step) + " |\n";
    }
    md += "\n";
    Log(name + " search: best lambda " + Fmt("%.3e", best[0].lambda));
    return outcome.rows;
  }

  void SearchChart(const std::vector<SearchRow>& coarse, const std::vector<SearchRow>& fine) {
    const ChartSpec spec =
        tinymlp::SearchChart("lambda search: best validation accuracy", coarse, fine);
    WritePng(JoinPath(o.out, "search.png"), DrawLineChart(spec));
    md += "<img src=\"search.png\" width=\"70%\">\n\n";
  }

  double FinalRun(float lambda, const Cifar10& data) {
    RunSettings run;
    run.lambda = lambda;
    run.cycles = 3;
    run.n_s = ParseNs("auto", data.train.count(), run.batch);
    const std::string title = "lambda=" + Fmt("%.3e", lambda) + ", 49k";
    const RunResult r = Train("final", run, data, title);
    md += "## 5. Final network\n\n3072-50-10 with the fine search's best lambda = " +
          Fmt("%.4e", lambda) + " (log10 " + Fmt("%.3f", std::log10(lambda)) +
          "), trained on 49,000 images (1,000 held out for validation), 3 cycles, n_s = " +
          std::to_string(run.n_s) + ", batch 100.\n\n**Test accuracy: " + Percent(r.test.accuracy) +
          "** (validation " + Percent(r.validation.accuracy) + ", training " +
          Fmt("%.1f s", r.train_seconds) + ").\n\n" + CurvesMarkdown("final");
    return r.test.accuracy;
  }

  void OneLayer(const Cifar10& data) {
    md +=
        "## 6. One-layer classifier\n\n3072-10 softmax, trained with a constant rate for 40 "
        "epochs, batch 100, on data_batch_1 (validation: data_batch_2). Each class's "
        "template is its row of W, shown as an image scaled to its own range.\n\n| setting "
        "| lambda | eta | final validation accuracy | test accuracy |\n|---|---|---|---|---|\n";
    struct Case {
      float lambda, eta;
    };
    std::string pictures;
    int i = 0;
    for (const Case& c : {Case{0, 0.1f}, Case{0, 0.001f}, Case{0.1f, 0.001f}, Case{1, 0.001f}}) {
      ++i;
      RunSettings run;
      run.hidden = "0";
      run.lambda = c.lambda;
      run.eta = c.eta;
      run.epochs = 40;
      const std::string name = "onelayer-" + std::to_string(i);
      const std::string title = "lambda=" + Fmt("%g", c.lambda) + ", eta=" + Fmt("%g", c.eta);
      const RunResult r = Train(name, run, data, title);
      const Model model = LoadModel(JoinPath(JoinPath(o.out, name), "model.tmlp"));
      ImageGridSpec grid;
      grid.title = "class templates, " + title;
      WritePng(JoinPath(JoinPath(o.out, name), "weights.png"),
               DrawImageGrid(WeightTiles(model, name), grid));
      md += "| " + name + " | " + Fmt("%g", c.lambda) + " | " + Fmt("%g", c.eta) + " | " +
            Percent(r.validation.accuracy) + " | " + Percent(r.test.accuracy) + " |\n";
      pictures += "**" + name + "** (" + title + ")\n\n<img src=\"" + name +
                  "/weights.png\" width=\"98%\">\n\n" + CurvesMarkdown(name);
    }
    md += "\n" + pictures;
  }
};

void RunReport(const ReportOptions& o) {
  if (o.best && !o.chapter3 && !o.only_chapter3) {
    throw UsageError(
        "--best trains the third chapter's best network: add --chapter3 or "
        "--only-chapter3");
  }
  MakeDirectories(o.out);
  Report rep;
  rep.o = o;
  const double start = NowSeconds();
  float best_fine = 0;
  double test = 0;
  if (!o.only_chapter3) {
    const Cifar10 small = LoadCifar10(o.data, Split::k10k);
    rep.GradientChecks(small);
    rep.DefaultRuns(small);
    {  // the 45k split lives only as long as the searches need it
      const Cifar10 big45 = LoadCifar10(o.data, Split::k45k);
      const std::vector<SearchRow> coarse =
          rep.Search("coarse", "3. Coarse lambda search", "lambda in 10^[-5, -1].", -5, -1,
                     o.coarse_count, big45);
      const float best_coarse = BestRows(coarse, 1)[0].lambda;
      // Rounded so that log_min + i * step lands on the coarse grid's own values (same float λ).
      const double center = std::round(std::log10(best_coarse) * 1e6) / 1e6;
      const std::vector<SearchRow> fine = rep.Search(
          "fine", "4. Fine lambda search",
          "Around the coarse search's best (log10 lambda = " + Fmt("%.3f", center) + ").",
          center - o.fine_halfwidth, center + o.fine_halfwidth, o.fine_count, big45);
      rep.SearchChart(coarse, fine);
      best_fine = BestRows(fine, 1)[0].lambda;
    }
    const Cifar10 big49 = LoadCifar10(o.data, Split::k49k);
    test = rep.FinalRun(best_fine, big49);
    rep.OneLayer(small);
  }
  Chapter3Outcome ch3;
  if (o.chapter3 || o.only_chapter3) {
    Chapter3Options c;
    c.data = o.data;
    c.out = o.out;
    c.jobs = o.jobs;
    c.threads = o.threads;
    c.coarse_count = o.coarse_count;
    c.fine_count = o.fine_count;
    c.fine_halfwidth = o.fine_halfwidth;
    c.seed = o.seed;
    c.best = o.best;
    ch3 = RunChapter3(c);
    rep.md += ch3.markdown;
  }

  const double seconds = NowSeconds() - start;
  std::string head =
      std::string("# tinymlp report\n\nReproduces the course's ") +
      (o.only_chapter3 ? "third chapter (deeper networks)"
       : o.chapter3    ? "two-layer network report and its third chapter (deeper networks)"
                       : "two-layer network report") +
      " with tinymlp's own engine. Made by `tinymlp report --data " + o.data + " --out " + o.out +
      (o.only_chapter3 ? " --only-chapter3"
       : o.chapter3    ? " --chapter3"
                       : "") +
      (o.best ? " --best" : "") + "` (seed " + std::to_string(o.seed) + ", " +
      std::to_string(o.jobs) + " job(s), " + std::to_string(rep.Threads()) +
      " thread(s) each) in " + Fmt("%.0f", seconds) +
      " s. Accuracies are fractions of the 10,000 test images "
      "(test_batch) unless said otherwise." +
      (o.only_chapter3 ? std::string()
                       : " The final network reaches **" + Percent(test) + "** test accuracy.") +
      (o.chapter3 || o.only_chapter3
           ? " The 3-layer batch-norm network reaches **" + Percent(ch3.bn_test) + "** (chapter 7)."
           : std::string()) +
      "\n\n";
  WriteFileAtomic(JoinPath(o.out, "report.md"), head + rep.md);
  std::printf("wrote %s\n", JoinPath(o.out, "report.md").c_str());
  std::printf("report_seconds=%.1f\n", seconds);
  if (!o.only_chapter3) {
    std::printf("final_lambda=%.6g\n", best_fine);
    std::printf("final_test_accuracy=%.4f\n", test);
  }
  if (o.chapter3 || o.only_chapter3) {
    std::printf("bn3_lambda=%.6g\n", ch3.bn_lambda);
    std::printf("bn3_test_accuracy=%.4f\n", ch3.bn_test);
    if (ch3.best_test >= 0) {
      std::printf("best_test_accuracy=%.4f\n", ch3.best_test);
      std::printf("best_train_seconds=%.1f\n", ch3.best_seconds);
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
