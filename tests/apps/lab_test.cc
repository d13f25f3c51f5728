// The lab called directly (no binary): the job pool, a λ search against single training runs,
// metrics.csv written and read back, the report's data rendered to markdown, the number formats,
// and the lab's parsers, whose errors speak of the value (the command line adds the flag).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "apps/lab/format.h"
#include "apps/lab/job_pool.h"
#include "apps/lab/metrics_csv.h"
#include "apps/lab/report_doc.h"
#include "apps/lab/report_parts.h"
#include "apps/lab/search.h"
#include "apps/lab/training_run.h"
#include "engine/train/gradcheck.h"
#include "platform/error.h"
#include "platform/threads.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

TEST(JobPool, RunsEveryJobOnceWhateverTheJobCount) {
  constexpr size_t kCount = 37;
  std::vector<std::vector<double>> results;
  for (int jobs : {1, 2, 3, 64}) {
    std::vector<std::atomic<int>> runs(kCount);
    std::vector<double> out(kCount, 0);
    RunJobs(kCount, jobs, 1, [&](size_t i) {
      ++runs[i];
      double x = 0;
      for (size_t k = 0; k <= i * 100; ++k) x += std::sqrt(static_cast<double>(k));
      out[i] = x;
    });
    for (size_t i = 0; i < kCount; ++i) EXPECT_EQ(runs[i].load(), 1) << "job " << i;
    results.push_back(out);
  }
  for (size_t j = 1; j < results.size(); ++j) EXPECT_EQ(results[j], results[0]);
  RunJobs(0, 2, 1, [](size_t) { ADD_FAILURE() << "no job to run"; });
}

TEST(JobPool, UsesTheThreadsItIsGivenAndRethrowsTheFirstError) {
  std::mutex mutex;
  std::vector<int> counts;
  RunJobs(4, 2, 1, [&](size_t) {
    std::lock_guard<std::mutex> lock(mutex);
    counts.push_back(ThreadCount());
  });
  EXPECT_EQ(counts, std::vector<int>(4, 1));
  std::atomic<int> started{0};
  try {
    // The other jobs take 5 ms each, so the pool has half a second to see the failure before
    // they could all have started, even on a loaded machine.
    RunJobs(100, 2, 1, [&](size_t i) {
      ++started;
      if (i == 0) throw std::runtime_error("job 0 failed");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 0 failed");
  }
  EXPECT_LT(started.load(), 100) << "jobs kept starting after one failed";
}

// A tiny random data set: 200 training, 100 validation and 100 test images.
Cifar10 TinyData() {
  Cifar10 data;
  data.train = RandomDataset(200, 11);
  data.validation = RandomDataset(100, 12);
  data.test = RandomDataset(100, 13);
  return data;
}

RunSettings TinyRun() {
  RunSettings run;
  run.hidden = "8";
  run.batch = 20;
  run.n_s = 20;
  run.cycles = 1;
  run.evals_per_cycle = 4;
  return run;
}

TEST(Search, RowsEqualSingleRunsOfEachLambda) {
  const Cifar10 data = TinyData();
  testing::TempDir dir;
  SearchSettings s;
  s.run = TinyRun();
  s.split = "tiny";
  s.log_min = -4;
  s.log_max = 0;
  s.count = 2;
  s.grid = true;
  s.results = dir.File("results.csv");
  s.jobs = 2;
  s.threads = 1;
  const SearchOutcome outcome = RunSearch(s, data);
  ASSERT_EQ(outcome.rows.size(), 2u);
  EXPECT_EQ(outcome.ran, 2);
  EXPECT_EQ(ReadSearchResults(s.results).size(), 2u);

  std::vector<std::vector<MetricsRow>> curves;
  for (const SearchRow& row : outcome.rows) {
    RunSettings run = TinyRun();
    run.lambda = row.lambda;
    SetThreadCount(1);
    const RunResult single = RunTraining(run, data);
    EXPECT_EQ(row.final_val_accuracy, single.validation.accuracy) << row.lambda;
    EXPECT_EQ(row.test_accuracy, single.test.accuracy) << row.lambda;
    double best = single.validation.accuracy;
    long best_step = single.steps;
    for (const MetricsRow& m : single.metrics) {
      if (m.validation.accuracy > best) best = m.validation.accuracy, best_step = m.step;
    }
    EXPECT_EQ(row.best_val_accuracy, best) << row.lambda;
    EXPECT_EQ(row.best_step, best_step) << row.lambda;
    curves.push_back(single.metrics);
  }
  EXPECT_FLOAT_EQ(outcome.rows[0].lambda, 1e-4f);
  EXPECT_FLOAT_EQ(outcome.rows[1].lambda, 1.0f);
  // The two λ trained different networks (λ = 1 pays far more for its weights).
  ASSERT_FALSE(curves[0].empty());
  EXPECT_LT(curves[0].back().train.cost, curves[1].back().train.cost);

  // A second search finds both rows and trains nothing.
  const SearchOutcome again = RunSearch(s, data);
  EXPECT_EQ(again.ran, 0);
  EXPECT_EQ(again.skipped, 2);
}

// Issue 13: two searches on one results file (two processes; here two ledgers, each with its
// own view of the file, as two processes have) keep every row: each records under the lock after
// reading the file again, so neither overwrites what the other recorded.
TEST(Search, TwoLedgersOnOneFileKeepEveryRow) {
  testing::TempDir dir;
  SearchSettings a;
  a.run = TinyRun();
  a.split = "tiny";
  a.count = 2;
  a.grid = true;
  a.results = dir.File("sub/results.csv");
  SearchSettings b = a;
  a.log_min = -4, a.log_max = -3;
  b.log_min = -2, b.log_max = -1;
  SearchLedger first(a, PlanSearch(a)), second(b, PlanSearch(b));
  ASSERT_EQ(first.todo().size(), 2u);
  ASSERT_EQ(second.todo().size(), 2u);
  auto finished = [](SearchRow row) {
    row.best_val_accuracy = row.final_val_accuracy = row.test_accuracy = 0.25;
    return row;
  };
  first.Record(finished(first.plan()[0]));
  second.Record(finished(second.plan()[0]));
  first.Record(finished(first.plan()[1]));
  second.Record(finished(second.plan()[1]));
  second.Record(finished(first.plan()[1]));  // recorded already: not twice
  const std::vector<SearchRow> rows = ReadSearchResults(a.results);
  std::set<std::string> keys;
  for (const SearchRow& r : rows) keys.insert(r.SettingKey());
  EXPECT_EQ(rows.size(), 4u);
  EXPECT_EQ(keys.size(), 4u);
  EXPECT_TRUE(testing::ReadBytes(a.results + ".lock").empty());  // the lock file, beside it
}

// Issue 13: a search whose rows the results file could not hold is refused before it trains
// (it used to train, write λ = inf and then refuse to read its own file on the rerun).
TEST(Search, PlanRefusesLambdasBeyondAFloat) {
  SearchSettings s;
  s.run = TinyRun();
  s.split = "tiny";
  s.results = "r.csv";
  s.log_min = 38;
  s.log_max = 39;
  s.count = 3;
  s.grid = true;
  try {
    PlanSearch(s);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("lambda = 10^39 is beyond the largest float"),
              std::string::npos)
        << e.what();
  }
  s.log_max = 38.5;  // 3.2e38 still fits
  for (const SearchRow& r : PlanSearch(s)) {
    EXPECT_EQ(ParseSearchResults(SearchResultsHeader() + r.CsvLine(), "r.csv").size(), 1u);
  }
}

TEST(MetricsCsv, WhatTheWriterWritesTheReaderReads) {
  std::vector<MetricsRow> rows(2);
  rows[0].step = 0;
  rows[0].eta = 1e-5f;
  rows[0].train = {2.302585, 2.5, 0.1};
  rows[0].validation = {2.31, 2.51, 0.0925};
  rows[1].step = 250;
  rows[1].epoch = 2.5;
  rows[1].eta = 0.0625f;
  rows[1].train = {1.5, 1.75, 0.47};
  rows[1].validation = {1.6, 1.85, 0.4425};
  const std::string text = MetricsCsvHeader() + MetricsCsvLine(rows[0]) + MetricsCsvLine(rows[1]);
  const std::vector<MetricsRow> back = ParseMetricsCsv(text, "m.csv");
  ASSERT_EQ(back.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back[i].step, rows[i].step);
    EXPECT_NEAR(back[i].epoch, rows[i].epoch, 1e-4);
    EXPECT_NEAR(back[i].eta, rows[i].eta, 1e-6 * rows[i].eta);
    EXPECT_NEAR(back[i].train.loss, rows[i].train.loss, 1e-6);
    EXPECT_NEAR(back[i].validation.accuracy, rows[i].validation.accuracy, 1e-6);
  }
}

TEST(ReportDoc, RendersHeadingsParagraphsTablesAndPictures) {
  ReportDoc doc;
  doc.Heading(2, "3. Search");
  doc.Paragraph("Some **text**.");
  Table t;
  t.columns = {"a", "b"};
  t.rows = {{"1", "2"}, {"3", "4"}};
  doc.AddTable(t);
  doc.Images({"x.png", "y.png"}, "49%");
  EXPECT_EQ(RenderMarkdown(doc),
            "## 3. Search\n\nSome **text**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n"
            "<img src=\"x.png\" width=\"49%\"> <img src=\"y.png\" width=\"49%\">\n\n");
}

TEST(ReportDoc, SearchTableHoldsEachFigureOfTheBestRows) {
  std::vector<SearchRow> rows(4);
  const float lambdas[] = {1e-5f, 3.16e-4f, 1e-3f, 0.1f};
  const double accuracies[] = {0.4812, 0.5134, 0.5001, 0.3}, steps[] = {1800, 3600, 2700, 900};
  for (int i = 0; i < 4; ++i) {
    rows[i].lambda = lambdas[i];
    rows[i].best_val_accuracy = accuracies[i];
    rows[i].best_step = static_cast<long>(steps[i]);
  }
  ReportDoc doc;
  doc.AddTable(BestLambdaTable(rows));
  const std::string md = RenderMarkdown(doc);
  for (int i : {1, 2, 0}) {  // the best three, in rank order
    const std::string cells = FormatNumber("%.3e", lambdas[i]) + " | " +
                              FormatNumber("%.3f", std::log10(lambdas[i])) + " | " +
                              Percent(accuracies[i]) + " | " + std::to_string(rows[i].best_step);
    EXPECT_NE(md.find(cells), std::string::npos) << cells << "\n" << md;
  }
  EXPECT_NE(md.find("| 1 | 3.160e-04 | -3.500 | 51.34 % | 3600 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("1.000e-01"), std::string::npos) << "the fourth row is not shown";
}

TEST(Format, NumbersAsTheReportWritesThem) {
  EXPECT_EQ(Percent(0.51234), "51.23 %");
  EXPECT_EQ(Seconds(12.345), "12.3 s");
  EXPECT_EQ(FormatNumber("%.3e", 0.00123), "1.230e-03");
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(49000), "49,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(-45000), "-45,000");
  EXPECT_EQ(LayerSizes(3072, {50, 30}), "3072-50-30-10");
  EXPECT_EQ(LayerSizes(20, {}), "20-10");
}

// The lab's parsers describe the value; naming the flag is the command line's job.
TEST(LabParsers, ErrorsSpeakOfTheValueNotAFlag) {
  auto message = [](auto fn) -> std::string {
    try {
      fn();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  };
  EXPECT_EQ(ParseHiddenLayers("50,30"), std::vector<int>({50, 30}));
  EXPECT_TRUE(ParseHiddenLayers("0").empty());
  const std::string hidden = message([] { ParseHiddenLayers("50,,20"); });
  EXPECT_EQ(hidden.rfind("'50,,20' is not a list of widths", 0), 0u) << hidden;
  const std::string ns = message([] { ParseNs("sometimes", 1000, 10); });
  EXPECT_EQ(ns.rfind("'sometimes' is neither 'auto'", 0), 0u) << ns;
  EXPECT_EQ(ParseNs("auto", 45000, 100), 900);
  EXPECT_EQ(message([] { CheckScheduleName("step"); }),
            "'step' is not one of cyclic, linear-decay, constant");
  EXPECT_EQ(message([] { CheckInitName("lecun"); }), "'lecun' is not one of he, xavier, normal");
  CheckScheduleName("");
  CheckInitName("");
}

}  // namespace
}  // namespace tinymlp
