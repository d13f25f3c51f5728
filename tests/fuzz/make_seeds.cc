// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/): a few tiny valid
// inputs of each kind, made by the code that makes the real ones (EncodeModel, MetricsCsvLine,
// SearchRow::CsvLine, stb_image_write), so the fuzzer starts inside each format. Run once after
// a format changes: build/sanitize/fuzz/make_seeds tests/fuzz/corpus (target fuzz_make_seeds).
#include <cstdio>
#include <string>
#include <vector>

#include "apps/lab/metrics_csv.h"
#include "apps/lab/search_results.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

namespace {

using namespace tinymlp;

void Write(const std::string& path, const void* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
}
void Write(const std::string& path, const std::string& text) {
  Write(path, text.data(), text.size());
}
void Write(const std::string& path, const std::vector<uint8_t>& bytes) {
  Write(path, bytes.data(), bytes.size());
}

// A model of `shape` whose values are small, distinct and finite.
Model SmallModel(const MlpShape& shape) {
  Model m;
  m.shape = shape;
  float v = 0.125f;
  auto fill = [&](size_t n) {
    std::vector<float> out(n);
    for (float& x : out) x = (v = -v * 1.25f + 0.0625f);
    return out;
  };
  m.norm.mean = fill(shape.input);
  m.norm.inv_std.assign(shape.input, 2.0f);
  for (int l = 0; l < shape.layers(); ++l) {
    m.w.push_back(fill(static_cast<size_t>(shape.in(l)) * shape.out(l)));
    m.b.push_back(shape.has_bias(l) ? fill(shape.out(l)) : std::vector<float>(shape.out(l), 0));
    if (shape.has_bn(l)) {
      m.gamma.push_back(fill(shape.out(l)));
      m.beta.push_back(fill(shape.out(l)));
      m.running_mean.push_back(fill(shape.out(l)));
      m.running_var.push_back(std::vector<float>(shape.out(l), 0.5f));
    }
  }
  return m;
}

void AppendTo(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

std::vector<uint8_t> Pixels(int w, int h, int comp) {
  std::vector<uint8_t> p(static_cast<size_t>(w) * h * comp);
  for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i * 37 + i / 96 * 11);
  return p;
}

std::vector<uint8_t> Png(int w, int h, int comp) {
  std::vector<uint8_t> out;
  const std::vector<uint8_t> p = Pixels(w, h, comp);
  stbi_write_png_to_func(AppendTo, &out, w, h, comp, p.data(), w * comp);
  return out;
}

std::vector<uint8_t> Jpeg(int w, int h, int comp, int quality) {
  std::vector<uint8_t> out;
  const std::vector<uint8_t> p = Pixels(w, h, comp);
  stbi_write_jpg_to_func(AppendTo, &out, w, h, comp, p.data(), quality);
  return out;
}

std::vector<uint8_t> Batch(int records) {
  std::vector<uint8_t> b;
  for (int r = 0; r < records; ++r) {
    b.push_back(static_cast<uint8_t>(r % kClasses));
    for (int i = 0; i < kImageDim; ++i) b.push_back(static_cast<uint8_t>(i * 7 + r));
  }
  return b;
}

std::string Argv(const std::vector<std::string>& args) {
  std::string s;
  for (size_t i = 0; i < args.size(); ++i) s += (i ? std::string(1, '\0') : "") + args[i];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds CORPUS_DIR (tests/fuzz/corpus)\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string m = dir + "/model_file/", b = dir + "/cifar10_batch/",
                    im = dir + "/image_input/", c = dir + "/cli/", mc = dir + "/metrics_csv/",
                    sr = dir + "/search_results/";

  MlpShape softmax{4, {}, 3};
  MlpShape one{3, {2}, 2};
  MlpShape two{2, {3, 2}, 4};
  MlpShape bn{3, {2, 2}, 2, true};
  Write(m + "softmax_4_3.tmlp", EncodeModel(SmallModel(softmax)));
  Write(m + "hidden_3_2_2.tmlp", EncodeModel(SmallModel(one)));
  Write(m + "hidden_2_3_2_4.tmlp", EncodeModel(SmallModel(two)));
  Write(m + "batch_norm_3_2_2_2.tmlp", EncodeModel(SmallModel(bn)));

  Write(b + "one_record.bin", Batch(1));
  Write(b + "three_records.bin", Batch(3));

  Write(im + "rgb_32.png", Png(32, 32, 3));
  Write(im + "grey_32.png", Png(32, 32, 1));
  Write(im + "rgba_32.png", Png(32, 32, 4));
  Write(im + "rgb_4x3.png", Png(4, 3, 3));
  Write(im + "rgb_32.jpg", Jpeg(32, 32, 3, 90));
  Write(im + "grey_32.jpg", Jpeg(32, 32, 1, 50));
  Write(im + "rgb_5x7.jpg", Jpeg(5, 7, 3, 75));
  Write(im + "one_record.bin", Batch(1));

  Write(c + "info", Argv({"info", "--model", "m.tmlp"}));
  Write(c + "predict", Argv({"predict", "--model", "m.tmlp", "--top", "3", "--json", "a.png"}));
  Write(c + "eval", Argv({"eval", "--model", "m.tmlp", "--data", "d", "--threads", "2"}));
  Write(c + "train", Argv({"train", "--data", "d", "--split", "49k", "--lambda", "0.00115", "--n-s",
                           "980", "--cycles", "3", "--out", "o"}));
  Write(c + "train_network", Argv({"train", "--data", "d", "--hidden", "50,30", "--batch-norm",
                                   "--optimizer", "adam", "--dropout", "0.2", "--seed", "7"}));
  Write(c + "search", Argv({"search", "--data", "d", "--lambda-log-min", "-5", "--lambda-log-max",
                            "-1", "--count", "8", "--grid", "--n-s", "auto", "--jobs", "2"}));
  Write(c + "gradcheck", Argv({"gradcheck", "--step", "1e-5", "--hidden", "5"}));
  Write(c + "plot", Argv({"plot", "--metrics", "m.csv", "--out", "p", "--title", "t"}));
  Write(c + "weights", Argv({"weights", "--model", "m.tmlp", "--out", "w.png", "--zoom", "4"}));
  Write(c + "report", Argv({"report", "--help"}));
  Write(c + "bench_train", Argv({"bench-train", "--data", "d", "--steps", "10"}));
  Write(c + "version", Argv({"--version"}));

  MetricsRow r0, r1;
  r0.step = 0;
  r0.eta = 1e-5f;
  r0.train = {2.3, 2.4, 0.1};
  r0.validation = {2.31, 2.41, 0.09};
  r1.step = 100;
  r1.epoch = 0.2;
  r1.eta = 0.02f;
  r1.train = {1.9, 2.0, 0.35};
  r1.validation = {1.95, 2.05, 0.33};
  Write(mc + "two_rows.csv", MetricsCsvHeader() + MetricsCsvLine(r0) + MetricsCsvLine(r1));
  Write(mc + "crlf.csv", std::string(kMetricsCsvColumns) + "\r\n0,0,1e-05,1,1,0,1,1,0\r\n");

  SearchRow s0, s1;
  s0.lambda = 0.00115f;
  s0.best_val_accuracy = 0.52;
  s0.best_step = 5880;
  s0.final_val_accuracy = 0.51;
  s0.test_accuracy = 0.5167;
  s0.seconds = 1.3;
  s1 = s0;
  s1.lambda = 1e-5f;
  s1.hidden = "50,30";
  s1.batch_norm = true;
  s1.init = "normal";
  s1.init_sigma = 0.001;
  s1.seed = 18446744073709551615ull;
  Write(sr + "two_rows.csv", SearchResultsHeader() + s0.CsvLine() + s1.CsvLine());
  std::string v1 = s0.CsvLine();
  Write(sr + "first_version.csv", SearchResultsHeaderV1() +
                                      "0.00115,-2.939302,50,45k,2,900,100,1e-05,0.1,1," +
                                      "0.520000,5880,0.510000,0.516700,1.300\n");
  std::printf("wrote the seeds under %s\n", dir.c_str());
  return 0;
}
