// The lab's files and pictures: metrics.csv and search-results parsing (good and
// malformed), the λ values a search tries, the ranking, and the weight tiles of a model.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "apps/lab/metrics_csv.h"
#include "apps/lab/run_plots.h"
#include "apps/lab/search_results.h"
#include "apps/lab/weight_images.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

const std::string kHeader = std::string(kMetricsCsvColumns) + "\n";

// Expects a DataError whose message names `name` and contains `what`.
template <typename Fn>
void ExpectDataError(Fn fn, const std::string& name, const std::string& what) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one about " << what;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    const std::string message = e.what();
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
  }
}

TEST(MetricsCsv, ParsesRows) {
  const std::string text = kHeader +
                           "0,0.0000,1e-05,2.3,2.5,0.1,2.31,2.51,0.09\n"
                           "100,1.0000,0.02,1.9,2.1,0.35,1.95,2.15,0.33\n";
  const std::vector<MetricsRow> rows = ParseMetricsCsv(text, "m.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].step, 100);
  EXPECT_DOUBLE_EQ(rows[1].epoch, 1.0);
  EXPECT_FLOAT_EQ(rows[1].eta, 0.02f);
  EXPECT_DOUBLE_EQ(rows[1].train.loss, 1.9);
  EXPECT_DOUBLE_EQ(rows[1].train.cost, 2.1);
  EXPECT_DOUBLE_EQ(rows[1].train.accuracy, 0.35);
  EXPECT_DOUBLE_EQ(rows[1].validation.loss, 1.95);
  EXPECT_DOUBLE_EQ(rows[1].validation.cost, 2.15);
  EXPECT_DOUBLE_EQ(rows[1].validation.accuracy, 0.33);
}

TEST(MetricsCsv, RejectsMalformedFiles) {
  const std::string row = "0,0,0.1,1,1,0.5,1,1,0.5\n";
  ExpectDataError([&] { ParseMetricsCsv("", "m.csv"); }, "m.csv", "header");
  ExpectDataError([&] { ParseMetricsCsv("step,loss\n" + row, "m.csv"); }, "m.csv", "header");
  ExpectDataError([&] { ParseMetricsCsv(kHeader, "m.csv"); }, "m.csv", "no metrics rows");
  ExpectDataError([&] { ParseMetricsCsv(kHeader + "0,0,0.1,1,1\n", "m.csv"); }, "m.csv", "line 2");
  ExpectDataError([&] { ParseMetricsCsv(kHeader + row + "100,1,x,1,1,0.5,1,1,0.5\n", "m.csv"); },
                  "m.csv", "line 3");
  ExpectDataError([&] { ParseMetricsCsv(kHeader + "100,0,0.1,1,1,0.5,1,1,0.5\n" + row, "m.csv"); },
                  "m.csv", "step");
  ExpectDataError([&] { ParseMetricsCsv(kHeader + "1.5,0,0.1,1,1,0.5,1,1,0.5\n", "m.csv"); },
                  "m.csv", "step");
  ExpectDataError([&] { ParseMetricsCsv(kHeader + "0,0,0.1,1,1,0.5,1,1,nan\n", "m.csv"); }, "m.csv",
                  "line 2");
  // A NUL byte inside a field (the fuzz target's finding: strtod stopped there and the field
  // passed as 0.5).
  const std::string nul = kHeader + "0,0,0.1,1,1,0.5" + std::string(3, '\0') + ",1,1,0.5\n";
  ExpectDataError([&] { ParseMetricsCsv(nul, "m.csv"); }, "m.csv", "line 2");
}

// Huge but finite values: the writer printed into 256 bytes and cut the line, which the reader
// then refused (found by the metrics_csv fuzz target).
TEST(MetricsCsv, HugeValuesRoundTrip) {
  MetricsRow r;
  r.step = 100;
  r.epoch = 0.2;
  r.eta = 0.01f;
  r.train = {1e294, -1e300, 0.5};
  r.validation = {2.3, 2.4, 0.1};
  const std::string line = MetricsCsvLine(r);
  EXPECT_GT(line.size(), 600u);
  EXPECT_EQ(line.back(), '\n');
  const std::vector<MetricsRow> rows = ParseMetricsCsv(MetricsCsvHeader() + line, "m.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].train.loss, 1e294);  // %.6f prints every digit of a whole double
  EXPECT_EQ(rows[0].train.cost, -1e300);
  EXPECT_DOUBLE_EQ(rows[0].validation.accuracy, 0.1);
}

SearchRow SampleRow(float lambda, double accuracy) {
  SearchRow r;
  r.lambda = lambda;
  r.hidden = "50,30";
  r.split = "45k";
  r.cycles = 2;
  r.n_s = 900;
  r.best_val_accuracy = accuracy;
  r.best_step = 3600;
  r.final_val_accuracy = accuracy - 0.01;
  r.test_accuracy = accuracy - 0.02;
  r.seconds = 4.5;
  r.seed = 18446744073709551615ull;
  return r;
}

TEST(SearchResults, RoundTripsThroughTheCsvText) {
  const SearchRow a = SampleRow(0.00123456789f, 0.51), b = SampleRow(1e-5f, 0.49);
  const std::string text = SearchResultsHeader() + a.CsvLine() + b.CsvLine();
  const std::vector<SearchRow> rows = ParseSearchResults(text, "r.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].lambda, a.lambda);  // bit-exact: 9 significant digits
  EXPECT_EQ(rows[0].hidden, "50,30");
  EXPECT_EQ(rows[0].seed, a.seed);
  EXPECT_EQ(rows[0].SettingKey(), a.SettingKey());
  EXPECT_EQ(rows[1].SettingKey(), b.SettingKey());
  EXPECT_NE(a.SettingKey(), b.SettingKey());
  EXPECT_NEAR(rows[0].best_val_accuracy, 0.51, 1e-6);
  EXPECT_EQ(rows[0].best_step, 3600);
  EXPECT_EQ(ParseSearchResults(SearchResultsHeader(), "r.csv").size(), 0u);
}

TEST(SearchResults, RejectsMalformedFiles) {
  const std::string good = SampleRow(0.001f, 0.5).CsvLine();
  ExpectDataError([&] { ParseSearchResults("lambda,acc\n" + good, "r.csv"); }, "r.csv", "header");
  ExpectDataError([&] { ParseSearchResults(SearchResultsHeader() + "0.001,-3,50\n", "r.csv"); },
                  "r.csv", "line 2");
  std::string bad_number = good;
  bad_number.replace(0, bad_number.find(','), "abc");
  ExpectDataError([&] { ParseSearchResults(SearchResultsHeader() + bad_number, "r.csv"); }, "r.csv",
                  "not a number");
  SearchRow over = SampleRow(0.001f, 1.5);
  ExpectDataError([&] { ParseSearchResults(SearchResultsHeader() + over.CsvLine(), "r.csv"); },
                  "r.csv", "accuracy");
  // A torn last line (a writer killed mid-line would leave one) is an error, not a silent skip.
  ExpectDataError(
      [&] { ParseSearchResults(SearchResultsHeader() + good + good.substr(0, 20), "r.csv"); },
      "r.csv", "line 3");
}

TEST(SearchResults, BatchNormAndInitAreSettings) {
  SearchRow plain = SampleRow(0.005f, 0.52);
  SearchRow bn = plain;
  bn.batch_norm = true;
  SearchRow sigma3 = bn, sigma4 = bn;
  sigma3.init = sigma4.init = "normal";
  sigma3.init_sigma = 1e-3;
  sigma4.init_sigma = 1e-4;
  const std::vector<SearchRow> rows = ParseSearchResults(
      SearchResultsHeader() + plain.CsvLine() + bn.CsvLine() + sigma3.CsvLine() + sigma4.CsvLine(),
      "r.csv");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_FALSE(rows[0].batch_norm);
  EXPECT_TRUE(rows[1].batch_norm);
  EXPECT_EQ(rows[2].init, "normal");
  EXPECT_EQ(rows[3].init_sigma, 1e-4);
  const std::set<std::string> keys = {rows[0].SettingKey(), rows[1].SettingKey(),
                                      rows[2].SettingKey(), rows[3].SettingKey()};
  EXPECT_EQ(keys.size(), 4u);  // each is its own setting
  EXPECT_EQ(rows[2].SettingKey(), sigma3.SettingKey());
}

// A file written before batch_norm, init and init_sigma were columns: its rows are plain,
// Xavier-initialized runs, and they match a plain search's settings (so a rerun skips them).
TEST(SearchResults, ReadsTheFirstVersionsFiles) {
  SearchRow plain = SampleRow(0.00123456789f, 0.51);
  std::string line = plain.CsvLine();
  // Drop the three new columns (11-13) to get the row as the first version wrote it.
  std::vector<size_t> commas;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == ',') commas.push_back(i);
  }
  ASSERT_EQ(commas.size(), 17u);
  const std::string v1_line = line.substr(0, commas[9]) + line.substr(commas[12]);
  const std::vector<SearchRow> rows =
      ParseSearchResults(SearchResultsHeaderV1() + v1_line, "old.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].batch_norm);
  EXPECT_EQ(rows[0].init, "xavier");
  EXPECT_EQ(rows[0].init_sigma, 0.0);
  EXPECT_EQ(rows[0].SettingKey(), plain.SettingKey());
  EXPECT_NEAR(rows[0].best_val_accuracy, 0.51, 1e-6);
  EXPECT_EQ(rows[0].best_step, plain.best_step);
  // A first-version header with second-version rows is torn, not silently misread.
  ExpectDataError([&] { ParseSearchResults(SearchResultsHeaderV1() + line, "old.csv"); }, "old.csv",
                  "line 2");
}

TEST(SearchResults, RejectsBadBatchNormAndInitFields) {
  SearchRow r = SampleRow(0.001f, 0.5);
  r.init = "normal";
  r.init_sigma = 1e-3;
  const std::string good = r.CsvLine();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string line = good;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return SearchResultsHeader() + line.replace(at, from.size(), to);
  };
  ExpectDataError([&] { ParseSearchResults(with(",0,normal,", ",2,normal,"), "r.csv"); }, "r.csv",
                  "batch_norm");
  ExpectDataError([&] { ParseSearchResults(with(",normal,", ",zeros,"), "r.csv"); }, "r.csv",
                  "init");
  ExpectDataError([&] { ParseSearchResults(with(",normal,0.001,", ",normal,0,"), "r.csv"); },
                  "r.csv", "init_sigma");
  ExpectDataError([&] { ParseSearchResults(with(",normal,0.001,", ",he,0.001,"), "r.csv"); },
                  "r.csv", "init_sigma");
}

TEST(SearchResults, BestRowsRanksByValidationAccuracy) {
  const std::vector<SearchRow> rows = {SampleRow(1e-4f, 0.50), SampleRow(1e-3f, 0.52),
                                       SampleRow(1e-2f, 0.48), SampleRow(1e-5f, 0.52)};
  const std::vector<SearchRow> best = BestRows(rows, 3);
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0].lambda, 1e-5f);  // tie at 0.52: smaller lambda first
  EXPECT_EQ(best[1].lambda, 1e-3f);
  EXPECT_EQ(best[2].lambda, 1e-4f);
  EXPECT_EQ(BestRows(rows, 10).size(), 4u);
}

TEST(LambdaValues, GridIsEvenlySpacedWithBothEnds) {
  const std::vector<double> v = LambdaLogValues(-5, -1, 9, true, 1);
  ASSERT_EQ(v.size(), 9u);
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(v[i], -5 + 0.5 * i, 1e-12);
  EXPECT_EQ(LambdaLogValues(-3, -2, 1, true, 1), std::vector<double>{-2.5});
}

TEST(LambdaValues, RandomIsInRangeAndFollowsTheSeed) {
  const std::vector<double> a = LambdaLogValues(-4, -2, 50, false, 7);
  const std::vector<double> b = LambdaLogValues(-4, -2, 50, false, 7);
  const std::vector<double> c = LambdaLogValues(-4, -2, 50, false, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (double v : a) {
    EXPECT_GE(v, -4);
    EXPECT_LE(v, -2);
  }
  EXPECT_GT(std::set<double>(a.begin(), a.end()).size(), 45u);
}

TEST(LambdaValues, RejectsAnEmptyOrReversedRange) {
  for (auto fn : {+[] { LambdaLogValues(-1, -5, 8, false, 1); },
                  +[] { LambdaLogValues(-5, -1, 0, true, 1); }}) {
    try {
      fn();
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_TRUE(std::string(e.what()).find("--lambda-log-min") != std::string::npos ||
                  std::string(e.what()).find("--count") != std::string::npos)
          << e.what();
    }
  }
}

TEST(WeightTiles, ClassTemplatesAreRowsOfW) {
  Model model;
  model.shape.hidden = {};
  model.w = {std::vector<float>(10 * 3072)};
  model.b = {std::vector<float>(10)};
  for (int d = 0; d < 3072; ++d) {
    for (int o = 0; o < 10; ++o) model.w[0][d * 10 + o] = 1000.0f * o + d;  // column-major
  }
  const std::vector<ImageTile> tiles = WeightTiles(model, "m.tmlp");
  ASSERT_EQ(tiles.size(), 10u);
  EXPECT_EQ(tiles[3].label, "cat");
  EXPECT_EQ(tiles[3].planes[0], 3000.0f);
  EXPECT_EQ(tiles[3].planes[1024 + 5], 3000.0f + 1029);  // green plane, pixel 5
  EXPECT_NE(WeightTitle(model).find("3072-10"), std::string::npos);

  Model two = model;
  two.shape.hidden = {4};
  two.w = {std::vector<float>(4 * 3072, 0.5f), std::vector<float>(10 * 4)};
  const std::vector<ImageTile> units = WeightTiles(two, "m.tmlp");
  ASSERT_EQ(units.size(), 4u);
  EXPECT_EQ(units[0].label, "unit 1");
  EXPECT_NE(WeightTitle(two).find("4 first-layer hidden units"), std::string::npos);

  Model odd = model;
  odd.shape.input = 20;
  ExpectDataError([&] { WeightTiles(odd, "m.tmlp"); }, "m.tmlp", "3072");
}

TEST(RunCharts, OneChartPerQuantityWithTrainingAndValidation) {
  std::vector<MetricsRow> rows(3);
  for (int i = 0; i < 3; ++i) {
    rows[i].step = 100 * i;
    rows[i].eta = 0.01f * i;
    rows[i].train = {2.0 - i * 0.1, 2.5 - i * 0.1, 0.3 + 0.1 * i};
    rows[i].validation = {2.1 - i * 0.1, 2.6 - i * 0.1, 0.28 + 0.1 * i};
  }
  const std::vector<ChartSpec> specs = RunCharts(rows, "t");
  ASSERT_EQ(specs.size(), RunPlotNames().size());
  EXPECT_EQ(specs[0].series.size(), 2u);
  EXPECT_DOUBLE_EQ(specs[0].series[1].y[2], rows[2].validation.cost);
  EXPECT_DOUBLE_EQ(specs[1].series[0].y[1], rows[1].train.loss);
  EXPECT_DOUBLE_EQ(specs[2].series[1].y[0], rows[0].validation.accuracy);
  EXPECT_FLOAT_EQ(static_cast<float>(specs[3].series[0].y[2]), rows[2].eta);
  EXPECT_DOUBLE_EQ(specs[3].series[0].x[2], 200);
}

// Issue 13: values beyond what the row's types hold are refused before they are cast (a double
// outside long's or float's range is undefined behaviour to convert; UBSan's float-cast-overflow
// in the sanitize preset fails this test if the cast comes first).
TEST(MetricsCsv, StepsAndRatesBeyondTheirTypesAreRefused) {
  ExpectDataError([&] { ParseMetricsCsv(kHeader + "1e300,0,0.1,1,1,0.5,1,1,0.5\n", "m.csv"); },
                  "m.csv", "line 2: step 1e300 is not a whole number");
  ExpectDataError(
      [&] { ParseMetricsCsv(kHeader + "9223372036854775808,0,0.1,1,1,0.5,1,1,0.5\n", "m.csv"); },
      "m.csv", "step");
  ExpectDataError([&] { ParseMetricsCsv(kHeader + "0,0,1e39,1,1,0.5,1,1,0.5\n", "m.csv"); },
                  "m.csv", "eta 1e39 is beyond the range of a float");
  // The largest whole step a long holds still reads.
  const std::string big = std::to_string(sizeof(long) == 8 ? 9007199254740992L : 2147483647L);
  EXPECT_EQ(ParseMetricsCsv(kHeader + big + ",0,0.1,1,1,0.5,1,1,0.5\n", "m.csv")[0].step,
            std::stol(big));
}

TEST(SearchResults, ValuesBeyondAFloatOrALongAreRefused) {
  const std::string good = SampleRow(0.001f, 0.5).CsvLine();
  auto with_field = [&](int field, const std::string& value) {
    std::vector<std::string> f = SplitCsvLine(good.substr(0, good.size() - 1));
    f[field] = value;
    std::string line;
    for (size_t i = 0; i < f.size(); ++i) line += (i ? "," : "") + f[i];
    return SearchResultsHeader() + line + "\n";
  };
  ExpectDataError([&] { ParseSearchResults(with_field(0, "1e39"), "r.csv"); }, "r.csv",
                  "field 1 beyond the range of a float");
  ExpectDataError([&] { ParseSearchResults(with_field(8, "-1e300"), "r.csv"); }, "r.csv",
                  "field 9 beyond the range of a float");
  ExpectDataError([&] { ParseSearchResults(with_field(14, "1e300"), "r.csv"); }, "r.csv",
                  "best_step not a whole number in range");
}

TEST(LambdaValues, RejectsNonFiniteBounds) {
  for (auto fn : {+[] { LambdaLogValues(-INFINITY, -1, 8, true, 1); },
                  +[] { LambdaLogValues(-5, NAN, 8, false, 1); }}) {
    try {
      fn();
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("both must be finite"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tinymlp
