// Chapters 1-6 of the report (the course's one- and two-layer networks) and the report's head.
// Each chapter adds its headings, paragraphs, tables and pictures to a ReportDoc; the numbers in
// them are the runs' results or the settings the runs were given, formatted by apps/lab/format.h.
#include "apps/lab/report.h"

#include <cmath>
#include <string>
#include <vector>

#include "apps/lab/format.h"
#include "apps/lab/report_chapter3.h"
#include "apps/lab/report_doc.h"
#include "apps/lab/report_parts.h"
#include "apps/lab/run_plots.h"
#include "apps/lab/search.h"
#include "apps/lab/weight_images.h"
#include "apps/render/heat_map.h"
#include "apps/render/line_chart.h"
#include "apps/render/png.h"
#include "engine/io/model_file.h"
#include "engine/train/evaluate.h"
#include "engine/train/gradcheck.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/interrupt.h"

namespace tinymlp {
namespace {

// "10,000 training images (data_batch_1), 10,000 validation (data_batch_2)" and the like.
std::string Images(const Dataset& set) { return Thousands(set.count()); }

struct CourseChapters {
  explicit CourseChapters(const ReportOptions& options) : o(options), trainer(o, "report: ") {}

  ReportOptions o;
  ReportTrainer trainer;
  ReportDoc doc;

  void GradientChecks(const Cifar10& data) {
    const GradCheckConfig defaults;
    doc.Heading(2, "1. Gradient check");
    doc.Paragraph(
        "Analytic gradients against centred finite differences (h = " +
        FormatNumber("%g", defaults.step) + ") in double precision, on the first " +
        std::to_string(defaults.dims) + " input dimensions of " + std::to_string(defaults.samples) +
        " training images. The relative error is |a - n| / max(1e-8, |a| + |n|), the largest "
        "over each parameter block.");
    Table table;
    table.columns = {"network", "lambda", "block", "max relative error"};
    struct Case {
      std::vector<int> hidden;
      double lambda;
    };
    for (const Case& c : {Case{{}, 0.0}, Case{{50}, 0.0}, Case{{50}, 0.1}, Case{{50, 30}, 0.01}}) {
      GradCheckConfig config;
      config.hidden = c.hidden;
      config.lambda = c.lambda;
      config.seed = o.seed;
      for (const GradCheckEntry& e : GradCheck(data.train, config)) {
        table.rows.push_back({LayerSizes(config.dims, c.hidden), FormatNumber("%g", c.lambda),
                              e.name, FormatNumber("%.2e", e.max_rel_error)});
      }
    }
    doc.AddTable(table);
    trainer.Log("gradient checks done");
  }

  void DefaultRuns(const Cifar10& data) {
    RunSettings base;  // the defaults of `tinymlp train`, but lambda
    base.lambda = 0.01f;
    doc.Heading(2, "2. Two-layer network, default settings");
    doc.Paragraph(LayerSizes(kImageDim, ParseHiddenLayers(base.hidden)) + ", " +
                  Images(data.train) + " training images (data_batch_1), " +
                  Images(data.validation) + " validation (data_batch_2), batch " +
                  std::to_string(base.batch) + ", lambda = " + FormatNumber("%g", base.lambda) +
                  ", cyclic rate between " + FormatNumber("%g", base.eta_min) + " and " +
                  FormatNumber("%g", base.eta_max) + ".");
    struct Case {
      std::string name;
      long n_s;
      int cycles;
    };
    std::vector<ReportRun> runs;
    std::vector<std::string> schedules;
    for (const Case& c : {Case{"default-1cycle", 500, 1}, Case{"default-3cycles", 800, 3}}) {
      RunSettings run = base;
      run.n_s = c.n_s;
      run.cycles = c.cycles;
      schedules.push_back("n_s = " + std::to_string(c.n_s) + ", " + std::to_string(c.cycles) +
                          " cycle" + (c.cycles > 1 ? "s" : ""));
      runs.push_back(ReportRun{c.name, run, &data, schedules.back()});
    }
    Table table;
    table.columns = {"run", "schedule", "final validation accuracy", "test accuracy",
                     "training time"};
    ReportDoc curves;
    for (size_t i = 0; i < runs.size(); ++i) {  // one at a time, as the report always trained them
      const RunResult r = trainer.Train(o.out, {runs[i]}).at(0);
      table.rows.push_back({runs[i].name, schedules[i], Percent(r.validation.accuracy),
                            Percent(r.test.accuracy), Seconds(r.train_seconds)});
      curves.Paragraph("**" + runs[i].name + "** (" + schedules[i] + ")");
      curves.Images(CurveImages(runs[i].name), "49%");
    }
    doc.AddTable(table);
    doc.Append(curves);
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
    doc.Heading(2, heading);
    doc.Paragraph(blurb + " " + LayerSizes(kImageDim, ParseHiddenLayers(s.run.hidden)) + " on " +
                  Images(data.train) + " images, " + Images(data.validation) +
                  " held out for validation; " + std::to_string(s.run.cycles) +
                  " cycles, n_s = " + std::to_string(s.run.n_s) + ", " + std::to_string(count) +
                  " values of log10(lambda) evenly spaced in [" + FormatNumber("%.3f", log_min) +
                  ", " + FormatNumber("%.3f", log_max) + "]. All runs: `search_results.csv`.");
    doc.AddTable(BestLambdaTable(outcome.rows));
    trainer.Log(name + " search: best lambda " +
                FormatNumber("%.3e", BestRows(outcome.rows, 1)[0].lambda));
    return outcome.rows;
  }

  void SearchChart(const std::vector<SearchRow>& coarse, const std::vector<SearchRow>& fine) {
    const ChartSpec spec =
        tinymlp::SearchChart("lambda search: best validation accuracy", coarse, fine);
    WritePng(JoinPath(o.out, "search.png"), DrawLineChart(spec));
    doc.Images({"search.png"}, "70%");
  }

  double FinalRun(float lambda, const Cifar10& data) {
    RunSettings run;
    run.lambda = lambda;
    run.cycles = 3;
    run.n_s = ParseNs("auto", data.train.count(), run.batch);
    const std::string title = "lambda=" + FormatNumber("%.3e", lambda) + ", 49k";
    const RunResult r = trainer.Train(o.out, {ReportRun{"final", run, &data, title}}).at(0);
    doc.Heading(2, "5. Final network");
    doc.Paragraph(LayerSizes(kImageDim, ParseHiddenLayers(run.hidden)) +
                  " with the fine search's best lambda = " + FormatNumber("%.4e", lambda) +
                  " (log10 " + FormatNumber("%.3f", std::log10(lambda)) + "), trained on " +
                  Images(data.train) + " images (" + Images(data.validation) +
                  " held out for validation), " + std::to_string(run.cycles) + " cycles, n_s = " +
                  std::to_string(run.n_s) + ", batch " + std::to_string(run.batch) + ".");
    doc.Paragraph("**Test accuracy: " + Percent(r.test.accuracy) + "** (validation " +
                  Percent(r.validation.accuracy) + ", training " + Seconds(r.train_seconds) + ").");
    doc.Images(CurveImages("final"), "49%");
    ConfusionFigure(JoinPath(JoinPath(o.out, "final"), "model.tmlp"), data.test);
    return r.test.accuracy;
  }

  // The final network's confusion matrix on the test set, as a heat map (final/confusion.png).
  void ConfusionFigure(const std::string& model_path, const Dataset& test) {
    std::vector<int64_t> confusion(static_cast<size_t>(kClasses) * kClasses, 0);
    const Evaluation e = EvaluateModel(LoadModel(model_path), test, confusion.data());
    HeatMapSpec spec;
    spec.title = "final network, " + Images(test) + " test images";
    spec.row_labels.assign(kCifar10ClassNames, kCifar10ClassNames + kClasses);
    spec.column_labels = spec.row_labels;
    WritePng(JoinPath(JoinPath(o.out, "final"), "confusion.png"), DrawHeatMap(confusion, spec));
    doc.Paragraph(
        "Its confusion matrix on the test set (rows: true class, columns: predicted; "
        "shade: share of the row; accuracy " +
        Percent(e.accuracy) + "):");
    doc.Images({"final/confusion.png"}, "60%");
  }

  void OneLayer(const Cifar10& data) {
    RunSettings run;
    run.hidden = "0";
    run.epochs = 40;
    doc.Heading(2, "6. One-layer classifier");
    doc.Paragraph(LayerSizes(kImageDim, {}) + " softmax, trained with a constant rate for " +
                  std::to_string(run.epochs) + " epochs, batch " + std::to_string(run.batch) +
                  ", on data_batch_1 (validation: data_batch_2). Each class's template is its "
                  "row of W, shown as an image scaled to its own range.");
    Table table;
    table.columns = {"setting", "lambda", "eta", "final validation accuracy", "test accuracy"};
    ReportDoc pictures;
    struct Case {
      float lambda, eta;
    };
    int i = 0;
    for (const Case& c : {Case{0, 0.1f}, Case{0, 0.001f}, Case{0.1f, 0.001f}, Case{1, 0.001f}}) {
      ++i;
      run.lambda = c.lambda;
      run.eta = c.eta;
      const std::string name = "onelayer-" + std::to_string(i);
      const std::string title =
          "lambda=" + FormatNumber("%g", c.lambda) + ", eta=" + FormatNumber("%g", c.eta);
      const RunResult r = trainer.Train(o.out, {ReportRun{name, run, &data, title}}).at(0);
      const Model model = LoadModel(JoinPath(JoinPath(o.out, name), "model.tmlp"));
      ImageGridSpec grid;
      grid.title = "class templates, " + title;
      WritePng(JoinPath(JoinPath(o.out, name), "weights.png"),
               DrawImageGrid(WeightTiles(model, name), grid));
      table.rows.push_back({name, FormatNumber("%g", c.lambda), FormatNumber("%g", c.eta),
                            Percent(r.validation.accuracy), Percent(r.test.accuracy)});
      pictures.Paragraph("**" + name + "** (" + title + ")");
      pictures.Images({name + "/weights.png"}, "98%");
      pictures.Images(CurveImages(name), "49%");
    }
    doc.AddTable(table);
    doc.Append(pictures);
  }
};

}  // namespace

namespace {
ReportOutcome WriteReportUninterrupted(const ReportOptions& o);
}  // namespace

ReportOutcome WriteReport(const ReportOptions& o) {
  // Ctrl-C or SIGTERM stops the runs in progress after their current step; a rerun skips the
  // λ-search runs already in the results files and trains the other runs again.
  InterruptScope interrupts;
  try {
    return WriteReportUninterrupted(o);
  } catch (const Error& e) {
    const int signal = PendingInterrupt();
    if (signal == 0) throw;
    throw InterruptedError(signal, "report interrupted (" + std::string(InterruptName(signal)) +
                                       "); run the same command to continue: the lambda "
                                       "searches go on from their results files in " +
                                       o.out + ", the other runs are trained again");
  }
}

namespace {

ReportOutcome WriteReportUninterrupted(const ReportOptions& o) {
  if (o.best && !o.chapter3 && !o.only_chapter3) {
    throw UsageError(
        "--best trains the third chapter's best network: add --chapter3 or --only-chapter3");
  }
  MakeDirectories(o.out);
  CourseChapters course(o);
  ReportOutcome outcome;
  std::string test_images;
  if (!o.only_chapter3) {
    const Cifar10 small = LoadCifar10(o.data, Split::k10k);
    test_images = Thousands(small.test.count());
    course.GradientChecks(small);
    course.DefaultRuns(small);
    {  // the 45k split lives only as long as the searches need it
      const Cifar10 big45 = LoadCifar10(o.data, Split::k45k);
      const double log_min = -5, log_max = -1;
      const std::vector<SearchRow> coarse =
          course.Search("coarse", "3. Coarse lambda search",
                        "lambda in 10^[" + FormatNumber("%g", log_min) + ", " +
                            FormatNumber("%g", log_max) + "].",
                        log_min, log_max, o.coarse_count, big45);
      const float best_coarse = BestRows(coarse, 1)[0].lambda;
      // Rounded so that log_min + i * step lands on the coarse grid's own values (same float λ).
      const double center = std::round(std::log10(best_coarse) * 1e6) / 1e6;
      const std::vector<SearchRow> fine = course.Search(
          "fine", "4. Fine lambda search",
          "Around the coarse search's best (log10 lambda = " + FormatNumber("%.3f", center) + ").",
          center - o.fine_halfwidth, center + o.fine_halfwidth, o.fine_count, big45);
      course.SearchChart(coarse, fine);
      outcome.final_lambda = BestRows(fine, 1)[0].lambda;
    }
    const Cifar10 big49 = LoadCifar10(o.data, Split::k49k);
    outcome.final_test = course.FinalRun(outcome.final_lambda, big49);
    course.OneLayer(small);
  }
  ReportDoc body = course.doc;
  if (o.chapter3 || o.only_chapter3) {
    const Chapter3Outcome ch3 = RunChapter3(o);
    body.Append(ch3.doc);
    outcome.bn_lambda = ch3.bn_lambda;
    outcome.bn_test = ch3.bn_test;
    outcome.best_test = ch3.best_test;
    outcome.best_seconds = ch3.best_seconds;
    test_images = ch3.test_images;
  }
  outcome.seconds = course.trainer.SecondsSoFar();

  ReportDoc head;
  head.Heading(1, "tinymlp report");
  head.Paragraph(std::string("Reproduces the course's ") +
                 (o.only_chapter3 ? "third chapter (deeper networks)"
                  : o.chapter3 ? "two-layer network report and its third chapter (deeper networks)"
                               : "two-layer network report") +
                 " with tinymlp's own engine. Made by `" + o.command + "` (seed " +
                 std::to_string(o.seed) + ", " + std::to_string(o.jobs) + " job(s), " +
                 std::to_string(course.trainer.Threads()) + " thread(s) each) in " +
                 FormatNumber("%.0f", outcome.seconds) + " s. Accuracies are fractions of the " +
                 test_images + " test images (test_batch) unless said otherwise." +
                 (o.only_chapter3 ? std::string()
                                  : " The final network reaches **" + Percent(outcome.final_test) +
                                        "** test accuracy.") +
                 (o.chapter3 || o.only_chapter3 ? " The 3-layer batch-norm network reaches **" +
                                                      Percent(outcome.bn_test) + "** (chapter 7)."
                                                : std::string()));
  head.Append(body);
  outcome.path = JoinPath(o.out, "report.md");
  WriteFileAtomic(outcome.path, RenderMarkdown(head));
  return outcome;
}

}  // namespace

}  // namespace tinymlp
