#include "apps/lab/report_chapter3.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "apps/lab/format.h"
#include "apps/lab/report_parts.h"
#include "apps/lab/run_plots.h"
#include "apps/lab/search.h"
#include "apps/lab/training_run.h"
#include "apps/render/line_chart.h"
#include "apps/render/png.h"
#include "engine/train/augment.h"
#include "engine/train/gradcheck.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

// The course's setting for the deeper nets: 45k/5k, 2 cycles of n_s = 5 x 45,000 / 100 updates.
constexpr long kNs = 2250;
constexpr float kLambda = 0.005f;
const char* const kNine = "50,30,20,20,10,10,10,10";

// "3072-50-50-10" for a run's hidden widths.
std::string Network(const RunSettings& run) {
  return LayerSizes(kImageDim, ParseHiddenLayers(run.hidden));
}

// "45,000 training images, 5,000 validation".
std::string SplitText(const Cifar10& data) {
  return Thousands(data.train.count()) + " training images, " + Thousands(data.validation.count()) +
         " validation";
}

// "lambda = 0.005, 2 cycles of n_s = 2250": a cyclic run's schedule.
std::string CyclesText(const RunSettings& run) {
  return "lambda = " + FormatNumber("%g", run.lambda) + ", " + std::to_string(run.cycles) +
         " cycles of n_s = " + std::to_string(run.n_s);
}

struct Chapter3 {
  explicit Chapter3(const ReportOptions& options)
      : o(options), dir(JoinPath(o.out, "chapter3")), trainer(o, "report: chapter 3: ") {}

  ReportOptions o;
  std::string dir;  // out/chapter3
  ReportTrainer trainer;
  ReportDoc doc;

  std::vector<RunResult> Train(const std::vector<ReportRun>& runs) {
    return trainer.Train(dir, runs);
  }

  // Training and validation loss of several runs on one chart.
  void LossChart(const std::string& file, const std::string& title,
                 const std::vector<std::string>& names, const std::vector<RunResult>& runs) {
    ChartSpec spec;
    spec.title = title;
    spec.x_label = "update step";
    spec.y_label = "loss";
    spec.width = 900;  // room for four legend entries
    for (size_t k = 0; k < runs.size(); ++k) {
      Series train{names[k] + ", train", {}, {}, SeriesColor(2 * static_cast<int>(k))};
      Series val{names[k] + ", val", {}, {}, SeriesColor(2 * static_cast<int>(k) + 1)};
      for (const MetricsRow& m : runs[k].metrics) {
        train.x.push_back(m.step);
        train.y.push_back(m.train.loss);
        val.x.push_back(m.step);
        val.y.push_back(m.validation.loss);
      }
      spec.series.push_back(train);
      spec.series.push_back(val);
    }
    WritePng(JoinPath(dir, file), DrawLineChart(spec));
  }

  static RunSettings Deep(const std::string& hidden, bool batch_norm) {
    RunSettings run;
    run.hidden = hidden;
    run.batch_norm = batch_norm;
    run.lambda = kLambda;
    run.cycles = 2;
    run.n_s = kNs;
    return run;
  }

  GradCheckConfig CheckConfig(const std::vector<int>& hidden, bool bn, int samples) const {
    GradCheckConfig config;
    config.hidden = hidden;
    config.batch_norm = bn;
    config.lambda = 0.01;
    config.samples = samples;
    config.seed = o.seed;
    return config;
  }

  // The largest relative error over every block of one network; its rows go into `table`.
  static double CheckOne(const Cifar10& data, const GradCheckConfig& config, Table* table) {
    double worst = 0;
    for (const GradCheckEntry& e : GradCheck(data.train, config)) {
      if (table != nullptr) {
        table->rows.push_back({LayerSizes(config.dims, config.hidden),
                               config.batch_norm ? "yes" : "no", e.name,
                               FormatNumber("%.2e", e.max_rel_error)});
      }
      worst = std::max(worst, e.max_rel_error);
    }
    return worst;
  }

  void GradientChecks(const Cifar10& data) {
    const GradCheckConfig shown = CheckConfig({20}, false, 10);
    doc.Heading(3, "7.1 Gradient checks");
    doc.Paragraph("As in section 1 (double precision, centred differences with h = " +
                  FormatNumber("%g", shown.step) + ", the first " + std::to_string(shown.dims) +
                  " input dimensions), here of " + std::to_string(shown.samples) +
                  " training images, lambda = " + FormatNumber("%g", shown.lambda) +
                  ", for a 2-layer and a 4-layer net with and without batch normalization. With "
                  "batch norm the check runs in training mode, so the " +
                  std::to_string(shown.samples) +
                  " images' batch statistics are part of the function being differentiated.");
    Table table;
    table.columns = {"network", "batch norm", "block", "max relative error"};
    double worst_bn4 = 0;
    for (const std::vector<int>& hidden : {std::vector<int>{20}, std::vector<int>{20, 20, 20}}) {
      for (bool bn : {false, true}) {
        const double worst = CheckOne(data, CheckConfig(hidden, bn, shown.samples), &table);
        if (bn && hidden.size() == 3) worst_bn4 = worst;
      }
    }
    doc.AddTable(table);
    // Wider layers on fewer images: the report shows that case too rather than letting the
    // table's shapes hide how it checks.
    const GradCheckConfig wide = CheckConfig({50, 30, 20}, true, 5);
    doc.Paragraph("Largest relative error over every block of the 4-layer batch-norm net: **" +
                  FormatNumber("%.2e", worst_bn4) + "**; of a wider batch-norm net, " +
                  LayerSizes(wide.dims, wide.hidden) + " on " + std::to_string(wide.samples) +
                  " images: **" + FormatNumber("%.2e", CheckOne(data, wide, nullptr)) + "**.");
    trainer.Log("gradient checks done");
  }

  void DepthCurves(const Cifar10& data45) {
    std::vector<ReportRun> runs;
    for (const char* hidden : {"50,50", kNine}) {
      for (bool bn : {false, true}) {
        const std::string layers = hidden == std::string("50,50") ? "3layer" : "9layer";
        runs.push_back(ReportRun{layers + (bn ? "-bn" : "-plain"), Deep(hidden, bn), &data45,
                                 std::string(hidden) + (bn ? ", batch norm" : ", no batch norm")});
      }
    }
    const RunSettings& shown = runs[0].run;
    doc.Heading(3, "7.2 Three and nine layers, with and without batch normalization");
    doc.Paragraph(SplitText(data45) + "; lambda = " + FormatNumber("%g", shown.lambda) +
                  ", cyclic rate between " + FormatNumber("%g", shown.eta_min) + " and " +
                  FormatNumber("%g", shown.eta_max) + ", " + std::to_string(shown.cycles) +
                  " cycles of n_s = " + std::to_string(shown.n_s) + ", batch " +
                  std::to_string(shown.batch) + ", Xavier initialization.");
    const std::vector<RunResult> r = Train(runs);
    Table table;
    table.columns = {"network", "batch norm", "final validation accuracy", "test accuracy",
                     "training time"};
    for (size_t i = 0; i < runs.size(); ++i) {
      table.rows.push_back({Network(runs[i].run), runs[i].run.batch_norm ? "yes" : "no",
                            Percent(r[i].validation.accuracy), Percent(r[i].test.accuracy),
                            Seconds(r[i].train_seconds)});
    }
    doc.AddTable(table);
    LossChart("loss-3layer.png", "loss, " + Network(runs[0].run), {"plain", "BN"}, {r[0], r[1]});
    LossChart("loss-9layer.png", "loss, " + Network(runs[2].run), {"plain", "BN"}, {r[2], r[3]});
    doc.Images({"chapter3/loss-3layer.png", "chapter3/loss-9layer.png"}, "49%");
    doc.Paragraph("Each run's own cost, loss, accuracy and rate charts are in `chapter3/<run>/`.");
  }

  std::vector<SearchRow> Search(double log_min, double log_max, int count, const Cifar10& data45) {
    SearchSettings s;
    s.run = Deep("50,50", true);
    s.run.seed = o.seed;
    s.split = "45k";
    s.log_min = log_min;
    s.log_max = log_max;
    s.count = count;
    s.grid = true;
    s.results = JoinPath(dir, "search_results.csv");  // coarse and fine share it, as in section 3
    s.jobs = o.jobs;
    s.threads = o.threads;
    return RunSearch(s, data45).rows;
  }

  float LambdaSearch(const Cifar10& data45) {
    const double log_min = -5, log_max = -1;
    const std::vector<SearchRow> coarse = Search(log_min, log_max, o.coarse_count, data45);
    const float best_coarse = BestRows(coarse, 1)[0].lambda;
    const double center = std::round(std::log10(best_coarse) * 1e6) / 1e6;
    const std::vector<SearchRow> fine =
        Search(center - o.fine_halfwidth, center + o.fine_halfwidth, o.fine_count, data45);
    const float best = BestRows(fine, 1)[0].lambda;
    trainer.Log("lambda search: best " + FormatNumber("%.3e", best));

    const RunSettings net = Deep("50,50", true);
    const ChartSpec spec =
        SearchChart("lambda search, " + Network(net) + " with batch norm", coarse, fine);
    WritePng(JoinPath(dir, "search.png"), DrawLineChart(spec));

    doc.Heading(3, "7.4 Lambda search for the 3-layer batch-norm net");
    doc.Paragraph(Network(net) + " with batch norm, " + SplitText(data45) + ", " +
                  std::to_string(net.cycles) + " cycles of n_s = " + std::to_string(net.n_s) +
                  ". Coarse: " + std::to_string(o.coarse_count) +
                  " values of log10(lambda) evenly spaced "
                  "in [" +
                  FormatNumber("%g", log_min) + ", " + FormatNumber("%g", log_max) +
                  "]; fine: " + std::to_string(o.fine_count) + " values in log10(best coarse) ± " +
                  FormatNumber("%g", o.fine_halfwidth) + " = [" +
                  FormatNumber("%.3f", center - o.fine_halfwidth) + ", " +
                  FormatNumber("%.3f", center + o.fine_halfwidth) +
                  "]. Settings are ranked by their best validation accuracy only. All runs: "
                  "`chapter3/search_results.csv` (made by the same `tinymlp search --hidden " +
                  net.hidden + " --batch-norm --n-s " + std::to_string(net.n_s) + "` command).");
    doc.Paragraph("Coarse search, three best:");
    doc.AddTable(BestLambdaTable(coarse));
    doc.Paragraph("Fine search, three best:");
    doc.AddTable(BestLambdaTable(fine));
    doc.Images({"chapter3/search.png"}, "70%");
    return best;
  }

  double FinalRun(float lambda, const Cifar10& data49) {
    RunSettings run = Deep("50,50", true);
    run.lambda = lambda;
    run.cycles = 3;
    const RunResult r = Train({ReportRun{"final-3layer-bn", run, &data49,
                                         "batch norm, lambda=" + FormatNumber("%.3e", lambda)}})
                            .at(0);
    doc.Heading(3,
                "7.5 The 3-layer batch-norm net on " + Thousands(data49.train.count()) + " images");
    doc.Paragraph(Network(run) + " with batch norm, lambda = " + FormatNumber("%.4e", lambda) +
                  " from the fine search, " + Thousands(data49.train.count()) +
                  " training images (" + Thousands(data49.validation.count()) + " held out), " +
                  std::to_string(run.cycles) + " cycles of n_s = " + std::to_string(run.n_s) +
                  ", batch " + std::to_string(run.batch) + ".");
    doc.Paragraph("**Test accuracy: " + Percent(r.test.accuracy) + "** (validation " +
                  Percent(r.validation.accuracy) + ", training " + Seconds(r.train_seconds) + ").");
    doc.Images(CurveImages("chapter3/final-3layer-bn"), "49%");
    return r.test.accuracy;
  }

  void Sensitivity(const Cifar10& data45) {
    std::vector<ReportRun> runs;
    const double sigmas[] = {1e-1, 1e-3, 1e-4};
    for (double sigma : sigmas) {
      for (bool bn : {false, true}) {
        RunSettings run = Deep("50,50", bn);
        run.init = "normal";
        run.init_sigma = sigma;
        const std::string s = FormatNumber("%g", sigma);
        runs.push_back(ReportRun{"sigma" + s + (bn ? "-bn" : "-plain"), run, &data45,
                                 "sigma=" + s + (bn ? ", batch norm" : ", no batch norm")});
      }
    }
    doc.Heading(3, "7.3 Sensitivity to initialization");
    doc.Paragraph(Network(runs[0].run) +
                  ", every weight drawn from N(0, sigma^2) (`--init normal --init-sigma S`), "
                  "with and without batch norm; " +
                  SplitText(data45) + ", " + CyclesText(runs[0].run) + ".");
    const std::vector<RunResult> r = Train(runs);
    Table table;
    table.columns = {"sigma", "batch norm", "final validation accuracy", "test accuracy"};
    for (size_t i = 0; i < runs.size(); ++i) {
      table.rows.push_back({FormatNumber("%g", runs[i].run.init_sigma),
                            runs[i].run.batch_norm ? "yes" : "no",
                            Percent(r[i].validation.accuracy), Percent(r[i].test.accuracy)});
    }
    doc.AddTable(table);
    std::vector<std::string> images;
    for (size_t k = 0; k < 3; ++k) {
      const std::string file = "loss-sigma" + FormatNumber("%g", sigmas[k]) + ".png";
      LossChart(file, "loss, sigma = " + FormatNumber("%g", sigmas[k]), {"plain", "BN"},
                {r[2 * k], r[2 * k + 1]});
      images.push_back("chapter3/" + file);
    }
    doc.Images(images, "32%");
  }

  // The best network's settings, and the `tinymlp train` command that trains it alone.
  static RunSettings BestSettings() {
    RunSettings run;
    run.hidden = "1024,512";
    run.batch_norm = true;
    run.dropout = 0.1f;
    run.augment = "flip,translate:2";
    run.optimizer = "adam";
    run.schedule = "linear-decay";
    run.eta_max = 1e-3f;
    run.eta_min = 1e-5f;
    run.epochs = 24;
    run.lambda = 1e-4f;
    return run;
  }

  static std::string TrainCommand(const RunSettings& run) {
    return "tinymlp train --split 49k --hidden " + run.hidden +
           (run.batch_norm ? " --batch-norm" : "") + " --dropout " +
           FormatNumber("%g", run.dropout) + " --augment " + run.augment + " --optimizer " +
           run.optimizer + " --schedule " + run.schedule + " --eta-max " +
           FormatNumber("%g", run.eta_max) + " --eta-min " + FormatNumber("%g", run.eta_min) +
           " --epochs " + std::to_string(run.epochs) + " --lambda " +
           FormatNumber("%g", run.lambda);
  }

  void BestNetwork(const Cifar10& data49, Chapter3Outcome* outcome) {
    const RunSettings run = BestSettings();
    const AugmentConfig augment = ParseAugment(run.augment);
    doc.Heading(3, "7.6 The best network");
    doc.Paragraph(
        "Fully connected " + Network(run) + " with batch norm, dropout " +
        FormatNumber("%g", run.dropout) + " on the hidden activations, random horizontal " +
        (augment.flip ? "flips and " : "") + "translations by up to " +
        std::to_string(augment.translate) + " pixels, Adam (beta1 " +
        FormatNumber("%g", run.beta1) + ", beta2 " + FormatNumber("%g", run.beta2) +
        "), the rate decaying linearly from " + FormatNumber("%g", run.eta_max) + " to " +
        FormatNumber("%g", run.eta_min) + " over " + std::to_string(run.epochs) +
        " epochs, lambda = " + FormatNumber("%g", run.lambda) + ", " +
        Thousands(data49.train.count()) +
        " training images. Its settings come from hand tuning outside this report (none of its "
        "searches); the command:");
    doc.Paragraph("    " + TrainCommand(run));
    if (!o.best) {
      doc.Paragraph("Not trained in this report (`--best` trains it).");
      return;
    }
    const RunResult r = Train({ReportRun{"best", run, &data49, "best network"}}).at(0);
    outcome->best_test = r.test.accuracy;
    outcome->best_seconds = r.train_seconds;
    doc.Paragraph("**Test accuracy: " + Percent(r.test.accuracy) + "** (validation " +
                  Percent(r.validation.accuracy) + "), trained in " +
                  FormatNumber("%.1f", r.train_seconds / 60) + " minutes with " +
                  std::to_string(trainer.Threads()) + " thread(s).");
    doc.Images(CurveImages("chapter3/best"), "49%");
  }
};

}  // namespace

Chapter3Outcome RunChapter3(const ReportOptions& options) {
  Chapter3 c(options);
  MakeDirectories(c.dir);
  Chapter3Outcome outcome;
  {
    const Cifar10 small = LoadCifar10(options.data, Split::k10k);
    outcome.test_images = Thousands(small.test.count());
    c.GradientChecks(small);
  }
  {  // the 45k split lives only as long as the runs on it
    const Cifar10 data45 = LoadCifar10(options.data, Split::k45k);
    c.DepthCurves(data45);
    c.Sensitivity(data45);
    outcome.bn_lambda = c.LambdaSearch(data45);
  }
  const Cifar10 data49 = LoadCifar10(options.data, Split::k49k);
  outcome.bn_test = c.FinalRun(outcome.bn_lambda, data49);
  c.BestNetwork(data49, &outcome);
  outcome.doc.Heading(2,
                      "7. Deeper networks: batch normalization, initialization, the best "
                      "network");
  outcome.doc.Paragraph("The course's third chapter (" +
                        FormatNumber("%.0f", c.trainer.SecondsSoFar()) +
                        " s). Accuracies are on the " + outcome.test_images + " test images.");
  outcome.doc.Append(c.doc);
  return outcome;
}

}  // namespace tinymlp
