// The output contract and the messages of the command line (issue 12): every subcommand's --json
// is one JSON document with the keys its key=value lines have; eval --per-class and --plot; export
// --format npz; suggestions for mistyped subcommands and flags; flags that would have no effect;
// numbers that are not numbers; every --help with defaults, choices and an example.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "platform/files.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using json = nlohmann::ordered_json;  // keeps the document's key order
using testing::RunOutput;
using testing::RunTinymlp;
using testing::TempDir;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// One line on stderr, exit `code`, the message, and the pointer to the right help.
void ExpectError(const RunOutput& r, int code, const std::string& message,
                 const std::string& help) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << "says '" << message << "': " << r.err;
  if (!help.empty()) {
    EXPECT_NE(r.err.find("(see " + help + ")"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// The keys of the key=value text: "key=..." and "key: ..." lines, in order, each once.
std::vector<std::string> TextKeys(const std::string& text) {
  std::vector<std::string> keys;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t end = line.find_first_of("=:");
    EXPECT_NE(end, std::string::npos) << "not a key=value line: " << line;
    if (end == std::string::npos) continue;
    const std::string key = line.substr(0, end);
    if (keys.empty() || keys.back() != key) keys.push_back(key);
  }
  return keys;
}

std::vector<std::string> JsonKeys(const json& doc) {
  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
  return keys;
}

// Runs `args` with and without --json: both succeed, the JSON is one document (one line) whose
// top-level keys are the text's keys in the same order, and `keys` are among them.
json RunBoth(const std::string& args, const std::vector<std::string>& keys) {
  const RunOutput text = RunTinymlp(args);
  EXPECT_EQ(text.exit_code, 0) << args << ": " << text.err;
  const RunOutput as_json = RunTinymlp(args + " --json");
  EXPECT_EQ(as_json.exit_code, 0) << args << " --json: " << as_json.err;
  EXPECT_EQ(std::count(as_json.out.begin(), as_json.out.end(), '\n'), 1) << as_json.out;
  json doc;
  try {
    doc = json::parse(as_json.out);
  } catch (const json::exception& e) {
    ADD_FAILURE() << args << " --json is not JSON (" << e.what() << "): " << as_json.out;
    return doc;
  }
  EXPECT_TRUE(doc.is_object()) << as_json.out;
  EXPECT_EQ(TextKeys(text.out), JsonKeys(doc)) << args << "\n" << text.out << "\n" << as_json.out;
  for (const std::string& key : keys) EXPECT_TRUE(doc.contains(key)) << args << ": " << key;
  return doc;
}

// Every number in `doc` has at most `digits` significant decimals after the point (rounded:
// no 0.2719627618789673).
void ExpectRounded(const json& doc, const std::string& where) {
  if (doc.is_structured()) {
    for (const json& v : doc) ExpectRounded(v, where);
  } else if (doc.is_number_float()) {
    const std::string s = doc.dump();
    const size_t point = s.find('.');
    const size_t exponent = s.find_first_of("eE");
    if (point != std::string::npos && exponent == std::string::npos) {
      EXPECT_LE(s.size() - point - 1, 4u) << where << ": " << s;
    }
  }
}

class OutputCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir;
    out_ = new TempDir;
    testing::WriteRandomCifarDir(data_->path(), 300);
    const RunOutput r =
        RunTinymlp("train --data " + Quote(data_->path()) +
                   " --n-s 3 --evals-per-cycle 2 --threads 1 --out " + Quote(out_->File("run")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete data_;
    delete out_;
  }
  static std::string Data() { return Quote(data_->path()); }
  static std::string Model() { return Quote(out_->File("run/model.tmlp")); }
  static TempDir* data_;
  static TempDir* out_;
};
TempDir* OutputCli::data_ = nullptr;
TempDir* OutputCli::out_ = nullptr;

TEST_F(OutputCli, TrainJson) {
  TempDir dir;
  const json doc = RunBoth(
      "train --data " + Data() + " --n-s 3 --threads 1 --force --out " + Quote(dir.File("run")),
      {"steps", "train_seconds", "val_accuracy", "test_accuracy"});
  EXPECT_EQ(doc.value("steps", 0), 6);
  ExpectRounded(doc, "train");
}

TEST_F(OutputCli, EvalJsonPerClassAndPlot) {
  TempDir dir;
  const std::string plot = dir.File("figures/cm.png");  // the folder is created
  const json doc = RunBoth(
      "eval --model " + Model() + " --data " + Data() + " --per-class --plot " + Quote(plot),
      {"model", "test_images", "test_loss", "test_accuracy", "per_class", "confusion_matrix",
       "wrote"});
  ExpectRounded(doc, "eval");
  ASSERT_EQ(doc["per_class"].size(), 10u);
  EXPECT_EQ(doc["per_class"][0]["class"], "airplane");
  EXPECT_EQ(doc["per_class"][9]["class"], "truck");
  ASSERT_EQ(doc["confusion_matrix"].size(), 10u);
  // The matrix holds every test image once; its diagonal is the correct ones, per class and in
  // all, and agrees with test_accuracy.
  int64_t all = 0, diagonal = 0;
  for (int r = 0; r < 10; ++r) {
    ASSERT_EQ(doc["confusion_matrix"][r].size(), 10u);
    int64_t row = 0;
    for (int c = 0; c < 10; ++c) row += doc["confusion_matrix"][r][c].get<int64_t>();
    EXPECT_EQ(row, doc["per_class"][r]["images"].get<int64_t>());
    EXPECT_EQ(doc["confusion_matrix"][r][r].get<int64_t>(),
              doc["per_class"][r]["correct"].get<int64_t>());
    all += row;
    diagonal += doc["confusion_matrix"][r][r].get<int64_t>();
  }
  EXPECT_EQ(all, 300);
  EXPECT_NEAR(doc["test_accuracy"].get<double>(), static_cast<double>(diagonal) / all, 5e-5);
  EXPECT_EQ(doc["wrote"], json::array({plot}));
  const std::vector<uint8_t> png = testing::ReadBytes(plot);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  // Without --per-class: the accuracy only, and it is the last line, as train's is.
  const RunOutput plain = RunTinymlp("eval --model " + Model() + " --data " + Data());
  EXPECT_EQ(TextKeys(plain.out),
            (std::vector<std::string>{"model", "test_images", "test_loss", "test_accuracy"}));
}

TEST_F(OutputCli, PredictJson) {
  const std::string batch = Quote(data_->File("test_batch.bin"));
  const json doc = RunBoth("predict --per-image --top 2 --model " + Model() + " " + batch,
                           {"model", "predictions", "batches", "images", "correct", "accuracy"});
  ExpectRounded(doc, "predict");
  ASSERT_EQ(doc["predictions"].size(), 300u);
  ASSERT_EQ(doc["predictions"][0]["top"].size(), 2u);
  EXPECT_TRUE(doc["predictions"][0]["top"][0].contains("probability"));
  EXPECT_EQ(doc["batches"][0]["images"], 300);
  // --decimals 9: a float's whole precision, for tools that compare probabilities.
  const RunOutput fine =
      RunTinymlp("predict --json --decimals 9 --per-image --model " + Model() + " " + batch);
  ASSERT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_NO_THROW(json::parse(fine.out));
}

// A file name that is not UTF-8 cannot be a JSON string: --json refuses it before any work, in
// one line (the text output, which is bytes, still takes it).
TEST_F(OutputCli, NonUtf8FileNameIsRefusedUpFrontWithJson) {
  TempDir dir;
  const std::string name = dir.File("w\xff\xfe.bin");  // not UTF-8
  WriteFileAtomic(
      name,
      std::string(reinterpret_cast<const char*>(testing::RandomBatchBytes(3, 5).data()), 3 * 3073));
  const RunOutput r = RunTinymlp("predict --json --model " + Model() + " " + Quote(name));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("is not valid UTF-8"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  const RunOutput text = RunTinymlp("predict --model " + Model() + " " + Quote(name));
  EXPECT_EQ(text.exit_code, 0) << text.err;
}

TEST_F(OutputCli, ExportNpz) {
  TempDir dir;
  const std::string npz = dir.File("m.npz");
  const json doc = RunBoth("export --model " + Model() + " " + Quote(npz),
                           {"model", "format", "arrays", "bytes", "wrote"});
  EXPECT_EQ(doc["arrays"], json::array({"layer_widths", "batch_norm", "norm_mean", "norm_std",
                                        "norm_inv_std", "W1", "b1", "W2", "b2"}));
  const std::vector<uint8_t> bytes = testing::ReadBytes(npz);
  ASSERT_EQ(static_cast<int64_t>(bytes.size()), doc["bytes"].get<int64_t>());
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), std::string("PK\x03\x04", 4));
  // The first member is layer_widths.npy: a .npy header, then 3072, 50, 10 as int64.
  const std::string text(bytes.begin(), bytes.end());
  const size_t magic = text.find("\x93NUMPY");
  ASSERT_NE(magic, std::string::npos);
  EXPECT_NE(text.find("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"),
            std::string::npos);
  EXPECT_NE(text.find("{'descr': '<f4', 'fortran_order': False, 'shape': (50, 3072), }"),
            std::string::npos);
  ExpectError(RunTinymlp("export --model " + Model() + " --format csv " + Quote(npz)), 2,
              "--format csv: the one format is npz", "tinymlp export --help");
}

TEST_F(OutputCli, InfoGradcheckPlotWeightsBenchJson) {
  const json info = RunBoth("info", {"version", "compiled_targets", "chosen_target", "threads"});
  EXPECT_TRUE(info["compiled_targets"].is_array());
  const json grad = RunBoth("gradcheck --hidden 4", {"per_parameter", "max_rel_error"});
  EXPECT_LT(grad["max_rel_error"].get<double>(), 1e-6);
  TempDir dir;
  const json plot = RunBoth("plot --metrics " + Quote(out_->File("run/metrics.csv")) + " --out " +
                                Quote(dir.File("plots")),
                            {"metrics_rows", "wrote"});
  EXPECT_EQ(plot["wrote"].size(), 4u);
  const json weights =
      RunBoth("weights --model " + Model() + " --out " + Quote(dir.File("new_folder/w.png")),
              {"units", "units_drawn", "wrote"});
  EXPECT_EQ(weights["units"], 50);
  const json bench = RunBoth("bench-train --data " + Data() + " --split 10k --steps 3 --threads 1",
                             {"target", "threads", "ms_per_step", "gflops", "ms_mean_per_step",
                              "eval_ms", "solo_job_share"});
}

TEST_F(OutputCli, SearchJson) {
  TempDir dir;
  const json doc =
      RunBoth("search --data " + Data() + " --split 10k --count 2 --n-s 3 --cycles 1 --jobs 1" +
                  " --threads 1 --results " + Quote(dir.File("r.csv")),
              {"runs_trained", "runs_found", "results_file", "best", "best_lambda"});
  EXPECT_EQ(doc["runs_found"], 2) << "the --json run found the text run's two";
  EXPECT_EQ(doc["best"].size(), 2u);
}

// Each message issue 12 names, in the words a user now sees.
TEST(OutputCliMessages, SuggestionsAndNumbers) {
  ExpectError(RunTinymlp("trian --data x"), 2, "unknown subcommand 'trian'; did you mean 'train'?",
              "tinymlp --help");
  ExpectError(RunTinymlp(""), 2, "a subcommand is required: info, eval, predict", "tinymlp --help");
  ExpectError(RunTinymlp("train --data x --hiden 50"), 2,
              "unknown flag '--hiden'; did you mean '--hidden'?", "tinymlp train --help");
  ExpectError(RunTinymlp("train --hiden=50"), 2, "unknown flag '--hiden'; did you mean '--hidden'?",
              "tinymlp train --help");
  ExpectError(RunTinymlp("eval --modle m --data d"), 2,
              "unknown flag '--modle'; did you mean '--model'?", "tinymlp eval --help");
  ExpectError(RunTinymlp("train --data x --bogus 3"), 2, "unknown flag '--bogus' (see",
              "tinymlp train --help");
  ExpectError(RunTinymlp("eval --model a --data b extra"), 2, "unexpected argument 'extra'",
              "tinymlp eval --help");
  for (const char* flag : {"--n-s=abc", "--n-s abc", "--lambda abc", "--cycles x", "--seed 1e3"}) {
    const RunOutput r = RunTinymlp(std::string("train --data x ") + flag);
    EXPECT_EQ(r.exit_code, 2) << flag;
    EXPECT_NE(r.err.find("is not a"), std::string::npos) << flag << ": " << r.err;
    EXPECT_NE(r.err.find("(see tinymlp train --help)"), std::string::npos) << r.err;
  }
  ExpectError(RunTinymlp("train --data x --n-s=abc"), 2, "--n-s: 'abc' is not a number",
              "tinymlp train --help");
  ExpectError(RunTinymlp("predict --model m --top abc x"), 2, "--top: 'abc' is not a number",
              "tinymlp predict --help");
  ExpectError(RunTinymlp("search --data x --n-s=abc"), 2, "'abc' is neither 'auto' nor",
              "tinymlp search --help");
}

TEST(OutputCliMessages, FlagsWithoutEffect) {
  const struct {
    const char* flags;
    const char* message;
  } cases[] = {
      {"--eta 0.01 --cycles 3", "--cycles has no effect with a constant learning rate"},
      {"--eta 0.01 --n-s 30", "--n-s has no effect with a constant learning rate"},
      {"--eta 0.01 --eta-min 0.001", "--eta-min has no effect with a constant learning rate"},
      {"--eta 0.01 --eta-max 0.1", "--eta-max has no effect with a constant learning rate"},
      {"--schedule linear-decay --epochs 2 --cycles 2",
       "--cycles has no effect with --schedule linear-decay --epochs N"},
      {"--optimizer adam --momentum 0.5", "--momentum has no effect with --optimizer adam"},
      {"--momentum 0.5", "--momentum has no effect with --optimizer sgd"},
      {"--optimizer nesterov --beta1 0.8", "--beta1 has no effect with --optimizer nesterov"},
      {"--beta2 0.99", "--beta2 has no effect with --optimizer sgd"},
      {"--epsilon 1e-6", "--epsilon has no effect with --optimizer sgd"},
      {"--bn-alpha 0.5", "--bn-alpha has no effect without --batch-norm"},
      {"--hidden 0 --batch-norm", "--batch-norm has no effect with --hidden 0"},
      {"--hidden 0 --dropout 0.2", "--dropout has no effect with --hidden 0"},
      {"--init he --init-sigma 0.1", "--init-sigma has no effect with --init he"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.flags);
    ExpectError(RunTinymlp(std::string("train --data /no/such/folder ") + c.flags), 2, c.message,
                "tinymlp train --help");
  }
  // The same table serves the other commands that take the flags.
  ExpectError(RunTinymlp("search --data /no/such/folder --hidden 0 --batch-norm"), 2,
              "--batch-norm has no effect with --hidden 0", "tinymlp search --help");
  ExpectError(RunTinymlp("gradcheck --hidden 0 --batch-norm"), 2,
              "--batch-norm has no effect with --hidden 0", "tinymlp gradcheck --help");
  // And the flags take effect where they should: these reach the data (missing), not a usage error.
  for (const char* ok :
       {"--optimizer adam --beta1 0.8", "--optimizer momentum --momentum 0.5",
        "--batch-norm --bn-alpha 0.5", "--schedule linear-decay --n-s 30 --cycles 2",
        "--init-sigma 0.01", "--eta 0.01 --epochs 2"}) {
    const RunOutput r = RunTinymlp(std::string("train --data /no/such/folder ") + ok);
    EXPECT_EQ(r.exit_code, 1) << ok << ": " << r.err;
  }
}

TEST_F(OutputCli, NoTemporaryFileNames) {
  TempDir dir;
  WriteFileAtomic(dir.File("file"), std::string("x"));
  // A folder where the file would go, and a file where its folder would go: the messages name
  // the path asked for, never the temporary beside it.
  for (const std::string& out : {dir.path(), dir.File("file/m.npz")}) {
    const RunOutput e = RunTinymlp("export --model " + Model() + " " + Quote(out));
    EXPECT_EQ(e.exit_code, 1) << e.err;
    EXPECT_EQ(e.err.find(".tmp"), std::string::npos) << e.err;
    const RunOutput w = RunTinymlp("weights --model " + Model() + " --out " + Quote(out));
    EXPECT_EQ(w.exit_code, 1) << w.err;
    EXPECT_EQ(w.err.find(".tmp"), std::string::npos) << w.err;
  }
}

// Every --help: a default for every option that takes a value (or REQUIRED), the choice flags'
// values, and an example.
TEST(OutputCliHelp, DefaultsChoicesAndExample) {
  for (const char* command : {"info", "eval", "predict", "export", "plot", "weights", "train",
                              "gradcheck", "search", "report", "bench-train"}) {
    SCOPED_TRACE(command);
    const RunOutput r = RunTinymlp(std::string(command) + " --help");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Example:\n  tinymlp " + std::string(command)), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("--json"), std::string::npos) << r.out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      // Option lines: "  --name TYPE..." (flags have no TYPE; -h,--help neither).
      if (line.rfind("  --", 0) != 0) continue;
      const size_t space = line.find(' ', 4);
      if (space == std::string::npos || line[space + 1] == ' ') continue;  // a flag
      EXPECT_TRUE(line.find('=') != std::string::npos || line.find("REQUIRED") != std::string::npos)
          << "no default shown: " << line;
    }
  }
  const RunOutput train = RunTinymlp("train --help");
  for (const char* choices : {"sgd|momentum|nesterov|adam", "cyclic|linear-decay|constant",
                              "xavier|he|normal", "10k|45k|49k"}) {
    EXPECT_NE(train.out.find(choices), std::string::npos) << choices;
  }
}

}  // namespace
}  // namespace tinymlp
